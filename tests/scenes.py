"""What every chapter test needs: the scene module, a set-up scene, a storyboard run.

``scenes/`` is not a package, so :func:`load_chapter` loads ``scenes/<name>.py``
by the path the chapter registry gives (:func:`relu_anim.render.chapters.chapter`).
Scenes are built under :data:`QUIET` (small frames, no caching, nothing
written): :func:`set_up` yields a set-up scene and tears it down, and
:func:`storyboard` runs a whole ``construct`` with animations skipped (for
small test scenes; the chapters themselves are judged from the suite's one
render of each, tests/renders.py).
:func:`assert_narrated` checks the timing rules every chapter keeps, and
:func:`scene_points` turns graph coordinates into the scene points drawn.

Example (in a chapter's test module)::

    from .renders import at_beat_end, rendered
    from .scenes import scene_points

    @at_beat_end("x2", "Five units")
    def five_units(scene):
        return scene.view.graph.corners(), scene_points(scene.axes, *scene.view.graph.function.vertices)

    def test_five_units():
        drawn, expected = rendered("x2").probe(five_units)
        np.testing.assert_allclose(drawn, expected)
"""

from __future__ import annotations

import importlib.util
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterable, Iterator, TypeVar

import numpy as np
from manim import Scene, tempconfig

from relu_anim.render.chapters import chapter
from relu_anim.visual import ChapterScene

__all__ = ["QUIET", "FakeChapter", "load_chapter", "set_up", "storyboard", "assert_narrated", "scene_points"]

S = TypeVar("S", bound=Scene)

@dataclass(frozen=True)
class FakeChapter:
    """A throwaway chapter for pipeline tests: anything with name, scene, title and path is one.

    ``still_at`` is where a pack takes its poster (as :class:`~relu_anim.render.chapters.Chapter`).
    """

    name: str
    scene: str
    title: str
    path: Path
    still_at: float = 0.5

    @classmethod
    def written(cls, folder: Path, name: str, scene: str, title: str, source: str) -> "FakeChapter":
        """The chapter whose scene file ``folder/<name>.py`` holds ``source`` (written here)."""
        path = folder / f"{name}.py"
        path.write_text(source, encoding="utf-8")
        return cls(name, scene, title, path)


#: The manim configuration scenes are built with in tests: 320×180, no cache, no files, no INFO log.
QUIET: dict[str, Any] = {"dry_run": True, "disable_caching": True, "pixel_width": 320, "pixel_height": 180,
                         "write_to_movie": False, "save_last_frame": False, "verbosity": "WARNING"}


@cache
def load_chapter(name: str) -> ModuleType:
    """``scenes/<name>.py`` as a module, loaded once, as ``sys.modules["relu_anim_scene_<name>"]``."""
    spec = importlib.util.spec_from_file_location(f"relu_anim_scene_{name}", chapter(name).path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@contextmanager
def set_up(scene_class: type[S], config: dict[str, Any] = QUIET, **kwargs: Any) -> Iterator[S]:
    """``scene_class(**kwargs)`` under ``tempconfig(config)``, after ``setup()``; torn down on exit."""
    with tempconfig(config):
        scene = scene_class(**kwargs)
        scene.setup()
        try:
            yield scene
        finally:
            scene.tear_down()


def storyboard(scene_class: type[S], prepare: Callable[[S], object] | None = None) -> S:
    """Run the whole ``construct`` without rendering; the scene afterwards.

    Every animation is skipped, so the clock, ``beats`` and ``narration`` are
    those of the full chapter; ``scene.beat_starts`` holds the time each beat
    began (ChapterScene records it). ``prepare(scene)``, when given, runs just before ``construct`` (to
    wrap a method and record the state at some point).
    """
    with set_up(scene_class, {**QUIET, "from_animation_number": 10_000}, skip_animations=True) as scene:
        scene.renderer.skip_animations = True
        if prepare is not None:
            prepare(scene)
        scene.construct()
    return scene


def assert_narrated(scene: ChapterScene) -> None:
    """The rules of every storyboard: captions in order, each long enough, one at a time, 60 s to 2.5 min."""
    assert len(scene.narration) >= len(scene.beats)
    starts = [start for start, _, _ in scene.narration]
    assert starts == sorted(starts)
    for (start, duration, text), nxt in zip(scene.narration, [*starts[1:], scene.time]):
        # the clock moves in whole frames, so a hold can end up to one frame short
        assert duration >= ChapterScene.reading_time(text) - 1 / scene.frame_rate - 1e-9
        assert start + duration <= nxt + 1e-6  # one caption at a time
    assert 60 <= scene.time <= 150


def scene_points(axes: Any, xs: Iterable[float], ys: Iterable[float] | None = None) -> np.ndarray:
    """``axes.c2p(x, y)`` of every ``(xs[i], ys[i])``, shape ``(n, 3)``; without ``ys``, ``xs`` holds (x, y) pairs."""
    pairs = xs if ys is None else zip(xs, ys)
    return np.array([axes.c2p(x, y) for x, y in pairs]).reshape(-1, 3)
