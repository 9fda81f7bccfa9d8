"""Cairo paths remembered by content: a shape whose points did not change is not traced again.

For every shape in every frame, manim's Cairo camera turns the shape's Bézier
points into a Cairo path (``Camera.set_cairo_context_path``): it finds where
the subpaths split (a dozen numpy calls) and adds every curve with one Python
call each. That is about a third of a chapter's render, and most of it is
repeated work: manim redraws every shape above the first one that moves, and a
fade or a colour change moves no point, so most shapes reach the camera with
the points they had in the frame before.

:func:`install` (run by :mod:`relu_anim.visual.hooks`, before anything here draws) keeps the
traced path of the last few thousand point arrays, keyed by the exact bytes of
the points (and everything else the tracing reads), and appends the kept path
instead of tracing again. A path is replayed in the same user coordinates it
was traced in, so the picture is the one manim draws (tests/test_paths.py
compares frames bit for bit). A shape not seen before is traced in one call
(:func:`~relu_anim.visual.trace.trace_points`) instead of one per curve.
Cameras that transform points before drawing (manim's 3-D camera) and shapes
that split or close their subpaths their own way are traced by manim, as before.

Examples
--------
>>> import cairo
>>> from manim import Camera, Square
>>> camera, square = Camera(), Square()
>>> ctx = cairo.Context(cairo.ImageSurface(cairo.FORMAT_ARGB32, 8, 8))
>>> _ = camera.set_cairo_context_path(ctx, square)
>>> _ = camera.set_cairo_context_path(ctx, square.copy())   # same points: replayed
>>> cached_paths() >= 1
True
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from manim import Camera, VMobject

from .trace import trace_points

__all__ = ["MAX_PATHS", "cached_paths", "install", "set_cairo_context_path"]

#: How many traced paths are kept (least recently drawn dropped first).
MAX_PATHS = 4096

_manim_trace = Camera.set_cairo_context_path
_paths: OrderedDict[tuple[Any, ...], Any] = OrderedDict()


def cached_paths() -> int:
    """How many traced paths are kept now."""
    return len(_paths)


def set_cairo_context_path(self: Camera, ctx: Any, vmobject: VMobject) -> Camera:
    """``Camera.set_cairo_context_path``, replaying the path traced before for the same points."""
    points = vmobject.points
    kind = type(vmobject)
    if (len(points) == 0
            or type(self).transform_points_pre_display is not Camera.transform_points_pre_display
            or kind.get_subpath_split_indices_from_points is not VMobject.get_subpath_split_indices_from_points
            or kind.consider_points_equals_2d is not VMobject.consider_points_equals_2d):
        return _manim_trace(self, ctx, vmobject)
    key = (points.tobytes(), points.shape, points.dtype.str, vmobject.n_points_per_cubic_curve,
           vmobject.tolerance_for_point_equality)
    path = _paths.get(key)
    if path is not None:
        _paths.move_to_end(key)
        ctx.new_path()
        ctx.append_path(path)
        return self
    _trace(self, ctx, vmobject)
    _paths[key] = ctx.copy_path()
    if len(_paths) > MAX_PATHS:
        _paths.popitem(last=False)
    return self


def _trace(camera: Camera, ctx: Any, vmobject: VMobject) -> None:
    """Trace a shape not seen before: in one call (:mod:`.trace`) where that works here, else as manim does."""
    if not trace_points(ctx, vmobject.points, vmobject.tolerance_for_point_equality,
                        vmobject.n_points_per_cubic_curve):
        _manim_trace(camera, ctx, vmobject)


def install() -> None:
    """Make the Cairo camera replay remembered paths. Installing twice changes nothing."""
    Camera.set_cairo_context_path = set_cairo_context_path  # type: ignore[method-assign]


install()
