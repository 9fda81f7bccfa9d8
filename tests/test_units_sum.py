"""relu_anim.story.units_sum: a one-hidden-layer network is c plus one shifted-ReLU term per unit.

The property test draws random one-input networks and checks that the rewritten
sum ``c + Σ aᵢ·|wᵢ|·ReLU(±(x − hᵢ))`` equals the network at random x, within a
bound derived from the operations (tests/rounding.py; the derivation is in
:func:`relu_anim.story.units_sum.rounding_bound` and repeated below).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_anim import Layer, Network, ReluAnimError
from relu_anim.construct import shifted_relu_sum
from relu_anim.story import units_sum as us

from .rounding import U, assert_within, evaluation_bound, gamma


def network_of(weights, biases, output_weights, output_bias) -> Network:
    return Network([Layer(np.reshape(weights, (-1, 1)), biases, "relu"),
                    Layer(np.reshape(output_weights, (1, -1)), [output_bias], "linear")])


@st.composite
def one_layer_networks(draw) -> Network:
    """A 1 → n → 1 ReLU network, n in 1..8, with no zero first-layer weight."""
    n = draw(st.integers(1, 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
    w = rng.normal(0, 1.5, n) * scale
    w = np.where(np.abs(w) < 1e-6 * scale, scale, w)  # never 0: a constant unit has no kink
    return network_of(w, rng.normal(0, 1, n) * scale, rng.normal(0, 1, n), rng.normal())


def rewrite_bound(net: Network, xs: np.ndarray) -> np.ndarray:
    """The rewritten sum's distance from the exact value, derived here from its operations.

    Per term: h = −b/w, x − h (the layer's ±x − ±h), a·|w|, the product and its
    sum with a zero bias round 5 times, relative to |a|·|w|·(|x| + 2|h|) =
    |a|·(|w||x| + 2|b|) (ReLU is exact and 1-Lipschitz); adding n terms and c
    rounds n more times. γ is taken at twice the count: M is rounded too.
    """
    hidden, output = net.layers
    n = hidden.out_features
    size = abs(output.bias[0]) + (np.abs(hidden.weight[:, 0]) * np.abs(xs)[:, None]
                                  + 2 * np.abs(hidden.bias)) @ np.abs(output.weight[0])
    return gamma(2 * (n + 5)) * size


# ------------------------------------------------------------------ the story
def test_the_story_network_has_one_flipped_unit_and_short_numbers():
    d = us.story()
    assert d.network.widths == [1, 3, 1]
    assert [t.weight for t in d.terms] == list(us.WEIGHTS) and [t.bias for t in d.terms] == list(us.BIASES)
    assert [t.output_weight for t in d.terms] == list(us.OUTPUT_WEIGHTS) and d.bias == us.OUTPUT_BIAS
    assert [t.flipped for t in d.terms] == [w < 0 for w in us.WEIGHTS] == [False, True, False]
    for t in d.terms:
        assert t.h == -t.bias / t.weight and t.scale == abs(t.weight)
        assert t.coefficient == t.output_weight * t.scale
    # the numbers are short and the shown digits give the shown results (h, a·|w|)
    np.testing.assert_allclose([t.h for t in d.terms], [-1.5, 0.5, 2.0], rtol=0, atol=4 * U * 2)
    np.testing.assert_allclose([t.coefficient for t in d.terms], [0.6, 0.8, -1.8], rtol=0, atol=4 * U * 2)
    a, b = us.DOMAIN
    assert all(a < t.h < b for t in d.terms)


def test_the_outputs_kinks_are_the_units_h():
    d = us.story()
    kinks = d.check_kinks()
    np.testing.assert_array_equal(kinks, d.output.breakpoints)
    np.testing.assert_allclose(kinks, sorted(t.h for t in d.terms), rtol=0, atol=8 * U)


def test_each_term_is_the_unit_times_its_output_weight():
    d = us.story()
    xs = np.linspace(*us.DOMAIN, 121)
    for t in d.terms:
        direct = np.maximum(0.0, t.weight * xs + t.bias)
        bound = gamma(6) * (abs(t.weight) * np.abs(xs) + 2 * abs(t.bias))
        assert_within(t.unit(xs).reshape(-1), direct, bound, "unit")
        assert_within(t.shifted(xs).reshape(-1), direct, bound, "shifted unit")
        assert_within(t(xs).reshape(-1), t.output_weight * direct, abs(t.output_weight) * 2 * bound, "term")
        f = t.term.piecewise(*us.DOMAIN)
        np.testing.assert_allclose(f.breakpoints, [t.h], rtol=0, atol=8 * U)
        # flipped: the ramp is on the left of h; otherwise on the right
        assert (f.slopes[0] != 0) == t.flipped and (f.slopes[-1] != 0) == (not t.flipped)


def test_partial_sums_run_from_c_to_the_network():
    d = us.story()
    xs = np.linspace(*us.DOMAIN, 61)
    values = d.term_values(xs)
    sums = d.partial_sums()
    assert len(sums) == 4 and sums[0].slopes.tolist() == [0.0] and sums[0].intercepts.tolist() == [d.bias]
    for k, f in enumerate(sums):
        expected = d.bias + values[:, :k].sum(axis=1)
        assert_within(f(xs), expected, 2 * rewrite_bound(d.network, xs), f"partial sum {k}")
        assert len(f.breakpoints) == k
    bound = rewrite_bound(d.network, xs) + evaluation_bound(d.network, xs)[:, 0]
    assert_within(sums[-1](xs), d.network(xs).reshape(-1), bound, "whole sum")
    with pytest.raises(ReluAnimError, match="0 to 3 terms"):
        d.partial(4)


# ------------------------------------------------------------- the property
@settings(max_examples=60, deadline=None)
@given(net=one_layer_networks(), xs=st.lists(st.floats(-10, 10), min_size=1, max_size=8))
def test_the_terms_sum_to_the_network(net, xs):
    xs = np.array(xs)
    d = us.decompose(net, (-10.0, 10.0))
    assert len(d.terms) == net.hidden_units
    bound = rewrite_bound(net, xs) + evaluation_bound(net, xs)[:, 0]
    assert_within(d(xs), net(xs).reshape(-1), bound, "sum of terms")
    # the module's own bound is at least the one derived here for the rewritten sum
    assert np.all(us.rounding_bound(net, xs) >= rewrite_bound(net, xs))
    d.check_kinks()


def test_a_wrong_rewrite_is_refused_at_the_kinks():
    """A term with its flip forgotten no longer sums to the network, and the check says so."""
    d = us.story()
    wrong = list(d.terms)
    t = wrong[1]
    wrong[1] = us.Term(t.index, t.weight, t.bias, t.output_weight, t.scale, t.h, False, t.unit, t.shifted,
                       shifted_relu_sum([t.coefficient], [t.h]))
    broken = us.Decomposition(d.network, d.domain, tuple(wrong), d.bias, d.output)
    with pytest.raises(ReluAnimError, match="the rewrite is wrong"):
        broken.check_kinks()


@pytest.mark.parametrize("net, message", [
    (network_of([1.0, 0.0], [0.0, 1.0], [1.0, 1.0], 0.0), "hidden unit 1 has weight 0"),
    (Network([Layer([[1.0]], [0.0], "relu"), Layer([[1.0]], [0.0], "relu"), Layer([[1.0]], [0.0])]),
     "one hidden layer"),
    (Network([Layer([[1.0]], [0.0], "leaky_relu"), Layer([[1.0]], [0.0])]), "relu hidden layer"),
])
def test_networks_that_are_not_one_relu_layer_are_refused_in_one_line(net, message):
    with pytest.raises(ReluAnimError, match=message) as info:
        us.decompose(net)
    assert "\n" not in str(info.value)
