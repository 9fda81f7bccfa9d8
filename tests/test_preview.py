"""One beat rendered alone (relu-anim preview, RELU_ANIM_BEAT) on a tiny three-beat chapter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from relu_anim.errors import ReluAnimError
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
