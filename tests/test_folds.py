"""Active sides and fold counts of a two-input first layer (relu_anim/folds.py)."""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim import Layer, Network, ReluAnimError
from relu_anim.construct import random_network
from relu_anim.story.folds import (active_side, contour_levels, first_layer_network, fold_region_counts,
                                   unit_network, value_range)
from relu_anim.regions import first_layer_lines, linear_regions

from .rounding import assert_within, evaluation_bound

BOX = (-2.0, 2.0, -1.0, 1.5)


def _area(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


@pytest.mark.parametrize("seed", [0, 1, 4])
def test_active_side_is_the_active_region_of_the_unit(seed):
    net = random_network([2, 6, 1], seed=seed)
    lines = first_layer_lines(net, BOX)
    for j in range(6):
        side = active_side(net, j, BOX)
        one = Network([Layer(net.layers[0].weight[j:j + 1], net.layers[0].bias[j:j + 1], "relu"),
                       Layer([[1.0]], [0.0])])
        on = [r for r in linear_regions(one, BOX) if r.pattern[0]]
        if side is None:
            assert not on
            continue
        assert len(on) == 1 and _area(side) > 0  # counter-clockwise
        assert _area(side) == pytest.approx(on[0].area, rel=1e-12)
        w, b = net.layers[0].weight[j], net.layers[0].bias[j]
        assert np.all(side @ w + b >= -1e-12)
        if lines[j] is not None:  # both ends of the fold line are vertices of the side
            for end in lines[j]:
                assert np.min(np.abs(side - end).max(axis=1)) < 1e-12


def test_active_side_whole_box_and_nowhere():
    net = Network([Layer([[0.0, 1.0], [0.0, 1.0]], [5.0, -5.0], "relu"), Layer([[1.0, 1.0]], [0.0])])
    assert _area(active_side(net, 0, BOX)) == pytest.approx(4.0 * 2.5)
    assert active_side(net, 1, BOX) is None
    with pytest.raises(ReluAnimError, match="unit"):
        active_side(net, 2, BOX)


def test_fold_counts_grow_with_each_line():
    net = random_network([2, 8, 8, 1], seed=1)
    counts = fold_region_counts(net, BOX)
    assert len(counts) == 8 and counts == sorted(counts)
    assert counts[-1] == len(linear_regions(first_layer_network(net), BOX))
    # three lines in general position through the box: at most 7 pieces
    assert counts[2] <= 7


def test_folds_need_two_inputs_and_a_kinked_first_layer():
    with pytest.raises(ReluAnimError, match="two inputs"):
        fold_region_counts(random_network([1, 3, 1]), BOX)
    with pytest.raises(ReluAnimError, match="linear"):
        active_side(random_network([2, 3, 1], activation="linear"), 0, BOX)


# ------------------------------------------------- a unit's own surface, contours
@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("layer", [0, 1])
def test_unit_network_outputs_that_unit(seed, layer):
    net = random_network([2, 5, 3, 1], seed=seed)
    x = np.random.default_rng(seed).uniform(-2, 2, size=(50, 2))
    hidden = x
    for k in range(layer + 1):
        hidden = net.layers[k](hidden)
    for unit in range(net.layers[layer].out_features):
        alone = unit_network(net, layer, unit)
        # the same sums, rounded in another order: each within the evaluation bound of the exact value
        bound = 2 * evaluation_bound(alone, x)[:, 0]
        assert_within(alone(x)[:, 0], hidden[:, unit], bound, f"unit {unit}")


def test_unit_network_refuses_the_output_layer_and_missing_units():
    net = random_network([2, 5, 3, 1], seed=0)
    with pytest.raises(ReluAnimError, match="layer"):
        unit_network(net, 2, 0)
    with pytest.raises(ReluAnimError, match="unit"):
        unit_network(net, 1, 3)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_value_range_is_reached_and_bounds_the_output(seed):
    net = random_network([2, 6, 4, 1], seed=seed)
    rs = linear_regions(net, BOX)
    low, high = value_range(rs)
    vertices = np.concatenate([r.vertices for r in rs])
    values = net(vertices)[:, 0]
    # reached at a vertex (within the rounding of two ways of evaluating one affine map)
    scale = float(np.abs(values).max())
    assert min(abs(values - low)) <= 1e-12 * scale and min(abs(values - high)) <= 1e-12 * scale
    x = np.random.default_rng(seed).uniform([BOX[0], BOX[2]], [BOX[1], BOX[3]], size=(2000, 2))
    inside = net(x)[:, 0]
    assert inside.min() >= low - 1e-12 * scale and inside.max() <= high + 1e-12 * scale


@pytest.mark.parametrize("low, high, count", [(-0.3, 2.2, 5), (0.0, 1.0, 8), (-1.23, 0.77, 10),
                                              (-0.26, 0.114, 8), (3.0, 3.001, 4)])
def test_contour_levels_are_round_equal_steps_strictly_inside(low, high, count):
    levels = contour_levels(low, high, count)
    assert 1 <= len(levels) <= count
    assert all(low < v < high for v in levels)
    steps = np.diff(levels)
    if len(steps):
        step = steps[0]
        np.testing.assert_allclose(steps, step, rtol=1e-9)
        mantissa = step / 10 ** np.floor(np.log10(step))
        assert min(abs(mantissa - m) for m in (1, 2, 5)) < 1e-9
        # the next level out on either side would leave the range
        assert levels[0] - step <= low and levels[-1] + step >= high


def test_contour_levels_refuse_an_empty_range():
    with pytest.raises(ReluAnimError, match="low < high"):
        contour_levels(1.0, 1.0)
