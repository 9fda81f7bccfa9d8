"""Frames converted to YUV 4:2:0 only where they changed are the whole frames' conversions (relu_anim.visual.convert)."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest
from av.video.reformatter import VideoReformatter
from hypothesis import given, settings
from hypothesis import strategies as st
from manim._config.video_encoder import VideoEncoderSpec
from manim.scene.video_segment_encoder import VideoSegmentEncoder

import relu_anim.visual.hooks  # noqa: F401  (installs the encoder)
from relu_anim.render.clips import ENCODER_OPTIONS
from relu_anim.visual import convert, encoder, frames


def _whole(pixels: np.ndarray) -> np.ndarray:
    """The picture of the whole frame, converted as the codec would (its planes' bytes, in order)."""
    height, width = pixels.shape[:2]
    picture = VideoReformatter().reformat(av.VideoFrame.from_numpy_buffer(pixels, format="rgba"), width, height,
                                          "yuv420p", threads=1)
    return picture.to_ndarray()


# a change: rows [top, top + rows) from a column on, painted one colour; or, with noise, random bytes
change = st.tuples(st.integers(0, 47), st.integers(1, 20), st.integers(0, 39), st.booleans(),
                   st.integers(0, 2**32 - 1))


@given(size=st.sampled_from([(40, 48), (2, 2), (6, 10), (42, 30)]),
       steps=st.lists(st.lists(change, max_size=3), min_size=1, max_size=6))
@settings(max_examples=150, deadline=None, derandomize=True)
def test_every_picture_is_the_whole_frames_conversion(size, steps):
    width, height = size
    rng = np.random.default_rng(len(steps))
    pixels = rng.integers(0, 256, (height, width, 4), dtype=np.uint8)
    converter = convert.RowConverter(width, height)
    assert np.array_equal(converter.convert(pixels).to_ndarray(), _whole(pixels))
    for changes in steps:
        pixels = pixels.copy()  # the frame before stays as it was, as the encoder keeps it
        for top, rows, column, noise, seed in changes:
            top, column = top % height, column % width
            area = pixels[top:top + rows, column:]
            area[...] = (np.random.default_rng(seed).integers(0, 256, area.shape, dtype=np.uint8) if noise
                         else np.uint8(seed % 256))
        assert np.array_equal(converter.convert(pixels).to_ndarray(), _whole(pixels))


def test_only_the_changed_rows_are_converted_again():
    width, height = 64, 720
    pixels = np.zeros((height, width, 4), dtype=np.uint8)
    converter = convert.RowConverter(width, height)
    picture = converter.convert(pixels)
    same = converter.convert(pixels.copy())
    assert same is picture and converter.rows_converted == (2 * height, height)  # nothing changed: no rows
    moved = pixels.copy()
    moved[301, 5] = 200  # one pixel: its row pair, the pairs beside it, their context, one step of height
    assert converter.convert(moved) is picture
    assert converter.rows_converted == (3 * height, height + convert.HEIGHT_STEP)
    assert np.array_equal(picture.to_ndarray(), _whole(moved))


def test_an_odd_size_is_refused():
    with pytest.raises(ValueError, match="even"):
        convert.RowConverter(63, 36)


def _segment(tmp_path, name: str) -> VideoSegmentEncoder:
    # the pipeline's x264 settings: x264's default preset is not reproducible on every CPU (tests/test_encoder.py)
    spec = VideoEncoderSpec(container_format="mp4", codec="libx264", pixel_format="yuv420p", width=96, height=64,
                            frame_rate=Fraction(15), options=tuple(ENCODER_OPTIONS.items()))
    return VideoSegmentEncoder(target=tmp_path / f"{name}.mp4", spec=spec)


@pytest.fixture
def by_rows(monkeypatch):
    """Frames of any height converted by rows (the pipeline does so from 1080p: ROW_MIN_HEIGHT)."""
    monkeypatch.setattr(encoder, "ROW_MIN_HEIGHT", 2)


def test_a_scene_like_video_converted_by_rows_is_the_one_manim_writes(tmp_path, by_rows):
    # a still background and a block moving over it, a held frame, a frame with nothing changed:
    # each picture is the one before changed in place, after the codec encoded it
    background = np.zeros((64, 96, 4), dtype=np.uint8)
    background[..., 0] = np.linspace(0, 255, 96, dtype=np.uint8)
    background[..., 3] = 255
    pictures = []
    for k, repeat in enumerate((1, 1, 3, 1, 1, 1, 2)):
        pixels = background.copy()
        top = min(4 * k, 40)
        pixels[top:top + 9, 10 + 5 * k:30 + 5 * k, 1] = 255
        pictures.append((pixels, repeat))
    pictures.append((pictures[-1][0].copy(), 1))

    def encode(write_frame, name):
        segment = _segment(tmp_path, name)
        for pixels, repeat in pictures:
            write_frame(segment, pixels.copy(), repeat=repeat)
        segment.finish()
        return segment.target.read_bytes()

    ours = encode(encoder.write_frame, "ours")
    assert ours == encode(encoder._manim_write_frame, "manim")


def test_frames_below_row_min_height_are_converted_whole(tmp_path):
    segment = _segment(tmp_path, "whole")
    assert segment.spec.height < encoder.ROW_MIN_HEIGHT
    segment.write_frame(np.zeros((64, 96, 4), dtype=np.uint8))
    assert "_relu_anim_rows" not in segment.__dict__  # no row converter: no frame held for comparison
    segment.finish()


def test_the_frame_held_for_comparison_goes_back_when_the_segment_ends(tmp_path, monkeypatch, by_rows):
    released = []
    monkeypatch.setattr(frames, "release", released.append)
    for end in ("finish", "abort"):
        released.clear()
        segment = _segment(tmp_path, end)
        first, second = (np.full((64, 96, 4), k, dtype=np.uint8) for k in (10, 20))
        segment.write_frame(first)
        assert released == []  # held: the next frame is compared with it
        segment.write_frame(second)
        assert [id(a) for a in released] == [id(first)]
        getattr(segment, end)()
        assert [id(a) for a in released] == [id(first), id(second)]
