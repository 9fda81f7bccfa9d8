"""The whole explainer: every chapter rendered, joined into one video.

``make video`` (``relu-anim video --quality l``) calls :func:`render_video`, which

1. renders each chapter of :data:`~relu_anim.render.chapters.CHAPTERS` unless it
   is up to date (:func:`~relu_anim.render.chapter.render_chapter`), up to
   ``jobs`` manim processes at a time (the TeX cache and the render state are
   shared safely, see :mod:`relu_anim.visual.caches` and
   :func:`~relu_anim.render.fingerprint.state_locked`); with ``slices`` above 1
   a chapter is cut into slices of beats, each its own manim process, joined
   without re-encoding (:mod:`relu_anim.render.slices`), and with a
   ``scheduler`` the slices are rendered by a Dask cluster's workers
   (:mod:`relu_anim.render.cluster`);
2. joins the chapter clips into ``media/relu_explainer.mp4`` without re-encoding,
   with chapter markers, ``relu_explainer.chapters.vtt`` and one
   ``relu_explainer.srt`` on the joined timeline
   (:func:`~relu_anim.render.join.join_clips`).

A second run with nothing changed renders nothing and skips the join.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any, Sequence

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn

from ..errors import ReluAnimError
from .chapter import render_chapter
from .chapters import CHAPTERS, REPO_ROOT
from .clips import ChapterClip, ChapterLike, check_quality, media_folder
from .fingerprint import is_up_to_date, load_state, save_state, signature, state_locked
from .join import join_clips
from .slices import LocalSlices, SliceRunner, render_sliced

__all__ = ["INFLIGHT_ENCODERS", "VIDEO_NAME", "default_jobs", "render_chapters", "render_video"]

#: The joined video's file stem in the media folder.
VIDEO_NAME = "relu_explainer"

#: manim's ``--max-inflight-encoders`` for chapter renders: partial movies encoded on a thread while the
#: next play renders (the same bytes). Measured at -ql on relu_shift, 2 busy cores (bench/render_scale.py
#: --sections inflight): 1 → 456 s, 2 → 370 s, 4 → 394 s; with --jobs 2 --slices 2: 1 → 370 s, 2 → 334 s.
INFLIGHT_ENCODERS = 2


def default_jobs() -> int:
    """How many chapters to render at once by default: the cores this process may use.

    Examples
    --------
    >>> default_jobs() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _join_record(
    quality: str, clips: Sequence[ChapterClip], outputs: Sequence[Path]
) -> dict[str, Any]:
    """What the joined video was made from, and the files it became."""
    return {
        "quality": quality,
        "clips": [
            [c.chapter.name, c.chapter.title, signature(c.mp4), signature(c.srt)] for c in clips
        ],
        "outputs": [signature(path) for path in outputs],
    }


class _Report:
    """Per-chapter progress: a live table on a terminal, one line per event otherwise."""

    def __init__(self, chapters: Sequence[ChapterLike], enabled: bool) -> None:
        self.enabled = enabled
        if not enabled:
            return
        self.console = Console(stderr=True)
        self.live = self.console.is_terminal
        self.width = max(len(ch.name) for ch in chapters)
        self.progress = Progress(
            SpinnerColumn(finished_text="•"),
            TextColumn("{task.description}"),
            TextColumn("{task.fields[status]}"),
            TextColumn("{task.fields[seconds]}"),
            console=self.console,
            disable=not self.live,
        )
        self.tasks = [
            self.progress.add_task(
                f"{ch.name:<{self.width}}", status="waiting", seconds="", start=False, total=1
            )
            for ch in chapters
        ]
        self.started: dict[int, float] = {}

    def __enter__(self) -> _Report:
        if self.enabled:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.progress.stop()

    def start(self, i: int) -> None:
        if not self.enabled:
            return
        self.started[i] = time.monotonic()
        self.progress.start_task(self.tasks[i])
        self.progress.update(self.tasks[i], status="checking…")

    def done(self, i: int, status: str) -> None:
        if not self.enabled:
            return
        seconds = f"{time.monotonic() - self.started[i]:.1f} s"
        self.progress.update(self.tasks[i], status=status, seconds=seconds, completed=1)
        if not self.live:
            name = self.progress.tasks[i].description
            self.console.print(f"{name}  {status}  {seconds}", highlight=False)

    def note(self, i: int, status: str) -> None:
        if self.enabled:
            self.progress.update(self.tasks[i], status=status)
            if not self.live:
                name = self.progress.tasks[i].description
                self.console.print(f"{name}  {status}", highlight=False)

    def line(self, text: str) -> None:
        if self.enabled:
            self.console.print(text, highlight=False)


