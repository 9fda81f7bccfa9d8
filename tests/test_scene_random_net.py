"""The random-network chapter draws what the exact analysis says (scenes/random_net.py).

Structural tests compare the drawn points with the package's numbers; a dry run
of the whole storyboard checks narration and duration; two golden frames guard
the look (tests/golden.py; RELU_ANIM_UPDATE_GOLDEN=1 regenerates them).
"""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim.construct import random_network
from relu_anim.story.steps import kinks_within
from relu_anim.story.numbers import affine_words, format_tex, words
from relu_anim.visual import current_theme
from relu_anim.visual.steps import step_vertices

from .golden import PIXEL_FRACTION_TOLERANCE, assert_frame_matches, frame_difference, render_frame
from .renders import rendered
from .rounding import assert_within, gamma, product_magnitudes
from .scenes import assert_narrated, load_chapter, posed, scene_points


@pytest.fixture(scope="module")
def rn():
    """scenes/random_net.py as a module."""
    return load_chapter("random_net")


def hexes(mob) -> str:
    return mob.get_stroke_color().to_hex().lower()


# --------------------------------------------------------------------- data
def test_the_network_is_the_packages_random_draw(rn):
    net = rn.relu_net()
    expected = random_network(list(rn.WIDTHS), seed=rn.SEED)
    assert net.widths == list(rn.WIDTHS)
    for got, want in zip(net.layers, expected.layers):
        np.testing.assert_array_equal(got.weight, want.weight)
        np.testing.assert_array_equal(got.bias, want.bias)
    lin = rn.linear_net()
    assert [layer.activation for layer in lin.layers] == ["linear", "linear"]
    np.testing.assert_array_equal(lin.layers[0].weight, net.layers[0].weight)  # the same weights, no ReLU


def test_slope_and_inactive_count_change_in_step(rn):
    """The narration's claim: every change of the inactive count is a jump of the slope."""
    data = rn.analysis(rn.relu_net(), rn.DOMAIN)
    f = data.function
    np.testing.assert_array_equal(data.slope.jumps, f.breakpoints)
    assert len(data.inactive.jumps) > 0
    for x in data.inactive.jumps:
        assert np.min(np.abs(f.breakpoints - x)) < 1e-9
    # the count is hidden units minus the exact active count, region by region
    np.testing.assert_array_equal(data.inactive.values, rn.WIDTHS[1] - f.region_active)
    # the story's zoom keeps most kinks in view
    assert kinks_within(f, *rn.WINDOW) >= 0.75 * len(f.breakpoints)


def test_linear_network_is_one_line_with_the_collapsed_slope(rn):
    data = rn.analysis(rn.linear_net(), rn.DOMAIN)
    layer = rn.linear_net().collapse()
    assert len(data.function.breakpoints) == 0 and len(data.slope.values) == 1
    # the analysis and Network.collapse sum the same 24 products v·w (and v·b) in their own order:
    # each is within γ_N of Σ|v·w| (and Σ|v·b| + |c|) of the exact slope (and intercept)
    weight, bias, n = product_magnitudes(rn.linear_net())
    assert_within(data.slope.values[0], layer.weight[0, 0], 2 * gamma(n) * weight[0, 0], "slope")
    assert_within(data.function(0.0), layer.bias[0], 2 * gamma(n) * bias[0], "intercept")
    assert data.inactive.values.tolist() == [0.0]


