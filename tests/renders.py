"""Every chapter rendered once per test run; the render's scene is kept for the tests.

A chapter is rendered in the test process itself, at the thumbnail quality ``t``
(320×180, 5 fps: the same ``construct`` as the film, a third of the drawing of
``-ql``), into ``media/test-renders/`` — exactly where the render pipeline puts
a ``-q t`` clip (``media/test-renders/videos/<name>/180p5/<Scene>.mp4``, with
its ``.srt`` and storyboard record beside it). The tests of a chapter then read
the clip, the captions, the record, and the rendered scene object itself (its
beats, narration, clock and final state), so a chapter's ``construct`` runs
once per run instead of once for the video and again for each storyboard check.

``make test`` runs pytest-xdist with ``--dist loadgroup``; :mod:`tests.schedule`
hands every test of one chapter to one worker, so that worker renders the
chapter and runs all of its tests. Tests that need every chapter's clip
(tests/test_joined.py, :func:`chapter_clips`) run once every chapter's tests
are done: they take each chapter's lock and read the clip another worker
rendered in this run (marked with the run's id) from disk; a chapter no worker
rendered (its tests not selected) is rendered here. Its TeX and text caches are shared by every worker
(:mod:`relu_anim.visual.caches`), so TeX is compiled once, and a chapter compiles its
listed TeX strings in one batch (:mod:`relu_anim.visual.tex_batch`). Each render records the TeX
strings it used (:func:`tex_record`), from which ``make tex-strings`` rewrites that list.

While a chapter renders, its scene's hooks record what the viewer sees: the
frame at the end of every beat (:attr:`Rendered.beat_frames`, the golden
frames), the text on screen then (:attr:`Rendered.beat_texts`), the text on
screen as each narration ends (:attr:`Rendered.narration_texts`), and the
result of every probe a test module registered with :func:`at_beat_end` — a
function called on the live scene when that beat ends, returning what the test
will check (:meth:`Rendered.probe`). Structural tests thus read the real film,
not a pose rebuilt for the test.

Example (in a test module)::

    from .renders import at_beat_end, rendered

    @at_beat_end("x2", "Five units")
    def five_unit_corners(scene):
        return scene.view.graph.corners()

    def test_x2_is_long_enough():
        assert rendered("x2").clip.duration > 60

    def test_five_units_drawn_at_the_kinks():
        corners = rendered("x2").probe(five_unit_corners)
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Callable, Iterator

import numpy as np

from manim import tempconfig
from manim.mobject.text.numbers import string_to_mob_map as decimal_glyphs

from relu_anim.io.locks import held
from relu_anim.render.chapters import CHAPTERS, REPO_ROOT, chapter
from relu_anim.render.clips import MANIM_FLAGS, QUALITIES, ChapterClip
from relu_anim.visual import ChapterScene
from relu_anim.visual.caches import recording
from relu_anim.visual.readouts import forget_kept_powers

from .film import TextBox, snapshot_frame, text_boxes
from .scenes import load_chapter

__all__ = ["RENDER_MEDIA", "RENDER_QUALITY", "Rendered", "at_beat_end", "chapter_clips", "rendered", "tex_record"]

#: Probes by (chapter, beat title): called on the live scene when that beat ends.
_PROBES: dict[tuple[str, str], list[Callable[[ChapterScene], Any]]] = {}


def at_beat_end(name: str, beat: str) -> Callable:
    """Register ``probe(scene)`` to run when beat ``beat`` of chapter ``name`` ends.

    Its return value is kept (:meth:`Rendered.probe`). Register at import time
    of the test module, before the chapter renders.
    """

    def register(probe: Callable[[ChapterScene], Any]) -> Callable[[ChapterScene], Any]:
        _PROBES.setdefault((name, beat), []).append(probe)
        return probe

    return register

#: The quality every test render uses.
RENDER_QUALITY = "t"
#: The media folder of the test renders (ignored by git).
RENDER_MEDIA = REPO_ROOT / "media" / "test-renders"


def _render_config(name: str) -> dict:
    """manim's configuration for quality ``t``, as ``MANIM_FLAGS["t"]`` gives the render pipeline."""
    flags = MANIM_FLAGS[RENDER_QUALITY]
    width, height = map(int, flags[flags.index("--resolution") + 1].split(","))
    rate = int(flags[flags.index("--frame_rate") + 1])
    assert QUALITIES[RENDER_QUALITY] == f"{height}p{rate}"
    return {
        "media_dir": str(RENDER_MEDIA), "input_file": str(chapter(name).path), "quality": "low_quality",
        "pixel_width": width, "pixel_height": height, "frame_rate": rate,
        "disable_caching": True, "progress_bar": "none", "verbosity": "WARNING",
        "save_last_frame": False, "dry_run": False,
    }  # fmt: skip


