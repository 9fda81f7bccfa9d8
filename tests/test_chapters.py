"""Every chapter renders into a clip of plausible length with its captions.

The renders are the suite's shared ones (:mod:`tests.renders`): each chapter
rendered once per run at the thumbnail quality. Joining them is
tests/test_joined.py; the render pipeline itself (manim in a subprocess,
fingerprints, joining) is tested on tiny chapters in tests/test_video.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import av
import pytest

from relu_anim.render.chapters import CHAPTERS

from .renders import rendered

SRT_CUE = re.compile(r"(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)")


def _seconds(groups: tuple[str, ...]) -> float:
    h, m, s, ms = map(int, groups)
    return 3600 * h + 60 * m + s + ms / 1000


def _cues(path: Path) -> list[tuple[float, float]]:
    return [(_seconds(m.groups()[:4]), _seconds(m.groups()[4:])) for m in SRT_CUE.finditer(path.read_text())]


@pytest.mark.parametrize("name", [ch.name for ch in CHAPTERS])
def test_chapter_renders_with_plausible_duration_and_captions(name):
    clip = rendered(name).clip
    assert 60 <= clip.duration <= 150, f"{name} lasts {clip.duration:.1f} s"
    with av.open(str(clip.mp4)) as container:
        video = container.streams.video[0]
        assert (video.width, video.height) == (320, 180)
    assert clip.srt is not None and clip.srt.is_file()
    cues = _cues(clip.srt)
    assert len(cues) >= 3
    assert all(start < end for start, end in cues)
    assert cues[-1][1] <= clip.duration + 0.1
    narrated = sum(end - start for start, end in cues)
    assert narrated > 0.5 * clip.duration  # narration covers most of the chapter
    story = json.loads(clip.story.read_text())
    assert story["duration"] == pytest.approx(clip.duration, abs=1 / story["frame_rate"] + 1e-6)
    assert len(story["narration"]) == len(cues)  # the .srt is the record's narration
