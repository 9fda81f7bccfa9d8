"""Shapes whose points did not change replay their traced Cairo path (relu_anim.visual.paths)."""

from __future__ import annotations

import cairo
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import LEFT, RIGHT, Camera, Circle, MathTex, Square, VGroup, VMobject

import relu_anim.visual.hooks  # noqa: F401  (installs the replay)
from relu_anim.visual import paths, trace

_original = paths._manim_trace  # manim's own Camera.set_cairo_context_path


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




# ------------------------------------------------------------- one-call tracing
def _elements(ctx) -> list:
    return [(kind, tuple(xy)) for kind, xy in ctx.copy_path()]


def _manim_path(points: np.ndarray) -> list:
    shape = VMobject()
    shape.points = points
    camera = Camera(pixel_width=16, pixel_height=9)
    ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 16, 9))
    ctx.move_to(5, 5)  # a path left from before: manim's tracing starts a new one
    _original(camera, ctx, shape)
    return _elements(ctx)


def _one_call_path(points: np.ndarray) -> list:
    ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 16, 9))
    ctx.move_to(5, 5)
    assert trace.trace_points(ctx, points, VMobject().tolerance_for_point_equality)
    return _elements(ctx)


def test_one_call_tracing_is_available_here():
    # CPython with pycairo's documented PycairoContext layout: the route the suite's frames are drawn by
    assert trace.AVAILABLE


coordinate = st.floats(-8, 8, allow_nan=False, width=64)


@st.composite
def bezier_points(draw) -> np.ndarray:
    """Curves in manim's layout; some anchors pulled apart (new subpaths), some closed, some odd lengths."""
    curves = draw(st.integers(0, 9))
    points = np.array(draw(st.lists(st.tuples(coordinate, coordinate, st.just(0.0)),
                                    min_size=4 * curves, max_size=4 * curves)), dtype=float).reshape(-1, 3)
    for c in range(1, curves):
        if draw(st.booleans()):  # joined: the curve starts where the one before ended (or within tolerance)
            points[4 * c] = points[4 * c - 1] + draw(st.sampled_from([0.0, 5e-7, 1e-6, 2e-6, 1e-3]))
    if curves and draw(st.booleans()):  # closed: the last anchor on the first
        points[-1] = points[0] + draw(st.sampled_from([0.0, 5e-7, 2e-6]))
    extra = draw(st.integers(0, 3)) if draw(st.booleans()) else 0  # not a whole number of curves
    return np.concatenate([points, np.zeros((extra, 3))])


@given(bezier_points())
@settings(max_examples=300, deadline=None)
def test_one_call_tracing_adds_the_elements_manim_adds(points):
    assert _one_call_path(points) == _manim_path(points)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_shape_with_a_non_finite_point_draws_no_path_in_either(bad):
    points = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 1, 0], [bad, 2, 0], [2, 2, 0], [0, 0, 0]])
    assert _one_call_path(points) == _manim_path(points) == []


def test_a_frame_drawn_with_one_call_tracing_equals_manims(monkeypatch):
    camera = Camera(pixel_width=320, pixel_height=180)
    band = VMobject(fill_opacity=0.4, stroke_width=2)
    xs = np.linspace(-3, 3, 600)
    band.set_points_as_corners([*zip(xs, np.sin(3 * xs), 0 * xs), *zip(xs[::-1], 0.5 * xs[::-1] ** 2 - 2, 0 * xs),
                                (xs[0], np.sin(3 * xs[0]), 0)])
    shapes = [MathTex(r"\sum_i w_i\,\mathrm{ReLU}(x - h_i)"), band, Circle().shift(LEFT)]
    paths._paths.clear()
    ours = _picture(camera, shapes)
    monkeypatch.setattr(Camera, "set_cairo_context_path", _original)
    np.testing.assert_array_equal(_picture(camera, shapes), ours)


@pytest.mark.parametrize("join", [[0.0, 0.0, 1.0], [-0.0, 0.0, 0.0], [5e-7, 0.0, 0.0], [0.0, 2e-6, 0.0]])
def test_a_join_that_is_not_byte_for_byte_the_same_point_is_judged_as_manim_judges_it(join):
    # a z that differs, a negative zero (other bytes, the same number), within and beyond the tolerance
    points = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 1, 0], [0, .5, 0], [.2, .2, 0], [0, 0, 0]],
                      dtype=float)
    points[4] = points[3] + np.array(join)
    if join[0] == 0 and np.signbit(join[0]):
        points[4, 0] = -0.0
    assert _one_call_path(points) == _manim_path(points)


@pytest.mark.parametrize("gaps", [3, trace._FEW_GAPS, trace._FEW_GAPS + 1, 40])
def test_shapes_with_few_and_many_subpaths_are_split_as_manim_splits_them(gaps):
    # up to trace._FEW_GAPS the ends are compared one by one, beyond it in numpy: both by manim's rules
    rng = np.random.default_rng(gaps)
    points = rng.uniform(-4, 4, (4 * (gaps + 1), 3))
    points[:, 2] = 0
    points[-1] = points[4 * gaps]  # the last subpath closed
    assert _one_call_path(points) == _manim_path(points)
    kinds = [kind for kind, _ in _one_call_path(points)]
    starts = [k for k, kind in enumerate(kinds)  # cairo adds a MOVE_TO after a CLOSE_PATH: not a new subpath
              if kind == cairo.PathDataType.MOVE_TO and (k == 0 or kinds[k - 1] != cairo.PathDataType.CLOSE_PATH)]
    assert len(starts) == gaps + 1 and kinds.count(cairo.PathDataType.CLOSE_PATH) == 1


def test_a_long_shape_whose_layout_is_not_kept_is_traced_as_manim_traces_it():
    rng = np.random.default_rng(3)
    curves = 300  # 1,200 points: above trace.MAX_LAYOUT_POINTS, so its layout is built, not kept
    points = rng.uniform(-4, 4, (4 * curves, 3))
    points[:, 2] = 0
    joined = rng.random(curves) < 0.9
    for c in range(1, curves):
        if joined[c]:
            points[4 * c] = points[4 * c - 1]
    points[-1] = points[4 * np.flatnonzero(~joined[1:])[-1] + 4]  # the last subpath closed
    assert len(points) > trace.MAX_LAYOUT_POINTS
    before = len(trace._layouts)
    assert _one_call_path(points) == _manim_path(points)
    assert len(trace._layouts) == before
