"""Frames reach the video encoder without a copy and are converted once (relu_anim.visual.encoder)."""

from __future__ import annotations

import configparser
import hashlib
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from manim._config.video_encoder import VideoEncoderSpec
from manim.scene.video_segment_encoder import VideoSegmentEncoder

import relu_anim.visual.hooks  # noqa: F401  (installs it)
from relu_anim.render.chapters import REPO_ROOT
from relu_anim.render.clips import ENCODER_OPTIONS, encoder_args
from relu_anim.visual import encoder


def _encode(write_frame, target: Path, spec: VideoEncoderSpec, frames) -> bytes:
    segment = VideoSegmentEncoder(target=target, spec=spec)
    for pixels, repeat in frames:
        write_frame(segment, pixels.copy(), repeat=repeat)
    segment.finish()
    return target.read_bytes()


def _decoded(path: Path) -> list[str]:
    with av.open(str(path)) as container:
        return [hashlib.sha256(f.to_ndarray(format="rgb24").tobytes()).hexdigest() for f in container.decode(video=0)]


#: x264 in its default preset ("medium") is not reproducible on every CPU: its macroblock-tree rate
#: control, run with AVX-512, gives bytes that depend on what earlier allocations left in memory.
#: On an Intel Xeon with AVX-512 the same frames, encoded by manim's own method 40 to 100 times in
#: one process with other encodes in between, gave 2 to 7 different files; with ``mbtree=0``, or
#: with x264's AVX-512 turned off (its ``asm`` parameter), one. The pipeline's settings (superfast:
#: no macroblock tree) gave one.
PIPELINE = tuple(ENCODER_OPTIONS.items())
#: What dirties the heap between two encodes: x264's default preset, macroblock tree and all.
DEFAULT_PRESET = (("crf", "23"),)


# H.264 in MP4 is byte for byte reproducible with the pipeline's settings, so the files are compared
# whole; the WebM muxer writes a random segment id into every file (manim's own two runs differ), so
# there the decoded frames are.
@pytest.mark.parametrize("codec, pixel_format, container, options", [
    ("libx264", "yuv420p", "mp4", PIPELINE), ("libvpx-vp9", "yuv420p", "webm", (("crf", "23"),))])
def test_the_video_is_the_one_manim_writes(tmp_path, codec, pixel_format, container, options):
    spec = VideoEncoderSpec(container_format=container, codec=codec, pixel_format=pixel_format, width=64,
                            height=36, frame_rate=Fraction(15), options=options)
    rng = np.random.default_rng(7)
    # pictures with structure (a gradient and a moving block) and held frames (repeat > 1), as a scene has
    frames = []
    for k, repeat in enumerate((1, 4, 1, 1, 7, 2)):
        pixels = np.zeros((36, 64, 4), dtype=np.uint8)
        pixels[..., 0] = np.linspace(0, 255, 64, dtype=np.uint8)
        pixels[..., 1] = rng.integers(0, 255, (36, 64), dtype=np.uint8) // 8
        pixels[5:15, 4 * k:4 * k + 10, 2] = 255
        pixels[..., 3] = 255
        frames.append((pixels, repeat))
    ours = _encode(encoder.write_frame, tmp_path / f"ours.{container}", spec, frames)
    manims = _encode(encoder._manim_write_frame, tmp_path / f"manim.{container}", spec, frames)
    decoded = _decoded(tmp_path / f"ours.{container}")
    assert len(decoded) == sum(repeat for _, repeat in frames)
    assert decoded == _decoded(tmp_path / f"manim.{container}")
    if container == "mp4":
        assert ours == manims


def test_the_pipelines_settings_give_the_same_file_whatever_memory_holds(tmp_path):
    """Slices, cluster renders and the up-to-date check rely on it: the same frames, the same bytes."""
    frames = _scene_like_frames(48, 64)
    spec = {name: VideoEncoderSpec(container_format="mp4", codec="libx264", pixel_format="yuv420p", width=64,
                                   height=48, frame_rate=Fraction(15), options=options)
            for name, options in (("pipeline", PIPELINE), ("default", DEFAULT_PRESET))}
    files = set()
    for round_ in range(6):
        files.add(_encode(encoder.write_frame, tmp_path / f"pipeline{round_}.mp4", spec["pipeline"], frames))
        _encode(encoder.write_frame, tmp_path / f"default{round_}.mp4", spec["default"], frames)  # reuses memory
    assert len(files) == 1
    # the cause, checked where a CPU without AVX-512 cannot show the symptom: x264 writes the settings
    # it ran with into the stream, and the macroblock tree must be off (the default preset has it on)
    written = files.pop()
    assert b" mbtree=0 " in written
    default = (tmp_path / "default0.mp4").read_bytes()
    assert b" mbtree=1 " in default  # the check reads what it means to read


def _scene_like_frames(height: int, width: int) -> list[tuple[np.ndarray, int]]:
    rng = np.random.default_rng(11)
    frames = []
    for k, repeat in enumerate((1, 4, 1, 1, 7, 2, 1, 1)):
        pixels = np.zeros((height, width, 4), dtype=np.uint8)
        pixels[..., 0] = np.linspace(0, 255, width, dtype=np.uint8)
        pixels[..., 1] = rng.integers(0, 255, (height, width), dtype=np.uint8) // 8
        pixels[5:15, 4 * k:4 * k + 10, 2] = 255
        pixels[..., 3] = 255
        frames.append((pixels, repeat))
    return frames


def test_it_is_what_manim_calls():
    assert VideoSegmentEncoder.write_frame is encoder.write_frame


def test_a_bad_frame_is_refused_as_manim_refuses_it(tmp_path):
    spec = VideoEncoderSpec(container_format="mp4", codec="libx264", pixel_format="yuv420p", width=64, height=36,
                            frame_rate=Fraction(15), options=())
    segment = VideoSegmentEncoder(target=tmp_path / "x.mp4", spec=spec)
    with pytest.raises(ValueError, match="shape"):
        segment.write_frame(np.zeros((36, 60, 4), dtype=np.uint8))
    with pytest.raises(ValueError, match="repeat"):
        segment.write_frame(np.zeros((36, 64, 4), dtype=np.uint8), repeat=0)
    segment.abort()


def test_bare_manim_runs_encode_as_the_pipeline_does():
    # manim.cfg (read by a manim run from the repository root) and the options the pipeline passes
    # (for runs elsewhere, such as a network clip's) are one setting written twice: they must agree
    parser = configparser.ConfigParser()
    parser.read(REPO_ROOT / "manim.cfg", encoding="utf-8")
    assert dict(parser.items("video_encoder.options")) == ENCODER_OPTIONS
    assert encoder_args()[0].startswith("--encoder-option=")
