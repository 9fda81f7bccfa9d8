"""The renderer hands the encoder the array it drew into, not a copy (relu_anim.visual.frames).

A small scene (moving shapes, an updater, a held frame) is rendered to MP4 in
this process with the hand-off and with manim's own copy; the files must be
the same byte for byte, the arrays must really have gone round (out to the
encoder and back to the pool), and ``get_frame`` after the render must read the
last frame as it does in manim.
"""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from manim import DOWN, RIGHT, Circle, Create, Dot, Scene, Square, tempconfig
from manim.renderer.cairo_renderer import CairoRenderer

import relu_anim.visual.hooks  # noqa: F401  (installs frames and the encoder that gives frames back)
from relu_anim.visual import frames

CONFIG = {"pixel_width": 256, "pixel_height": 144, "frame_rate": 15, "disable_caching": True,
          "progress_bar": "none", "verbosity": "WARNING", "save_last_frame": False, "dry_run": False,
          "output_file": "moving"}


class Moving(Scene):
    def construct(self):
        square = Square()
        dot = Dot().add_updater(lambda d, dt: d.shift(0.4 * dt * RIGHT))
        self.add(dot)
        self.play(Create(square), run_time=1)
        self.play(square.animate.shift(DOWN), run_time=0.8)
        self.wait(0.5, frozen_frame=True)  # a held frame: written once, repeated
        self.play(Create(Circle()), run_time=0.6)


def render(tmp_path, name: str) -> tuple[bytes, np.ndarray, CairoRenderer]:
    with tempconfig({**CONFIG, "media_dir": str(tmp_path / name)}):
        scene = Moving()
        scene.render()
        mp4 = scene.renderer.file_writer.movie_file_path
        return mp4.read_bytes(), scene.renderer.get_frame(), scene.renderer


def test_the_video_is_the_one_manims_copies_give(tmp_path, monkeypatch):
    ours, last, renderer = render(tmp_path, "ours")
    pool = renderer.camera.__dict__["_relu_anim_pool"]
    assert pool.free.qsize() >= 2 and pool.out == 0  # arrays went to the encoder and all came back
    monkeypatch.setattr(CairoRenderer, "render", frames._manim_render)
    manims, manim_last, _ = render(tmp_path, "manim")
    assert ours == manims
    assert (last == manim_last).all()  # the camera still shows the last frame drawn


def test_frames_the_encoder_keeps_are_copied_once_the_pool_is_out(tmp_path, monkeypatch):
    # an encoder that never gives frames back (as manim's image-sequence output would not)
    monkeypatch.setattr(frames, "release", lambda frame: None)
    kept, _, renderer = render(tmp_path, "kept")
    assert renderer.camera.__dict__["_relu_anim_pool"].out == frames.POOL_LIMIT
    held = weakref.ref(next(iter(renderer.camera.__dict__["_relu_anim_pool"].handed.values())))
    del renderer
    gc.collect()
    assert held() is None  # frames never given back go with their camera, not kept by the module
    monkeypatch.setattr(CairoRenderer, "render", frames._manim_render)
    manims, _, _ = render(tmp_path, "manim")
    assert kept == manims


@pytest.mark.parametrize("keep", [True, False])
def test_drawing_never_writes_to_a_frame_the_encoder_holds(keep):
    class Camera:
        def __init__(self):
            self.pixel_array = np.full((4, 4, 4), 7, dtype=np.uint8)

    camera = Camera()
    held = camera.pixel_array
    camera._relu_anim_handed = held
    frames._move_off(camera, keep=keep)
    assert camera.pixel_array is not held
    assert (held == 7).all()
    if keep:
        assert (camera.pixel_array == 7).all()  # a capture without a reset draws over the same picture
