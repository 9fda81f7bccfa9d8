"""The chapters join into the full video, and become the lecture decks.

These tests read every chapter's clip of this run (:func:`tests.renders.chapter_clips`),
so ``make test`` runs them once every chapter has been rendered
(:mod:`tests.schedule`): they read the clips from disk and render nothing.
"""

from __future__ import annotations

import json
import re

import av
import pytest

from relu_anim.render.chapters import CHAPTERS
from relu_anim.render.join import join_clips

from .renders import chapter_clips
from .tex_strings import manifest_path, recorded
from .test_chapters import _cues, _seconds


@pytest.fixture(scope="session")
def clips():
    return chapter_clips()


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


def test_each_chapter_compiles_its_tex_in_one_batch_from_an_up_to_date_list(clips):
    """scenes/tex_strings.json lists exactly the TeX strings each chapter's render of this run used."""
    manifest = json.loads(manifest_path().read_text(encoding="utf-8"))
    assert set(manifest) == {ch.path.stem for ch in CHAPTERS}
    for ch in CHAPTERS:
        assert manifest[ch.path.stem] == recorded(ch.name), (
            f"{manifest_path().name} is out of date for {ch.name}: refresh it with `make tex-strings`")
