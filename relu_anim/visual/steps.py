"""Exact step functions on axes: :class:`StepGraph`, and :func:`nice_range` for their axes.

A network's slope and its count of inactive units are constant between kinks
(:mod:`relu_anim.story.steps`). :class:`StepGraph` draws such a
:class:`~relu_anim.story.steps.StepFunction` as what it is: a polyline of flat treads
joined by vertical risers at the exact jump positions, nothing sampled.

Examples
--------
>>> from relu_anim.story.steps import StepFunction
>>> from relu_anim.visual import make_axes
>>> axes = make_axes((0, 3, 1), (0, 5, 1), numbers=False, x_label=None)
>>> g = StepGraph(axes, StepFunction([0, 1, 3], [2, 5]))
>>> bool(np.allclose(g.corners(), [axes.c2p(x, y) for x, y in g.vertices()]))
True
>>> g.vertices().tolist()
[[0.0, 2.0], [1.0, 2.0], [1.0, 5.0], [3.0, 5.0]]
>>> nice_range(-0.3, 2.7)
(-1.0, 3.0, 1.0)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from manim import LEFT, RIGHT, Axes, Line, MathTex, VGroup

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from ..checks import check_whole
from ..story.numbers import format_tex
from ..story.steps import StepFunction
from .graphs import AxesPolyline
from .theme import Theme, current_theme

__all__ = ["StepGraph", "nice_range", "side_scale", "step_vertices"]


def step_vertices(steps: StepFunction) -> np.ndarray:
    """Corners ``(x, y)`` of the step polyline: ``(e₀, v₀), (e₁, v₀), (e₁, v₁), …, (eₙ, vₙ₋₁)``."""
    e, v = steps.edges, steps.values
    xs = np.repeat(e, 2)[1:-1]
    ys = np.repeat(v, 2)
    return np.column_stack([xs, ys])


class StepGraph(AxesPolyline):
    """The exact graph of a :class:`~relu_anim.story.steps.StepFunction` on ``axes``.

    A polyline through :meth:`vertices`: each tread runs from one edge to the
    next at its value, each riser stands at an interior edge.

    Parameters
    ----------
    axes
        The coordinate system.
    steps
        What to draw; kept as :attr:`steps`.
    color
        Stroke colour; the theme's ``breakpoint`` when omitted.
    kwargs
        Passed to :class:`~manim.VMobject` (``stroke_width``, …).
    """

    def __init__(self, axes: Axes, steps: StepFunction, color: Any = None, *,
                 theme: Theme | None = None, **kwargs: Any) -> None:
        theme = theme or current_theme()
        kwargs.setdefault("stroke_width", 4)
        super().__init__(axes, step_vertices(steps), color or theme.breakpoint, **kwargs)
        self.steps = steps

    def vertices(self) -> np.ndarray:
        """The polyline's corners in the axes' coordinates, ``(2·len(values), 2)``."""
        return step_vertices(self.steps)


def nice_range(low: float, high: float, ticks: int = 2) -> tuple[float, float, float]:
    """``(lo, hi, step)`` for a y axis covering ``[low, high]`` and 0, about ``ticks`` steps each side.

    ``step`` is 1, 2 or 5 times a power of ten; ``lo`` and ``hi`` are multiples
    of it.
    """
    ticks = check_whole(ticks, "ticks", low=1)
    low, high = min(float(low), 0.0), max(float(high), 0.0)
    span = high - low
    if span == 0:
        return low, low + 1.0, 1.0
    raw = span / (2 * ticks)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    lo = math.floor(low / step + 1e-9) * step
    hi = math.ceil(high / step - 1e-9) * step
    if hi == lo:
        hi = lo + step
    return float(lo), float(hi), float(step)


def side_scale(axes: Axes, ticks: "np.ndarray | list[float]", *, side: str = "left", font_size: float = 20,
               digits: int = 2, theme: Theme | None = None) -> "VGroup":
    """A vertical scale at the left (or right) end of ``axes``' x range: spine, ticks, numbers.

    For axes whose y axis would otherwise stand at ``x = 0`` in the middle of a
    graph: hide that axis and put this beside the graph instead. Tick ``t`` sits
    at ``axes.c2p(edge, t)``.
    """
    theme = theme or current_theme()
    a, b = axes.x_range[:2]
    edge = a if side == "left" else b
    direction = LEFT if side == "left" else RIGHT
    lo, hi = axes.y_range[:2]
    group = VGroup(Line(axes.c2p(edge, lo), axes.c2p(edge, hi), color=theme.axis, stroke_width=2))
    for t in ticks:
        p = axes.c2p(edge, t)
        group.add(Line(p, p + 0.06 * direction, color=theme.axis, stroke_width=2))
        group.add(MathTex(format_tex(t, "fixed", digits, trim=True), font_size=font_size, color=theme.text)
                  .next_to(p, direction, buff=0.12))
    return group
