"""One beat of a chapter, rendered alone in seconds: :func:`preview_beat`.

``relu-anim preview x2 "Let the kinks move"`` (or ``RELU_ANIM_BEAT="Let the kinks
move" manim -pql scenes/x2.py``) renders only that beat: the beats before it
run as manim sections with ``skip_animations``, so the scene's state is built
without drawing a frame, and the scene ends where the next beat begins (see
:data:`~relu_anim.visual.scene.BEAT_ENV`). Previews go to ``media/preview/``,
never over a chapter's clip, so they leave the up-to-date check of the film alone.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ReluAnimError
from ..visual.protocol import BEAT_ENV
from .chapter import Launcher, in_subprocess, run_manim
from .chapters import REPO_ROOT
from .clips import ChapterLike, check_quality, media_folder

__all__ = ["MAX_TITLE", "PREVIEW_FOLDER", "preview_beat"]

#: Where previews go, inside the media folder.
PREVIEW_FOLDER = "preview"

#: The longest beat title taken (the chapters' longest is under 60 characters).
MAX_TITLE = 200
# the scene's message ends manim's log: one line (visual/manim_cli.py), or the end of manim's traceback,
# wrapped at the log's width, where its command line was not hooked: from it to the end, lines joined
_NO_SUCH_BEAT = re.compile(rf"{BEAT_ENV}: \S+ has no beat .*\Z", re.DOTALL)


def preview_beat(chapter: ChapterLike, beat: str, quality: str = "l", *, root: Path | str = REPO_ROOT,
                 media_dir: Path | str | None = None, launch: Launcher = in_subprocess) -> Path:
    """Render beat ``beat`` of ``chapter`` alone; the path of its video.

    Parameters
    ----------
    chapter
        The chapter (anything with ``name``, ``scene``, ``title``, ``path``).
    beat
        The beat's title, as the chapter's storyboard names it (any case).
    quality
        As for :func:`~relu_anim.render.chapter.render_chapter`; ``"l"`` by default.
    root, media_dir
        Where manim runs, and the media folder (previews go to its ``preview/``).
    launch
        How manim runs (:func:`~relu_anim.render.chapter.run_manim`'s): a new process by default.

    Raises
    ------
    ReluAnimError
        An empty or unknown beat (the message lists the chapter's beats), an
        unknown quality, or manim failing.

    Examples
    --------
    >>> from relu_anim.render.chapters import chapter
    >>> preview_beat(chapter("x2"), "  ")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: preview: give a beat's title (got '  ')
    >>> preview_beat(chapter("x2"), "Let the kinks move")  # doctest: +SKIP
    PosixPath('.../media/preview/videos/x2/480p15/X2Fit.mp4')
    """
    check_quality(quality)
    if not isinstance(beat, str) or not beat.strip() or "\n" in beat or "\0" in beat:
        raise ReluAnimError(f"preview: give a beat's title (got {beat!r})")
    if len(beat.strip()) > MAX_TITLE:
        raise ReluAnimError(f"preview: a beat's title has at most {MAX_TITLE} characters (got {len(beat.strip())})")
    if not Path(chapter.path).is_file():
        raise ReluAnimError(f"preview: chapter {chapter.name!r}: no scene file {chapter.path}")
    root = Path(root).resolve()
    media = media_folder(root, media_dir) / PREVIEW_FOLDER
    try:
        return run_manim(chapter, quality, root, media, env={BEAT_ENV: beat.strip()}, log_name="preview",
                         launch=launch)
    except ReluAnimError as err:
        unknown = _NO_SUCH_BEAT.search(str(err))
        if unknown:
            raise ReluAnimError(f"preview: {unknown.group(0).replace(chr(10), '').rstrip()}") from None
        raise
