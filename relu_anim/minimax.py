"""Minimax fits: the n-unit network with the smallest max error, :func:`minimax_fit`.

:func:`relu_anim.construct.construct` minimises the mean squared error; this
module minimises ``max |g(x) − f(x)|`` over ``[a, b]`` instead, kinks included.

Which functions n units can make
--------------------------------
A one-hidden-layer network ``c + Σ aᵢ·ReLU(±(x − tᵢ))`` with ``n`` units and
all ``n`` kinks inside ``(a, b)`` is a continuous polyline with ``n + 1``
pieces, but not any such polyline: it has ``2n + 1`` parameters, the polyline
``2n + 2``. The slope left of every kink is minus the sum of the output weights
of the flipped units, so the slopes obey one linear condition. This module
searches the layouts where that condition says "one piece is flat":

- ``flat = p``: ``n`` kinks, piece ``p`` (0-based, ``0 … n``) has slope 0 (the
  kinks left of it are flipped units ``ReLU(t − x)``, the others ``ReLU(x − t)``);
- ``flat = None``: ``n − 1`` kinks and a free first slope (one unit
  ``ReLU(x − a)`` carries it), which is the limit of a flat piece of width 0.

Layouts with several flipped and unflipped units interleaved (slopes such as
``s₀ − s₁ + s₂ = 0``) are not searched: for a target whose best fit needs one
(a polyline with slopes 1, 2, 1) the result is the best of the searched
layouts, not of all n-unit networks. For x² on [0, 2] the searched family holds
the known optimum, ``2/(2n+1)²`` with a flat first piece (:mod:`relu_anim.x2`).

How
---
1. For each layout, the best *discontinuous* fit (pieces need not meet) is
   found by iterating on the level ``E`` (Illinois regula falsi): from the left,
   each piece is made as long as its own best line (or constant, for the flat
   piece) keeps the error ≤ ``E``; a piece's error only grows with its
   interval, so this greedy sweep is optimal, and ``E`` is feasible when the
   pieces reach ``b``. A piece's error is measured on 129 points plus its
   residual's peaks refined by parabola steps, points where the target was
   evaluated, so it is never overestimated: the level found is a lower bound
   on every continuous fit of the layout (:attr:`MinimaxFit.lower_bound`),
   and to rounding the exact one for smooth targets. A coarse pass (33
   points, level to 10⁻³) first sets aside the layouts that cannot win.
2. Where the target is convex or concave on each piece the pieces' best lines
   meet at the kinks (each is the chord shifted by ``E``), so joining them is
   already the continuous optimum: max error equal to the lower bound.
3. Otherwise the joined fit is polished by a trust-region sequential linear
   program in the kinks and values (Osborne–Watson), each linear program
   solved by a small revised simplex method (:func:`_lp_min`), until no step
   lowers the max error by :data:`POLISH_STOP` of it; the error's peaks are
   then level to that (the tests check the alternation this implies). The
   least-squares fit of :func:`relu_anim.construct.construct` is polished too,
   so the result is never worse than it. Not converging within the budget is
   refused, not returned.

The max error reported is :func:`relu_anim.metrics.max_error` of the network's
exact pieces, the package's one measure.

Examples
--------
>>> from relu_anim.x2 import optimal_max_error, square
>>> fit = minimax_fit(square, (0.0, 2.0), 3)
>>> abs(fit.max_error - optimal_max_error(3)) < 1e-13, fit.flat
(True, 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .checks import check_domain
from .construct import (check_fit_domain, check_target, check_units, construct, network_from_knots, shifted_relu_sum,
                        target_values)
from .errors import ReluAnimError
from .metrics import Function, max_error
from .network import Network

__all__ = ["MAX_MINIMAX_UNITS", "POLISH_STOP", "MinimaxFit", "best_line", "minimax_fit"]

#: Most units a minimax fit is attempted with: every layout is searched, so the
#: cost grows with the square of the units (x² with 20 units: about 30 s of CPU).
MAX_MINIMAX_UNITS = 20

#: The polishing stops when its best step would lower the max error by less than this
#: fraction of it (or a few ulps of the target): the error's peaks are then level to that.
POLISH_STOP = 1e-13
#: Points on which a piece's own best line is measured (odd: the middle is one).
_PIECE_POINTS = 129
#: Sample points per piece of the polishing step, before refinement.
_POLISH_POINTS = 48
_EPS = 2.0**-52
_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


@dataclass(frozen=True, eq=False)
class MinimaxFit:
    """A minimax fit and how it was found.

    Attributes
    ----------
    network
        The fitted network, ``units`` hidden ReLU units.
    knots
        ``a``, the kinks, ``b`` (increasing).
    values
        The fit's values at ``knots``.
    flat
        Index of the flat piece, or ``None`` for the layout with ``n − 1`` kinks
        and a linear unit (see the module docstring); also ``None`` in the rare
        case that the least-squares fit, of neither layout, was best.
    max_error
        :func:`relu_anim.metrics.max_error` of the network against the target.
    lower_bound
        No network of the searched layouts has a smaller max error.
    """

    network: Network
    knots: np.ndarray
    values: np.ndarray
    flat: int | None
    max_error: float
    lower_bound: float


# ---------------------------------------------------------------- one piece
def best_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """The line minimising ``max |y − (m·x + q)|`` over the points, by Remez exchange.

    Returns ``(m, q, error)``. Lines form a Haar space of dimension 2, so the
    best line is characterised by three points where the residual reaches
    ``±error`` with alternating signs; the exchange swaps in the worst point
    until no point is worse than the reference level.

    Examples
    --------
    >>> x = np.linspace(0.0, 2.0, 5)
    >>> m, q, e = best_line(x, x**2)
    >>> float(m), float(q), float(e)
    (2.0, -0.5, 0.5)
    """
    m, q, error, _ = _remez(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return m, q, error


def _remez(x: np.ndarray, y: np.ndarray, ref: list[int] | None = None) -> tuple[float, float, float, list[int]]:
    """:func:`best_line` on sorted points, starting from reference ``ref``; also the final reference."""
    count = len(x)
    if count < 3:
        m = (y[-1] - y[0]) / (x[-1] - x[0]) if count == 2 else 0.0
        return float(m), float(y[0] - m * x[0]), 0.0, list(range(count))
    ref = [0, count // 2, count - 1] if ref is None else ref
    size = float(np.max(np.abs(y)))
    signs = np.array([1.0, -1.0, 1.0])
    m = q = 0.0
    for _ in range(4 * count):
        xr = x[ref]
        try:
            m, q, _level = np.linalg.solve(np.column_stack([xr, np.ones(3), signs]), y[ref])
        except np.linalg.LinAlgError:
            break
        residual = y - (m * x + q)
        worst = int(np.argmax(np.abs(residual)))
        if worst in ref or abs(residual[worst]) <= abs(_level) * (1 + 8 * _EPS) + 8 * _EPS * size:
            break
        ref = _exchange(ref, worst, residual)
    residual = y - (m * x + q)
    return float(m), float(q), float(np.max(np.abs(residual))), ref


def _exchange(ref: list[int], new: int, residual: np.ndarray) -> list[int]:
    """Swap ``new`` into the sorted reference, keeping the residual's signs alternating."""
    s = np.sign(residual)
    if new < ref[0]:
        return [new, ref[1], ref[2]] if s[new] == s[ref[0]] else [new, ref[0], ref[1]]
    if new > ref[2]:
        return [ref[0], ref[1], new] if s[new] == s[ref[2]] else [ref[1], ref[2], new]
    if new < ref[1]:
        return [new, ref[1], ref[2]] if s[new] == s[ref[0]] else [ref[0], new, ref[2]]
    return [ref[0], new, ref[2]] if s[new] == s[ref[1]] else [ref[0], ref[1], new]