def _render_all(
    chapters: Sequence[ChapterLike],
    quality: str,
    force: bool,
    root: Path,
    media: Path,
    report: _Report,
    jobs: int,
    slices: int = 1,
    runner: SliceRunner | None = None,
    manim_args: Sequence[str] = (),
) -> list[ChapterClip]:
    """Render the chapters, ``jobs`` at a time; the clips in story order.

    Without a ``runner`` each chapter is one manim process, ``jobs`` at a time;
    with one, each chapter that must be rendered is cut into up to ``slices``
    slices that the runner renders (``jobs`` chapters are planned and joined at
    a time). On a failure no further chapter starts, those running finish, and
    the first failure (in story order) is raised.
    """

    def one(i: int, ch: ChapterLike) -> ChapterClip:
        report.start(i)
        stale = force or not is_up_to_date(ch, quality, root, media)
        if stale:
            report.note(i, "rendering")
        try:
            if stale and runner is not None:
                clip = render_sliced(ch, quality, slices, runner, root, media, manim_args)
            else:
                clip = render_chapter(ch, quality, force=force, root=root, media_dir=media, manim_args=manim_args)
        except ReluAnimError:
            report.done(i, "failed")
            raise
        report.done(i, "rendered" if clip.rendered else "up to date")
        return clip

    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="chapter") as pool:
        futures = [pool.submit(one, i, ch) for i, ch in enumerate(chapters)]
        try:
            wait(futures, return_when=FIRST_EXCEPTION)
        except BaseException:  # Ctrl-C: a thread waiting for a cluster's slice would hold the pool's exit
            if runner is not None:
                runner.close()
            raise
        finally:
            for future in futures:
                future.cancel()  # those not started yet
    failures = [f.exception() for f in futures if not f.cancelled() and f.exception() is not None]
    if failures:
        raise failures[0]
    return [f.result() for f in futures]


