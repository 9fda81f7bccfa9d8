"""The input plane of a two-input network: crease lines, active sides, linear regions.

A two-input network is drawn on ordinary :func:`~relu_anim.visual.make_axes`
axes whose coordinates are ``(x₁, x₂)``. Everything here is drawn through exact
points from :mod:`relu_anim.regions` and :mod:`relu_anim.story.folds`, nothing sampled:

:func:`fold_line`       a unit's zero set, where it creases the plane (a segment
                        or a bent polyline)
:func:`plane_polygon`   a convex polygon from its vertices (an active side, a region)
:class:`RegionMap`      every linear region filled by a colour scale: one colour per
                        region (``shading="flat"``), or the output's own value at
                        every point (``shading="linear"``: an exact linear gradient
                        per region, since the output is affine on it)
:func:`contour_lines`   level segments (:func:`relu_anim.regions.level_segments`)
                        drawn as thin lines
:class:`ColorBar`       the colour scale with its two end values

Examples
--------
>>> from relu_anim.regions import Region
>>> from relu_anim.visual import make_axes
>>> axes = make_axes((-1, 1, 1), (-1, 1, 1), x_length=2, y_length=2, numbers=False, x_label=None)
>>> r = Region([[0, 0], [1, 0], [0, 1]], [[1.0, 1.0]], [0.0], (True,))
>>> m = RegionMap(axes, [r], [0.5])
>>> bool(np.allclose(m[0].get_vertices(), [axes.c2p(x, y) for x, y in r.vertices]))
True
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from manim import DOWN, RIGHT, UP, Axes, Line, Polygon, Rectangle, VGroup, VMobject, interpolate_color
from manim import ManimColor

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from .readouts import Readout
from .theme import Theme, current_theme
from ..errors import ReluAnimError

__all__ = ["fold_line", "plane_polygon", "scale_colors", "RegionMap", "ColorBar", "contour_lines",
           "affine_fill"]


def fold_line(axes: Axes, points: np.ndarray, color: Any = None, *, theme: Theme | None = None,
              **kwargs: Any) -> VMobject:
    """A polyline through ``axes.c2p`` of ``points`` (``(m, 2)``, m ≥ 2), in the breakpoint colour."""
    theme = theme or current_theme()
    kwargs.setdefault("stroke_width", 4)
    pts = [axes.c2p(x, y) for x, y in np.asarray(points, dtype=float)]
    if len(pts) == 2:
        return Line(pts[0], pts[1], color=color or theme.breakpoint, **kwargs)
    line = VMobject(color=color or theme.breakpoint, **kwargs)
    line.set_points_as_corners(pts)
    return line


def plane_polygon(axes: Axes, vertices: np.ndarray, color: Any = None, *, fill_opacity: float = 0.3,
                  stroke_width: float = 0, theme: Theme | None = None, **kwargs: Any) -> Polygon:
    """A filled :class:`~manim.Polygon` at ``axes.c2p`` of each vertex (unit colour by default)."""
    theme = theme or current_theme()
    return Polygon(*(axes.c2p(x, y) for x, y in np.asarray(vertices, dtype=float)),
                   color=color or theme.unit, fill_opacity=fill_opacity, stroke_width=stroke_width, **kwargs)


def scale_colors(values: Sequence[float], low: Any, high: Any,
                 limits: tuple[float, float] | None = None) -> list[ManimColor]:
    """Each value's colour on the linear scale from ``low`` (smallest) to ``high`` (largest)."""
    v = np.asarray(values, dtype=float)
    lo, hi = limits if limits is not None else (float(v.min()), float(v.max()))
    t = np.zeros_like(v) if hi == lo else np.clip((v - lo) / (hi - lo), 0, 1)
    return [interpolate_color(ManimColor(low), ManimColor(high), float(s)) for s in t]


def _scale_ends(theme: Theme) -> tuple[ManimColor, ManimColor]:
    """The scale of output values: from near the background to the output colour."""
    return interpolate_color(ManimColor(theme.background), ManimColor(theme.output), 0.12), ManimColor(theme.output)


def affine_fill(polygon: VMobject, values: Sequence[float], low: Any, high: Any,
                limits: tuple[float, float]) -> VMobject:
    """Fill ``polygon`` with the colour of an affine value at every point.

    ``values`` are the value at each of the polygon's drawn vertices; the value
    is affine on the polygon, so on the linear colour scale from ``low`` (at
    ``limits[0]``) to ``high`` (at ``limits[1]``) its colour is affine too: a
    linear gradient along the value's gradient, which is what manim's two-colour
    fill draws. Manim puts the gradient's two ends symmetrically about the
    centre of the mobject's bounding box; the ends must fall on the polygon's
    lowest and highest points, or one end would lie beyond the scale and be
    clamped. So an invisible one-point submobject (``polygon.gradient_anchor``)
    widens the bounding box until its centre lies midway between those two
    levels. A constant value gives one flat colour. Returns ``polygon``.
    """
    pts = np.asarray(polygon.get_vertices(), dtype=float)[:, :2]
    v = np.asarray(values, dtype=float)
    if len(v) != len(pts):
        raise ReluAnimError(f"values: need one per vertex (got {len(v)} for {len(pts)})")
    # the value as an affine map of the screen point: exact fit through the vertices
    design = np.column_stack([pts, np.ones(len(pts))])
    (gx, gy, c), *_ = np.linalg.lstsq(design, v, rcond=None)
    grad = np.array([gx, gy])
    lo, hi = limits
    spread = max(abs(hi - lo), np.finfo(float).tiny)
    norm = float(np.hypot(*grad))
    lows, highs = pts.min(axis=0), pts.max(axis=0)
    centre, half = 0.5 * (lows + highs), 0.5 * (highs - lows)
    along = (pts - centre) @ (grad / norm) if norm else np.zeros(len(pts))
    if norm == 0 or norm * float(np.ptp(along)) <= 1e-12 * spread or np.any(half <= 0):
        polygon.set_fill(scale_colors([float(v.mean())], low, high, limits)[0])
        return polygon
    unit = grad / norm
    shift = 0.5 * (along.min() + along.max()) * unit  # bounding-box centre → the middle level
    reach = 0.5 * float(np.ptp(along)) * unit  # middle level → the highest point's level
    corner = np.where(shift > 0, highs, lows) + 2 * shift
    anchor = VMobject(stroke_opacity=0, fill_opacity=0, stroke_width=0)
    anchor.set_points(np.repeat([[corner[0], corner[1], 0.0]], 4, axis=0))
    polygon.gradient_anchor = anchor
    polygon.add(anchor)
    middle, half = centre + shift, half + np.abs(shift)
    ends = [float(np.dot(grad, middle - reach) + c), float(np.dot(grad, middle + reach) + c)]
    polygon.set_fill(scale_colors(ends, low, high, limits))
    # manim puts the gradient's ends at centre ∓ (half width · dx, half height · dy)
    polygon.set_sheen_direction([reach[0] / half[0], reach[1] / half[1], 0.0])
    return polygon


