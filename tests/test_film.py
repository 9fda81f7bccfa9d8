"""The film, judged from the chapters the suite renders (every chapter, every beat).

Each chapter is rendered once per run (:mod:`tests.renders`); its scene's hooks
record what a viewer sees at the end of every beat and of every narration. The
tests here hold every chapter to the film's rules:

- every ``play`` and ``wait`` runs inside a narration;
- the numbers a narration says are on screen as it ends;
- no text is smaller than :data:`~relu_anim.visual.theme.MIN_FONT_SIZE`, cut at
  the frame's edge, or on top of other text, at any beat end;
- the picture is never frozen for long (the rule of ``../shared/tools/frames.py``,
  at the test render's frame rate);
- the last frame of every beat matches its golden frame
  (``tests/control_data/<chapter>/beat_NN.npz``; write them with
  ``RELU_ANIM_UPDATE_GOLDEN=1``, look at them, commit them).
"""

from __future__ import annotations

import os

import av
import numpy as np
import pytest
from manim import config

from relu_anim.render.chapters import CHAPTERS
from relu_anim.visual.theme import MIN_FONT_SIZE

from .film import numbers_in, overlap, screen_numbers
from .golden import CONTROL_DIR, FAILURE_DIR, PIXEL_FRACTION_TOLERANCE, UPDATE_ENV, frame_difference, save_png
from .renders import rendered

NAMES = [ch.name for ch in CHAPTERS]

#: The rule of ../shared/tools/frames.py: a frame moved when more than this fraction of its
#: pixels changed by more than 16 grey levels since the last frame (at 15 frames per second).
MOVED_FRACTION_AT_15_FPS = 2e-4
#: Stretches without motion this long count as frozen; none may last FROZEN_MAX_S.
FROZEN_S, FROZEN_MAX_S = 6.0, 10.0
#: At most this share of a chapter's running time may sit in frozen stretches.
FROZEN_SHARE = 0.15
#: Text boxes may touch; they collide when they overlap by more than this (scene units, ~1.5 px at 480p).
OVERLAP = 0.025


@pytest.mark.parametrize("name", NAMES)
def test_every_animation_plays_inside_a_narration(name):
    timeline = rendered(name).story["timeline"]
    assert timeline
    outside = [(e["kind"], round(e["start"], 2)) for e in timeline if e["narration"] is None]
    assert not outside, f"{name}: played outside narrate() at {outside}"


@pytest.mark.parametrize("name", NAMES)
def test_numbers_said_are_on_screen(name):
    missing = []
    for text, boxes in rendered(name).narration_texts:
        shown = screen_numbers(boxes)
        absent = [n for n in numbers_in(text) if n not in shown]
        if absent:
            missing.append(f"{absent} in {text!r}")
    assert not missing, f"{name}: numbers said but not on screen:\n" + "\n".join(missing)


@pytest.mark.parametrize("name", NAMES)
def test_text_is_readable_inside_the_frame_and_apart(name):
    r = rendered(name)
    half_w, half_h = config.frame_width / 2, config.frame_height / 2
    problems = []
    for title, boxes in zip(r.scene.beats, r.beat_texts):
        for box in boxes:
            if box.font_size < MIN_FONT_SIZE - 0.5:
                problems.append(f"{title!r}: {box.content!r} at font size {box.font_size:.1f}")
            left, bottom, right, top = box.box
            if left < -half_w or right > half_w or bottom < -half_h or top > half_h:
                problems.append(f"{title!r}: {box.content!r} cut by the frame edge {box.box}")
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                w, h = overlap(a, b)
                if w > OVERLAP and h > OVERLAP:
                    problems.append(f"{title!r}: {a.content!r} collides with {b.content!r}")
    assert not problems, f"{name}:\n" + "\n".join(problems)


def _frozen_stretches(path) -> tuple[list[tuple[float, float]], float]:
    """frames.py's frozen stretches of a clip, its rule scaled to the clip's frame rate."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        rate = float(stream.average_rate)
        threshold = MOVED_FRACTION_AT_15_FPS * 15 / rate  # per frame, a clip at 5 fps moves 3× as far
        stretches, previous, since, t = [], None, 0.0, 0.0
        for frame in container.decode(stream):
            t = float(frame.pts * stream.time_base)
            image = frame.to_ndarray(format="gray").astype(np.int16)
            if previous is not None and np.count_nonzero(np.abs(image - previous) > 16) > threshold * image.size:
                if t - since >= FROZEN_S:
                    stretches.append((since, t))
                since = t
            previous = image
        if t - since >= FROZEN_S:
            stretches.append((since, t))
    return stretches, t


@pytest.mark.parametrize("name", NAMES)
def test_picture_is_never_frozen_for_long(name):
    stretches, end = _frozen_stretches(rendered(name).clip.mp4)
    listed = ", ".join(f"{a:.1f}–{b:.1f} s" for a, b in stretches)
    assert all(b - a < FROZEN_MAX_S for a, b in stretches), f"{name}: frozen {listed}"
    assert sum(b - a for a, b in stretches) <= FROZEN_SHARE * end, f"{name}: frozen {listed}"


@pytest.mark.parametrize("name", NAMES)
def test_last_frame_of_every_beat_matches_its_golden_frame(name):
    r = rendered(name)
    folder = CONTROL_DIR / name
    assert len(r.beat_frames) == len(r.scene.beats)
    if os.environ.get(UPDATE_ENV) == "1":
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("beat_*.npz"):
            old.unlink()
        for i, frame in enumerate(r.beat_frames):
            np.savez_compressed(folder / f"beat_{i:02d}.npz", frame_data=frame)
            save_png(frame, FAILURE_DIR / name / f"beat_{i:02d}.png")
        return
    controls = sorted(folder.glob("beat_*.npz"))
    assert len(controls) == len(r.beat_frames), (
        f"{name}: {len(controls)} golden frames for {len(r.beat_frames)} beats; rerun with {UPDATE_ENV}=1")
    failed = []
    for i, (frame, path) in enumerate(zip(r.beat_frames, controls)):
        with np.load(path) as data:
            fraction = frame_difference(frame, data["frame_data"])
        if fraction > PIXEL_FRACTION_TOLERANCE:
            save_png(frame, FAILURE_DIR / name / f"beat_{i:02d}.actual.png")
            failed.append(f"beat {i} {r.scene.beats[i]!r}: {fraction:.2%} of pixels differ")
    assert not failed, f"{name} (frames in {FAILURE_DIR / name}):\n" + "\n".join(failed)
