"""Axes and graphs: the exact piecewise-linear graph, its kinks, targets, error bands.

A network's output is piecewise linear, so it is drawn as what it is: a polyline
through its vertices (:class:`PiecewiseGraph`), never by sampling. Its kinks are
sharp at every render quality and sit exactly where
:class:`~relu_anim.piecewise.PiecewiseLinear` says. Smooth targets such as x² are
sampled (:func:`target_graph`). :class:`ErrorBand` shades the gap between the two.
:mod:`relu_anim.visual.view` puts the three together (``graph_view``, ``fit_view``).

Examples
--------
>>> from relu_anim.construct import optimal_x2
>>> axes = make_axes((0, 2, 1), (0, 4, 1), numbers=False, x_label=None)
>>> f = optimal_x2(3).piecewise(0, 2)
>>> graph = PiecewiseGraph(axes, f)
>>> bool(np.allclose(graph.corners(), [axes.c2p(x, y) for x, y in f.vertices()]))
True
>>> len(breakpoint_dots(axes, f)) == len(f.breakpoints)
True
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
from manim import Axes, DashedLine, Dot, MathTex, VGroup, VMobject

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from ..checks import check_whole
from ..piecewise import PiecewiseLinear
from .theme import Theme, current_theme

__all__ = [
    "make_axes",
    "LogLogAxes",
    "check_decades",
    "PiecewiseGraph",
    "breakpoint_dots",
    "target_graph",
    "ErrorBand",
    "OnAxes",
    "AxesPolyline",
    "level_line",
]

Function = Callable[[np.ndarray], np.ndarray]


def make_axes(x_range: Sequence[float], y_range: Sequence[float], *, x_length: float = 6.0,
              y_length: float = 4.0, numbers: bool = True, font_size: float = 24,
              x_label: str | None = "x", y_label: str | None = None, tips: bool = False,
              theme: Theme | None = None, **kwargs: Any) -> Axes:
    """:class:`~manim.Axes` in the theme's colours, numbers as MathTex.

    Parameters
    ----------
    x_range, y_range
        ``(min, max, step)`` as for :class:`~manim.Axes`.
    x_length, y_length
        Size on screen, in scene units.
    numbers
        Label the ticks (0 included).
    x_label, y_label
        TeX for the axis labels (``None``: no label); kept as ``axes.labels``.
    tips
        Arrow tips on the axes.
    theme
        Colours; :func:`~relu_anim.visual.theme.current_theme` when omitted.
    kwargs
        Passed to :class:`~manim.Axes` (``axis_config`` entries are merged).

    Examples
    --------
    >>> axes = make_axes((0, 2, 1), (0, 4, 1), x_length=4, y_length=4, numbers=False)
    >>> [round(float(v), 9) for v in axes.c2p(2, 4) - axes.c2p(0, 0)][:2]
    [4.0, 4.0]
    """
    theme = theme or current_theme()
    axis_config = {
        "color": theme.axis,
        "stroke_width": 2,
        "include_numbers": numbers,
        "numbers_to_exclude": [],
        "font_size": font_size,
        "tick_size": 0.06,
    }
    axis_config.update(kwargs.pop("axis_config", {}))
    axes = Axes(x_range=list(x_range), y_range=list(y_range), x_length=x_length,
                y_length=y_length, axis_config=axis_config, tips=tips, **kwargs)
    for axis in (axes.x_axis, axes.y_axis):
        if hasattr(axis, "numbers"):
            axis.numbers.set_color(theme.text)
    labels = VGroup()
    if x_label is not None:
        labels.add(MathTex(x_label, font_size=font_size + 6, color=theme.text)
                   .next_to(axes.x_axis.get_end(), direction=np.array([1.0, 0, 0]), buff=0.15))
    if y_label is not None:
        labels.add(MathTex(y_label, font_size=font_size + 6, color=theme.text)
                   .next_to(axes.y_axis.get_end(), direction=np.array([0, 1.0, 0]), buff=0.15))
    axes.labels = labels
    axes.add(labels)
    return axes


def check_decades(decades: Sequence[int], name: str = "decades") -> tuple[int, int]:
    """``(lo, hi)`` as whole exponents of ten with ``lo < hi`` (a double reaches down to 1e-324).

    Examples
    --------
    >>> check_decades((-5, 0.0))
    (-5, 0)
    """
    lo = check_whole(decades[0], f"{name}[0]", low=-324)
    return lo, check_whole(decades[1], f"{name}[1]", low=lo + 1)


class LogLogAxes(Axes):
    """Axes over decades: :meth:`point` takes values, not logarithms.

    Internally the coordinates are ``log10(value)`` minus the lowest decade, so
    the axes cross at the bottom left whatever the decades are. Ticks sit at
    whole powers of ten and are labelled ``10^k`` (``1``, ``10``, ``100`` on the
    x axis when ``plain_x`` is true).

    Parameters
    ----------
    x_decades, y_decades
        ``(lo, hi)`` whole exponents: the axes span ``10^lo`` to ``10^hi``.
    x_length, y_length
        Size on screen.
    plain_x
        Write x ticks as plain numbers (for counts such as units).
    font_size, theme, kwargs
        Tick labels' size, colours, and :class:`~manim.Axes` options.

    Examples
    --------
    ::

        ax = LogLogAxes((0, 2), (-5, 0), plain_x=True)
        ax.point(10, 1e-3)   # one decade right, two decades up from the corner
    """

    def __init__(self, x_decades: tuple[int, int], y_decades: tuple[int, int], *,
                 x_length: float = 4.0, y_length: float = 3.0, plain_x: bool = False,
                 font_size: float = 20, theme: Theme | None = None, **kwargs: Any) -> None:
        theme = theme or current_theme()
        self.x_decades = check_decades(x_decades, "x_decades")
        self.y_decades = check_decades(y_decades, "y_decades")
        (x0, x1), (y0, y1) = self.x_decades, self.y_decades
        axis_config = {"color": theme.axis, "stroke_width": 2, "include_numbers": False,
                       "tick_size": 0.05}
        axis_config.update(kwargs.pop("axis_config", {}))
        super().__init__(x_range=[0, x1 - x0, 1], y_range=[0, y1 - y0, 1], x_length=x_length,
                         y_length=y_length, axis_config=axis_config, tips=False, **kwargs)
        self.tick_labels = VGroup()
        for k in range(x0, x1 + 1):
            tex = f"{10 ** k:d}" if plain_x and k >= 0 else f"10^{{{k}}}"
            self.tick_labels.add(MathTex(tex, font_size=font_size, color=theme.text)
                                 .next_to(self.c2p(k - x0, 0), np.array([0, -1.0, 0]), buff=0.12))
        for k in range(y0, y1 + 1):
            self.tick_labels.add(MathTex(f"10^{{{k}}}", font_size=font_size, color=theme.text)
                                 .next_to(self.c2p(0, k - y0), np.array([-1.0, 0, 0]), buff=0.12))
        self.add(self.tick_labels)

    def point(self, x: float, y: float) -> np.ndarray:
        """Scene point of the value ``(x, y)`` (both positive)."""
        return self.c2p(np.log10(x) - self.x_decades[0], np.log10(y) - self.y_decades[0])


class OnAxes:
    """Mixin for a mobject drawn on axes it keeps as attributes: copies share those axes.

    manim's ``Mobject.copy`` is a deep copy, so without this every copy of a
    graph would copy the whole axes (ticks, numbers, labels: ~80 ms), and every
    ``Transform`` copies its mobjects several times.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        for value in vars(self).values():
            if isinstance(value, Axes):
                memo.setdefault(id(value), value)
        return super().__deepcopy__(memo)  # type: ignore[misc]


