"""The render pipeline: every chapter rendered by manim, joined into one video.

``make video`` (``relu-anim video --quality l``) calls :func:`render_video`, which

1. renders each chapter of :data:`~relu_anim.render.chapters.CHAPTERS`, in story order,
   by running ``python -m manim render -q<q> scenes/<name>.py <Scene>`` in a
   subprocess (its output goes to ``media/logs/render-<name>-<q>.log``), unless
   the chapter is up to date (:func:`render_chapter`);
2. joins the chapter clips into ``media/relu_explainer.mp4`` without re-encoding,
   with one chapter marker per chapter embedded in the MP4, the same markers as
   WebVTT chapters in ``media/relu_explainer.chapters.vtt`` and the chapters'
   subcaptions in one ``media/relu_explainer.srt`` whose times follow the joined
   video (:func:`join_clips`).

A chapter is up to date when its clip exists, is the one the pipeline last
rendered, and the fingerprint of its inputs is unchanged: the scene file, every
``relu_anim/**/*.py``, ``manim.cfg``, the ``RELU_ANIM_THEME`` environment
variable and the manim version. Fingerprints live in ``media/.render-state.json``.
A second run with nothing changed renders nothing and skips the join.

manim and PyAV are imported only when needed, so importing this module is cheap.

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

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from fractions import Fraction
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Protocol, Sequence

from .chapters import CHAPTERS, REPO_ROOT
from ..io.atomic import atomic_path
from ..errors import ReluAnimError
import av
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn

if TYPE_CHECKING:  # pragma: no cover
    import av.container
    import av.stream

__all__ = [
    "QUALITIES",
    "THEME_VARIABLE",
    "VIDEO_NAME",
    "ChapterClip",
    "ChapterLike",
    "chapter_outputs",
    "join_clips",
    "render_chapter",
    "render_video",
]

#: manim's output folder per quality flag: ``media/videos/<file stem>/<folder>/``
#: (``{pixel_height}p{frame_rate}`` in manim 0.22).
QUALITIES: dict[str, str] = {"l": "480p15", "m": "720p30", "h": "1080p60", "k": "2160p60"}
#: The environment variable that picks the visual theme; part of the fingerprint.
THEME_VARIABLE = "RELU_ANIM_THEME"
#: The joined video's file stem in the media folder.
VIDEO_NAME = "relu_explainer"

_STATE_FILE = ".render-state.json"
_STATE_VERSION = 1
_LOG_TAIL_LINES = 25
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
_SRT_TIME = re.compile(
    r"(\d+):(\d\d):(\d\d)[,.](\d{3})\s*-->\s*(\d+):(\d\d):(\d\d)[,.](\d{3})"
)


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


# --------------------------------------------------------------------------- #
# paths, quality, fingerprints
# --------------------------------------------------------------------------- #


def _check_quality(quality: str) -> str:
    if quality not in QUALITIES:
        raise ReluAnimError(
            f"quality: expected one of {', '.join(QUALITIES)} (got {quality!r})"
        )
    return quality


def _media_dir(root: Path, media_dir: Path | str | None) -> Path:
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
    folder = _media_dir(REPO_ROOT, media_dir) / "videos" / chapter.path.stem / QUALITIES[
        _check_quality(quality)
    ]
    return folder / f"{chapter.scene}.mp4", folder / f"{chapter.scene}.srt"


def _theme() -> str:
    return os.environ.get(THEME_VARIABLE, "")


def _fingerprint(chapter: ChapterLike, root: Path) -> str:
    """sha256 of everything a chapter's pixels depend on."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    add("scene", Path(chapter.path).read_bytes())
    for source in sorted(_PACKAGE_DIR.rglob("*.py")):
        add(source.relative_to(_PACKAGE_DIR).as_posix(), source.read_bytes())
    config = Path(root) / "manim.cfg"
    add("manim.cfg", config.read_bytes() if config.is_file() else b"")
    add("theme", _theme().encode())
    add("manim", metadata.version("manim").encode())
    return digest.hexdigest()


def _signature(path: Path | None) -> list[int] | None:
    """Size and modification time of a file, or ``None`` if it is missing."""
    if path is None or not path.is_file():
        return None
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


# --------------------------------------------------------------------------- #
# state file
# --------------------------------------------------------------------------- #


