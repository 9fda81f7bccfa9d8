"""The "Linear layers collapse" chapter draws what relu_anim computes, in the real render.

Probes (:func:`tests.renders.at_beat_end`) look at the live scene as a beat
ends during the suite's render of the chapter: matrix entries against the
network's weights, the collapsed W and b recomputed exactly from the digits on
screen, graph corners against ``axes.c2p`` of the exact vertices, readouts
against the fits. Golden frames of every beat are checked by tests/test_film.py.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import tempconfig

from relu_anim.construct import random_network
from relu_anim.story.collapse import exact_places, round_weights
from relu_anim.story.numbers import format_tex, words
from relu_anim.visual import ErrorBand, PiecewiseGraph
from relu_anim.visual.matrices import AffineEquation, NumberMatrix
from relu_anim.visual.theme import current_theme

from .renders import at_beat_end, rendered
from .scenes import QUIET, assert_narrated, load_chapter, scene_points

NAME = "linear_collapse"
BEATS = ["A linear layer", "A second linear layer", "Two layers are one", "Deeper stacks stay straight",
         "A linear layer meets x squared", "ReLU between the layers", "Why the activation matters"]


@pytest.fixture(scope="module")
def lc():
    """scenes/linear_collapse.py as a module."""
    return load_chapter(NAME)


def shown_digits(matrix: NumberMatrix) -> np.ndarray:
    """The entries exactly as written on screen (value and places of each DecimalNumber), as Decimals."""
    return np.array([Decimal(f"{e.get_value():.{e.num_decimal_places}f}") for e in matrix.get_entries()],
                    dtype=object).reshape(matrix.values.shape)


def colour(mob) -> str:
    return mob.get_color().to_hex().lower()


# ------------------------------------------------------------------ probes
@at_beat_end(NAME, "Two layers are one")
def collapse_page(scene):
    """What the collapse page shows: digits, colours and names of every matrix, the check's vectors."""
    eqs = {"f": scene.f_eq, "g": scene.g_eq, "one": scene.one_eq}
    return {
        "digits": {k: (shown_digits(e.weight), shown_digits(e.bias)) for k, e in eqs.items()},
        "colours": {k: {colour(m) for m in [*e.weight.get_entries(), *e.bias.get_entries(), *e.names]}
                    for k, e in eqs.items()},
        "names": {k: [n.get_tex_string() for n in e.names] for k, e in eqs.items()},
        "labels": {k: e.label.get_tex_string() for k, e in eqs.items()},
        "check": (shown_digits(scene.check[1]), shown_digits(scene.check[3]), shown_digits(scene.check[5])),
        # drawn: every part of each on screen (the algebra is written in two halves, each added by itself)
        "on_screen": all(set(m.get_family()) & set(scene.get_mobject_family_members()) >= set(m.family_members_with_points())
                         for m in (scene.f_eq, scene.g_eq, scene.algebra, scene.naming, scene.one_eq, scene.check)),
        "inside": all(-7.1 < m.get_left()[0] and m.get_right()[0] < 7.1 and -4 < m.get_bottom()[1]
                      and m.get_top()[1] < 4 for m in (*eqs.values(), scene.algebra, scene.naming, scene.check)),
        "algebra": scene.algebra.get_tex_string() + " " + scene.naming.get_tex_string(),
    }


@at_beat_end(NAME, "Deeper stacks stay straight")
def last_linear_stack(scene):
    return {"corners": scene.stack_line.corners(), "axes": scene.stack_axes, "kinks": scene.kinks_readout.value,
            "formula": scene.line_formula.get_tex_string(), "function": scene.stack_line.function,
            "diagram": scene.diagram.widths, "one_layer": scene.one_layer[1].widths,
            "drawn": all(m in scene.mobjects for m in (scene.diagram, *scene.one_layer))}


@at_beat_end(NAME, "A linear layer meets x squared")
def after_training(scene):
    return {"graphs": [m.function for m in scene.mobjects if isinstance(m, PiecewiseGraph)],
            "bands": [m.function for m in scene.mobjects if isinstance(m, ErrorBand)],
            "step": scene.step_readout.value, "mse": scene.mse_readout.value}


