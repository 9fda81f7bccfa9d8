"""The random-network chapter draws what the exact analysis says (scenes/random_net.py).

Checks read the real render (:mod:`tests.renders`): probes run on the live
scene as a beat ends and compare what is drawn there with the package's
numbers — graphs through the exact vertices, dots on the kinks, each unit's
dot and the readouts of the scan equal to :mod:`relu_anim.story.switches`,
and the sums shown recomputable from their shown digits.
"""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim.construct import random_network
from relu_anim.story.numbers import affine_words, format_tex, words
from relu_anim.story.steps import kinks_within
from relu_anim.story.switches import end_slopes, unit_switches
from relu_anim.visual import current_theme

from .renders import at_beat_end, rendered
from .rounding import assert_within, gamma, product_magnitudes
from .scenes import assert_narrated, load_chapter, scene_points

NAME = "random_net"
#: Hidden units of the chapter's network.
WIDTH = 24


@pytest.fixture(scope="module")
def rn():
    """scenes/random_net.py as a module."""
    return load_chapter(NAME)


def hexes(mob) -> str:
    return mob.get_stroke_color().to_hex().lower()


def drawn(view) -> dict:
    """What a panels view draws, and where the package's exact analysis puts it, both in scene coordinates.

    Computed as the beat ends: later beats move these axes.
    """
    out_axes, slope_axes, count_axes = view.axes
    domain = tuple(out_axes.x_range[:2])
    f = load_chapter(NAME).relu_net().piecewise(*domain)
    counts = WIDTH - f.region_active
    edges = np.concatenate([[domain[0]], f.region_breakpoints, [domain[1]]])
    return {"graph": view.graph.corners(), "dots": np.array([d.get_center() for d in view.dots]),
            "slope": view.slope.corners(), "inactive": view.inactive.corners(),
            "want_graph": scene_points(out_axes, f.vertices()),
            "want_dots": scene_points(out_axes, np.column_stack([f.breakpoints, f.values])),
            "want_slope": scene_points(slope_axes, np.column_stack([np.repeat(f.knots, 2)[1:-1],
                                                                    np.repeat(f.slopes, 2)])),
            "want_inactive": scene_points(count_axes, np.column_stack([np.repeat(edges, 2)[1:-1],
                                                                       np.repeat(counts, 2)])),
            "x": [float(ax.c2p(0.0, 0)[0]) for ax in view.axes],
            "colours": (hexes(view.graph), hexes(view.slope), hexes(view.inactive)),
            "x_range": domain, "ranges_hold": [lo <= np.min(v) and np.max(v) <= hi for (lo, hi), v in
                                                zip([ax.y_range[:2] for ax in view.axes],
                                                    (f.knot_values, f.slopes, counts))]}


@at_beat_end(NAME, "Inactive units")
def full_view(scene):
    return drawn(scene.view) | {"ends": [r.value for r in scene.ends],
                                "ends_shown": [r.tex for r in scene.ends]}


@at_beat_end(NAME, "Where the kinks are")
def zoomed_view(scene):
    return drawn(scene.view)


@at_beat_end(NAME, "Unit by unit")
def after_scan(scene):
    theme = scene.theme
    return {"dot_colours": [d.get_fill_color().to_hex().lower() for d in scene.unit_dots],
            "active": theme.active.lower(), "inactive": theme.inactive.lower(),
            "kinks": [s.kink for s in scene.switches],
            "marks": [float(m.get_center()[0]) for m in scene.axis_marks],
            "mark_x": [float(scene.view.axes[2].c2p(s.kink, 0)[0]) for s in scene.switches],
            "passed": scene.passed_readout.value, "slope": scene.slope_readout.value,
            "inactive_count": scene.inactive_readout.value, "last_switch": scene.switch_readout.value,
            "last_jump": scene.jump_readout.value,
            "scan_x": float(scene.scan_line.get_center()[0]),
            "window_end_x": float(scene.view.axes[0].c2p(scene.view.data.function.domain[1], 0)[0])}


@at_beat_end(NAME, "The ends add up")
def sums(scene):
    return {"slope_sum": [part.tex_string for part in scene.slope_sum],
            "count_sum": [part.tex_string for part in scene.count_sum],
            "line_slope": scene.line_slope.value, "kinks": scene.kinks.value}


