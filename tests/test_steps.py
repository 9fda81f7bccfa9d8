"""Slope and inactive-count step functions come from the exact analysis (relu_anim/steps.py)."""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim import Layer, Network, ReluAnimError
from relu_anim.construct import random_network, shifted_relu_sum
from relu_anim.piecewise import PiecewiseLinear
from relu_anim.story.steps import StepFunction, inactive_steps, kinks_within, slope_steps


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_slope_steps_are_the_derivative(seed):
    net = random_network([1, 12, 1], seed=seed)
    f = net.piecewise(-5, 5)
    s = slope_steps(f)
    np.testing.assert_array_equal(s.jumps, f.breakpoints)
    # a finite difference strictly inside each piece equals the step's value there
    mids = 0.5 * (f.knots[:-1] + f.knots[1:])
    h = 1e-6 * np.diff(f.knots).min()
    np.testing.assert_allclose((net(mids + h) - net(mids - h)) / (2 * h), s(mids), rtol=1e-5, atol=1e-9)


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
