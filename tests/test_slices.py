"""Chapters rendered as slices of beats (relu-anim video --slices N) on a tiny four-beat chapter.

The chapter is rendered once whole and once as three slices (two at a time),
each into its own media folder; the sliced render must decode to the same
frames and carry the same captions and storyboard record, byte for byte. The
beats' lengths are odd fractions of a frame on purpose: a skipped beat's clock
would drift from a drawn one's if the slice clock were not kept frame by frame.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import av
import pytest
from hypothesis import given, strategies as st

from relu_anim.errors import ReluAnimError
from relu_anim.render.chapter import render_chapter
from relu_anim.render.chapters import REPO_ROOT
from relu_anim.render.clips import chapter_outputs, story_path
from relu_anim.render.slices import SLICES_FOLDER, cut_slices, plan_beats, render_slice
from relu_anim.render.video import VIDEO_NAME, render_video
from relu_anim.visual.scene import beat_slice

from .scenes import FakeChapter

SCENE = '''
from dataclasses import dataclass

from manim import RIGHT, Circle, Create, FadeIn, Square, Triangle
from relu_anim.visual import ChapterScene


@dataclass(frozen=True)
class Shape:  # a dataclass in a scene file, as real chapters have: the plan must load the file as a module
    side: float


class Four(ChapterScene):
    def construct(self):
        self.beat("One")
        square = Square(side_length=Shape(2.0).side)
        self.narrate("Draw a square.", Create(square), run_time=0.7, wait=0.23, fill=False)
        self.beat("Two")
        self.narrate("Move it.", square.animate.shift(RIGHT), run_time=0.53, wait=0.31, fill=False)
        self.narrate("Hold still for a while now.", wait=0.4)
        self.beat("Three")
        self.narrate("A circle.", FadeIn(Circle()), run_time=0.61, wait=0.17, fill=False)
        self.beat("Four")
        self.narrate("A triangle; the square shrinks.", Create(Triangle()), square.animate.scale(0.5),
                     run_time=0.9, wait=0.2, fill=False)
'''


def frame_hashes(path: Path) -> list[str]:
    with av.open(str(path)) as container:
        return [hashlib.sha256(f.to_ndarray(format="rgb24").tobytes()).hexdigest() for f in container.decode(video=0)]


@pytest.fixture(scope="module")
def four(tmp_path_factory) -> FakeChapter:
    return FakeChapter.written(tmp_path_factory.mktemp("slices"), "four", "Four", "Four beats", SCENE)


@pytest.fixture(scope="module")
def whole(four, tmp_path_factory) -> Path:
    """The media folder of the chapter rendered in one process (and joined)."""
    media = tmp_path_factory.mktemp("whole")
    render_video("l", chapters=[four], progress=False, media_dir=media)
    return media


@pytest.fixture(scope="module")
def sliced(four, tmp_path_factory) -> Path:
    """The media folder of the chapter rendered as three slices, two at a time (and joined)."""
    media = tmp_path_factory.mktemp("sliced")
    render_video("l", chapters=[four], progress=False, media_dir=media, slices=3, jobs=2)
    return media


def test_the_plan_reads_every_beat(four, tmp_path):
    lengths = plan_beats(four, REPO_ROOT, tmp_path)
    assert len(lengths) == 4
    assert len(cut_slices(lengths, 3)) == 3  # the fixture is really cut in three


def test_sliced_render_decodes_to_the_same_frames(four, whole, sliced):
    one, three = (chapter_outputs(four, "l", media_dir=m)[0] for m in (whole, sliced))
    assert frame_hashes(three) == frame_hashes(one)
    assert len(frame_hashes(one)) > 15 * 4  # the whole chapter, not a slice of it
    joined = [frame_hashes(m / f"{VIDEO_NAME}.mp4") for m in (whole, sliced)]
    assert joined[0] == joined[1]


def test_sliced_render_writes_the_same_captions_and_storyboard(four, whole, sliced):
    (mp4_one, srt_one), (mp4_three, srt_three) = (chapter_outputs(four, "l", media_dir=m) for m in (whole, sliced))
    assert srt_three.read_bytes() == srt_one.read_bytes()
    assert len(re.findall("-->", srt_one.read_text())) == 5
    assert story_path(mp4_three).read_bytes() == story_path(mp4_one).read_bytes()
    for ext in (".srt", ".chapters.vtt"):
        assert (sliced / f"{VIDEO_NAME}{ext}").read_bytes() == (whole / f"{VIDEO_NAME}{ext}").read_bytes()


def test_a_sliced_render_is_up_to_date_afterwards_and_leaves_no_slices(four, sliced):
    assert not (sliced / SLICES_FOLDER / four.name).exists()
    clip = render_chapter(four, "l", media_dir=sliced)
    assert not clip.rendered
    mp4 = chapter_outputs(four, "l", media_dir=sliced)[0]
    before = mp4.stat().st_mtime_ns
    render_video("l", chapters=[four], progress=False, media_dir=sliced, slices=3, jobs=2)
    assert mp4.stat().st_mtime_ns == before


def test_a_slice_holds_its_beats_only(four, tmp_path):
    part = render_slice(four, "l", 1, 3, REPO_ROOT, tmp_path)
    with av.open(str(part.mp4)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    # beats Two and Three: 0.53 + 0.31 s, then the hold of "Hold still…" (its reading time), then 0.61 + 0.17 s
    hold = len("Hold still for a while now.".split()) / 2.6
    assert frames == pytest.approx(15 * (0.53 + 0.31 + hold + 0.61 + 0.17), abs=4)
    cues = re.findall(r"\n(.+)\n(?:\n|$)", part.srt.read_text())
    assert cues == ["Move it.", "Hold still for a while now.", "A circle."]


def test_a_slice_past_the_last_beat_is_refused(four, tmp_path):
    with pytest.raises(ReluAnimError, match=r"RELU_ANIM_SLICE: Four has 4 beats; a slice from beat 4"):
        render_slice(four, "l", 4, None, REPO_ROOT, tmp_path)


def test_more_inflight_encoders_draw_the_same_frames(four, whole, tmp_path):
    """manim's own default (1 encoder) against the pipeline's (2), which rendered ``whole``."""
    render_video("l", chapters=[four], progress=False, media_dir=tmp_path, max_inflight_encoders=1)
    log = (tmp_path / "logs" / "render-four-l.log").read_text()
    assert "Traceback" not in log
    mine, theirs = (chapter_outputs(four, "l", media_dir=m)[0] for m in (tmp_path, whole))
    assert frame_hashes(mine) == frame_hashes(theirs)


def test_the_cli_takes_slices_and_inflight_encoders():
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run([sys.executable, "-m", "relu_anim", "video", "--help"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    for option in ("--slices", "--scheduler", "--connect-timeout", "--max-inflight-encoders"):
        assert option in done.stdout
    bad = subprocess.run([sys.executable, "-m", "relu_anim", "video", "--slices", "0"], cwd=REPO_ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("value", ["3", "a:b", "2:2", "5:1", "-1:2", "1:2:3", "1234567890:",
                                   "9" * 5000 + ":", "1:" + "9" * 5000])
def test_bad_slice_values_are_refused(value):
    # (5,000 digits once reached int() and its 4,300-digit limit: a ValueError, not this message)
    with pytest.raises(ReluAnimError, match="RELU_ANIM_SLICE: expected START:STOP") as err:
        beat_slice(value)
    assert len(str(err.value)) < 200


@given(st.lists(st.floats(0.05, 30.0), min_size=1, max_size=40), st.integers(1, 12))
def test_slices_cover_every_beat_once_in_order(lengths, slices):
    ranges = cut_slices(lengths, slices)
    assert 1 <= len(ranges) <= min(slices, len(lengths))
    assert ranges[0][0] == 0 and ranges[-1][1] is None
    for (a, b), (c, _) in zip(ranges, ranges[1:]):
        assert a < b == c  # contiguous, none empty
    assert ranges[-1][0] < len(lengths)
