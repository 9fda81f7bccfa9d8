"""Hats from three ReLUs, and sums of hats, against their defining properties."""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim import ReluAnimError
from relu_anim.construct import interpolant
from relu_anim.story.hats import hat, hat_sum, hats, riemann_cells, split_units, tent
from relu_anim.metrics import quadrature
from relu_anim.network import Network

from .rounding import assert_within, evaluation_bound, gamma, product_magnitudes


def bump(x):
    return 2.0 * np.exp(-np.asarray(x, dtype=float) ** 2 / 2)


@pytest.mark.parametrize("center,half_width,height", [(0.0, 1.0, 1.5), (2.5, 0.25, -3.0), (-1.0, 4.0, 0.2)])
def test_hat_is_three_relus_with_the_asked_shape(center, half_width, height):
    net = hat(center, half_width, height)
    assert net.hidden_units == 3
    # three shifted ReLUs, at the hat's start, peak and end
    shifts = -net.layers[0].bias / net.layers[0].weight[:, 0]
    np.testing.assert_allclose(shifts, [center - half_width, center, center + half_width])
    k = height / half_width
    np.testing.assert_allclose(net.layers[-1].weight[0], [k, -2 * k, k])
    f = net.piecewise(center - 3 * half_width, center + 3 * half_width)
    np.testing.assert_allclose(f.breakpoints, [center - half_width, center, center + half_width])
    np.testing.assert_allclose(f.values, [0.0, height, 0.0], atol=1e-12)
    np.testing.assert_allclose(f.slopes, [0.0, k, -k, 0.0], atol=1e-12)
    np.testing.assert_allclose(f.knot_values[[0, -1]], [0.0, 0.0], atol=1e-12)


def test_lopsided_tent_rises_and_falls_at_its_own_rates():
    f = tent(0.0, 1.0, 3.0, 2.0).piecewise(-1, 4)
    np.testing.assert_allclose(f.breakpoints, [0.0, 1.0, 3.0])
    np.testing.assert_allclose(f.slopes, [0.0, 2.0, -1.0, 0.0], atol=1e-12)


@pytest.mark.parametrize("bad", [dict(half_width=0.0), dict(half_width=-1.0), dict(height=np.nan)])
def test_hat_refuses_degenerate_shapes(bad):
    args = dict(center=0.0, half_width=1.0, height=1.0) | bad
    with pytest.raises(ReluAnimError, match="half_width|hat"):
        hat(**args)


def test_hats_reach_zero_at_their_neighbours():
    knots = np.array([-1.0, 0.0, 0.5, 2.0])
    heights = np.array([1.0, -2.0, 3.0, 0.5])
    hs = hats(knots, heights)
    assert [h.center for h in hs] == knots.tolist()
    for i, h in enumerate(hs):
        net = h.network
        assert net(h.center) == pytest.approx(heights[i])
        others = np.delete(knots, i)
        np.testing.assert_allclose(net(others), 0.0, atol=1e-12)  # zero at every other knot
    assert hs[0].left == -2.0 and hs[-1].right == 3.5
    assert hs[0].support((-1.0, 2.0)) == (-1.0, 0.0)
    with pytest.raises(ReluAnimError, match="does not meet"):
        hs[0].support((1.0, 2.0))


