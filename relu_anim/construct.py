"""Networks in closed form: shifted-ReLU sums, interpolants, least squares, optima.

Every network built here has one hidden layer of units ``ReLU(±(x − h))`` and a
linear output, except the deep ones (:func:`tent_map`, :func:`yarotsky_x2`).
Nothing is trained: kinks are placed by a rule and the output layer is solved
exactly, by least squares in the continuous L² sense on the domain.

Least squares works in the hat-function basis of the kinks, where the Gram
matrix is tridiagonal and well conditioned, and only then rewrites the result
as ReLU output weights: fast and accurate for thousands of units. Everything
:func:`construct` does is linear in the number of units (10,000 units: about
4 s and 70 MB), and it refuses, with what to change, what double precision
cannot fit: a target that is not finite or beyond ``MAX_TARGET``, a domain
too narrow for its distance from 0 to hold the pieces, or too far out.
"""

from __future__ import annotations

import math
from typing import Literal, Sequence

import numpy as np

from .checks import check_domain, check_whole
from .errors import ReluAnimError
from .metrics import MAX_TARGET, Function, fit_metrics, quadrature
from .network import Layer, Network
from .target import Target
from .x2 import optimal_kinks as x2_optimal_kinks
from .x2 import units_for_max_error

__all__ = [
    "MAX_UNITS",
    "check_fit_domain",
    "check_target",
    "target_values",
    "MAX_DEPTH",
    "check_units",
    "relu_as_shift",
    "shifted_relu_sum",
    "network_from_knots",
    "interpolant",
    "least_squares_output",
    "x2_optimal_kinks",
    "optimal_x2",
    "tent_map",
    "yarotsky_x2",
    "units_for_max_error",
    "construct",
    "random_network",
]

#: More hidden units than this is refused as a mistake rather than attempted.
#: :func:`construct` at this size takes about 4 s and 70 MB (x² on [0, 2]).
MAX_UNITS = 10_000

#: Deepest :func:`tent_map` and :func:`yarotsky_x2` built (their exact analysis
#: stops earlier, at :data:`relu_anim.piecewise.MAX_PIECES` pieces: m = 19).
MAX_DEPTH = 30

Flat = Literal["none", "left", "right"]

_EPS = 2.0**-52
#: Rounding of a target's values, relative to its largest value on the domain:
#: bends smaller than this makes are not bends (see ``_straighten``).
_NOISE = 64 * _EPS
#: ... and in absolute terms at least this: below 2⁻¹⁰²² values are subnormal, rounded to
#: multiples of 2⁻¹⁰⁷⁴ however small they are.
_NOISE_FLOOR = 64 * 2.0**-1074
#: Fewest floats one piece of an n-unit fit must span (see ``check_fit_domain``).
_MIN_FLOATS = 2**16


def check_units(units: int) -> int:
    """Return ``units`` as an int in ``1..MAX_UNITS`` or raise :class:`ReluAnimError`.

    Examples
    --------
    >>> check_units(3.0)
    3
    >>> check_units(20_000)
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: units: 20000 is more than the 10000 supported; use fewer units
    """
    units = check_whole(units, "units", low=None)
    if units < 1:
        raise ReluAnimError(f"units: need at least 1 (got {units})")
    if units > MAX_UNITS:
        raise ReluAnimError(f"units: {units} is more than the {MAX_UNITS} supported; use fewer units")
    return units


def relu_as_shift(weight: float, bias: float) -> tuple[float, float, bool]:
    """Rewrite one neuron ``ReLU(w·x + b)`` as ``|w|·ReLU(±(x − h))``.

    Returns ``(scale, h, flipped)`` with ``scale = |w|``, ``h = −b/w`` and
    ``flipped = w < 0`` (the ramp then rises to the left of ``h``).

    Examples
    --------
    >>> relu_as_shift(2.0, -3.0)
    (2.0, 1.5, False)
    >>> relu_as_shift(-1.0, 1.0)
    (1.0, 1.0, True)
    """
    weight, bias = float(weight), float(bias)
    if weight == 0:
        raise ReluAnimError("weight: a neuron with weight 0 has no kink to shift")
    return abs(weight), -bias / weight + 0.0, weight < 0


