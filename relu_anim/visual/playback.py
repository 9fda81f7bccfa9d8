"""Training played back: the output moving between recorded snapshots, and its loss curve.

:class:`LossAxes` plot a loss on a log scale against the training step (linear).
:func:`loss_curve` draws a recorded loss curve on them, one corner per step.
:class:`TrainingPlayback` shows a training history (see :mod:`relu_anim.story.history`)
at a playback position ``s``: the exact graph of the network interpolated
between snapshots (a :class:`~relu_anim.visual.graphs.PiecewiseGraph` rebuilt
from the package's analysis at every frame, never sampled or morphed), a dot on
each of its kinks, and a dot riding the loss curve at the same training step
with the part of the curve already covered drawn over it. Optionally
(``edge_markers``) a first-layer kink that has left the domain is shown as a
triangle pointing out of the plot at that edge, one per unit, so kinks leaving
the interval stay counted on screen.

Import by module path (``from relu_anim.visual.playback import TrainingPlayback``).

Examples
--------
>>> from relu_anim.construct import shifted_relu_sum
>>> from relu_anim.visual import make_axes
>>> history = [{"step": 0, "loss": 1.0, "layers": shifted_relu_sum([1.0], [0.5])},
...            {"step": 4, "loss": 0.01, "layers": shifted_relu_sum([1.0], [1.5])}]
>>> axes = make_axes((0, 2, 1), (0, 2, 1), numbers=False, x_label=None)
>>> losses = [1.0, 0.3, 0.1, 0.03, 0.01]
>>> playback = TrainingPlayback(axes, LossAxes(4, (-2, 0), numbers=False), history, losses, (0, 2))
>>> playback.show(0.5).function.breakpoints.tolist(), playback.step
([1.0], 2.0)
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from manim import DOWN, LEFT, PI, Axes, Dot, MathTex, Triangle, ValueTracker, VGroup, VMobject, linear

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from ..story.history import check_position, loss_at, playback_state
from ..checks import check_whole
from ..piecewise import PiecewiseLinear
from ..story.numbers import format_tex
from ..story.units import first_layer_kinks
from .graphs import OnAxes, PiecewiseGraph, breakpoint_dots, check_decades
from .theme import Theme, current_theme

__all__ = ["nice_tick", "LossAxes", "loss_curve", "TrainingPlayback"]


def nice_tick(span: float, most: int = 5) -> float:
    """The smallest of 1, 2, 5 × 10^k giving at most ``most`` intervals over ``span``.

    Examples
    --------
    >>> nice_tick(400), nice_tick(1500), nice_tick(2000)
    (100.0, 500.0, 500.0)
    """
    span = float(span)
    k = math.floor(math.log10(span / most))
    for power in (k, k + 1):
        for mult in (1, 2, 5):
            tick = mult * 10.0**power
            if span / tick <= most + 1e-9:
                return tick
    return 10.0 ** (k + 2)  # pragma: no cover - unreachable


class LossAxes(Axes):
    """Training step (linear) across, loss (log scale, whole decades) up.

    Internally the y coordinate is ``log10(loss) − lo`` (so the step axis runs
    along the bottom); :meth:`point` takes the loss itself. The y ticks sit at every power of ten from ``10^lo`` to ``10^hi``
    (labelled every ``label_every``-th decade down from the top), the x ticks at a round step.

    Parameters
    ----------
    steps
        The last training step (the x axis runs from 0 to it).
    decades
        ``(lo, hi)`` whole exponents.
    x_length, y_length, font_size, theme
        Size, tick-label size, colours.
    numbers
        Label the ticks.
    label_every
        Label one decade in this many, counting down from the top one.
    """

    def __init__(self, steps: int, decades: tuple[int, int], *, x_length: float = 5.0,
                 y_length: float = 3.0, numbers: bool = True, font_size: float = 20,
                 label_every: int = 1, theme: Theme | None = None, **kwargs: Any) -> None:
        theme = theme or current_theme()
        self.steps = check_whole(steps, "steps", low=1)
        self.decades = check_decades(decades)
        label_every = check_whole(label_every, "label_every", low=1)
        lo, hi = self.decades
        tick = nice_tick(self.steps)
        axis_config = {"color": theme.axis, "stroke_width": 2, "include_numbers": False,
                       "tick_size": 0.05}
        axis_config.update(kwargs.pop("axis_config", {}))
        super().__init__(x_range=[0, self.steps, tick], y_range=[0, hi - lo, 1], x_length=x_length,
                         y_length=y_length, axis_config=axis_config, tips=False, **kwargs)
        self.tick_labels = VGroup()
        if numbers:
            for value in np.arange(0, self.steps + tick / 2, tick):
                text = format_tex(value, "integer")  # 1,500 as the step readout writes it
                self.tick_labels.add(MathTex(text, font_size=font_size, color=theme.text)
                                     .next_to(self.c2p(value, 0), DOWN, buff=0.12))
            for k in range(lo, hi + 1):
                if (hi - k) % label_every:
                    continue
                self.tick_labels.add(MathTex(f"10^{{{k}}}", font_size=font_size, color=theme.text)
                                     .next_to(self.c2p(0, k - lo), LEFT, buff=0.12))
        self.add(self.tick_labels)

    def point(self, step: float, loss: float) -> np.ndarray:
        """Scene point of ``(step, loss)`` (loss positive)."""
        return self.c2p(float(step), math.log10(float(loss)) - self.decades[0])

    def points_at(self, steps: Sequence[float], losses: Sequence[float]) -> np.ndarray:
        """Scene points of many ``(step, loss)`` pairs at once, ``(n, 3)``: :meth:`point`, vectorised."""
        logs = np.log10(np.asarray(losses, dtype=float)) - self.decades[0]
        return self.c2p(np.column_stack([np.asarray(steps, dtype=float), logs])).reshape(-1, 3)


def loss_curve(axes: LossAxes, losses: Sequence[float], *, upto: float | None = None,
               color: Any = None, theme: Theme | None = None, **kwargs: Any) -> VMobject:
    """The recorded losses as a polyline with a corner at every step ``k``, ``(k, losses[k])``.

    ``upto`` stops the line at that (fractional) step, its end read with
    :func:`~relu_anim.story.history.loss_at` so that it ends on the full curve.
    """
    theme = theme or current_theme()
    values = np.asarray(losses, dtype=float)
    end = len(values) - 1 if upto is None else float(upto)
    whole = int(math.floor(end))
    points = axes.points_at(np.arange(whole + 1), values[:whole + 1])
    if end > whole:
        points = np.vstack([points, axes.point(end, loss_at(values, end))])
    if len(points) == 1:
        points = np.vstack([points, points])
    kwargs.setdefault("stroke_width", 3)
    curve = VMobject(color=color or theme.error, **kwargs)
    curve.set_points_as_corners(points)
    return curve


class TrainingPlayback(OnAxes, VGroup):
    """A training history on screen at playback position ``s`` (see :mod:`relu_anim.story.history`).

    Parts, all rebuilt by :meth:`show` from the package's numbers:

    ``graph``
        :class:`PiecewiseGraph` of the network at ``s`` (exact, kinks sharp);
    ``dots``
        a dot on each of that network's kinks (``breakpoint_dots``);
    ``trail``
        the loss curve from step 0 to the current step, in the error colour;
    ``loss_dot``
        at ``(step, loss_at(losses, step))`` on ``loss_axes``;
    ``edge_marks``
        with ``edge_markers``: one triangle per first-layer unit whose kink
        ``−b/w`` lies outside the domain, beside the plot at the edge it left
        by, pointing outwards (empty otherwise).

    The playback follows :attr:`position` (a :class:`~manim.ValueTracker`)
    through an updater: play it with :meth:`play_through`. Every snapshot
    interval then gets the same screen time.

    Parameters
    ----------
    axes
        Where the output is drawn.
    loss_axes
        Where the loss is drawn.
    history
        Snapshots ``{"step", "loss", "layers"}`` (``TrainResult.history``).
    losses
        The loss after every step (``TrainResult.losses``).
    domain
        ``(a, b)`` of the output graph.
    readouts
        Optional ``(step_readout, loss_readout)``: set to the current step
        (rounded) and loss at every :meth:`show`.
    start
        The playback position shown first.
    dot_radius
        Of the kink dots, fixed: kinks that pass close to each other during
        training overlap instead of shrinking every dot.
    edge_markers
        Show the kinks that left the domain as ``edge_marks`` (one-input networks).
    edge_offsets
        ``(left, right)``: how far beside the plot the first triangle sits at
        each edge (clear of tick labels), in scene units.
    watchers
        Callables ``watcher(playback)`` run at the end of every :meth:`show`,
        after the readouts: for more readouts following the state. They must
        change mobjects in place (:meth:`Readout.set_in_place`), never swap them.

    Attributes
    ----------
    shown_at, network, function, step, loss
        The state shown: the playback position, the interpolated network, its
        exact piecewise form, the training step and the loss read from the curve there.
    kinks
        ``−b/w`` of every first-layer unit at that state (``nan`` for ``w = 0``).
    outside
        How many of ``kinks`` lie outside the domain (at or beyond an end).
    """

    def __init__(self, axes: Axes, loss_axes: LossAxes, history: Sequence[Any],
                 losses: Sequence[float], domain: tuple[float, float], *,
                 readouts: tuple[Any, Any] | None = None, theme: Theme | None = None,
                 start: float = 0.0, dot_radius: float = 0.06, edge_markers: bool = False,
                 edge_offsets: tuple[float, float] = (0.3, 0.3), watchers: Sequence[Any] = ()) -> None:
        super().__init__()
        self.theme = theme or current_theme()
        self.axes, self.loss_axes = axes, loss_axes
        self.history = list(history)
        self.losses = np.asarray(losses, dtype=float)
        self.domain = (float(domain[0]), float(domain[1]))
        self.readouts = readouts
        self.dot_radius = dot_radius
        self.watchers = list(watchers)
        self.edge_offsets = (float(edge_offsets[0]), float(edge_offsets[1]))
        self.position = ValueTracker(check_position(self.history, start))
        self.graph = PiecewiseGraph(axes, playback_state(self.history, start)[0].piecewise(*self.domain),
                                    theme=self.theme)
        self.dots = VGroup()
        self.trail = VMobject(color=self.theme.error, stroke_width=4)
        self.loss_dot = Dot(radius=0.07, color=self.theme.error)
        self.edge_marks = VGroup()
        if edge_markers:  # one per unit, made once: shown ones get points, the rest none
            units = len(first_layer_kinks(playback_state(self.history, start)[0]))
            self.edge_marks.add(*(Triangle(color=self.theme.breakpoint, fill_opacity=1.0, stroke_width=0)
                                  for _ in range(units)))
            self._mark_shape = [m.copy().scale_to_fit_height(0.2) for m in self.edge_marks[:1]]
        self.add(self.trail, self.loss_dot, self.graph, self.dots, self.edge_marks)
        self.show(start)
        self.add_updater(lambda m: m.show(m.position.get_value()))

    @property
    def last(self) -> float:
        """The position of the last snapshot, ``len(history) − 1``."""
        return float(len(self.history) - 1)

    def show(self, s: float) -> PiecewiseGraph:
        """Show the state at playback position ``s``; returns the output graph."""
        s = check_position(self.history, s)
        self.shown_at = s
        self.network, self.step = playback_state(self.history, s)
        self.function: PiecewiseLinear = self.network.piecewise(*self.domain)
        self.loss = loss_at(self.losses, self.step)
        graph = PiecewiseGraph(self.axes, self.function, theme=self.theme)
        self.graph.set_points(graph.points)
        self.graph.function = self.function
        self._place_dots(breakpoint_dots(self.axes, self.function, radius=self.dot_radius, theme=self.theme))
        trail = loss_curve(self.loss_axes, self.losses, upto=self.step, theme=self.theme)
        self.trail.set_points(trail.points)
        self.loss_dot.move_to(self.loss_axes.point(self.step, self.loss))
        self.kinks = first_layer_kinks(self.network) if self.network.in_features == 1 else np.array([])
        a, b = self.domain
        self.outside = int(np.sum((self.kinks <= a) | (self.kinks >= b)))
        if len(self.edge_marks):
            self._place_edge_marks()
        if self.readouts is not None:
            step_readout, loss_readout = self.readouts
            step_readout.set_in_place(round(self.step))
            loss_readout.set_in_place(self.loss)
        for watcher in self.watchers:
            watcher(self)
        return self.graph

    def _place_edge_marks(self) -> None:
        """Triangles beside the plot for the kinks outside the domain, stacked outwards from each edge."""
        a, b = self.domain
        count = {a: 0, b: 0}
        gap = 0.26
        for mark, kink in zip(self.edge_marks, self.kinks):
            if not (kink <= a or kink >= b):
                mark.clear_points()
                continue
            edge, direction = (a, -1.0) if kink <= a else (b, 1.0)
            end = self.axes.c2p(edge, float(self.function(np.array([edge]))[0]))
            shape = self._mark_shape[0].copy().rotate(-direction * PI / 2)  # apex outwards
            offset = self.edge_offsets[0 if direction < 0 else 1]
            shape.move_to(end + np.array([direction * (offset + gap * count[edge]), 0.0, 0.0]))
            count[edge] += 1
            mark.set_points(shape.points)

    # Every part is changed in place, never swapped for a new mobject: during a
    # play the Cairo renderer draws the family members it listed when the play
    # began, so a replaced submobject would stay on screen, frozen.
    def _place_dots(self, fresh: VGroup) -> None:
        """Make ``dots`` look like ``fresh``, reusing the existing Dot objects."""
        dots = list(self.dots.submobjects)
        for i, dot in enumerate(fresh):
            if i < len(dots):
                dots[i].set_points(dot.points)
                dots[i].match_style(dot)
            else:
                dots.append(dot)
        for extra in dots[len(fresh):]:
            extra.clear_points()  # dropped: draws nothing if a renderer still lists it
        self.dots.submobjects = dots[:len(fresh)]

    def play_through(self, start: float | None = None, end: float | None = None, **kwargs: Any):
        """An animation moving the playback from ``start`` (current) to ``end`` (last) at constant speed.

        kwargs go to the animation (``run_time``, …). Constant speed in ``s``
        means equal time for every snapshot interval.
        """
        if start is not None:
            self.position.set_value(check_position(self.history, start))
        target = self.last if end is None else check_position(self.history, end)
        kwargs.setdefault("rate_func", linear)
        return self.position.animate(**kwargs).set_value(target).build()

    @property
    def kink_points(self) -> np.ndarray:
        """Centres of the kink dots, ``(len(function.breakpoints), 3)``."""
        return np.array([d.get_center() for d in self.dots]).reshape(-1, 3)
