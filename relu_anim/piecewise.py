"""Exact piecewise-linear form of a scalar network: :class:`PiecewiseLinear`.

A network whose activations are piecewise linear is itself piecewise linear in a
scalar input. :func:`analyse` finds its pieces without sampling.

*One hidden layer* (the only non-linear layer, with any linear layers before or
after it) takes ``O(N log N)`` time and ``O(N)`` memory for ``N`` units: unit
``j``'s pre-activation ``σⱼ·x + ωⱼ`` turns at ``rⱼ = −ωⱼ/σⱼ``; the roots are
sorted, and the output's slope and intercept changes at each root are added up
with cumulative sums.

*Deeper networks* go layer by layer: every pre-activation is affine on each
current piece, so each unit has at most one root there; the pieces are split at
those roots, inactive units are masked, and the next layer goes on from there.
The piece count is checked before each layer's arrays are allocated; see
:data:`MAX_PIECES`, :data:`MAX_CELLS` and :data:`MAX_WORK`.

What "exact" means here
-----------------------
Every slope and offset is carried with a rigorous bound on its rounding error
(standard ``γₙ = n·u/(1 − n·u)`` bounds of dot products, ``u = 2⁻⁵³``).

* A region boundary is a *kink* when the output's slope changes there. The
  change is computed from the units that switch at that boundary only, and
  judged against the rounding bound of exactly those terms, never against a
  scale set by the domain or by the rest of the network. For one hidden layer
  whose units read ``x`` directly and feed the output directly (``1 → N → 1``),
  a change that rounding cannot decide is settled in rational arithmetic, so
  the kinks are exactly the distinct ``fl(−b/w)`` strictly inside the domain
  whose units' ``Σ v·|w|`` is not zero (and the activation bends).
* A root is known to within a radius derived from the error bounds of its
  unit's slope and offset (zero for first-layer units, whose root is the
  correctly rounded ``fl(−b/w)``). Roots whose uncertainty intervals overlap
  each other or a piece's end cannot be told apart in double precision and are
  one boundary; roots further apart are always kept apart, however wide the
  domain.
* Values that could overflow double precision (beyond :data:`MAX_VALUE`) are
  refused with :class:`~relu_anim.errors.ReluAnimError` instead of producing a
  wrong count.

Neighbouring regions of equal slope are merged, because activation regions can
outnumber the function's kinks; the unmerged regions are kept as
``region_breakpoints``/``region_active``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple, Sequence

import numpy as np

from .arrays import frozen_vector as _frozen
from .checks import check_domain
from .errors import ReluAnimError

if TYPE_CHECKING:  # pragma: no cover
    from .network import Layer, Network

__all__ = [
    "PiecewiseLinear",
    "analyse",
    "SLOPE_RTOL",
    "MAX_PIECES",
    "MAX_CELLS",
    "MAX_WORK",
    "MAX_VALUE",
]

#: :meth:`PiecewiseLinear.from_points` treats neighbouring slopes that differ by
#: less than this, relative to the larger of the two, as one piece: given points
#: are data whose rounding is unknown. (:func:`analyse` uses rigorous bounds.)
SLOPE_RTOL = 1e-9

#: Most linear regions :func:`analyse` builds. A network whose analysis needs
#: more (a deep "sawtooth" doubles its pieces at every layer: twenty tent-map
#: layers make 2²⁰) is refused before the layer that would exceed it is built.
MAX_PIECES = 1_000_000

#: Most (piece, unit) pairs the layer-by-layer analysis holds at once: its
#: memory is about 150 bytes per pair, so 4,000,000 pairs stay below ~600 MB.
#: Checked before each layer's arrays are allocated.
MAX_CELLS = 4_000_000

#: Most multiply-adds the layer-by-layer analysis spends (four per piece,
#: input and unit of each layer): a bound on its running time, a few seconds.
MAX_WORK = 4_000_000_000

#: Largest magnitude a slope, offset or value may reach on the domain. Beyond it
#: sums of a few terms could overflow double precision, and the analysis refuses.
MAX_VALUE = 2.0**1000

_U = 2.0**-53  # unit roundoff of float64
_TINY = 2.0**-1074  # a product that underflows is wrong by at most this much


def _gamma(n: int) -> float:
    """Twice the classical bound γₙ on the relative rounding of an n-term dot product."""
    return 2.0 * n * _U / (1.0 - n * _U)




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

        Interior points where the slope does not change (by more than
        :data:`SLOPE_RTOL` of the larger neighbouring slope) are not kinks.
        """
        xs = np.asarray(xs, dtype=float)
        ys = np.asarray(ys, dtype=float)
        if xs.ndim != 1 or xs.shape != ys.shape or len(xs) < 2:
            raise ReluAnimError("points: need at least two (x, y) pairs of equal length")
        if not (np.all(np.isfinite(xs)) and np.all(np.isfinite(ys))):
            raise ReluAnimError("points: x and y must be finite numbers")
        if not np.all(np.diff(xs) > 0):
            raise ReluAnimError("points: x must be strictly increasing")
        with np.errstate(over="ignore", invalid="ignore"):
            slopes = np.diff(ys) / np.diff(xs)
            intercepts = ys[:-1] - slopes * xs[:-1]
        if not (np.all(np.isfinite(slopes)) and np.all(np.isfinite(intercepts))):
            raise ReluAnimError("points: slopes between the points overflow double precision; rescale x or y")
        local = np.maximum(np.abs(slopes[:-1]), np.abs(slopes[1:]))
        kink = np.abs(np.diff(slopes)) > SLOPE_RTOL * local
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