class AxesPolyline(OnAxes, VMobject):
    """A polyline on ``axes`` with a corner at each ``(x, y)`` vertex, nothing sampled.

    The base of the exact graphs (:class:`PiecewiseGraph`,
    :class:`~relu_anim.visual.steps.StepGraph`): it keeps its axes (shared by
    copies, see :class:`OnAxes`) and gives back its corners in scene coordinates.

    Parameters
    ----------
    axes
        The coordinate system; kept as :attr:`axes`.
    vertices
        ``(x, y)`` pairs in the axes' coordinates, in drawing order.
    color, kwargs
        Stroke colour and :class:`~manim.VMobject` options.
    """

    def __init__(self, axes: Axes, vertices: Sequence[Sequence[float]] | np.ndarray, color: Any,
                 **kwargs: Any) -> None:
        super().__init__(color=color, **kwargs)
        self.axes = axes
        self.set_points_as_corners([axes.c2p(x, y) for x, y in vertices])

    def corners(self) -> np.ndarray:
        """The polyline's corners in scene coordinates, one per vertex: ``(len(vertices), 3)``."""
        anchors = self.get_anchors()
        return np.vstack([anchors[0::2], anchors[-1:]])


class PiecewiseGraph(AxesPolyline):
    """The exact graph of a :class:`~relu_anim.piecewise.PiecewiseLinear` on ``axes``.

    A polyline whose corners are ``axes.c2p`` of ``function.vertices()``: the
    domain's ends and every kink, nothing sampled. Morph one fit into another
    with ``ReplacementTransform(old_graph, new_graph)``.

    Parameters
    ----------
    axes
        The coordinate system.
    function
        What to draw; kept as :attr:`function`.
    color
        Stroke colour; the theme's ``output`` when omitted.
    kwargs
        Passed to :class:`~manim.VMobject` (``stroke_width``, …).

    Attributes
    ----------
    function
        The drawn :class:`~relu_anim.piecewise.PiecewiseLinear`.
    axes
        The axes it is drawn on.
    """

    def __init__(self, axes: Axes, function: PiecewiseLinear, color: Any = None, *,
                 theme: Theme | None = None, **kwargs: Any) -> None:
        theme = theme or current_theme()
        kwargs.setdefault("stroke_width", 5)
        super().__init__(axes, function.vertices(), color or theme.output, **kwargs)
        self.function = function