def _load_state(media_dir: Path) -> dict[str, Any]:
    try:
        state = json.loads((media_dir / _STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = None
    if not isinstance(state, dict) or state.get("version") != _STATE_VERSION:
        state = {"version": _STATE_VERSION, "chapters": {}, "join": None}
    return state


def _save_state(media_dir: Path, state: dict[str, Any]) -> None:
    _write_text_atomic(media_dir / _STATE_FILE, json.dumps(state, indent=1, sort_keys=True))


def _state_key(chapter: ChapterLike, quality: str) -> str:
    return f"{chapter.name}|{quality}|{_theme() or 'default'}"


def _write_text_atomic(path: Path, text: str) -> None:
    with atomic_path(path, make_parents=True) as tmp:
        tmp.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- #
# rendering one chapter
# --------------------------------------------------------------------------- #


def _manim_command(chapter: ChapterLike, quality: str, media_dir: Path) -> list[str]:
    # --disable_caching: manim hashes every play() to reuse partial movies, which
    # costs about a quarter of a chapter's render; this pipeline already skips
    # whole chapters that are up to date, so that cache would never pay off.
    return [
        sys.executable, "-m", "manim", "render", f"-q{quality}",
        "--progress_bar", "none", "--disable_caching", "--media_dir", str(media_dir),
        str(chapter.path), chapter.scene,
    ]  # fmt: skip


def _log_tail(log: Path, lines: int = _LOG_TAIL_LINES) -> str:
    text = log.read_text(encoding="utf-8", errors="replace").rstrip().splitlines()
    return "\n".join(text[-lines:])


def _run_manim(chapter: ChapterLike, quality: str, root: Path, media_dir: Path) -> None:
    """Render one chapter with manim; raise with the log's tail if it fails."""
    mp4, srt = chapter_outputs(chapter, quality, media_dir=media_dir)
    srt.unlink(missing_ok=True)  # a scene that lost its subcaptions leaves none behind
    log = media_dir / "logs" / f"render-{chapter.name}-{quality}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "COLUMNS": "120"}  # readable tracebacks in the log
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.run(
            _manim_command(chapter, quality, media_dir),
            cwd=root, stdout=out, stderr=subprocess.STDOUT, env=env, check=False,
        ).returncode  # fmt: skip
    if code != 0 or not mp4.is_file():
        why = f"manim exited with status {code}" if code else f"manim wrote no {mp4.name}"
        raise ReluAnimError(
            f"render: chapter {chapter.name!r} failed ({why}); log: {log}\n{_log_tail(log)}"
        )


def _is_up_to_date(chapter: ChapterLike, quality: str, root: Path, media_dir: Path) -> bool:
    """The clip exists, is the one last rendered, and its inputs are unchanged."""
    mp4, srt = chapter_outputs(chapter, quality, media_dir=media_dir)
    record = _load_state(media_dir)["chapters"].get(_state_key(chapter, quality))
    return (
        isinstance(record, dict)
        and _signature(mp4) is not None
        and record.get("mp4") == _signature(mp4)
        and record.get("srt") == _signature(srt)
        and record.get("fingerprint") == _fingerprint(chapter, root)
    )


def _record_render(chapter: ChapterLike, quality: str, root: Path, media_dir: Path) -> None:
    mp4, srt = chapter_outputs(chapter, quality, media_dir=media_dir)
    state = _load_state(media_dir)
    state["chapters"][_state_key(chapter, quality)] = {
        "fingerprint": _fingerprint(chapter, root),
        "mp4": _signature(mp4),
        "srt": _signature(srt),
    }
    _save_state(media_dir, state)


def render_chapter(
    chapter: ChapterLike,
    quality: str = "l",
    *,
    force: bool = False,
    root: Path | str = REPO_ROOT,
    media_dir: Path | str | None = None,
) -> ChapterClip:
    """Render one chapter with manim, unless it is up to date.

    Parameters
    ----------
    chapter
        The chapter (anything with ``name``, ``scene``, ``title``, ``path``).
    quality
        ``"l"`` (854×480, 15 fps), ``"m"`` (720p30), ``"h"`` (1080p60) or ``"k"`` (2160p60).
    force
        Render even if up to date.
    root
        The directory manim runs in (its ``manim.cfg`` is read); default the repository.
    media_dir
        manim's media folder; default ``<root>/media``.

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
    relu_anim.errors.ReluAnimError: quality: expected one of l, m, h, k (got 'x')
    >>> clip = render_chapter(chapter("x2"), "l")  # doctest: +SKIP
    >>> clip.mp4.name, clip.rendered  # doctest: +SKIP
    ('X2Fit.mp4', True)
    """
    _check_quality(quality)
    if not Path(chapter.path).is_file():
        raise ReluAnimError(f"render: chapter {chapter.name!r}: no scene file {chapter.path}")
    root = Path(root).resolve()
    media = _media_dir(root, media_dir)
    rendered = force or not _is_up_to_date(chapter, quality, root, media)
    if rendered:
        _run_manim(chapter, quality, root, media)
        _record_render(chapter, quality, root, media)
    mp4, srt = chapter_outputs(chapter, quality, media_dir=media)
    return ChapterClip(
        chapter, mp4, srt if srt.is_file() else None, float(_probe(mp4).duration), rendered
    )


# --------------------------------------------------------------------------- #
# reading clips
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class _Probe:
    """What must agree between clips to join them, and a clip's exact length."""

    video: tuple[Any, ...]  # codec, width, height, fps, pixel format
    audio: tuple[Any, ...] | None  # codec, sample rate, channels; None: no audio
    duration: Fraction  # seconds


_VIDEO_FIELDS = ("codec", "width", "height", "fps", "pixel format")
_AUDIO_FIELDS = ("audio codec", "sample rate", "channels")


def _stream_duration(stream: av.stream.Stream, container: av.container.InputContainer) -> Fraction:
    if stream.duration is not None and stream.time_base is not None:
        return Fraction(stream.duration) * stream.time_base
    return Fraction(container.duration or 0, 1_000_000)


def _probe(path: Path) -> _Probe:
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
        return _Probe(
            # the nominal rate: manim's stitched partial movies leave a few frame
            # steps a tick short, which moves the measured average off 15 or 60
            video=(ctx.name, ctx.width, ctx.height, video.base_rate or video.average_rate, ctx.pix_fmt),
            audio=audio,
            duration=_stream_duration(video, container),
        )


def _check_video(clips: Sequence[ChapterClip], probes: Sequence[_Probe]) -> None:
    """Refuse clips whose packets cannot follow the first clip's without re-encoding."""
    for clip, probe in zip(clips[1:], probes[1:]):
        for field, ours, theirs in zip(_VIDEO_FIELDS, probe.video, probes[0].video):
            if ours != theirs:
                raise ReluAnimError(
                    f"join: chapter {clip.chapter.name!r} has {field} {ours} but chapter "
                    f"{clips[0].chapter.name!r} has {theirs}; render every chapter with the "
                    "same quality and settings"
                )


def _check_audio(clips: Sequence[ChapterClip], probes: Sequence[_Probe]) -> bool:
    """Whether to carry sound: every clip has the same kind, or none has any."""
    silent = [clip.chapter.name for clip, probe in zip(clips, probes) if probe.audio is None]
    if not silent:
        for clip, probe in zip(clips[1:], probes[1:]):
            if probe.audio != probes[0].audio:
                raise ReluAnimError(
                    f"join: chapter {clip.chapter.name!r} has sound ({', '.join(_AUDIO_FIELDS)}) "
                    f"{probe.audio} but chapter {clips[0].chapter.name!r} has {probes[0].audio}"
                )
    elif len(silent) < len(clips):
        raise ReluAnimError(
            f"join: some chapters have sound and {', '.join(map(repr, silent))} have "
            "none; add sound to every chapter or to none"
        )
    return not silent


# --------------------------------------------------------------------------- #
# joining
# --------------------------------------------------------------------------- #


def _bounds(durations: Sequence[Fraction]) -> list[Fraction]:
    """Where each clip starts in the joined video, then where the last one ends."""
    bounds = [Fraction(0)]
    for duration in durations:
        bounds.append(bounds[-1] + duration)
    return bounds


def _ms(seconds: Fraction | float) -> int:
    return round(Fraction(seconds) * 1000)


def _chapter_markers(titles: Sequence[str], bounds: Sequence[Fraction]) -> list[dict[str, Any]]:
    """PyAV chapters (``OutputContainer.set_chapters``), in milliseconds."""
    return [
        {
            "id": i + 1,
            "start": _ms(bounds[i]),
            "end": _ms(bounds[i + 1]),
            "time_base": Fraction(1, 1000),
            "metadata": {"title": title},
        }
        for i, title in enumerate(titles)
    ]


def _remux(
    clips: Sequence[ChapterClip],
    bounds: Sequence[Fraction],
    markers: list[dict[str, Any]],
    out_path: Path,
    with_audio: bool,
) -> None:
    """Copy every clip's packets, shifted by the clip's start, into one MP4."""
    kinds = ("video", "audio") if with_audio else ("video",)
    # faststart: the index goes first, so a browser starts playing before the download ends
    options = {"movflags": "+faststart"}
    with av.open(str(out_path), "w", format="mp4", container_options=options) as output:
        with av.open(str(clips[0].mp4)) as template:
            targets = {
                kind: output.add_stream_from_template(getattr(template.streams, kind)[0])
                for kind in kinds
            }
        output.set_chapters(markers)  # before the header: the MP4 muxer writes them there
        last_dts: dict[str, int] = {}
        for clip, start, end in zip(clips, bounds, bounds[1:]):
            with av.open(str(clip.mp4)) as source:
                streams = [getattr(source.streams, kind)[0] for kind in kinds]
                for packet in _shifted_packets(source.demux(streams), start, end, last_dts):
                    packet.stream = targets[packet.stream.type]
                    output.mux(packet)


def _shifted_packets(
    packets: Iterator[Any], start: Fraction, end: Fraction, last_dts: dict[str, int]
) -> Iterator[Any]:
    """A clip's packets moved to start at ``start``; sound cut at ``end``.

    ``last_dts`` (per stream type, updated) drops an audio packet that would not
    follow the previous clip's last one: the video's timing wins at the joins.
    """
    for packet in packets:
        kind = packet.stream.type
        moved = _shift(packet, start, end - start, trim=kind == "audio")
        if moved is None:
            continue  # a flush packet, or sound past the clip's end
        if kind == "audio" and moved.dts <= last_dts.get(kind, moved.dts - 1):
            continue
        last_dts[kind] = moved.dts
        yield moved


def _shift(packet: Any, start: Fraction, length: Fraction, trim: bool) -> Any | None:
    """The packet moved by ``start`` seconds; ``None`` to drop it."""
    if packet.dts is None:
        return None
    tb = packet.time_base
    if trim and packet.pts is not None and packet.pts * tb >= length:
        return None
    offset = round(start / tb)
    packet.dts += offset
    if packet.pts is not None:
        packet.pts += offset
    return packet


def _verify_markers(path: Path, titles: Sequence[str]) -> None:
    with av.open(str(path)) as container:
        found = [c["metadata"].get("title") for c in container.chapters()]
    if found != list(titles):
        raise ReluAnimError(
            f"join: {path.name} should hold chapters {list(titles)} but holds {found}"
        )


def _vtt_time(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _srt_time(ms: int) -> str:
    return _vtt_time(ms).replace(".", ",")


def _vtt_chapters(markers: Sequence[dict[str, Any]], names: Sequence[str]) -> str:
    """WebVTT chapters: one cue per chapter, the chapter's name as cue id."""
    cues = ["WEBVTT"]
    for name, marker in zip(names, markers):
        title = marker["metadata"]["title"]
        text = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        timing = f"{_vtt_time(marker['start'])} --> {_vtt_time(marker['end'])}"
        cues.append(f"{name}\n{timing}\n{text}")
    return "\n\n".join(cues) + "\n"


def _parse_srt(text: str) -> list[tuple[int, int, str]]:
    """``(start ms, end ms, text)`` of each cue of an SRT file."""
    cues = []
    blocks = re.split(r"\n\s*\n", text.lstrip("\ufeff").replace("\r\n", "\n").strip())
    for block in blocks:
        lines = block.splitlines()
        for i, line in enumerate(lines[:2]):
            match = _SRT_TIME.search(line)
            if match:
                g = [int(x) for x in match.groups()]
                start = ((g[0] * 60 + g[1]) * 60 + g[2]) * 1000 + g[3]
                end = ((g[4] * 60 + g[5]) * 60 + g[6]) * 1000 + g[7]
                cues.append((start, end, "\n".join(lines[i + 1 :])))
                break
    return cues


def _combined_srt(clips: Sequence[ChapterClip], bounds: Sequence[Fraction]) -> str:
    """Every chapter's cues, shifted by its start and kept within the chapter."""
    cues: list[tuple[int, int, str]] = []
    for clip, start, end in zip(clips, bounds, bounds[1:]):
        if clip.srt is None or not clip.srt.is_file():
            continue
        offset, stop = _ms(start), _ms(end)
        for a, b, text in _parse_srt(clip.srt.read_text(encoding="utf-8")):
            if offset + a < stop:
                cues.append((offset + a, min(offset + b, stop), text))
    return "\n".join(
        f"{i}\n{_srt_time(a)} --> {_srt_time(b)}\n{text}\n"
        for i, (a, b, text) in enumerate(cues, start=1)
    )


def join_clips(
    clips: Sequence[ChapterClip],
    out_mp4: Path | str,
    out_srt: Path | str,
    out_vtt: Path | str,
) -> Path:
    """Join chapter clips into one MP4 with chapter markers, subtitles and WebVTT chapters.

    The packets are copied, not re-encoded: each clip's timestamps are shifted
    by the length of the clips before it. The clips must agree on codec, size,
    frame rate and pixel format (and on their audio, if they have any; sound in
    some chapters only is refused). Each chapter becomes a marker (its title,
    start and end) embedded in the MP4 and a cue in the WebVTT file; the clips'
    ``.srt`` cues are renumbered and shifted by their chapter's start. Each
    output is written to a temporary file and renamed into place.

    Parameters
    ----------
    clips
        The chapter clips in story order (from :func:`render_chapter`).
    out_mp4, out_srt, out_vtt
        The joined video, the combined subtitles, the WebVTT chapters.

    Returns
    -------
    Path
        ``out_mp4``.

    Raises
    ------
    ReluAnimError
        No clips, an unreadable clip, or clips that do not match.

    Examples
    --------
    >>> join_clips([], "all.mp4", "all.srt", "all.chapters.vtt")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: join: no chapters to join
    >>> clips = [render_chapter(ch, "l") for ch in CHAPTERS]  # doctest: +SKIP
    >>> join_clips(clips, "all.mp4", "all.srt", "all.chapters.vtt")  # doctest: +SKIP
    PosixPath('all.mp4')
    """
    if not clips:
        raise ReluAnimError("join: no chapters to join")
    out_mp4, out_srt, out_vtt = Path(out_mp4), Path(out_srt), Path(out_vtt)
    probes = [_probe(clip.mp4) for clip in clips]
    _check_video(clips, probes)
    with_audio = _check_audio(clips, probes)
    bounds = _bounds([p.duration for p in probes])
    titles = [clip.chapter.title for clip in clips]
    markers = _chapter_markers(titles, bounds)
    with atomic_path(out_mp4, make_parents=True) as tmp:
        _remux(clips, bounds, markers, tmp, with_audio)
        _verify_markers(tmp, titles)
    _write_text_atomic(out_vtt, _vtt_chapters(markers, [c.chapter.name for c in clips]))
    _write_text_atomic(out_srt, _combined_srt(clips, bounds))
    return out_mp4


# --------------------------------------------------------------------------- #
# the whole video
# --------------------------------------------------------------------------- #


def _join_record(
    quality: str, clips: Sequence[ChapterClip], outputs: Sequence[Path]
) -> dict[str, Any]:
    """What the joined video was made from, and the files it became."""
    return {
        "quality": quality,
        "clips": [
            [c.chapter.name, c.chapter.title, _signature(c.mp4), _signature(c.srt)] for c in clips
        ],
        "outputs": [_signature(path) for path in outputs],
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
) -> list[ChapterClip]:
    clips = []
    for i, ch in enumerate(chapters):
        report.start(i)
        if force or not _is_up_to_date(ch, quality, root, media):
            report.note(i, "rendering")
        try:
            clip = render_chapter(ch, quality, force=force, root=root, media_dir=media)
        except ReluAnimError:
            report.done(i, "failed")
            raise
        report.done(i, "rendered" if clip.rendered else "up to date")
        clips.append(clip)
    return clips


def render_video(
    quality: str = "l",
    *,
    chapters: Sequence[ChapterLike] = CHAPTERS,
    force: bool = False,
    progress: bool = True,
    root: Path | str = REPO_ROOT,
    media_dir: Path | str | None = None,
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
    root
        The directory manim runs in; default the repository.
    media_dir
        The media folder; default ``<root>/media``.

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
    relu_anim.errors.ReluAnimError: quality: expected one of l, m, h, k (got '4k')
    >>> render_video("l")  # doctest: +SKIP
    PosixPath('.../media/relu_explainer.mp4')
    """
    _check_quality(quality)
    if not chapters:
        raise ReluAnimError("video: no chapters to render")
    root = Path(root).resolve()
    media = _media_dir(root, media_dir)
    outputs = [media / f"{VIDEO_NAME}{ext}" for ext in (".mp4", ".srt", ".chapters.vtt")]
    with _Report(chapters, progress) as report:
        clips = _render_all(chapters, quality, force, root, media, report)
    unchanged = not force and not any(c.rendered for c in clips)
    if unchanged and _load_state(media).get("join") == _join_record(quality, clips, outputs):
        report.line("joined video: up to date")
        return outputs[0]
    join_clips(clips, *outputs)
    state = _load_state(media)
    state["join"] = _join_record(quality, clips, outputs)
    _save_state(media, state)
    total = sum(c.duration for c in clips)
    report.line(f"joined video: {len(clips)} chapters, {total:.1f} s")
    return outputs[0]
