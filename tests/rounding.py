"""Rounding-error bounds that tests derive their tolerances from, valid on any CPU.

Two results hold for any BLAS kernel, in any order of summation, with or without
fused multiply-adds (Higham, *Accuracy and Stability of Numerical Algorithms*,
2nd ed., §3.1 and §3.5). With ``u = 2⁻⁵³`` and ``γₙ = n·u/(1 − n·u)``:

* a dot product of ``n`` terms plus a bias is within ``γₙ₊₁·Σ|terms|`` of its exact
  value, so a dense layer's output is within ``γₙ₊₁·(|W|·|x| + |b|)``;
* a stack of layers (relu is exact and 1-Lipschitz, a leaky slope adds one
  rounding) is within ``γ_N·M`` of its exact output, where ``M`` is the stack
  evaluated with every input, weight and bias replaced by its absolute value and
  ``N = Σ (in_features + 2)`` over the layers (errors of one layer pass through
  the next at most multiplied by ``|W|``, and ``(1 + γ_a)(1 + γ_b) ≤ 1 + γ_{a+b}``).

Both computations being compared round, so two results of the same exact value
differ by at most the sum of their bounds. ``M`` is itself computed in floating
point (relative error below ``γ_N``): :func:`evaluation_bound` uses ``γ_{2N}``.
None of this covers underflow; the tests' networks stay far from it.

numpy's transcendental functions (exp, sin, tanh, power, ...) are SIMD code chosen
at run time and differ across CPUs in the last bits; the project assumes them
accurate to :data:`~relu_anim.interval.LIBM_ULPS` units in the last place (and
:mod:`relu_anim.interval` widens their enclosures by twice that). One ulp of ``v``
is at most ``2u·|v|``.
"""

from __future__ import annotations

import numpy as np

from relu_anim import Network
from relu_anim.interval import LIBM_ULPS

__all__ = ["U", "LIBM_ULPS", "gamma", "magnitude", "evaluation_bound", "product_magnitudes", "collapsed_bound",
           "assert_within"]

#: Unit roundoff of float64: a correctly rounded operation is off by at most ``u·|result|``.
U = 2.0**-53


def gamma(n: int) -> float:
    """``γₙ = n·u/(1 − n·u)``: relative bound on ``n`` successive roundings."""
    return n * U / (1 - n * U)


def magnitude(net: Network, x: np.ndarray) -> np.ndarray:
    """``M``: ``net`` evaluated at ``|x|`` with ``|W|``, ``|b|`` and activation gains ``max(|left|, |right|)``.

    ``x`` has shape ``(N,)`` for a one-input network or ``(N, in_features)``; the
    result has shape ``(N, out_features)``.
    """
    h = np.abs(np.asarray(x, dtype=float)).reshape(len(x), -1)
    for layer in net.layers:
        h = h @ np.abs(layer.weight).T + np.abs(layer.bias)
        h = h * max(abs(s) for s in layer.slopes)
    return h


def evaluation_bound(net: Network, x: np.ndarray) -> np.ndarray:
    """Bound on ``|net(x) − exact|``, elementwise, shape ``(N, out_features)``: ``γ₂N·M``.

    For a network with one hidden layer it also bounds ``|f(x) − exact|`` for
    ``f = net.piecewise(a, b)``: each piece's slope and intercept is a running
    sum of the same terms ``v·w`` and ``v·b`` (each unit enters once and leaves
    at most once), so within ``2γ`` of ``Σ|v|·|w|`` and ``Σ|v|·|b| + |c|``.
    """
    n = sum(layer.in_features + 2 for layer in net.layers)
    return gamma(2 * n) * magnitude(net, x)


def product_magnitudes(net: Network) -> tuple[np.ndarray, np.ndarray, int]:
    """``|W_L|⋯|W_1|``, ``|W_L|(⋯(|W_2||b_1| + |b_2|)⋯) + |b_L|`` and ``N = Σ (in_features + 1)``.

    An all-linear stack collapsed to one layer, by whatever order of products, has
    weight and bias within ``γ_N`` times these of the exact ones.
    """
    weight = np.eye(net.in_features)
    bias = np.zeros(net.in_features)
    for layer in net.layers:
        a = np.abs(layer.weight)
        weight, bias = a @ weight, a @ bias + np.abs(layer.bias)
    return weight, bias, sum(layer.in_features + 1 for layer in net.layers)


def collapsed_bound(net: Network, x: np.ndarray) -> np.ndarray:
    """Bound on ``|net.collapse()(x) − exact|``, shape ``(N, out_features)``.

    The collapsed weight and bias are within ``γ_N`` times :func:`product_magnitudes`
    of the exact ones; evaluating the one layer rounds ``in_features + 1`` times more.
    """
    weight, bias, n = product_magnitudes(net)
    size = np.abs(np.asarray(x, dtype=float)).reshape(len(x), -1) @ weight.T + bias
    return (gamma(n) + gamma(2 * (net.in_features + 2))) * size


def assert_within(actual, desired, bound, what: str = "values") -> None:
    """Assert ``|actual − desired| ≤ bound`` elementwise, showing the worst entry if not."""
    actual, desired = np.broadcast_arrays(np.asarray(actual, dtype=float), np.asarray(desired, dtype=float))
    bound = np.broadcast_to(np.asarray(bound, dtype=float), actual.shape)
    err = np.abs(actual - desired)
    bad = ~(err <= bound)
    if bad.any():
        i = np.unravel_index(int(np.argmax(np.where(bad, err / np.maximum(bound, 1e-300), 0))), actual.shape)
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {actual.size} beyond their rounding bound; worst at {i}: "
            f"{actual[i]!r} vs {desired[i]!r}, off by {err[i]:.3g} > bound {bound[i]:.3g}"
        )
