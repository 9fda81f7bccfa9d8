"""A shape's Bézier points traced into a Cairo context in one call: :func:`trace_points`.

manim's Cairo camera traces a shape with one Python call per cubic curve
(``ctx.curve_to``), after a dozen numpy calls that find where its subpaths
split. A shape that changes every frame (a morphing graph, a band of a
thousand curves, the glyphs of a formula fading into another) pays that for
every frame. :func:`trace_points` finds the same splits and closings with
manim's own rules (``VMobject.get_subpath_split_indices_from_points``,
``consider_points_equals_2d``), writes the whole path as one
``cairo_path_data_t`` array with numpy and hands it to cairo's
``cairo_append_path``, which makes the same ``move_to``/``curve_to``/
``close_path`` calls in C. The path, and so every pixel, is the one manim
traces (tests/test_paths.py compares both, path element by element and frame
by frame).

Most shapes are a glyph, a dot or a line, traced again because they moved,
and for those each numpy call costs more than its work (a microsecond or
more for a few dozen points). So the common case takes few of them: a
curve end that is exactly the next curve's start (the usual join) is
recognised by comparing bytes, only the other ends are compared within
manim's tolerance (one by one when they are few), and a path layout keeps
its array, headers written, to be filled in place. A glyph traces in a quarter
to a half of the time the first version of this module took.

The ``cairo_t`` behind a pycairo ``Context`` is read as pycairo's public C
API reads it (``PycairoContext_GET`` in ``py3cairo.h``), and cairo is the
library pycairo itself is linked against. The route is checked once, on a
scratch context, when this module is imported; if anything differs
(another Python, another pycairo layout, no ``cairo_append_path``),
:data:`AVAILABLE` is false and the caller traces as manim does.

Examples
--------
>>> import cairo
>>> from manim import Square
>>> ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 8, 8))
>>> square = Square()
>>> AVAILABLE and trace_points(ctx, square.points, square.tolerance_for_point_equality)
True
>>> [kind for kind, _ in ctx.copy_path()][:3]
[cairo.PathDataType.MOVE_TO, cairo.PathDataType.CURVE_TO, cairo.PathDataType.CURVE_TO]
"""

from __future__ import annotations

import ctypes
import math
import sys
import threading
from typing import Any

import cairo
import numpy as np

__all__ = ["AVAILABLE", "MAX_LAYOUTS", "MAX_LAYOUT_POINTS", "trace_points"]

#: How many path layouts (point count, splits, closings) are kept; a layout is reused by every
#: shape of that make-up, e.g. every frame of a glyph that moves. Only shapes of at most
#: :data:`MAX_LAYOUT_POINTS` points keep theirs (a glyph, a dot, a line), so the kept layouts
#: stay below a few megabytes; a longer shape's layout is built each time, in a few numpy calls.
MAX_LAYOUTS = 2048
MAX_LAYOUT_POINTS = 256

_MOVE_TO, _CURVE_TO, _CLOSE_PATH = 0, 2, 3  # cairo_path_data_type_t
_RTOL = 1.0e-5  # numpy.isclose's, as manim's point comparisons use it


class _CairoPath(ctypes.Structure):
    """``cairo_path_t``: a status, the ``cairo_path_data_t`` array (16 bytes an element) and its length."""

    _fields_ = [("status", ctypes.c_int), ("data", ctypes.c_void_p), ("num_data", ctypes.c_int)]


# PycairoContext is {PyObject_HEAD; cairo_t *ctx; PyObject *base;} (py3cairo.h)
_CONTEXT_OFFSET = object.__basicsize__
_layouts: dict[tuple[Any, ...], "_Layout"] = {}
_filling = threading.Lock()  # a kept layout's array is filled and appended by one thread at a time
#: Above this many curve ends that are not exactly the next curve's start, the splits are found in numpy.
_FEW_GAPS = 16


def _bind() -> Any:
    if sys.implementation.name != "cpython":
        return None
    if cairo.Context.__basicsize__ != _CONTEXT_OFFSET + 2 * ctypes.sizeof(ctypes.c_void_p):
        return None
    try:
        append = ctypes.CDLL(cairo._cairo.__file__).cairo_append_path  # pycairo's own libcairo
    except (OSError, AttributeError):
        return None
    append.argtypes = [ctypes.c_void_p, ctypes.POINTER(_CairoPath)]
    append.restype = None
    return append


