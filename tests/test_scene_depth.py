"""Chapter "Depth": the drawn tents, deep x², its error and the one-layer rule are the package's.

Probes (:func:`tests.renders.at_beat_end`) look at the live scene of the
suite's render when each beat ends and compare corners, dots, readouts, table
cells and formulas with relu_anim's numbers. Math tests check that the
formulas written on screen are the networks drawn.
"""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim.construct import optimal_x2, tent_map, units_for_max_error, yarotsky_x2
from relu_anim.metrics import max_error
from relu_anim.story.depth import error_curve, one_layer_piece
from relu_anim.story.numbers import format_tex
from relu_anim.x2 import optimal_max_error

from .renders import at_beat_end, rendered
from .scenes import assert_narrated, load_chapter, scene_points

depth = load_chapter("depth")


def square(x):
    return np.asarray(x, dtype=float) ** 2


def tent_state(scene):
    view = scene.view
    return {"corners": view.graph.corners(), "dots": [d.get_center() for d in view.dots],
            "axes": scene.tent_axes,
            "readouts": [r.value for r in scene.tent_readouts], "formula": scene.tent_formula.tex_string}


@at_beat_end("depth", "One tent")
def one_tent(scene):
    return tent_state(scene)


@at_beat_end("depth", "Folding doubles the pieces")
def three_tents(scene):
    return tent_state(scene)


@at_beat_end("depth", "Doubling every layer")
def six_tents(scene):
    return tent_state(scene)


@at_beat_end("depth", "Yarotsky's deep square")
def first_square(scene):
    return {"corners": scene.view.graph.corners(), "dots": [d.get_center() for d in scene.view.dots],
            "axes": scene.x2_axes, "err_axes": scene.err_axes, "err": scene.err_graph.corners(),
            "zoom": scene.zoom_readout.value, "formula": scene.yarotsky_formula.tex_string,
            "note": scene.width_note.tex_string}


@at_beat_end("depth", "One layer's best")
def rule(scene):
    fit = scene.rule_parts[0]
    return {"fit": fit.corners(), "axes": scene.x2_axes, "rule": scene.rule.tex_string,
            "label": scene.rule_parts[1].tex_string}


@at_beat_end("depth", "Each layer quarters the error")
def last_square(scene):
    return {"corners": scene.view.graph.corners(), "dots": [d.get_center() for d in scene.view.dots],
            "axes": scene.x2_axes, "err_axes": scene.err_axes, "err": scene.err_graph.corners(),
            "zoom": scene.zoom_readout.value,
            "rows": [[cell.tex_string for cell in row] for row in scene.rows],
            "row_ys": [row[0].get_center()[1] for row in scene.rows]}


# ------------------------------------------------------------------ maths
def test_the_formula_on_screen_is_the_network_on_0_2():
    """f_m(x) = 2x − Σ g_s(x/2)/4^(s−1), as written, equals yarotsky_x2(m) on [0, 2]."""
    x = np.linspace(0.0, 2.0, 2001)
    for m in (1, 2, 3, 5):
        written = 2 * x - sum(tent_map(s).piecewise(0, 1)(x / 2) / 4.0 ** (s - 1) for s in range(1, m + 1))
        np.testing.assert_allclose(yarotsky_x2(m).piecewise(0, 2)(x), written, rtol=0, atol=1e-12)
    assert depth.yarotsky_tex() == r"f_m(x) = 2x - \sum_{s=1}^{m} \frac{g_s(x/2)}{4^{s-1}}"


def test_the_one_layer_rule_comes_from_the_chord():
    for n in (1, 2, 5, 20):
        p = one_layer_piece(n)
        assert p.width == pytest.approx(4 / (2 * n + 1), rel=1e-12)
        assert p.sag == pytest.approx(p.width ** 2 / 4, rel=1e-12)
        assert p.best == pytest.approx(p.width ** 2 / 8, rel=1e-12) == optimal_max_error(n)
        best = optimal_x2(n).piecewise(0, 2)  # the best fit's last piece is the chord lowered by w²/8
        assert best(np.array([p.a, p.b])) == pytest.approx([p.a ** 2 - p.best, p.b ** 2 - p.best], abs=1e-12)
        assert max_error(best, square) == pytest.approx(optimal_max_error(n), rel=1e-9)


def test_the_error_curve_touches_zero_at_every_kink_and_peaks_at_the_bound():
    for m in (1, 3):
        row = depth.deep(m)
        xs, err = error_curve(row)
        on_knots = np.isin(xs, row.function.knots)
        assert on_knots.sum() == len(row.function.knots) and np.all(np.abs(err[on_knots]) < 1e-12)
        assert np.max(err) == pytest.approx(row.bound, rel=1e-9) and np.min(err) >= -1e-12


