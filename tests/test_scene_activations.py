"""The activations chapter draws what relu_anim computes (scenes/activations.py).

Checks read the real render (:mod:`tests.renders`): probes run on the live
scene as a beat ends and compare what is drawn with the package's numbers —
ReLU and leaky ReLU through their exact vertices, derivative steps at the
exact slopes, the sigmoid's on its formula and tall enough to read, the chain
rule's dots and readouts equal to :func:`~relu_anim.story.activations.sigmoid_chain_gradient`
and recomputable from the shown factors, the dead unit's zero gradient and the
remedies' gradients equal to :func:`~relu_anim.story.activations.unit_loss_gradient`.
"""

from __future__ import annotations

import numpy as np
import pytest
from manim import Circle, Dot, Line

from relu_anim.construct import random_network
from relu_anim.story.activations import (SIGMOID_DERIVATIVE_MAX, activation_network, dead_share,
                                         sigmoid_chain_gradient, sigmoid_derivative, sigmoid_derivative_bound,
                                         tanh_derivative, unit_loss_gradient)
from relu_anim.story.neuron import unit_network
from relu_anim.story.numbers import format_number, words
from relu_anim.story.units import dead_units
from relu_anim.visual import current_theme

from .film import text_boxes
from .renders import at_beat_end, rendered
from .scenes import assert_narrated, load_chapter, scene_points

NAME = "activations"
#: 480p: 854 × 480 pixels for the 8-unit-high frame.
PIXELS_PER_UNIT_480P = 60


@pytest.fixture(scope="module")
def acts():
    """scenes/activations.py as a module."""
    return load_chapter(NAME)


def hexes(mob) -> str:
    return mob.get_stroke_color().to_hex().lower()


# ------------------------------------------------------------------- probes
@at_beat_end(NAME, "Leaky ReLU")
def panels(scene):
    out = {}
    for name in ("sigmoid", "tanh", "relu", "leaky"):
        p = getattr(scene, name)
        f_axes, d_axes = p.axes.axes, p.derivative_axes.axes
        out[name] = {
            "graph": [f_axes.p2c(q) for q in p.graph.get_anchors()],
            "corners": p.graph.corners() if hasattr(p.graph, "corners") else None,
            "knot_points": (lambda xy, ax=f_axes: scene_points(ax, xy)),
            "derivative_points": (lambda xy, ax=d_axes: scene_points(ax, xy)),
            "derivative_lines": [(m.get_start(), m.get_end()) for m in p.derivative if isinstance(m, Line)],
            "derivative_curve": [d_axes.p2c(q) for q in p.derivative[0].get_anchors()],
            "dots": [d.get_center() for d in p.dots],
            "origin": f_axes.c2p(0, 0),
            "d_unit_height": float(d_axes.c2p(0, 1)[1] - d_axes.c2p(0, 0)[1]),
            "d_y_range": tuple(d_axes.y_range[:2]),
            "peak": d_axes.c2p(0, float(tanh_derivative(0.0)) if name == "tanh" else 0.0),
            "colours": (hexes(p.graph), hexes(p.derivative[0])),
            "bound": [(m.get_start(), m.get_end()) for m in p.bound[:1]],
            "bound_y": float(d_axes.c2p(0, SIGMOID_DERIVATIVE_MAX)[1]),
            "bound_label": p.bound[1].get_tex_string() if len(p.bound) > 1 else None,
        }
    out["boxes"] = text_boxes(scene)
    return out


@at_beat_end(NAME, "Vanishing gradients")
def vanishing(scene):
    shown = []
    for L in range(1, len(scene.product_dots) + 1):
        scene.show_layer(L)
        shown.append((scene.layer_readout.value, scene.weight_readout.shown, scene.slope_readout.shown,
                       scene.product_readout.shown, scene.bound_readout.value, scene.product_readout.value,
                       scene.weight_readout.value, scene.slope_readout.value))
    scene.show_layer(len(scene.product_dots))
    return {"products": [d.get_center() for d in scene.product_dots],
            "rings": [r.get_center() for r in scene.bound_dots],
            "points": scene.depth_point, "shown": shown,
            "decade": float(scene.depth_point(1, 1e-3)[1] - scene.depth_point(1, 1e-2)[1]),
            "unit_size": float(scene.depth_axes.y_axis.unit_size),
            "legend": (scene.legend[0].get_fill_color().to_hex().lower(), type(scene.legend[0]),
                       scene.legend[1].get_stroke_color().to_hex().lower(), type(scene.legend[1]),
                       float(scene.legend[1].width)),
            "dot_colour": scene.product_dots[0].get_fill_color().to_hex().lower(),
            "ring_colour": scene.bound_dots[0].get_stroke_color().to_hex().lower(),
            "ring_width": float(scene.bound_dots[0].width),
            "chain_rule": scene.chain_rule.get_tex_string()}


