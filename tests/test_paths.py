"""Shapes whose points did not change replay their traced Cairo path (relu_anim.visual.paths)."""

from __future__ import annotations

import numpy as np
from manim import LEFT, RIGHT, Camera, Circle, MathTex, Square, VGroup

import relu_anim.visual.hooks  # noqa: F401  (installs the replay)
from relu_anim.visual import paths

_original = paths._trace  # manim's own Camera.set_cairo_context_path


def _picture(camera: Camera, mobjects) -> np.ndarray:
    camera.reset()
    camera.capture_mobjects(mobjects)
    return camera.pixel_array.copy()


def test_a_replayed_path_draws_exactly_what_tracing_draws(monkeypatch):
    camera = Camera(pixel_width=320, pixel_height=180)
    shapes = [MathTex(r"y = 1.6\,\mathrm{ReLU}(x - 0.4)"), Square().shift(2 * LEFT), Circle().shift(RIGHT),
              VGroup(*(Square(0.2).shift(0.3 * k * RIGHT) for k in range(5)))]
    families = [m for s in shapes for m in s.family_members_with_points()]
    traced = []

    def trace(self, ctx, vmobject):
        traced.append(vmobject)
        return _original(self, ctx, vmobject)

    monkeypatch.setattr(paths, "_trace", trace)
    paths._paths.clear()

    first = _picture(camera, shapes)  # traces every shape
    assert len(traced) == len(families)
    again = _picture(camera, shapes)  # nothing moved: every path replayed, none traced
    assert len(traced) == len(families)
    np.testing.assert_array_equal(again, first)

    monkeypatch.setattr(Camera, "set_cairo_context_path", _original)  # manim's own tracing
    np.testing.assert_array_equal(_picture(camera, shapes), first)
    monkeypatch.setattr(Camera, "set_cairo_context_path", paths.set_cairo_context_path)

    shapes[1].shift(0.5 * RIGHT)  # moved: its points changed, so it is traced again
    moved = _picture(camera, shapes)
    assert traced[-1] is shapes[1] and len(traced) == len(families) + 1
    monkeypatch.setattr(Camera, "set_cairo_context_path", _original)
    np.testing.assert_array_equal(_picture(camera, shapes), moved)
    assert not np.array_equal(moved, first)


def test_the_kept_paths_are_bounded(monkeypatch):
    monkeypatch.setattr(paths, "MAX_PATHS", 40)
    camera = Camera(pixel_width=64, pixel_height=36)
    paths._paths.clear()
    for k in range(50):
        _picture(camera, [Square(0.1 + k * 1e-3)])
    assert paths.cached_paths() == 40


