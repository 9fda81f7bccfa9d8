"""A tracer: a dot riding a graph with a vertical scan line through it, following a tracker.

When the narration walks along x ("zero right of the corner, rising to its
left", "it never strays more than …"), the picture should walk with it.
:class:`Tracer` puts a dot at ``(x, f(x))`` and a thin vertical line across
the whole axes at ``x``, where ``x`` is a :class:`~manim.ValueTracker`'s
value; animate the tracker (``tracer.x.animate.set_value(3)``) and both
follow at every frame. ``f`` is any function of x: a
:class:`~relu_anim.piecewise.PiecewiseLinear` of the package, or a target.

Import by module path (``from relu_anim.visual.tracer import Tracer``).

Examples
--------
>>> import numpy as np
>>> from relu_anim.construct import shifted_relu_sum
>>> from relu_anim.visual import make_axes
>>> axes = make_axes((-3, 3, 1), (-1, 3, 1), numbers=False, x_label=None)
>>> tracer = Tracer(axes, shifted_relu_sum([1.0], [0.0]).piecewise(-3, 3), x=-2.0)
>>> _ = tracer.x.set_value(1.5)
>>> bool(np.allclose(tracer.update().dot.get_center(), axes.c2p(1.5, 1.5)))
True

Stacked panels share one scan line: ``through`` stretches it over the others.

>>> below = make_axes((-3, 3, 1), (0, 1, 1), numbers=False, x_label=None).next_to(axes, np.array([0, -1, 0]))
>>> both = Tracer(axes, shifted_relu_sum([1.0], [0.0]).piecewise(-3, 3), through=[below])
>>> bool(np.isclose(both.line.get_start()[1], below.c2p(0, 0)[1]))
True
>>> bool(np.isclose(both.line.get_end()[1], axes.c2p(0, 3)[1]))
True
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
from manim import Axes, Dot, Line, ValueTracker, VGroup

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from .theme import Theme, current_theme

__all__ = ["Tracer"]


class Tracer(VGroup):
    """A dot on ``function`` at the tracker's x, and a vertical scan line across the axes there.

    Parameters
    ----------
    axes
        The coordinate system ``function`` is drawn on.
    function
        x (an array) ↦ y (an array): a PiecewiseLinear or a target.
    x
        Where it starts (a new tracker), or a :class:`~manim.ValueTracker` to follow.
    color
        Of the dot; the theme's ``accent`` by default. The line is the theme's ``muted``.
    radius, stroke_width
        Dot radius and line width.
    through
        Other axes the scan line crosses too (stacked panels sharing the x axis): the line runs from the
        lowest bottom to the highest top of ``axes`` and these. None by default: ``axes`` alone.
    line_color
        Of the scan line; the theme's ``muted`` by default.

    Attributes
    ----------
    x
        The tracker followed.
    dot, line
        The dot at ``(x, function(x))`` and the scan line from the bottom to the top of ``axes`` (and of
        ``through``).
    """

    def __init__(self, axes: Axes, function: Callable[[np.ndarray], np.ndarray], x: float | ValueTracker = 0.0,
                 color: Any = None, *, radius: float = 0.09, stroke_width: float = 2.5,
                 theme: Theme | None = None, through: Sequence[Axes] = (), line_color: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        theme = theme or current_theme()
        self.axes = axes
        self.function = function
        self.through = list(through)
        self.x = x if isinstance(x, ValueTracker) else ValueTracker(float(x))
        self.line = Line(axes.c2p(0, axes.y_range[0]), axes.c2p(0, axes.y_range[1]),
                         color=line_color or theme.muted, stroke_width=stroke_width)
        self.dot = Dot(radius=radius, color=color or theme.accent)
        self.add(self.line, self.dot)
        self.add_updater(lambda m: m.place())
        self.place()

    def value(self) -> float:
        """``function`` at the tracker's x."""
        return float(np.asarray(self.function(np.array([self.x.get_value()])), dtype=float).reshape(-1)[0])

    def place(self) -> "Tracer":
        """Put dot and line at the tracker's x (what the updater does every frame)."""
        x = self.x.get_value()
        low, high = self.axes.y_range[0], self.axes.y_range[1]
        bottom, top = self.axes.c2p(x, low), self.axes.c2p(x, high)
        for other in self.through:  # the line's x is this axes' x; the others only stretch it
            bottom[1] = min(bottom[1], other.c2p(0, other.y_range[0])[1])
            top[1] = max(top[1], other.c2p(0, other.y_range[1])[1])
        self.line.put_start_and_end_on(bottom, top)
        self.dot.move_to(self.axes.c2p(x, self.value()))
        return self
