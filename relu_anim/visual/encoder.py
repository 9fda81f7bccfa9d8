"""Frames handed to the video encoder without a copy, and converted once however long they are held.

manim's encoder thread (``VideoSegmentEncoder.write_frame``) copies every RGBA
frame into a new video frame, and the codec then converts it to its own pixel
format (RGBA → YUV 4:2:0 for H.264): at 1080p that is an 8 MB copy and a
colour conversion per frame. A held frame (a ``wait``, the hold after a
narration) is written as ``repeat`` copies of one picture, and each copy was
copied and converted again.

:func:`install` (run by :mod:`relu_anim.visual.hooks`) makes ``write_frame``
wrap the frame's array as it is (``VideoFrame.from_numpy_buffer``: nothing
writes to a frame handed to the encoder), convert it once with the converter
and settings the codec itself would use (on one thread, which gives the same
bytes for less CPU: :data:`CONVERSION_THREADS`), hand the array back to the renderer
(:func:`relu_anim.visual.frames.release`), and send that one converted picture
for every repeat. For H.264 (libx264, which copies a picture while it encodes
it) the conversion is redone only where the frame changed since the one
before (:class:`~relu_anim.visual.convert.RowConverter`), at 1080p and above
(:data:`ROW_MIN_HEIGHT`, where that saves CPU): the array is then
handed back one frame later, once the next frame has been compared with it,
and the last one when the segment ends. The codec receives the same pictures,
so the file is byte for byte the one manim writes (tests/test_encoder.py).
Where the codec wants RGBA itself (nothing to convert), manim's own method runs.

Examples
--------
>>> from manim.scene.video_segment_encoder import VideoSegmentEncoder
>>> VideoSegmentEncoder.write_frame is write_frame
True
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import av
from av.video.reformatter import VideoReformatter
from manim.scene.video_segment_encoder import VideoSegmentEncoder

from . import frames
from .convert import RowConverter

__all__ = ["CONVERSION_THREADS", "ROW_CODECS", "ROW_MIN_HEIGHT", "abort", "finish", "install", "write_frame"]

_manim_write_frame = VideoSegmentEncoder.write_frame
_manim_finish = VideoSegmentEncoder.finish
_manim_abort = VideoSegmentEncoder.abort

#: Codecs given a picture changed in place after each ``encode`` (converted where the frame changed):
#: those that copy the picture while encoding it and keep no reference to it.
ROW_CODECS = frozenset({"libx264"})
#: Frames at least this tall are converted where they changed; smaller ones whole. At 1080p the rows
#: save CPU (training's beats 2-3 at -qh, paired runs: 0.95x; relu_shift's second beat on a newer
#: machine, 5 pairs: 0.89x the CPU and 0.87x the wall time); at 480p the comparison and the extra
#: calls cost more than the rows they skip (the one-beat x2 preview at -ql, 8 pairs: 1.04x the CPU,
#: 1.06x the wall time; 1.01x and 1.03x on the newer machine), and at 720p they break even
#: (relu_shift's second beat at -qm, 5 pairs on the newer machine: 0.99x the CPU, 1.04x the wall time).
ROW_MIN_HEIGHT = 1080

#: Threads of the RGBA → YUV conversion. The codec's own count is 0 (FFmpeg's "auto"), with which
#: swscale splits every frame over all cores: the same bytes, but about 1.4× the CPU (1080p,
#: frames of relu_shift, converted in turn both ways: 8.2 against 5.9 ms a frame), and the cores
#: are already busy drawing and encoding, more so with ``--jobs``.
CONVERSION_THREADS = 1


def write_frame(self: VideoSegmentEncoder, pixels: Any, *, repeat: int = 1) -> None:
    """``VideoSegmentEncoder.write_frame``: the frame wrapped, not copied, and converted once for all repeats."""
    codec = self._stream.codec_context
    if codec.format is None or codec.format.name == "rgba":
        _manim_write_frame(self, pixels, repeat=repeat)  # copies the frame into a video frame
        frames.release(pixels)
        return
    self._validate_frame(pixels, repeat)
    time_base = Fraction(self.spec.frame_rate.denominator, self.spec.frame_rate.numerator)
    try:
        if _by_rows(codec, pixels):
            rows = self.__dict__.get("_relu_anim_rows")
            if rows is None:
                rows = self._relu_anim_rows = RowConverter(codec.width, codec.height, CONVERSION_THREADS)
            held = rows.last
            picture = rows.convert(pixels)  # compared with the frame before, held until now
            if held is not None and held is not pixels:
                frames.release(held)  # compared: the renderer may draw into it again
        else:
            converter = getattr(self, "_relu_anim_converter", None)
            if converter is None:
                converter = self._relu_anim_converter = VideoReformatter()
            # what the codec does with a frame in another format (PyAV's _prepare_frames_for_encode),
            # on one thread: see CONVERSION_THREADS
            picture = converter.reformat(av.VideoFrame.from_numpy_buffer(pixels, format="rgba"),
                                         codec.width, codec.height, codec.format, threads=CONVERSION_THREADS)
            frames.release(pixels)  # converted: the renderer may draw into it again
        picture.time_base = time_base
        for _ in range(repeat):
            picture.pts = self._next_pts  # the codec takes its own reference to the picture when it is sent
            self._next_pts += 1
            for packet in self._stream.encode(picture):
                self._container.mux(packet)
    except BaseException as error:
        raise self._operation_error("encode", error) from error


def _by_rows(codec: Any, pixels: Any) -> bool:
    """Whether this frame is converted where it changed: H.264 from libx264, 4:2:0, not scaled, 1080p or more."""
    return (codec.name in ROW_CODECS and codec.format.name == "yuv420p" and codec.height >= ROW_MIN_HEIGHT
            and (codec.height, codec.width) == pixels.shape[:2] and codec.width % 2 == 0 and codec.height % 2 == 0)


def _let_go(segment: VideoSegmentEncoder) -> None:
    """Hand back the frame a segment still holds for comparison."""
    rows = segment.__dict__.pop("_relu_anim_rows", None)
    if rows is not None and rows.last is not None:
        frames.release(rows.last)


def finish(self: VideoSegmentEncoder) -> None:
    """``VideoSegmentEncoder.finish``, then the last frame handed back to the renderer."""
    try:
        _manim_finish(self)
    finally:
        _let_go(self)


def abort(self: VideoSegmentEncoder) -> None:
    """``VideoSegmentEncoder.abort``, then the last frame handed back to the renderer."""
    try:
        _manim_abort(self)
    finally:
        _let_go(self)


def install() -> None:
    """Make manim's encoder use :func:`write_frame`. Installing twice changes nothing."""
    VideoSegmentEncoder.write_frame = write_frame  # type: ignore[method-assign]
    VideoSegmentEncoder.finish = finish  # type: ignore[method-assign]
    VideoSegmentEncoder.abort = abort  # type: ignore[method-assign]


install()
