"""Lecture slides: one slide per beat, cut from the chapter's own clip (PowerPoint and HTML)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import av
import pytest
from pptx import Presentation

from relu_anim.render.slides import build_slides

from .scenes import FakeChapter

SCENE = '''
from manim import Circle, Create, Square, Transform
from relu_anim.visual import ChapterScene


class Deck(ChapterScene):
    def construct(self):
        self.beat("A square")
        square = Square()
        self.narrate("First, a square.", Create(square), run_time=1.0, wait=0.2, fill=False)
        self.beat("A circle")
        self.narrate("It turns round.", Transform(square, Circle()), run_time=1.0, wait=0.2, fill=False)
        self.narrate("And moves.", square.animate.shift([1, 0, 0]), run_time=0.6, wait=0.2, fill=False)
        self.beat("Gone")
        self.narrate("Then it shrinks.", square.animate.scale(0.3), run_time=0.8, wait=0.2, fill=False)
'''


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deck")
    (folder / "deck.py").write_text(SCENE)
    media = folder / "media"
    chapter = FakeChapter("deck", "Deck", "A deck", folder / "deck.py")
    slides = build_slides("t", chapters=[chapter], progress=False, media_dir=media)
    return slides, media / "videos" / "deck" / "180p5" / "Deck.mp4"


def _frames(path: Path) -> list[str]:
    with av.open(str(path)) as c:
        return [hashlib.sha256(f.to_ndarray(format="rgb24").tobytes()).hexdigest() for f in c.decode(video=0)]


def test_one_slide_per_beat_with_its_clip_and_narration(made):
    slides, _ = made
    deck = Presentation(str(slides / "01-deck.pptx"))
    assert len(deck.slides) == 3
    assert [s.name for s in deck.slides] == ["A square", "A circle", "Gone"]
    for slide in deck.slides:
        assert any(shape.shape_type == 16 for shape in slide.shapes)  # MSO_SHAPE_TYPE.MEDIA
    notes = [s.notes_slide.notes_text_frame.text for s in deck.slides]
    assert "It turns round." in notes[1] and "And moves." in notes[1] and "First, a square." not in notes[1]
    assert json.loads((slides / "slides.json").read_text())[0]["beats"] == ["A square", "A circle", "Gone"]
    page = (slides / "01-deck.html").read_text()
    assert page.count("<section") == 3 and 'lang="en"' in page


def test_the_beats_are_the_chapter_frame_for_frame(made):
    slides, chapter_mp4 = made
    beats = sorted((slides / "01-deck").glob("beat-*.mp4"))
    assert [b.name for b in beats] == ["beat-01.mp4", "beat-02.mp4", "beat-03.mp4"]
    joined = [h for b in beats for h in _frames(b)]
    assert joined == _frames(chapter_mp4)
    assert [len(_frames(b)) for b in beats] == [6, 10, 5]  # 1.2 s, 1.2 + 0.8 s, 1.0 s at 5 fps


def test_beats_off_the_frame_grid_still_cut_at_their_keyframes(tmp_path):
    """Run times that are no whole number of frames: manim's joined timestamps drift a few ticks
    off the scene clock (3.5330 s for a beat at 3.5333 s at 15 fps); the cut takes the nearest frame."""
    odd = SCENE.replace("run_time=1.0, wait=0.2", "run_time=1.07, wait=0.23").replace("run_time=0.6", "run_time=0.61")
    (tmp_path / "deck.py").write_text(odd)
    chapter = FakeChapter("deck", "Deck", "A deck", tmp_path / "deck.py")
    slides = build_slides("l", chapters=[chapter], progress=False, media_dir=tmp_path / "media")
    beats = sorted((slides / "01-deck").glob("beat-*.mp4"))
    story = json.loads((tmp_path / "media" / "videos" / "deck" / "480p15" / "Deck.story.json").read_text())
    starts = [b["start"] for b in story["beats"]] + [story["duration"]]
    assert [len(_frames(b)) for b in beats] == [round(15 * (b - a)) for a, b in zip(starts, starts[1:])]
    assert [h for b in beats for h in _frames(b)] == _frames(tmp_path / "media" / "videos" / "deck" / "480p15" / "Deck.mp4")


@pytest.mark.parametrize("where", ["a file", "under a file", "a symlink"])
def test_a_bad_out_is_refused_before_any_chapter_renders(where, tmp_path, monkeypatch):
    from relu_anim.errors import ReluAnimError
    from relu_anim.render import slides as slides_module

    def no_render(*args, **kwargs):
        raise AssertionError("rendered before the output was checked")

    monkeypatch.setattr(slides_module, "render_chapters", no_render)
    blocker = tmp_path / "a-file"
    blocker.write_text("kept")
    out = {"a file": blocker, "under a file": blocker / "slides", "a symlink": tmp_path / "link"}[where]
    if where == "a symlink":
        out.symlink_to(tmp_path)
    with pytest.raises(ReluAnimError, match=rf"^slides: {out}: ") as err:
        build_slides("t", out=out, media_dir=tmp_path / "media")
    assert "\n" not in str(err.value)
    assert blocker.read_text() == "kept" and out.is_symlink() == (where == "a symlink")
