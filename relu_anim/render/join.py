"""Joining chapter clips into one video without re-encoding: :func:`join_clips`.

(:func:`concat_clips` does the same for the slices of one chapter: packets
copied end to end, no markers, no captions.)

The packets of every clip are copied into one MP4, each clip's timestamps
shifted by the length of the clips before it, with one chapter marker per clip
embedded in the MP4, the same markers as WebVTT chapters, and the clips'
captions on the joined timeline.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any, Iterator, Sequence

import av

from ..errors import ReluAnimError
from ..io.atomic import atomic_path, write_text_atomic
from .captions import combined_srt, milliseconds, vtt_chapters
from .clips import ChapterClip, Probe, probe

__all__ = ["concat_clips", "join_clips"]

_VIDEO_FIELDS = ("codec", "width", "height", "fps", "pixel format")


_AUDIO_FIELDS = ("audio codec", "sample rate", "channels")


def _check_video(clips: Sequence[ChapterClip], probes: Sequence[Probe]) -> None:
    """Refuse clips whose packets cannot follow the first clip's without re-encoding."""
    for clip, probe in zip(clips[1:], probes[1:]):
        for field, ours, theirs in zip(_VIDEO_FIELDS, probe.video, probes[0].video):
            if ours != theirs:
                raise ReluAnimError(
                    f"join: chapter {clip.chapter.name!r} has {field} {ours} but chapter "
                    f"{clips[0].chapter.name!r} has {theirs}; render every chapter with the "
                    "same quality and settings"
                )


def _check_audio(clips: Sequence[ChapterClip], probes: Sequence[Probe]) -> bool:
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


def _bounds(durations: Sequence[Fraction]) -> list[Fraction]:
    """Where each clip starts in the joined video, then where the last one ends."""
    bounds = [Fraction(0)]
    for duration in durations:
        bounds.append(bounds[-1] + duration)
    return bounds


def _chapter_markers(titles: Sequence[str], bounds: Sequence[Fraction]) -> list[dict[str, Any]]:
    """PyAV chapters (``OutputContainer.set_chapters``), in milliseconds."""
    return [
        {
            "id": i + 1,
            "start": milliseconds(bounds[i]),
            "end": milliseconds(bounds[i + 1]),
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
        if markers:
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


def concat_clips(clips: Sequence[ChapterClip], out_mp4: Path | str) -> Path:
    """Copy the clips' packets end to end into ``out_mp4`` (atomically), re-encoding nothing.

    For the slices of one chapter (:mod:`relu_anim.render.slices`): each starts
    on a keyframe, so the result decodes to the frames of the clips in order.
    The clips must agree as for :func:`join_clips`.

    Examples
    --------
    >>> concat_clips([], "x.mp4")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: join: no clips to copy
    """
    if not clips:
        raise ReluAnimError("join: no clips to copy")
    out_mp4 = Path(out_mp4)
    probes = [probe(clip.mp4) for clip in clips]
    _check_video(clips, probes)
    with_audio = _check_audio(clips, probes)
    with atomic_path(out_mp4, make_parents=True) as tmp:
        _remux(clips, _bounds([p.duration for p in probes]), [], tmp, with_audio)
    return out_mp4


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
    >>> from relu_anim.render.chapters import CHAPTERS  # doctest: +SKIP
    >>> from relu_anim.render.chapter import render_chapter  # doctest: +SKIP
    >>> clips = [render_chapter(ch, "l") for ch in CHAPTERS]  # doctest: +SKIP
    >>> join_clips(clips, "all.mp4", "all.srt", "all.chapters.vtt")  # doctest: +SKIP
    PosixPath('all.mp4')
    """
    if not clips:
        raise ReluAnimError("join: no chapters to join")
    out_mp4, out_srt, out_vtt = Path(out_mp4), Path(out_srt), Path(out_vtt)
    probes = [probe(clip.mp4) for clip in clips]
    _check_video(clips, probes)
    with_audio = _check_audio(clips, probes)
    bounds = _bounds([p.duration for p in probes])
    titles = [clip.chapter.title for clip in clips]
    markers = _chapter_markers(titles, bounds)
    with atomic_path(out_mp4, make_parents=True) as tmp:
        _remux(clips, bounds, markers, tmp, with_audio)
        _verify_markers(tmp, titles)
    write_text_atomic(out_vtt, vtt_chapters(markers, [c.chapter.name for c in clips]))
    write_text_atomic(out_srt, combined_srt(clips, bounds))
    return out_mp4
