"""Chapter "Sums that bend" (scenes/bends.py) draws what relu_anim computes.

Data tests check the chapter's networks against relu_anim. Structural tests
read the real render (tests/renders.py): probes registered with
``at_beat_end`` record the live scene as each beat ends, and the tests compare
it with the package — graph corners at ``axes.c2p`` of the exact vertices,
dots on the kinks, slope labels with the exact slopes beside their own pieces,
term panels on one shared scale, readouts equal to the package's counts and
errors, one knot dot per hat. The look is guarded by the golden frames of
tests/test_film.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim.construct import interpolant
from relu_anim.metrics import max_error
from relu_anim.story.hats import split_units
from relu_anim.story.numbers import words
from relu_anim.visual import current_theme, relu_sum_tex
from relu_anim.visual.annotations import slope_tex

from .renders import at_beat_end, rendered
from .scenes import assert_narrated, load_chapter, scene_points

NAME = "bends"


@pytest.fixture(scope="module")
def bends():
    """scenes/bends.py as a module."""
    return load_chapter(NAME)


# ------------------------------------------------------------------ probes
def sum_record(scene) -> dict:
    """The sum on the main axes as the beat leaves it."""
    view, axes = scene.view, scene.axes
    f = view.graph.function
    return {"function": f, "corners": view.graph.corners().copy(),
            "dots": [d.get_center().copy() for d in view.dots],
            "slopes": [(label.piece, label.slope, label.tex_string, label.get_center().copy(),
                        label.get_color().to_hex().lower(),
                        (label.get_corner([-1, -1, 0])[:2].copy(), label.get_corner([1, 1, 0])[:2].copy()))
                       for label in view.slopes],
            "axes": axes, "y_numbers": len(getattr(axes.y_axis, "numbers", []))}


def panel_record(scene) -> list[dict]:
    """Each term panel: its unit, drawn corners, kink dots and scale (scene units per y unit)."""
    return [{"network": p.network, "corners": p.graph.corners().copy(),
             "expected": scene_points(p.axes, p.network.piecewise(*load_chapter(NAME).DOMAIN).knots,
                                      p.network.piecewise(*load_chapter(NAME).DOMAIN).knot_values),
             "dots": [d.get_center().copy() for d in p.dots], "axes": p.axes,
             "y_scale": float(p.axes.c2p(0, 1)[1] - p.axes.c2p(0, 0)[1]),
             "x_scale": float(p.axes.c2p(1, 0)[0] - p.axes.c2p(0, 0)[0]),
             "color": p.graph.get_color().to_hex().lower(), "label": p.label.tex_string}
            for p in scene.panels]


def record(scene) -> dict:
    return {"sum": sum_record(scene), "panels": panel_record(scene)}


for _beat in ("Their sum bends twice", "A third term, another bend", "A hat from three ReLUs"):
    at_beat_end(NAME, _beat)(record)


@at_beat_end(NAME, "Two shifted, weighted ReLUs")
def first_panels(scene):
    return panel_record(scene)


@at_beat_end(NAME, "Many terms: a curve")
def many_terms(scene):
    terms, bends_, pieces, gap = scene.panel_readouts
    return {"sum": sum_record(scene), "readouts": (terms.value, bends_.value, pieces.value, gap.value, gap.shown),
            "curve_above": scene.curve.z_index > scene.view.graph.z_index,
            "band": scene.view.band in scene.mobjects or scene.view.band in scene.get_mobject_family_members()}


@at_beat_end(NAME, "Rectangles become hats")
def tents(scene):
    return {"tents": [(tent[1].function, tent[1].corners().copy()) for tent in scene.tents],
            "axes": scene.axes}


@at_beat_end(NAME, "The hats add up")
def hat_sum(scene):
    knots_readout, hats, units, gap = scene.panel_readouts
    return {"sum": sum_record(scene), "knots": [d.get_center().copy() for d in scene.knots],
            "readouts": (knots_readout.value, hats.value, units.value, gap.value)}


# ------------------------------------------------------------------ checks
def check_sum(r: dict, f) -> None:
    """The recorded sum is exactly ``f``: corners, kink dots, slope labels beside their pieces."""
    axes = r["axes"]
    np.testing.assert_allclose(r["function"].breakpoints, f.breakpoints, rtol=0, atol=1e-12)
    np.testing.assert_allclose(r["corners"], scene_points(axes, f.knots, f.knot_values), rtol=0, atol=1e-9)
    np.testing.assert_allclose(r["dots"], scene_points(axes, f.breakpoints, f.values).reshape(-1, 3),
                               rtol=0, atol=1e-9)
    slope = current_theme().slope.lower()
    for piece, value, tex, centre, color, _ in r["slopes"]:
        assert value == f.slopes[piece] and tex == slope_tex(f.slopes[piece])
        assert color == slope  # slopes in the film's slope colour
        lo, hi = axes.c2p(f.knots[piece], 0)[0], axes.c2p(f.knots[piece + 1], 0)[0]
        assert lo - 0.3 < centre[0] < hi + 0.3
    boxes = [b for *_, b in r["slopes"]]
    for i, (lo1, hi1) in enumerate(boxes):
        for lo2, hi2 in boxes[i + 1:]:
            assert not (np.all(lo1 <= hi2) and np.all(lo2 <= hi1)), "slope labels overlap"
    assert r["y_numbers"] > 0  # the main axes are numbered on y too


def check_panels(panels: list[dict], units) -> None:
    """One panel per unit, each that unit's exact graph and kink, all on one scale."""
    assert len(panels) == len(units)
    for i, (p, unit) in enumerate(zip(panels, units)):
        np.testing.assert_allclose(p["corners"], p["expected"], rtol=0, atol=1e-9)
        g = unit.piecewise(*load_chapter(NAME).DOMAIN)
        np.testing.assert_allclose([float(v) for v in p["network"].piecewise(*load_chapter(NAME).DOMAIN).knot_values],
                                   g.knot_values, atol=1e-12)
        np.testing.assert_allclose(p["dots"], scene_points(p["axes"], g.breakpoints, [0.0] * len(g.breakpoints)),
                                   atol=1e-9)
        assert p["color"] == current_theme().unit_color(i).lower()
        assert p["label"] == relu_sum_tex(unit)
    scales = {round(p["y_scale"], 9) for p in panels}
    assert len(scales) == 1, f"term panels on different vertical scales: {scales}"
    assert len({round(p["x_scale"], 9) for p in panels}) == 1


