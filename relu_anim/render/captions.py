r"""Captions and chapter cues as text: SRT and WebVTT.

manim writes one ``.srt`` per chapter from the scenes' subcaptions; the joined
video gets one ``.srt`` on the joined timeline (:func:`combined_srt`) and WebVTT
chapters (:func:`vtt_chapters`). Times are whole milliseconds.

Examples
--------
>>> parse_srt("1\n00:00:01,000 --> 00:00:02,500\nhello\n")
[(1000, 2500, 'hello')]
>>> vtt_time(3_723_004)
'01:02:03.004'
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any, Sequence

from .clips import ChapterClip

__all__ = ["beat_chapters_vtt", "combined_srt", "milliseconds", "parse_srt", "srt_time", "srt_to_vtt",
           "vtt_chapters", "vtt_time"]

_SRT_TIME = re.compile(
    r"(\d+):(\d\d):(\d\d)[,.](\d{3})\s*-->\s*(\d+):(\d\d):(\d\d)[,.](\d{3})"
)


def milliseconds(seconds: Fraction | float) -> int:
    return round(Fraction(seconds) * 1000)


def vtt_time(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def srt_time(ms: int) -> str:
    return vtt_time(ms).replace(".", ",")


def vtt_chapters(markers: Sequence[dict[str, Any]], names: Sequence[str]) -> str:
    """WebVTT chapters: one cue per chapter, the chapter's name as cue id."""
    cues = ["WEBVTT"]
    for name, marker in zip(names, markers):
        title = marker["metadata"]["title"]
        text = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        timing = f"{vtt_time(marker['start'])} --> {vtt_time(marker['end'])}"
        cues.append(f"{name}\n{timing}\n{text}")
    return "\n\n".join(cues) + "\n"


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "→")


def srt_to_vtt(text: str) -> str:
    r"""WebVTT captions with the cues of an SRT file (browsers read WebVTT, not SRT).

    Examples
    --------
    >>> print(srt_to_vtt("1\n00:00:01,000 --> 00:00:02,500\nx < y & z\n"), end="")
    WEBVTT
    <BLANKLINE>
    1
    00:00:01.000 --> 00:00:02.500
    x &lt; y &amp; z
    """
    cues = ["WEBVTT"]
    for i, (start, end, body) in enumerate(parse_srt(text), start=1):
        cues.append(f"{i}\n{vtt_time(start)} --> {vtt_time(end)}\n{_vtt_text(body)}")
    return "\n\n".join(cues) + "\n"


def beat_chapters_vtt(beats: Sequence[dict[str, Any]]) -> str:
    """WebVTT chapters of one chapter: a cue per beat (``title``, ``start``, ``end`` in seconds).

    Examples
    --------
    >>> print(beat_chapters_vtt([{"title": "ReLU", "start": 0, "end": 2.5}]), end="")
    WEBVTT
    <BLANKLINE>
    beat-1
    00:00:00.000 --> 00:00:02.500
    ReLU
    """
    cues = ["WEBVTT"]
    for i, beat in enumerate(beats, start=1):
        timing = f"{vtt_time(milliseconds(beat['start']))} --> {vtt_time(milliseconds(beat['end']))}"
        cues.append(f"beat-{i}\n{timing}\n{_vtt_text(beat['title'])}")
    return "\n\n".join(cues) + "\n"


def parse_srt(text: str) -> list[tuple[int, int, str]]:
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


def combined_srt(clips: Sequence[ChapterClip], bounds: Sequence[Fraction]) -> str:
    """Every chapter's cues, shifted by its start and kept within the chapter."""
    cues: list[tuple[int, int, str]] = []
    for clip, start, end in zip(clips, bounds, bounds[1:]):
        if clip.srt is None or not clip.srt.is_file():
            continue
        offset, stop = milliseconds(start), milliseconds(end)
        for a, b, text in parse_srt(clip.srt.read_text(encoding="utf-8")):
            if offset + a < stop:
                cues.append((offset + a, min(offset + b, stop), text))
    return "\n".join(
        f"{i}\n{srt_time(a)} --> {srt_time(b)}\n{text}\n"
        for i, (a, b, text) in enumerate(cues, start=1)
    )