def _vertex(x: np.ndarray, r: np.ndarray, i: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Vertex of the parabola through ``(x[i−1..i+1], r[i−1..i+1])`` (equal spacing ``step``), within a step."""
    left, mid, right = r[i - 1], r[i], r[i + 1]
    curve = left - 2 * mid + right
    with np.errstate(all="ignore"):
        shift = np.where(curve != 0, 0.5 * step * (left - right) / curve, 0.0)
    return x[i] + np.clip(np.nan_to_num(shift), -step, step)


def _refine(target: Function, x: np.ndarray, r: np.ndarray, at: np.ndarray,
            residual_of: "Callable[[np.ndarray, np.ndarray], np.ndarray]") -> np.ndarray:
    """Places near the interior samples ``at`` where the residual peaks, by two parabola steps.

    Each step fits a parabola through three values of the residual and
    evaluates the target at its vertex: for a residual with three continuous
    derivatives the peak value is then found to about rounding.
    """
    at = at[(at > 0) & (at < len(x) - 1)]
    if not len(at):
        return np.empty(0)
    step = np.full(len(at), x[1] - x[0])
    first = _vertex(x, r, at, step)
    fine = step / 64
    around = np.stack([first - fine, first, first + fine], axis=1)
    around = np.clip(around, x[0], x[-1])
    values = residual_of(around, target_values(target, around))
    second = _vertex(around.ravel(), values.ravel(), 3 * np.arange(len(at)) + 1, fine)
    return np.clip(np.concatenate([first, second]), x[0], x[-1])


def _piece_fit(target: Function, u: float, v: float, flat: bool,
               points: int = _PIECE_POINTS, refine: bool = True) -> tuple[float, float, float]:
    """``(slope, intercept, error)`` of the best line (or constant) on [u, v].

    Measured on ``points`` equally spaced points plus the refined peaks of the
    residual (:func:`_refine`): the error is the best fit's error on points
    where the target was evaluated, so never more than on all of [u, v], and
    for smooth targets equal to it up to rounding.
    """
    x = np.linspace(u, v, points)
    y = target_values(target, x)
    if not refine:
        if flat:
            return 0.0, 0.5 * float(np.max(y)) + 0.5 * float(np.min(y)), 0.5 * float(np.max(y)) - 0.5 * float(np.min(y))
        return best_line(x, y)
    if flat:
        top, bottom = int(np.argmax(y)), int(np.argmin(y))
        extra = _refine(target, x, y, np.array([top]), lambda xs, ys: ys)
        extra = np.concatenate([extra, _refine(target, x, -y, np.array([bottom]), lambda xs, ys: -ys)])
        y = np.concatenate([y, target_values(target, extra)])
        hi, lo = float(np.max(y)), float(np.min(y))
        return 0.0, 0.5 * hi + 0.5 * lo, 0.5 * hi - 0.5 * lo
    m, q, _, ref = _remez(x, y)
    signs = np.sign(y[ref] - (m * x[ref] + q))
    extra = np.concatenate([
        _refine(target, x, s * (y - (m * x + q)), np.array([i]), lambda xs, ys, s=s: s * (ys - (m * xs + q)))
        for i, s in zip(ref, signs)
    ])
    if not len(extra):
        return m, q, float(np.max(np.abs(y - (m * x + q))))
    xs, first = np.unique(np.concatenate([x, extra]), return_index=True)
    ys = np.concatenate([y, target_values(target, extra)])[first]
    start = sorted(set(int(i) for i in np.searchsorted(xs, x[ref])))
    m, q, error, _ = _remez(xs, ys, start if len(start) == 3 else None)
    return m, q, error


# ---------------------------------------------------------------- step 1: discontinuous
def _longest(target: Function, u: float, b: float, level: float, flat: bool, tolerance: float,
             points: int, refine: bool) -> float:
    """Rightmost ``v ≤ b`` (to ``tolerance``, or a few floats) with the piece [u, v] within ``level``.

    Illinois iteration on ``error(u, v) − level``, which grows with ``v``
    (every third step a bisection, so the bracket always shrinks).
    """
    def excess(v: float) -> float:
        rough = _piece_fit(target, u, v, flat, points, refine=False)[2] - level
        if rough > 0 or not refine:  # refining only adds points: it cannot bring the error down
            return rough
        return _piece_fit(target, u, v, flat, points)[2] - level

    f_hi = excess(b)
    if f_hi <= 0:
        return b
    lo, hi, f_lo = u, b, -level
    side = 0
    for count in range(400):
        if hi - lo <= max(tolerance, 4 * np.spacing(max(abs(lo), abs(hi)))):
            return lo
        mid = 0.5 * lo + 0.5 * hi
        guess = lo - f_lo * (hi - lo) / (f_hi - f_lo) if count % 3 != 2 and f_hi > f_lo else mid
        if not lo < guess < hi:
            guess = mid
        if not lo < guess < hi:
            return lo
        value = excess(guess)
        if value <= 0:
            lo, f_lo = guess, value
            f_hi = f_hi / 2 if side == 1 else f_hi
            side = 1
        else:
            hi, f_hi = guess, value
            f_lo = f_lo / 2 if side == -1 else f_lo
            side = -1
    return lo


def _defect(target: Function, a: float, b: float, pieces: int, flat: int | None, level: float,
            tolerance: float, points: int, refine: bool) -> tuple[float, np.ndarray]:
    """Sweep ``pieces − 1`` pieces greedily at ``level``; the last piece's error minus ``level``, and the knots.

    Negative (or zero) when ``pieces`` pieces within ``level`` cover [a, b]. A
    piece's error only grows with its interval, so making each piece as long as
    it may is optimal: the defect decreases as the level grows.
    """
    knots = [a]
    for j in range(pieces - 1):
        v = _longest(target, knots[-1], b, level, j == flat, tolerance, points, refine)
        knots.append(v)
        if v >= b:
            return -level, _spread(np.array(knots), pieces)
    last = _piece_fit(target, knots[-1], b, pieces - 1 == flat, points, refine)[2]
    return last - level, np.array(knots + [b])


def _spread(knots: np.ndarray, pieces: int) -> np.ndarray:
    """``knots`` with spare pieces made by halving the widest pieces, until there are ``pieces``."""
    knots = list(knots)
    while len(knots) - 1 < pieces:
        i = int(np.argmax(np.diff(knots)))
        knots.insert(i + 1, 0.5 * knots[i] + 0.5 * knots[i + 1])
    return np.array(knots)


def _discontinuous(target: Function, a: float, b: float, pieces: int, flat: int | None,
                   lo: float, hi: float, relative: float, points: int,
                   refine: bool = True) -> tuple[float, float, np.ndarray]:
    """Bracket ``[lo, hi]`` of the best level of the discontinuous fit, narrowed to ``relative``; knots at ``hi``.

    Illinois (regula falsi) on the defect of :func:`_defect`: ``lo`` is a level
    at which the layout's pieces cannot cover the domain, ``hi`` one at which
    they can.
    """
    tolerance = min(relative, 1e-4) * (b - a)
    d_lo, _ = _defect(target, a, b, pieces, flat, lo, tolerance, points, refine)
    d_hi, knots = _defect(target, a, b, pieces, flat, hi, tolerance, points, refine)
    while d_hi > 0:  # the starting top was rounded low
        lo, d_lo = hi, d_hi
        hi = 2 * hi + _EPS
        d_hi, knots = _defect(target, a, b, pieces, flat, hi, tolerance, points, refine)
    if d_lo <= 0:
        return lo, lo, knots if lo == hi else _defect(target, a, b, pieces, flat, lo, tolerance, points, refine)[1]
    side = 0
    for _ in range(400):
        if hi - lo <= relative * hi or not lo < 0.5 * lo + 0.5 * hi < hi:
            return lo, hi, knots
        guess = hi - d_hi * (hi - lo) / (d_hi - d_lo)
        if not lo < guess < hi:
            guess = 0.5 * lo + 0.5 * hi
        d, found = _defect(target, a, b, pieces, flat, guess, tolerance, points, refine)
        if d > 0:
            lo, d_lo = guess, d
            d_hi = d_hi / 2 if side == -1 else d_hi
            side = -1
        else:
            hi, d_hi, knots = guess, d, found
            d_lo = d_lo / 2 if side == 1 else d_lo
            side = 1
    raise ReluAnimError("minimax fit: the level of the pieces did not converge; use --objective mse")


def _joined(target: Function, knots: np.ndarray, flat: int | None) -> np.ndarray:
    """Values at ``knots`` of the pieces' own best lines, averaged where neighbours meet."""
    pieces = len(knots) - 1
    left = np.empty(pieces)
    right = np.empty(pieces)
    for j in range(pieces):
        m, q, _ = _piece_fit(target, knots[j], knots[j + 1], j == flat)
        left[j] = m * knots[j] + q
        right[j] = m * knots[j + 1] + q
    values = np.empty(pieces + 1)
    values[0], values[-1] = left[0], right[-1]
    values[1:-1] = 0.5 * right[:-1] + 0.5 * left[1:]
    if flat is not None:  # the flat piece stays flat: both its ends take its level
        level = 0.5 * left[flat] + 0.5 * right[flat]
        values[flat] = values[flat + 1] = level
    return values


# ---------------------------------------------------------------- the network
def _network(knots: np.ndarray, values: np.ndarray, flat: int | None) -> Network:
    """The network equal to the polyline, flat piece ``flat`` exactly flat: ``len(knots) − 1`` units.

    With ``flat=None`` the first unit ``ReLU(x − a)`` carries the first slope.
    """
    if flat is None:
        return network_from_knots(knots, values, "none")
    slopes = np.diff(values) / np.diff(knots)
    slopes[flat] = 0.0
    jumps = np.diff(slopes)
    flipped = np.arange(1, len(knots) - 1) <= flat
    return shifted_relu_sum(jumps, knots[1:-1], values[flat], flipped=flipped)


def _measure(target: Function, net: Network, a: float, b: float) -> float:
    return max_error(net.piecewise(a, b), target)


# ---------------------------------------------------------------- step 3: polishing
def _lp_min(cost: np.ndarray, rows: np.ndarray, bounds: np.ndarray, max_pivots: int = 5000) -> np.ndarray:
    """Minimise ``cost·z`` subject to ``rows·z ≤ bounds`` (z free), by the revised simplex method on the dual.

    The dual ``min bounds·μ, rowsᵀμ = −cost, μ ≥ 0`` is solved in two phases
    (artificial variables first), each iteration solving with the basis afresh
    (no tableau to drift), Dantzig's rule in and Harris's ratio test out (the
    largest pivot among near-ties). The dual of a minimax problem is highly
    degenerate (its right-hand side is one 1 among zeros), so the right-hand
    side is perturbed by ``2⁻⁴⁴·(i + 1)/k`` per equation: no ties, no cycling. The
    primal ``z`` is the simplex multipliers of the final basis, so it satisfies
    every constraint (to rounding); the perturbation can leave its objective
    above the optimum by about ``2⁻⁴⁴`` times the bounds' size.
    """
    k, count = rows.shape[1], rows.shape[0]
    b_eq = -np.asarray(cost, dtype=float)
    flip = np.where(b_eq < 0, -1.0, 1.0)
    b_eq = b_eq + flip * 2.0**-44 * (np.arange(k) + 1) / k
    # columns: the constraints' μ, then one artificial per equation (±1 so that it starts > 0)
    matrix = np.hstack([rows.T, np.diag(flip)])
    prices = np.concatenate([bounds.astype(float), np.zeros(k)])
    basis = np.arange(count, count + k)

    def run(costs: np.ndarray, allowed: int) -> np.ndarray:
        nonlocal basis
        for _ in range(max_pivots):
            base = matrix[:, basis]
            try:
                level = np.linalg.solve(base, b_eq)
                multipliers = np.linalg.solve(base.T, costs[basis])
            except np.linalg.LinAlgError:
                raise ReluAnimError("minimax fit: a linear program became singular; use --objective mse") from None
            reduced = costs[:allowed] - multipliers @ matrix[:, :allowed]
            reduced[basis[basis < allowed]] = 0.0
            size = 1e-12 * max(1.0, float(np.max(np.abs(costs[:allowed]))))
            candidates = np.flatnonzero(reduced < -size)
            if not len(candidates):
                return multipliers
            enter = int(candidates[np.argmin(reduced[candidates])])
            direction = np.linalg.solve(base, matrix[:, enter])  # base is regular: solved above
            positive = direction > 1e-9 * max(1.0, float(np.max(np.abs(direction))))
            if not positive.any():
                raise ReluAnimError("minimax fit: a linear program is unbounded; use --objective mse")
            # Harris's ratio test: among the rows that nearly tie, the largest pivot (a well-conditioned basis)
            ratios = np.maximum(level[positive], 0.0) / direction[positive]
            slack = 1e-12 * max(1.0, float(np.max(np.abs(level))))
            limit = np.min((np.maximum(level[positive], 0.0) + slack) / direction[positive])
            tied = np.flatnonzero(positive)[ratios <= limit]
            leave = int(tied[np.argmax(direction[tied])])
            basis = basis.copy()
            basis[leave] = enter
        raise ReluAnimError("minimax fit: a linear program did not converge; use --objective mse")

    phase_one = np.concatenate([np.zeros(count), np.ones(k)])
    run(phase_one, count + k)
    return run(prices, count)


def _peaks(target: Function, knots: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where (piece, relative place ``λ``) the error ``g − f`` has its large local extrema.

    Each piece is sampled at ``2·_POLISH_POINTS + 1`` places; every local
    maximum of ``±(g − f)`` there above half the largest error is refined by
    golden-section search (to rounding for smooth targets).
    """
    lo, width = knots[:-1], np.diff(knots)
    t = np.linspace(0.0, 1.0, 2 * _POLISH_POINTS + 1)
    step = t[1]

    def err(piece: np.ndarray, lam: np.ndarray) -> np.ndarray:
        lam = np.clip(lam, 0.0, 1.0)
        line = values[piece] * (1 - lam) + values[piece + 1] * lam
        return line - target_values(target, lo[piece] + width[piece] * lam)

    grid_piece = np.repeat(np.arange(len(lo)), len(t))
    e = err(grid_piece, np.tile(t, len(lo))).reshape(len(lo), len(t))
    level = 0.5 * float(np.max(np.abs(e)))
    found_piece, found_lam = [], []
    for sign in (1.0, -1.0):
        s = sign * e
        padded = np.pad(s, ((0, 0), (1, 1)), constant_values=-np.inf)
        peak = (s >= padded[:, :-2]) & (s >= padded[:, 2:]) & (s >= level)
        piece, k = np.nonzero(peak)
        left = np.maximum(t[k] - step, 0.0)
        right = np.minimum(t[k] + step, 1.0)
        for _ in range(60):
            c = right - _GOLDEN * (right - left)
            d = left + _GOLDEN * (right - left)
            keep_left = sign * err(piece, c) >= sign * err(piece, d)
            right = np.where(keep_left, d, right)
            left = np.where(keep_left, left, c)
        found_piece.append(piece)
        found_lam.append(0.5 * left + 0.5 * right)
    return np.concatenate(found_piece), np.concatenate(found_lam)


def _polish(target: Function, knots: np.ndarray, values: np.ndarray, flat: int | None,
            scale: float, max_steps: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """Lower the max error of the continuous polyline by a trust-region sequential LP in knots and values.

    Sample points ride on the pieces (a point keeps its relative place ``λ`` in
    its piece as the knots move), so the fit's value there is linear in the
    values, and the error moves with the target's slope, taken by central
    differences. Each step minimises the linearised max error over steps of
    the knots within a trust radius; a step is kept only when the measured
    error drops by a tenth of the predicted drop.
    """
    a, b = knots[0], knots[-1]
    inner = len(knots) - 2
    value_index = np.arange(len(knots))
    if flat is not None:  # the flat piece's two ends share one value
        value_index[flat + 1:] -= 1
    free_values = int(value_index[-1]) + 1
    floor = 64 * _EPS * scale
    grid = np.linspace(0.0, 1.0, _POLISH_POINTS + 1)
    pieces = len(knots) - 1
    base_piece = np.repeat(np.arange(pieces), len(grid))
    base_lam = np.tile(grid, pieces)
    h = np.cbrt(_EPS) * max(abs(a), abs(b), b - a)

    pool: list[tuple[np.ndarray, np.ndarray]] = []  # peaks of the latest trial fits (cutting planes)

    def samples(kn: np.ndarray, va: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The grid, the peaks of this fit and those of the latest trials, as (piece, λ)."""
        pool.append(_peaks(target, kn, va))
        del pool[:-8]
        piece = np.concatenate([base_piece] + [p for p, _ in pool])
        lam = np.concatenate([base_lam] + [lam for _, lam in pool])
        _, first = np.unique(np.column_stack([piece, lam]), axis=0, return_index=True)  # no twin constraints
        return piece[first], lam[first]

    def errors(kn: np.ndarray, va: np.ndarray, piece: np.ndarray, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = kn[piece] + (kn[piece + 1] - kn[piece]) * lam
        return va[piece] * (1 - lam) + va[piece + 1] * lam - target_values(target, x), x

    piece, lam = samples(knots, values)
    e, x = errors(knots, values, piece, lam)
    current = float(np.max(np.abs(e)))
    radius = 0.25 * float(np.min(np.diff(knots)))
    for _ in range(max_steps):
        inside = np.clip(x, a + h, b - h)
        slope_f = (target_values(target, inside + h) - target_values(target, inside - h)) / (2 * h)
        n_var = inner + free_values + 1
        jac = np.zeros((len(x), n_var - 1))
        rows = np.arange(len(x))
        ok = piece >= 1  # the piece's left knot is interior: knot index piece − 1
        jac[rows[ok], piece[ok] - 1] -= slope_f[ok] * (1 - lam[ok])
        ok = piece + 1 <= inner
        jac[rows[ok], piece[ok]] -= slope_f[ok] * lam[ok]
        np.add.at(jac, (rows, inner + value_index[piece]), 1 - lam)
        np.add.at(jac, (rows, inner + value_index[piece + 1]), lam)
        cost = np.zeros(n_var)
        cost[-1] = 1.0
        ones = np.ones((len(x), 1))
        blocks = [np.hstack([jac, -ones]), np.hstack([-jac, -ones])]
        rhs = [-e, e]
        if inner:
            box = np.zeros((2 * inner, n_var))
            box[:inner, :inner] = np.eye(inner)
            box[inner:, :inner] = -np.eye(inner)
            blocks.append(box)
            rhs.append(np.full(2 * inner, radius))
        try:
            step = _lp_min(cost, np.vstack(blocks), np.concatenate(rhs))
        except ReluAnimError:  # a numerically singular program: try a smaller step
            radius *= 0.25
            if radius <= 16 * _EPS * (b - a):
                raise
            continue
        predicted = current - step[-1]
        if predicted <= max(floor, POLISH_STOP * current):
            return knots, values
        new_knots = knots.copy()
        new_knots[1:-1] += step[:inner]
        accepted = False
        if np.all(np.diff(new_knots) > 0):
            new_values = values + step[inner:inner + free_values][value_index]
            new_piece, new_lam = samples(new_knots, new_values)
            new_e, new_x = errors(new_knots, new_values, new_piece, new_lam)
            new_error = float(np.max(np.abs(new_e)))
            if new_error < current - 0.1 * predicted:
                knots, values, piece, lam, e, x = new_knots, new_values, new_piece, new_lam, new_e, new_x
                accepted, current = True, new_error
            else:  # keep the fit, but let the next step see where the trial's error peaked
                piece, lam = new_piece, new_lam
                e, x = errors(knots, values, piece, lam)
                current = float(np.max(np.abs(e)))
        if accepted:
            radius = min(2 * radius, 0.25 * float(np.min(np.diff(knots))))
        else:
            radius *= 0.25
            if radius <= 16 * _EPS * (b - a):
                return knots, values
    raise ReluAnimError(f"minimax fit: the polishing did not converge in {max_steps} steps; "
                        "use --objective mse or fewer units")


# ---------------------------------------------------------------- public
def minimax_fit(target: Function, domain: tuple[float, float], units: int) -> MinimaxFit:
    """The network with ``units`` ReLU units whose max error against ``target`` on ``domain`` is smallest.

    Searched over the layouts of the module docstring (one flat piece, or a
    linear unit); see there for the method and what is exact.

    Raises
    ------
    ReluAnimError
        Like :func:`relu_anim.construct.construct` for a bad target or domain;
        for more than :data:`MAX_MINIMAX_UNITS` units; when a step does not
        converge.

    Examples
    --------
    >>> fit = minimax_fit(lambda x: np.abs(x - 0.7), (0.0, 2.0), 2)
    >>> fit.max_error < 1e-12
    True
    """
    a, b = check_domain(*domain)
    n = check_units(units)
    if n > MAX_MINIMAX_UNITS:
        raise ReluAnimError(f"units: a minimax fit supports at most {MAX_MINIMAX_UNITS} units (got {n}); "
                            "use fewer units or --objective mse")
    check_fit_domain(a, b, n + 1)
    scale = check_target(target, a, b)
    top = _piece_fit(target, a, b, False)[2]
    layouts: list[tuple[int, int | None]] = [(n + 1, p) for p in range(n + 1)] + [(n, None)]
    # coarse: every layout's level to 1e-3, on fewer points; then fine, for the layouts that may win
    coarse = [_discontinuous(target, a, b, pieces, flat, 0.0, top, 1e-3, 33, refine=False)
              for pieces, flat in layouts]
    best: MinimaxFit | None = None
    bounds = []
    for (pieces, flat), (lo, hi, _) in sorted(zip(layouts, coarse), key=lambda item: item[1][0]):
        # skip a layout only against a measured error: the coarse levels come from 33 unrefined
        # points (too low) and kinks placed to 10⁻⁴ of the domain (too high, covered by the margin)
        if best is not None and (1 - 1e-3) * lo > best.max_error:
            bounds.append((1 - 1e-3) * lo)
            continue
        bound, _, knots = _discontinuous(target, a, b, pieces, flat, 0.0, 1.02 * hi + _EPS * scale,
                                         2 * _EPS, _PIECE_POINTS)
        bounds.append(bound)
        values = _joined(target, knots, flat)
        best = _better(best, target, knots, values, flat, bound, scale)
    # the least-squares fit of --objective mse is a candidate as it is, and a start for polishing
    least_squares = construct(target, (a, b), n)
    start = least_squares.piecewise(a, b)
    layout = _layout_of(start.knots, start.slopes, n)
    error = _measure(target, least_squares, a, b)
    if best is None or error < best.max_error:
        best = MinimaxFit(least_squares, start.knots, start(start.knots), layout if layout is not False else None,
                          error, 0.0)
    if layout is not False:
        values = start(start.knots)
        if layout is not None:
            values[layout + 1] = values[layout]
        best = _better(best, target, start.knots, values, layout, 0.0, scale)
    return MinimaxFit(best.network, best.knots, best.values, best.flat, best.max_error, float(min(bounds)))


def _better(best: MinimaxFit | None, target: Function, knots: np.ndarray, values: np.ndarray,
            flat: int | None, bound: float, scale: float) -> MinimaxFit:
    """``best``, or the fit from this start (polished unless it already meets ``bound``) if that is better."""
    a, b = knots[0], knots[-1]
    net = _network(knots, values, flat)
    candidates = [(_measure(target, net, a, b), knots, values, net)]
    if candidates[0][0] > bound * (1 + 1e-9) + 64 * _EPS * scale:
        knots, values = _polish(target, knots, values, flat, scale)
        net = _network(knots, values, flat)
        candidates.append((_measure(target, net, a, b), knots, values, net))
    error, knots, values, net = min(candidates, key=lambda c: c[0])
    if best is None or error < best.max_error:
        return MinimaxFit(net, knots, values, flat, error, 0.0)
    return best


def _layout_of(knots: np.ndarray, slopes: np.ndarray, units: int) -> int | None | bool:
    """The layout of a polyline with ``units`` units: its flat piece, ``None`` (linear unit) or False (neither)."""
    kinks = len(knots) - 2
    if kinks == units - 1:
        return None
    if kinks == units:
        # a piece made flat, up to the rounding of the running sums that give its slope
        flat = np.flatnonzero(np.abs(slopes) <= 64 * _EPS * np.max(np.abs(slopes)))
        if len(flat):
            return int(flat[0])
    return False