_append_path = _bind()


def _layout_arrays(n: int, cuts: tuple[int, ...], closes: tuple[bool, ...], nppcc: int
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The path array with its headers written, and where each point goes (slots, point indices)."""
    bounds = (0, *cuts, n)
    kinds: list[np.ndarray] = []  # per subpath: header slots, kinds and lengths; point slots and indices
    slot_parts: list[np.ndarray] = []
    point_parts: list[np.ndarray] = []
    header_slots: list[np.ndarray] = []
    at = 0
    for start, end, close in zip(bounds[:-1], bounds[1:], closes):
        curves = (end - start) // nppcc
        if curves == 0:  # manim skips a subpath shorter than one curve
            continue
        curve_at = at + 2 + 4 * np.arange(curves)  # each curve: a header, then its three points
        header_slots += [np.array([at]), curve_at]
        kinds += [np.array([_MOVE_TO, 2]).reshape(1, 2), np.tile([_CURVE_TO, 4], (curves, 1))]
        slot_parts += [np.array([at + 1]), (curve_at[:, None] + np.arange(1, 4)).ravel()]
        first = start + nppcc * np.arange(curves)
        point_parts += [np.array([start]), (first[:, None] + np.arange(1, 4)).ravel()]
        at += 2 + 4 * curves
        if close:
            header_slots.append(np.array([at]))
            kinds.append(np.array([_CLOSE_PATH, 1]).reshape(1, 2))
            at += 1
    template = np.zeros((at, 2))
    if at:
        words = template.view(np.int32).reshape(at, 4)  # a header element: type, length (int32 each)
        words[np.concatenate(header_slots), :2] = np.concatenate(kinds)
        return template, np.concatenate(slot_parts), np.concatenate(point_parts)
    return template, np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)


class _Layout:
    """A path's ``cairo_path_data_t`` array with its headers written, and where each point goes in it.

    :meth:`append` writes a shape's points into the array and hands it to
    ``cairo_append_path``, which copies it into the context's path.
    """

    def __init__(self, n: int, cuts: tuple[int, ...], closes: tuple[bool, ...], nppcc: int) -> None:
        self.data, self.slots, self.indices = _layout_arrays(n, cuts, closes, nppcc)
        self.path = ctypes.byref(_CairoPath(0, self.data.ctypes.data, len(self.data)))

    def append(self, cr: int, xy: np.ndarray) -> None:
        self.data[self.slots] = xy[self.indices]
        _append_path(cr, self.path)


def _close(ax: float, ay: float, bx: float, by: float, tolerance: float) -> bool:
    """Whether two anchors count as one (``VMobject.consider_points_equals_2d``, relative to b)."""
    return abs(ax - bx) <= tolerance + _RTOL * abs(bx) and abs(ay - by) <= tolerance + _RTOL * abs(by)


def _splits(points: np.ndarray, n: int, nppcc: int, tolerance: float) -> tuple[tuple[int, ...], tuple[bool, ...]]:
    """Where the subpaths start (after the first) and whether each is closed, by manim's rules.

    Curve ends that are exactly the next curve's start (most of them) are joined
    without a closer look; the few others are compared within the tolerance.
    """
    ends, starts = points[nppcc - 1:n - 1:nppcc], points[nppcc::nppcc]
    item = points.item
    if ends.tobytes() == starts.tobytes():  # every curve starts where the one before ended: one subpath
        return (), (_close(item(0, 0), item(0, 1), item(n - 1, 0), item(n - 1, 1), tolerance),)
    gaps = np.flatnonzero((ends != starts).any(axis=1)).tolist()
    if len(gaps) <= _FEW_GAPS:
        cuts = tuple((g + 1) * nppcc for g in gaps
                     if not _close(item(g * nppcc + nppcc - 1, 0), item(g * nppcc + nppcc - 1, 1),
                                   item((g + 1) * nppcc, 0), item((g + 1) * nppcc, 1), tolerance))
        closes = tuple(_close(item(first, 0), item(first, 1), item(last, 0), item(last, 1), tolerance)
                       for first, last in zip((0, *cuts), (*(c - 1 for c in cuts), n - 1)))
        return cuts, closes
    xy, starts = points[:, :2], starts[:, :2]
    apart = np.abs(xy[nppcc - 1:n - 1:nppcc] - starts) > tolerance + _RTOL * np.abs(starts)
    cuts = tuple(((np.flatnonzero(apart.any(axis=1)) + 1) * nppcc).tolist())
    first = xy[[0, *cuts]]
    last = xy[[*(c - 1 for c in cuts), n - 1]]
    closes = tuple((np.abs(first - last) <= tolerance + _RTOL * np.abs(last)).all(axis=1).tolist())
    return cuts, closes


def trace_points(ctx: cairo.Context, points: np.ndarray, tolerance: float, nppcc: int = 4) -> bool:
    """Trace ``points`` (manim's cubic Bézier layout) as a new path of ``ctx``, as manim's camera does.

    Parameters
    ----------
    ctx
        The Cairo context; its current path is replaced.
    points
        The shape's points, ``(n, 3)``: anchor, handle, handle, anchor for each curve.
    tolerance
        The shape's ``tolerance_for_point_equality`` (where two anchors count as one).
    nppcc
        Points per curve (manim's ``n_points_per_cubic_curve``).

    Returns
    -------
    bool
        ``False`` when the one-call route is not available here (nothing was done);
        the caller then traces as manim does.

    Examples
    --------
    >>> import cairo
    >>> import numpy as np
    >>> ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 8, 8))
    >>> line = np.array([[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0]], dtype=float)
    >>> AVAILABLE and trace_points(ctx, line, 1e-6)
    True
    >>> list(ctx.copy_path())  # doctest: +NORMALIZE_WHITESPACE
    [(cairo.PathDataType.MOVE_TO, (0.0, 0.0)),
     (cairo.PathDataType.CURVE_TO, (1.0, 0.0, 2.0, 0.0, 3.0, 0.0))]
    """
    if _append_path is None:
        return False
    n = len(points)
    if n == 0:  # manim leaves the context's path as it is
        return True
    ctx.new_path()
    if n < nppcc:  # manim draws no path
        return True
    # a NaN or an infinity anywhere makes the sum one; a finite sum could only mislead by overflowing
    if not math.isfinite(points.sum()) and not np.isfinite(points).all():
        return True  # manim draws no path
    cuts, closes = _splits(points, n, nppcc, tolerance)
    cr = ctypes.c_void_p.from_address(id(ctx) + _CONTEXT_OFFSET).value  # PycairoContext_GET(ctx)
    if n > MAX_LAYOUT_POINTS:
        _Layout(n, cuts, closes, nppcc).append(cr, points[:, :2])
        return True
    key = (n, nppcc, cuts, closes)
    with _filling:
        layout = _layouts.get(key)
        if layout is None:
            if len(_layouts) >= MAX_LAYOUTS:
                _layouts.clear()
            layout = _layouts[key] = _Layout(n, cuts, closes, nppcc)
        layout.append(cr, points[:, :2])
    return True


def _works() -> bool:
    """Trace two shapes both ways on a scratch context; the same path elements, or the route is off."""
    if _append_path is None:
        return False
    ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 4, 4))
    closed = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 1, 0], [0, .5, 0], [.2, .2, 0], [0, 0, 0],
                       [3, 3, 0], [4, 3, 0], [4, 4, 0], [3.5, 4, 0]])
    try:
        trace_points(ctx, closed, 1e-6)
    except (OSError, ValueError, TypeError, ctypes.ArgumentError):
        return False
    got = [(kind, tuple(xy)) for kind, xy in ctx.copy_path()]
    ctx.new_path()
    ctx.move_to(0, 0)
    ctx.curve_to(1, 0, 1, 1, 0, 1)
    ctx.curve_to(0, .5, .2, .2, 0, 0)
    ctx.close_path()
    ctx.move_to(3, 3)
    ctx.curve_to(4, 3, 4, 4, 3.5, 4)
    return got == [(kind, tuple(xy)) for kind, xy in ctx.copy_path()]


#: Whether :func:`trace_points` traces here (checked once, when this module is imported).
AVAILABLE = _works()
if not AVAILABLE:
    _append_path = None