# --------------------------------------------------------------- structure
def test_panels_draw_the_exact_analysis(rn):
    scene, view = posed(rn.RandomNet, lambda s: s.pose_output())
    f = rn.relu_net().piecewise(*rn.DOMAIN)
    out_axes, slope_axes, count_axes = view.axes
    np.testing.assert_allclose(view.graph.corners(), scene_points(out_axes, f.vertices()), atol=1e-9)
    np.testing.assert_allclose([d.get_center() for d in view.dots],
                               scene_points(out_axes, np.column_stack([f.breakpoints, f.values])), atol=1e-9)
    # slope: f.slopes between f.knots, exactly
    slope_xy = np.column_stack([np.repeat(f.knots, 2)[1:-1], np.repeat(f.slopes, 2)])
    np.testing.assert_allclose(view.slope.corners(), scene_points(slope_axes, slope_xy), atol=1e-9)
    # inactive: hidden units - region_active between a, region_breakpoints, b
    edges = np.concatenate([[rn.DOMAIN[0]], f.region_breakpoints, [rn.DOMAIN[1]]])
    count_xy = np.column_stack([np.repeat(edges, 2)[1:-1], np.repeat(rn.WIDTHS[1] - f.region_active, 2)])
    np.testing.assert_allclose(view.inactive.corners(), scene_points(count_axes, count_xy), atol=1e-9)
    np.testing.assert_allclose(step_vertices(view.inactive.steps), count_xy)
    # the three panels share x: same scene x for the same input
    for x in (rn.DOMAIN[0], 0.0, rn.DOMAIN[1]):
        assert out_axes.c2p(x, 0)[0] == pytest.approx(slope_axes.c2p(x, 0)[0])
        assert out_axes.c2p(x, 0)[0] == pytest.approx(count_axes.c2p(x, 0)[0])
    # everything drawn fits in the frame, and the y ranges hold the data
    for axes, (lo, hi) in zip(view.axes, [(f.knot_values.min(), f.knot_values.max()),
                                          (f.slopes.min(), f.slopes.max()), (0, rn.WIDTHS[1])]):
        assert axes.y_range[0] <= lo and hi <= axes.y_range[1]
    for mob in scene.mobjects:
        assert mob.get_left()[0] >= -7.12 and mob.get_right()[0] <= 7.12
        assert mob.get_bottom()[1] >= -4.0 and mob.get_top()[1] <= 4.0
    theme = current_theme()
    assert hexes(view.graph) == theme.output.lower()
    assert hexes(view.slope) == theme.breakpoint.lower()
    assert hexes(view.inactive) == theme.unit.lower()
    assert scene.kinks.value == len(f.breakpoints)


def test_guides_stand_on_the_kinks(rn):
    scene, view = posed(rn.RandomNet, lambda s: s.pose_in_step())
    f = rn.relu_net().piecewise(*rn.WINDOW)
    guides = [m for m in scene.mobjects if len(m) == len(f.breakpoints) and m is not view.dots]
    xs = np.array([g.get_center()[0] for g in guides[0]])
    np.testing.assert_allclose(xs, [view.axes[0].c2p(k, 0)[0] for k in f.breakpoints], atol=1e-6)
    assert scene.in_view.value == kinks_within(rn.relu_net().piecewise(*rn.DOMAIN), *rn.WINDOW)
    assert scene.kinks.value == len(rn.relu_net().piecewise(*rn.DOMAIN).breakpoints)


def test_linear_pose_shows_the_collapsed_numbers(rn):
    scene, view = posed(rn.RandomNet, lambda s: s.pose_linear())
    layer = rn.linear_net().collapse()
    w, b = layer.weight[0, 0], layer.bias[0]
    numbers = scene.formula[1].get_tex_string()
    assert format_tex(w) in numbers and format_tex(abs(b)) in numbers
    assert ("-" in numbers.split("x")[-1]) == (b < 0)
    assert scene.kinks.value == 0
    assert len(view.graph.corners()) == 2
    np.testing.assert_allclose(view.slope.corners()[:, 1], view.axes[1].c2p(0, w)[1], atol=1e-9)


# -------------------------------------------------------------- storyboard
def test_every_beat_is_narrated(rn):
    scene = rendered("random_net").scene
    assert scene.beats == ["A random ReLU network", "Its slope", "Inactive units", "Where the kinks are",
                           "In step", "A random linear network", "Two layers, one line"]
    assert_narrated(scene)
    # the narration quotes the package's numbers
    joined = " ".join(text for _, _, text in scene.narration)
    f = rn.relu_net().piecewise(*rn.DOMAIN)
    assert f"{len(f.breakpoints)} kinks" in joined
    assert f"{kinks_within(f, *rn.WINDOW)} of the {len(f.breakpoints)}" in joined
    assert words(rn.linear_net().collapse().weight[0, 0]) in joined
    line = rn.linear_net().collapse()
    assert f"y = {affine_words(line.weight[0], line.bias[0], ['x'])}," in joined  # the whole line, true minus


# ------------------------------------------------------------ golden frames
def test_golden_in_step(rn):
    assert_frame_matches("random_net", "in_step", rn.RandomNet, lambda s: s.pose_in_step())


def test_golden_linear(rn):
    assert_frame_matches("random_net", "linear", rn.RandomNet, lambda s: s.pose_linear())


def test_golden_comparison_sees_another_draw(rn):
    """Another seed moves every kink: the frame must differ from the control."""
    base = render_frame(rn.RandomNet, lambda s: s.pose_in_step())
    original = rn.SEED
    try:
        rn.SEED = original + 1
        other = render_frame(rn.RandomNet, lambda s: s.pose_in_step())
    finally:
        rn.SEED = original
    assert frame_difference(other, base) > PIXEL_FRACTION_TOLERANCE
