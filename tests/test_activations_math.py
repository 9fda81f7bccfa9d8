"""relu_anim.story.activations: activations, their derivatives, vanishing products, dead units."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from relu_anim import ReluAnimError
from relu_anim.story.activations import (SIGMOID_DERIVATIVE_MAX, activation_network, dead_share,
                                   dead_unit_example, derivative_steps, sigmoid,
                                   sigmoid_derivative, sigmoid_derivative_bound,
                                   sigmoid_derivative_product, tanh, tanh_derivative, unit_gradient)
from relu_anim.construct import random_network
from relu_anim.story.units import dead_units

from .rounding import LIBM_ULPS, U, assert_within

XS = np.linspace(-8, 8, 2001)


#: Relative error of sigmoid and tanh as computed: exp or tanh within LIBM_ULPS ulps (one ulp is at most
#: 2u relative), then for sigmoid two more roundings (1 + e, the division).
SIGMOID_ERROR = (2 * LIBM_ULPS + 2) * U
TANH_ERROR = 2 * LIBM_ULPS * U


def numeric_derivative(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


def test_sigmoid_matches_its_definition_and_does_not_overflow():
    # for x < 0 they are e/(1 + e) and 1/(1 + 1/e) with two exp calls: each side within SIGMOID_ERROR
    np.testing.assert_allclose(sigmoid(XS), 1 / (1 + np.exp(-XS)), rtol=2 * SIGMOID_ERROR)
    with np.errstate(over="raise"):
        assert sigmoid([-1000.0, 1000.0]).tolist() == [0.0, 1.0]


@pytest.mark.parametrize("f,df,error,third", [(sigmoid, sigmoid_derivative, SIGMOID_ERROR, 1 / 8),
                                              (tanh, tanh_derivative, TANH_ERROR, 2.0)])
def test_derivatives_are_the_slopes(f, df, error, third):
    h = 1e-5
    # central difference: truncation h²/6·max|f'''|; over 2h, f (at most 1) within `error` at each end
    # and x ± h rounded by u·(|x| + h) each (times |f'| ≤ 1); the subtraction and division round once
    # each (|difference| ≤ 1); σ(1 − σ) and 1 − tanh² are within 3·error + 2u of the derivatives
    bound = h * h / 6 * third + (2 * error + 2 * U * np.abs(XS)) / (2 * h) + U + 2 * U + 3 * error + 2 * U
    assert_within(df(XS), numeric_derivative(f, XS, h), bound, "derivative")


def test_sigmoid_derivative_peaks_at_a_quarter():
    assert sigmoid_derivative(0.0) == SIGMOID_DERIVATIVE_MAX == 0.25
    assert np.all(sigmoid_derivative(XS) <= SIGMOID_DERIVATIVE_MAX)
    assert XS[np.argmax(sigmoid_derivative(XS))] == 0.0
    assert tanh_derivative(0.0) == 1.0 and np.all(tanh_derivative(XS) <= 1.0)


def test_relu_and_leaky_relu_are_exact_two_piece_functions():
    relu = activation_network("relu").piecewise(-3, 3)
    assert relu.breakpoints.tolist() == [0.0] and relu.slopes.tolist() == [0.0, 1.0]
    np.testing.assert_array_equal(relu(XS[np.abs(XS) <= 3]), np.maximum(0, XS[np.abs(XS) <= 3]))
    leaky = activation_network("leaky_relu", 0.1).piecewise(-3, 3)
    assert leaky.slopes.tolist() == [0.1, 1.0] and leaky.knot_values.tolist() == [-0.30000000000000004, 0.0, 3.0]
    with pytest.raises(ReluAnimError, match="activation"):
        activation_network("sigmoid")


def test_derivative_steps_follow_the_pieces():
    assert derivative_steps(activation_network("relu").piecewise(-3, 3)) == [(-3.0, 0.0, 0.0), (0.0, 3.0, 1.0)]
    assert derivative_steps(activation_network("leaky_relu", 0.1).piecewise(-2, 1)) == [(-2.0, 0.0, 0.1),
                                                                                      (0.0, 1.0, 1.0)]


def test_bound_is_a_quarter_to_the_depth():
    # exactly: powers of 1/4 are floats, and the reference is rational arithmetic, not numpy's power
    np.testing.assert_array_equal(sigmoid_derivative_bound(10), [float(Fraction(1, 4) ** L) for L in range(1, 11)])
    with pytest.raises(ReluAnimError, match="depth"):
        sigmoid_derivative_bound(0)


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_path_product_is_the_best_path_and_vanishes(seed):
    depth, width, x = 6, 3, 1.0
    p = sigmoid_derivative_product(depth, width=width, seed=seed, x=x)
    assert p.shape == (depth,)
    assert np.all(p <= sigmoid_derivative_bound(depth)) and np.all(p > 0)
    assert np.all(np.diff(p) < 0) and p[-1] < 0.25 ** depth * 1.0001
    # brute force: the same network forward by hand, every one of width**depth paths
    net = random_network([1] + [width] * depth + [1], seed=seed, activation="linear")
    h, grads = np.array([x]), []
    for layer in net.layers[:-1]:
        z = layer.weight @ h + layer.bias
        grads.append(sigmoid_derivative(z))
        h = sigmoid(z)
    paths = np.array(np.meshgrid(*grads, indexing="ij")).reshape(depth, -1)
    # the pre-activations differ by the two BLAS calls' rounding (a few u of terms below 3), which
    # moves each σ' by as much relatively (|σ''/σ'| ≤ 1): over six layers well below 1e-13
    assert np.prod(paths, axis=0).max() == pytest.approx(p[-1], rel=1e-12)


def test_path_product_depends_on_the_seed():
    assert not np.allclose(sigmoid_derivative_product(5, seed=0), sigmoid_derivative_product(5, seed=1))


def test_dead_unit_gets_no_gradient_and_a_live_one_does():
    xs = np.linspace(0, 2, 41)
    assert unit_gradient(1.0, -2.5, xs, upstream=np.linspace(-3, 3, 41)) == (0.0, 0.0)
    assert unit_gradient(-1.0, -0.1, xs, upstream=5.0) == (0.0, 0.0)
    dw, db = unit_gradient(1.0, -1.0, xs)  # active for x > 1
    assert db == np.count_nonzero(xs > 1) and dw == pytest.approx(np.sum(xs[xs > 1]))


def test_dead_unit_example_is_a_real_dead_unit_of_the_default_init():
    u = dead_unit_example((0.0, 2.0), (-2.0, 4.0))
    layer = random_network([1, 8, 1], seed=u.seed).layers[0]
    assert (u.weight, u.bias) == (layer.weight[u.index, 0], layer.bias[u.index])
    assert u.kink == pytest.approx(-u.bias / u.weight) and -2 < u.kink < 4 and not 0 <= u.kink <= 2
    f = u.network().piecewise(0, 2)
    assert f.knot_values.tolist() == [0.0, 0.0] and len(f.breakpoints) == 0
    assert unit_gradient(u.weight, u.bias, np.linspace(0, 2, 101)) == (0.0, 0.0)
    with pytest.raises(ReluAnimError, match="seeds"):
        dead_unit_example(seeds=[])


def test_dead_share_is_the_mean_of_dead_units_and_near_five_sixteenths():
    seeds = range(50)
    expected = np.mean([dead_units(random_network([1, 10, 1], seed=s), (0, 2)) / 10 for s in seeds])
    assert dead_share(10, seeds=seeds) == expected
    # weights and biases uniform in ±1: dead on [0, 2] iff b ≤ 0 and 2w + b ≤ 0, probability 5/16
    assert dead_share(100, seeds=range(1000)) == pytest.approx(5 / 16, abs=0.006)
    assert dead_share(100, (-1, 1), seeds=range(300)) == pytest.approx(1 / 4, abs=0.01)
    with pytest.raises(ReluAnimError, match="units"):
        dead_share(0)


@pytest.mark.parametrize("call,name", [
    (lambda bad: sigmoid_derivative_bound(bad), "depth"),
    (lambda bad: sigmoid_derivative_product(bad), "depth"),
    (lambda bad: sigmoid_derivative_product(3, width=bad), "width"),
    (lambda bad: sigmoid_derivative_product(3, seed=bad), "seed"),
    (lambda bad: dead_share(bad), "units"),
    (lambda bad: dead_share(5, seeds=[0, bad]), "seeds"),
    (lambda bad: dead_unit_example(width=bad), "width"),
    (lambda bad: dead_unit_example(seeds=[bad]), "seeds"),
])
@pytest.mark.parametrize("bad", ["3", 2.5, True, -1, None])
def test_counts_and_seeds_must_be_whole_numbers(call, name, bad):
    """One check for every count: the same one-line message, never a TypeError from int()."""
    with pytest.raises(ReluAnimError, match=rf"^{name}: must be "):
        call(bad)


# ------------------------------------------------------------ the chain rule with its weights
def test_chain_gradient_is_the_product_of_its_factors_and_matches_finite_differences():
    from relu_anim.story.activations import sigmoid_chain_gradient  # noqa: kept beside its tests
    c = sigmoid_chain_gradient(6, seed=3, x=0.5)
    np.testing.assert_array_equal(c.gradient, np.cumprod(c.weights * c.slopes))
    net = random_network([1] * 8, seed=3, activation="linear")

    def h(x, depth):  # the chain forward, sigmoid after each of the first `depth` layers
        for layer in net.layers[:depth]:
            x = float(sigmoid(layer.weight[0, 0] * x + layer.bias[0]))
        return x

    for depth in range(1, 7):
        # central difference, step 1e-5: truncation ~h²·|h'''| ≤ 1e-10 (each factor ≤ 1/4), rounding ~1e-16/1e-5
        numeric = (h(0.5 + 1e-5, depth) - h(0.5 - 1e-5, depth)) / 2e-5
        assert numeric == pytest.approx(c.gradient[depth - 1], abs=1e-9)


@pytest.mark.parametrize("seed", range(30))
def test_chain_gradient_stays_under_the_bound(seed):
    from relu_anim.story.activations import sigmoid_chain_gradient  # noqa: kept beside its tests
    c = sigmoid_chain_gradient(15, seed=seed)
    assert np.all(np.abs(c.weights) <= 1)
    assert np.all(np.abs(c.gradient) <= sigmoid_derivative_bound(15))


def test_unit_loss_gradient_is_zero_for_a_dead_unit_and_matches_finite_differences_otherwise():
    from relu_anim.story.activations import unit_loss_gradient  # noqa: kept beside its tests
    xs = np.linspace(0, 2, 21)
    ys = xs ** 2
    assert unit_loss_gradient(-0.9, -1.0, xs, ys) == (0.0, 0.0)

    def loss(w, b, alpha):
        z = w * xs + b
        return 0.5 * float(np.sum((np.where(z > 0, z, alpha * z) - ys) ** 2))

    for w, b, alpha in ((-0.9, -1.0, 0.1), (-0.9, 0.95, 0.0), (1.3, -0.7, 0.0), (1.3, -0.7, 0.2)):
        gw, gb = unit_loss_gradient(w, b, xs, ys, negative_slope=alpha)
        e = 1e-6  # no kink within e of a data point for these (w, b): the loss is smooth there
        assert gw == pytest.approx((loss(w + e, b, alpha) - loss(w - e, b, alpha)) / (2 * e), abs=1e-5)
        assert gb == pytest.approx((loss(w, b + e, alpha) - loss(w, b - e, alpha)) / (2 * e), abs=1e-5)