# ------------------------------------------------------------- data
def test_panel_range_holds_every_term_and_zero(bends):
    units = split_units(bends.terms_sum(len(bends.TERMS)))
    low, high, step = bends.panel_range(units)
    for u in units:
        values = u.piecewise(*bends.DOMAIN).knot_values
        assert low <= values.min() and values.max() <= high
    assert low <= 0 <= high and (high - low) / step <= 12
    assert low / step == int(low / step) and high / step == int(high / step)


def test_curve_fit_has_its_kinks_where_the_story_puts_them(bends):
    fit = bends.curve_fit()
    assert len(fit.function.breakpoints) == fit.units == len(bends.CURVE_SHIFTS)
    np.testing.assert_allclose(fit.function.breakpoints, bends.CURVE_SHIFTS, atol=1e-12)


def test_rectangles_and_hats_come_from_the_same_knots(bends):
    hats = bends.bump_hats()
    left, right, height = bends.bump_cells()
    knots = bends.bump_knots()
    assert len(hats) == len(knots) == bends.BUMP_KNOTS
    np.testing.assert_allclose(height, bends.BUMP(knots))
    for h, l, r, y in zip(hats, left, right, height):
        # on the knots' span the hat has the rectangle's area (a polyline's integral is the trapezoid rule)
        g = h.network.piecewise(*h.support((knots[0], knots[-1])))
        area = float(np.sum(np.diff(g.knots) * (g.knot_values[:-1] + g.knot_values[1:]) / 2))
        assert area == pytest.approx((r - l) * y, rel=1e-12, abs=1e-15)
        assert h.height == y


# ------------------------------------------------------------- render
def test_two_terms_are_drawn_on_one_scale(bends):
    panels = rendered(NAME).probe(first_panels)
    check_panels(panels, split_units(bends.terms_sum(2)))


