"""Chapter "Activations": what is drawn is what relu_anim computes; every beat narrated; golden frames.

Structural tests build the scene's poses (no video) and compare points and
readouts with the package's numbers. The storyboard test runs the whole chapter
with animations skipped. Golden frames: tests/golden.py (regenerate with
RELU_ANIM_UPDATE_GOLDEN=1).
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import Circle, Dot, Line

from relu_anim.story.activations import (SIGMOID_DERIVATIVE_MAX, activation_network, dead_share,
                                   dead_unit_example, sigmoid, sigmoid_derivative, sigmoid_derivative_bound,
                                   sigmoid_derivative_product, unit_gradient)
from relu_anim.story.neuron import unit_network
from relu_anim.construct import random_network
from relu_anim.story.units import dead_units
from relu_anim.visual import current_theme

from .golden import PIXEL_FRACTION_TOLERANCE, assert_frame_matches, frame_difference, render_frame
from .renders import rendered
from .scenes import assert_narrated, load_chapter, posed, scene_points


@pytest.fixture(scope="module")
def acts():
    """scenes/activations.py as a module."""
    return load_chapter("activations")


def hexes(mob):
    return mob.get_color().to_hex().lower()


# ------------------------------------------------------------------ data
def test_scene_data_comes_from_the_package(acts):
    assert acts.relu_function().slopes.tolist() == [0.0, 1.0]
    assert acts.leaky_function().slopes.tolist() == [acts.LEAKY_SLOPE, 1.0]
    np.testing.assert_array_equal(acts.path_products(),
                                  sigmoid_derivative_product(acts.DEPTH, width=acts.WIDTH, seed=acts.SEED,
                                                             x=acts.INPUT))
    u = acts.the_dead_unit()
    assert u == dead_unit_example(acts.DATA, acts.UNIT_VIEW)
    assert acts.dead_unit_gradient() == (0.0, 0.0)
    assert acts.measured_dead_share() == dead_share(acts.SHARE_UNITS, acts.DATA, seeds=acts.SHARE_SEEDS)


# ------------------------------------------------------------ structure
def test_activation_panels_draw_the_exact_functions(acts):
    scene, panels = posed(acts.Activations, lambda s: s.pose_activations())
    sig, tanh_, relu, leaky = panels
    # ReLU and leaky ReLU: polylines through their vertices, kink dot at 0
    for panel, f in ((relu, acts.relu_function()), (leaky, acts.leaky_function())):
        np.testing.assert_allclose(panel.graph.corners(), scene_points(panel.axes, f.knots, f.knot_values), atol=1e-9)
        np.testing.assert_allclose(panel.dots[0].get_center(), panel.axes.c2p(0, 0), atol=1e-9)
        # derivative: one flat segment per piece, at the piece's slope, from knot to knot
        segments = [m for m in panel.derivative if isinstance(m, Line)]
        steps = activation_network("leaky_relu" if panel is leaky else "relu", acts.LEAKY_SLOPE) \
            .piecewise(*acts.X_RANGE)
        assert len(segments) == steps.num_pieces == 2
        for seg, a, b, s in zip(segments, steps.knots[:-1], steps.knots[1:], steps.slopes):
            np.testing.assert_allclose(seg.get_start(), panel.axes.c2p(a, s), atol=1e-9)
            np.testing.assert_allclose(seg.get_end(), panel.axes.c2p(b, s), atol=1e-9)
    # sigmoid and its derivative: sampled curves lying on the functions
    for curve, f in ((sig.graph, sigmoid), (sig.derivative[0], sigmoid_derivative)):
        for p in curve.get_anchors()[::10]:
            x, y = sig.axes.p2c(p)
            assert y == pytest.approx(float(f(x)), abs=1e-6)
    bound_line = sig.bound[0]
    assert bound_line.get_start()[1] == pytest.approx(sig.axes.c2p(0, SIGMOID_DERIVATIVE_MAX)[1])
    assert sig.bound[1].tex_string == "0.25"
    theme = current_theme()
    assert hexes(relu.graph) == theme.unit.lower() and hexes(sig.derivative[0]) == theme.accent.lower()


def test_vanishing_plot_shows_the_package_products(acts):
    scene, _ = posed(acts.Activations, lambda s: s.pose_vanishing())
    products, bound = acts.path_products(), sigmoid_derivative_bound(acts.DEPTH)
    assert len(scene.product_dots) == len(scene.bound_dots) == acts.DEPTH
    for L, (dot, ring) in enumerate(zip(scene.product_dots, scene.bound_dots), start=1):
        assert isinstance(dot, Dot) and isinstance(ring, Circle)
        np.testing.assert_allclose(dot.get_center(), scene.depth_point(L, products[L - 1]), atol=1e-9)
        np.testing.assert_allclose(ring.get_center(), scene.depth_point(L, bound[L - 1]), atol=1e-9)
    # the log axis: one decade per unit, the last product below 10^-6
    d = scene.depth_point(1, 1e-3) - scene.depth_point(1, 1e-2)
    assert d[1] == pytest.approx(-scene.depth_axes.y_axis.unit_size)
    assert scene.layer_readout.value == acts.DEPTH
    assert scene.bound_readout.value == bound[-1] == 0.25 ** acts.DEPTH
    assert scene.product_readout.value == products[-1]
    assert scene.product_readout.tex != scene.bound_readout.tex  # a real network, not the bound
    scene.show_layer(3)
    assert scene.product_readout.value == products[2] and scene.bound_readout.value == bound[2]


def test_dead_unit_is_drawn_flat_on_the_data_with_zero_gradient(acts):
    scene, _ = posed(acts.Activations, lambda s: s.pose_dead_unit())
    u = acts.the_dead_unit()
    f = unit_network(u.weight, u.bias).piecewise(*acts.UNIT_VIEW)
    np.testing.assert_allclose(scene.unit_graph.corners(), scene_points(scene.unit_axes, f.knots, f.knot_values),
                               atol=1e-9)
    np.testing.assert_allclose(scene.unit_kink[0].get_center(), scene.unit_axes.c2p(u.kink, 0), atol=1e-9)
    # the shaded band covers exactly the data interval, and the kink is outside it
    left, right = scene.data_band.get_left()[0], scene.data_band.get_right()[0]
    assert left == pytest.approx(scene.unit_axes.c2p(acts.DATA[0], 0)[0])
    assert right == pytest.approx(scene.unit_axes.c2p(acts.DATA[1], 0)[0])
    assert not left <= scene.unit_kink[0].get_center()[0] <= right
    assert scene.kink_readout.value == u.kink
    assert (scene.dw_readout.value, scene.db_readout.value) == unit_gradient(u.weight, u.bias,
                                                                             acts.data_points()) == (0.0, 0.0)
    assert "-0.967" in scene.unit_formula.tex_string and f"{abs(u.bias):.3f}" in scene.unit_formula.tex_string


def test_dead_grid_marks_exactly_the_dead_units(acts):
    scene, _ = posed(acts.Activations, lambda s: s.pose_dead_share())
    net = random_network([1, acts.GRID_UNITS, 1], seed=acts.GRID_SEED)
    layer = net.layers[0]
    assert len(scene.grid) == acts.GRID_UNITS
    for i, cell in enumerate(scene.grid):
        axes, graph = cell
        f = unit_network(layer.weight[i, 0], layer.bias[i]).piecewise(*acts.DATA)
        np.testing.assert_allclose(graph.corners(), scene_points(axes, f.knots, f.knot_values), atol=1e-9)
        w, b = layer.weight[i, 0], layer.bias[i]
        dead = w * acts.DATA[0] + b <= 0 and w * acts.DATA[1] + b <= 0
        assert cell.dead == dead
        assert hexes(graph) == (current_theme().error if dead else current_theme().unit).lower()
    assert len(scene.grid_dead) == len(scene.grid_crosses) == dead_units(net, acts.DATA) == scene.grid_count.value
    assert 0 < scene.grid_count.value < acts.GRID_UNITS
    assert scene.share_readout.value == pytest.approx(100 * acts.measured_dead_share())
    assert scene.share_readout.tex == "31.3"


# ----------------------------------------------------------- storyboard
def test_every_beat_is_narrated(acts):
    scene = rendered("activations").scene
    assert scene.beats == ["Sigmoid", "Tanh", "ReLU", "Leaky ReLU", "Vanishing products", "A dead ReLU unit",
                           "How many start dead"]
    assert_narrated(scene)
    texts = " ".join(text for _, _, text in scene.narration)
    assert "31.3 percent" in texts and "9.41 × 10⁻⁷" in texts


# ------------------------------------------------------------ golden frames
def test_golden_activations(acts):
    assert_frame_matches("activations", "activations", acts.Activations, lambda s: s.pose_activations())


def test_golden_dead_unit(acts):
    assert_frame_matches("activations", "dead_unit", acts.Activations, lambda s: s.pose_dead_unit())


def test_golden_comparison_sees_a_different_leaky_slope(acts):
    """Leaky slope 0.2 instead of 0.1 must fail the comparison with the control frame."""
    base = render_frame(acts.Activations, lambda s: s.pose_activations())
    original = acts.LEAKY_SLOPE
    try:
        acts.LEAKY_SLOPE = 0.2
        moved = render_frame(acts.Activations, lambda s: s.pose_activations())
    finally:
        acts.LEAKY_SLOPE = original
    assert frame_difference(moved, base) > PIXEL_FRACTION_TOLERANCE
