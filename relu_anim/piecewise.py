"""Exact piecewise-linear form of a scalar network: :class:`PiecewiseLinear`.

A network whose activations are piecewise linear is itself piecewise linear in a
scalar input. :func:`analyse` finds its pieces without sampling: layer by layer,
every pre-activation is affine on each current interval, so each unit has at most
one root there; the intervals are split at those roots, inactive units are masked,
and the next layer goes on from there. Neighbouring pieces of equal slope are
merged at the end, because activation regions can outnumber the function's real
kinks; the unmerged regions are kept as ``region_breakpoints``/``region_active``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .arrays import frozen_vector as _frozen
from .errors import ReluAnimError
from .checks import check_domain

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network

__all__ = ["PiecewiseLinear", "analyse", "SLOPE_RTOL"]

#: Neighbouring pieces whose slopes differ by less than this, relative to the
#: size of the terms their slopes are summed from, are one piece: the
#: difference is rounding, not a bend.
SLOPE_RTOL = 1e-9




@dataclass(frozen=True, eq=False)
class PiecewiseLinear:
    """A continuous piecewise-linear function on ``domain``.

    Attributes
    ----------
    domain
        ``(a, b)``.
    breakpoints
        The kinks strictly inside ``(a, b)``, increasing.
    values
        The function's value at each kink.
    slopes, intercepts
        One per piece (``len(breakpoints) + 1``): on piece ``i`` the function is
        ``slopes[i] * x + intercepts[i]``.
    active
        Per piece, the number of active hidden units (zero when not from a network).
    region_breakpoints, region_active
        The activation regions before merging: where the set of active units
        changes, and the count on each region.

    Examples
    --------
    >>> f = PiecewiseLinear.from_points([0, 1, 2], [0, 0, 1])
    >>> f.breakpoints.tolist(), f.slopes.tolist()
    ([1.0], [0.0, 1.0])
    >>> f(np.array([0.5, 1.5])).tolist()
    [0.0, 0.5]
    """

    domain: tuple[float, float]
    breakpoints: np.ndarray
    values: np.ndarray
    slopes: np.ndarray
    intercepts: np.ndarray
    active: np.ndarray = field(default=None)  # type: ignore[assignment]
    region_breakpoints: np.ndarray = field(default=None)  # type: ignore[assignment]
    region_active: np.ndarray = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        a, b = check_domain(*self.domain)
        object.__setattr__(self, "domain", (a, b))
        for name in ("breakpoints", "values", "slopes", "intercepts"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        n = len(self.breakpoints)
        if len(self.values) != n or len(self.slopes) != n + 1 or len(self.intercepts) != n + 1:
            raise ReluAnimError(
                "pieces: need one value per breakpoint and one slope and intercept per piece "
                f"(got {n} breakpoints, {len(self.values)} values, {len(self.slopes)} slopes, "
                f"{len(self.intercepts)} intercepts)"
            )
        active = np.zeros(n + 1, dtype=int) if self.active is None else self.active
        object.__setattr__(self, "active", _frozen(active, int))
        if self.region_breakpoints is None:
            object.__setattr__(self, "region_breakpoints", self.breakpoints)
            object.__setattr__(self, "region_active", self.active)
        else:
            object.__setattr__(self, "region_breakpoints", _frozen(self.region_breakpoints))
            object.__setattr__(self, "region_active", _frozen(self.region_active, int))

    # ------------------------------------------------------------ construction
    @classmethod
    def from_points(cls, xs, ys) -> "PiecewiseLinear":
        """The linear interpolant through ``(xs[i], ys[i])``, xs strictly increasing.

        Interior points where the slope does not change are not kinks.
        """
        xs = np.asarray(xs, dtype=float)
        ys = np.asarray(ys, dtype=float)
        if xs.ndim != 1 or xs.shape != ys.shape or len(xs) < 2:
            raise ReluAnimError("points: need at least two (x, y) pairs of equal length")
        if not np.all(np.diff(xs) > 0):
            raise ReluAnimError("points: x must be strictly increasing")
        slopes = np.diff(ys) / np.diff(xs)
        intercepts = ys[:-1] - slopes * xs[:-1]
        scale = max(float(np.max(np.abs(slopes))), np.finfo(float).tiny)
        kink = np.abs(np.diff(slopes)) > SLOPE_RTOL * scale
        keep = np.concatenate([[True], kink])
        return cls(
            (xs[0], xs[-1]),
            xs[1:-1][kink],
            ys[1:-1][kink],
            slopes[keep],
            intercepts[keep],
        )

    # --------------------------------------------------------------- queries
    @property
    def num_pieces(self) -> int:
        """Number of linear pieces (kinks + 1)."""
        return len(self.slopes)

    @property
    def knots(self) -> np.ndarray:
        """``a``, the kinks, ``b``: where the drawn polyline has its vertices."""
        a, b = self.domain
        return np.concatenate([[a], self.breakpoints, [b]])

    @property
    def knot_values(self) -> np.ndarray:
        """The function's value at each of :attr:`knots`."""
        a, b = self.domain
        left = self.slopes[0] * a + self.intercepts[0]
        right = self.slopes[-1] * b + self.intercepts[-1]
        return np.concatenate([[left], self.values, [right]])

    def vertices(self) -> np.ndarray:
        """The polyline's vertices as an ``(n, 2)`` array of ``(x, y)``."""
        return np.column_stack([self.knots, self.knot_values])

    def piece_index(self, x) -> np.ndarray:
        """Index of the piece each ``x`` falls on (a kink belongs to the piece on its right)."""
        return np.searchsorted(self.breakpoints, np.asarray(x, dtype=float), side="right")

    def __call__(self, x):
        x = np.asarray(x, dtype=float)
        i = self.piece_index(x)
        return self.slopes[i] * x + self.intercepts[i]

    def __repr__(self) -> str:
        a, b = self.domain
        return f"PiecewiseLinear(domain=({a:g}, {b:g}), kinks={len(self.breakpoints)})"


