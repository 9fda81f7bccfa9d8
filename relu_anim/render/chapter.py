"""Rendering one chapter with manim, unless it is up to date: :func:`render_chapter`.

manim runs in a subprocess (``python -m manim render -q<q> scenes/<name>.py
<Scene>``), its output in ``media/logs/render-<name>-<q>.log``; a failure raises
with the log's tail. Whether a chapter is up to date is decided by
:mod:`relu_anim.render.fingerprint`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Callable, Iterator, Mapping, Sequence

from ..errors import ReluAnimError
from ..io.locks import held
from ..visual.protocol import BEAT_ENV, SLICE_ENV
from .chapters import REPO_ROOT
from .clips import (MANIM_FLAGS, ChapterClip, ChapterLike, chapter_outputs, check_quality, encoder_args, media_folder,
                    story_path)
from .fingerprint import is_up_to_date, record_render

__all__ = ["Launcher", "chapter_locked", "in_subprocess", "inherited_environ", "render_chapter", "run_manim"]

_LOG_TAIL_LINES = 25


def _manim_command(chapter: ChapterLike, quality: str, media_dir: Path, args: Sequence[str] = ()) -> list[str]:
    # --disable_caching: manim hashes every play() to reuse partial movies, which
    # costs about a quarter of a chapter's render; this pipeline already skips
    # whole chapters that are up to date, so that cache would never pay off.
    # The x264 settings apply to MP4 (manim's default format); a --format in args (WebM) keeps its codec's own.
    encoder = [] if "--format" in args else encoder_args()
    return [
        sys.executable, "-m", "manim", "render", *MANIM_FLAGS[quality],
        "--progress_bar", "none", "--disable_caching", *encoder, "--media_dir", str(media_dir), *args,
        str(chapter.path), chapter.scene,
    ]  # fmt: skip


def _log_tail(log: Path, lines: int = _LOG_TAIL_LINES) -> str:
    text = log.read_text(encoding="utf-8", errors="replace").rstrip().splitlines()
    return "\n".join(text[-lines:])


#: How a manim command runs: ``launch(command, cwd, env, log)`` → exit status (default :func:`in_subprocess`).
Launcher = Callable[[Sequence[str], Path, Mapping[str, str], IO[str]], int]


def in_subprocess(command: Sequence[str], cwd: Path, env: Mapping[str, str], log: IO[str]) -> int:
    """Run ``command`` in a new process in ``cwd`` with exactly ``env``, its output into ``log``; its status.

    Examples
    --------
    >>> import sys, tempfile
    >>> with tempfile.TemporaryFile("w+") as log:
    ...     in_subprocess([sys.executable, "-c", "print('hi')"], Path("."), {}, log)
    0
    """
    return subprocess.run(list(command), cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=dict(env),
                          check=False).returncode


def inherited_environ() -> dict[str, str]:
    """This process's environment without ``RELU_ANIM_BEAT`` and ``RELU_ANIM_SLICE``, for a scene run.

    Left set in a user's shell (after a preview by hand, say), either would cut a
    render short, and the short clip would be recorded as the whole chapter: the
    pipeline sets them itself where it means to.

    Examples
    --------
    >>> os.environ["RELU_ANIM_BEAT"] = "ReLU"
    >>> "RELU_ANIM_BEAT" in inherited_environ(), "PATH" in inherited_environ()
    (False, True)
    >>> del os.environ["RELU_ANIM_BEAT"]
    """
    return {name: value for name, value in os.environ.items() if name not in (BEAT_ENV, SLICE_ENV)}


def run_manim(chapter: ChapterLike, quality: str, root: Path, media_dir: Path, *,
              env: Mapping[str, str | None] | None = None, log_name: str = "render",
              args: Sequence[str] = (), suffix: str = ".mp4", launch: Launcher = in_subprocess) -> Path:
    """Render one chapter with manim in a subprocess; raise with the log's tail if it fails.

    ``env`` adds environment variables for manim (e.g. ``RELU_ANIM_BEAT``), or
    unsets those it maps to ``None``; ``RELU_ANIM_BEAT`` and ``RELU_ANIM_SLICE`` reach manim only
    from ``env``, never from the caller's environment (:func:`inherited_environ`). The log is
    ``<media_dir>/logs/<log_name>-<chapter>-<quality>.log``. ``args`` are more manim options
    (``--format webm``) and ``suffix`` the video's then (``.webm``). ``launch`` runs the command
    (a warm process's fork when watching a beat: :mod:`relu_anim.render.watch`). Returns the video.
    """
    mp4, srt = chapter_outputs(chapter, quality, media_dir=media_dir)
    mp4 = mp4.with_suffix(suffix)
    srt.unlink(missing_ok=True)  # a scene that lost its subcaptions leaves none behind
    story_path(mp4).unlink(missing_ok=True)  # likewise its storyboard record
    log = media_dir / "logs" / f"{log_name}-{chapter.name}-{quality}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    merged = {**inherited_environ(), "COLUMNS": "120", **(env or {})}  # readable tracebacks in the log
    env = {name: value for name, value in merged.items() if value is not None}
    with log.open("w", encoding="utf-8") as out:
        code = launch(_manim_command(chapter, quality, media_dir, args), root, env, out)
    if code != 0 or not mp4.is_file():
        why = f"manim exited with status {code}" if code else f"manim wrote no {mp4.name}"
        raise ReluAnimError(
            f"render: chapter {chapter.name!r} failed ({why}); log: {log}\n{_log_tail(log)}"
        )
    return mp4


@contextmanager
def chapter_locked(chapter: ChapterLike, quality: str, media_dir: Path) -> Iterator[None]:
    """Hold the lock of one chapter at one quality in one media folder.

    manim writes a chapter's partial movies and clip at fixed paths, so two
    renders of the same chapter into the same folder (two commands at once)
    would overwrite each other's files. The second waits; it then finds the
    chapter up to date and reuses the first one's clip.

    Examples
    --------
    >>> import tempfile
    >>> from relu_anim.render.chapters import chapter
    >>> with tempfile.TemporaryDirectory() as media, chapter_locked(chapter("x2"), "l", Path(media)):
    ...     pass  # render x2 at -ql into that folder, alone
    """
    with held(media_dir / f".render-{chapter.name}-{quality}.lock"):
        yield


def render_chapter(
    chapter: ChapterLike,
    quality: str = "l",
    *,
    force: bool = False,
    root: Path | str = REPO_ROOT,
    media_dir: Path | str | None = None,
    manim_args: Sequence[str] = (),
) -> ChapterClip:
    """Render one chapter with manim, unless it is up to date.

    Parameters
    ----------
    chapter
        The chapter (anything with ``name``, ``scene``, ``title``, ``path``).
    quality
        ``"l"`` (854×480, 15 fps), ``"m"`` (720p30), ``"h"`` (1080p60), ``"k"`` (2160p60)
        or ``"t"`` (320×180, 5 fps: a thumbnail render for tests and quick checks).
    force
        Render even if up to date.
    root
        The directory manim runs in (its ``manim.cfg`` is read); default the repository.
    media_dir
        manim's media folder; default ``<root>/media``.
    manim_args
        More manim options, e.g. ``("--max-inflight-encoders", "2")``: options
        that change how fast, not what is drawn (they are not in the fingerprint).

    Returns
    -------
    ChapterClip
        The clip, its subcaptions, its duration, and whether it was rendered now.

    Raises
    ------
    ReluAnimError
        Unknown quality, or manim failed: the message names the chapter and the
        log file and ends with the log's last lines.

    Examples
    --------
    >>> from relu_anim.render.chapters import chapter
    >>> render_chapter(chapter("x2"), "x")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: quality: expected one of l, m, h, k, t (got 'x')
    >>> clip = render_chapter(chapter("x2"), "l")  # doctest: +SKIP
    >>> clip.mp4.name, clip.rendered  # doctest: +SKIP
    ('X2Fit.mp4', True)
    """
    check_quality(quality)
    if not Path(chapter.path).is_file():
        raise ReluAnimError(f"render: chapter {chapter.name!r}: no scene file {chapter.path}")
    root = Path(root).resolve()
    media = media_folder(root, media_dir)
    with chapter_locked(chapter, quality, media):
        rendered = force or not is_up_to_date(chapter, quality, root, media)
        if rendered:
            run_manim(chapter, quality, root, media, args=manim_args)
            record_render(chapter, quality, root, media)
        return ChapterClip.written(chapter, quality, media, rendered)