@dataclass(frozen=True)
class Rendered:
    """A chapter rendered in this process: the clip and the scene that drew it."""

    clip: ChapterClip
    scene: ChapterScene | None  # None: rendered by another worker, read from disk
    #: The picture at the end of each beat, in beat order (uint8 RGB).
    beat_frames: list[np.ndarray] = field(default_factory=list)
    #: The visible text at the end of each beat, in beat order.
    beat_texts: list[list[TextBox]] = field(default_factory=list)
    #: ``(narration, visible text as it ends)`` for every narration, in order.
    narration_texts: list[tuple[str, list[TextBox]]] = field(default_factory=list)
    #: What each probe returned, by probe function, one entry per time its beat ended.
    probes: dict[Callable, list[Any]] = field(default_factory=dict)

    def probe(self, probe: Callable) -> Any:
        """What ``probe`` returned (the first time its beat ended); an error if it never ran."""
        if not self.probes.get(probe):
            raise AssertionError(f"probe {probe.__name__} never ran: is its beat title in the chapter?")
        return self.probes[probe][0]

    @property
    def story(self) -> dict:
        """The storyboard record written beside the clip."""
        return json.loads(self.clip.story.read_text(encoding="utf-8"))


def _run_id() -> str:
    return os.environ.get("PYTEST_XDIST_TESTRUNUID", f"pid{os.getpid()}")


def _marker(name: str):
    return RENDER_MEDIA / "locks" / f"{name}.rendered"


@contextmanager
def _locked(name: str) -> Iterator[None]:
    with held(RENDER_MEDIA / "locks" / f"{name}.lock"):
        yield


def _clip(name: str) -> ChapterClip:
    return ChapterClip.written(chapter(name), RENDER_QUALITY, RENDER_MEDIA, True)


@cache
def rendered(name: str) -> Rendered:
    """Chapter ``name`` rendered at :data:`RENDER_QUALITY` in this process, once per run."""
    with _locked(name):
        base = getattr(load_chapter(name), chapter(name).scene)
        seen = Rendered(None, None)  # filled in by the hooks while the chapter renders

        def beat_ended(scene: ChapterScene, index: int, title: str) -> None:
            base.beat_ended(scene, index, title)
            seen.beat_frames.append(snapshot_frame(scene))
            seen.beat_texts.append(text_boxes(scene))
            for probe in _PROBES.get((name, title), []):
                seen.probes.setdefault(probe, []).append(probe(scene))

        def narration_ended(scene: ChapterScene, text: str) -> None:
            base.narration_ended(scene, text)
            seen.narration_texts.append((text, text_boxes(scene)))

        # same name, so the files are the chapter's own
        watched = type(base.__name__, (base,), {"beat_ended": beat_ended, "narration_ended": narration_ended})
        theme = os.environ.pop("RELU_ANIM_THEME", None)  # golden frames are of the dark theme
        # DecimalNumber keeps one glyph per character for the whole process, and a readout its
        # × 10^k parts: forget them, so the record below holds every TeX string this chapter
        # needs, whatever rendered before it here
        decimal_glyphs.clear()
        forget_kept_powers()
        try:
            with tempconfig(_render_config(name)), recording() as used:
                scene = watched()
                scene.render()
        finally:
            if theme is not None:
                os.environ["RELU_ANIM_THEME"] = theme
        tex_record(name).write_text(json.dumps([list(pair) for pair in used]))
        _marker(name).write_text(_run_id())
        return Rendered(_clip(name), scene, seen.beat_frames, seen.beat_texts, seen.narration_texts, seen.probes)


def tex_record(name: str):
    """Where the TeX strings chapter ``name`` used in this run's render are written (JSON pairs)."""
    return RENDER_MEDIA / "locks" / f"{name}.tex.json"


def chapter_clips() -> dict[str, ChapterClip]:
    """Every chapter's clip of this run, by name, in story order (rendered here if no worker has)."""
    clips = {}
    for ch in CHAPTERS:
        with _locked(ch.name):
            marker = _marker(ch.name)
            done = marker.is_file() and marker.read_text() == _run_id()
        clips[ch.name] = _clip(ch.name) if done else rendered(ch.name).clip
    return clips