def analyse(net: "Network", a: float, b: float) -> PiecewiseLinear:
    """Exact pieces of a scalar-input, scalar-output ``net`` on ``[a, b]``.

    Parameters
    ----------
    net
        Any depth and widths; activations relu, leaky_relu or linear.
    a, b
        The domain, ``a < b``.

    Returns
    -------
    PiecewiseLinear
        Kinks strictly inside ``(a, b)`` (equal-slope neighbours merged), the
        network's value at each, and per piece slope, intercept and number of
        active hidden units (counted at the piece's middle).

    Examples
    --------
    >>> from relu_anim.construct import shifted_relu_sum
    >>> net = shifted_relu_sum([1.0, -2.0], [0.5, 1.0])
    >>> f = analyse(net, 0, 2)
    >>> f.breakpoints.tolist(), f.slopes.tolist()
    ([0.5, 1.0], [0.0, 1.0, -1.0])
    """
    a, b = check_domain(a, b)
    if net.in_features != 1 or net.out_features != 1:
        raise ReluAnimError(
            f"network: the exact analysis needs one input and one output "
            f"(this one maps {net.in_features} -> {net.out_features}); "
            "for two inputs see relu_anim.regions"
        )
    tol = 1e-12 * max(1.0, abs(a), abs(b))
    bps = np.empty(0)
    # On piece i, unit j of the current layer equals slope[i, j] * x + offset[i, j];
    # size[i, j] bounds the terms slope[i, j] is summed from (its rounding scale).
    slope = np.ones((1, 1))
    size = np.ones((1, 1))
    offset = np.zeros((1, 1))
    active = np.zeros(1, dtype=int)
    for layer in net.layers:
        z_slope = slope @ layer.weight.T
        z_size = size @ np.abs(layer.weight.T)
        z_offset = offset @ layer.weight.T + layer.bias
        if layer.is_linear:
            slope, size, offset = z_slope, z_size, z_offset
            continue
        new_bps = _split(bps, z_slope, z_offset, a, b, tol)
        edges = np.concatenate([[a], new_bps, [b]])
        mids = 0.5 * (edges[:-1] + edges[1:])
        parent = np.searchsorted(bps, mids)
        z_slope, z_offset, z_size = z_slope[parent], z_offset[parent], z_size[parent]
        on = z_slope * mids[:, None] + z_offset > 0
        left, right = layer.slopes
        gain = np.where(on, right, left)
        slope, offset, size = z_slope * gain, z_offset * gain, z_size * np.abs(gain)
        active = active[parent] + on.sum(axis=1)
        bps = new_bps
    return _merge(net, (a, b), bps, slope[:, 0], offset[:, 0], size[:, 0], active)


def _split(bps: np.ndarray, z_slope: np.ndarray, z_offset: np.ndarray, a: float, b: float,
           tol: float) -> np.ndarray:
    """Add to ``bps`` every unit's root that lies strictly inside its own piece."""
    edges = np.concatenate([[a], bps, [b]])
    with np.errstate(divide="ignore", invalid="ignore"):
        roots = -z_offset / z_slope + 0.0  # + 0.0 turns -0.0 into 0.0
    inside = (z_slope != 0) & (roots > edges[:-1, None] + tol) & (roots < edges[1:, None] - tol)
    if not inside.any():
        return bps
    merged = np.unique(np.concatenate([bps, roots[inside]]))
    return merged[np.concatenate([[True], np.diff(merged) > tol])]


def _merge(net: "Network", domain: tuple[float, float], bps: np.ndarray, slopes: np.ndarray,
           intercepts: np.ndarray, sizes: np.ndarray, active: np.ndarray) -> PiecewiseLinear:
    """Join neighbouring regions of equal slope into one piece."""
    scale = np.maximum(sizes[:-1], sizes[1:])
    kink = (np.abs(np.diff(slopes)) > SLOPE_RTOL * scale) & (scale > 0)
    kinks = bps[kink]
    # Regions belonging to each merged piece: take slope and intercept from the
    # widest one (least rounding), the active count from the piece's middle.
    a, b = domain
    piece_of_region = np.concatenate([[0], np.cumsum(kink)])
    widths = np.diff(np.concatenate([[a], bps, [b]]))
    order = np.lexsort((-widths, piece_of_region))  # by piece, widest first
    first = np.concatenate([[True], np.diff(piece_of_region[order]) > 0])
    widest = order[first]
    piece_edges = np.concatenate([[a], kinks, [b]])
    middles = 0.5 * (piece_edges[:-1] + piece_edges[1:])
    return PiecewiseLinear(
        domain,
        kinks,
        net(kinks) if len(kinks) else np.empty(0),
        slopes[widest],
        intercepts[widest],
        active[np.searchsorted(bps, middles)],
        bps,
        active,
    )
