"""Every chapter rendered once per test run; the render's scene is kept for the tests.

A chapter is rendered in the test process itself, at the thumbnail quality ``t``
(320×180, 5 fps: the same ``construct`` as the film, a third of the drawing of
``-ql``), into ``media/test-renders/`` — exactly where the render pipeline puts
a ``-q t`` clip (``media/test-renders/videos/<name>/180p5/<Scene>.mp4``, with
its ``.srt`` and storyboard record beside it). The tests of a chapter then read
the clip, the captions, the record, and the rendered scene object itself (its
beats, narration, clock and final state), so a chapter's ``construct`` runs
once per run instead of once for the video and again for each storyboard check.

``make test`` runs pytest-xdist with ``--dist loadgroup``; ``tests/conftest.py``
puts every test of one chapter into one xdist group, so one worker renders the
chapter and runs all of its tests. Tests that need every chapter's clip (the
join) take each chapter's lock: a clip another worker rendered in this run
(marked with the run's id) is read from disk, and a missing one is rendered
here. Its TeX and text caches are shared by every worker
(:mod:`relu_anim.visual.caches`), so TeX is compiled once.

Example (in a test module)::

    from .renders import rendered

    def test_x2_is_long_enough():
        assert rendered("x2").clip.duration > 60
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Iterator

from manim import tempconfig

from relu_anim.render.chapters import CHAPTERS, REPO_ROOT, chapter
from relu_anim.render.clips import MANIM_FLAGS, QUALITIES, ChapterClip, chapter_outputs, probe
from relu_anim.visual import ChapterScene

from .scenes import load_chapter

__all__ = ["RENDER_MEDIA", "RENDER_QUALITY", "Rendered", "chapter_clips", "rendered"]

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
    folder = RENDER_MEDIA / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _clip(name: str) -> ChapterClip:
    mp4, srt = chapter_outputs(chapter(name), RENDER_QUALITY, media_dir=RENDER_MEDIA)
    return ChapterClip(chapter(name), mp4, srt if srt.is_file() else None, float(probe(mp4).duration), True)


@cache
def rendered(name: str) -> Rendered:
    """Chapter ``name`` rendered at :data:`RENDER_QUALITY` in this process, once per run."""
    with _locked(name):
        cls = getattr(load_chapter(name), chapter(name).scene)
        with tempconfig(_render_config(name)):
            scene = cls()
            scene.render()
        _marker(name).write_text(_run_id())
        return Rendered(_clip(name), scene)


def chapter_clips() -> dict[str, ChapterClip]:
    """Every chapter's clip of this run, by name, in story order (rendered here if no worker has)."""
    clips = {}
    for ch in CHAPTERS:
        with _locked(ch.name):
            marker = _marker(ch.name)
            done = marker.is_file() and marker.read_text() == _run_id()
        clips[ch.name] = _clip(ch.name) if done else rendered(ch.name).clip
    return clips
