"""Slope and inactive-count step functions come from the exact analysis (relu_anim/steps.py)."""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim import Layer, Network, ReluAnimError
from relu_anim.construct import random_network, shifted_relu_sum
from relu_anim.piecewise import PiecewiseLinear
from relu_anim.story.steps import StepFunction, inactive_steps, kinks_within, slope_steps

from .rounding import U, assert_within, evaluation_bound, gamma, product_magnitudes


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_slope_steps_are_the_derivative(seed):
    net = random_network([1, 12, 1], seed=seed)
    f = net.piecewise(-5, 5)
    s = slope_steps(f)
    np.testing.assert_array_equal(s.jumps, f.breakpoints)
    # a central difference over half of each piece, around its middle, equals the step's value there:
    # the network is affine on the piece, so only rounding separates them. Each evaluation is within
    # its bound e(x); the points m ± h are rounded by at most u·|m ± h|, which moves the value by the
    # slope times that; the subtraction and the division round once more each. The step's value, the
    # analysed slope, is a sum of at most 2·width + 2 rounded terms v·|w|.
    mids = 0.5 * (f.knots[:-1] + f.knots[1:])
    h = 0.25 * np.diff(f.knots)
    right, left = mids + h, mids - h
    slope = s(mids)
    difference = (net(right) - net(left)) / (2 * h)
    e = evaluation_bound(net, right)[:, 0] + evaluation_bound(net, left)[:, 0]
    weight, _, n = product_magnitudes(net)
    bound = ((e + np.abs(slope) * U * (np.abs(right) + np.abs(left))) / (2 * h) + 3 * U * np.abs(difference)
             + gamma(2 * n) * weight[0, 0])
    assert_within(difference, slope, bound, "central differences")


@pytest.mark.parametrize("seed", [0, 3])
def test_inactive_steps_count_the_zero_units(seed):
    net = random_network([1, 10, 1], seed=seed)
    f = net.piecewise(-6, 6)
    s = inactive_steps(f, net)
    edges = s.edges
    mids = 0.5 * (edges[:-1] + edges[1:])
    z = net.layers[0].preactivation(mids.reshape(-1, 1))
    np.testing.assert_array_equal(s(mids), np.sum(z <= 0, axis=1))
    # every change of the count is a kink of the output
    for x in s.jumps:
        assert np.min(np.abs(f.breakpoints - x)) < 1e-12


def test_linear_network_has_no_inactive_units():
    net = random_network([1, 6, 1], seed=0, activation="linear")
    s = inactive_steps(net.piecewise(-1, 1), net)
    assert s.values.tolist() == [0.0] and len(s.jumps) == 0


def test_inactive_steps_refuses_a_foreign_analysis():
    big = shifted_relu_sum([1.0, 1.0, 1.0], [0.1, 0.2, 0.3])
    small = Network([Layer([[1.0]], [0.0], "relu"), Layer([[1.0]], [0.0])])
    with pytest.raises(ReluAnimError, match="pass the network"):
        inactive_steps(big.piecewise(0, 1), small)


def test_step_function_validates_and_evaluates():
    s = StepFunction([0, 1, 2, 3], [1, 1, 4])
    assert s.jumps.tolist() == [2.0] and (s.low, s.high) == (1.0, 4.0)
    assert s(np.array([-1.0, 0.0, 1.5, 2.0, 3.0, 9.0])).tolist() == [1.0, 1.0, 1.0, 4.0, 4.0, 4.0]
    with pytest.raises(ReluAnimError, match="one more edge"):
        StepFunction([0, 1], [1, 2])
    with pytest.raises(ReluAnimError, match="increasing"):
        StepFunction([0, 0, 1], [1, 2])


def test_kinks_within_counts_inclusive():
    f = PiecewiseLinear.from_points([-9, -5, -1, 1, 9], [0, 1, 0, 2, 0])
    assert kinks_within(f, -1, 1) == 2 and kinks_within(f, -0.5, 0.5) == 0 and kinks_within(f, -9, 9) == 3