def breakpoint_dots(axes: Axes, function: PiecewiseLinear, color: Any = None, *,
                    radius: float | None = None, theme: Theme | None = None,
                    **kwargs: Any) -> VGroup:
    """A :class:`~manim.Dot` at ``(kink, value)`` for every kink of ``function``.

    ``radius`` defaults to 0.07, shrunk when kinks crowd so that neighbours do
    not overlap. The dots are in the theme's ``breakpoint`` colour.
    """
    theme = theme or current_theme()
    points = [axes.c2p(x, y) for x, y in zip(function.breakpoints, function.values)]
    if radius is None:
        radius = 0.07
        if len(points) > 1:
            gap = float(np.min(np.linalg.norm(np.diff(np.array(points), axis=0), axis=1)))
            radius = max(0.012, min(radius, 0.3 * gap))
    return VGroup(*(Dot(p, radius=radius, color=color or theme.breakpoint, **kwargs) for p in points))


def target_graph(axes: Axes, func: Function, x_range: Sequence[float] | None = None,
                 color: Any = None, *, theme: Theme | None = None, **kwargs: Any) -> VMobject:
    """The smooth target ``func`` sampled on ``axes`` (``axes.plot``), in the target colour.

    ``x_range`` is ``(a, b)`` or ``(a, b, step)``; the x axis' range by default.
    """
    theme = theme or current_theme()
    if x_range is None:
        x_range = axes.x_range[:2]
    a, b = float(x_range[0]), float(x_range[1])
    step = float(x_range[2]) if len(x_range) > 2 else (b - a) / 200
    kwargs.setdefault("stroke_width", 5)
    return axes.plot(lambda x: float(np.asarray(func(np.array([x])), dtype=float)[0]),
                     x_range=[a, b, step], color=color or theme.target, **kwargs)


def _band_xs(function: PiecewiseLinear, samples: int) -> np.ndarray:
    """The kinks and domain ends, plus ``samples`` points spread over the pieces."""
    knots = function.knots
    per_piece = max(8, int(np.ceil(samples / (len(knots) - 1))))
    t = np.linspace(0.0, 1.0, per_piece + 1)[:-1]
    xs = (knots[:-1, None] + np.diff(knots)[:, None] * t).ravel()
    return np.concatenate([xs, knots[-1:]])


class ErrorBand(OnAxes, VMobject):
    """The filled region between a piecewise-linear output and a smooth target.

    The boundary runs along the output through every vertex of ``function``
    (plus points on its straight pieces), then back along the target sampled
    densely between the same points. The fill is the theme's ``error`` colour
    at low opacity, without stroke.

    Parameters
    ----------
    axes
        The coordinate system.
    function
        The network's output.
    target
        The fitted function (vectorised).
    relative
        Draw ``function − target`` against zero instead (for a residual plot on
        axes scaled to the error).
    samples
        About how many points along each side.
    color, kwargs
        Fill colour (theme's ``error`` by default) and :class:`~manim.VMobject` options.

    Attributes
    ----------
    function, target, xs
        What was drawn, and the abscissas of the boundary points.
    """

    def __init__(self, axes: Axes, function: PiecewiseLinear, target: Function, *,
                 relative: bool = False, samples: int = 600, color: Any = None,
                 theme: Theme | None = None, **kwargs: Any) -> None:
        theme = theme or current_theme()
        kwargs.setdefault("fill_opacity", theme.error_opacity)
        kwargs.setdefault("stroke_width", 0)
        super().__init__(color=color or theme.error, **kwargs)
        self.function = function
        self.target = target
        self.axes = axes
        self.xs = _band_xs(function, samples)
        out = function(self.xs)
        goal = np.asarray(target(self.xs), dtype=float)
        if relative:
            out, goal = out - goal, np.zeros_like(goal)
        upper = [axes.c2p(x, y) for x, y in zip(self.xs, out)]
        lower = [axes.c2p(x, y) for x, y in zip(self.xs[::-1], goal[::-1])]
        self.set_points_as_corners([*upper, *lower, upper[0]])


def level_line(axes: Axes, y: float, color: Any = None, *, theme: Theme | None = None,
               **kwargs: Any) -> DashedLine:
    """A dashed horizontal line at height ``y`` across ``axes`` (a bound, a reference level)."""
    theme = theme or current_theme()
    a, b = axes.x_range[:2]
    kwargs.setdefault("stroke_width", 2)
    return DashedLine(axes.c2p(a, y), axes.c2p(b, y), color=color or theme.muted, **kwargs)