def test_scene_numbers_come_from_relu_anim_depth():
    assert [depth.deep(m).shallow_units for m in depth.X2_DEPTHS] == [1, 3, 6, 11, 23, 45]
    assert [depth.tent(m).pieces for m in depth.TENT_DEPTHS] == [2, 4, 8, 16, 32, 64]
    assert [len(u.piecewise(0, 1).breakpoints) for u in depth.tent_units()] == [0, 1]
    x = np.linspace(0, 1, 101)
    total = sum(u.piecewise(0, 1)(x) for u in depth.tent_units())
    np.testing.assert_allclose(total, tent_map(1).piecewise(0, 1)(x), atol=1e-12)  # the two units make the tent


# -------------------------------------------------------------- the render
@pytest.mark.parametrize("probe,m", [(one_tent, 1), (three_tents, 3), (six_tents, 6)])
def test_tent_is_drawn_through_the_exact_kinks(probe, m):
    state = rendered("depth").probe(probe)
    f = tent_map(m).piecewise(0, 1)
    assert len(f.breakpoints) == 2 ** m - 1 and f.num_pieces == 2 ** m
    np.testing.assert_allclose(state["corners"], scene_points(state["axes"], f.knots, f.knot_values), atol=1e-9)
    if len(f.breakpoints) <= depth.DOT_LIMIT:
        np.testing.assert_allclose(state["dots"], scene_points(state["axes"], f.breakpoints, f.values), atol=1e-9)
    else:
        assert state["dots"] == []  # too many to dot: the count says it
    assert state["readouts"] == [m, 2 * m, f.num_pieces, 2 * m + 1]
    assert state["formula"] == r"g(x) = 2\,\mathrm{ReLU}(x) - 4\,\mathrm{ReLU}(x - 0.5)"


@pytest.mark.parametrize("probe,m", [(first_square, 1), (last_square, 6)])
def test_deep_square_and_its_magnified_error_are_drawn_exactly(probe, m):
    state = rendered("depth").probe(probe)
    row = depth.deep(m)
    f = yarotsky_x2(m).piecewise(0, 2)
    np.testing.assert_allclose(state["corners"], scene_points(state["axes"], f.knots, f.knot_values), atol=1e-9)
    np.testing.assert_allclose(state["dots"], scene_points(state["axes"], f.breakpoints, f.values), atol=1e-9)
    xs, err = error_curve(row)
    assert state["zoom"] == 4 ** m
    np.testing.assert_allclose(state["err"], scene_points(state["err_axes"], xs, err * 4 ** m), atol=1e-9)
    top = state["err_axes"].c2p(0, 1)[1]  # magnified 4^m, the error 2^(-2m) reaches the axis' top exactly
    assert max(p[1] for p in state["err"]) == pytest.approx(top, abs=1e-9)


def test_first_square_writes_the_0_2_formula_and_why_three_units():
    state = rendered("depth").probe(first_square)
    assert state["formula"] == depth.yarotsky_tex()
    assert "3 units a layer" in state["note"]


def test_the_rule_beat_draws_the_best_one_layer_fit():
    state = rendered("depth").probe(rule)
    f = optimal_x2(depth.RULE_UNITS).piecewise(0, 2)
    np.testing.assert_allclose(state["fit"], scene_points(state["axes"], f.knots, f.knot_values), atol=1e-9)
    assert r"\frac{2}{(2n+1)^2}" in state["rule"] and r"\frac{4}{2n+1}" in state["rule"]
    assert "w^2}{8}" in state["label"]


def test_table_rows_are_the_measured_errors_and_unit_counts():
    state = rendered("depth").probe(last_square)
    assert len(state["rows"]) == len(depth.X2_DEPTHS)
    for k, cells in enumerate(state["rows"], start=1):
        err = max_error(yarotsky_x2(k).piecewise(0, 2), square)
        assert err == pytest.approx(2.0 ** (-2 * k), rel=1e-9)
        assert cells == [str(k), format_tex(err), str(3 * k), str(units_for_max_error(2.0 ** (-2 * k)))]
    ys = state["row_ys"]
    assert all(a > b for a, b in zip(ys, ys[1:]))  # rows go down the column, one per depth


def test_every_beat_is_narrated():
    scene = rendered("depth").scene
    assert scene.beats == ["One tent", "Folding doubles the pieces", "Doubling every layer",
                           "Yarotsky's deep square", "One layer's best", "Each layer quarters the error",
                           "Depth multiplies"]
    assert_narrated(scene)
    texts = " ".join(text for _, _, text in scene.narration)
    assert "64 pieces, against at most 13" in texts and "One layer needs 45 units" in texts
    assert "width still wins" in texts  # m = 2: 4 pieces against 5
