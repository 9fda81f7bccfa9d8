"""Networks in closed form: shifted-ReLU sums, interpolants, least squares, optima.

Every network built here has one hidden layer of units ``ReLU(±(x − h))`` and a
linear output, except the deep ones (:func:`tent_map`, :func:`yarotsky_x2`).
Nothing is trained: kinks are placed by a rule and the output layer is solved
exactly, by least squares in the continuous L² sense on the domain.

Least squares works in the hat-function basis of the kinks, where the Gram
matrix is tridiagonal and well conditioned, and only then rewrites the result
as ReLU output weights: fast and accurate for thousands of units.
"""

from __future__ import annotations

import math
from typing import Literal, Sequence

import numpy as np

from .errors import ReluAnimError
from .metrics import Function, fit_metrics, quadrature
from .checks import check_domain
from .network import Layer, Network
from .x2 import optimal_kinks as x2_optimal_kinks
from .x2 import units_for_max_error

__all__ = [
    "MAX_UNITS",
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
MAX_UNITS = 10_000

Flat = Literal["none", "left", "right"]


def check_units(units: int) -> int:
    """Return ``units`` as an int in ``1..MAX_UNITS`` or raise :class:`ReluAnimError`."""
    if isinstance(units, bool) or int(units) != units:
        raise ReluAnimError(f"units: must be a whole number (got {units!r})")
    units = int(units)
    if units < 1:
        raise ReluAnimError(f"units: need at least 1 (got {units})")
    if units > MAX_UNITS:
        raise ReluAnimError(f"units: {units} is more than the {MAX_UNITS} supported")
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
    knots = np.asarray(knots, dtype=float)
    values = np.asarray(values, dtype=float)
    if knots.ndim != 1 or knots.shape != values.shape or len(knots) < 2:
        raise ReluAnimError("knots: need at least two knots and one value per knot")
    if not np.all(np.diff(knots) > 0):
        raise ReluAnimError("knots: must be strictly increasing")
    slopes = np.diff(values) / np.diff(knots)
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
    lengths = np.diff(knots)
    diag = np.concatenate([lengths, [0.0]]) / 3 + np.concatenate([[0.0], lengths]) / 3
    off = lengths / 6
    x, w, piece = quadrature(knots, panels=max(256, 2 * len(knots)))
    fx = np.asarray(target(x), dtype=float)
    if not np.all(np.isfinite(fx)):
        raise ReluAnimError("target: not finite on the domain")
    right = (x - knots[piece]) / lengths[piece]
    rhs = np.bincount(piece, w * fx * (1 - right), len(knots)) + np.bincount(piece + 1, w * fx * right, len(knots))
    if flat == "right":
        return _least_squares_values(lambda t: target(knots[0] + knots[-1] - t),
                                     (knots[0] + knots[-1] - knots)[::-1], "left")[::-1]
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
    if isinstance(m, bool) or int(m) != m or not 1 <= int(m) <= 30:
        raise ReluAnimError(f"depth: m must be a whole number from 1 to 30 (got {m!r})")
    return int(m)


def _curvature_cdf(target: Function, a: float, b: float, blend: float) -> tuple[np.ndarray, np.ndarray]:
    """Grid and normalised cumulative knot density ``(1−blend) + blend·|f''|^(2/5)``."""
    grid = np.linspace(a, b, 4097)
    f = np.asarray(target(grid), dtype=float)
    step = grid[1] - grid[0]
    curvature = np.abs(np.gradient(np.gradient(f, step), step))
    density = np.where(np.isfinite(curvature), curvature, 0.0) ** 0.4
    mean = float(np.mean(density))
    density = (1 - blend) + (blend * density / mean if mean > 0 else blend)
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

    Examples
    --------
    >>> from relu_anim.metrics import mse, x2_optimal_mse
    >>> net = construct(lambda x: x**2, (0.0, 2.0), 10)
    >>> round(mse(net.piecewise(0, 2), lambda x: x**2) / x2_optimal_mse(10), 6)
    1.0
    """
    a, b = check_domain(*domain)
    n = check_units(units)
    with np.errstate(all="ignore"):
        probe = np.asarray(target(np.linspace(a, b, 4097)), dtype=float)
    if not np.all(np.isfinite(probe)):
        raise ReluAnimError(f"target: not finite on [{a:g}, {b:g}]")
    baseline = interpolant(target, np.linspace(a, b, n + 1))
    best = baseline
    best_score = fit_metrics(baseline.piecewise(a, b), target)
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
            net = network_from_knots(knots, _least_squares_values(target, knots, flat), flat)
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
    widths = [int(w) for w in widths]
    if len(widths) < 2 or min(widths) < 1:
        raise ReluAnimError(f"widths: need at least an input and an output width, all positive (got {widths})")
    rng = np.random.default_rng(seed)
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(widths, widths[1:])):
        bound = 1.0 / math.sqrt(fan_in)
        last = i == len(widths) - 2
        layers.append(Layer(rng.uniform(-bound, bound, (fan_out, fan_in)), rng.uniform(-bound, bound, fan_out),
                            "linear" if last else activation, negative_slope, name=f"layers[{i}]"))
    return Network(layers)
