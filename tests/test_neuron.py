"""One neuron cut out of its network, and the additivity test (relu_anim.story.neuron)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_anim import Layer, Network, ReluAnimError
from relu_anim.construct import random_network, relu_as_shift, shifted_relu_sum
from relu_anim.story.neuron import additivity, single_unit

from .rounding import assert_within, evaluation_bound


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), width=st.integers(1, 6), inputs=st.integers(1, 3))
def test_single_unit_is_the_neurons_own_output(seed, width, inputs):
    net = random_network([inputs, width, 1], seed=seed)
    x = np.random.default_rng(seed).normal(size=(11, inputs)) * 3
    hidden = net.layers[0](x)  # every unit's activation, computed by the full network's layer
    # the same dot products, but summed by other BLAS calls (a row of W, or all of it): each is
    # within its rounding bound of the exact activation (the unit's output weight 1 is exact)
    bound = evaluation_bound(Network([net.layers[0]]), x)
    for i in range(width):
        unit = single_unit(net, i)
        assert unit.widths == [inputs, 1, 1]
        assert_within(unit.forward(x)[:, 0], hidden[:, i], 2 * bound[:, i], f"unit {i}")


@settings(max_examples=40, deadline=None)
@given(w=st.floats(-3, 3).filter(lambda v: abs(v) > 0.05), b=st.floats(-3, 3))
def test_scalar_unit_is_a_scaled_shifted_relu(w, b):
    """ReLU(w·x + b) = |w|·ReLU(±(x − h)), h = −b/w: graph, kink and slopes agree."""
    net = Network([Layer([[w]], [b], "relu"), Layer([[2.0]], [1.0])])
    f = single_unit(net).piecewise(-100, 100)
    scale, h, flipped = relu_as_shift(w, b)
    g = shifted_relu_sum([scale], [h], flipped=[flipped]).piecewise(-100, 100)
    xs = np.linspace(-100, 100, 401)
    np.testing.assert_allclose(f(xs), np.maximum(0, w * xs + b), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(f(xs), g(xs), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(f.breakpoints, [h], rtol=1e-12, atol=1e-12)
    assert f.slopes.tolist() == ([w, 0.0] if w < 0 else [0.0, w])


def test_single_unit_keeps_leaky_slope_and_refuses_bad_units():
    net = random_network([1, 3, 1], seed=1, activation="leaky_relu", negative_slope=0.2)
    unit = single_unit(net, 2)
    assert unit.layers[0].activation == "leaky_relu" and unit.layers[0].negative_slope == 0.2
    with pytest.raises(ReluAnimError, match=r"unit: must be at most 2"):
        single_unit(net, 3)
    with pytest.raises(ReluAnimError, match="unit"):
        single_unit(net, True)
    with pytest.raises(ReluAnimError, match="linear"):
        single_unit(Network([Layer([[1.0]], [0.0]), Layer([[1.0]], [0.0])]))


def test_relu_fails_additivity_with_the_articles_numbers():
    check = additivity(shifted_relu_sum([1.0], [0.0]), -1.0, 1.0)
    assert (check.fx, check.fy, check.fxy) == (0.0, 1.0, 0.0)
    assert check.total == 1.0 and check.gap == 1.0 and not check.holds


@settings(max_examples=40, deadline=None)
@given(w=st.floats(-5, 5), x=st.floats(-10, 10), y=st.floats(-10, 10))
def test_every_linear_map_passes_and_relu_fails_across_zero(w, x, y):
    assert additivity(Network([Layer([[w]], [0.0])]), x, y).holds
    relu = shifted_relu_sum([1.0], [0.0])
    check = additivity(relu, x, y)
    # ReLU passes exactly when x and y are on the same side of 0; across 0 its gap is
    # min(|x|, |y|), which `holds` forgives only within its tolerance (1e-12 + 1e-12·|f(x + y)|)
    same_side = (x >= 0 and y >= 0) or (x <= 0 and y <= 0)
    assert check.holds == same_side or abs(check.gap) <= 1e-12 + 1e-12 * abs(check.fxy)


def test_an_affine_map_with_a_bias_fails_too():
    check = additivity(Network([Layer([[2.0]], [1.0])]), 1.0, 2.0)
    assert check.gap == pytest.approx(1.0) and not check.holds


def test_additivity_rejects_non_finite_output():
    with pytest.raises(ReluAnimError, match="finite"):
        with np.errstate(divide="ignore", invalid="ignore"):
            additivity(lambda x: np.log(x), -1.0, 1.0)
