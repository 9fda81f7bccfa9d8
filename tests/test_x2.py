"""relu_anim.x2, the one home of the x² problem: its numbers are DESIGN.md's, and everyone uses them."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_anim import ReluAnimError, metrics, x2
from relu_anim.construct import optimal_x2

#: the module (``relu_anim.construct`` as an attribute is the function the package re-exports)
construct_module = importlib.import_module("relu_anim.construct")

#: DESIGN.md, "Numbers to hit": n, L∞*, MSE* (four significant digits).
DESIGN_TABLE = [
    (1, 2.222e-1, 1.756e-2), (2, 8.000e-2, 2.276e-3), (5, 1.653e-2, 9.714e-5), (10, 4.535e-3, 7.313e-6),
    (20, 1.190e-3, 5.033e-7), (50, 1.961e-4, 1.367e-8), (100, 4.950e-5, 8.713e-10),
]


@pytest.mark.parametrize("n,max_error,mse", DESIGN_TABLE)
def test_optima_are_the_design_table(n, max_error, mse):
    # the table rounds to four significant digits: half a unit of the fourth digit
    assert x2.optimal_max_error(n) == pytest.approx(max_error, rel=5e-4)
    assert x2.optimal_mse(n) == pytest.approx(mse, rel=5e-4)


@settings(deadline=None, max_examples=50)
@given(st.integers(1, 500))
def test_optimal_network_bends_at_the_optimal_kinks(n):
    f = optimal_x2(n).piecewise(*x2.DOMAIN)
    # the units are ReLU(x − t_j): weight 1, bias −t_j, so the analysis' root fl(−b/w) is t_j itself
    np.testing.assert_array_equal(f.breakpoints, x2.optimal_kinks(n))
    assert len(x2.optimal_kinks(n)) == n


def test_the_old_names_are_the_same_functions():
    assert metrics.x2_optimal_max_error is x2.optimal_max_error
    assert metrics.x2_optimal_mse is x2.optimal_mse
    assert metrics.x2_interpolation_max_error is x2.interpolation_max_error
    assert metrics.is_x2_on_0_2 is x2.is_x2_on_0_2
    assert construct_module.x2_optimal_kinks is x2.optimal_kinks
    assert construct_module.units_for_max_error is x2.units_for_max_error


def test_the_problem_is_recognised_by_spelling_and_domain():
    for text in ("x**2", "x * x", "x^2", "x²"):
        assert x2.is_x2_on_0_2(text, (0, 2))
    assert not x2.is_x2_on_0_2("x**2", (0, 1))
    assert not x2.is_x2_on_0_2("x**3", x2.DOMAIN)
    assert not x2.is_x2_on_0_2(None, x2.DOMAIN)
    assert x2.square.text == x2.TARGET_TEXT
    np.testing.assert_array_equal(x2.square(np.array([0.0, 1.5, 2.0])), [0.0, 2.25, 4.0])


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "5"])
def test_unit_counts_are_whole_and_positive(bad):
    for formula in (x2.optimal_max_error, x2.optimal_mse, x2.interpolation_max_error, x2.optimal_kinks):
        with pytest.raises(ReluAnimError, match="units"):
            formula(bad)
