"""relu_anim.story.depth: tent-map pieces and Yarotsky's deep x² against one hidden layer."""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim.construct import units_for_max_error, yarotsky_x2
from relu_anim.story.depth import deep_x2, tent_step
from relu_anim.x2 import square
from relu_anim.metrics import x2_optimal_max_error


@pytest.mark.parametrize("m", [1, 2, 3, 4, 5, 6])
def test_tent_map_doubles_the_pieces(m):
    s = tent_step(m)
    assert s.pieces == 2 ** m and s.kinks == 2 ** m - 1 and s.units == 2 * m
    np.testing.assert_allclose(s.function.breakpoints, np.arange(1, 2 ** m) / 2 ** m, atol=1e-12)
    peaks = s.function.knot_values
    np.testing.assert_allclose(peaks, np.arange(2 ** m + 1) % 2, atol=1e-12)  # 0, 1, 0, 1, …
    assert s.one_layer_max_pieces == 2 * m + 1
    assert (s.pieces > s.one_layer_max_pieces) == (m >= 3)


@pytest.mark.parametrize("m", [1, 2, 3, 4, 5, 6])
def test_deep_x2_error_and_units(m):
    row = deep_x2(m)
    assert row.deep_units == 3 * m
    assert row.max_error == pytest.approx(2.0 ** (-2 * m), rel=1e-9) and row.bound == 2.0 ** (-2 * m)
    np.testing.assert_allclose(row.function.knot_values, square(row.function.knots), atol=1e-12)
    n = row.shallow_units
    assert x2_optimal_max_error(n) <= row.bound < x2_optimal_max_error(n - 1) if n > 1 else True
    assert n == units_for_max_error(row.bound)
    np.testing.assert_allclose(row.function.breakpoints, yarotsky_x2(m).piecewise(0, 2).breakpoints)


def test_one_layer_needs_exponentially_more_units():
    shallow = [deep_x2(m).shallow_units for m in range(1, 7)]
    assert shallow == [1, 3, 6, 11, 23, 45]
    assert [deep_x2(m).deep_units for m in range(1, 7)] == [3, 6, 9, 12, 15, 18]