@at_beat_end(NAME, "ReLU between the layers")
def relu_page(scene):
    units = [m for m in scene.mobjects if getattr(m, "label", None) is not None
             and "ReLU units" in getattr(m.label, "tex_string", "")]
    return {"bent": scene.stack_line.corners(), "dots": [d.get_center() for d in scene.stack_dots],
            "stack_axes": scene.stack_axes, "kinks": scene.kinks_readout.value,
            "units": sorted(u.value for u in units),
            "x2_corners": scene.x2_view.graph.corners(), "x2_dots": [d.get_center() for d in scene.x2_view.dots],
            "x2_axes": scene.x2_axes, "mse": scene.mse_readout.value, "best": scene.best_readout.value}


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


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), places=st.integers(0, 3),
       widths=st.lists(st.integers(1, 4), min_size=3, max_size=3))
def test_rounded_layers_collapse_to_products_exact_at_twice_the_places(seed, places, widths):
    """Weights of p places: W₂W₁ and W₂b₁ + b₂ written with 2p places are the exact products of the digits."""
    net = round_weights(random_network(widths, seed=seed, activation="linear"), places)
    f, g = net.layers
    digits = [[[Decimal(f"{v:.{places}f}") for v in row] for row in np.atleast_2d(a)]
              for a in (f.weight, f.bias[None], g.weight, g.bias[None])]
    for a, d in zip((f.weight, f.bias[None], g.weight, g.bias[None]), digits):
        np.testing.assert_array_equal(np.array(d, dtype=float), a)  # rounding kept p places only
    w1, b1, w2, b2 = digits
    one = net.collapse()
    p = exact_places(places)
    for i in range(len(w2)):
        exact_b = sum(w2[i][k] * b1[0][k] for k in range(len(b1[0]))) + b2[0][i]
        assert Decimal(f"{one.bias[i]:.{p}f}") == exact_b
        for j in range(len(w1[0])):
            exact_w = sum(w2[i][k] * w1[k][j] for k in range(len(w1)))
            assert Decimal(f"{one.weight[i, j]:.{p}f}") == exact_w


# ---------------------------------------------------------- the collapse beat
def test_equations_show_the_networks_own_digits(lc):
    page = rendered(NAME).probe(collapse_page)
    net = lc.two_layers()
    f, g = net.layers
    assert f.is_linear and g.is_linear and net.widths == list(lc.LAYER_WIDTHS)
    # the network is the seeded one with its weights rounded to PLACES places, and the screen shows those
    raw = random_network(lc.LAYER_WIDTHS, seed=lc.LAYER_SEED, activation="linear")
    for shown, layer, original in zip((page["digits"]["f"], page["digits"]["g"]), (f, g), raw.layers):
        np.testing.assert_array_equal(np.round(original.weight, lc.PLACES), layer.weight)
        np.testing.assert_array_equal(shown[0].astype(float), layer.weight)
        np.testing.assert_array_equal(shown[1].astype(float)[:, 0], layer.bias)
        assert all(-d.as_tuple().exponent == lc.PLACES for d in shown[0].ravel())
    assert page["on_screen"] and page["inside"]


def test_collapsed_layer_is_recomputed_from_the_digits_on_screen(lc):
    """W = W₂W₁ and b = W₂b₁ + b₂ in exact decimal arithmetic on the shown digits equal the shown W and b."""
    page = rendered(NAME).probe(collapse_page)
    (w1, b1), (w2, b2), (w, b) = page["digits"]["f"], page["digits"]["g"], page["digits"]["one"]
    assert (w == w2.dot(w1)).all()
    assert (b == w2.dot(b1) + b2).all()
    # and the check: x through both layers, and through the one, digit for digit
    x, both, one = page["check"]
    assert (both == w2.dot(w1.dot(x) + b1) + b2).all()
    assert (one == w.dot(x) + b).all() and (one == both).all()
    assert all(-d.as_tuple().exponent == exact_places(lc.PLACES) for d in w.ravel())


def test_matrices_are_named_and_coloured_by_layer():
    page = rendered(NAME).probe(collapse_page)
    theme = current_theme()
    assert page["colours"] == {"f": {theme.layer_color(0).lower()}, "g": {theme.layer_color(1).lower()},
                               "one": {theme.layer_color(-1).lower()}}
    assert [n.split(":")[0] for n in page["names"]["f"]] == ["W_1", "b_1"]
    assert [n.split(":")[0] for n in page["names"]["g"]] == ["W_2", "b_2"]
    assert [n.split(":")[0] for n in page["names"]["one"]] == ["W", "b"]
    assert page["labels"] == {"f": "f(x) =", "g": "g(x) =", "one": "g(f(x)) ="}
    assert "W_3" not in page["algebra"] and "X" not in page["algebra"]


