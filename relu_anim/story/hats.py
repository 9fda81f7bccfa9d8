"""Hats (tents) built from three ReLUs, and sums of hats: :func:`hat`, :func:`hat_sum`.

A hat rises linearly from 0 at ``left`` to ``height`` at ``center`` and falls
back to 0 at ``right``. Three shifted ReLUs make it::

    hat(x) = k₁·ReLU(x − left) − (k₁ + k₂)·ReLU(x − center) + k₂·ReLU(x − right)

with ``k₁ = height/(center − left)`` and ``k₂ = height/(right − center)``: the
first unit starts the rise, the second turns it into a fall, the third stops the
fall at zero. Put one hat on every knot, as high as a target there, and the sum
is the target's piecewise-linear interpolant on those knots — the picture of a
Riemann sum with tents instead of rectangles. Each tent has exactly the area of
the midpoint rectangle on its knot (:func:`riemann_cells`), so the areas add up
to the trapezoid rule.

numpy only, like the rest of the core.

Examples
--------
>>> net = hat(0.0, 1.0, 2.0)
>>> net.hidden_units, net([-1.0, -0.5, 0.0, 0.5, 2.0]).tolist()
(3, [0.0, 1.0, 2.0, 1.0, 0.0])
>>> f = hat_sum([0.0, 1.0, 2.0], [0.0, 1.0, 4.0]).piecewise(0, 2)
>>> f.breakpoints.tolist(), f.values.tolist()
([1.0], [1.0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..construct import shifted_relu_sum
from ..errors import ReluAnimError
from ..checks import check_domain
from ..network import Network
from .neuron import unit_network

__all__ = ["Hat", "hat", "tent", "hats", "hat_sum", "riemann_cells", "split_units"]


def _tent_terms(left: float, center: float, right: float, height: float) -> tuple[list[float], list[float]]:
    """Output weights and shifts of the three units of a tent."""
    left, center, right, height = (float(v) for v in (left, center, right, height))
    if not all(np.isfinite([left, center, right, height])):
        raise ReluAnimError("hat: left, center, right and height must be finite")
    if not left < center < right:
        raise ReluAnimError(f"hat: need left < center < right (got {left:g}, {center:g}, {right:g})")
    rise = height / (center - left)
    fall = height / (right - center)
    return [rise, -(rise + fall), fall], [left, center, right]


def tent(left: float, center: float, right: float, height: float) -> Network:
    """A possibly lopsided hat: 0 at ``left``, ``height`` at ``center``, 0 from ``right`` on.

    Three hidden units ``ReLU(x − left)``, ``ReLU(x − center)``, ``ReLU(x − right)``.

    Examples
    --------
    >>> tent(0.0, 1.0, 3.0, 2.0)([0.5, 1.0, 2.0, 4.0]).tolist()
    [1.0, 2.0, 1.0, 0.0]
    """
    weights, shifts = _tent_terms(left, center, right, height)
    return shifted_relu_sum(weights, shifts)


def hat(center: float, half_width: float, height: float) -> Network:
    """The symmetric hat on ``[center − half_width, center + half_width]``, peak ``height``.

    Examples
    --------
    >>> [float(w) for w in hat(1.0, 0.5, 1.0).layers[-1].weight[0]]
    [2.0, -4.0, 2.0]
    """
    half_width = float(half_width)
    if not (np.isfinite(half_width) and half_width > 0):
        raise ReluAnimError(f"half_width: must be a positive number (got {half_width})")
    return tent(center - half_width, center, center + half_width, height)


@dataclass(frozen=True)
class Hat:
    """One hat of a sum: where it starts, peaks and ends, and how high it is.

    Attributes
    ----------
    left, center, right
        Where the hat leaves zero, peaks and returns to zero.
    height
        Its value at ``center``.
    """

    left: float
    center: float
    right: float
    height: float

    @property
    def network(self) -> Network:
        """The hat as three shifted ReLUs (:func:`tent`)."""
        return tent(self.left, self.center, self.right, self.height)

    def support(self, domain: tuple[float, float]) -> tuple[float, float]:
        """``[left, right]`` clipped to ``domain``: where the hat is drawn."""
        a, b = check_domain(*domain)
        lo, hi = max(a, self.left), min(b, self.right)
        if not lo < hi:
            raise ReluAnimError(f"hat: [{self.left:g}, {self.right:g}] does not meet [{a:g}, {b:g}]")
        return lo, hi


def _check_knots(knots: Sequence[float], heights: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    knots = np.asarray(knots, dtype=float).reshape(-1)
    heights = np.asarray(heights, dtype=float).reshape(-1)
    if len(knots) < 2 or knots.shape != heights.shape:
        raise ReluAnimError(
            f"knots: need at least two knots and one height per knot (got {len(knots)} knots, "
            f"{len(heights)} heights)"
        )
    if not (np.all(np.isfinite(knots)) and np.all(np.isfinite(heights))):
        raise ReluAnimError("knots: knots and heights must be finite")
    if not np.all(np.diff(knots) > 0):
        raise ReluAnimError("knots: must be strictly increasing")
    return knots, heights


def hats(knots: Sequence[float], heights: Sequence[float]) -> list[Hat]:
    """One hat per knot, ``heights[i]`` high at ``knots[i]``, reaching zero at the neighbours.

    The first and last hats reach as far outside the knots as their one
    neighbour is inside, so on ``[knots[0], knots[-1]]`` they are half hats.

    Examples
    --------
    >>> [(h.left, h.center, h.right) for h in hats([0.0, 1.0, 3.0], [1.0, 1.0, 1.0])]
    [(-1.0, 0.0, 1.0), (0.0, 1.0, 3.0), (1.0, 3.0, 5.0)]
    """
    knots, heights = _check_knots(knots, heights)
    left = np.concatenate([[2 * knots[0] - knots[1]], knots[:-1]])
    right = np.concatenate([knots[1:], [2 * knots[-1] - knots[-2]]])
    return [Hat(float(l), float(c), float(r), float(h)) for l, c, r, h in zip(left, knots, right, heights)]


def hat_sum(knots: Sequence[float], heights: Sequence[float]) -> Network:
    """The sum of :func:`hats` as one network: three hidden units per hat.

    On ``[knots[0], knots[-1]]`` it is the polyline through ``(knots, heights)``:
    the interpolant. Neighbouring hats share kinks, so the network has
    ``3·len(knots)`` units but only ``len(knots) − 2`` kinks inside.

    Examples
    --------
    >>> net = hat_sum([0.0, 0.5, 1.0], [1.0, 2.0, 0.0])
    >>> net.hidden_units, net([0.0, 0.25, 0.5, 0.75, 1.0]).tolist()
    (9, [1.0, 1.5, 2.0, 1.0, 0.0])
    """
    weights: list[float] = []
    shifts: list[float] = []
    for h in hats(knots, heights):
        w, s = _tent_terms(h.left, h.center, h.right, h.height)
        weights += w
        shifts += s
    return shifted_relu_sum(weights, shifts)


def riemann_cells(knots: Sequence[float], heights: Sequence[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The midpoint rectangles of the knots: ``(left, right, height)`` arrays.

    Rectangle ``i`` stands on knot ``i`` from the midpoint with its left
    neighbour to the midpoint with its right one (the first and last stop at the
    ends of the knots), ``heights[i]`` high. Each has the same area as hat ``i``
    of :func:`hats` on ``[knots[0], knots[-1]]``.

    Examples
    --------
    >>> [a.tolist() for a in riemann_cells([0.0, 1.0, 2.0], [1.0, 2.0, 3.0])]
    [[0.0, 0.5, 1.5], [0.5, 1.5, 2.0], [1.0, 2.0, 3.0]]
    """
    knots, heights = _check_knots(knots, heights)
    mids = 0.5 * (knots[:-1] + knots[1:])
    left = np.concatenate([knots[:1], mids])
    right = np.concatenate([mids, knots[-1:]])
    return left, right, heights.copy()


def split_units(network: Network) -> list[Network]:
    """Each hidden unit of a one-hidden-layer scalar network as its own network.

    Unit ``i`` becomes ``a_i·ReLU(w_i·x + b_i)`` (output bias 0, a
    :func:`~relu_anim.story.neuron.unit_network`), so the units can be drawn
    one by one; their sum plus the output bias is ``network``.

    Examples
    --------
    >>> net = shifted_relu_sum([1.0, -2.0], [0.0, 1.0], bias=0.5)
    >>> [float(u(3.0)) for u in split_units(net)], float(net(3.0))
    ([3.0, -4.0], -0.5)
    """
    if len(network.layers) != 2 or network.in_features != 1 or network.out_features != 1:
        raise ReluAnimError("network: split_units needs one input, one hidden layer and one output")
    hidden, output = network.layers
    if not output.is_linear:
        raise ReluAnimError("network: split_units needs a linear output layer")
    return [unit_network(hidden.weight[i], hidden.bias[i], hidden.activation, hidden.negative_slope,
                         output_weight=output.weight[0, i])
            for i in range(hidden.out_features)]
