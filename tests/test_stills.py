"""README stills and GIF are cut at the right time and size from a clip."""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np
import pytest
from PIL import Image

from relu_anim import ReluAnimError
from relu_anim.render.stills import frame_at, save_gif, save_still


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """A 4 s, 10 fps clip whose frame k is grey level 20·k (so time is visible)."""
    path = tmp_path_factory.mktemp("clip") / "clip.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 160, 96, "yuv420p"
        stream.options = {"crf": "0"}
        for k in range(40):
            frame = av.VideoFrame.from_ndarray(np.full((96, 160, 3), 5 * k, np.uint8), format="rgb24")
            frame.pts, frame.time_base = k, Fraction(1, 10)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def _level(image: Image.Image) -> float:
    return float(np.asarray(image.convert("L")).mean())


def test_frame_at_picks_the_frame_at_that_time(clip):
    assert _level(frame_at(clip, 1.0)) == pytest.approx(50, abs=3)
    assert _level(frame_at(clip, 3.0)) == pytest.approx(150, abs=3)
    assert _level(frame_at(clip, 99.0)) == pytest.approx(195, abs=3)  # past the end: the last frame


def test_still_is_resized_png(clip, tmp_path):
    out = save_still(clip, 2.0, tmp_path / "still.png", width=80)
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size == (80, 48)


def test_gif_has_the_span_at_the_asked_rate(clip, tmp_path):
    out = save_gif(clip, 1.0, 3.0, tmp_path / "a.gif", width=80, fps=5)
    with Image.open(out) as image:
        assert image.size == (80, 48)
        assert image.n_frames == 11  # 1.0, 1.2, …, 3.0
        assert image.info["duration"] == 200 and image.info["loop"] == 0


def test_bad_spans_and_files_are_refused(clip, tmp_path):
    with pytest.raises(ReluAnimError, match="end must be after start"):
        save_gif(clip, 3.0, 1.0, tmp_path / "b.gif")
    with pytest.raises(ReluAnimError, match="no frames between"):
        save_gif(clip, 50.0, 60.0, tmp_path / "c.gif")
    with pytest.raises(ReluAnimError, match="cannot read"):
        frame_at(tmp_path / "missing.mp4", 0.0)
