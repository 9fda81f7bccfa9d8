"""Closed-form constructions against their closed-form numbers (DESIGN.md tables)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_anim import ReluAnimError
from relu_anim.construct import (
    MAX_UNITS,
    construct,
    interpolant,
    least_squares_output,
    network_from_knots,
    optimal_x2,
    relu_as_shift,
    shifted_relu_sum,
    tent_map,
    units_for_max_error,
    x2_optimal_kinks,
    yarotsky_x2,
)
from relu_anim.metrics import (
    max_error,
    mse,
    x2_interpolation_max_error,
    x2_optimal_max_error,
    x2_optimal_mse,
)

from .rounding import assert_within, evaluation_bound


def square(x):
    return x * x


# DESIGN.md, "Numbers to hit", as printed there (4 significant figures)
TABLE = {
    1: (2.222e-1, 1.756e-2),
    2: (8.000e-2, 2.276e-3),
    5: (1.653e-2, 9.714e-5),
    10: (4.535e-3, 7.313e-6),
    20: (1.190e-3, 5.033e-7),
    50: (1.961e-4, 1.367e-8),
    100: (4.950e-5, 8.713e-10),
}


@pytest.mark.parametrize("n", sorted(TABLE))
def test_optimal_x2_networks_reach_the_design_table(n):
    linf, l2 = TABLE[n]
    assert x2_optimal_max_error(n) == pytest.approx(linf, rel=5e-4)
    assert x2_optimal_mse(n) == pytest.approx(l2, rel=5e-4)
    minimax = optimal_x2(n, "max_error")
    best_mse = optimal_x2(n, "mse")
    assert minimax.hidden_units == n and best_mse.hidden_units == n
    f = minimax.piecewise(0, 2)
    g = best_mse.piecewise(0, 2)
    assert max_error(f, square) == pytest.approx(x2_optimal_max_error(n), rel=1e-9)
    assert mse(g, square) == pytest.approx(x2_optimal_mse(n), rel=1e-9)
    np.testing.assert_array_equal(f.breakpoints, x2_optimal_kinks(n))  # roots fl(−b/w) of ReLU(x − t): t
    assert f.slopes[0] == 0.0  # the flat first piece


def test_minimax_error_equioscillates():
    f = optimal_x2(4).piecewise(0, 2)
    knots = f.knots
    err = square(knots) - f(knots)
    # at every kink and at 2 the fit is above x² by exactly L∞*, at 0 as well
    np.testing.assert_allclose(np.abs(err), x2_optimal_max_error(4), rtol=1e-9)


@pytest.mark.parametrize("m", [1, 2, 3, 5, 8])
def test_yarotsky_deep_square(m):
    net = yarotsky_x2(m)
    assert [layer.out_features for layer in net.layers[:-1]] == [3] * m
    f = net.piecewise(0, 2)
    assert len(f.breakpoints) == 2**m - 1
    assert max_error(f, square) == pytest.approx(2.0 ** (-2 * m), rel=1e-9)
    on_unit = yarotsky_x2(m, scale=1.0).piecewise(0, 1)
    assert max_error(on_unit, square) == pytest.approx(2.0 ** (-2 * m - 2), rel=1e-9)


def test_tent_map_is_the_tent():
    net = tent_map(1)
    np.testing.assert_allclose(net([0.0, 0.25, 0.5, 0.75, 1.0]), [0, 0.5, 1, 0.5, 0])


def test_units_for_max_error_is_the_smallest_sufficient_n():
    for eps in [0.3, 2 / 9, 0.1, 1e-3, 2.0**-10, 1e-6]:
        n = units_for_max_error(eps)
        assert x2_optimal_max_error(n) <= eps
        assert n == 1 or x2_optimal_max_error(n - 1) > eps


def test_shifted_relu_sum_and_neuron_rewrite():
    net = shifted_relu_sum([2.0, -1.0], [0.5, 1.5], bias=0.25)
    x = np.linspace(-1, 3, 41)
    expected = 0.25 + 2 * np.maximum(x - 0.5, 0) - np.maximum(x - 1.5, 0)
    # the same terms, summed in another order: each side within the network's rounding bound
    assert_within(net(x), expected, 2 * evaluation_bound(net, x)[:, 0], "shifted ReLU sum")
    for w, b in [(2.0, -3.0), (-0.5, 1.0), (1.0, 0.0)]:
        scale, h, flipped = relu_as_shift(w, b)
        side = -1.0 if flipped else 1.0
        np.testing.assert_allclose(np.maximum(w * x + b, 0), scale * np.maximum(side * (x - h), 0), atol=1e-12)
    with pytest.raises(ReluAnimError, match="weight 0"):
        relu_as_shift(0.0, 1.0)


@pytest.mark.parametrize("flat", ["none", "left", "right"])
def test_network_from_knots_reproduces_the_polyline(flat):
    knots = np.array([0.0, 0.3, 1.0, 1.7, 2.0])
    values = np.array([1.0, 1.0, 0.2, 0.5, 0.5]) if flat != "none" else np.array([0.0, 1.0, -1.0, 2.0, 0.0])
    net = network_from_knots(knots, values, flat)
    np.testing.assert_allclose(net(knots), values, atol=1e-12)
    expected_units = len(knots) - 1 if flat == "none" else len(knots) - 2
    assert net.hidden_units == expected_units


def test_interpolation_error_matches_the_formula():
    for n in [1, 2, 5, 20]:
        net = interpolant(square, np.linspace(0, 2, n + 1))
        assert net.hidden_units == n
        assert max_error(net.piecewise(0, 2), square) == pytest.approx(x2_interpolation_max_error(n), rel=1e-9)


def test_least_squares_output_matches_dense_least_squares():
    shifts = [0.0, 1.0]
    net = least_squares_output(square, shifts, (0.0, 2.0))
    x = np.linspace(0, 2, 200001)
    basis = np.column_stack([np.ones_like(x)] + [np.maximum(x - h, 0) for h in shifts])
    coef = np.linalg.lstsq(basis, square(x), rcond=None)[0]
    np.testing.assert_allclose(net.layers[-1].weight[0], coef[1:], rtol=1e-4)
    assert net.layers[-1].bias[0] == pytest.approx(coef[0], abs=1e-4)
    # adjusting weights beats plain ReLU(x) + ReLU(x − 1)
    plain = shifted_relu_sum([1.0, 1.0], shifts)
    assert mse(net.piecewise(0, 2), square) < mse(plain.piecewise(0, 2), square)


def test_least_squares_on_optimal_kinks_gives_the_mse_optimum():
    for n in [1, 3, 10]:
        net = least_squares_output(square, x2_optimal_kinks(n), (0.0, 2.0))
        assert mse(net.piecewise(0, 2), square) == pytest.approx(x2_optimal_mse(n), rel=1e-9)


@pytest.mark.parametrize("n", [1, 2, 5, 10, 50])
def test_construct_reaches_mse_optimum_on_x2(n):
    net = construct(square, (0.0, 2.0), n)
    assert net.hidden_units == n
    assert mse(net.piecewise(0, 2), square) == pytest.approx(x2_optimal_mse(n), rel=1e-6)


TARGETS = {
    "sin(3x)": (lambda x: np.sin(3 * x), (-2.0, 2.0)),
    "abs(x-0.5)": (lambda x: np.abs(x - 0.5), (0.0, 1.0)),
    "exp(-x²)": (lambda x: np.exp(-x * x), (-3.0, 3.0)),
    "x³ − x": (lambda x: x**3 - x, (-1.5, 1.5)),
    "(2−x)²": (lambda x: (2 - x) ** 2, (0.0, 2.0)),
}


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(sorted(TARGETS)), n=st.integers(1, 40))
def test_construct_is_never_worse_than_equally_spaced_interpolation(name, n):
    target, (a, b) = TARGETS[name]
    net = construct(target, (a, b), n)
    assert net.hidden_units == n
    baseline = interpolant(target, np.linspace(a, b, n + 1)).piecewise(a, b)
    f = net.piecewise(a, b)
    assert mse(f, target) <= mse(baseline, target) * (1 + 1e-9)
    assert max_error(f, target) <= max_error(baseline, target) * (1 + 1e-9)


def test_construct_uses_curvature_to_beat_interpolation_clearly():
    target, (a, b) = TARGETS["exp(-x²)"]
    net = construct(target, (a, b), 12)
    baseline = interpolant(target, np.linspace(a, b, 13))
    assert mse(net.piecewise(a, b), target) < 0.5 * mse(baseline.piecewise(a, b), target)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: construct(square, (0, 2), 0), "at least 1"),
        (lambda: construct(square, (0, 2), MAX_UNITS + 1), "more than the 10000 supported"),
        (lambda: construct(square, (0, 2), 2.5), "whole number"),
        (lambda: construct(square, (2, 0), 3), "a must be smaller than b"),
        (lambda: construct(lambda x: 1 / x, (0, 2), 3), "not finite"),
        (lambda: optimal_x2(3, "median"), "criterion"),
        (lambda: tent_map(0), "depth"),
        (lambda: yarotsky_x2(2, scale=-1), "scale"),
        (lambda: units_for_max_error(0), "positive"),
        (lambda: shifted_relu_sum([1.0, 2.0], [0.0]), "one weight per shift"),
        (lambda: network_from_knots([0, 0, 1], [0, 1, 2]), "strictly increasing"),
        (lambda: network_from_knots([0, 1], [0, 1], "left"), "interior knot"),
        (lambda: least_squares_output(square, [], (0, 2)), "at least one finite shift"),
    ],
)
def test_bad_input_is_refused_with_a_message(call, message):
    with pytest.raises(ReluAnimError, match=message):
        call()