@at_beat_end(NAME, "ReLU's factor")
def relu_line(scene):
    return {"ends": (scene.relu_line.get_start(), scene.relu_line.get_end()),
            "expected": (scene.depth_point(1, 1.0), scene.depth_point(len(scene.product_dots), 1.0))}


@at_beat_end(NAME, "A dead ReLU unit")
def dead(scene):
    return {"corners": scene.unit_graph.corners(), "kink": scene.unit_kink[0].get_center(),
            "points": (lambda xy, ax=scene.unit_axes: scene_points(ax, xy)),
            "band": (scene.data_band.get_left()[0], scene.data_band.get_right()[0]),
            "data_x": (scene.unit_axes.c2p(0, 0)[0], scene.unit_axes.c2p(2, 0)[0]),
            "kink_value": scene.kink_readout.value, "gradient": (scene.dw_readout.value, scene.db_readout.value),
            "gradient_shown": (scene.dw_readout.tex, scene.db_readout.tex),
            "formula": scene.unit_formula.get_tex_string()}


@at_beat_end(NAME, "Two remedies")
def remedied(scene):
    return {"corners": scene.unit_graph.corners(), "kink": scene.unit_kink[0].get_center(),
            "points": (lambda xy, ax=scene.unit_axes: scene_points(ax, xy)),
            "kink_value": scene.kink_readout.value, "gradient": (scene.dw_readout.value, scene.db_readout.value)}


@at_beat_end(NAME, "How many start dead")
def grid(scene):
    cells = [(cell[0], cell[1].corners(), cell.dead, hexes(cell[1])) for cell in scene.grid]
    return {"cells": [(lambda xy, ax=axes: scene_points(ax, xy), corners, dead, colour)
                      for axes, corners, dead, colour in cells],
            "dead": len(scene.grid_dead), "crosses": len(scene.grid_crosses), "count": scene.grid_count.value,
            "share": scene.share_readout.value, "share_shown": scene.share_readout.tex}


# --------------------------------------------------------------------- data
def test_scene_data_comes_from_the_package(acts):
    c = acts.chain()
    want = sigmoid_chain_gradient(acts.DEPTH, seed=acts.SEED, x=acts.INPUT)
    np.testing.assert_array_equal(c.weights, want.weights)
    np.testing.assert_array_equal(c.slopes, want.slopes)
    np.testing.assert_array_equal(acts.depth_bound(), sigmoid_derivative_bound(acts.DEPTH))
    u = acts.the_dead_unit()
    assert acts.dead_unit_gradient() == unit_loss_gradient(u.weight, u.bias, acts.data_points(),
                                                           acts.data_points() ** 2) == (0.0, 0.0)
    w, b = acts.inside_unit()
    assert w == u.weight and -b / w == pytest.approx(1.0, rel=1e-15)
    assert acts.measured_dead_share() == dead_share(acts.SHARE_UNITS, acts.DATA, seeds=acts.SHARE_SEEDS)


def test_the_chain_rule_is_its_factors_and_obeys_the_bound():
    """|∂h_L/∂x| = ∏|wₗ σ'(zₗ)| ≤ 0.25^L while every |w| ≤ 1 (a property of every seed)."""
    for seed in range(20):
        c = sigmoid_chain_gradient(12, seed=seed)
        assert np.all(np.abs(c.weights) <= 1) and np.all(c.slopes <= SIGMOID_DERIVATIVE_MAX)
        assert np.all(np.abs(c.gradient) <= sigmoid_derivative_bound(12))
        np.testing.assert_allclose(c.gradient, np.cumprod(c.weights * c.slopes), rtol=0)


