"""Piecewise-constant companions of a scalar network's output: :class:`StepFunction`.

The slope of a piecewise-linear function is constant on each piece and jumps at
each kink; the number of inactive hidden units is constant on each activation
region and changes where a unit switches. Both are read off the exact analysis
(:func:`relu_anim.piecewise.analyse`), nothing is sampled:

* :func:`slope_steps` — ``f.slopes`` between ``f.knots``;
* :func:`inactive_steps` — hidden units minus ``f.region_active`` between
  ``a``, ``f.region_breakpoints``, ``b``;
* :func:`kinks_within` — how many kinks fall in a window (the random-network
  chapter zooms to where they crowd).

numpy only, like the rest of the math core.

Examples
--------
>>> from relu_anim.construct import shifted_relu_sum
>>> net = shifted_relu_sum([1.0, -2.0], [0.5, 1.0])
>>> f = net.piecewise(0, 2)
>>> slope_steps(f).values.tolist(), slope_steps(f).jumps.tolist()
([0.0, 1.0, -1.0], [0.5, 1.0])
>>> inactive_steps(f, net).values.tolist()
[2.0, 1.0, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..arrays import frozen_vector
from ..errors import ReluAnimError

if TYPE_CHECKING:  # pragma: no cover
    from ..network import Network
    from ..piecewise import PiecewiseLinear

__all__ = ["StepFunction", "slope_steps", "inactive_steps", "kinks_within"]


@dataclass(frozen=True, eq=False)
class StepFunction:
    """A function constant on each interval ``[edges[i], edges[i + 1])``.

    Attributes
    ----------
    edges
        ``a``, the interior edges, ``b``; strictly increasing, one more than
        :attr:`values`.
    values
        The value on each interval.

    Examples
    --------
    >>> s = StepFunction([0, 1, 3], [2, 5])
    >>> s(np.array([0.5, 1.0, 2.9])).tolist(), s.jumps.tolist()
    ([2.0, 5.0, 5.0], [1.0])
    """

    edges: np.ndarray
    values: np.ndarray

    def __post_init__(self) -> None:
        edges, values = frozen_vector(self.edges), frozen_vector(self.values)
        if len(edges) != len(values) + 1 or len(values) < 1:
            raise ReluAnimError(
                f"steps: need one more edge than values (got {len(edges)} edges, {len(values)} values)"
            )
        if not np.all(np.diff(edges) > 0):
            raise ReluAnimError("steps: edges must be strictly increasing")
        if not (np.all(np.isfinite(edges)) and np.all(np.isfinite(values))):
            raise ReluAnimError("steps: edges and values must be finite")
        object.__setattr__(self, "edges", edges)
        object.__setattr__(self, "values", values)

    @property
    def domain(self) -> tuple[float, float]:
        """``(a, b)``."""
        return float(self.edges[0]), float(self.edges[-1])

    @property
    def jumps(self) -> np.ndarray:
        """Interior edges where the value really changes, increasing."""
        change = np.diff(self.values) != 0
        return self.edges[1:-1][change]

    @property
    def low(self) -> float:
        """The smallest value."""
        return float(np.min(self.values))

    @property
    def high(self) -> float:
        """The largest value."""
        return float(np.max(self.values))

    def __call__(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        i = np.clip(np.searchsorted(self.edges, x, side="right") - 1, 0, len(self.values) - 1)
        return self.values[i]


def slope_steps(f: "PiecewiseLinear") -> StepFunction:
    """The slope of ``f``: ``f.slopes[i]`` on ``[f.knots[i], f.knots[i + 1])``.

    Its jumps are exactly ``f.breakpoints`` (kinks are where the slope changes).
    """
    return StepFunction(f.knots, f.slopes)


def inactive_steps(f: "PiecewiseLinear", net: "Network") -> StepFunction:
    """How many of ``net``'s hidden units are inactive, on each activation region of ``f``.

    ``net.hidden_units − f.region_active`` between ``a``, ``f.region_breakpoints``
    and ``b``. ``f`` must be ``net``'s analysis (``net.piecewise(a, b)``). An
    all-linear network has no unit that can switch off: zero everywhere.

    Raises
    ------
    ReluAnimError
        If ``f`` counts more active units than ``net`` has.
    """
    a, b = f.domain
    active = np.asarray(f.region_active, dtype=int)
    if np.any(active > net.hidden_units) or np.any(active < 0):
        raise ReluAnimError(
            f"network: the analysis counts up to {int(active.max())} active units but the "
            f"network has {net.hidden_units}; pass the network f was computed from"
        )
    edges = np.concatenate([[a], f.region_breakpoints, [b]])
    return StepFunction(edges, net.hidden_units - active)


def kinks_within(f: "PiecewiseLinear", lo: float, hi: float) -> int:
    """Number of kinks of ``f`` with ``lo <= x <= hi``.

    Examples
    --------
    >>> from relu_anim.piecewise import PiecewiseLinear
    >>> kinks_within(PiecewiseLinear.from_points([-9, -5, 0, 1, 9], [0, 1, 0, 2, 0]), -1, 1)
    2
    """
    x = np.asarray(f.breakpoints)
    return int(np.count_nonzero((x >= lo) & (x <= hi)))
