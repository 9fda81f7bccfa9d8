"""Chapter "ReLU, shifted" (scenes/relu_shift.py) draws what the package computes.

Data tests check the chapter's numbers against relu_anim. Structural tests
read the real render (tests/renders.py): probes registered with
``at_beat_end`` look at the live scene as each beat ends, and the tests compare
what is drawn there with the package — graphs through the exact vertices, dots
on the kinks, readouts equal to the package's numbers, and every shown result
(h = −b/w, the counter-example's sums) recomputed from the digits on screen.
The look is guarded by the golden frames of tests/test_film.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from relu_anim.construct import random_network, shifted_relu_sum
from relu_anim.story.neuron import single_unit
from relu_anim.story.numbers import affine_tex, format_number, format_tex, words

from .renders import at_beat_end, rendered
from .scenes import assert_narrated, load_chapter, scene_points

NAME = "relu_shift"


@pytest.fixture(scope="module")
def rs():
    """scenes/relu_shift.py as a module."""
    return load_chapter(NAME)


def box(mob) -> tuple[np.ndarray, np.ndarray]:
    """Lower-left and upper-right corners of ``mob``'s bounding box (x, y)."""
    return mob.get_corner([-1, -1, 0])[:2].copy(), mob.get_corner([1, 1, 0])[:2].copy()


def boxes_meet(a, b) -> bool:
    (alo, ahi), (blo, bhi) = a, b
    return bool(np.all(alo <= bhi) and np.all(blo <= ahi))


def graph_record(axes, graph) -> dict:
    """What a drawn graph is, for checking after the render: its function and drawn corners."""
    f = graph.function
    return {"breakpoints": f.breakpoints.copy(), "corners": graph.corners().copy(),
            "expected": scene_points(axes, f.knots, f.knot_values), "function": f}


def tex_number(tex: str) -> float:
    """The number a TeX string writes (``-`` for minus, ``\\,`` ignored)."""
    return float(tex.replace(r"\,", "").replace(" ", ""))


# ------------------------------------------------------------------ probes
@at_beat_end(NAME, "Not linear")
def not_linear_probe(scene):
    marks, lines = scene.probes
    return {"dots": [m[0].get_center().copy() for m in marks],
            "labels": [box(m[1]) for m in marks],
            "label_tex": [m[1].tex_string for m in marks],
            "ticks": [box(n) for n in scene.axes.x_axis.numbers],
            "lines": [m.tex_string for m in lines[:3]], "verdict": [m.tex_string for m in lines[3]],
            "axes": scene.axes}


@at_beat_end(NAME, "Sliding the corner")
def slide_probe(scene):
    slide = scene.slide
    return {"h": scene.h.get_value(), "graph": graph_record(scene.axes, slide.graph),
            "dots": [d.get_center().copy() for d in slide.dots], "readout": slide.readout.shown,
            "readout_value": slide.readout.value, "label_x": slide.label.get_x(),
            "axes": scene.axes}


@at_beat_end(NAME, "A neuron")
def neuron_probe(scene):
    d = scene.diagram
    return {"weights": list(d.weights), "bias": d.bias, "labels": [m.tex_string for m in d.weight_labels],
            "label_boxes": [box(m) for m in d.weight_labels],
            "arrows": [a.get_all_points()[:, :2].copy() for a in d.arrows],
            "tips": [box(a.tip) for a in d.arrows],
            "formula": scene.neuron_formula[1].tex_string}


def one_input_probe(scene):
    rule, h_line, identity = scene.shift_lines_mob
    return {"graph": graph_record(scene.axes, scene.view.graph),
            "dots": [d.get_center().copy() for d in scene.view.dots],
            "label": (scene.view.label.tex_string, scene.view.label.get_x()),
            "diagram": (list(scene.diagram.weights), scene.diagram.bias,
                        [m.tex_string for m in scene.diagram.weight_labels], scene.diagram.bias_label.tex_string),
            "h_parts": [m.tex_string for m in h_line], "identity": identity[2].tex_string,
            "rule": rule.tex_string, "digits": scene.digits, "axes": scene.axes}


at_beat_end(NAME, "One input: a shifted ReLU")(one_input_probe)


@at_beat_end(NAME, "Negative weight: flipped")
def flipped_probe(scene):
    return one_input_probe(scene)


