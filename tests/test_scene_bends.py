"""Chapter "Sums that bend" (scenes/bends.py) draws what relu_anim computes.

Structural tests pose a beat's final state and compare points and numbers with
the package: graph corners are ``axes.c2p`` of the exact vertices, dots sit on
the kinks, slope labels write the exact slopes beside their own pieces, each
term panel is one unit of the network, hats and rectangles come from
relu_anim.story.hats. A storyboard test runs the whole chapter with animations
skipped; two golden frames guard the look (tests/golden.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim.construct import interpolant
from relu_anim.story.hats import split_units
from relu_anim.metrics import max_error
from relu_anim.story.numbers import words
from relu_anim.visual import relu_sum_tex
from relu_anim.visual.annotations import slope_tex

from .golden import PIXEL_FRACTION_TOLERANCE, assert_frame_matches, frame_difference, render_frame
from .renders import rendered
from .scenes import assert_narrated, load_chapter, posed, scene_points


@pytest.fixture(scope="module")
def bends():
    """scenes/bends.py as a module."""
    return load_chapter("bends")


def check_sum_view(scene, view, f):
    """Graph, dots and slope labels of ``view`` are exactly ``f`` on the main axes."""
    axes = scene.axes
    np.testing.assert_allclose(view.graph.function.breakpoints, f.breakpoints, rtol=0, atol=1e-12)
    np.testing.assert_allclose(view.graph.corners(), scene_points(axes, f.knots, f.knot_values), rtol=0, atol=1e-9)
    np.testing.assert_allclose([d.get_center() for d in view.dots], scene_points(axes, f.breakpoints, f.values),
                               rtol=0, atol=1e-9)
    assert view.graph in scene.get_mobject_family_members()
    for label in view.slopes:
        assert label.slope == f.slopes[label.piece]
        assert label.tex_string == slope_tex(f.slopes[label.piece])
        # beside its own piece: horizontally within the piece's span on screen
        lo, hi = axes.c2p(f.knots[label.piece], 0)[0], axes.c2p(f.knots[label.piece + 1], 0)[0]
        assert lo - 0.3 < label.get_center()[0] < hi + 0.3
    boxes = [(m.get_corner([-1, -1, 0])[:2], m.get_corner([1, 1, 0])[:2]) for m in view.slopes]
    for i, (lo1, hi1) in enumerate(boxes):
        for lo2, hi2 in boxes[i + 1:]:
            assert not (np.all(lo1 <= hi2) and np.all(lo2 <= hi1)), "slope labels overlap"


# ------------------------------------------------------------- example terms
@pytest.mark.parametrize("k", [2, 3])
def test_k_terms_bend_k_times_where_the_package_says(bends, k):
    scene, (view, panels) = posed(bends.Bends, lambda s: s.pose_terms(k))
    net = bends.terms_sum(k)
    f = net.piecewise(*bends.DOMAIN)
    assert len(f.breakpoints) == k  # one bend per term inside the view
    np.testing.assert_allclose(f.breakpoints, sorted(h for _, h in bends.TERMS[:k]))
    check_sum_view(scene, view, f)
    assert len(view.slopes) == len(f.slopes)  # few pieces: every slope is written
    # each slope change is the weight of the term whose kink it is
    np.testing.assert_allclose(np.diff(f.slopes), [w for w, _ in sorted(bends.TERMS[:k], key=lambda t: t[1])])
    # one panel per unit, in the unit colours, exactly that unit's graph and kink
    assert len(panels) == k
    for i, (panel, unit) in enumerate(zip(panels, split_units(net))):
        g = unit.piecewise(*bends.DOMAIN)
        np.testing.assert_allclose(panel.graph.corners(), scene_points(panel.axes, g.knots, g.knot_values),
                                   rtol=0, atol=1e-9)
        np.testing.assert_allclose([d.get_center() for d in panel.dots], scene_points(panel.axes, g.breakpoints, [0.0]),
                                   atol=1e-9)
        assert panel.graph.get_color().to_hex().lower() == scene.theme.unit_color(i).lower()
        assert panel.label.tex_string == relu_sum_tex(unit)
        assert panel.graph in scene.get_mobject_family_members()
    # panels do not overlap each other
    for upper, lower in zip(panels, panels[1:]):
        assert upper.group.get_bottom()[1] > lower.group.get_top()[1]


def test_many_terms_come_from_least_squares(bends):
    scene, (view, readouts) = posed(bends.Bends, lambda s: s.pose_many_terms())
    fit = bends.curve_fit()
    assert 8 <= fit.units <= 12 and len(fit.function.breakpoints) == fit.units
    np.testing.assert_allclose(fit.function.breakpoints, bends.CURVE_SHIFTS, atol=1e-12)
    check_sum_view(scene, view, fit.function)
    assert len(view.slopes) >= fit.function.num_pieces // 2  # most slopes are legible
    terms, kinks, error = readouts
    assert terms.value == fit.units and kinks.value == len(fit.function.breakpoints)
    assert error.value == max_error(fit.function, bends.CURVE)


def test_hat_is_three_relus(bends):
    scene, (view, panels) = posed(bends.Bends, lambda s: s.pose_hat())
    center, half_width, height = bends.HAT
    f = bends.hat_network().piecewise(*bends.DOMAIN)
    np.testing.assert_allclose(f.breakpoints, [center - half_width, center, center + half_width])
    np.testing.assert_allclose(f.values, [0.0, height, 0.0], atol=1e-12)
    check_sum_view(scene, view, f)
    assert len(panels) == 3 and len(view.slopes) == 4


def test_rectangles_and_tents_are_the_packages(bends):
    scene, tents = posed(bends.Bends, lambda s: s.pose_tents())
    hats = bends.bump_hats()
    left, right, height = bends.bump_cells()
    knots = bends.bump_knots()
    assert len(tents) == len(hats) == bends.BUMP_KNOTS
    np.testing.assert_allclose(height, bends.BUMP(knots))
    for tent, h in zip(tents, hats):
        area, outline = tent
        f = outline.function
        # the tent's apex is the bump at its knot, its feet are the neighbouring knots
        np.testing.assert_allclose(outline.corners(), scene_points(scene.axes, f.knots, f.knot_values), atol=1e-9)
        assert h.center in f.knots and f(h.center) == pytest.approx(h.height)
        assert h.height == pytest.approx(float(bends.BUMP(np.array([h.center]))[0]))
        for corner in scene_points(scene.axes, f.knots, f.knot_values):
            assert np.min(np.linalg.norm(area.get_vertices() - corner, axis=1)) < 1e-9
    rects = scene.rectangles()
    for rect, l, r, y in zip(rects, left, right, height):
        np.testing.assert_allclose(rect.get_vertices(), scene_points(scene.axes, [l, l, r, r], [0, y, y, 0]), atol=1e-9)


def test_hat_sum_is_the_bump_polyline(bends):
    scene, (view, readouts) = posed(bends.Bends, lambda s: s.pose_hat_sum())
    fit = bends.bump_fit()
    knots = bends.bump_knots()
    f = fit.function
    check_sum_view(scene, view, f)
    np.testing.assert_allclose(f.knot_values, bends.BUMP(knots), atol=1e-12)
    g = interpolant(bends.BUMP, knots).piecewise(*bends.DOMAIN)
    np.testing.assert_allclose(f.breakpoints, g.breakpoints, atol=1e-12)
    hats, units, error = readouts
    assert hats.value == bends.BUMP_KNOTS and units.value == 3 * bends.BUMP_KNOTS == fit.units
    assert error.value == max_error(f, bends.BUMP)


# ---------------------------------------------------------------- storyboard
def test_bends_every_beat_is_narrated(bends):
    """The chapter as rendered: beats, narration, duration."""
    scene = rendered("bends").scene
    assert scene.beats[:4] == ["Two shifted, weighted ReLUs", "Their sum bends twice",
                               "A third term, another bend", "Many terms: a curve"]
    assert "A hat from three ReLUs" in scene.beats and "The hats add up" in scene.beats
    assert len(set(scene.beats)) == len(scene.beats) >= 8
    assert_narrated(scene)  # as many captions as beats, in order, long enough, one at a time
    # the narration quotes the package's numbers
    text = " ".join(t for _, _, t in scene.narration)
    assert "x = −2 and 0" in text and "0, 1 and −0.5" in text  # with the true minus sign
    assert words(bends.curve_fit().max_error) in text
    assert words(bends.bump_fit().max_error) in text
    assert 30 <= scene.time <= 120


# ------------------------------------------------------------ golden frames
def test_bends_golden_two_terms(bends):
    assert_frame_matches("bends", "two_terms", bends.Bends, lambda s: s.pose_terms(2))


def test_bends_golden_hat_sum(bends):
    assert_frame_matches("bends", "hat_sum", bends.Bends, lambda s: s.pose_hat_sum())


def test_bends_golden_sees_a_moved_term(bends):
    """The second term's kink at 0.3 instead of 0 must fail the comparison."""
    base = render_frame(bends.Bends, lambda s: s.pose_terms(2))
    original = bends.TERMS
    try:
        bends.TERMS = (original[0], (original[1][0], original[1][1] + 0.3), original[2])
        moved = render_frame(bends.Bends, lambda s: s.pose_terms(2))
    finally:
        bends.TERMS = original
    assert frame_difference(moved, base) > PIXEL_FRACTION_TOLERANCE
