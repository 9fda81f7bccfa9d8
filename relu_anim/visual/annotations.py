"""Annotations of a piecewise-linear graph: slope labels per piece, the area under it.

:func:`slope_labels` writes each piece's slope (from
:class:`~relu_anim.piecewise.PiecewiseLinear`, never measured on screen) beside
the middle of the piece, on its upper side, and leaves out the labels that
would not be legible: pieces shorter on screen than their label, labels that
would touch the graph or an earlier label. :func:`area_under` fills the region
between a polyline and zero (a tent's area, a rectangle's twin).

Import by module path (this file is not re-exported by ``relu_anim.visual``)::

    from relu_anim.visual.annotations import slope_labels, area_under

Examples
--------
>>> from relu_anim.construct import shifted_relu_sum
>>> from relu_anim.visual import make_axes
>>> axes = make_axes((-3, 3, 1), (-2, 3, 1), numbers=False, x_label=None)
>>> f = shifted_relu_sum([1.0, -1.5], [-2.0, 0.0]).piecewise(-3, 3)
>>> [label.slope for label in slope_labels(axes, f)] == f.slopes.tolist()
True
>>> slope_tex(-0.5), slope_tex(2.0), slope_tex(-1e-9)
('-0.5', '2', '0')
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from manim import Axes, MathTex, Mobject, Polygon, VGroup

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from ..piecewise import PiecewiseLinear
from ..story.numbers import format_tex
from .theme import Theme, current_theme

__all__ = ["slope_tex", "slope_labels", "area_under"]


def slope_tex(slope: float, places: int = 2) -> str:
    """A slope label's TeX: at most ``places`` decimals (one resolution for every label), no trailing zeros.

    Slopes are rounded to a common resolution rather than to significant
    digits, so rounding noise of the analysis (``1e-17``) reads ``0``.
    """
    return format_tex(slope, "fixed", places=places, trim=True)


def _polyline_samples(corners: np.ndarray, step: float = 0.04) -> np.ndarray:
    """Points along the drawn polyline (for hit-testing labels only, nothing is drawn)."""
    out = [corners[:1]]
    for p, q in zip(corners[:-1], corners[1:]):
        n = max(2, int(np.ceil(np.linalg.norm(q - p) / step)) + 1)
        out.append(p + np.linspace(0.0, 1.0, n)[1:, None] * (q - p))
    return np.vstack(out)


def _box(mob: Any, pad: float) -> tuple[np.ndarray, np.ndarray]:
    return mob.get_corner(np.array([-1.0, -1.0, 0])) - pad, mob.get_corner(np.array([1.0, 1.0, 0])) + pad


def slope_labels(axes: Axes, function: PiecewiseLinear, color: Any = None, *, font_size: float = 22,
                 buff: float = 0.12, places: int = 2, pad: float = 0.04,
                 avoid: Sequence[Mobject] = (), theme: Theme | None = None) -> VGroup:
    """A label with the slope of each piece of ``function``, beside the piece's middle.

    Parameters
    ----------
    axes
        Where ``function`` is drawn.
    function
        The piecewise-linear function; its ``slopes`` are written.
    color
        Of the labels; the theme's ``output`` by default.
    font_size, buff, places
        Label size, distance from the piece, decimals shown.
    pad
        Clearance kept around each label (scene units) when deciding legibility.
    avoid
        Mobjects no label may touch (by bounding box), e.g. ``[axes.x_axis, axes.y_axis]``.

    Returns
    -------
    VGroup
        The legible labels, left to right; each has ``.piece`` (its piece's
        index) and ``.slope`` (the exact slope). ``.skipped`` on the group lists
        the pieces left unlabelled.

    A label goes on the upper side of its piece, or on the lower side when the
    upper one is taken; it is left out when it is longer than its piece on
    screen, or when both sides touch the graph, an earlier label or ``avoid``.
    """
    theme = theme or current_theme()
    color = color or theme.output
    knots, values = function.knots, function.knot_values
    corners = np.array([axes.c2p(x, y) for x, y in zip(knots, values)])
    samples = _polyline_samples(corners)
    labels = VGroup()
    labels.skipped = []
    kept_boxes = [_box(mob, 0.0) for mob in avoid]
    for i, slope in enumerate(function.slopes):
        start, end = corners[i], corners[i + 1]
        along = end - start
        length = float(np.linalg.norm(along[:2]))
        label = MathTex(slope_tex(slope, places), font_size=font_size, color=color)
        if length < max(label.width, 1e-9):
            labels.skipped.append(i)
            continue
        normal = np.array([-along[1], along[0], 0.0]) / length
        if normal[1] < 0 or (normal[1] == 0 and normal[0] > 0):
            normal = -normal
        middle = 0.5 * (start + end)
        for side in (normal, -normal):
            label.next_to(middle, side, buff=buff)
            lo, hi = _box(label, pad)
            inside = np.all((samples[:, :2] >= lo[:2]) & (samples[:, :2] <= hi[:2]), axis=1)
            overlaps = any(np.all(lo[:2] <= khi[:2]) and np.all(klo[:2] <= hi[:2]) for klo, khi in kept_boxes)
            if not inside.any() and not overlaps:
                break
        else:
            labels.skipped.append(i)
            continue
        label.piece = i
        label.slope = float(slope)
        kept_boxes.append((lo, hi))
        labels.add(label)
    return labels


def area_under(axes: Axes, function: PiecewiseLinear, color: Any = None, *, opacity: float = 0.3,
               theme: Theme | None = None, **kwargs: Any) -> Polygon:
    """The region between ``function``'s polyline and ``y = 0``, filled, no stroke.

    Its corners are ``axes.c2p`` of the function's vertices, then the domain's
    ends on the x axis. Colour: the theme's ``unit`` by default.
    """
    theme = theme or current_theme()
    a, b = function.domain
    corners = [axes.c2p(x, y) for x, y in function.vertices()] + [axes.c2p(b, 0), axes.c2p(a, 0)]
    kwargs.setdefault("stroke_width", 0)
    return Polygon(*corners, color=color or theme.unit, fill_opacity=opacity, **kwargs)