@at_beat_end(NAME, "Every neuron is a shifted ReLU")
def closing_probe(scene):
    first, second = scene.both_views
    return {"graphs": [graph_record(scene.axes, v.graph) for v in (first, second)],
            "slopes": [(label.slope, label.tex_string) for label in scene.closing_slopes],
            "recap": [m.tex_string for m in scene.recap]}


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
        assert max(n.function.knot_values) <= rs.Y_RANGE[1]
    assert neg.function.slopes.tolist() == [neg.weight, 0.0]
    assert pos.function.slopes.tolist() == [0.0, pos.weight]
    assert max(rs.shifted(min(rs.SLIDE)).knot_values) <= rs.Y_RANGE[1]


def test_many_input_neuron_is_a_seeded_network_unit(rs):
    weights, bias = rs.many_input_neuron()
    layer = random_network([rs.INPUTS, 1, 1], seed=rs.SEED).layers[0]
    assert weights.tolist() == layer.weight[0].tolist() and bias == layer.bias[0]


def test_shown_digits_are_the_fewest_that_make_h_follow(rs):
    """With 3 digits the positive neuron's −b/w (0.794) disagrees with its h (0.795); the chapter shows more."""
    digits = rs.shown_digits()
    for n in (rs.scalar_neuron(True), rs.scalar_neuron(False)):
        assert rs.shown_h(n.weight, n.bias, digits) == format_number(n.h, "fixed", rs.H_DIGITS).value
    pos = rs.scalar_neuron(True)
    assert rs.shown_h(pos.weight, pos.bias, digits - 1) != format_number(pos.h, "fixed", rs.H_DIGITS).value


# ---------------------------------------------------------- the render
def test_counterexample_marks_sit_on_relu_and_the_lines_add_up():
    p = rendered(NAME).probe(not_linear_probe)
    check = load_chapter(NAME).relu_counterexample()
    xs, ys = [check.x, check.y, check.x + check.y], [check.fx, check.fy, check.fxy]
    np.testing.assert_allclose(p["dots"], scene_points(p["axes"], xs, ys), atol=1e-9)
    # each label names its own point
    for tex, x, y in zip(p["label_tex"], xs, ys):
        assert tex == f"({format_tex(x, trim=True)},\\,{format_tex(y, trim=True)})"
    # no mark label sits on a tick number (the review saw "(0, 0)" under the x = 1 tick) or on another label
    for label in p["labels"]:
        assert not any(boxes_meet(label, tick) for tick in p["ticks"])
    for i, a in enumerate(p["labels"]):
        assert not any(boxes_meet(a, b) for b in p["labels"][i + 1:])
    # the shown sums follow from the shown values
    left, right = p["lines"][1], p["lines"][2]
    fx, fy, total = (tex_number(t) for t in re.search(r"= (\S+) \+ (\S+) = (\S+)$", left).groups())
    assert fx + fy == total == check.total
    assert tex_number(right.rsplit("=", 1)[1]) == check.fxy
    assert p["verdict"] == [format_tex(check.total, trim=True), r"\neq", format_tex(check.fxy, trim=True)]


def test_slide_ends_on_the_exact_shifted_relu_with_h_shown():
    rs = load_chapter(NAME)
    p = rendered(NAME).probe(slide_probe)
    h = rs.SLIDE[-1]
    assert p["h"] == h
    f = shifted_relu_sum([1.0], [h]).piecewise(*rs.DOMAIN)
    np.testing.assert_allclose(p["graph"]["breakpoints"], f.breakpoints, rtol=0, atol=1e-12)
    np.testing.assert_allclose(p["graph"]["corners"], scene_points(p["axes"], f.knots, f.knot_values), atol=1e-9)
    np.testing.assert_allclose(p["dots"], scene_points(p["axes"], [h], [0.0]), atol=1e-9)
    # the readout shows h's value, the letter h stands under the kink
    assert p["readout_value"] == h and p["readout"] == format_number(h, "fixed", rs.H_DIGITS).value
    assert abs(p["label_x"] - p["axes"].c2p(h, 0)[0]) < 0.3