def shifted_relu_sum(weights: Sequence[float], shifts: Sequence[float], bias: float = 0.0,
                     flipped: Sequence[bool] | None = None) -> Network:
    """The network ``bias + Σ weights[i]·ReLU(±(x − shifts[i]))``.

    A unit is ``ReLU(x − h)``, or ``ReLU(h − x)`` where ``flipped[i]`` is true.

    Examples
    --------
    >>> net = shifted_relu_sum([1.0, 1.0], [0.0, 1.0])   # ReLU(x) + ReLU(x − 1)
    >>> net([0.5, 2.0]).tolist()
    [0.5, 3.0]
    """
    weights = np.asarray(weights, dtype=float).reshape(-1)
    shifts = np.asarray(shifts, dtype=float).reshape(-1)
    if len(weights) != len(shifts) or len(weights) == 0:
        raise ReluAnimError(
            f"weights: need one weight per shift (got {len(weights)} weights, {len(shifts)} shifts)"
        )
    sign = np.ones_like(shifts) if flipped is None else np.where(np.asarray(flipped, bool), -1.0, 1.0)
    hidden = Layer(sign[:, None], -sign * shifts + 0.0, "relu", name="hidden")
    output = Layer(weights[None, :], [float(bias)], "linear", name="output")
    return Network([hidden, output])


def network_from_knots(knots: Sequence[float], values: Sequence[float], flat: Flat = "none") -> Network:
    """One hidden layer equal to the interpolant through ``(knots, values)`` on its range.

    Parameters
    ----------
    knots, values
        The polyline; ``knots`` strictly increasing, first and last are the domain.
    flat
        ``"none"``: a unit ``ReLU(x − a)`` carries the first slope, then one unit per
        interior knot (``len(knots) − 1`` units). ``"left"``: the first piece is flat
        and needs no unit (``len(knots) − 2`` units). ``"right"``: the last piece is
        flat and the units are ``ReLU(t − x)``.

    Examples
    --------
    >>> net = network_from_knots([0, 1, 2], [0, 1, 4])
    >>> net([0.5, 1.5]).tolist()
    [0.5, 2.5]
    """
    knots, values = _check_knots(knots, values)
    with np.errstate(all="ignore"):
        slopes = np.diff(values) / np.diff(knots)
    return _network_from_slopes(knots, values, slopes, flat)


