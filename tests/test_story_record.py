"""A chapter's render writes its storyboard record beside the video (ChapterScene.story)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from manim import FadeIn, Square

from relu_anim.errors import ReluAnimError
from relu_anim.visual import ChapterScene

from .scenes import storyboard

ROOT = Path(__file__).resolve().parents[1]

SCENE = '''
from manim import Square, Create, FadeOut
from relu_anim.visual import ChapterScene


class Tiny(ChapterScene):
    def construct(self):
        self.beat("First")
        square = Square()
        self.narrate("A square appears on the screen.", Create(square), run_time=0.4, fill=False)
        self.beat("Second")
        with self.narrating("It goes.", wait=0):
            self.play(FadeOut(square), run_time=0.2)
'''


def test_render_writes_beats_narration_and_timeline(tmp_path):
    scene = tmp_path / "tiny.py"
    scene.write_text(SCENE)
    media = tmp_path / "media"
    done = subprocess.run([sys.executable, "-m", "manim", "render", "-ql", "--resolution", "160,90",
                           "--frame_rate", "10", "--media_dir", str(media), "--disable_caching",
                           "--progress_bar", "none", str(scene), "Tiny"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    story = json.loads((media / "videos" / "tiny" / "90p10" / "Tiny.story.json").read_text())
    assert story["scene"] == "Tiny" and story["frame_rate"] == 10
    assert [b["title"] for b in story["beats"]] == ["First", "Second"]
    first, second = story["beats"]
    assert first["start"] == 0 and first["end"] == second["start"] and second["end"] == story["duration"]
    cue, gone = story["narration"]
    assert cue["text"] == "A square appears on the screen." and cue["start"] == 0
    kinds = [(t["kind"], t["narration"]) for t in story["timeline"]]
    # the play and the hold under the caption are narrated, and so is the fade with its hold
    assert kinds == [("play", cue["text"]), ("wait", cue["text"]), ("play", "It goes."), ("wait", "It goes.")]
    assert story["timeline"][-1]["end"] == story["duration"]


class _Bare(ChapterScene):
    def construct(self):
        self.beat("Only")
        self.play(FadeIn(Square()))


class _Filled(ChapterScene):
    TEXT = "Twelve words are read in a little more than four and a half seconds."

    def construct(self):
        self.beat("Only")
        self.narrate(self.TEXT, FadeIn(Square()), run_time=0.5, wait=0.5)


def test_a_play_outside_narration_is_refused():
    with pytest.raises(ReluAnimError, match="outside narrate"):
        storyboard(_Bare)


def test_narration_stretches_its_animation_over_its_reading_time():
    scene = storyboard(_Filled)
    (kind, start, end, text), *_ = scene.timeline
    assert kind == "play" and text == _Filled.TEXT
    reading = ChapterScene.reading_time(_Filled.TEXT)
    assert reading > 4
    # the fade lasts the reading time less the hold, to the frame
    assert end - start == pytest.approx(reading - 0.5, abs=1 / scene.frame_rate)