@at_beat_end(NAME, "Two layers, one line")
def formula(scene):
    return {"numbers": scene.formula[1].get_tex_string(), "graph": scene.view.graph.corners()}


# --------------------------------------------------------------------- data
def test_the_network_is_the_packages_random_draw(rn):
    assert rn.WIDTHS[1] == WIDTH
    net = rn.relu_net()
    expected = random_network(list(rn.WIDTHS), seed=rn.SEED)
    assert net.widths == list(rn.WIDTHS)
    for got, want in zip(net.layers, expected.layers):
        np.testing.assert_array_equal(got.weight, want.weight)
        np.testing.assert_array_equal(got.bias, want.bias)
    lin = rn.linear_net()
    assert [layer.activation for layer in lin.layers] == ["linear", "linear"]
    for got, want in zip(lin.layers, net.layers):  # the same weights, no ReLU
        np.testing.assert_array_equal(got.weight, want.weight)
        np.testing.assert_array_equal(got.bias, want.bias)


def test_slope_and_inactive_count_change_in_step(rn):
    """The narration's claim: every change of the inactive count is a jump of the slope."""
    data = rn.analysis(rn.relu_net(), rn.DOMAIN)
    f = data.function
    np.testing.assert_array_equal(data.slope.jumps, f.breakpoints)
    assert len(data.inactive.jumps) > 0
    for x in data.inactive.jumps:
        assert np.min(np.abs(f.breakpoints - x)) < 1e-9
    np.testing.assert_array_equal(data.inactive.values, rn.WIDTHS[1] - f.region_active)
    # the window zoomed into holds every kink
    assert kinks_within(f, *rn.WINDOW) == len(f.breakpoints) == rn.WIDTHS[1]


def test_switches_are_the_kinks_and_their_jumps_the_slope_steps(rn):
    """Each unit's switch at −b/w is a kink of the exact analysis, and its ±v·w the slope's jump there."""
    f = rn.relu_net().piecewise(*rn.DOMAIN)
    sw = rn.switches()
    np.testing.assert_allclose([s.kink for s in sw], f.breakpoints, rtol=1e-12, atol=1e-12)
    # jump = slope right − slope left, each slope a sum of at most 24 products v·w
    net = rn.relu_net()
    w, v = net.layers[0].weight[:, 0], net.layers[1].weight[0]
    bound = 2 * gamma(rn.WIDTHS[1]) * float(np.sum(np.abs(v * w)))
    for s, left, right in zip(sw, f.slopes[:-1], f.slopes[1:]):
        assert_within(s.jump, right - left, 2 * bound, f"jump at {s.kink}")
        assert s.jump == (s.out_weight * s.weight if s.turns_on else -(s.out_weight * s.weight))
    left, right = end_slopes(rn.relu_net())
    assert_within(left, f.slopes[0], bound, "left end slope")
    assert_within(right, f.slopes[-1], bound, "right end slope")


def test_linear_network_is_one_line_with_the_collapsed_slope(rn):
    data = rn.analysis(rn.linear_net(), rn.DOMAIN)
    layer = rn.linear_net().collapse()
    assert len(data.function.breakpoints) == 0 and len(data.slope.values) == 1
    # the analysis and Network.collapse sum the same 24 products v·w (and v·b) in their own order:
    # each is within γ_N of Σ|v·w| (and Σ|v·b| + |c|) of the exact slope (and intercept)
    weight, bias, n = product_magnitudes(rn.linear_net())
    assert_within(data.slope.values[0], layer.weight[0, 0], 2 * gamma(n) * weight[0, 0], "slope")
    assert_within(data.function(0.0), layer.bias[0], 2 * gamma(n) * bias[0], "intercept")
    assert data.inactive.values.tolist() == [0.0]


# ----------------------------------------------------------- the real render
def assert_panels(view: dict) -> None:
    """The three graphs of ``view`` are the exact output, slope and inactive count of the package's network."""
    for name in ("graph", "dots", "slope", "inactive"):
        np.testing.assert_allclose(view[name], view[f"want_{name}"], atol=1e-9, err_msg=name)
    assert view["x"][0] == pytest.approx(view["x"][1]) == pytest.approx(view["x"][2])  # one shared x axis
    assert all(view["ranges_hold"])
    theme = current_theme()
    assert view["colours"] == (theme.output.lower(), theme.slope.lower(), theme.inactive.lower())