# ------------------------------------------------------------ the stack beats
def test_linear_stacks_are_one_line(lc):
    for depth in lc.STACK_DEPTHS:
        net = lc.stack(depth)
        assert len(net.layers) == depth + 1 and all(layer.is_linear for layer in net.layers)
        assert len(net.piecewise(*lc.STACK_DOMAIN).breakpoints) == 0


def test_last_linear_stack_is_drawn_as_its_collapsed_line(lc):
    seen = rendered(NAME).probe(last_linear_stack)
    one = lc.stack(lc.STACK_DEPTHS[-1]).collapse()
    a, c = one.weight[0, 0], one.bias[0]
    xs = np.array(lc.STACK_DOMAIN)
    np.testing.assert_allclose(seen["corners"], scene_points(seen["axes"], xs, a * xs + c), rtol=0, atol=1e-9)
    assert seen["kinks"] == 0
    assert format_tex(a, "fixed") in seen["formula"] and format_tex(abs(c), "fixed") in seen["formula"]


def test_right_half_draws_the_deepest_stack_beside_its_one_layer(lc):
    seen = rendered(NAME).probe(last_linear_stack)
    assert seen["diagram"] == lc.stack(lc.STACK_DEPTHS[-1]).widths
    assert seen["one_layer"] == [1, 1] == [*lc.stack(lc.STACK_DEPTHS[-1]).collapse().weight.shape]
    assert seen["drawn"]


def test_training_leaves_one_line_on_the_best_line(lc):
    seen = rendered(NAME).probe(after_training)
    last = lc.line_snapshots()[-1][1]
    assert len(seen["graphs"]) == 2 and seen["graphs"][1].slopes[0] == last.function.slopes[0]
    assert seen["bands"] == [seen["graphs"][1]]
    assert seen["step"] == lc.TRAIN_STEPS and seen["mse"] == last.mse


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


def test_relu_between_the_layers_bends_the_same_weights(lc):
    seen = rendered(NAME).probe(relu_page)
    depth = lc.STACK_DEPTHS[-1]
    linear, relu = lc.stack(depth), lc.stack(depth, "relu")
    for a, b in zip(linear.layers, relu.layers):  # only the activation differs
        np.testing.assert_array_equal(a.weight, b.weight)
        np.testing.assert_array_equal(a.bias, b.bias)
    f = relu.piecewise(*lc.STACK_DOMAIN)
    assert len(f.breakpoints) >= 3
    np.testing.assert_allclose(seen["bent"], scene_points(seen["stack_axes"], f.knots, f.knot_values),
                               rtol=0, atol=1e-9)
    np.testing.assert_allclose(seen["dots"], scene_points(seen["stack_axes"], f.breakpoints, f.values),
                               rtol=0, atol=1e-9)
    assert seen["kinks"] == len(f.breakpoints)
    # the units readouts: the stack's hidden units, and the x² network's
    fit = lc.relu_fit()
    assert seen["units"] == sorted([sum(relu.widths[1:-1]), fit.units])
    g = fit.network.piecewise(*lc.DOMAIN)
    assert fit.units == lc.RELU_UNITS and len(g.breakpoints) == lc.RELU_UNITS
    np.testing.assert_allclose(seen["x2_corners"], scene_points(seen["x2_axes"], g.knots, g.knot_values),
                               rtol=0, atol=1e-9)
    np.testing.assert_allclose(seen["x2_dots"], scene_points(seen["x2_axes"], g.breakpoints, g.values),
                               rtol=0, atol=1e-9)
    assert seen["mse"] == fit.mse and seen["best"] == lc.best_line().mse
    assert fit.mse < lc.best_line().mse / 50


# ------------------------------------------------------------ the storyboard
def test_every_beat_is_narrated(lc):
    scene = rendered(NAME).scene
    assert scene.beats == BEATS
    assert_narrated(scene)
    narrated = [start for start, _, _ in scene.narration]
    for begin, end in zip(scene.beat_starts, [*scene.beat_starts[1:], scene.time]):  # a caption in every beat
        assert any(begin <= start < end for start in narrated)
    texts = " ".join(text for _, _, text in scene.narration)
    assert words(lc.relu_fit().mse) in texts and words(lc.best_line().mse) in texts
    assert "W₃" not in texts and "X" not in texts.replace("ReLU", "")
