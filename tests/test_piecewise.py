"""The exact analysis: kinks are complete, real, and where the network says."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_anim import Layer, Network, PiecewiseLinear, ReluAnimError
from relu_anim.construct import shifted_relu_sum, tent_map
from relu_anim.piecewise import SLOPE_RTOL

from .rounding import U, evaluation_bound, gamma, product_magnitudes
from .strategies import scalar_networks

DOMAINS = st.tuples(st.floats(-10, 9), st.floats(0.1, 20)).map(lambda t: (t[0], t[0] + t[1]))


def _scale(f: PiecewiseLinear) -> float:
    return max(1.0, float(np.max(np.abs(f.knot_values))))


@settings(max_examples=150, deadline=None)
@given(net=scalar_networks(), domain=DOMAINS)
def test_network_is_affine_between_kinks_and_equals_the_reported_piece(net, domain):
    f = net.piecewise(*domain)
    knots = f.knots
    t = np.linspace(0.0, 1.0, 9)[1:-1]
    for i in range(f.num_pieces):
        xs = knots[i] + (knots[i + 1] - knots[i]) * t
        expected = f.slopes[i] * xs + f.intercepts[i]
        np.testing.assert_allclose(net(xs), expected, rtol=1e-9, atol=1e-9 * _scale(f))


@settings(max_examples=150, deadline=None)
@given(net=scalar_networks(), domain=DOMAINS)
def test_every_reported_kink_is_a_real_change_of_slope(net, domain):
    f = net.piecewise(*domain)
    a, b = f.domain
    assert np.all(np.diff(f.breakpoints) > 0)
    assert np.all((f.breakpoints > a) & (f.breakpoints < b))
    change = np.abs(np.diff(f.slopes))
    assert np.all(change > SLOPE_RTOL * np.maximum(np.abs(f.slopes[:-1]), np.abs(f.slopes[1:])))
    # and the network itself bends there: its one-sided secants over a quarter of the neighbouring
    # pieces differ by the reported change, up to rounding: three evaluations within their bounds
    # e (tests/rounding.py) and x ± d rounded by u·|x ± d| (times the slope), over d; the secants'
    # own subtraction and division; the analysed slopes, products of the weights along the active
    # units, within γ of |W_L|⋯|W_1| each
    weight, _, n = product_magnitudes(net)
    slope_error = 2 * gamma(2 * n) * weight[0, 0]
    knots = f.knots
    for i, x in enumerate(f.breakpoints, start=1):
        d = 0.25 * min(x - knots[i - 1], knots[i + 1] - x)
        points = np.array([x - d, x, x + d])
        y = net(points)
        left, right = (y[1] - y[0]) / d, (y[2] - y[1]) / d
        e = evaluation_bound(net, points)[:, 0]
        s_left, s_right = f.slopes[i - 1], f.slopes[i]
        bound = ((e[0] + 2 * e[1] + e[2] + U * (abs(s_left * points[0]) + abs(s_right * points[2]))) / d
                 + 3 * U * (abs(left) + abs(right)) + 2 * slope_error)
        assert abs((right - left) - (s_right - s_left)) <= bound


@settings(max_examples=150, deadline=None)
@given(net=scalar_networks(), domain=DOMAINS)
def test_values_and_active_counts_agree_with_evaluation(net, domain):
    f = net.piecewise(*domain)
    np.testing.assert_allclose(f.values, net(f.breakpoints), rtol=1e-9, atol=1e-9 * _scale(f))
    np.testing.assert_allclose(f.knot_values, net(f.knots), rtol=1e-9, atol=1e-9 * _scale(f))
    middles = 0.5 * (f.knots[:-1] + f.knots[1:])
    counts = np.zeros(len(middles), dtype=int)
    h = middles.reshape(-1, 1)
    for layer in net.layers:
        z = layer.preactivation(h)
        if not layer.is_linear:
            counts += (z > 0).sum(axis=1)
        h = layer.activate(z)
    np.testing.assert_array_equal(f.active, counts)


def test_tent_map_composed_m_times_has_2_to_the_m_pieces():
    for m in range(1, 9):
        f = tent_map(m).piecewise(0, 1)
        assert f.num_pieces == 2**m
        np.testing.assert_allclose(f.breakpoints, np.arange(1, 2**m) / 2**m, atol=1e-12)


def test_a_small_kink_beside_a_huge_one_is_kept():
    net = shifted_relu_sum([1e10, 0.01], [1.5, 0.5])
    f = net.piecewise(0, 2)
    np.testing.assert_allclose(f.breakpoints, [0.5, 1.5])
    assert f.slopes[0] == 0.0 and f.slopes[1] == pytest.approx(0.01)


def test_rounding_in_cancelling_units_is_not_a_kink():
    # 1e8·ReLU(x) − 1e8·ReLU(x) + 1e8·ReLU(x − 1) − 1e8·ReLU(x − 1): identically zero
    net = shifted_relu_sum([1e8 / 3, -1e8 / 3, 1e8 / 7, -1e8 / 7], [0.1, 0.1, 1.0, 1.0])
    assert net.piecewise(0, 2).breakpoints.size == 0


def test_merged_regions_are_kept_separately():
    # ReLU(x) − ReLU(x) + 0·ReLU(x − 1): activation regions change at 0 and 1, the function never bends
    net = Network([Layer([[1.0], [1.0]], [0.0, -1.0], "relu"), Layer([[0.0, 0.0]], [2.0])])
    f = net.piecewise(-1, 2)
    assert f.breakpoints.size == 0 and f.slopes.tolist() == [0.0]
    np.testing.assert_array_equal(f.region_breakpoints, [0.0, 1.0])
    np.testing.assert_array_equal(f.region_active, [0, 1, 2])


def test_small_network_by_hand():
    net = shifted_relu_sum([1.0, -2.0], [0.5, 1.0])
    f = net.piecewise(0, 2)
    assert f.breakpoints.tolist() == [0.5, 1.0]
    assert f.slopes.tolist() == [0.0, 1.0, -1.0]
    assert f.values.tolist() == [0.0, 0.5]
    assert f.active.tolist() == [0, 1, 2]


def test_from_points_merges_collinear_points():
    f = PiecewiseLinear.from_points([0, 1, 2, 3], [0, 1, 2, 0])
    assert f.breakpoints.tolist() == [2.0]
    np.testing.assert_allclose(f([0.5, 2.5]), [0.5, 1.0])


@pytest.mark.parametrize(
    "net, domain, message",
    [
        (Network([Layer([[1.0, 2.0]], [0.0], "relu"), Layer([[1.0]], [0.0])]), (0, 1), "one input and one output"),
        (Network([Layer([[1.0]], [0.0], "relu"), Layer([[1.0], [2.0]], [0.0, 0.0])]), (0, 1), "1 -> 2"),
        (shifted_relu_sum([1.0], [0.0]), (1, 1), "a must be smaller than b"),
        (shifted_relu_sum([1.0], [0.0]), (2, 1), "a must be smaller than b"),
        (shifted_relu_sum([1.0], [0.0]), (0, float("inf")), "finite"),
    ],
)
def test_unsupported_input_is_refused_with_a_message(net, domain, message):
    with pytest.raises(ReluAnimError, match=message):
        net.piecewise(*domain)