def test_the_full_view_draws_the_exact_analysis_and_its_ends(rn):
    view = rendered(NAME).probe(full_view)
    assert view["x_range"] == rn.DOMAIN
    assert_panels(view)
    data = rn.analysis(rn.relu_net(), rn.DOMAIN)
    assert view["ends"] == [data.slope.values[0], data.slope.values[-1], data.inactive.values[0],
                            data.inactive.values[-1]]
    assert view["ends_shown"] == ["0.402", "-0.234", "14", "10"]


def test_the_zoom_draws_the_window_exactly(rn):
    view = rendered(NAME).probe(zoomed_view)
    assert view["x_range"] == rn.WINDOW
    assert_panels(view)
    assert len(view["dots"]) == rn.WIDTHS[1]


def test_the_scan_switches_every_unit_at_its_kink(rn):
    got = rendered(NAME).probe(after_scan)
    sw = unit_switches(rn.relu_net())
    assert got["kinks"] == [s.kink for s in sw]
    # past the last kink, units that switched on are lit and those that switched off are grey
    assert got["dot_colours"] == [got["active"] if s.turns_on else got["inactive"] for s in sw]
    np.testing.assert_allclose(got["marks"], got["mark_x"], atol=1e-9)
    data = rn.analysis(rn.relu_net(), rn.DOMAIN)
    assert got["passed"] == len(sw) == len(data.function.breakpoints)
    assert got["slope"] == pytest.approx(data.slope.values[-1], abs=1e-12)
    assert got["inactive_count"] == data.inactive.values[-1] == sum(not s.turns_on for s in sw)
    assert (got["last_switch"], got["last_jump"]) == (sw[-1].kink, sw[-1].jump)
    assert got["scan_x"] == pytest.approx(got["window_end_x"])


def test_the_shown_sums_add_up_from_their_digits(rn):
    got = rendered(NAME).probe(sums)
    left, plus, right, equals, total = got["slope_sum"]
    shown_left, shown_right, shown_total = float(left), float(right.strip("()")), float(total)
    # three numbers each rounded to 3 decimals: the shown sum is off by at most 1.5 × 10⁻³
    assert abs(shown_left + shown_right - shown_total) <= 1.5e-3 + 1e-12
    l_end, r_end = end_slopes(rn.relu_net())
    assert (left, right, total) == (format_tex(l_end), f"({format_tex(r_end)})", format_tex(got["line_slope"]))
    assert got["line_slope"] == pytest.approx(l_end + r_end, abs=1e-12)
    a, _, b, _, n = got["count_sum"]
    data = rn.analysis(rn.relu_net(), rn.DOMAIN)
    assert (int(a), int(b), int(n)) == (data.inactive.values[0], data.inactive.values[-1], rn.WIDTHS[1])
    assert int(a) + int(b) == int(n)
    assert got["kinks"] == 0


def test_the_formula_is_the_collapsed_line_on_screen(rn):
    got = rendered(NAME).probe(formula)
    layer = rn.linear_net().collapse()
    w, b = layer.weight[0, 0], layer.bias[0]
    assert format_tex(w) in got["numbers"] and format_tex(abs(b)) in got["numbers"]
    assert ("-" in got["numbers"].split("x")[-1]) == (b < 0)
    assert len(got["graph"]) == 2


# -------------------------------------------------------------- storyboard
def test_every_beat_is_narrated(rn):
    scene = rendered(NAME).scene
    assert scene.beats == ["A random ReLU network", "Its slope", "Inactive units", "Where the kinks are",
                           "Unit by unit", "A random linear network", "The ends add up", "Two layers, one line"]
    assert_narrated(scene)
    joined = " ".join(text for _, _, text in scene.narration)
    f = rn.relu_net().piecewise(*rn.DOMAIN)
    assert f"all {len(f.breakpoints)} kinks" in joined
    assert f"{len(f.breakpoints)} kinks counted" in joined
    line = rn.linear_net().collapse()
    assert f"y = {affine_words(line.weight[0], line.bias[0], ['x'])}," in joined  # the whole line, true minus
    left, right = end_slopes(rn.relu_net())
    assert f"{words(left)} and {words(right)}" in joined
    # the zoom is announced before it happens: "Let us zoom in" opens the narration that plays it
    zoom = [text for _, _, text in scene.narration if "zoom in" in text]
    assert len(zoom) == 1 and zoom[0].startswith("Let us zoom in")