def _check_knots(knots: Sequence[float], values: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    knots = np.asarray(knots, dtype=float)
    values = np.asarray(values, dtype=float)
    if knots.ndim != 1 or knots.shape != values.shape or len(knots) < 2:
        raise ReluAnimError("knots: need at least two knots and one value per knot")
    if not (np.all(np.isfinite(knots)) and np.all(np.isfinite(values))):
        raise ReluAnimError("knots: knots and values must be finite numbers")
    if not np.all(np.diff(knots) > 0):
        raise ReluAnimError("knots: must be strictly increasing")
    return knots, values


def _network_from_slopes(knots: np.ndarray, values: np.ndarray, slopes: np.ndarray, flat: Flat) -> Network:
    """The units of :func:`network_from_knots` from the pieces' slopes (the values anchor it)."""
    if not np.all(np.isfinite(slopes)):
        raise ReluAnimError("knots: the slopes between them overflow double precision; rescale x or the values")
    slopes = slopes.copy()
    if flat == "none":
        return shifted_relu_sum(np.diff(slopes, prepend=0.0), knots[:-1], values[0])
    if len(knots) < 3:
        raise ReluAnimError("knots: a flat end piece needs at least one interior knot")
    if flat == "left":
        slopes[0] = 0.0
        return shifted_relu_sum(np.diff(slopes), knots[1:-1], values[0])
    if flat == "right":
        slopes[-1] = 0.0
        return shifted_relu_sum(np.diff(slopes), knots[1:-1], values[-1], flipped=[True] * (len(knots) - 2))
    raise ReluAnimError(f"flat: expected 'none', 'left' or 'right' (got {flat!r})")


def _straighten(knots: np.ndarray, values: np.ndarray, noise: float, flat: Flat) -> np.ndarray:
    """The pieces' slopes, with bends that are only rounding noise made exactly zero.

    ``values`` are known to within ``noise`` each, so neighbouring slopes that
    differ by less than their rounding (``2·noise/h`` each) may be equal. A run of
    such pieces whose knot values all lie within ``4·noise`` of the run's chord
    gets the chord's slope: an affine target then gives an exactly affine
    network, with no kinks made of rounding. A flat end piece is kept flat, and
    the run beside it is made flat when all its values are within ``4·noise`` of
    the flat level.
    """
    with np.errstate(all="ignore"):
        h = np.diff(knots)
        slopes = np.diff(values) / h
        if len(slopes) < 2 or not noise > 0:
            return slopes
        bound = 2 * noise * (1 / h[:-1] + 1 / h[1:]) + 4 * _EPS * (np.abs(slopes[:-1]) + np.abs(slopes[1:]))
        same = np.abs(np.diff(slopes)) <= bound
    if flat == "left":
        same[0] = False
    elif flat == "right":
        same[-1] = False
    run = np.concatenate([[0], np.cumsum(~same)])  # per piece
    first = np.flatnonzero(np.concatenate([[True], ~same]))  # first piece of each run
    last = np.append(first[1:], len(slopes))  # one past the last piece = the run's right knot
    with np.errstate(all="ignore"):
        chord = (values[last] - values[first]) / (knots[last] - knots[first])
        inner = np.flatnonzero(same) + 1  # knots inside a run
        g = run[inner]
        off = np.abs(values[inner] - (values[first[g]] + chord[g] * (knots[inner] - knots[first[g]])))
    worst = np.zeros(len(first))
    np.maximum.at(worst, g, np.where(np.isfinite(off), off, np.inf))
    straight = (worst <= 4 * noise) & np.isfinite(chord)
    straightened = np.where(straight[run], chord[run], slopes)
    if flat != "none" and len(first) > 1:
        # the run beside the flat end piece is flat too when all its values are within the noise
        # of the flat level: its chord's slope would be rounding, and a bend where the flat piece ends
        side = 1 if flat == "left" else len(first) - 2
        level = values[0] if flat == "left" else values[-1]
        if np.all(np.abs(values[first[side]: last[side] + 1] - level) <= 4 * noise):
            straightened[run == side] = 0.0
    return straightened


def interpolant(target: Function, knots: Sequence[float]) -> Network:
    """Interpolate ``target`` at ``knots`` with ``len(knots) − 1`` ReLU units.

    Examples
    --------
    >>> net = interpolant(lambda x: x**2, [0.0, 1.0, 2.0])
    >>> net.piecewise(0, 2).breakpoints.tolist(), net([1.0]).tolist()
    ([1.0], [1.0])
    """
    knots = np.asarray(knots, dtype=float)
    return network_from_knots(knots, np.asarray(target(knots), dtype=float))


def _solve_tridiagonal(diag: np.ndarray, off: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve a symmetric tridiagonal system (Thomas algorithm)."""
    n = len(diag)
    c = np.zeros(n)
    d = np.zeros(n)
    c[0] = off[0] / diag[0] if n > 1 else 0.0
    d[0] = rhs[0] / diag[0]
    for i in range(1, n):
        m = diag[i] - off[i - 1] * c[i - 1]
        if i < n - 1:
            c[i] = off[i] / m
        d[i] = (rhs[i] - off[i - 1] * d[i - 1]) / m
    x = np.zeros(n)
    x[-1] = d[-1]
    for i in range(n - 2, -1, -1):
        x[i] = d[i] - c[i] * x[i + 1]
    return x


def _least_squares_values(target: Function, knots: np.ndarray, flat: Flat) -> np.ndarray:
    """Values at ``knots`` of the L²-best polyline on those knots (flat end if asked)."""
    if flat == "right":
        return _least_squares_values(lambda t: target(knots[0] + knots[-1] - t),
                                     (knots[0] + knots[-1] - knots)[::-1], "left")[::-1]
    # Gram matrix and right-hand side are both proportional to the domain's
    # length; divided by it they stay in range on tiny and huge domains alike
    with np.errstate(over="ignore"):
        span = knots[-1] - knots[0]
        steps = np.diff(knots)
    if not (np.isfinite(span) and np.all(np.isfinite(steps))):
        raise ReluAnimError(f"domain [{knots[0]:g}, {knots[-1]:g}]: its width overflows double precision; rescale x")
    lengths = steps / span
    diag = np.concatenate([lengths, [0.0]]) / 3 + np.concatenate([[0.0], lengths]) / 3
    off = lengths / 6
    x, w, piece = quadrature(knots, panels=max(256, 2 * len(knots)))
    fx = target_values(target, x)
    right = (x - knots[piece]) / steps[piece]
    weight = (w / span) * fx
    rhs = np.bincount(piece, weight * (1 - right), len(knots)) + np.bincount(piece + 1, weight * right, len(knots))
    if flat == "left":  # hat₀ + hat₁ become one basis function
        diag = np.concatenate([[diag[0] + 2 * off[0] + diag[1]], diag[2:]])
        off = off[1:]
        rhs = np.concatenate([[rhs[0] + rhs[1]], rhs[2:]])
        coef = _solve_tridiagonal(diag, off, rhs)
        return np.concatenate([[coef[0]], coef])
    return _solve_tridiagonal(diag, off, rhs)


def least_squares_output(target: Function, shifts: Sequence[float], domain: tuple[float, float]) -> Network:
    """Units ``ReLU(x − shifts[i])`` with output weights and bias fitted to ``target``.

    "Adjusting the weights": the kinks stay where they are; the output layer is
    the least-squares best on ``domain`` (continuous L², exact quadrature for
    polynomial targets). A shift at or left of the domain's start acts as a
    linear term; one at or right of its end gets weight 0.

    Examples
    --------
    >>> net = least_squares_output(lambda x: x**2, [0.0, 1.0], (0.0, 2.0))
    >>> [round(float(v), 6) for v in net.layers[-1].weight[0]]
    [1.0, 2.0]
    """
    a, b = check_domain(*domain)
    shifts = np.asarray(shifts, dtype=float).reshape(-1)
    if len(shifts) == 0 or not np.all(np.isfinite(shifts)):
        raise ReluAnimError("shifts: need at least one finite shift")
    interior = np.unique(shifts[(shifts > a) & (shifts < b)])
    linear = bool(np.any(shifts <= a))
    knots = np.concatenate([[a], interior, [b]])
    values = _least_squares_values(target, knots, "none" if linear else "left")
    slopes = np.diff(values) / np.diff(knots)
    if not linear:
        slopes[0] = 0.0
    weights = np.zeros(len(shifts))
    taken: set[float] = set()
    bias = values[0]
    for i, h in enumerate(shifts):
        if h <= a and "linear" not in taken:
            weights[i] = slopes[0]
            bias -= slopes[0] * (a - h)
            taken.add("linear")
        elif a < h < b and h not in taken:
            k = int(np.searchsorted(knots, h))
            weights[i] = slopes[k] - slopes[k - 1]
            taken.add(h)
    return shifted_relu_sum(weights, shifts, bias)


def optimal_x2(n: int, criterion: Literal["max_error", "mse"] = "max_error") -> Network:
    """The best n-unit one-hidden-layer fit of x² on [0, 2], in closed form.

    The interpolant of x² on the knots ``−h/2 + k·h`` (``h = 4/(2n+1)``), whose
    first piece is flat, shifted down by ``h²/8`` (max error ``2/(2n+1)²``, the
    minimax optimum) or by ``h²/6`` (mean squared error ``64/(45(2n+1)⁴)``).
    Every unit has output weight ``2h``.

    Examples
    --------
    >>> from relu_anim.metrics import max_error
    >>> f = optimal_x2(1).piecewise(0, 2)
    >>> round(max_error(f, lambda x: x**2), 12) == round(2 / 9, 12)
    True
    """
    n = check_units(n)
    if criterion not in ("max_error", "mse"):
        raise ReluAnimError(f"criterion: expected 'max_error' or 'mse' (got {criterion!r})")
    h = 4.0 / (2 * n + 1)
    shift = h * h / 8 if criterion == "max_error" else h * h / 6
    return shifted_relu_sum(np.full(n, 2 * h), x2_optimal_kinks(n), h * h / 4 - shift)


def tent_map(m: int = 1) -> Network:
    """The tent map g(x) = 2·ReLU(x) − 4·ReLU(x − ½) composed ``m`` times, on [0, 1].

    ``m`` hidden layers of 2 units; the result has ``2**m`` pieces on [0, 1].

    Examples
    --------
    >>> len(tent_map(3).piecewise(0, 1).breakpoints)
    7
    """
    m = _check_depth(m)
    layers = [Layer([[1.0], [1.0]], [0.0, -0.5], "relu", name="layers[0]")]
    for i in range(1, m):
        layers.append(Layer([[2.0, -4.0], [2.0, -4.0]], [0.0, -0.5], "relu", name=f"layers[{i}]"))
    layers.append(Layer([[2.0, -4.0]], [0.0], "linear", name="output"))
    return Network(layers)


def yarotsky_x2(m: int, scale: float = 2.0) -> Network:
    """Yarotsky's deep approximation of x² on [0, scale]: m hidden layers of width 3.

    On [0, 1], ``f_m(x) = x − Σ_{s=1..m} g_s(x)/4^s`` (``g_s`` the s-fold tent map)
    interpolates x² at ``2^m + 1`` equal steps, error ``2^(−2m−2)``; scaled to
    [0, 2] the error is ``2^(−2m)``. The units carry ``ReLU(g)``,
    ``ReLU(g − ½)`` and the running sum (non-negative, so ReLU passes it).

    Examples
    --------
    >>> from relu_anim.metrics import max_error
    >>> f = yarotsky_x2(3).piecewise(0, 2)
    >>> len(f.breakpoints), round(max_error(f, lambda x: x**2) / 2.0 ** -6, 9)
    (7, 1.0)
    """
    m = _check_depth(m)
    scale = float(scale)
    if not (np.isfinite(scale) and scale > 0):
        raise ReluAnimError(f"scale: must be a positive number (got {scale})")
    s = 1.0 / scale
    layers = [Layer([[s], [s], [s]], [0.0, -0.5, 0.0], "relu", name="layers[0]")]
    for k in range(1, m):  # g_k = 2u₁ − 4u₂; f_k = f_{k−1} − g_k/4^k
        q = 4.0 ** -k
        layers.append(Layer([[2.0, -4.0, 0.0], [2.0, -4.0, 0.0], [-2 * q, 4 * q, 1.0]],
                            [0.0, -0.5, 0.0], "relu", name=f"layers[{k}]"))
    q = 4.0 ** -m
    layers.append(Layer([[-2 * q * scale**2, 4 * q * scale**2, scale**2]], [0.0], "linear", name="output"))
    return Network(layers)


def _check_depth(m: int) -> int:
    return check_whole(m, "depth m", low=1, high=MAX_DEPTH)


def target_values(target: Function, x: np.ndarray) -> np.ndarray:
    """``target(x)``, refused with the first place where it is not finite.

    Examples
    --------
    >>> target_values(lambda x: x**2, np.array([0.0, 2.0]))
    array([0., 4.])
    """
    with np.errstate(all="ignore"):
        fx = np.broadcast_to(np.asarray(target(x), dtype=float), np.shape(x))
    bad = np.flatnonzero(~np.isfinite(fx))
    if bad.size:
        raise ReluAnimError(
            f"target: not finite at x = {np.ravel(x)[bad[0]]:g}; choose a domain where it is finite"
        )
    return fx


def check_target(target: Function, a: float, b: float) -> float:
    """Refuse a target that is not finite or too large on [a, b]; return max |target|.

    A :class:`~relu_anim.target.Target` is checked soundly
    (:meth:`~relu_anim.target.Target.check_finite`); any other callable by
    sampling, which can miss a singularity between samples.

    Examples
    --------
    >>> check_target(lambda x: x**2, 0.0, 2.0)
    4.0
    """
    if isinstance(target, Target):
        target.check_finite(a, b)
    probe = np.linspace(a, b, 4097)
    with np.errstate(all="ignore"):
        fx = np.broadcast_to(np.asarray(target(probe), dtype=float), probe.shape)
    bad = np.flatnonzero(~np.isfinite(fx))
    if bad.size:
        raise ReluAnimError(
            f"target: not finite at x = {probe[bad[0]]:g} on [{a:g}, {b:g}]; choose a domain where it is finite"
        )
    scale = float(np.max(np.abs(fx)))
    if scale > MAX_TARGET:
        raise ReluAnimError(
            f"target: reaches {scale:.3g} on [{a:g}, {b:g}], beyond the {MAX_TARGET:.0e} a fit supports "
            "(its squared error would overflow double precision); rescale the target or shrink the domain"
        )
    return scale


def check_fit_domain(a: float, b: float, n: int) -> np.ndarray:
    """The n + 1 equally spaced knots of [a, b], refusing a domain double precision cannot split.

    Each of the n pieces must hold at least ``_MIN_FLOATS`` floats, so that the
    kinks can be placed and the fit's error integrated on distinct points.

    Examples
    --------
    >>> check_fit_domain(0.0, 2.0, 4)
    array([0. , 0.5, 1. , 1.5, 2. ])
    """
    reach = max(abs(a), abs(b))
    if reach > MAX_TARGET:
        raise ReluAnimError(
            f"domain [{a:g}, {b:g}]: ends beyond ±{MAX_TARGET:.0e} are not supported (the fit's slopes times "
            "x would overflow double precision); rescale x"
        )
    spacing = float(np.spacing(reach))
    floats = (b - a) / spacing  # floats in the domain
    if floats / n < _MIN_FLOATS:
        most = int(floats // _MIN_FLOATS)
        advice = f"use at most {most:,} units, or" if most >= 1 else "use"
        raise ReluAnimError(
            f"domain [{a:.17g}, {b:.17g}] is too narrow for {n:,} unit{'s' * (n != 1)} at double precision: "
            f"floats near {reach:g} are {spacing:.3g} apart, so each piece would hold only {floats / n:,.0f} "
            f"of them (a fit needs {_MIN_FLOATS:,}); {advice} a wider domain, or one nearer 0 "
            "(substitute x + c for x)"
        )
    return np.linspace(a, b, n + 1)


def _curvature_cdf(target: Function, a: float, b: float, blend: float) -> tuple[np.ndarray, np.ndarray]:
    """Grid and normalised cumulative knot density ``(1−blend) + blend·|f''|^(2/5)``.

    Where the target has no curvature at all (an affine target) the density is uniform.
    """
    grid = np.linspace(a, b, 4097)
    with np.errstate(all="ignore"):
        f = np.asarray(target(grid), dtype=float)
        step = grid[1] - grid[0]
        curvature = np.abs(np.gradient(np.gradient(f, step), step))
        density = np.where(np.isfinite(curvature), curvature, 0.0) ** 0.4
    mean = float(np.mean(density))
    if mean > 0 and np.isfinite(mean):
        density = (1 - blend) + blend * density / mean
    else:
        density = np.ones_like(grid)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (density[1:] + density[:-1]))])
    return grid, cdf / cdf[-1]


def construct(target: Function, domain: tuple[float, float], units: int) -> Network:
    """Fit ``target`` on ``domain`` with ``units`` ReLU units, without training.

    Candidates: equally spaced interpolation, and least-squares output layers on
    kinks placed where the curvature is (density ∝ |f''|^(2/5), the L²-optimal
    rule, blended with uniform spacing), with the first piece flat, the last
    piece flat, or a linear first unit. The candidate with the smallest mean
    squared error among those no worse than the interpolant in both mean
    squared and max error is returned, so the result is never worse than
    equally spaced interpolation.

    Bends that are only rounding of the target's values (relative size about
    ``64·2⁻⁵³`` of its largest value) are straightened out, so an affine target
    gives an exactly affine network: units with output weight 0 and no kinks.

    Raises
    ------
    ReluAnimError
        If the target is not finite on the domain (a :class:`~relu_anim.target.Target`
        is checked soundly), exceeds ``MAX_TARGET`` in size, or the domain is too
        narrow (for its distance from 0) to hold ``units`` pieces of at least
        2¹⁶ floats each, or reaches beyond ±``MAX_TARGET``.

    Examples
    --------
    >>> from relu_anim.metrics import mse, x2_optimal_mse
    >>> net = construct(lambda x: x**2, (0.0, 2.0), 10)
    >>> round(mse(net.piecewise(0, 2), lambda x: x**2) / x2_optimal_mse(10), 6)
    1.0
    >>> construct(lambda x: 2 * x + 1, (0.0, 1.0), 3).piecewise(0, 1).breakpoints.size
    0
    """
    a, b = check_domain(*domain)
    n = check_units(units)
    knots = check_fit_domain(a, b, n)
    scale = check_target(target, a, b)
    noise = _NOISE * scale + _NOISE_FLOOR
    values = target_values(target, knots)
    best = _network_from_slopes(knots, values, _straighten(knots, values, noise, "none"), "none")
    best_score = fit_metrics(best.piecewise(a, b), target)
    limit = dict(best_score)
    for blend in (0.0, 0.5, 1.0):
        grid, cdf = _curvature_cdf(target, a, b, blend)
        layouts: list[tuple[Flat, np.ndarray]] = [
            ("left", (2 * np.arange(1, n + 1) - 1) / (2 * n + 1)),
            ("right", 1 - (2 * np.arange(n, 0, -1) - 1) / (2 * n + 1)),
            ("none", np.arange(1, n) / n),
        ]
        for flat, quantiles in layouts:
            inner = np.interp(quantiles, cdf, grid)
            knots = np.concatenate([[a], inner, [b]])
            if not np.all(np.diff(knots) > 1e-12 * (b - a)):
                continue
            values = _least_squares_values(target, knots, flat)
            net = _network_from_slopes(knots, values, _straighten(knots, values, noise, flat), flat)
            score = fit_metrics(net.piecewise(a, b), target)
            if (score["mse"] < best_score["mse"] and score["mse"] <= limit["mse"]
                    and score["max_error"] <= limit["max_error"] * (1 + 1e-12)):
                best, best_score = net, score
    return best


def random_network(widths: Sequence[int], *, seed: int = 0, activation: str = "relu",
                   negative_slope: float = 0.01) -> Network:
    """A random network with PyTorch's default initialisation, seeded.

    ``widths`` lists every width from input to output (``[1, 64, 64, 1]``);
    weights and biases are uniform in ``±1/√fan_in`` as in ``nn.Linear``. Hidden
    layers get ``activation``; the output layer is linear.

    Examples
    --------
    >>> net = random_network([1, 8, 1], seed=3)
    >>> net.widths, net.layers[0].activation
    ([1, 8, 1], 'relu')
    """
    try:
        widths = list(widths)
    except TypeError:
        raise ReluAnimError(f"widths: must be a list of whole numbers (got {widths!r})") from None
    widths = [check_whole(w, f"widths[{i}]", low=1) for i, w in enumerate(widths)]
    if len(widths) < 2:
        raise ReluAnimError(f"widths: need at least an input and an output width (got {widths})")
    rng = np.random.default_rng(check_whole(seed, "seed"))
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(widths, widths[1:])):
        bound = 1.0 / math.sqrt(fan_in)
        last = i == len(widths) - 2
        layers.append(Layer(rng.uniform(-bound, bound, (fan_out, fan_in)), rng.uniform(-bound, bound, fan_out),
                            "linear" if last else activation, negative_slope, name=f"layers[{i}]"))
    return Network(layers)
