"""What one beat drew, by name: :class:`View`, and the shared :class:`GraphView`.

Every chapter keeps the mobjects of a beat in a *view*: a frozen dataclass
whose fields are those mobjects (and the numbers they show), made by one
``*_view`` builder (:func:`graph_view`, :func:`fit_view`, or a scene's own
``strip_view``, ``sum_view``, …). The next beat builds a new
view and morphs field into field (``ReplacementTransform(old.graph,
new.graph)``); a pose adds ``*view.group``. The same things carry the same
names in every chapter:

==============  ===============================================================
``axes``        the coordinate system the view draws on (when it owns one)
``graph``       the exact graph of the function shown
``dots``        a dot on each of its kinks
``band``        the shaded error band against a target
``label``       the view's one label; ``labels`` when there are several
==============  ===============================================================

Views shared by chapters live here; a view only one chapter draws stays in
that chapter's file.

Examples
--------
>>> from relu_anim.construct import optimal_x2
>>> from relu_anim.visual import make_axes
>>> axes = make_axes((0, 2, 1), (0, 4, 1), numbers=False, x_label=None)
>>> view = graph_view(axes, optimal_x2(3).piecewise(0, 2), lambda x: x**2)
>>> [type(m).__name__ for m in view.group]
['ErrorBand', 'PiecewiseGraph', 'VGroup']
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable, ClassVar

import numpy as np
from manim import Axes, Mobject, VGroup

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from ..piecewise import PiecewiseLinear
from ..story.fit import Fit
from .graphs import ErrorBand, PiecewiseGraph, breakpoint_dots
from .theme import Theme

__all__ = ["View", "GraphView", "graph_view", "FitView", "fit_view"]


@dataclass(frozen=True, eq=False)
class View:
    """Base of every view: the mobjects of one beat as named, read-only fields.

    Attributes
    ----------
    drawn
        Class attribute: the fields :attr:`group` gathers, in drawing order;
        ``None`` (the default) means every field that holds a mobject, in
        field order. A view leaves out, say, axes it only positions by.
    """

    drawn: ClassVar[tuple[str, ...] | None] = None

    @property
    def group(self) -> VGroup:
        """The drawn mobjects in one :class:`~manim.VGroup` (to add, fade or move together)."""
        names = self.drawn if self.drawn is not None else tuple(f.name for f in fields(self))
        return VGroup(*(m for m in (getattr(self, name) for name in names) if isinstance(m, Mobject)))


@dataclass(frozen=True, eq=False)
class GraphView(View):
    """An exact graph with a dot on every kink, over its error band (drawn first, beneath).

    Attributes
    ----------
    band
        An :class:`~relu_anim.visual.graphs.ErrorBand`, or an empty group when no target is shown.
    graph
        The :class:`~relu_anim.visual.graphs.PiecewiseGraph`.
    dots
        The kink dots (:func:`~relu_anim.visual.graphs.breakpoint_dots`), or an empty group.
    """

    band: VGroup
    graph: PiecewiseGraph
    dots: VGroup


def graph_view(axes: Axes, function: PiecewiseLinear, target: Callable[[np.ndarray], np.ndarray] | None = None,
               *, dots: bool = True, theme: Theme | None = None, **graph_kwargs: Any) -> GraphView:
    """The :class:`GraphView` of ``function`` on ``axes``, with the band against ``target`` if given.

    ``graph_kwargs`` go to :class:`~relu_anim.visual.graphs.PiecewiseGraph`
    (``stroke_width``, ``color``). Copies of the mobjects share ``axes``.
    """
    band = ErrorBand(axes, function, target, theme=theme) if target is not None else VGroup()
    graph = PiecewiseGraph(axes, function, theme=theme, **graph_kwargs)
    kinks = breakpoint_dots(axes, function, theme=theme) if dots else VGroup()
    return GraphView(band, graph, kinks)


@dataclass(frozen=True, eq=False)
class FitView(GraphView):
    """A :class:`GraphView` of a :class:`~relu_anim.story.fit.Fit`: band against its target, graph, kink dots.

    Attributes
    ----------
    fit
        The fit drawn (its network, exact function and errors).
    """

    fit: Fit


def fit_view(axes: Axes, fit: Fit, target: Callable[[np.ndarray], np.ndarray], *, dots: bool = True,
             theme: Theme | None = None) -> FitView:
    """The :class:`FitView` of ``fit`` on ``axes``: :func:`graph_view` of its function against ``target``.

    With ``dots=False`` the dots are an empty group. Copies of the mobjects
    share ``axes`` (a Transform copies its graphs, and copying axes is slow).
    """
    view = graph_view(axes, fit.function, target, dots=dots, theme=theme)
    return FitView(view.band, view.graph, view.dots, fit)