# --------------------------------------------------------------------------- analysis
class _Forms(NamedTuple):
    """Per piece (rows) and unit (columns): ``slope·x + offset``, each with an error bound."""

    s: np.ndarray
    o: np.ndarray
    es: np.ndarray  # |computed slope − exact slope| ≤ es
    eo: np.ndarray  # |computed offset − exact offset| ≤ eo


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
        active hidden units (counted at the piece's middle). The module
        docstring says how rounding is accounted for.

    Raises
    ------
    ReluAnimError
        If the network does not map one input to one output, if its values on
        the domain could overflow (:data:`MAX_VALUE`), or if the analysis would
        exceed :data:`MAX_PIECES`, :data:`MAX_CELLS` or :data:`MAX_WORK`.

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
    if sum(not layer.is_linear for layer in net.layers) == 1:
        return _one_hidden_layer(net, a, b)
    return _by_layers(net, a, b)


# ------------------------------------------------------------------ shared steps
def _first_forms(layer: "Layer") -> _Forms:
    """The first layer's pre-activation: ``w·x + b`` is exact, no rounding yet."""
    s = np.array(layer.weight[:, 0], dtype=float)[None, :]
    o = np.array(layer.bias, dtype=float)[None, :]
    return _Forms(s, o, np.zeros_like(s), np.zeros_like(o))


def _affine(h: _Forms, layer: "Layer", bias: bool = True) -> _Forms:
    """Pre-activation forms of ``layer`` from its input forms, with rounding bounds.

    With ``bias=False`` only the slopes are mapped (for slope differences).
    """
    w = layer.weight
    aw = np.abs(w).T
    n = layer.in_features
    g = _gamma(n + 1)
    tiny = (n + 1) * _TINY
    with np.errstate(all="ignore"):
        s = h.s @ w.T
        es = (h.es + g * np.abs(h.s)) @ aw + tiny
        if not bias:
            return _Forms(s, s, es, es)
        o = h.o @ w.T + layer.bias
        eo = (h.eo + g * np.abs(h.o)) @ aw + g * np.abs(layer.bias) + tiny
    return _Forms(s, o, es, eo)


def _magnitude(s: np.ndarray, o: np.ndarray, es: np.ndarray, eo: np.ndarray, reach: float) -> float:
    """Largest slope, offset (intercept) or value on the domain the forms may have."""
    if s.size == 0:
        return 0.0
    with np.errstate(all="ignore"):
        slope = np.abs(s) + es
        offset = np.abs(o) + eo
        return float(max(np.max(slope), np.max(offset), np.max(slope * reach + offset)))


def _check_bounded(z: _Forms, reach: float, where: str, a: float, b: float) -> None:
    """Refuse forms whose slopes, offsets or values could overflow on the domain."""
    if not _magnitude(*z, reach) <= MAX_VALUE:
        raise ReluAnimError(
            f"network: {where} reaches slopes or values beyond {MAX_VALUE:.3g} on [{a:g}, {b:g}], where double "
            "precision would overflow; scale the weights or the domain down"
        )


def _roots(z: _Forms) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each unit's root ``−ω/σ`` (nan where ``σ = 0``), its uncertainty radius, and
    whether its slope is resolvable from rounding (``|σ| > 2·error``)."""
    with np.errstate(all="ignore"):
        r = np.where(z.s != 0, -z.o / z.s, np.nan) + 0.0  # + 0.0: no -0.0
        mag = np.abs(z.s)
        resolvable = mag > 2.0 * z.es
        delta = (z.es * np.abs(r) + z.eo) / (mag - z.es)
        delta = delta + np.where((z.es > 0) | (z.eo > 0), 2.0 * _U * np.abs(r), 0.0)
    delta = np.where(resolvable & np.isfinite(delta), delta, 0.0)
    return r, delta, resolvable


def _clusters(rs: np.ndarray, ds: np.ndarray, piece: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Group roots (sorted by piece, then position) whose uncertainty intervals overlap.

    Returns each group's first index and each root's group, and per group the
    boundary (its least uncertain root, the first on ties) and its uncertainty
    radius (covering every member's interval).
    """
    if len(rs) == 0:
        return np.empty(0, int), np.empty(0, int), np.empty(0), np.empty(0)
    with np.errstate(invalid="ignore"):
        new = np.concatenate([[True], (piece[1:] != piece[:-1]) | (np.diff(rs) > ds[1:] + ds[:-1])])
    starts = np.flatnonzero(new)
    cid = np.cumsum(new) - 1
    pick = np.lexsort((np.arange(len(rs)), ds, cid))
    first = np.concatenate([[True], np.diff(cid[pick]) > 0])
    reps = rs[pick[first]]
    zone = np.maximum.reduceat(np.abs(rs - reps[cid]) + ds, starts)
    return starts, cid, reps, zone


def _sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Sum of ``values`` over each group beginning at ``starts`` (groups are contiguous)."""
    return np.add.reduceat(values, starts) if len(starts) else np.zeros(0, dtype=values.dtype)


def _gains(layer: "Layer") -> tuple[float, float, float]:
    """Activation slopes left and right of zero, and the jump ``right − left``."""
    left, right = layer.slopes
    return left, right, right - left


class _Budget:
    """Running totals checked against MAX_PIECES, MAX_CELLS and MAX_WORK."""

    def __init__(self, a: float, b: float) -> None:
        self.where = f"[{a:g}, {b:g}]"
        self.work = 0

    def pieces(self, count: int, i: int) -> None:
        if count > MAX_PIECES:
            raise ReluAnimError(
                f"network: layers[{i}] splits {self.where} into {count:,} linear pieces, more than the "
                f"{MAX_PIECES:,} the exact analysis supports; analyse a narrower domain or a shallower network"
            )

    def cells(self, pieces: int, units: int, i: int) -> None:
        if pieces * units > MAX_CELLS:
            raise ReluAnimError(
                f"network: layers[{i}] ({units:,} units) on {pieces:,} pieces of {self.where} needs "
                f"{pieces * units:,} (piece, unit) pairs at once, more than the {MAX_CELLS:,} the exact "
                "analysis supports; analyse a narrower domain or a smaller network"
            )

    def matmul(self, pieces: int, layer: "Layer", i: int, products: int = 4) -> None:
        self.work += products * pieces * layer.in_features * layer.out_features
        if self.work > MAX_WORK:
            raise ReluAnimError(
                f"network: analysing layers[{i}] on {pieces:,} pieces of {self.where} needs more than the "
                f"{MAX_WORK:,} multiply-adds the exact analysis supports; analyse a narrower domain or a "
                "smaller network"
            )


# ------------------------------------------------------- one hidden layer, O(N log N)
def _one_hidden_layer(net: "Network", a: float, b: float) -> PiecewiseLinear:
    """Analysis of a network with exactly one non-linear layer, in O(N log N)."""
    k = next(i for i, layer in enumerate(net.layers) if not layer.is_linear)
    layer = net.layers[k]
    reach = max(abs(a), abs(b))
    h: _Forms | None = None
    for i, lin in enumerate(net.layers[: k + 1]):
        h = _first_forms(lin) if h is None else _affine(h, lin)
        _check_bounded(h, reach, f"layers[{i}]", a, b)
    assert h is not None
    z = _Forms(h.s[0], h.o[0], h.es[0], h.eo[0])
    v, ev, c = _collapse(net.layers[k + 1:], layer.out_features)
    left, right, jump = _gains(layer)
    gain = max(abs(left), abs(right))
    if not _magnitude(*z, reach) * gain <= MAX_VALUE:
        raise ReluAnimError(
            f"network: layers[{k}] reaches slopes or values beyond {MAX_VALUE:.3g} on [{a:g}, {b:g}] after "
            "its activation, where double precision would overflow; scale the weights or the domain down"
        )
    with np.errstate(all="ignore"):
        out_slope = float(np.sum((np.abs(v) + ev) * (np.abs(z.s) + z.es))) * gain
        out_offset = float(np.sum((np.abs(v) + ev) * (np.abs(z.o) + z.eo))) * gain + abs(c)
    if not _magnitude(np.array([out_slope]), np.array([out_offset]), 0.0, 0.0, reach) <= MAX_VALUE:
        raise ReluAnimError(
            f"network: its output reaches slopes or values beyond {MAX_VALUE:.3g} on [{a:g}, {b:g}], where "
            "double precision would overflow; scale the weights or the domain down"
        )

    r, delta, _ = _roots(z)
    inside = (r - a > delta) & (b - r > delta)  # False where r is nan (σ = 0)
    order = np.flatnonzero(inside)
    order = order[np.lexsort((delta[order], r[order]))]
    rs, ds = r[order], delta[order]
    starts, _, bps, _ = _clusters(rs, ds, np.zeros(len(rs), dtype=int))
    _Budget(a, b).pieces(len(bps) + 1, k)

    # the leftmost region: a unit with a root inside is on there when it falls
    sign = np.sign(z.s)
    mid = 0.5 * a + 0.5 * b
    on0 = np.where(inside, z.s < 0, np.where(z.s != 0, np.where(r < mid, z.s > 0, z.s < 0), z.o > 0))
    gain0 = np.where(on0, right, left)
    counts = np.diff(np.append(starts, len(rs)))
    with np.errstate(all="ignore"):
        slope0 = float(np.dot(v, gain0 * z.s))
        offset0 = float(np.dot(v, gain0 * z.o)) + c
        # crossing a root rightwards turns a rising unit on and a falling one off
        t_slope = jump * v[order] * np.abs(z.s[order])
        t_offset = jump * v[order] * sign[order] * z.o[order]
        d_slope = _sums(t_slope, starts)
        d_offset = _sums(t_offset, starts)
        d_active = _sums(sign[order].astype(int), starts)
        # the rounding bound of exactly the terms that change at each boundary
        size = np.abs(t_slope)
        err = abs(jump) * (np.abs(v[order]) * z.es[order] + ev[order] * (np.abs(z.s[order]) + z.es[order]))
        bound = _sums(err + _gamma(4) * size, starts) + _gamma(1) * counts * _sums(size, starts) + 4 * counts * _TINY
    kink = np.abs(d_slope) > bound
    if jump == 0:
        kink[:] = False
    elif k == 0 and len(net.layers) == 2:
        # σ = w and v = the output weights are given exactly: settle what rounding cannot
        for cl in np.flatnonzero(~kink):
            units = order[starts[cl]: starts[cl] + counts[cl]]
            kink[cl] = sum(Fraction(float(v[j])) * Fraction(abs(float(z.s[j]))) for j in units) != 0
    slopes = slope0 + np.concatenate([[0.0], np.cumsum(d_slope)])
    intercepts = offset0 + np.concatenate([[0.0], np.cumsum(d_offset)])
    active = int(on0.sum()) + np.concatenate([[0], np.cumsum(d_active)])
    return _assemble((a, b), bps, slopes, intercepts, kink, active)


def _collapse(layers: Sequence["Layer"], width: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Row vector ``v`` (with an error bound) and constant ``c`` such that the linear
    ``layers`` map ``h`` to ``v·h + c``."""
    if not layers:
        return np.ones(width), np.zeros(width), 0.0
    last = layers[-1]
    v = np.array(last.weight[0], dtype=float)
    ev = np.zeros_like(v)
    c = float(last.bias[0])
    with np.errstate(all="ignore"):
        for layer in reversed(layers[:-1]):
            g = _gamma(layer.out_features + 1)
            c = float(v @ layer.bias) + c
            ev = (ev + g * np.abs(v)) @ np.abs(layer.weight) + layer.out_features * _TINY
            v = v @ layer.weight
    if not (np.all(np.isfinite(v)) and np.all(np.isfinite(ev)) and np.isfinite(c)):
        raise ReluAnimError(
            "network: the product of its output layers overflows double precision; scale the weights down"
        )
    return v, ev, c


# ----------------------------------------------------------------- layer by layer
def _by_layers(net: "Network", a: float, b: float) -> PiecewiseLinear:
    """Analysis of any network, layer by layer, bounded by MAX_PIECES/MAX_CELLS/MAX_WORK."""
    budget = _Budget(a, b)
    reach = max(abs(a), abs(b))
    last_nonlinear = max((i for i, layer in enumerate(net.layers) if not layer.is_linear), default=-1)
    bps = np.empty(0)
    zones = np.empty(0)
    active = np.zeros(1, dtype=int)
    h: _Forms | None = None
    diff: _Forms | None = None  # slope changes across each region boundary (rows) and their bounds
    for i, layer in enumerate(net.layers):
        pieces = len(bps) + 1
        budget.cells(pieces, layer.out_features, i)
        if h is None:
            z = _first_forms(layer)
        else:
            budget.matmul(pieces, layer, i)
            z = _affine(h, layer)
            if diff is not None:
                budget.matmul(pieces - 1, layer, i, products=2)
                diff = _affine(diff, layer, bias=False)
        _check_bounded(z, reach, f"layers[{i}]", a, b)
        if layer.is_linear:
            h = z
            continue
        bps, zones, parent, on = _split(bps, zones, z, a, b, budget, i)
        h, unresolved = _activate(z, parent, on, layer, reach)
        _check_bounded(h, reach, f"layers[{i}]", a, b)
        active = active[parent] + on.sum(axis=1)
        if i == last_nonlinear:
            diff = _differences(h, parent, on, unresolved)
    if diff is None:  # no non-linear layer: a straight line
        kink = np.zeros(0, dtype=bool)
    else:
        with np.errstate(all="ignore"):
            kink = np.abs(diff.s[:, 0]) > diff.es[:, 0]
    assert h is not None
    return _assemble((a, b), bps, h.s[:, 0], h.o[:, 0], kink, active)


def _split(bps: np.ndarray, zones: np.ndarray, z: _Forms, a: float, b: float, budget: _Budget,
           i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split the pieces at every unit's root; return boundaries, their uncertainty radii,
    each new piece's parent piece and which units are on there."""
    pieces, units = z.s.shape
    left = np.concatenate([[a], bps])[:, None]
    right = np.concatenate([bps, [b]])[:, None]
    zl = np.concatenate([[0.0], zones])[:, None]
    zr = np.concatenate([zones, [0.0]])[:, None]
    r, delta, _ = _roots(z)
    with np.errstate(invalid="ignore"):
        dl = r - left
        dr = right - r
    inside = (dl > delta + zl) & (dr > delta + zr)
    within = (dl > 0) & (dr > 0) & ~inside
    snap_l = within & (dl <= delta + zl) & ((dr > delta + zr) | (dl <= dr))
    snap_r = within & ~snap_l
    zones = zones.copy()
    p, j = np.nonzero(snap_l)
    keep = p >= 1
    np.maximum.at(zones, p[keep] - 1, dl[p[keep], j[keep]] + delta[p[keep], j[keep]])
    p, j = np.nonzero(snap_r)
    keep = p <= pieces - 2
    np.maximum.at(zones, p[keep], dr[p[keep], j[keep]] + delta[p[keep], j[keep]])
    rep = np.where(snap_l, left, np.where(snap_r, right, r))
    del dl, dr, within, snap_l, snap_r

    # roots inside a piece: those whose uncertainty intervals overlap are one boundary
    p, j = np.nonzero(inside)
    rs, ds = r[p, j], delta[p, j]
    order = np.lexsort((rs, p))
    p, j, rs, ds = p[order], j[order], rs[order], ds[order]
    _, cid, reps, rep_zone = _clusters(rs, ds, p)
    rep[p, j] = reps[cid]
    del r, delta, inside, p, j, rs, ds

    budget.pieces(len(bps) + len(reps) + 1, i)
    budget.cells(len(bps) + len(reps) + 1, units, i)
    merged = np.concatenate([bps, reps])
    order = np.argsort(merged, kind="stable")
    old = np.concatenate([np.ones(len(bps), dtype=int), np.zeros(len(reps), dtype=int)])[order]
    new_bps = merged[order]
    new_zones = np.concatenate([zones, rep_zone])[order]
    parent = np.concatenate([[0], np.cumsum(old)])
    edge_l = np.concatenate([[a], new_bps])[:, None]
    edge_r = np.concatenate([new_bps, [b]])[:, None]
    sigma = z.s[parent]
    at = rep[parent]
    on = np.where(sigma > 0, at <= edge_l, np.where(sigma < 0, at >= edge_r, z.o[parent] > 0))
    return new_bps, new_zones, parent, on


def _activate(z: _Forms, parent: np.ndarray, on: np.ndarray, layer: "Layer",
              reach: float) -> tuple[_Forms, np.ndarray]:
    """Post-activation forms on the new pieces, and which units' slopes are unresolved."""
    left, right, jump = _gains(layer)
    gain = np.where(on, right, left)
    zs, zo, zes, zeo = z.s[parent], z.o[parent], z.es[parent], z.eo[parent]
    with np.errstate(all="ignore"):
        s, o = zs * gain, zo * gain
        inexact = (gain != 0) & (gain != 1)
        es = np.abs(gain) * zes + np.where(inexact, _U * np.abs(s), 0.0) + _TINY
        eo = np.abs(gain) * zeo + np.where(inexact, _U * np.abs(o), 0.0) + _TINY
        # a unit whose slope rounding cannot resolve from zero may be on the wrong side
        # where its value is within rounding of zero: its error stays that small
        unresolved = np.abs(zs) <= 2.0 * zes
        es = es + np.where(unresolved, abs(jump) * (np.abs(zs) + zes), 0.0)
        eo = eo + np.where(unresolved, abs(jump) * ((np.abs(zs) + zes) * reach + zeo), 0.0)
    return _Forms(s, o, es, eo), unresolved


def _differences(h: _Forms, parent: np.ndarray, on: np.ndarray, unresolved: np.ndarray) -> _Forms:
    """Per unit, the change of slope across each region boundary, with its bound.

    Across a boundary made by this layer both sides share one parent piece, so a
    unit that does not switch there has the same form on both sides: its change
    is exactly zero (unless its slope is unresolved), and the boundary is judged
    by the units that do switch.
    """
    with np.errstate(all="ignore"):
        d = h.s[1:] - h.s[:-1]
        e = h.es[1:] + h.es[:-1] + _U * np.abs(d)
    same = (parent[1:] == parent[:-1])[:, None] & (on[1:] == on[:-1]) & ~unresolved[1:]
    d[same] = 0.0
    e[same] = 0.0
    return _Forms(d, d, e, e)


# --------------------------------------------------------------------- assembly
def _assemble(domain: tuple[float, float], bps: np.ndarray, slopes: np.ndarray,
              intercepts: np.ndarray, kink: np.ndarray, active: np.ndarray) -> PiecewiseLinear:
    """Join neighbouring regions without a kink between them into one piece."""
    a, b = domain
    kinks = bps[kink]
    # Regions belonging to each merged piece: take slope and intercept from the
    # widest one (least rounding), the active count from the piece's middle.
    piece_of_region = np.concatenate([[0], np.cumsum(kink)])
    edges = np.concatenate([[a], bps, [b]])
    widths = 0.5 * edges[1:] - 0.5 * edges[:-1]  # halves: no overflow on [-1e308, 1e308]
    order = np.lexsort((-widths, piece_of_region))  # by piece, widest first
    first = np.concatenate([[True], np.diff(piece_of_region[order]) > 0])
    widest = order[first]
    piece_edges = np.concatenate([[a], kinks, [b]])
    middles = 0.5 * piece_edges[:-1] + 0.5 * piece_edges[1:]
    # the value at a kink from the regions either side (evaluating the network
    # there instead would cost kinks × units)
    region = np.flatnonzero(kink)
    with np.errstate(all="ignore"):
        values = 0.5 * (slopes[region] * kinks + intercepts[region]) \
            + 0.5 * (slopes[region + 1] * kinks + intercepts[region + 1])
    return PiecewiseLinear(
        domain,
        kinks,
        values,
        slopes[widest],
        intercepts[widest],
        active[np.searchsorted(bps, middles)],
        bps,
        active,
    )
