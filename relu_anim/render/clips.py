"""Chapter clips: where manim writes them, what they are, and how long they last.

A chapter is anything with ``name``, ``scene``, ``title`` and ``path``
(:class:`ChapterLike`; :class:`~relu_anim.render.chapters.Chapter` fits). A
rendered chapter is a :class:`ChapterClip`. :func:`probe` reads what must agree
between clips to join them without re-encoding, and a clip's exact length.

Examples
--------
>>> from relu_anim.render.chapters import chapter
>>> mp4, srt = chapter_outputs(chapter("x2"), "h")
>>> mp4.relative_to(REPO_ROOT).as_posix()
'media/videos/x2/1080p60/X2Fit.mp4'
>>> srt.suffix
'.srt'
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import av

from ..errors import ReluAnimError
from ..visual.protocol import STORY_SUFFIX
from .chapters import REPO_ROOT

__all__ = [
    "ENCODER_OPTIONS",
    "MANIM_FLAGS",
    "QUALITIES",
    "ChapterClip",
    "ChapterLike",
    "Probe",
    "chapter_outputs",
    "encoder_args",
    "check_quality",
    "media_folder",
    "probe",
    "story_path",
]

#: manim's output folder per quality: ``media/videos/<file stem>/<folder>/``
#: (``{pixel_height}p{frame_rate}`` in manim 0.22). ``l``, ``m``, ``h`` and ``k``
#: are manim's own; ``t`` (320×180 at 5 fps) is a thumbnail render for tests and
#: for checking a chapter's flow in a third of the time of ``l``.
QUALITIES: dict[str, str] = {"l": "480p15", "m": "720p30", "h": "1080p60", "k": "2160p60", "t": "180p5"}

#: The manim flags that render each quality.
MANIM_FLAGS: dict[str, tuple[str, ...]] = {
    "l": ("-ql",), "m": ("-qm",), "h": ("-qh",), "k": ("-qk",),
    "t": ("-ql", "--resolution", "320,180", "--frame_rate", "5"),
}

#: libx264 options for the pipeline's MP4 renders (manim's ``--encoder-option``). manim's own
#: default is crf 23 at the ``medium`` preset on as many threads as x264 picks for the cores.
#: ``superfast`` on one thread, from bench/encoder.py (relu_shift's second beat at -qh, 2 cores):
#: 0.68× the CPU per second of video, a file 1.2× as large, luma PSNR against a lossless encode
#: 52.8 dB instead of 52.0 (worst frame 50.8 instead of 50.2). ``subme=0`` (motion vectors to the
#: whole pixel, no sub-pixel refinement) then takes another 0.90× of the CPU for a file 2 % larger
#: at the same PSNR (52.9 dB, worst 50.9). ``bframes=0`` (P-frames only: superfast's B-frame
#: decisions run on every frame, and x264 spends as long on a held frame as on a moving one) then
#: takes 0.87× of the whole render's CPU (median of 6 paired runs) and 0.86× of its peak memory,
#: for a file 6 % larger at 52.6 dB (worst 50.6); on training's beats 2–3 (from 0; more of the CPU
#: goes to drawing there) 0.96× (4 pairs). CPU is what bounds ``--jobs`` on a machine's cores, and
#: one thread makes the bytes the same on any number of cores.
ENCODER_OPTIONS: dict[str, str] = {"preset": "superfast", "threads": "1", "x264-params": "subme=0:bframes=0"}


def encoder_args(options: dict[str, str] = ENCODER_OPTIONS) -> list[str]:
    """manim's command-line options that set these encoder ``options`` (the pipeline's by default).

    Examples
    --------
    >>> encoder_args({"crf": "0"})
    ['--encoder-option=crf=0']
    """
    return [f"--encoder-option={key}={value}" for key, value in options.items()]


class ChapterLike(Protocol):
    """What the pipeline needs of a chapter (:class:`~relu_anim.render.chapters.Chapter` fits)."""

    @property
    def name(self) -> str: ...

    @property
    def scene(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def path(self) -> Path: ...


@dataclass(frozen=True)
class ChapterClip:
    """A rendered chapter: its clip, its subcaptions and the clip's length.

    Parameters
    ----------
    chapter
        The chapter rendered.
    mp4
        The clip manim wrote.
    srt
        The subcaptions manim wrote beside it, or ``None`` if the scene has none.
    duration
        The clip's length in seconds.
    rendered
        Whether this call rendered the clip (``False``: it was up to date).

    Examples
    --------
    >>> from relu_anim.render.chapters import chapter
    >>> clip = ChapterClip(chapter("x2"), Path("X2Fit.mp4"), None, 41.2)
    >>> clip.duration, clip.rendered
    (41.2, False)
    """

    chapter: ChapterLike
    mp4: Path
    srt: Path | None
    duration: float
    rendered: bool = False

    @classmethod
    def written(cls, chapter: ChapterLike, quality: str, media_dir: Path, rendered: bool) -> "ChapterClip":
        """The clip manim wrote for ``chapter`` at ``quality`` in ``media_dir``, its length read from the file.

        Examples
        --------
        >>> from relu_anim.render.chapters import chapter
        >>> ChapterClip.written(chapter("x2"), "l", Path("media"), True)  # doctest: +SKIP
        ChapterClip(chapter=Chapter(name='x2', ...), mp4=PosixPath('media/videos/x2/480p15/X2Fit.mp4'), ...)
        """
        mp4, srt = chapter_outputs(chapter, quality, media_dir=media_dir)
        return cls(chapter, mp4, srt if srt.is_file() else None, float(probe(mp4).duration), rendered)

    @property
    def story(self) -> Path | None:
        """The chapter's storyboard record beside the clip (beats, narration, timeline), if written."""
        path = story_path(self.mp4)
        return path if path.is_file() else None