def test_neuron_diagram_shows_the_networks_weights_and_no_arrow_crosses_one():
    p = rendered(NAME).probe(neuron_probe)
    weights, bias = load_chapter(NAME).many_input_neuron()
    assert p["weights"] == weights.tolist() and p["bias"] == bias
    assert p["labels"] == [format_tex(w, "fixed", 3) for w in weights]
    assert p["formula"] == affine_tex(weights, bias, ["x_{1}", "x_{2}", "x_{3}"], style="fixed", join="")
    for points in p["arrows"]:
        for lo, hi in p["label_boxes"]:
            inside = np.all((points >= lo) & (points <= hi), axis=1)
            assert not inside.any(), "an arrow crosses a weight"
    tips = p["tips"]  # the arrowheads stand apart at the summing node
    for i, a in enumerate(tips):
        assert not any(boxes_meet(a, b) for b in tips[i + 1:])


@pytest.mark.parametrize("probe, positive", [(one_input_probe, True), (flipped_probe, False)])
def test_one_input_neuron_is_drawn_exactly_and_its_h_follows_from_the_shown_digits(probe, positive):
    rs = load_chapter(NAME)
    p = rendered(NAME).probe(probe)
    neuron = rs.scalar_neuron(positive)
    net = random_network([1, 2, 1], seed=rs.SEED)
    i = net.layers[0].weight[:, 0].tolist().index(neuron.weight)
    f = single_unit(net, i).piecewise(*rs.DOMAIN)
    np.testing.assert_allclose(p["graph"]["breakpoints"], f.breakpoints, rtol=0, atol=1e-12)
    np.testing.assert_allclose(p["graph"]["corners"], scene_points(p["axes"], f.knots, f.knot_values), atol=1e-9)
    np.testing.assert_allclose(p["dots"], scene_points(p["axes"], [neuron.h], [0.0]), atol=1e-9)
    label, label_x = p["label"]
    assert label == "h = " + format_tex(neuron.h, "fixed", rs.H_DIGITS)
    assert abs(label_x - p["axes"].c2p(neuron.h, 0)[0]) < 1.0
    # h = −b/w: the shown b and w give the shown h
    parts = p["h_parts"]
    b, w, h = tex_number(parts[1]), tex_number(parts[3]), tex_number(parts[5])
    assert format_number(-b / w, "fixed", rs.H_DIGITS).value == h == format_number(neuron.h, "fixed", rs.H_DIGITS).value
    digits = p["digits"]
    weights, bias, weight_labels, bias_label = p["diagram"]
    assert weights == [neuron.weight] and bias == neuron.bias
    assert weight_labels == [format_tex(neuron.weight, "fixed", digits)]  # the diagram shows the same digits
    assert tex_number(bias_label) == b
    assert p["identity"] == rs.shift_tex(neuron, digits)
    assert ("h - x" in p["rule"]) == (not positive)


def test_closing_shows_both_neurons_with_their_slopes():
    rs = load_chapter(NAME)
    p = rendered(NAME).probe(closing_probe)
    neurons = (rs.scalar_neuron(True), rs.scalar_neuron(False))
    for record, n in zip(p["graphs"], neurons):
        np.testing.assert_allclose(record["breakpoints"], [n.h], atol=1e-12)
        np.testing.assert_allclose(record["corners"], record["expected"], atol=1e-9)
    # one slope label per ramp, each the neuron's weight
    assert sorted(s for s, _ in p["slopes"]) == sorted(n.weight for n in neurons)
    assert len(p["recap"]) == 5


def test_every_beat_is_narrated_in_order_and_quotes_the_package():
    rs = load_chapter(NAME)
    scene = rendered(NAME).scene
    assert scene.beats == ["ReLU", "Not linear", "Sliding the corner", "A neuron", "One input: a shifted ReLU",
                           "Negative weight: flipped", "Every neuron is a shifted ReLU"]
    assert_narrated(scene)
    assert abs(sum(d for _, d, _ in scene.narration) - scene.time) < 1e-6  # no silent stretch
    texts = " ".join(text for _, _, text in scene.narration)
    digits = rs.shown_digits()
    for n in (rs.scalar_neuron(True), rs.scalar_neuron(False)):
        assert f"w = {words(n.weight, digits=digits)}" in texts and f"b = {words(n.bias, digits=digits)}" in texts
        assert f"h = {words(n.h, digits=rs.H_DIGITS)}" in texts
