"""Chapter "ReLU, shifted" (scenes/relu_shift.py) draws what the package computes.

Structural tests pose a beat's final state and compare what is drawn with the
package's numbers; a storyboard test runs the whole chapter with animations
skipped; two golden frames guard the look (tests/golden.py; regenerate with
RELU_ANIM_UPDATE_GOLDEN=1).
"""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim.construct import random_network, shifted_relu_sum
from relu_anim.story.neuron import single_unit
from relu_anim.story.numbers import affine_tex, format_tex, words
from relu_anim.visual import current_theme

from .golden import PIXEL_FRACTION_TOLERANCE, assert_frame_matches, frame_difference, render_frame
from .renders import rendered
from .scenes import assert_narrated, load_chapter, posed, scene_points


@pytest.fixture(scope="module")
def rs():
    """scenes/relu_shift.py as a module."""
    return load_chapter("relu_shift")


def assert_exact_graph(axes, graph, f):
    np.testing.assert_allclose(graph.function.breakpoints, f.breakpoints, rtol=0, atol=1e-12)
    np.testing.assert_allclose(graph.corners(), scene_points(axes, f.knots, f.knot_values), rtol=0, atol=1e-9)


# ---------------------------------------------------------------- data
def test_the_counterexample_is_the_networks_own_evaluation(rs):
    check = rs.relu_counterexample()
    relu = shifted_relu_sum([1.0], [0.0])
    a, b = rs.PROBES
    assert (check.fx, check.fy, check.fxy) == tuple(relu(np.array([a, b, a + b])).tolist())
    assert check.total == 1.0 and check.fxy == 0.0 and not check.holds


def test_the_two_scalar_neurons_are_units_of_one_seeded_network(rs):
    net = random_network([1, 2, 1], seed=rs.SEED)
    pos, neg = rs.scalar_neuron(True), rs.scalar_neuron(False)
    assert pos.weight > 0 > neg.weight and not pos.flipped and neg.flipped
    assert {pos.weight, neg.weight} == set(net.layers[0].weight[:, 0].tolist())
    for n in (pos, neg):
        assert n.h == pytest.approx(-n.bias / n.weight, rel=1e-12)
        assert n.scale == abs(n.weight)
        assert rs.DOMAIN[0] < n.h < rs.DOMAIN[1]  # the kink is on screen
        np.testing.assert_allclose(n.function.breakpoints, [n.h], rtol=0, atol=1e-12)
        xs = np.linspace(*rs.DOMAIN, 61)
        np.testing.assert_allclose(n.function(xs), np.maximum(0, n.weight * xs + n.bias), atol=1e-12)
    # flipped: the ramp rises to the left of h; not flipped: to the right
    assert neg.function.slopes.tolist() == [neg.weight, 0.0]
    assert pos.function.slopes.tolist() == [0.0, pos.weight]
    # every drawn value fits the y range
    for n in (pos, neg):
        assert max(n.function.knot_values) <= rs.Y_RANGE[1]
    assert max(rs.shifted(min(rs.SLIDE)).knot_values) <= rs.Y_RANGE[1]


def test_many_input_neuron_is_a_seeded_network_unit(rs):
    weights, bias = rs.many_input_neuron()
    layer = random_network([rs.INPUTS, 1, 1], seed=rs.SEED).layers[0]
    assert weights.tolist() == layer.weight[0].tolist() and bias == layer.bias[0]


# ---------------------------------------------------------- structure
def test_relu_beat_draws_the_exact_relu(rs):
    scene, graph = posed(rs.ReluShift, lambda s: s.pose_relu())
    assert_exact_graph(scene.axes, graph, rs.relu().piecewise(*rs.DOMAIN))
    assert graph.get_color().to_hex().lower() == current_theme().unit.lower()


def test_counterexample_dots_and_lines_show_the_evaluated_numbers(rs):
    scene, (marks, lines) = posed(rs.ReluShift, lambda s: s.pose_not_linear())
    check = rs.relu_counterexample()
    xs = [check.x, check.y, check.x + check.y]
    ys = [check.fx, check.fy, check.fxy]
    np.testing.assert_allclose([m[0].get_center() for m in marks], scene_points(scene.axes, xs, ys), atol=1e-9)
    rule, left, right, verdict = lines
    assert left.tex_string.endswith(f"= {format_tex(check.fx, trim=True)} + {format_tex(check.fy, trim=True)} = {format_tex(check.total, trim=True)}")
    assert right.tex_string.endswith(f"= {format_tex(check.fxy, trim=True)}")
    assert [m.tex_string for m in verdict] == [format_tex(check.total, trim=True), r"\neq", format_tex(check.fxy, trim=True)]
    for m in lines:  # nothing runs off the right edge
        assert m.get_right()[0] < 7.0


