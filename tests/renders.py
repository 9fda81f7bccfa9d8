"""Every chapter rendered once per test run, shared by every test that needs a render.

Chapters are rendered by the real pipeline (:func:`relu_anim.render.chapter.render_chapter`,
manim in a subprocess) at the thumbnail quality ``t`` (320×180, 5 fps: the same
``construct``, a third of the drawing work of ``-ql``) into one media folder,
``media/test-renders/``. Its TeX cache is shared by all renders (the cache is
locked while it compiles, :mod:`relu_anim.visual.tex`), so TeX is compiled once.

Several pytest-xdist workers can ask for the same chapter: each chapter has a
lock file, and whoever takes it first renders while the others wait, then find
the chapter up to date. Workers start at different chapters so that two
renders run at once. Between runs, a chapter whose inputs did not change (its
fingerprint, :mod:`relu_anim.render.fingerprint`) is not rendered again.

Example (in a test module)::

    from .renders import chapter_clips

    def test_x2_is_long_enough():
        assert chapter_clips()["x2"].duration > 60
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from functools import cache
from typing import Iterator

from relu_anim.render.chapter import render_chapter
from relu_anim.render.chapters import CHAPTERS, REPO_ROOT, chapter
from relu_anim.render.clips import ChapterClip

__all__ = ["RENDER_MEDIA", "RENDER_QUALITY", "chapter_clip", "chapter_clips"]

#: The quality every test render uses.
RENDER_QUALITY = "t"
#: The media folder of the test renders (ignored by git, kept between runs).
RENDER_MEDIA = REPO_ROOT / "media" / "test-renders"


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


@cache
def chapter_clip(name: str) -> ChapterClip:
    """The chapter's render at :data:`RENDER_QUALITY`, made once per run and shared."""
    with _locked(name):
        return render_chapter(chapter(name), RENDER_QUALITY, media_dir=RENDER_MEDIA)


def _start() -> int:
    """Where this xdist worker starts in the chapter list (gw0 at the first, gw1 half way, ...)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    index = int(worker[2:]) if worker[2:].isdigit() else 0
    return index * len(CHAPTERS) // max(count, 1)


@cache
def chapter_clips() -> dict[str, ChapterClip]:
    """Every chapter's shared render, by name, in story order."""
    start = _start()
    order = [*CHAPTERS[start:], *CHAPTERS[:start]]
    for ch in order:
        chapter_clip(ch.name)
    return {ch.name: chapter_clip(ch.name) for ch in CHAPTERS}
