"""Graphs that follow a :class:`~manim.ValueTracker` and stay exact at every frame.

When a parameter slides (a shift ``h``, a weight, a training step), the curve
must not be resampled: :class:`LivePiecewiseGraph` rebuilds itself at every
frame as the :class:`~relu_anim.visual.graphs.PiecewiseGraph` of the function
the package returns for the tracker's current value, and
:func:`live_breakpoint_dots` keeps a dot on each of that function's kinks.

Import by module path (``from relu_anim.visual.live import LivePiecewiseGraph``).

Examples
--------
>>> from manim import ValueTracker
>>> from relu_anim.construct import shifted_relu_sum
>>> from relu_anim.visual import make_axes
>>> axes = make_axes((-3, 3, 1), (-1, 3, 1), numbers=False, x_label=None)
>>> h = ValueTracker(0.0)
>>> graph = LivePiecewiseGraph(axes, lambda v: shifted_relu_sum([1.0], [v]).piecewise(-3, 3), h)
>>> _ = h.set_value(1.5)
>>> graph.update().function.breakpoints.tolist()
[1.5]
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from manim import Axes, ValueTracker, VGroup

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from ..piecewise import PiecewiseLinear
from .graphs import PiecewiseGraph, breakpoint_dots
from .theme import Theme, current_theme

__all__ = ["LivePiecewiseGraph", "live_breakpoint_dots"]

FunctionOf = Callable[[float], PiecewiseLinear]


class LivePiecewiseGraph(PiecewiseGraph):
    """A :class:`PiecewiseGraph` of ``function_of(tracker.get_value())``, rebuilt every frame.

    The updater builds a fresh :class:`PiecewiseGraph` of the package's function
    for the current value and takes its points (``become``) and its
    :attr:`function`: at every frame the corners are ``axes.c2p`` of that
    function's vertices, nothing interpolated or sampled. Animate the tracker
    (``tracker.animate.set_value(v)``), not the graph.

    Parameters
    ----------
    axes
        The coordinate system.
    function_of
        Value → :class:`~relu_anim.piecewise.PiecewiseLinear` (a call into the package).
    tracker
        The value followed.
    color, theme, kwargs
        As for :class:`PiecewiseGraph`.
    """

    def __init__(self, axes: Axes, function_of: FunctionOf, tracker: ValueTracker, color: Any = None, *,
                 theme: Theme | None = None, **kwargs: Any) -> None:
        self.function_of = function_of
        self.tracker = tracker
        self._theme = theme or current_theme()
        self._kwargs = kwargs
        super().__init__(axes, function_of(tracker.get_value()), color, theme=self._theme, **kwargs)
        self._color = self.get_color()
        self.add_updater(lambda m: m.refresh())

    def refresh(self) -> "LivePiecewiseGraph":
        """Rebuild from the tracker's current value (what the updater does every frame)."""
        fresh = PiecewiseGraph(self.axes, self.function_of(self.tracker.get_value()), self._color,
                               theme=self._theme, **self._kwargs)
        self.become(fresh)
        self.function = fresh.function
        return self

    def frozen(self) -> PiecewiseGraph:
        """A still :class:`PiecewiseGraph` of the current function (to hand to a Transform)."""
        return PiecewiseGraph(self.axes, self.function, self._color, theme=self._theme, **self._kwargs)


def live_breakpoint_dots(graph: LivePiecewiseGraph, color: Any = None, *, theme: Theme | None = None,
                         **kwargs: Any) -> VGroup:
    """Breakpoint dots of ``graph``'s function, rebuilt every frame.

    The dots are recomputed from the tracker's value (not from the graph), so
    the order in which the scene runs updaters does not matter; their number
    follows the number of kinks inside the domain.
    """
    theme = theme or current_theme()

    def build() -> VGroup:
        return breakpoint_dots(graph.axes, graph.function_of(graph.tracker.get_value()), color,
                               theme=theme, **kwargs)

    dots = VGroup(*build())

    def update(group: VGroup) -> None:
        old = group.get_family()[1:]
        group.remove(*group.submobjects)
        group.add(*build())
        # During an animation the Cairo renderer draws the family it collected when
        # the animation began, so a removed dot would stay on screen where it was:
        # empty its points, as manim's DecimalNumber.set_value does with old digits.
        for mob in old:
            mob.points = np.zeros((0, 3))

    dots.add_updater(update)
    return dots