def render_chapters(
    quality: str = "l",
    *,
    chapters: Sequence[ChapterLike] = CHAPTERS,
    force: bool = False,
    progress: bool = True,
    jobs: int | None = None,
    root: Path | str = REPO_ROOT,
    media_dir: Path | str | None = None,
    slices: int = 1,
    scheduler: str | None = None,
    connect_timeout: float = 10.0,
    max_inflight_encoders: int = INFLIGHT_ENCODERS,
) -> list[ChapterClip]:
    """Render every chapter that is not up to date, ``jobs`` at a time; the clips in story order.

    Parameters as for :func:`render_video`, which joins what this returns.

    Examples
    --------
    >>> render_chapters("l", jobs=0)
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: video: jobs must be a whole number of at least 1 (got 0)
    """
    check_quality(quality)
    if not chapters:
        raise ReluAnimError("video: no chapters to render")
    jobs = default_jobs() if jobs is None else jobs
    for name, value in (("jobs", jobs), ("slices", slices), ("max_inflight_encoders", max_inflight_encoders)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ReluAnimError(f"video: {name} must be a whole number of at least 1 (got {value!r})")
    root = Path(root).resolve()
    media = media_folder(root, media_dir)
    manim_args = ("--max-inflight-encoders", str(max_inflight_encoders))
    runner: SliceRunner | None = None
    if scheduler is not None:
        # lazy: the cluster module needs distributed, the optional "cluster" extra
        from .cluster import DaskSlices

        runner = DaskSlices(scheduler, connect_timeout=connect_timeout)
        jobs = len(chapters)  # the cluster decides how many slices render at once
    elif slices > 1:
        runner = LocalSlices(jobs)
    try:
        with _Report(chapters, progress) as report:
            return _render_all(chapters, quality, force, root, media, report, jobs, slices, runner, manim_args)
    finally:
        if runner is not None:
            runner.close()


def render_video(
    quality: str = "l",
    *,
    chapters: Sequence[ChapterLike] = CHAPTERS,
    force: bool = False,
    progress: bool = True,
    jobs: int | None = None,
    root: Path | str = REPO_ROOT,
    media_dir: Path | str | None = None,
    slices: int = 1,
    scheduler: str | None = None,
    connect_timeout: float = 10.0,
    max_inflight_encoders: int = INFLIGHT_ENCODERS,
) -> Path:
    """Render every chapter in order and join them into ``media/relu_explainer.mp4``.

    Beside the video: ``relu_explainer.chapters.vtt`` (WebVTT chapters) and
    ``relu_explainer.srt`` (every chapter's subcaptions on the joined timeline).
    Chapters that are up to date are not rendered again, and the join is
    skipped when it would produce what is already there.

    Parameters
    ----------
    quality
        ``"l"`` (preview, the default), ``"m"``, ``"h"`` or ``"k"``.
    chapters
        The chapters, in story order; default :data:`~relu_anim.render.chapters.CHAPTERS`.
    force
        Render every chapter and join even if up to date.
    progress
        Show one line per chapter (status and seconds) on stderr.
    jobs
        manim processes at once (chapters, or slices with ``slices`` > 1); default
        :func:`default_jobs` (the cores available). The output does not depend on it.
    root
        The directory manim runs in; default the repository.
    media_dir
        The media folder; default ``<root>/media``.
    slices
        Cut each chapter to render into up to this many slices of beats, each
        its own manim process (:mod:`relu_anim.render.slices`); 1 (the default)
        renders chapters whole. The output does not depend on it.
    scheduler
        A Dask scheduler's address (``tcp://host:8786``): its workers render the
        slices (:mod:`relu_anim.render.cluster`); ``jobs`` is then unused.
    connect_timeout
        Seconds to wait for the scheduler before giving up.
    max_inflight_encoders
        manim's ``--max-inflight-encoders``: partial movies encoded on threads
        while the next play renders (the same bytes); default
        :data:`INFLIGHT_ENCODERS` (2, measured; manim's own default is 1).

    Returns
    -------
    Path
        The joined video.

    Raises
    ------
    ReluAnimError
        Unknown quality, a chapter that fails to render (with its log), or
        clips that cannot be joined.

    Examples
    --------
    >>> render_video("4k")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: quality: expected one of l, m, h, k, t (got '4k')
    >>> render_video("l")  # doctest: +SKIP
    PosixPath('.../media/relu_explainer.mp4')
    """
    clips = render_chapters(quality, chapters=chapters, force=force, progress=progress, jobs=jobs,
                            root=root, media_dir=media_dir, slices=slices, scheduler=scheduler,
                            connect_timeout=connect_timeout, max_inflight_encoders=max_inflight_encoders)
    root = Path(root).resolve()
    media = media_folder(root, media_dir)
    outputs = [media / f"{VIDEO_NAME}{ext}" for ext in (".mp4", ".srt", ".chapters.vtt")]
    report = _Report(chapters, progress)
    unchanged = not force and not any(c.rendered for c in clips)
    if unchanged and load_state(media).get("join") == _join_record(quality, clips, outputs):
        report.line("joined video: up to date")
        return outputs[0]
    join_clips(clips, *outputs)
    with state_locked(media):
        state = load_state(media)
        state["join"] = _join_record(quality, clips, outputs)
        save_state(media, state)
    total = sum(c.duration for c in clips)
    report.line(f"joined video: {len(clips)} chapters, {total:.1f} s")
    return outputs[0]
