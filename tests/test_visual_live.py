"""Graphs that follow a ValueTracker stay exact at every frame (relu_anim.visual.live)."""

from __future__ import annotations

import numpy as np
import pytest
from manim import ValueTracker

from relu_anim.construct import shifted_relu_sum
from relu_anim.visual import PiecewiseGraph, current_theme, make_axes
from relu_anim.visual.live import LivePiecewiseGraph, live_breakpoint_dots

DOMAIN = (-3.0, 3.0)


def shifted(h: float):
    return shifted_relu_sum([1.0], [h]).piecewise(*DOMAIN)


def points(axes, xs, ys) -> np.ndarray:
    return np.array([axes.c2p(x, y) for x, y in zip(xs, ys)])


@pytest.fixture(scope="module")
def axes():
    return make_axes((-3, 3, 1), (-1, 4, 1), x_length=6, y_length=5, numbers=False, x_label=None)


def test_every_frame_of_a_slide_is_the_exact_graph(axes):
    """Interpolate the tracker's animation as a render would: each frame is the package's graph."""
    h = ValueTracker(0.0)
    graph = LivePiecewiseGraph(axes, shifted, h)
    dots = live_breakpoint_dots(graph)
    animation = h.animate.set_value(2.0).build()
    animation.begin()
    seen = []
    for alpha in (0.1, 0.37, 0.8, 1.0):
        animation.interpolate(alpha)
        graph.update()
        dots.update()
        value = h.get_value()
        seen.append(value)
        f = shifted(value)
        assert graph.function.breakpoints.tolist() == [value]
        np.testing.assert_allclose(graph.corners(), points(axes, f.knots, f.knot_values), rtol=0, atol=1e-9)
        assert len(dots) == 1
        np.testing.assert_allclose(dots[0].get_center(), axes.c2p(value, 0), rtol=0, atol=1e-9)
    animation.finish()
    assert len(set(seen)) == 4 and seen[-1] == 2.0  # the value really moved between frames


def test_kinks_leaving_the_domain_take_their_dots_along(axes):
    h = ValueTracker(0.0)
    graph = LivePiecewiseGraph(axes, shifted, h)
    dots = live_breakpoint_dots(graph)
    h.set_value(5.0)  # right of the domain: a flat zero, no kink
    graph.update()
    dots.update()
    assert len(graph.function.breakpoints) == 0 and len(dots) == 0
    np.testing.assert_allclose(graph.corners(), points(axes, DOMAIN, (0, 0)), rtol=0, atol=1e-9)
    h.set_value(-1.0)
    graph.update()
    dots.update()
    assert len(dots) == 1


def test_live_graph_keeps_its_style_and_freezes_to_a_still(axes):
    theme = current_theme()
    h = ValueTracker(0.5)
    graph = LivePiecewiseGraph(axes, shifted, h, color=theme.unit, stroke_width=3)
    h.set_value(1.25)
    graph.update()
    assert graph.get_color().to_hex().lower() == theme.unit.lower()
    assert graph.get_stroke_width() == 3
    still = graph.frozen()
    assert type(still) is PiecewiseGraph and still.function is graph.function
    np.testing.assert_allclose(still.corners(), graph.corners(), rtol=0, atol=1e-12)
    assert not still.updaters


def test_no_stale_dot_is_left_where_the_renderer_still_looks(axes):
    """Cairo draws, for a whole animation, the family it collected at the start: a dot
    replaced mid-animation must not stay visible at its old place."""
    from manim.utils.family import extract_mobject_family_members

    h = ValueTracker(2.0)
    graph = LivePiecewiseGraph(axes, shifted, h)
    dots = live_breakpoint_dots(graph)
    collected = extract_mobject_family_members([dots])  # what the renderer holds on to
    h.set_value(-0.5)
    dots.update()
    current = set(dots.get_family())
    drawn = [m for m in {*collected, *dots.get_family()} if len(m.points)]
    assert all(m in current for m in drawn)
    assert [m.get_center()[0] for m in drawn if m is not dots] == [axes.c2p(-0.5, 0)[0]]