@pytest.mark.parametrize("h", [0.0, 2.0, -1.0, 0.37])
def test_slide_pose_is_the_exact_shifted_relu_and_the_live_number(rs, h):
    scene, live = posed(rs.ReluShift, lambda s: s.pose_slide(h))
    f = shifted_relu_sum([1.0], [h]).piecewise(*rs.DOMAIN)
    assert_exact_graph(scene.axes, live, f)
    np.testing.assert_allclose([d.get_center() for d in scene.dots], scene_points(scene.axes, [h], [0.0]), atol=1e-9)
    number = scene.live_formula_mob.number
    assert number.get_value() == pytest.approx(-h)
    head, _, tail = scene.live_formula_mob
    assert head.get_right()[0] < number.get_left()[0] < number.get_right()[0] < tail.get_left()[0]


def test_slide_follows_the_tracker_after_the_pose(rs):
    """The graph, dot and number are live: moving the tracker moves them."""
    def pose(s):
        s.pose_slide(0.0)
        s.h.set_value(1.5)
        for mob in (s.graph, s.dots, *s.live_formula_mob):
            mob.update()

    scene, _ = posed(rs.ReluShift, pose)
    assert_exact_graph(scene.axes, scene.graph, shifted_relu_sum([1.0], [1.5]).piecewise(*rs.DOMAIN))
    assert scene.live_formula_mob.number.get_value() == pytest.approx(-1.5)


def test_neuron_diagram_shows_the_networks_weights(rs):
    scene, diagram = posed(rs.ReluShift, lambda s: s.pose_neuron())
    weights, bias = rs.many_input_neuron()
    assert diagram.weights == weights.tolist() and diagram.bias == bias
    assert [m.tex_string for m in diagram.weight_labels] == [format_tex(w, "fixed", 3) for w in weights]
    assert scene.neuron_formula[1].tex_string == affine_tex(weights, bias, ["x_{1}", "x_{2}", "x_{3}"], style="fixed",
                                                            join="")
    for w in weights:
        assert format_tex(abs(w), "fixed", 3) in scene.neuron_formula[1].tex_string


@pytest.mark.parametrize("positive", [True, False])
def test_scalar_neuron_output_is_drawn_exactly_with_its_kink(rs, positive):
    scene, view = posed(rs.ReluShift, lambda s: s.pose_scalar(positive))
    neuron = rs.scalar_neuron(positive)
    net = random_network([1, 2, 1], seed=rs.SEED)
    i = net.layers[0].weight[:, 0].tolist().index(neuron.weight)
    f = single_unit(net, i).piecewise(*rs.DOMAIN)
    assert_exact_graph(scene.axes, view.graph, f)
    np.testing.assert_allclose([d.get_center() for d in view.dots], scene_points(scene.axes, [neuron.h], [0.0]),
                               atol=1e-9)
    assert abs(view.label.get_x() - scene.axes.c2p(neuron.h, 0)[0]) < view.label.width  # label by the kink
    assert scene.diagram.weights == [neuron.weight] and scene.diagram.bias == neuron.bias
    rule, h_line, identity = scene.shift_lines_mob
    assert h_line[1].tex_string == format_tex(neuron.h, "fixed")
    assert identity[2].tex_string == rs.shift_tex(neuron)
    assert ("h - x" in rule.tex_string) == (not positive)
    for m in scene.shift_lines_mob:
        assert m.get_right()[0] <= 6.6 + 1e-6


# ---------------------------------------------------------- storyboard
def test_every_beat_is_narrated_in_order(rs):
    """The chapter as rendered: beats, narration, duration."""
    scene = rendered("relu_shift").scene
    assert scene.beats == ["ReLU", "Not linear", "Sliding the corner", "A neuron", "One input: a shifted ReLU",
                           "Negative weight: flipped", "Every neuron is a shifted ReLU"]
    assert_narrated(scene)
    assert abs(sum(d for _, d, _ in scene.narration) - scene.time) < 1e-6  # no silent stretch
    texts = " ".join(text for _, _, text in scene.narration)
    neg = rs.scalar_neuron(False)
    for number in (neg.weight, neg.bias, neg.h, rs.scalar_neuron(True).h):  # narration quotes the package
        assert words(number) in texts
    # the slide ended where the story says, and the last drawn neuron is the flipped one
    assert scene.h.get_value() == rs.SLIDE[-1]
    assert_exact_graph(scene.axes, scene.view.graph, neg.function)


# ------------------------------------------------------------ golden frames
def test_golden_not_linear(rs):
    assert_frame_matches("relu_shift", "not_linear", rs.ReluShift, lambda s: s.pose_not_linear())


def test_golden_flipped_neuron(rs):
    assert_frame_matches("relu_shift", "flipped_neuron", rs.ReluShift, lambda s: s.pose_scalar(False))


def test_golden_comparison_sees_another_neuron(rs):
    """Another seed's negative-weight neuron (kink elsewhere) must fail the comparison."""
    base = render_frame(rs.ReluShift, lambda s: s.pose_scalar(False))
    original = rs.SEED
    try:
        rs.SEED = original + 1
        moved = render_frame(rs.ReluShift, lambda s: s.pose_scalar(False))
    finally:
        rs.SEED = original
    assert frame_difference(base, base) == 0.0
    assert frame_difference(moved, base) > PIXEL_FRACTION_TOLERANCE