@pytest.mark.parametrize("knots", [np.linspace(-3, 3, 13), np.array([-3.0, -1.0, -0.2, 0.0, 0.7, 3.0])])
def test_hat_sum_is_the_interpolant(knots):
    net = hat_sum(knots, bump(knots))
    assert net.hidden_units == 3 * len(knots)
    a, b = knots[0], knots[-1]
    f = net.piecewise(a, b)
    interpolating = interpolant(bump, knots)
    g = interpolating.piecewise(a, b)
    # every kink is a unit's root fl(−b/w) = the knot itself (w = 1, b = −knot): exactly
    np.testing.assert_array_equal(f.breakpoints, knots[1:-1])
    np.testing.assert_array_equal(f.breakpoints, g.breakpoints)
    # values and slopes are sums of 3·len(knots) units' terms (|terms| add up to ~300, cancelling to
    # the bump's ~1): each within its rounding bound (tests/rounding.py), up to 3e-12 at the right end
    assert_within(f.knot_values, bump(knots), evaluation_bound(net, knots)[:, 0], "knot values")
    f_weight, _, n = product_magnitudes(net)
    g_weight, _, m = product_magnitudes(interpolating)
    assert_within(f.slopes, g.slopes, 2 * gamma(n) * f_weight[0, 0] + 2 * gamma(m) * g_weight[0, 0], "slopes")
    xs = np.linspace(a, b, 1001)
    bound = evaluation_bound(net, xs)[:, 0]
    assert_within(net(xs), g(xs), bound + evaluation_bound(interpolating, xs)[:, 0], "hat sum vs interpolant")
    # the sum of the drawn hats, one by one, is the same function: each hat within its own bound, and
    # the running sum of the hats' values rounds once per hat
    drawn = [h.network for h in hats(knots, bump(knots))]
    values = [h(xs) for h in drawn]
    by_hats = sum(evaluation_bound(h, xs)[:, 0] for h in drawn) + gamma(len(drawn)) * sum(np.abs(v) for v in values)
    assert_within(sum(values), net(xs), by_hats + bound, "sum of the hats")


def test_riemann_cells_tile_the_knots_and_match_each_hats_area():
    knots = np.array([-3.0, -1.0, -0.2, 0.0, 0.7, 3.0])
    heights = bump(knots)
    left, right, h = riemann_cells(knots, heights)
    assert left[0] == knots[0] and right[-1] == knots[-1]
    np.testing.assert_array_equal(left[1:], right[:-1])  # side by side, no gap, no overlap
    assert np.all((left <= knots) & (knots <= right))
    np.testing.assert_array_equal(h, heights)
    domain = (knots[0], knots[-1])
    for hat_, lo, hi, height in zip(hats(knots, heights), left, right, h):
        f = hat_.network.piecewise(*domain)
        x, w, _ = quadrature(f.knots)
        assert float(np.sum(w * f(x))) == pytest.approx((hi - lo) * height, rel=1e-12)
    # so the rectangles' total is the area under the sum of hats (the trapezoid rule)
    f = hat_sum(knots, heights).piecewise(*domain)
    x, w, _ = quadrature(f.knots)
    assert float(np.sum(w * f(x))) == pytest.approx(float(np.sum((right - left) * h)), rel=1e-12)


@pytest.mark.parametrize("knots,heights", [([0.0], [1.0]), ([0.0, 0.0], [1.0, 1.0]),
                                           ([0.0, 1.0], [1.0]), ([0.0, np.inf], [1.0, 1.0])])
def test_bad_knots_are_refused(knots, heights):
    with pytest.raises(ReluAnimError, match="knots"):
        hat_sum(knots, heights)


def test_split_units_add_up_to_the_network():
    from relu_anim.construct import shifted_relu_sum

    net = shifted_relu_sum([1.0, -1.5, 0.75], [-2.0, 0.0, 1.5], bias=0.25, flipped=[False, True, False])
    units = split_units(net)
    assert len(units) == 3 and all(u.hidden_units == 1 for u in units)
    xs = np.linspace(-3, 3, 61)
    np.testing.assert_allclose(sum(u(xs) for u in units) + 0.25, net(xs), atol=1e-12)
    # each unit has exactly its own kink
    assert [u.piecewise(-3, 3).breakpoints.tolist() for u in units] == [[-2.0], [0.0], [1.5]]
    np.testing.assert_allclose(units[1](xs), -1.5 * np.maximum(0.0, -xs), atol=1e-12)
    with pytest.raises(ReluAnimError, match="one hidden layer"):
        split_units(Network([net.layers[0]]))