# ----------------------------------------------------------- the real render
def test_panels_draw_the_exact_functions_and_readable_derivatives(acts):
    got = rendered(NAME).probe(panels)
    theme = current_theme()
    for name, f, kind in (("relu", acts.relu_function(), "relu"), ("leaky", acts.leaky_function(), "leaky_relu")):
        p = got[name]
        np.testing.assert_allclose(p["corners"], p["knot_points"](np.column_stack([f.knots, f.knot_values])),
                                   atol=1e-9)
        np.testing.assert_allclose(p["dots"][0], p["origin"], atol=1e-9)
        steps = activation_network(kind, acts.LEAKY_SLOPE).piecewise(*acts.X_RANGE)
        assert len(p["derivative_lines"]) == steps.num_pieces == 2
        for (start, end), a, b, s in zip(p["derivative_lines"], steps.knots[:-1], steps.knots[1:], steps.slopes):
            np.testing.assert_allclose([start, end], p["derivative_points"]([(a, s), (b, s)]), atol=1e-9)
    for x, y in got["sigmoid"]["derivative_curve"][::5]:
        assert y == pytest.approx(float(sigmoid_derivative(x)), abs=1e-6)
    for x, y in got["tanh"]["derivative_curve"][::5]:
        assert y == pytest.approx(float(tanh_derivative(x)), abs=1e-6)
    sig = got["sigmoid"]
    # the bump 0.25 high reads at 480p: at least 27 pixels (it was 14)
    assert SIGMOID_DERIVATIVE_MAX * sig["d_unit_height"] * PIXELS_PER_UNIT_480P >= 27
    assert sig["bound"][0][0][1] == pytest.approx(sig["bound_y"]) and sig["bound_label"] == "0.25"
    # every derivative fits its own axes, which all share one scale: 0 to 1.1
    assert {got[n]["d_y_range"] for n in ("sigmoid", "tanh", "relu", "leaky")} == {acts.DERIVATIVE_RANGE}
    # tanh' peaks at 1 in the open: no text box contains its peak
    peak = got["tanh"]["peak"]
    for box in got["boxes"]:
        left, bottom, right, top = box.box
        assert not (left <= peak[0] <= right and bottom <= peak[1] <= top), box.content
    for name in ("sigmoid", "tanh", "relu", "leaky"):  # one colour per concept: slopes are theme.slope
        assert got[name]["colours"] == (theme.unit.lower(), theme.slope.lower())


def test_vanishing_plot_is_the_chain_rule_with_its_weights(acts):
    got = rendered(NAME).probe(vanishing)
    c = acts.chain()
    gradient, bound = np.abs(c.gradient), sigmoid_derivative_bound(acts.DEPTH)
    assert len(got["products"]) == len(got["rings"]) == acts.DEPTH
    for L, (dot, ring) in enumerate(zip(got["products"], got["rings"]), start=1):
        np.testing.assert_allclose(dot, got["points"](L, gradient[L - 1]), atol=1e-9)
        np.testing.assert_allclose(ring, got["points"](L, bound[L - 1]), atol=1e-9)
    assert got["decade"] == pytest.approx(-got["unit_size"])  # log axis: one decade per unit
    assert "w_\\ell" in got["chain_rule"] and "\\sigma'(z_\\ell)" in got["chain_rule"]
    for L, (layer, w_shown, s_shown, g_shown, b, g, w, s) in enumerate(got["shown"], start=1):
        assert (layer, b, g, w, s) == (L, bound[L - 1], gradient[L - 1], c.weights[L - 1], c.slopes[L - 1])
        if L > 1:  # the shown gradient follows from the previous one and the shown factors
            previous = got["shown"][L - 2][3]
            recomputed = previous * abs(w_shown) * s_shown
            # each shown number has 3 significant digits: relative error ≤ 0.5/100 each, four of them
            assert recomputed == pytest.approx(g_shown, rel=4 * 0.005 + 1e-9)
    # the legend: the dot and the ring of the plot, beside their readouts
    dot_colour, dot_type, ring_colour, ring_type, ring_width = got["legend"]
    assert (dot_colour, dot_type) == (got["dot_colour"], Dot)
    assert (ring_colour, ring_type, ring_width) == (got["ring_colour"], Circle, pytest.approx(got["ring_width"]))


