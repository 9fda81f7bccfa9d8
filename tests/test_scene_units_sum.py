"""Chapter "Units become terms" (scenes/units_sum.py) draws what relu_anim.story.units_sum computes.

The chapter as the suite renders it once (tests/renders.py; text sizes, the
frame's edges and overlaps at every beat end are tests/test_film.py's). Its
final state is compared with the package: kink dots at the units' h, the shared axis' term
graphs through the terms' values, the running sum's corners, the formula's
numbers, and the colours by theme name.
"""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim.story import units_sum as us
from relu_anim.story.numbers import format_number, format_tex, words
from relu_anim.visual import current_theme, relu_sum_tex

from .rounding import U, gamma
from .renders import rendered
from .scenes import assert_narrated, load_chapter, scene_points


@pytest.fixture(scope="module")
def ch():
    """scenes/units_sum.py as a module."""
    return load_chapter("units_sum")


@pytest.fixture(scope="module")
def run():
    """The chapter as the suite rendered it (tests/renders.py): its scene in the final state."""
    return rendered("units_sum").scene, None


def test_every_beat_is_narrated(run):
    scene, _ = run
    assert scene.beats == ["A network with one input", "One unit, one shifted ReLU", "A negative weight flips the ramp",
                           "A negative output weight", "One shared axis", "Adding the terms", "Point by point",
                           "The formula", "Units become terms"]
    assert_narrated(scene)
    # every play happens inside a narration
    assert all(narration is not None for _, _, _, narration in scene.timeline)


def test_the_narration_quotes_the_packages_numbers(run):
    scene, _ = run
    d = us.story()
    text = " ".join(t for _, _, t in scene.narration)
    for term in d.terms:
        for value in (term.h, term.output_weight, term.coefficient):
            assert words(value) in text
    assert f"c = {words(d.bias)}" in text and "-" not in text  # true minus signs only


def test_kink_dots_sit_at_the_units_h(run):
    scene, _ = run
    d = us.story()
    hs = sorted(t.h for t in d.terms)
    centres = np.array([dot.get_center() for dot in scene.kink_dots])
    np.testing.assert_allclose(centres, scene_points(scene.axes, d.output.breakpoints, d.output.values), atol=1e-9)
    np.testing.assert_allclose(d.output.breakpoints, hs, rtol=0, atol=8 * U)
    assert [label.tex_string for label in scene.h_labels] == [format_tex(h, "fixed", trim=True) for h in hs]
    np.testing.assert_allclose([label.get_center()[0] for label in scene.h_labels],
                               [scene.axes.c2p(h, 0)[0] for h in hs], atol=1e-9)
    breakpoint = current_theme().breakpoint.lower()
    assert all(dot.get_color().to_hex().lower() == breakpoint for dot in scene.kink_dots)


def test_the_terms_on_the_shared_axis_pass_through_the_units_values(run):
    scene, _ = run
    d = us.story()
    t = current_theme()
    for term, graph in zip(d.terms, scene.term_graphs):
        f = term.term.piecewise(*d.domain)
        np.testing.assert_allclose(graph.corners(), scene_points(scene.axes, f.knots, f.knot_values), atol=1e-9)
        # the drawn term is the network's own unit times its output weight: a·ReLU(w·x + b)
        direct = term.output_weight * np.maximum(0.0, term.weight * f.knots + term.bias)
        bound = gamma(12) * abs(term.output_weight) * (abs(term.weight) * np.abs(f.knots) + 2 * abs(term.bias))
        assert np.all(np.abs(f.knot_values - direct) <= bound)
        assert graph.get_color().to_hex().lower() == t.unit_color(term.index).lower()
    # one shared axis: every term drawn on the same axes, the sum too
    assert all(g.axes is scene.axes for g in scene.term_graphs) and scene.output_graph.axes is scene.axes
    out = d.output
    np.testing.assert_allclose(scene.output_graph.corners(), scene_points(scene.axes, out.knots, out.knot_values),
                               atol=1e-9)
    assert scene.output_graph.get_color().to_hex().lower() == t.output.lower()


def test_the_formula_is_the_packages_sum_coloured_by_term(ch, run):
    scene, _ = run
    d = us.story()
    t = current_theme()
    parts = [part.tex_string for part in scene.formula]
    assert parts == ch.formula_parts(d)
    assert parts[1] == format_tex(d.bias, "fixed", trim=True)
    # the terms, signs folded in, are relu_sum_tex of the package's sum; c comes last there
    joined = " ".join(parts[2:]).removeprefix("+ ")
    sign = "-" if d.bias < 0 else "+"
    assert relu_sum_tex(d.sum_network) == f"{joined} {sign} {format_tex(abs(d.bias), 'fixed', trim=True)}"
    for term, part in zip(d.terms, scene.formula[2:]):
        assert part.get_color().to_hex().lower() == t.unit_color(term.index).lower()
        assert part.tex_string.removeprefix("+ ") == relu_sum_tex(term.term)
    assert scene.formula[1].get_color().to_hex().lower() == t.output.lower()


def test_the_sweeps_readouts_add_up_to_the_y_shown(ch):
    """On the sweep's grid every term is a whole number of hundredths: shown terms plus c give the shown y."""
    d = us.story()
    xs = [ch.snap(x) for x in np.linspace(*ch.SWEEP, 105)]
    for x in xs:
        shown = [format_number(v, "fixed", places=ch.PLACES).mantissa for v in d.term_values([x])[0]]
        y = format_number(float(d([x])[0]), "fixed", places=ch.PLACES).mantissa
        assert round(d.bias + sum(shown), ch.PLACES) == pytest.approx(y, abs=1e-9), x
    assert len(set(xs)) > 90  # the tracer really sweeps


def test_the_sweep_ends_with_the_packages_values_in_hundredths(ch, run):
    scene, _ = run
    d = us.story()
    x = ch.snap(ch.SWEEP[1])
    x_readout, *terms, y_readout = scene.readouts
    expected = [x, *d.term_values([x])[0], float(d([x])[0])]
    for readout, value in zip(scene.readouts, expected):
        assert readout.value == pytest.approx(value, abs=1e-12)
        assert readout.tex == format_tex(value, "fixed", places=ch.PLACES)
        assert len(readout.tex.split(".")[1]) == ch.PLACES
    t = current_theme()
    assert y_readout.number[0].get_color().to_hex().lower() == t.output.lower()
    for term, readout in zip(d.terms, terms):
        assert readout.number[0].get_color().to_hex().lower() == t.unit_color(term.index).lower()
