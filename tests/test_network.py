"""Network evaluation, collapse of linear stacks, and its input checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_anim import Layer, Network, ReluAnimError

from .rounding import assert_within, collapsed_bound, evaluation_bound


@settings(max_examples=60, deadline=None)
@given(widths=st.lists(st.integers(1, 6), min_size=2, max_size=6), seed=st.integers(0, 2**32 - 1))
def test_collapse_equals_the_stack(widths, seed):
    rng = np.random.default_rng(seed)
    net = Network(Layer(rng.normal(size=(o, i)), rng.normal(size=o)) for i, o in zip(widths, widths[1:]))
    layer = net.collapse()
    assert layer.weight.shape == (widths[-1], widths[0])
    x = rng.normal(size=(7, widths[0]))
    # the stack and the collapsed layer are each within their rounding bound of the exact map
    assert_within(layer(x), net(x), evaluation_bound(net, x) + collapsed_bound(net, x), "collapsed vs stacked")


def test_collapse_formula_on_two_layers():
    f = Layer([[1.0, 2.0], [0.5, -1.0]], [1.0, -2.0])
    g = Layer([[3.0, 1.0]], [0.5])
    h = Network([f, g]).collapse()
    np.testing.assert_array_equal(h.weight, g.weight @ f.weight)
    np.testing.assert_array_equal(h.bias, g.weight @ f.bias + g.bias)


def test_collapse_refuses_a_nonlinear_layer():
    net = Network([Layer([[1.0]], [0.0], "relu"), Layer([[1.0]], [0.0])])
    with pytest.raises(ReluAnimError, match=r"layers\[0\]: has activation 'relu'"):
        net.collapse()


def test_evaluation_shapes():
    net = Network([Layer([[1.0], [-1.0]], [0.0, 0.0], "relu"), Layer([[1.0, 1.0]], [0.0])])  # |x|
    assert net(-2.0) == 2.0
    assert net([-1.0, 3.0]).tolist() == [1.0, 3.0]
    assert net(np.array([[-1.0], [3.0]])).shape == (2, 1)
    leaky = Layer([[1.0]], [0.0], "leaky_relu", 0.1)
    np.testing.assert_allclose(leaky(np.array([[-2.0], [2.0]])).ravel(), [-0.2, 2.0])
    assert repr(net) == "Network(widths=[1, 2, 1], activations=[relu, linear])"
    assert net.hidden_units == 2


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Layer([[1.0]], [0.0], "sigmoid"), "unknown activation 'sigmoid'"),
        (lambda: Layer([[1.0, 2.0]], [0.0, 1.0]), "does not match"),
        (lambda: Layer([[np.nan]], [0.0]), "non-finite"),
        (lambda: Layer([[1.0]], [np.inf]), "bias: contains non-finite"),
        (lambda: Layer([1.0, 2.0], [0.0]), "non-empty matrix"),
        (lambda: Layer([["a"]], [0.0]), "arrays of numbers"),
        (lambda: Layer([[1.0]], [0.0], "leaky_relu", float("nan")), "negative_slope"),
        (lambda: Network([]), "at least one layer"),
        (lambda: Network([Layer([[1.0], [1.0]], [0, 0]), Layer([[1.0]], [0.0])]), r"takes 1 inputs but layers\[0\] has 2"),
        (lambda: Network([Layer([[1.0, 1.0]], [0.0])])(np.ones((3, 3))), "expected 2 features"),
    ],
)
def test_bad_input_is_refused_with_a_message(make, message):
    with pytest.raises(ReluAnimError, match=message):
        make()