def story_path(mp4: Path) -> Path:
    """Where a render writes the storyboard record of the clip ``mp4``.

    Examples
    --------
    >>> story_path(Path("media/videos/x2/480p15/X2Fit.mp4")).name
    'X2Fit.story.json'
    """
    return mp4.with_name(mp4.stem + STORY_SUFFIX)


def check_quality(quality: str) -> str:
    if quality not in QUALITIES:
        raise ReluAnimError(
            f"quality: expected one of {', '.join(QUALITIES)} (got {quality!r})"
        )
    return quality


def media_folder(root: Path, media_dir: Path | str | None) -> Path:
    return Path(media_dir).resolve() if media_dir is not None else Path(root).resolve() / "media"


def chapter_outputs(
    chapter: ChapterLike, quality: str, *, media_dir: Path | str | None = None
) -> tuple[Path, Path]:
    """Where manim writes a chapter's clip and subcaptions at ``quality``.

    Parameters
    ----------
    chapter
        The chapter (anything with ``name``, ``scene``, ``title``, ``path``).
    quality
        ``"l"``, ``"m"``, ``"h"`` or ``"k"``.
    media_dir
        manim's media folder; default ``<repository>/media``.

    Returns
    -------
    tuple of Path
        ``media/videos/<file stem>/<folder>/<Scene>.mp4`` and the ``.srt`` beside it.

    Examples
    --------
    >>> from relu_anim.render.chapters import chapter
    >>> mp4, srt = chapter_outputs(chapter("bends"), "l", media_dir="/tmp/m")
    >>> mp4.as_posix(), srt.name
    ('/tmp/m/videos/bends/480p15/Bends.mp4', 'Bends.srt')
    """
    folder = media_folder(REPO_ROOT, media_dir) / "videos" / chapter.path.stem / QUALITIES[
        check_quality(quality)
    ]
    return folder / f"{chapter.scene}.mp4", folder / f"{chapter.scene}.srt"


@dataclass(frozen=True)
class Probe:
    """What must agree between clips to join them, and a clip's exact length."""

    video: tuple[Any, ...]  # codec, width, height, fps, pixel format
    audio: tuple[Any, ...] | None  # codec, sample rate, channels; None: no audio
    duration: Fraction  # seconds


def _stream_duration(stream: Any, container: Any) -> Fraction:
    if stream.duration is not None and stream.time_base is not None:
        return Fraction(stream.duration) * stream.time_base
    return Fraction(container.duration or 0, 1_000_000)


def probe(path: Path) -> Probe:
    try:
        container = av.open(str(path))
    except (OSError, av.FFmpegError) as err:
        raise ReluAnimError(f"join: cannot read {path}: {err}") from err
    with container:
        if not container.streams.video:
            raise ReluAnimError(f"join: {path} has no video stream")
        video = container.streams.video[0]
        ctx = video.codec_context
        audio = None
        if container.streams.audio:
            actx = container.streams.audio[0].codec_context
            audio = (actx.name, actx.sample_rate, actx.channels)
        return Probe(
            # the nominal rate: manim's stitched partial movies leave a few frame
            # steps a tick short, which moves the measured average off 15 or 60
            video=(ctx.name, ctx.width, ctx.height, video.base_rate or video.average_rate, ctx.pix_fmt),
            audio=audio,
            duration=_stream_duration(video, container),
        )