@pytest.mark.parametrize("beat, k", [("Their sum bends twice", 2), ("A third term, another bend", 3)])
def test_k_terms_bend_k_times_where_the_package_says(bends, beat, k):
    r = rendered(NAME)
    seen = r.probes[record][{"Their sum bends twice": 0, "A third term, another bend": 1}[beat]]  # in beat order
    net = bends.terms_sum(k)
    f = net.piecewise(*bends.DOMAIN)
    assert len(f.breakpoints) == k
    np.testing.assert_allclose(f.breakpoints, sorted(h for _, h in bends.TERMS[:k]))
    check_sum(seen["sum"], f)
    assert len(seen["sum"]["slopes"]) == len(f.slopes)  # few pieces: every slope is written
    np.testing.assert_allclose(np.diff(f.slopes), [w for w, _ in sorted(bends.TERMS[:k], key=lambda t: t[1])])
    check_panels(seen["panels"], split_units(bends.terms_sum(k)))


def test_many_terms_come_from_least_squares_and_the_gap_is_visible(bends):
    p = rendered(NAME).probe(many_terms)
    fit = bends.curve_fit()
    check_sum(p["sum"], fit.function)
    assert len(p["sum"]["slopes"]) >= fit.function.num_pieces // 2  # most slopes are legible
    terms, kinks, pieces, gap, shown = p["readouts"]
    assert (terms, kinks, pieces) == (fit.units, len(fit.function.breakpoints), fit.function.num_pieces)
    assert gap == max_error(fit.function, bends.CURVE) and words(shown) == words(fit.max_error)
    assert p["curve_above"] and p["band"]  # the target over the fit, the band between them


def test_hat_is_three_relus_on_one_scale(bends):
    r = rendered(NAME)
    seen = r.probes[record][2]
    center, half_width, height = bends.HAT
    f = bends.hat_network().piecewise(*bends.DOMAIN)
    np.testing.assert_allclose(f.breakpoints, [center - half_width, center, center + half_width])
    np.testing.assert_allclose(f.values, [0.0, height, 0.0], atol=1e-12)
    check_sum(seen["sum"], f)
    assert len(seen["sum"]["slopes"]) == 4
    check_panels(seen["panels"], split_units(bends.hat_network()))


def test_tents_are_the_packages_hats(bends):
    p = rendered(NAME).probe(tents)
    hats = bends.bump_hats()
    assert len(p["tents"]) == len(hats) == bends.BUMP_KNOTS
    for (f, corners), h in zip(p["tents"], hats):
        np.testing.assert_allclose(corners, scene_points(p["axes"], f.knots, f.knot_values), atol=1e-9)
        assert h.center in f.knots and f(h.center) == pytest.approx(h.height)


def test_hat_sum_is_the_bump_polyline_with_a_dot_per_hat(bends):
    p = rendered(NAME).probe(hat_sum)
    fit = bends.bump_fit()
    knots = bends.bump_knots()
    f = fit.function
    r = p["sum"]
    np.testing.assert_allclose(r["corners"], scene_points(r["axes"], f.knots, f.knot_values), atol=1e-9)
    np.testing.assert_allclose(f.knot_values, bends.BUMP(knots), atol=1e-12)
    g = interpolant(bends.BUMP, knots).piecewise(*bends.DOMAIN)
    np.testing.assert_allclose(f.breakpoints, g.breakpoints, atol=1e-12)
    # one dot per knot, on the bump: as many dots as the readouts count hats and knots
    np.testing.assert_allclose(p["knots"], scene_points(r["axes"], knots, bends.BUMP(knots)), atol=1e-9)
    n_knots, n_hats, units, error = p["readouts"]
    assert n_knots == n_hats == len(p["knots"]) == bends.BUMP_KNOTS
    assert units == 3 * bends.BUMP_KNOTS == fit.units
    assert error == max_error(f, bends.BUMP)


def test_bends_every_beat_is_narrated(bends):
    scene = rendered(NAME).scene
    assert scene.beats == ["Two shifted, weighted ReLUs", "Their sum bends twice", "A third term, another bend",
                           "Many terms: a curve", "A hat from three ReLUs", "A bump, cut like a Riemann sum",
                           "Rectangles become hats", "The hats add up", "Bends where they are needed"]
    assert_narrated(scene)
    text = " ".join(t for _, _, t in scene.narration)
    assert "x = −2 and 0" in text and "0, 1 and −0.5" in text  # with the true minus sign
    assert words(bends.curve_fit().max_error) in text
    assert words(bends.bump_fit().max_error) in text
