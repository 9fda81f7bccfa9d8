"""relu_anim.story.switches: where each unit of a one-input ReLU layer switches, and the slope's jumps."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_anim import Layer, Network, ReluAnimError
from relu_anim.construct import random_network
from relu_anim.story.switches import end_slopes, unit_switches

from .rounding import gamma


@settings(max_examples=60, deadline=None)
@given(width=st.integers(1, 30), seed=st.integers(0, 10_000))
def test_switches_are_the_exact_kinks_and_jumps(width, seed):
    net = random_network([1, width, 1], seed=seed)
    sw = unit_switches(net)
    w, v = net.layers[0].weight[:, 0], net.layers[1].weight[0]
    kinks = [s.kink for s in sw]
    assert kinks == sorted(kinks) and len(sw) == width  # PyTorch's uniform draw is never exactly 0
    lo, hi = min(kinks) - 1, max(kinks) + 1
    f = net.piecewise(lo, hi)
    scale = float(np.sum(np.abs(v * w)))
    # the sum of the jumps from the left end is the slope at the right end, up to the rounding of both sums
    left, right = end_slopes(net)
    assert abs(left + sum(s.jump for s in sw) - right) <= 4 * gamma(width) * scale
    assert abs(f.slopes[0] - left) <= 4 * gamma(width) * scale
    assert abs(f.slopes[-1] - right) <= 4 * gamma(width) * scale
    # the end slopes add up to the linear network's Σ v·w; the units off at the two ends to the width
    assert abs(left + right - float(v @ w)) <= 4 * gamma(width) * scale
    assert sum(s.turns_on for s in sw) + sum(not s.turns_on for s in sw) == width
    for s in sw:
        assert s.turns_on == (w[s.unit] > 0)
        assert s.jump == (v[s.unit] * w[s.unit] if s.turns_on else -(v[s.unit] * w[s.unit]))


def test_a_unit_with_zero_weight_never_switches():
    net = Network([Layer([[1.0], [0.0], [-2.0]], [-1.0, 3.0, 1.0], "relu"), Layer([[0.5, 7.0, 2.0]], [0.0], "linear")])
    sw = unit_switches(net)
    assert [(s.unit, s.kink, s.turns_on, s.jump) for s in sw] == [(2, 0.5, False, 4.0), (0, 1.0, True, 0.5)]


@pytest.mark.parametrize("widths,activation", [([2, 3, 1], "relu"), ([1, 3, 3, 1], "relu"), ([1, 3, 1], "linear")])
def test_other_shapes_are_refused_in_one_line(widths, activation):
    net = random_network(widths, seed=0, activation=activation)
    with pytest.raises(ReluAnimError) as info:
        unit_switches(net)
    assert "\n" not in str(info.value) and "expected" in str(info.value)