def test_relu_line_stands_at_one(acts):
    got = rendered(NAME).probe(relu_line)
    np.testing.assert_allclose(got["ends"], got["expected"], atol=1e-9)


def test_dead_unit_is_drawn_flat_on_the_data_with_zero_gradient(acts):
    got = rendered(NAME).probe(dead)
    u = acts.the_dead_unit()
    f = unit_network(u.weight, u.bias).piecewise(*acts.UNIT_VIEW)
    np.testing.assert_allclose(got["corners"], got["points"](np.column_stack([f.knots, f.knot_values])), atol=1e-9)
    np.testing.assert_allclose(got["kink"], got["points"]([(u.kink, 0.0)])[0], atol=1e-9)
    left, right = got["band"]
    assert (left, right) == (pytest.approx(got["data_x"][0]), pytest.approx(got["data_x"][1]))
    assert not left <= got["kink"][0] <= right
    assert got["kink_value"] == u.kink
    assert got["gradient"] == (0.0, 0.0) and got["gradient_shown"] == ("0.00", "0.00")
    assert "-0.967" in got["formula"] and f"{abs(u.bias):.3f}" in got["formula"]


def test_remedies_draw_the_unit_with_its_kink_in_the_data_and_its_gradient(acts):
    got = rendered(NAME).probe(remedied)
    w, b = acts.inside_unit()
    f = unit_network(w, b).piecewise(*acts.UNIT_VIEW)
    np.testing.assert_allclose(got["corners"], got["points"](np.column_stack([f.knots, f.knot_values])), atol=1e-9)
    middle = sum(acts.DATA) / 2
    np.testing.assert_allclose(got["kink"], got["points"]([(middle, 0.0)])[0], atol=1e-9)
    assert got["kink_value"] == middle
    assert got["gradient"] == unit_loss_gradient(w, b, acts.data_points(), acts.data_points() ** 2) != (0.0, 0.0)
    lw, lb = acts.leaky_unit_gradient()
    assert lw != 0 and lb != 0


def test_dead_grid_marks_exactly_the_dead_units(acts):
    got = rendered(NAME).probe(grid)
    net = random_network([1, acts.GRID_UNITS, 1], seed=acts.GRID_SEED)
    layer = net.layers[0]
    theme = current_theme()
    assert len(got["cells"]) == acts.GRID_UNITS
    for i, (points, corners, is_dead, colour) in enumerate(got["cells"]):
        w, b = layer.weight[i, 0], layer.bias[i]
        f = unit_network(w, b).piecewise(*acts.DATA)
        np.testing.assert_allclose(corners, points(np.column_stack([f.knots, f.knot_values])), atol=1e-9)
        dead_here = w * acts.DATA[0] + b <= 0 and w * acts.DATA[1] + b <= 0
        assert is_dead == dead_here
        assert colour == (theme.inactive if dead_here else theme.unit).lower()
    assert got["dead"] == got["crosses"] == dead_units(net, acts.DATA) == got["count"]
    assert 0 < got["count"] < acts.GRID_UNITS
    assert got["share"] == pytest.approx(100 * acts.measured_dead_share())
    assert got["share_shown"] == "31.3"


# ----------------------------------------------------------- storyboard
def test_every_beat_is_narrated(acts):
    scene = rendered(NAME).scene
    assert scene.beats == ["Sigmoid", "Tanh", "ReLU", "Leaky ReLU", "Vanishing gradients", "ReLU's factor",
                           "A dead ReLU unit", "Two remedies", "How many start dead"]
    assert_narrated(scene)
    texts = " ".join(text for _, _, text in scene.narration)
    assert "31.3 percent" in texts
    assert words(abs(acts.chain().gradient[-1])) in texts
    assert "with respect to its w and b" in texts  # says of what the gradient is
    assert format_number(acts.LEAKY_SLOPE).value == acts.LEAKY_SLOPE
