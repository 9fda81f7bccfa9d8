"""Activation functions and their gradients, as numbers a scene can show.

Smooth activations (:func:`sigmoid`, :func:`tanh`) and their derivatives are
plain vectorised numpy. ReLU and leaky ReLU are piecewise linear, so they are
built as one-unit :class:`~relu_anim.network.Network` objects and analysed
exactly (:func:`activation_network`); their derivatives are the piecewise
constant slopes of that analysis (:func:`derivative_steps`).

Two measurements about gradients:

- :func:`sigmoid_derivative_product`: along a path through a random sigmoid
  network the gradient picks up one factor σ'(z) ≤ 1/4 per layer, so the
  product shrinks at least as fast as ``0.25**L``;
- :func:`sigmoid_chain_gradient`: the whole chain rule for a chain of one
  sigmoid unit per layer, ``∂h_L/∂x = ∏ wₗ·σ'(zₗ)``, weights included;
- :func:`dead_share`: the share of first-layer ReLU units that are inactive on
  the whole data interval at PyTorch's default initialisation (reproduced by
  :func:`~relu_anim.construct.random_network`); such a unit gets no gradient
  (:func:`unit_gradient`), so training never revives it.

numpy only, like the rest of the math core.

Examples
--------
>>> float(sigmoid_derivative(0.0)) == SIGMOID_DERIVATIVE_MAX
True
>>> derivative_steps(activation_network("relu").piecewise(-1, 1))
[(-1.0, 0.0, 0.0), (0.0, 1.0, 1.0)]
>>> sigmoid_derivative_bound(3).tolist()
[0.25, 0.0625, 0.015625]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from .. import x2
from ..construct import random_network
from ..errors import ReluAnimError
from ..checks import check_domain, check_whole
from ..network import Network
from ..piecewise import PiecewiseLinear
from .neuron import unit_network
from .units import dead_units, first_layer_kinks

__all__ = [
    "SIGMOID_DERIVATIVE_MAX",
    "MAX_DEPTH",
    "sigmoid",
    "sigmoid_derivative",
    "tanh",
    "tanh_derivative",
    "activation_network",
    "derivative_steps",
    "sigmoid_derivative_bound",
    "sigmoid_derivative_product",
    "ChainGradient",
    "sigmoid_chain_gradient",
    "unit_gradient",
    "unit_loss_gradient",
    "DeadUnit",
    "dead_unit_example",
    "dead_share",
]

#: The largest value of σ'(x) = σ(x)(1 − σ(x)), reached at x = 0.
SIGMOID_DERIVATIVE_MAX = 0.25
#: The deepest sigmoid network measured (deeper products underflow long before).
MAX_DEPTH = 200


# ------------------------------------------------------------------ smooth ones
def sigmoid(x) -> np.ndarray:
    """σ(x) = 1 / (1 + e^(−x)), computed without overflow for large |x|.

    Examples
    --------
    >>> sigmoid([0.0, 800.0, -800.0]).tolist()
    [0.5, 1.0, 0.0]
    """
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(x) -> np.ndarray:
    """σ'(x) = σ(x)·(1 − σ(x)); at most :data:`SIGMOID_DERIVATIVE_MAX`.

    Examples
    --------
    >>> sigmoid_derivative([0.0]).tolist()
    [0.25]
    """
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x) -> np.ndarray:
    """tanh(x) (numpy's), here so that scenes take every activation from one place."""
    return np.tanh(np.asarray(x, dtype=float))


def tanh_derivative(x) -> np.ndarray:
    """tanh'(x) = 1 − tanh²(x); 1 at x = 0.

    Examples
    --------
    >>> tanh_derivative([0.0]).tolist()
    [1.0]
    """
    t = np.tanh(np.asarray(x, dtype=float))
    return 1.0 - t * t


# ------------------------------------------------------- piecewise-linear ones
def activation_network(activation: str, negative_slope: float = 0.01) -> Network:
    """The activation itself as a network ``x ↦ act(x)``: one unit, weight 1, bias 0.

    ``activation`` is ``"relu"`` or ``"leaky_relu"`` (with ``negative_slope``);
    analyse it exactly with ``.piecewise(a, b)``.

    Examples
    --------
    >>> activation_network("leaky_relu", 0.1)([-2.0, 3.0]).tolist()
    [-0.2, 3.0]
    """
    if activation not in ("relu", "leaky_relu"):
        raise ReluAnimError(f"activation: expected 'relu' or 'leaky_relu' (got {activation!r})")
    return unit_network(1.0, 0.0, activation, negative_slope)


def derivative_steps(f: PiecewiseLinear) -> list[tuple[float, float, float]]:
    """The derivative of ``f`` as ``(start, end, slope)`` per piece: a step function.

    Exact: one step per piece, from knot to knot, at the piece's slope. The
    derivative is undefined at the kinks themselves, where the steps meet.
    """
    knots = f.knots
    return [(float(a), float(b), float(s)) for a, b, s in zip(knots[:-1], knots[1:], f.slopes)]


# ----------------------------------------------------------- vanishing products
def sigmoid_derivative_bound(depth: int) -> np.ndarray:
    """``0.25**L`` for ``L = 1 … depth``: the most a product of L sigmoid derivatives can be.

    Exact on every CPU: ``2**(−2L)`` by ``ldexp``, not by ``power``, whose SIMD
    implementation may be an ulp off.
    """
    depth = check_whole(depth, "depth", low=1, high=MAX_DEPTH)
    return np.ldexp(1.0, -2 * np.arange(1, depth + 1))


def sigmoid_derivative_product(depth: int, *, width: int = 8, seed: int = 0, x: float = 1.0) -> np.ndarray:
    """Products of sigmoid derivatives along the best path of a random sigmoid network.

    The network has ``depth`` hidden layers of ``width`` sigmoid units on one
    input, initialised as PyTorch does (weights and biases uniform in
    ``±1/√fan_in``, via :func:`~relu_anim.construct.random_network`). The input
    ``x`` is sent forward; a gradient flowing back along a path through one unit
    per layer is multiplied by σ'(z) of each unit on the path. Entry ``L − 1``
    is the largest such product over all paths through the first ``L`` layers,
    i.e. the product of each layer's largest σ'(z): every path does worse.

    Examples
    --------
    >>> p = sigmoid_derivative_product(10, seed=0)
    >>> bool(np.all(p <= sigmoid_derivative_bound(10))), bool(np.all(np.diff(p) < 0))
    (True, True)
    """
    depth = check_whole(depth, "depth", low=1, high=MAX_DEPTH)
    width = check_whole(width, "width", low=1)
    net = random_network([1] + [width] * depth + [1], seed=check_whole(seed, "seed"), activation="linear")
    h = np.array([[float(x)]])
    best = []
    for layer in net.layers[:-1]:
        z = layer.preactivation(h)
        best.append(float(np.max(sigmoid_derivative(z))))
        h = sigmoid(z)
    return np.cumprod(best)


@dataclass(frozen=True, eq=False)
class ChainGradient:
    """The chain rule through a chain of sigmoid units, one per layer, factor by factor.

    Layer ``ℓ`` computes ``zₗ = wₗ·hₗ₋₁ + bₗ`` and ``hₗ = σ(zₗ)`` (``h₀ = x``),
    so ``∂h_L/∂x = ∏_{ℓ ≤ L} wₗ·σ'(zₗ)``.

    Attributes
    ----------
    weights
        ``wₗ`` for ``ℓ = 1 … depth``.
    slopes
        ``σ'(zₗ)`` at the input sent forward.
    """

    weights: np.ndarray
    slopes: np.ndarray

    @property
    def factors(self) -> np.ndarray:
        """``wₗ·σ'(zₗ)``: what each layer multiplies the gradient by."""
        return self.weights * self.slopes

    @property
    def gradient(self) -> np.ndarray:
        """``∂h_L/∂x`` for ``L = 1 … depth``: the running product of :attr:`factors`."""
        return np.cumprod(self.factors)


def sigmoid_chain_gradient(depth: int, *, seed: int = 0, x: float = 1.0) -> ChainGradient:
    """The gradient of a random chain of ``depth`` sigmoid units (one per layer) with respect to its input.

    Weights and biases as PyTorch initialises a layer with one input (uniform
    in ±1, via :func:`~relu_anim.construct.random_network` with widths
    ``[1, 1, …, 1]``), so every ``|wₗ| ≤ 1`` and every factor ``|wₗ·σ'(zₗ)| ≤ 1/4``:
    ``|∂h_L/∂x| ≤ 0.25**L`` (:func:`sigmoid_derivative_bound`).

    Examples
    --------
    >>> g = sigmoid_chain_gradient(10)
    >>> bool(np.all(np.abs(g.gradient) <= sigmoid_derivative_bound(10)))
    True
    >>> bool(np.all(np.abs(g.weights) <= 1)), bool(np.all(g.slopes <= SIGMOID_DERIVATIVE_MAX))
    (True, True)
    """
    depth = check_whole(depth, "depth", low=1, high=MAX_DEPTH)
    net = random_network([1] * (depth + 2), seed=check_whole(seed, "seed"), activation="linear")
    h = np.array([[float(x)]])
    weights, slopes = [], []
    for layer in net.layers[:-1]:
        z = layer.preactivation(h)
        weights.append(float(layer.weight[0, 0]))
        slopes.append(float(sigmoid_derivative(z)[0, 0]))
        h = sigmoid(z)
    return ChainGradient(np.array(weights), np.array(slopes))


# ------------------------------------------------------------------ dead units
def unit_gradient(weight: float, bias: float, xs: Sequence[float], upstream: Sequence[float] | float = 1.0
                  ) -> tuple[float, float]:
    """Gradient of ``Σ upstream·ReLU(w·x + b)`` over the data ``xs`` with respect to ``(w, b)``.

    ReLU passes a gradient only where it is active (``w·x + b > 0``), so a unit
    inactive on every data point gets exactly ``(0, 0)`` whatever ``upstream`` is.

    Examples
    --------
    >>> unit_gradient(1.0, -3.0, [0.0, 1.0, 2.0])   # kink at 3, right of the data
    (0.0, 0.0)
    >>> unit_gradient(1.0, -0.5, [0.0, 1.0, 2.0])
    (3.0, 2.0)
    """
    xs = np.asarray(xs, dtype=float).reshape(-1)
    up = np.broadcast_to(np.asarray(upstream, dtype=float), xs.shape)
    active = (float(weight) * xs + float(bias)) > 0
    return float(np.sum(up * active * xs)) + 0.0, float(np.sum(up * active)) + 0.0


def unit_loss_gradient(weight: float, bias: float, xs: Sequence[float], targets: Sequence[float], *,
                       negative_slope: float = 0.0) -> tuple[float, float]:
    """``(∂ℒ/∂w, ∂ℒ/∂b)`` of ``ℒ = ½ Σ (u(x) − target)²`` for one unit ``u(x) = act(w·x + b)`` alone.

    ``act`` is ReLU, or leaky ReLU with ``negative_slope``. Each data point's
    term carries the factor ``act'(w·x + b)``: 1 where the unit is active,
    ``negative_slope`` where it is not. A ReLU unit inactive on every point
    therefore gets exactly ``(0, 0)``, whatever the targets.

    Examples
    --------
    >>> unit_loss_gradient(1.0, -3.0, [0.0, 1.0, 2.0], [0.0, 1.0, 4.0])   # dead on the data
    (0.0, 0.0)
    >>> unit_loss_gradient(1.0, -3.0, [0.0, 1.0, 2.0], [0.0, 1.0, 4.0], negative_slope=0.5)
    (-5.5, -4.0)
    """
    xs = np.asarray(xs, dtype=float).reshape(-1)
    targets = np.broadcast_to(np.asarray(targets, dtype=float), xs.shape)
    z = float(weight) * xs + float(bias)
    slope = np.where(z > 0, 1.0, float(negative_slope))
    residual = slope * z - targets  # u(x) − target: act(z) = slope·z for ReLU and leaky ReLU
    return float(np.sum(residual * slope * xs)) + 0.0, float(np.sum(residual * slope)) + 0.0


@dataclass(frozen=True)
class DeadUnit:
    """A first-layer unit ``ReLU(weight·x + bias)`` of ``random_network([1, width, 1], seed=seed)``."""

    seed: int
    index: int
    weight: float
    bias: float
    kink: float

    def network(self) -> Network:
        """The unit alone, ``x ↦ ReLU(weight·x + bias)``, to analyse exactly (a :func:`unit_network`)."""
        return unit_network(self.weight, self.bias)


def dead_unit_example(domain: tuple[float, float] = x2.DOMAIN, view: tuple[float, float] = (-2.0, 4.0),
                      *, width: int = 8, seeds: Iterable[int] = range(100)) -> DeadUnit:
    """The first unit, over ``seeds`` and unit order, dead on ``domain`` with its kink inside ``view``.

    A real unit of PyTorch's default initialisation (see
    :func:`~relu_anim.construct.random_network`), chosen so that its kink can be
    shown on axes spanning ``view``.

    Examples
    --------
    >>> u = dead_unit_example()
    >>> u.network().piecewise(0, 2).knot_values.tolist()
    [0.0, 0.0]
    """
    a, b = check_domain(*domain)
    lo, hi = check_domain(*view)
    width = check_whole(width, "width", low=1)
    for seed in seeds:
        seed = check_whole(seed, "seeds")
        net = random_network([1, width, 1], seed=seed)
        layer = net.layers[0]
        kinks = first_layer_kinks(net)
        for i, (w, bias) in enumerate(zip(layer.weight[:, 0], layer.bias)):
            dead = w * a + bias <= 0 and w * b + bias <= 0
            if dead and np.isfinite(kinks[i]) and lo < kinks[i] < hi and not a <= kinks[i] <= b:
                return DeadUnit(seed, i, float(w), float(bias), float(kinks[i]))
    raise ReluAnimError("seeds: no dead unit with its kink in view")


def dead_share(units: int, domain: tuple[float, float] = x2.DOMAIN, *, seeds: Iterable[int] = range(1000)
               ) -> float:
    """Average share of first-layer units dead on ``domain`` at PyTorch's default initialisation.

    The mean over ``seeds`` of ``dead_units(random_network([1, units, 1], seed=s), domain) / units``.
    For one input the weights and biases are uniform in ±1, and on [0, 2] a unit
    is dead with probability 5/16 = 0.3125.

    Examples
    --------
    >>> round(dead_share(20, seeds=range(200)), 2)
    0.31
    """
    units = check_whole(units, "units", low=1)
    shares = [dead_units(random_network([1, units, 1], seed=check_whole(s, "seeds")), domain) / units
              for s in seeds]
    if not shares:
        raise ReluAnimError("seeds: need at least one seed")
    return float(np.mean(shares))