class RegionMap(VGroup):
    """One filled polygon per region, coloured by ``values`` on the output scale.

    Parameters
    ----------
    axes
        The plane's axes.
    regions
        :class:`~relu_anim.regions.Region` objects (their ``vertices`` are drawn).
    values
        One number per region; its colour runs from near the background (the
        smallest) to the theme's ``output`` colour (the largest).
    limits
        The values at the two ends of the scale (the smallest and largest of
        ``values`` by default), to colour several maps alike.
    stroke_width
        Edges, drawn in the theme's background colour so neighbours stay apart.
    shading
        ``"flat"``: each polygon in the colour of its one value. ``"linear"``:
        each polygon shows the region's own output (``region(x)[output]``) at
        every point (:func:`affine_fill`); ``values`` then only decide the
        scale's ends when ``limits`` is not given (give the lowest and highest
        output, e.g. from :func:`relu_anim.story.folds.value_range`).
    output
        Which output a linear shading draws.

    Attributes
    ----------
    regions, values, colors
        What was drawn and the colour given to each polygon.
    """

    def __init__(self, axes: Axes, regions: Sequence[Any], values: Sequence[float], *,
                 limits: tuple[float, float] | None = None, fill_opacity: float = 1.0, stroke_width: float = 1.5,
                 shading: str = "flat", output: int = 0, theme: Theme | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        theme = theme or current_theme()
        if len(values) != len(regions):
            raise ReluAnimError(f"values: need one per region (got {len(values)} for {len(regions)})")
        self.regions = list(regions)
        self.values = np.asarray(values, dtype=float)
        self.low_color, self.high_color = _scale_ends(theme)
        if shading not in ("flat", "linear"):
            raise ReluAnimError(f"shading: expected 'flat' or 'linear', got {shading!r}")
        self.shading = shading
        self.limits = limits if limits is not None else (float(self.values.min()), float(self.values.max()))
        self.colors = scale_colors(self.values, self.low_color, self.high_color, limits)
        for region, color in zip(self.regions, self.colors):
            poly = plane_polygon(axes, region.vertices, color, fill_opacity=fill_opacity,
                                 stroke_width=stroke_width, theme=theme)
            poly.set_stroke(theme.background, width=stroke_width)
            if shading == "linear":
                values = region(np.asarray(region.vertices, dtype=float))[:, output]
                affine_fill(poly, values, self.low_color, self.high_color, self.limits)
            self.add(poly)


def contour_lines(axes: Axes, segments: Sequence[np.ndarray], color: Any = None, *, stroke_width: float = 1.5,
                  opacity: float = 0.6, theme: Theme | None = None) -> VGroup:
    """One thin :class:`~manim.Line` per level segment ``(2, 2)`` (theme text colour by default)."""
    theme = theme or current_theme()
    return VGroup(*(Line(axes.c2p(*seg[0]), axes.c2p(*seg[1]), color=color or theme.text,
                         stroke_width=stroke_width, stroke_opacity=opacity) for seg in segments))


class ColorBar(VGroup):
    """A vertical colour scale from ``low`` (bottom) to ``high`` (top) with both values written.

    Attributes
    ----------
    bar, low_readout, high_readout
        The gradient rectangle and the two :class:`~relu_anim.visual.Readout` values.
    """

    def __init__(self, low: float, high: float, label: str = "y", *, height: float = 2.4, width: float = 0.3,
                 font_size: float = 26, theme: Theme | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        theme = theme or current_theme()
        c0, c1 = _scale_ends(theme)
        self.bar = Rectangle(width=width, height=height, stroke_color=theme.axis, stroke_width=1.5,
                             fill_opacity=1.0)
        self.bar.set_fill(color=[c0, c1])
        self.bar.set_sheen_direction(UP)
        self.high_readout = Readout(label, high, digits=2, font_size=font_size, theme=theme)
        self.low_readout = Readout(label, low, digits=2, font_size=font_size, theme=theme)
        self.high_readout.next_to(self.bar.get_corner(UP + RIGHT), RIGHT, buff=0.15).align_to(self.bar, UP)
        self.low_readout.next_to(self.bar.get_corner(DOWN + RIGHT), RIGHT, buff=0.15).align_to(self.bar, DOWN)
        self.add(self.bar, self.high_readout, self.low_readout)
