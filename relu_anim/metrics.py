"""How far a piecewise-linear fit is from its target, computed per piece.

The mean squared error is integrated with Gauss–Legendre quadrature on panels
that never straddle a kink, so it is exact whenever the target is a polynomial
of degree ≤ 7 (x² included). The max error is found per piece and refined by
golden-section search, so it is exact to rounding for smooth targets. Errors
that are not finite (a target that overflows or is undefined somewhere) are
refused with :class:`~relu_anim.errors.ReluAnimError`, never averaged away.

The theoretical optima for x² on [0, 2] with a one-hidden-layer network of n
ReLU units (DESIGN.md, "Numbers to hit") are re-exported here from their home,
:mod:`relu_anim.x2`.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .errors import ReluAnimError
from .piecewise import PiecewiseLinear
from .x2 import interpolation_max_error as x2_interpolation_max_error
from .x2 import is_x2_on_0_2
from .x2 import optimal_max_error as x2_optimal_max_error
from .x2 import optimal_mse as x2_optimal_mse

__all__ = [
    "MAX_TARGET",
    "Function",
    "quadrature",
    "mse",
    "max_error",
    "fit_metrics",
    "x2_optimal_max_error",
    "x2_optimal_mse",
    "x2_interpolation_max_error",
    "is_x2_on_0_2",
]

#: A target: a vectorised function of a float array.
Function = Callable[[np.ndarray], np.ndarray]

#: Largest target value a fit is measured against: errors of this size still
#: square to a finite number (1e150² = 1e300 < 1.8e308).
MAX_TARGET = 1e150

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(8)


def quadrature(knots: np.ndarray, panels: int = 256) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on ``[knots[0], knots[-1]]``, no panel across a knot.

    Returns ``(x, w, piece)``: nodes, weights (summing to the domain's length)
    and the index of the knot interval each node lies in.

    Examples
    --------
    >>> x, w, piece = quadrature(np.array([0.0, 1.0, 2.0]), panels=4)
    >>> round(float(np.sum(w * x**2)), 12)  # ∫₀² x² dx = 8/3
    2.666666666667
    """
    knots = np.asarray(knots, dtype=float)
    a, b = knots[0], knots[-1]
    # every knot is a panel edge, however close to another edge: a panel never
    # straddles a kink, on any domain
    edges = np.union1d(knots, np.linspace(a, b, panels + 1))
    edges = edges[(edges >= a) & (edges <= b)]
    with np.errstate(over="ignore", invalid="ignore"):
        half = 0.5 * edges[1:] - 0.5 * edges[:-1]
        mid = 0.5 * edges[:-1] + 0.5 * edges[1:]
        x = (mid[:, None] + half[:, None] * _GL_NODES).ravel()
        w = (half[:, None] * _GL_WEIGHTS).ravel()
    # the knot interval of each panel, from its left edge (exact, unlike its middle)
    piece = np.searchsorted(knots, edges[:-1], side="right") - 1
    return x, w, np.repeat(np.clip(piece, 0, len(knots) - 2), len(_GL_NODES))


def _errors(f: PiecewiseLinear, target: Function, x: np.ndarray, pieces: np.ndarray | None = None) -> np.ndarray:
    """``f(x) − target(x)``; refused where it is not finite."""
    with np.errstate(all="ignore"):
        fx = f(x) if pieces is None else f.slopes[pieces] * x + f.intercepts[pieces]
        err = fx - np.asarray(target(x), dtype=float)
    if not np.all(np.isfinite(err)):
        where = np.ravel(x)[np.flatnonzero(~np.isfinite(np.ravel(err)))[0]]
        raise ReluAnimError(
            f"metrics: the fit or its target is not finite (or too large) at x = {where:g}; "
            "choose a domain where the target is finite"
        )
    return err


def mse(f: PiecewiseLinear, target: Function) -> float:
    """Mean over the domain of ``(f(x) − target(x))²``, integrated piece by piece.

    Examples
    --------
    >>> f = PiecewiseLinear.from_points([0.0, 2.0], [0.0, 0.0])
    >>> round(mse(f, lambda x: x), 12)  # mean of x² on [0, 2]
    1.333333333333
    """
    x, w, _ = quadrature(f.knots)
    err = _errors(f, target, x)
    a, b = f.domain
    size = float(np.max(np.abs(err))) if err.size else 0.0
    if size == 0.0:
        return 0.0
    with np.errstate(over="ignore"):
        # scaled by the largest error so that squaring cannot overflow early
        value = size * size * float(np.sum(w * (err / size) ** 2) / (0.5 * b - 0.5 * a) / 2.0)
    if not np.isfinite(value):
        raise ReluAnimError(
            f"metrics: the fit's errors (up to {size:.3g}) square beyond double precision; rescale the target"
        )
    return value


def max_error(f: PiecewiseLinear, target: Function, samples: int = 64) -> float:
    """``max |f(x) − target(x)|`` on the domain.

    Each piece is sampled at ``samples`` points (and its ends); around every
    piece's worst sample a golden-section search finds the maximum to rounding.

    Examples
    --------
    >>> f = PiecewiseLinear.from_points([0.0, 2.0], [0.0, 4.0])
    >>> round(max_error(f, lambda x: x**2), 12)  # 2x − x² peaks at x = 1
    1.0
    """
    knots = f.knots
    lo, hi = knots[:-1], knots[1:]
    t = np.linspace(0.0, 1.0, samples + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        xs = lo[:, None] + (0.5 * hi - 0.5 * lo)[:, None] * (2 * t)
    xs[:, -1] = hi
    pieces = np.arange(len(lo))[:, None]

    def err(x: np.ndarray) -> np.ndarray:
        return np.abs(_errors(f, target, x, pieces))

    values = err(xs)
    best = np.max(values, axis=1)
    k = np.argmax(values, axis=1)
    step = (hi - lo) / samples
    left = np.maximum(xs[np.arange(len(lo)), k] - step, lo)[:, None]
    right = np.minimum(xs[np.arange(len(lo)), k] + step, hi)[:, None]
    ratio = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(80):  # golden section, maximising: shrink toward the larger end
        c = right - ratio * (right - left)
        d = left + ratio * (right - left)
        keep_left = err(c) >= err(d)
        right = np.where(keep_left, d, right)
        left = np.where(keep_left, left, c)
    refined = err(0.5 * left + 0.5 * right)[:, 0]
    return float(np.max(np.maximum(best, refined)))


def fit_metrics(f: PiecewiseLinear, target: Function, units: int | None = None,
                target_text: str | None = None) -> dict[str, float]:
    """``mse`` and ``max_error`` of a fit, with the optima when the target is x² on [0, 2].

    Examples
    --------
    >>> f = PiecewiseLinear.from_points([0.0, 2.0], [0.0, 4.0])
    >>> sorted(fit_metrics(f, lambda x: x**2, units=1, target_text="x**2"))
    ['max_error', 'mse', 'optimal_max_error', 'optimal_mse']
    """
    out = {"mse": mse(f, target), "max_error": max_error(f, target)}
    if units is not None and is_x2_on_0_2(target_text, f.domain):
        out["optimal_mse"] = x2_optimal_mse(units)
        out["optimal_max_error"] = x2_optimal_max_error(units)
    return out
