"""One beat rendered alone (relu-anim preview, RELU_ANIM_BEAT) on a tiny three-beat chapter."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from relu_anim.errors import ReluAnimError
from relu_anim.render.chapters import REPO_ROOT
from relu_anim.render.clips import probe
from relu_anim.render.preview import preview_beat

from .scenes import FakeChapter

SCENE = '''
from manim import Circle, Create, FadeIn, Square, Triangle
from relu_anim.visual import ChapterScene


class Three(ChapterScene):
    def construct(self):
        self.beat("First")
        self.narrate("One.", Create(Square()), run_time=1.0, wait=0.2, fill=False)
        self.beat("The Second")
        self.narrate("Two.", FadeIn(Circle()), run_time=0.8, wait=0.2, fill=False)
        self.narrate("Still two.", Create(Triangle()), run_time=0.6, wait=0.2, fill=False)
        self.beat("Third")
        self.narrate("Three.", Create(Square()), run_time=2.0, wait=0.2, fill=False)
'''


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> FakeChapter:
    folder = tmp_path_factory.mktemp("preview")
    (folder / "three.py").write_text(SCENE)
    return FakeChapter("three", "Three", "Three beats", folder / "three.py")


def test_a_preview_is_the_beat_alone_with_its_captions_from_zero(tiny, tmp_path):
    mp4 = preview_beat(tiny, "the second", "t", media_dir=tmp_path)  # titles match in any case
    assert mp4 == tmp_path / "preview" / "videos" / "three" / "180p5" / "Three.mp4"
    # the beat lasts 0.8 + 0.2 + 0.6 + 0.2 s: not the 1.2 s before it, not the 2.2 s after it
    assert float(probe(mp4).duration) == pytest.approx(1.8, abs=1 / 5 + 1e-9)
    cues = re.findall(r"(\d\d:\d\d:\d\d,\d\d\d) --> .*\n(.+)", mp4.with_suffix(".srt").read_text())
    assert cues == [("00:00:00,000", "Two."), ("00:00:01,000", "Still two.")]


def test_an_unknown_beat_lists_the_beats(tiny, tmp_path):
    with pytest.raises(ReluAnimError) as err:
        preview_beat(tiny, "Fourth", "t", media_dir=tmp_path)
    message = str(err.value)
    assert "\n" not in message
    assert message == ("preview: RELU_ANIM_BEAT: Three has no beat 'Fourth'; "
                       "its beats: 'First'; 'The Second'; 'Third'")


def test_an_unknown_beat_lists_every_beat_however_long_the_line(tiny, tmp_path):
    # manim's log wraps the scene's message at the log's width (120): the list must come back whole
    wanted = "a title no beat has, long enough to push the list of beats past the width of manim's log " * 2
    with pytest.raises(ReluAnimError) as err:
        preview_beat(tiny, wanted, "t", media_dir=tmp_path)
    assert str(err.value) == (f"preview: RELU_ANIM_BEAT: Three has no beat {wanted.strip()!r}; "
                              "its beats: 'First'; 'The Second'; 'Third'")


def test_a_title_longer_than_any_beat_is_refused_before_manim_starts(tiny, tmp_path):
    with pytest.raises(ReluAnimError, match=r"at most 200 characters \(got 100000\)"):
        preview_beat(tiny, "b" * 100_000, "t", media_dir=tmp_path)
    assert not (tmp_path / "preview").exists()


def test_beat_and_slice_left_in_the_shell_do_not_cut_the_pipelines_renders(tiny, tmp_path, monkeypatch):
    """A whole-chapter render stays whole, a preview stays one beat, the plan reads every beat."""
    from relu_anim.render.chapter import render_chapter
    from relu_anim.render.slices import plan_beats

    monkeypatch.setenv("RELU_ANIM_BEAT", "Third")
    monkeypatch.setenv("RELU_ANIM_SLICE", "1:2")
    clip = render_chapter(tiny, "t", media_dir=tmp_path / "whole")
    # First 1.2 s, The Second 1.8 s, Third 2.2 s (the narrations above): 5.2 s in all, to a frame at 5 fps
    assert float(probe(clip.mp4).duration) == pytest.approx(5.2, abs=1 / 5 + 1e-9)
    assert plan_beats(tiny, REPO_ROOT, tmp_path) == pytest.approx([1.2, 1.8, 2.2], abs=1 / 5 + 1e-9)
    mp4 = preview_beat(tiny, "the second", "t", media_dir=tmp_path / "beat")
    assert float(probe(mp4).duration) == pytest.approx(1.8, abs=1 / 5 + 1e-9)


@pytest.mark.parametrize("variable, value, says", [
    ("RELU_ANIM_BEAT", "Fourth", "RELU_ANIM_BEAT: Three has no beat 'Fourth'; its beats: 'First'; 'The Second'; 'Third'"),
    ("RELU_ANIM_SLICE", "3:1", "RELU_ANIM_SLICE: expected START:STOP beat indices"),
    ("RELU_ANIM_SLICE", "7:", "RELU_ANIM_SLICE: Three has 3 beats; a slice from beat 7 (counted from 0) is empty"),
])
def test_a_bare_manim_run_reports_a_bad_setting_in_one_line_and_status_2(tiny, tmp_path, variable, value, says):
    """As the relu-anim commands report bad input; any other error keeps manim's traceback."""
    done = subprocess.run([sys.executable, "-m", "manim", "render", "-ql", "--resolution", "320,180",
                           "--frame_rate", "5", "--progress_bar", "none", "--media_dir", str(tmp_path),
                           str(tiny.path), "Three"], cwd=REPO_ROOT,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT), variable: value},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr[-2000:]
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"relu-anim: error: {says}"), done.stderr


def test_any_other_scene_error_keeps_manims_traceback(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text(SCENE.replace('self.beat("Third")', 'raise ValueError("a bug in the scene")'))
    done = subprocess.run([sys.executable, "-m", "manim", "render", "-ql", "--resolution", "320,180",
                           "--frame_rate", "5", "--progress_bar", "none", "--media_dir", str(tmp_path),
                           str(broken), "Three"], cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "Traceback" in done.stderr and "a bug in the scene" in done.stderr
    assert "relu-anim: error:" not in done.stderr
