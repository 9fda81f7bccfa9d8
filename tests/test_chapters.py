"""Every chapter renders, and the chapters join into the full video.

The renders are the suite's shared ones (:mod:`tests.renders`): each chapter
rendered once per run at the thumbnail quality. The render pipeline itself
(manim in a subprocess, fingerprints, joining) is tested on tiny chapters in
tests/test_video.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import av
import pytest

from relu_anim.render.chapters import CHAPTERS
from relu_anim.render.join import join_clips

from .renders import chapter_clips, rendered

SRT_CUE = re.compile(r"(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)")


def _seconds(groups: tuple[str, ...]) -> float:
    h, m, s, ms = map(int, groups)
    return 3600 * h + 60 * m + s + ms / 1000


def _cues(path: Path) -> list[tuple[float, float]]:
    return [(_seconds(m.groups()[:4]), _seconds(m.groups()[4:])) for m in SRT_CUE.finditer(path.read_text())]


@pytest.fixture(scope="session")
def clips():
    return chapter_clips()


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


def test_chapters_join_into_one_video_with_markers_and_captions(clips, tmp_path):
    ordered = [clips[ch.name] for ch in CHAPTERS]
    out = tmp_path / "explainer.mp4"
    join_clips(ordered, out, tmp_path / "explainer.srt", tmp_path / "explainer.chapters.vtt")
    total = sum(c.duration for c in ordered)
    with av.open(str(out)) as container:
        assert abs(container.duration / 1e6 - total) < 0.2
        chapters = container.chapters()
        assert [c["metadata"]["title"] for c in chapters] == [ch.title for ch in CHAPTERS]
    cues = _cues(tmp_path / "explainer.srt")
    assert len(cues) == sum(len(_cues(c.srt)) for c in ordered)
    assert all(a[1] <= b[0] + 1e-3 for a, b in zip(cues, cues[1:]))  # in order, no overlap
    starts = [0.0]
    for c in ordered[:-1]:
        starts.append(starts[-1] + c.duration)
    vtt = (tmp_path / "explainer.chapters.vtt").read_text()
    assert vtt.startswith("WEBVTT")
    assert all(ch.title in vtt for ch in CHAPTERS)
    vtt_starts = [_seconds(m.groups()) for m in re.finditer(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) -->", vtt)]
    assert vtt_starts == pytest.approx(starts, abs=0.01)


def test_every_chapter_becomes_a_deck_with_one_slide_per_beat(clips, tmp_path):
    """The lecture slides of the real chapters (cut from the suite's renders): one slide per beat."""
    from pptx import Presentation

    from relu_anim.render.slides import write_slides

    ordered = [clips[ch.name] for ch in CHAPTERS]
    index = write_slides(ordered, tmp_path)
    for i, (ch, clip, entry) in enumerate(zip(CHAPTERS, ordered, index), start=1):
        beats = [b["title"] for b in json.loads(clip.story.read_text())["beats"]]
        deck = Presentation(str(tmp_path / f"{i:02d}-{ch.name}.pptx"))
        assert [s.name for s in deck.slides] == beats == entry["beats"]
