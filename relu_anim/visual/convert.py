"""A video's RGBA frames converted to YUV 4:2:0, each frame only where it differs from the one before.

The encoder converts every drawn frame from RGBA to the codec's YUV 4:2:0
(swscale, with the settings the codec itself would use): at 1080p about 6 ms
a frame, a sixth of a chapter's render. Most of a frame is the frame before
it: a curve moves, a number changes, the rest of the picture stays.

:class:`RowConverter` keeps the last picture it made and, for the next frame,
finds the row pairs whose RGBA bytes changed (one comparison of the two
frames, a fraction of a conversion) and converts only those into the kept
picture. swscale's vertical chroma filter reads one row beyond the pair it
writes on either side, so a changed pair also changes the chroma of the pairs
beside it: those are written too, converted with two more rows of context
(at an edge of the frame swscale repeats the edge, as it does for the whole
frame). Every byte of the picture is the one a conversion of the whole frame
gives (tests/test_convert.py checks that on random frames and changed bands).

Examples
--------
>>> import numpy as np
>>> converter = RowConverter(64, 36)
>>> frame = np.zeros((36, 64, 4), dtype=np.uint8)
>>> first = converter.convert(frame)             # the first frame: every row
>>> frame = frame.copy(); frame[10:12] = 255
>>> converter.convert(frame) is first            # the same picture, changed where rows 10-11 changed
True
>>> converter.rows_converted                     # rows 8 to 23: the pair, its context, rounded up to 16
(72, 52)
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import av
import numpy as np
from av.video.reformatter import VideoReformatter

__all__ = ["CONTEXT_ROWS", "HEIGHT_STEP", "MERGE_ROWS", "RowConverter"]

#: Rows converted above and below the rows written, for swscale's 4:2:0 chroma filter (it reads one row beyond).
CONTEXT_ROWS = 2
#: Changed runs this many rows apart or closer are converted as one (a call costs about as much as 8 rows).
MERGE_ROWS = 8
#: Converted spans are rounded up to a multiple of this many rows, so a few converters serve all spans
#: (a converter set up for a new height costs about 30 rows' conversion).
HEIGHT_STEP = 16
#: Converters kept per thread, one per span height (at 1080p: 68 heights).
MAX_CONVERTERS = 96

_local = threading.local()


def _converter(width: int, height: int) -> VideoReformatter:
    """This thread's swscale converter for spans of ``width`` × ``height`` (swscale contexts are not shared)."""
    kept: OrderedDict[tuple[int, int], VideoReformatter] | None = getattr(_local, "converters", None)
    if kept is None:
        kept = _local.converters = OrderedDict()
    converter = kept.get((width, height))
    if converter is None:
        if len(kept) >= MAX_CONVERTERS:
            kept.popitem(last=False)
        converter = kept[(width, height)] = VideoReformatter()
    else:
        kept.move_to_end((width, height))
    return converter


class RowConverter:
    """RGBA frames of one size to YUV 4:2:0 pictures, each converted where it changed since the last one.

    Parameters
    ----------
    width, height
        The frames' size in pixels; both even (4:2:0 halves both).
    threads
        swscale threads per conversion.

    Attributes
    ----------
    last
        The frame given last (the next one is compared with it), or ``None``.
    rows_converted
        ``(frames' rows, rows converted)`` so far.

    Notes
    -----
    :meth:`convert` returns the same picture object each time, changed in
    place; a caller hands it to the codec before converting the next frame.
    Codecs that keep a reference to a picture after ``encode`` returns (frame
    threads) must get a copy instead; libx264 copies it while encoding.
    """

    def __init__(self, width: int, height: int, threads: int = 1) -> None:
        if width % 2 or height % 2 or width <= 0 or height <= 0:
            raise ValueError(f"RowConverter: 4:2:0 needs an even width and height, got {width}×{height}")
        self.width, self.height, self.threads = width, height, threads
        self.picture: av.VideoFrame | None = None
        self._planes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.last: np.ndarray | None = None
        self._changed = np.empty((height // 2, width), dtype=bool)  # per row pair, per 8 bytes
        self.rows_converted = (0, 0)

    def _rows(self, pixels: np.ndarray, start: int, stop: int) -> av.VideoFrame:
        """Rows ``start:stop`` of ``pixels`` converted (a picture of ``stop - start`` rows)."""
        band = av.VideoFrame.from_numpy_buffer(pixels[start:stop], format="rgba")
        return _converter(self.width, stop - start).reformat(band, self.width, stop - start, "yuv420p",
                                                               threads=self.threads)

    def convert(self, pixels: np.ndarray) -> av.VideoFrame:
        """The picture of ``pixels`` (``height × width × 4`` uint8, C-contiguous).

        ``pixels`` is compared with the frame given last, which must not have
        changed since (the caller keeps it unchanged until this call returns).
        """
        last, self.last = self.last, pixels
        if last is None:
            self.picture = self._rows(pixels, 0, self.height)
            self._planes = tuple(_plane(p, rows) for p, rows in
                                 zip(self.picture.planes, (self.height, self.height // 2, self.height // 2)))
            self._count(self.height)
            return self.picture
        pairs = np.not_equal(_row_pairs(last), _row_pairs(pixels), out=self._changed).any(axis=1)
        changed = np.flatnonzero(pairs)
        if changed.size == 0:
            self._count(0)
            return self.picture
        gaps = np.flatnonzero(np.diff(changed) > MERGE_ROWS // 2)
        starts = changed[np.r_[0, gaps + 1]].tolist()
        stops = (changed[np.r_[gaps, changed.size - 1]] + 1).tolist()
        converted = 0
        for first, stop in zip(starts, stops):
            # a changed pair also changes the chroma of the pairs beside it: those are written too
            converted += self._update(pixels, max(0, 2 * first - 2), min(self.height, 2 * stop + 2))
        self._count(converted)
        return self.picture

    def _update(self, pixels: np.ndarray, start: int, stop: int) -> int:
        """Convert rows ``start:stop`` (even) into the kept picture; the rows converted."""
        assert self._planes is not None
        low = max(0, start - CONTEXT_ROWS)
        high = min(self.height, stop + CONTEXT_ROWS)
        span = min(self.height, -(-(high - low) // HEIGHT_STEP) * HEIGHT_STEP)
        low, high = (low, low + span) if low + span <= self.height else (self.height - span, self.height)
        part = self._rows(pixels, low, high)
        for whole, plane, rows, half in zip(self._planes, part.planes, (span, span // 2, span // 2), (1, 2, 2)):
            whole[start // half:stop // half] = _plane(plane, rows)[(start - low) // half:(stop - low) // half]
        return high - low

    def _count(self, rows: int) -> None:
        total, converted = self.rows_converted
        self.rows_converted = (total + self.height, converted + rows)


def _row_pairs(pixels: np.ndarray) -> np.ndarray:
    """``pixels`` as one row per row pair, 8 bytes an element (a view: a pair of rows is ``8 × width`` bytes)."""
    return pixels.reshape(pixels.shape[0] // 2, -1).view(np.uint64)


def _plane(plane: av.video.plane.VideoPlane, rows: int) -> np.ndarray:
    """A picture plane as a writable ``rows × width`` view (its line padding left out)."""
    buffer = np.frombuffer(plane, dtype=np.uint8)
    return buffer.reshape(rows, plane.line_size)[:, :plane.width]
