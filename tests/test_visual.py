"""The visual layer draws exactly what the package computes; the x² chapter too.

Structural tests build mobjects and compare their points with the package's
numbers (no video). The x² chapter's tests read the real render: probes
(:func:`tests.renders.at_beat_end`) record what each beat leaves on screen;
tests/test_film.py checks its golden frames.
"""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim import ReluAnimError
from relu_anim.construct import optimal_x2, shifted_relu_sum
from relu_anim.metrics import max_error, x2_optimal_max_error
from relu_anim.story.numbers import format_number, format_tex
from relu_anim.visual import (DARK, LIGHT, ChapterScene, ErrorBand, LogLogAxes, NeuronDiagram,
                              PiecewiseGraph, Readout, breakpoint_dots, current_theme,
                              make_axes, relu_sum_tex)
from relu_anim.visual.matrices import NumberMatrix
from relu_anim.visual.playback import LossAxes
from manim import MathTex

from .renders import at_beat_end, rendered
from .scenes import assert_narrated, load_chapter, scene_points, set_up

UNITS = [1, 2, 5, 20, 100]


def square(x):
    return np.asarray(x, dtype=float) ** 2


@pytest.fixture(scope="module")
def axes():
    return make_axes((0, 2, 0.5), (0, 4, 1), x_length=6.2, y_length=4.3, numbers=False, x_label=None)


@pytest.fixture(scope="module")
def x2():
    """scenes/x2.py as a module."""
    return load_chapter("x2")


# ------------------------------------------------------------------ graphs
@pytest.mark.parametrize("n", UNITS)
def test_piecewise_graph_corners_are_the_package_vertices(axes, n):
    f = optimal_x2(n).piecewise(0, 2)
    graph = PiecewiseGraph(axes, f)
    assert graph.function is f
    corners = graph.corners()
    np.testing.assert_allclose(corners, scene_points(axes, f.knots, f.knot_values), rtol=0, atol=1e-9)
    np.testing.assert_allclose(corners[1:-1], scene_points(axes, f.breakpoints, f.values), rtol=0, atol=1e-9)
    # a polyline: every segment is straight (handles on the chord), nothing sampled
    assert len(corners) == n + 2


def test_piecewise_graph_segments_are_straight(axes):
    graph = PiecewiseGraph(axes, optimal_x2(5).piecewise(0, 2))
    for a, h1, h2, b in graph.get_cubic_bezier_tuples():
        for h in (h1, h2):
            cross = np.cross(b - a, h - a)
            assert np.linalg.norm(cross) < 1e-9


@pytest.mark.parametrize("n", UNITS)
def test_breakpoint_dots_sit_on_the_kinks(axes, n):
    f = optimal_x2(n).piecewise(0, 2)
    dots = breakpoint_dots(axes, f)
    assert len(dots) == len(f.breakpoints) == n
    centers = np.array([d.get_center() for d in dots])
    np.testing.assert_allclose(centers, scene_points(axes, f.breakpoints, f.values), rtol=0, atol=1e-9)
    assert all(d.color.to_hex().lower() == current_theme().breakpoint.lower() for d in dots)


@pytest.mark.parametrize("n", [1, 5, 100])
def test_error_band_boundary_runs_through_every_vertex(axes, n):
    f = optimal_x2(n).piecewise(0, 2)
    band = ErrorBand(axes, f, square)
    boundary = band.get_anchors()
    for vertex in scene_points(axes, f.knots, f.knot_values):
        assert np.min(np.linalg.norm(boundary - vertex, axis=1)) < 1e-9
    for vertex in scene_points(axes, f.knots, square(f.knots)):  # and through the target there
        assert np.min(np.linalg.norm(boundary - vertex, axis=1)) < 1e-9
    assert band.fill_opacity > 0 and band.fill_opacity < 1


