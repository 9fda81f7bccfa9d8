"""Active sides and fold counts of a two-input first layer (relu_anim/folds.py)."""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim import Layer, Network, ReluAnimError
from relu_anim.construct import random_network
from relu_anim.story.folds import active_side, first_layer_network, fold_region_counts
from relu_anim.regions import first_layer_lines, linear_regions

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
