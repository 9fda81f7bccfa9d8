"""The "Linear layers collapse" chapter draws what relu_anim computes.

Structural tests pose a beat's final state and compare the mobjects with the
package's numbers (matrix entries with the network's weights, graph corners
with ``axes.c2p`` of the exact vertices, readouts with the fits); a storyboard
test runs the whole chapter with animations skipped; two golden frames guard
the look (tests/golden.py; regenerate with RELU_ANIM_UPDATE_GOLDEN=1).
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import tempconfig

from relu_anim.story.numbers import format_tex, words
from relu_anim.visual import ErrorBand, PiecewiseGraph
from relu_anim.visual.matrices import AffineEquation, NumberMatrix

from .golden import PIXEL_FRACTION_TOLERANCE, assert_frame_matches, frame_difference, render_frame
from .rounding import assert_within, collapsed_bound, evaluation_bound, gamma, product_magnitudes
from .scenes import QUIET, assert_narrated, load_chapter, posed, scene_points, storyboard

BEATS = ["A linear layer", "A second linear layer", "Two layers are one", "Deeper stacks stay straight",
         "A linear layer meets x squared", "ReLU between the layers", "Why the activation matters"]


@pytest.fixture(scope="module")
def lc():
    """scenes/linear_collapse.py as a module."""
    return load_chapter("linear_collapse")


# ------------------------------------------------------------------ matrices
def test_number_matrix_keeps_the_numbers_and_draws_vectors_as_columns():
    with tempconfig(QUIET):
        m = NumberMatrix([[0.125, -2.5], [3.0, 0.0]], digits=2)
        v = NumberMatrix([1.5, -0.25, 2.0], digits=1)
        eq = AffineEquation("f(X)", [[1.0, 2.0]], [3.0])
    np.testing.assert_array_equal(m.shown(), [[0.125, -2.5], [3.0, 0.0]])
    assert v.values.shape == (3, 1) and len(v.get_rows()) == 3
    assert [e.num_decimal_places for e in m.entry_numbers()] == [2] * 4
    # left to right: label, W, X, +, b
    parts = [eq.label, eq.weight, eq.variable, eq.plus, eq.bias]
    assert all(a.get_right()[0] <= b.get_left()[0] + 1e-9 for a, b in zip(parts, parts[1:]))
    with pytest.raises(ValueError, match="values"):
        NumberMatrix(np.zeros((2, 2, 2)))


# ---------------------------------------------------------- the collapse beat
def test_equations_show_the_networks_own_numbers(lc):
    scene, _ = posed(lc.LinearCollapse, lambda s: s.pose_collapse())
    f, g = lc.two_layers().layers
    assert f.is_linear and g.is_linear and lc.two_layers().widths == list(lc.LAYER_WIDTHS)
    np.testing.assert_array_equal(scene.f_eq.weight.shown(), f.weight)
    np.testing.assert_array_equal(scene.f_eq.bias.shown(), f.bias[:, None])
    np.testing.assert_array_equal(scene.g_eq.weight.shown(), g.weight)
    np.testing.assert_array_equal(scene.g_eq.bias.shown(), g.bias[:, None])
    # W₃ and b₃ on screen are the product and the folded bias of the two layers drawn above (each
    # product, on screen and here, is within γ_N of |W₂||W₁| and |W₂||b₁| + |b₂| of the exact one)
    net = lc.two_layers()
    weight, bias, n = product_magnitudes(net)
    assert_within(scene.one_eq.weight.shown(), g.weight @ f.weight, 2 * gamma(n) * weight, "W₃")
    assert_within(scene.one_eq.bias.shown()[:, 0], g.weight @ f.bias + g.bias, 2 * gamma(n) * bias, "b₃")
    # the check: both routes, as computed by the network, agree on screen to the digits shown
    x = np.array(lc.EXAMPLE_INPUT)
    both, one = scene.check[3].shown()[:, 0], scene.check[5].shown()[:, 0]
    through_both = evaluation_bound(net, x[None])[0]
    assert_within(both, g.weight @ (f.weight @ x + f.bias) + g.bias, 2 * through_both, "g(f(X))")
    assert_within(one, both, through_both + collapsed_bound(net, x[None])[0], "W₃X + b₃")
    assert [f"{v:.3f}" for v in both] == [f"{v:.3f}" for v in one]
    # everything inside the frame
    for mob in (scene.f_eq, scene.g_eq, scene.algebra, scene.naming, scene.one_eq, scene.check):
        assert mob.get_left()[0] > -7.1 and mob.get_right()[0] < 7.1
        assert mob.get_bottom()[1] > -4.0 and mob.get_top()[1] < 4.0


# ------------------------------------------------------------ the stack beats
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_linear_stacks_are_drawn_as_their_collapsed_line(lc, depth):
    assert depth in lc.STACK_DEPTHS
    scene, graph = posed(lc.LinearCollapse, lambda s: s.pose_stack(depth))
    net = lc.stack(depth)
    assert len(net.layers) == depth + 1 and all(layer.is_linear for layer in net.layers)
    f = net.piecewise(*lc.STACK_DOMAIN)
    assert len(f.breakpoints) == 0 and scene.kinks_readout.value == 0
    one = net.collapse()
    a, c = one.weight[0, 0], one.bias[0]
    xs = np.array(lc.STACK_DOMAIN)
    np.testing.assert_allclose(graph.corners(), scene_points(scene.stack_axes, xs, a * xs + c), rtol=0, atol=1e-9)
    assert format_tex(a, "fixed") in scene.line_formula.get_tex_string()
    assert format_tex(abs(c), "fixed") in scene.line_formula.get_tex_string()


def test_relu_between_the_layers_bends_the_same_weights(lc):
    scene, (bent, dots, view) = posed(lc.LinearCollapse, lambda s: s.pose_relu())
    depth = lc.STACK_DEPTHS[-1]
    linear, relu = lc.stack(depth), lc.stack(depth, "relu")
    for a, b in zip(linear.layers, relu.layers):  # only the activation differs
        np.testing.assert_array_equal(a.weight, b.weight)
        np.testing.assert_array_equal(a.bias, b.bias)
    f = relu.piecewise(*lc.STACK_DOMAIN)
    assert len(f.breakpoints) >= 3
    np.testing.assert_allclose(bent.corners(), scene_points(scene.stack_axes, f.knots, f.knot_values),
                               rtol=0, atol=1e-9)
    np.testing.assert_allclose([d.get_center() for d in dots],
                               scene_points(scene.stack_axes, f.breakpoints, f.values), rtol=0, atol=1e-9)
    assert scene.kinks_readout.value == len(f.breakpoints)
    # x²: the ReLU network's exact graph, its kinks, its error against the best line
    fit = lc.relu_fit()
    g = fit.network.piecewise(*lc.DOMAIN)
    assert fit.units == lc.RELU_UNITS and len(g.breakpoints) == lc.RELU_UNITS
    np.testing.assert_allclose(view.graph.corners(), scene_points(scene.x2_axes, g.knots, g.knot_values),
                               rtol=0, atol=1e-9)
    np.testing.assert_allclose([d.get_center() for d in view.dots],
                               scene_points(scene.x2_axes, g.breakpoints, g.values), rtol=0, atol=1e-9)
    assert scene.mse_readout.value == fit.mse
    assert scene.best_readout.value == lc.best_line().mse
    assert fit.mse < lc.best_line().mse / 50


def test_trained_linear_layer_ends_on_the_best_line(lc):
    snapshots = lc.line_snapshots()
    steps = [step for step, _ in snapshots]
    assert len(snapshots) == lc.SNAPSHOTS and steps == sorted(steps) and steps[-1] == lc.TRAIN_STEPS
    best = lc.best_line().function
    for _, fit in snapshots:
        assert len(fit.function.breakpoints) == 0  # a line at every step
    first, last = snapshots[0][1].function, snapshots[-1][1].function
    assert abs(first.slopes[0] - best.slopes[0]) > 0.5  # it starts somewhere else...
    np.testing.assert_allclose([last.slopes[0], last.intercepts[0]], [best.slopes[0], best.intercepts[0]],
                               rtol=0, atol=1e-5)  # ...and lands on the least-squares line
    mses = [fit.mse for _, fit in snapshots]
    assert mses[-1] == pytest.approx(lc.best_line().mse, rel=1e-6) and mses[0] > 2 * mses[-1]


# ------------------------------------------------------------ the storyboard
def test_every_beat_is_narrated(lc):
    """Run the whole storyboard without rendering: beats, narration, duration."""
    seen = {}

    def record(scene):
        relu_between = scene.relu_between

        def record_then_bend():  # the state training left, just before ReLU goes in
            seen["graphs"] = [m for m in scene.mobjects if isinstance(m, PiecewiseGraph)]
            seen["bands"] = [m for m in scene.mobjects if isinstance(m, ErrorBand)]
            seen["step"], seen["mse"] = scene.step_readout.value, scene.mse_readout.value
            relu_between()

        scene.relu_between = record_then_bend

    scene = storyboard(lc.LinearCollapse, record)
    assert scene.beats == BEATS
    assert_narrated(scene)
    narrated = [start for start, _, _ in scene.narration]
    for begin, end in zip(scene.beat_starts, [*scene.beat_starts[1:], scene.time]):  # a caption in every beat
        assert any(begin <= start < end for start in narrated)
    # the narration quotes the package's numbers
    texts = " ".join(text for _, _, text in scene.narration)
    assert words(lc.relu_fit().mse) in texts and words(lc.best_line().mse) in texts
    # after training: one line per panel, one band, readouts at the last snapshot (the best line)
    last = lc.line_snapshots()[-1][1]
    assert [g.function for g in seen["graphs"]][1:] == [seen["bands"][0].function] and len(seen["bands"]) == 1
    assert len(seen["graphs"]) == 2 and seen["graphs"][1].function.slopes[0] == last.function.slopes[0]
    assert seen["step"] == lc.TRAIN_STEPS and seen["mse"] == last.mse
    # the last state: training's last line and step were replaced by the ReLU fit's graph and readouts
    assert scene.x2_view.graph in scene.mobjects and scene.stack_dots in scene.mobjects
    assert sum(isinstance(m, PiecewiseGraph) for m in scene.mobjects) == 2
    assert sum(isinstance(m, ErrorBand) for m in scene.mobjects) == 1
    assert scene.mse_readout.value == lc.relu_fit().mse


# ------------------------------------------------------------ golden frames
def test_golden_collapse(lc):
    assert_frame_matches("linear_collapse", "collapse", lc.LinearCollapse, lambda s: s.pose_collapse())


def test_golden_relu_between(lc):
    assert_frame_matches("linear_collapse", "relu_between", lc.LinearCollapse, lambda s: s.pose_relu())


def test_golden_comparison_sees_other_weights(lc):
    """Another seed for the two layers (other matrices) must fail the collapse frame."""
    base = render_frame(lc.LinearCollapse, lambda s: s.pose_collapse())
    original = lc.LAYER_SEED
    try:
        lc.LAYER_SEED = original + 1
        other = render_frame(lc.LinearCollapse, lambda s: s.pose_collapse())
    finally:
        lc.LAYER_SEED = original
    assert frame_difference(other, base) > PIXEL_FRACTION_TOLERANCE