def test_relative_error_band_is_the_residual(axes):
    f = optimal_x2(3).piecewise(0, 2)
    band = ErrorBand(axes, f, square, relative=True)
    residual = scene_points(axes, band.xs, f(band.xs) - square(band.xs))
    boundary = band.get_anchors()
    for p in residual[:: max(1, len(residual) // 40)]:
        assert np.min(np.linalg.norm(boundary - p, axis=1)) < 1e-9


# ---------------------------------------------------------------- readouts
def test_readout_shows_the_number_it_was_given():
    r = Readout(r"\text{max error}", 4.950372515e-05)
    mantissa, power = r.number
    assert mantissa.number == pytest.approx(4.95) and mantissa.num_decimal_places == 2
    assert "10^{-5}" in power.tex_string
    assert r.tex == r"4.95 \times 10^{-5}" and r.value == 4.950372515e-05
    r.set_value(0.16666)
    assert r.tex == "0.167" and len(r.number) == 1 and r.number[0].number == pytest.approx(0.167)
    n = Readout("n", 100, style="integer")
    assert n.number[0].get_value() == 100 and n.tex == "100"


def test_readout_set_value_keeps_label_in_place():
    r = Readout("n", 5, style="integer").shift(2 * np.array([1.0, 0, 0]))
    before = r.label.get_center().copy()
    r.set_value(50)
    np.testing.assert_allclose(r.label.get_center(), before)
    assert r.number.get_left()[0] > r.label.get_right()[0]


@pytest.mark.parametrize("value,expected", [
    (0.2222, (0.222, None, 3)), (2.0, (2.0, None, 2)), (4.95037e-5, (4.95, -5, 2)),
    (9.9999e-6, (1.0, -5, 2)), (0.0, (0.0, None, 2)),
])
def test_format_number(value, expected):
    assert format_number(value) == expected


def test_relu_sum_tex_writes_the_networks_numbers():
    assert relu_sum_tex(shifted_relu_sum([1.0], [0.0])) == r"\mathrm{ReLU}(x)"
    assert relu_sum_tex(shifted_relu_sum([1.0, -1.0], [0.5, 1.5], flipped=[False, True])) == (
        r"\mathrm{ReLU}(x - 0.5) - \mathrm{ReLU}(1.5 - x)")


# ------------------------------------------------------------------- theme
def test_theme_switches_with_the_environment(monkeypatch):
    monkeypatch.delenv("RELU_ANIM_THEME", raising=False)
    assert current_theme() is DARK
    monkeypatch.setenv("RELU_ANIM_THEME", "light")
    assert current_theme() is LIGHT
    with set_up(ChapterScene) as scene:
        assert scene.theme is LIGHT
        from manim import ManimColor, MathTex

        assert ManimColor(scene.camera.background_color).to_hex().lower() == LIGHT.background.lower()

        assert MathTex("x").color.to_hex().lower() == LIGHT.text.lower()


def test_bad_theme_raises_a_clear_error(monkeypatch):
    monkeypatch.setenv("RELU_ANIM_THEME", "blue")
    with pytest.raises(ReluAnimError, match=r"RELU_ANIM_THEME.*'blue'.*'dark', 'light'"):
        current_theme()


def _luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_light_theme_is_dark_ink_on_white():
    assert _luminance(LIGHT.background) > 0.9
    for name in ("text", "axis", "target", "output", "unit", "breakpoint", "error", "accent"):
        assert _luminance(getattr(LIGHT, name)) < 0.55, name
    for name in ("text", "axis", "target", "output"):
        assert _luminance(getattr(DARK, name)) > 0.45, name


# ------------------------------------------------------------------ neuron
def test_neuron_diagram_shows_the_given_numbers():
    d = NeuronDiagram([2.0, -0.5, 1.25], -0.75)
    assert [m.tex_string for m in d.weight_labels] == [format_tex(w, "fixed", 3) for w in (2.0, -0.5, 1.25)]
    assert d.bias_label.tex_string == r"-\,0.750"
    assert len(d.inputs) == len(d.arrows) == 3
    single = NeuronDiagram([1.5], 2.0)
    assert [m.tex_string for m in single.input_texts] == ["x"]
    with pytest.raises(ReluAnimError, match="input_labels"):
        NeuronDiagram([1.0, 2.0], 0.0, input_labels=["x"])


# --------------------------------------------------------------- x² chapter
# Probes on the real render (tests/renders.py): what each beat leaves on screen.
def _x2_state(scene):
    view = scene.view
    return {"axes": scene.axes, "function": view.graph.function, "corners": view.graph.corners(),
            "dots": [d.get_center() for d in view.dots], "error": scene.error_readout.value,
            "error_tex": scene.error_readout.tex,
            "n": scene.n_readout.value if hasattr(scene, "n_readout") and scene.n_readout in scene.mobjects
            else None,
            "bound": scene.bound.get_tex_string() if hasattr(scene, "bound") and scene.bound in scene.mobjects
            else None,
            "strip": ([float(v) for v in scene.strip.axes.x_range[:2]], scene.strip.title.get_tex_string(),
                      scene.strip.band.function) if hasattr(scene, "strip") else None}


X2_BEATS = ["One ReLU", "Two ReLUs", "Adjusting the weights", "Let the kinks move",
            *(f"{n} units" for n in (3, 5, 10, 20, 50, 100))]
X2_PROBES = {title: at_beat_end("x2", title)(lambda scene: _x2_state(scene)) for title in X2_BEATS}


@at_beat_end("x2", "Two ReLUs")
def x2_unit_label(scene):
    return [m for m in scene.mobjects if isinstance(m, MathTex) and "ReLU}(x - 1)" in m.get_tex_string()]


@at_beat_end("x2", "Zooming into a hundred units")
def x2_zoom(scene):
    axes, curve, graph, dots = scene.zoom
    return {"axes": axes, "function": graph.function, "corners": graph.corners(),
            "dots": [d.get_center() for d in dots], "on_screen": scene.zoom in scene.mobjects or
            all(m in scene.mobjects for m in scene.zoom)}


def test_x2_data_comes_from_the_package(x2):
    assert x2.two_relus().function.breakpoints.tolist() == [x2.SHIFTS[1]]
    assert x2.adjusted().max_error < x2.two_relus().max_error < x2.relu_alone().max_error
    # moving the two kinks to their best places lowers the error of the adjusted pair (the story's step)
    assert x2.best_fit(x2.BEST_FIRST).max_error < x2.adjusted().max_error
    for n in (x2.BEST_FIRST, *x2.UNITS):
        fit = x2.best_fit(n)
        assert fit.units == n
        assert fit.max_error == pytest.approx(x2_optimal_max_error(n), rel=1e-9)
        assert fit.best_max_error == x2_optimal_max_error(n)


@pytest.mark.parametrize("title,fit", [("One ReLU", "relu_alone"), ("Two ReLUs", "two_relus"),
                                       ("Adjusting the weights", "adjusted")])
def test_x2_article_fits_are_drawn_with_every_kink(x2, title, fit):
    """The article's fits: graph through the package's vertices, a dot on every unit's kink (the edge's too)."""
    seen = rendered("x2").probe(X2_PROBES[title])
    fit = getattr(x2, fit)()
    f = fit.function
    np.testing.assert_allclose(seen["corners"], scene_points(seen["axes"], f.knots, f.knot_values), rtol=0, atol=1e-9)
    kinks = x2.unit_kinks(fit)
    assert kinks[0] == x2.SHIFTS[0]  # ReLU(x) bends at the edge of the domain: a dot there too
    values = fit.network(kinks[:, None])[:, 0]
    np.testing.assert_allclose(seen["dots"], scene_points(seen["axes"], kinks, values), rtol=0, atol=1e-9)
    assert seen["error"] == fit.max_error


def test_x2_second_unit_label_stands_clear_of_the_axes(x2):
    labels = rendered("x2").probe(x2_unit_label)
    scene = rendered("x2").scene
    assert len(labels) == 1
    assert labels[0].get_left()[0] > scene.axes.x_axis.get_right()[0]


@pytest.mark.parametrize("title,n", [("Let the kinks move", 2), *((f"{n} units", n) for n in (3, 5, 100))])
def test_x2_best_fits_are_drawn_at_the_package_kinks(x2, title, n):
    seen = rendered("x2").probe(X2_PROBES[title])
    f = optimal_x2(n).piecewise(*x2.DOMAIN)
    np.testing.assert_allclose(seen["function"].breakpoints, f.breakpoints, rtol=0, atol=1e-12)
    np.testing.assert_allclose(seen["corners"], scene_points(seen["axes"], f.knots, f.knot_values), rtol=0, atol=1e-9)
    np.testing.assert_allclose(seen["dots"], scene_points(seen["axes"], f.breakpoints, f.values), rtol=0, atol=1e-9)
    assert seen["n"] == n
    assert seen["error"] == max_error(f, square)


@pytest.mark.parametrize("n", [3, 5, 10, 20, 50, 100])
def test_x2_bound_row_works_the_formula_out_for_n(x2, n):
    """The third row is 2/(2n+1)² with this n put in, and its value: not a copy of the measured error."""
    seen = rendered("x2").probe(X2_PROBES[f"{n} units"])
    bound = x2_optimal_max_error(n)
    assert seen["bound"] is not None and "(2n+1)^2" in seen["bound"]
    assert f"{{2}}{{{2 * n + 1}^2}}" in seen["bound"] and seen["bound"].endswith(format_tex(bound))
    assert 2 / (2 * n + 1) ** 2 == bound
    assert seen["error_tex"] == format_tex(max_error(optimal_x2(n).piecewise(*x2.DOMAIN), square))


@pytest.mark.parametrize("n", [3, 20, 50, 100])
def test_x2_strip_shows_at_most_its_share_of_pieces(x2, n):
    """The residual strip: the fit's own gap on the strip's window, which the title names; never moiré."""
    seen = rendered("x2").probe(X2_PROBES[f"{n} units"])
    window, title, function = seen["strip"]
    assert window == list(x2.strip_window(n)) and window[0] == x2.DOMAIN[0]
    assert f"[{format_tex(window[0], trim=True)}, {format_tex(window[1], trim=True)}]" in title
    pieces = function.num_pieces
    assert pieces <= x2.STRIP_PERIODS + 2
    expected = optimal_x2(n).piecewise(*window)
    np.testing.assert_allclose(function.breakpoints, expected.breakpoints, rtol=0, atol=1e-12)


def test_x2_zoom_shows_the_hundred_unit_pieces(x2):
    seen = rendered("x2").probe(x2_zoom)
    a, b = x2.ZOOM
    f = optimal_x2(x2.UNITS[-1]).piecewise(a, b)
    assert len(f.breakpoints) >= 3  # several kinks in view
    np.testing.assert_allclose(seen["corners"], scene_points(seen["axes"], f.knots, f.knot_values), rtol=0, atol=1e-9)
    np.testing.assert_allclose(seen["dots"], scene_points(seen["axes"], f.breakpoints, f.values), rtol=0, atol=1e-9)
    assert seen["on_screen"]


def test_x2_scene_every_beat_is_narrated(x2):
    """The chapter as rendered: beats, narration, duration."""
    scene = rendered("x2").scene
    assert len(scene.beats) >= 6 and len(set(scene.beats)) == len(scene.beats)
    assert [b for b in scene.beats if b in X2_BEATS] == X2_BEATS
    assert_narrated(scene)


def test_copies_of_graphs_share_their_axes_but_not_their_points():
    from relu_anim.construct import optimal_x2
    from relu_anim.visual import ErrorBand, PiecewiseGraph, make_axes

    axes = make_axes((0, 2, 1), (0, 4, 1), numbers=False, x_label=None)
    f = optimal_x2(3).piecewise(0, 2)
    for mob in (PiecewiseGraph(axes, f), ErrorBand(axes, f, lambda x: x**2)):
        copy = mob.copy()
        assert copy.axes is mob.axes
        assert copy.points is not mob.points
        np.testing.assert_array_equal(copy.points, mob.points)


def test_readout_follow_updates_in_place_without_swapping_glyphs():
    from manim import ValueTracker

    from relu_anim.visual import Readout

    tracker = ValueTracker(1.0)
    readout = Readout("n", 1, style="integer").follow(tracker)
    drawn = list(readout.submobjects)  # what a running play() keeps drawing
    tracker.set_value(20)
    readout.update()
    assert readout.value == 20
    assert all(a is b for a, b in zip(readout.submobjects, drawn)) and len(readout.submobjects) == len(drawn)
    expected = Readout("n", 1, style="integer").set_value(20)
    assert readout.shown == 20
    # become() pads curves, so compare the drawn geometry rather than raw point lists
    np.testing.assert_allclose(readout.get_center(), expected.get_center(), atol=1e-9)
    assert (readout.width, readout.height) == pytest.approx((expected.width, expected.height), abs=1e-9)


def test_readout_in_place_redraws_only_when_the_shown_digits_change():
    from relu_anim.visual import Readout

    readout = Readout("L", 0.12341, style="fixed", digits=3)
    glyphs = [m.points for m in readout.number.family_members_with_points()]
    readout.set_in_place(0.12344)  # written 0.123 like before: the same glyphs stay
    assert readout.value == 0.12344 and readout.tex == "0.123"
    assert all(a is b.points for a, b in zip(glyphs, readout.number.family_members_with_points()))
    readout.set_in_place(0.1251)  # 0.125: redrawn, as a fresh readout of that value
    assert readout.tex == "0.125"
    expected = Readout("L", 0.1251, style="fixed", digits=3)
    assert not all(a is b.points for a, b in zip(glyphs, readout.number.family_members_with_points()))
    np.testing.assert_allclose(readout.number.get_center(), expected.number.get_center(), atol=1e-9)
    assert readout.number.width == pytest.approx(expected.number.width, abs=1e-9)


def test_a_scientific_readout_draws_the_power_a_fresh_mathtex_draws():
    from manim import MathTex
    from relu_anim.story.numbers import power_tex
    from relu_anim.visual import Readout, readouts

    readouts.forget_kept_powers()
    first = Readout("L", 4.2e-3, style="scientific", color="#ff8800")
    readout = Readout("L", 1.7e-3, style="scientific", color="#ff8800").shift(np.array([1.0, -2.0, 0]))
    readout.set_in_place(9.1e-3)  # the same power again, from the kept one, somewhere else on screen
    assert len(readouts._powers) == 1
    for shown in (first.number[1], readout.number[1]):
        fresh = MathTex(power_tex(-3), font_size=readout.font_size, color="#ff8800").move_to(shown)
        drawn = shown.family_members_with_points()
        assert len(drawn) == len(fresh.family_members_with_points())
        for a, b in zip(drawn, fresh.family_members_with_points()):
            np.testing.assert_allclose(a.points, b.points, atol=1e-12)
            np.testing.assert_array_equal(a.get_fill_rgbas(), b.get_fill_rgbas())
    kept = next(iter(readouts._powers.values()))
    assert all(kept is not m and kept.submobjects[0] is not m for m in readout.number[1].get_family())
    readout.number[1].set_color("#00ff00")  # what is shown is a copy: the kept one keeps its colour
    assert kept.get_color().to_hex().lower() == "#ff8800"


def test_a_render_after_forget_kept_powers_records_its_power_again():
    # the suite records the TeX strings each chapter's render uses (scenes/tex_strings.json is
    # written from them): a × 10^k kept from an earlier render in the process must not go missing
    from relu_anim.story.numbers import power_tex
    from relu_anim.visual import Readout, readouts
    from relu_anim.visual.caches import recording

    Readout("L", 4.2e-3, style="scientific")  # an earlier render keeps × 10^-3
    with recording() as kept:
        Readout("L", 5.2e-3, style="scientific")
    readouts.forget_kept_powers()
    with recording() as forgotten:
        Readout("L", 5.2e-3, style="scientific")
    power = [pair for pair in forgotten if power_tex(-3) in pair[0]]
    assert len(power) == 1 and power[0] not in kept


# ------------------------------------------------------------------- views
def test_view_group_is_its_mobjects_in_field_or_drawn_order(axes):
    from dataclasses import dataclass

    from manim import Dot

    from relu_anim.visual import View, fit_view, graph_view
    from relu_anim.story.fit import Fit

    f = optimal_x2(2).piecewise(0, 2)
    plain = graph_view(axes, f)  # no target: an empty band
    assert list(plain.group) == [plain.band, plain.graph, plain.dots] and len(plain.band) == 0
    fit = Fit.of(optimal_x2(2), square, (0, 2))
    view = fit_view(axes, fit, square)
    assert view.fit is fit and list(view.group) == [view.band, view.graph, view.dots]  # the fit is not a mobject
    np.testing.assert_allclose(view.graph.corners(), scene_points(axes, f.knots, f.knot_values), atol=1e-9)

    @dataclass(frozen=True, eq=False)
    class Two(View):
        drawn = ("second", "first")
        first: Dot
        second: Dot

    two = Two(Dot(), Dot())
    assert list(two.group) == [two.second, two.first]
    with pytest.raises(AttributeError):
        two.first = Dot()  # frozen: a beat's view is replaced, never edited


@pytest.mark.parametrize("make,match", [
    (lambda: LogLogAxes((2, 2), (-5, 0)), r"x_decades\[1\]: must be at least 3"),
    (lambda: LossAxes(100, (-2, 0.5)), r"decades\[1\]: must be a whole number"),
    (lambda: LossAxes(0, (-2, 0)), r"steps: must be at least 1"),
    (lambda: NumberMatrix([1.0], digits=-1), r"digits: must be at least 0"),
])
def test_visual_counts_are_whole_numbers(make, match):
    with pytest.raises(ReluAnimError, match=match):
        make()
