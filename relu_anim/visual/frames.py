"""Frames handed to the video encoder without manim's copy of them.

manim's Cairo renderer draws each frame into its camera's pixel array, then
hands the encoder a copy (``get_frame``: 8 MB at 1080p, copied on the drawing
thread for every frame), because the next frame is drawn into the same array.
:func:`install` (run by :mod:`relu_anim.visual.hooks`) makes ``render`` hand
the drawn array itself to the encoder and draw the next frame into another
array from a small pool. An array comes back to the pool when the encoder is
done with it (:func:`release`, called by :mod:`relu_anim.visual.encoder` once
it has converted the frame, or compared the next frame with it).

Nothing is written to an array while the encoder holds it: the camera moves to
a free array only when it starts the next frame (``set_pixel_array``, which
every frame starts with, or ``capture_mobjects`` without it, which then keeps
the picture). Until then the camera's array is still the last frame, so
``get_frame`` and ``get_image`` read what they read in manim. When the pool is
empty and has :data:`POOL_LIMIT` arrays out (frames the encoder dropped are
never released; they stay with the camera's pool and go with it), ``render``
copies the frame as manim does. The video is the
same byte for byte (tests/test_frames.py).

Examples
--------
>>> from manim.renderer.cairo_renderer import CairoRenderer
>>> CairoRenderer.render is render
True
"""

from __future__ import annotations

import queue
import threading
import weakref
from typing import Any

import numpy as np
from manim.camera.camera import Camera
from manim.renderer.cairo_renderer import CairoRenderer

__all__ = ["POOL_LIMIT", "install", "release", "render"]

#: Arrays a camera may have out (drawn, not yet released by the encoder) before frames are copied again.
POOL_LIMIT = 12

_manim_render = CairoRenderer.render
_manim_set_pixel_array = Camera.set_pixel_array
_manim_capture_mobjects = Camera.capture_mobjects

#: id of an array the encoder holds → its camera's pool; an entry goes when the pool (its camera) does
_pools: weakref.WeakValueDictionary[int, "_Pool"] = weakref.WeakValueDictionary()


class _Pool:
    """A camera's spare pixel arrays of one shape; :meth:`take` and :func:`release` may run on different threads.

    ``handed`` holds the arrays out with the encoder, so frames it never
    releases stay bounded by :data:`POOL_LIMIT` and go with the camera.
    """

    def __init__(self, like: np.ndarray) -> None:
        self.shape, self.dtype = like.shape, like.dtype
        self.free: queue.SimpleQueue[np.ndarray] = queue.SimpleQueue()
        self.handed: dict[int, np.ndarray] = {}  # id → array, while the encoder holds it
        self.lock = threading.Lock()  # ``handed`` changes on the drawing thread and the encoders' threads

    @property
    def out(self) -> int:
        """Arrays handed to the encoder and not released."""
        return len(self.handed)

    def take(self) -> np.ndarray:
        try:
            return self.free.get_nowait()
        except queue.Empty:
            return np.empty(self.shape, dtype=self.dtype)


def _pool(camera: Camera) -> _Pool:
    pool = camera.__dict__.get("_relu_anim_pool")
    if pool is None or (pool.shape, pool.dtype) != (camera.pixel_array.shape, camera.pixel_array.dtype):
        pool = camera._relu_anim_pool = _Pool(camera.pixel_array)
    return pool


def render(self: CairoRenderer, scene: Any, time: float, moving_mobjects: Any = None) -> None:
    """``CairoRenderer.render``: the drawn array goes to the encoder as it is; the next frame gets another."""
    if self.skip_animations or not self.file_writer.output_spec.is_video:
        _manim_render(self, scene, time, moving_mobjects)  # no frame is written, or not to an encoder
        return
    self.update_frame(scene, moving_mobjects)
    camera = self.camera
    pool = _pool(camera)
    frame = camera.pixel_array
    with pool.lock:
        full = pool.out >= POOL_LIMIT
        if not full:
            pool.handed[id(frame)] = frame
    if full:  # the encoder kept frames it never released: copy, as manim does
        self.add_frame(self.get_frame())
        return
    _pools[id(frame)] = pool
    camera._relu_anim_handed = frame  # moved off before anything is drawn again
    self.add_frame(frame)


def release(frame: np.ndarray) -> None:
    """The encoder is done with ``frame``: back to its camera's pool (frames not handed out are ignored)."""
    pool = _pools.pop(id(frame), None)
    if pool is None:
        return
    with pool.lock:
        if pool.handed.get(id(frame)) is not frame:
            return
        del pool.handed[id(frame)]
    pool.free.put(frame)


def _move_off(camera: Camera, keep: bool) -> None:
    """Give the camera a free array in place of the one the encoder holds (its picture copied if ``keep``)."""
    handed = camera.__dict__.pop("_relu_anim_handed", None)
    if handed is None or camera.pixel_array is not handed:
        return
    spare = _pool(camera).take()
    if keep:
        np.copyto(spare, handed)
    camera.pixel_array = spare


def set_pixel_array(self: Camera, pixel_array: Any, convert_from_floats: bool = False) -> None:
    """``Camera.set_pixel_array`` (the start of every frame), on an array the encoder does not hold."""
    _move_off(self, keep=False)  # the whole array is written
    _manim_set_pixel_array(self, pixel_array, convert_from_floats)


def capture_mobjects(self: Camera, mobjects: Any, **kwargs: Any) -> None:
    """``Camera.capture_mobjects``, on an array the encoder does not hold (its picture kept)."""
    _move_off(self, keep=True)
    _manim_capture_mobjects(self, mobjects, **kwargs)


def install() -> None:
    """Make manim's renderer and camera use this module's methods. Installing twice changes nothing."""
    CairoRenderer.render = render  # type: ignore[method-assign]
    Camera.set_pixel_array = set_pixel_array  # type: ignore[method-assign]
    Camera.capture_mobjects = capture_mobjects  # type: ignore[method-assign]


install()
