"""The feature-plane chapter draws the package's creases, regions and surfaces (scenes/feature_plane.py).

Everything here reads the real render (:mod:`tests.renders`): each probe runs on
the live scene as its beat ends and returns what was drawn, in the scene's
coordinates; the tests map it back through the plane's axes and compare it with
what :mod:`relu_anim` computes.
"""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim.regions import affine_pieces, first_layer_lines, level_segments, linear_regions, unit_lines
from relu_anim.story.folds import fold_region_counts, unit_network, value_range
from relu_anim.story.numbers import format_tex
from relu_anim.visual import current_theme, scale_colors

from .renders import at_beat_end, rendered
from .rounding import assert_within, gamma, product_magnitudes
from .scenes import assert_narrated, load_chapter

NAME = "feature_plane"
fp = load_chapter(NAME)

#: Scene coordinates are plane coordinates through an affine map with entries of
#: size ≲ 10: a round trip loses a few units in the last place of 10.
SCREEN_ATOL = 64 * np.finfo(float).eps * 10


def _plane(scene, points) -> np.ndarray:
    """Scene points (``(n, 3)``) back to plane coordinates ``(n, 2)``."""
    return np.array([scene.plane.p2c(p)[:2] for p in np.asarray(points, dtype=float)])


def _shading(scene, region_map) -> list[dict]:
    """Per polygon: its vertices in the plane, and the colour drawn at each vertex.

    The colour at a point is what cairo's linear gradient gives there: the
    point's position along the segment between the gradient's two ends, clamped
    to it, mixing the two fill colours (one colour: that colour everywhere).
    """
    out = []
    for poly in region_map:
        pts = np.asarray(poly.get_vertices(), dtype=float)
        rgbas = np.asarray(poly.get_fill_rgbas(), dtype=float)[:, :3]
        t = np.zeros(len(pts))
        if len(rgbas) == 1:
            drawn = np.repeat(rgbas, len(pts), axis=0)
        else:
            a, b = (np.asarray(p, dtype=float)[:2] for p in poly.get_gradient_start_and_end_points())
            t = (pts[:, :2] - a) @ (b - a) / float((b - a) @ (b - a))
            drawn = rgbas[0] + np.clip(t, 0, 1)[:, None] * (rgbas[1] - rgbas[0])
        out.append({"vertices": _plane(scene, pts), "colors": drawn, "along": t})
    return out


def _surface_probe(scene, region_map, contours, bar) -> dict:
    return {"shading": _shading(scene, region_map),
            "limits": region_map.limits,
            "low_color": np.asarray(region_map.low_color.to_rgb()), "high_color": np.asarray(region_map.high_color.to_rgb()),
            "contours": [_plane(scene, [line.get_start(), line.get_end()]) for line in contours],
            "bar": (bar.low_readout.value, bar.high_readout.value)}


# ---------------------------------------------------------------------- probes
@at_beat_end(NAME, "Two inputs")
def diagram_drawn(scene):
    d = scene.diagram
    return {"columns": [len(c) for c in d.nodes], "edges": [len(e) for e in d.edges],
            "label": scene.net_label.get_tex_string()}


@at_beat_end(NAME, "One unit, one crease")
def first_unit(scene):
    return {"line": _plane(scene, [scene.lines[0].get_start(), scene.lines[0].get_end()]),
            "surface": _surface_probe(scene, scene.unit_map, scene.unit_lines, scene.bar),
            "formula": scene.unit_formula.get_tex_string(),
            "tracer": scene.first_tracer[1].value}


@at_beat_end(NAME, "Six creases")
def creases_drawn(scene):
    return {"lines": {j: _plane(scene, [m.get_start(), m.get_end()]) for j, m in scene.line_of.items()},
            "count": scene.count.value, "formula": scene.unit_formula.get_tex_string()}


@at_beat_end(NAME, "The second layer bends")
def bent_drawn(scene):
    return {"bent": [_plane(scene, np.vstack([m.get_start_anchors(), m.get_end_anchors()[-1:]]))
                     for group in scene.bent for m in group],
            "count": scene.count.value}


@at_beat_end(NAME, "The output surface")
def output_drawn(scene):
    return {"surface": _surface_probe(scene, scene.map, scene.out_lines, scene.bar),
            "regions": scene.count.value, "facets": scene.facet_count.value}


@at_beat_end(NAME, "Without ReLU")
def linear_drawn(scene):
    return {"surface": _surface_probe(scene, scene.map, scene.lines_now, scene.bar),
            "regions": scene.count.value, "facets": scene.facet_count.value,
            "formula": scene.linear.get_tex_string()}


# --------------------------------------------------------------------- helpers
def _assert_surface_is(got: dict, net, *, floor=None) -> None:
    """The shading is ``net``'s output at every vertex; contours lie on the package's levels."""
    rs = linear_regions(net, fp.BOX)
    low, high = value_range(rs)
    if floor is not None:
        low = floor
    assert got["limits"] == pytest.approx((low, high), abs=0)
    assert got["bar"] == pytest.approx((low, high), abs=0)
    shading = got["shading"]
    assert len(shading) == len(rs)
    low_c, high_c = got["low_color"], got["high_color"]
    for drawn, region in zip(shading, rs):
        np.testing.assert_allclose(drawn["vertices"], region.vertices, atol=SCREEN_ATOL)
        # the colour at each corner is the network's value there, on the scale's line from low to high
        want = np.array([c.to_rgb() for c in scale_colors(region(region.vertices)[:, 0], low_c, high_c,
                                                          (low, high))])
        np.testing.assert_allclose(drawn["colors"], want, atol=1e-9)
        # no corner lies beyond the gradient's ends, where cairo would clamp the colour
        assert drawn["along"].min() >= -1e-9 and drawn["along"].max() <= 1 + 1e-9
    levels = fp.contour_levels(low, high, fp.CONTOURS)
    want = [s for v in levels for s in level_segments(rs, v)]
    assert len(got["contours"]) == len(want) > 0
    for seg, ref in zip(got["contours"], want):
        np.testing.assert_allclose(seg, ref, atol=SCREEN_ATOL)
    # and each contour end point is where the network takes its level: within the
    # rounding of evaluating it (γ of its depth times the size of its terms)
    weight, bias, n = product_magnitudes(net)
    values = [v for v in levels for _ in level_segments(rs, v)]
    for seg, level in zip(want, values):
        bound = 4 * gamma(4 * n) * (float(np.abs(weight).sum()) * 2 + float(np.abs(bias).sum()) + abs(level))
        assert_within(net(seg)[:, 0], np.full(2, level), bound, "value at a contour end")


# ------------------------------------------------------------------------ data
def test_data_comes_from_the_package():
    net = fp.network()
    assert net.widths == list(fp.WIDTHS)
    data = fp.creases(net)
    assert len(data.lines) == len(data.counts) == fp.WIDTHS[1]
    assert all(line is not None for line in data.lines)  # every first-layer line crosses the square
    assert data.counts == fold_region_counts(net, fp.BOX)
    assert data.counts == sorted(data.counts) and data.counts[0] == 2  # each crease only adds pieces
    assert len(data.pieces) == data.counts[-1]
    assert len(fp.regions(net)) == len(linear_regions(net, fp.BOX)) > data.counts[-1]
    assert len(fp.regions(fp.linear_network())) == 1


# ------------------------------------------------------------------- the film
def test_every_beat_is_narrated():
    scene = rendered(NAME).scene
    assert scene.beats == ["Two inputs", "One unit, one crease", "Six creases", "The second layer bends",
                           "The output surface", "Without ReLU"]
    assert_narrated(scene)
    joined = " ".join(text for _, _, text in scene.narration)
    net = fp.network()
    rs = linear_regions(net, fp.BOX)
    assert f"{len(rs)} regions" in joined
    assert f"{fold_region_counts(net, fp.BOX)[-1]} pieces" in joined
    assert "fold" not in joined.lower()  # a unit creases the plane; it does not fold it
    assert 60 <= rendered(NAME).clip.duration <= 150


def test_the_diagram_is_the_network():
    got = rendered(NAME).probe(diagram_drawn)
    assert got["columns"] == list(fp.WIDTHS)
    assert got["edges"] == [a * b for a, b in zip(fp.WIDTHS, fp.WIDTHS[1:])]
    assert [int(s) for s in got["label"].split(r"\to")] == list(fp.WIDTHS)


def test_one_unit_is_zero_on_one_side_and_rises_on_the_other():
    got = rendered(NAME).probe(first_unit)
    net = fp.network()
    np.testing.assert_allclose(got["line"], first_layer_lines(net, fp.BOX)[0], atol=SCREEN_ATOL)
    unit = unit_network(net, 0, 0)
    _assert_surface_is(got["surface"], unit, floor=0.0)
    # two flat pieces: one constant (zero), one tilted
    rs = linear_regions(unit, fp.BOX)
    assert len(rs) == 2 and sorted(bool(np.any(r.gradient)) for r in rs) == [False, True]
    layer = net.layers[0]
    for v in (*layer.weight[0], layer.bias[0]):
        assert format_tex(abs(v)) in got["formula"]
    # the tracer came back to its start on the zero side
    assert got["tracer"] == 0.0


def test_each_first_layer_crease_sits_on_its_units_zero_line():
    got = rendered(NAME).probe(creases_drawn)
    net = fp.network()
    lines = first_layer_lines(net, fp.BOX)
    assert sorted(got["lines"]) == list(range(len(lines)))
    layer = net.layers[0]
    for j, seg in got["lines"].items():
        np.testing.assert_allclose(seg, lines[j], atol=SCREEN_ATOL)
        # on the unit's zero line: w · x + b = 0 within the rounding of the screen round trip
        assert np.all(np.abs(seg @ layer.weight[j] + layer.bias[j]) <= np.abs(layer.weight[j]).sum() * 2 * SCREEN_ATOL
                      + 4 * gamma(3) * (np.abs(seg) @ np.abs(layer.weight[j]) + abs(layer.bias[j])))
    assert got["count"] == fold_region_counts(net, fp.BOX)[-1]
    last = len(lines) - 1
    for v in (*layer.weight[last], layer.bias[last]):
        assert format_tex(abs(v)) in got["formula"]


def test_second_layer_lines_bend_where_the_package_says():
    got = rendered(NAME).probe(bent_drawn)
    net = fp.network()
    want = [p for unit in unit_lines(net, fp.BOX)[1] for p in unit]
    k = fp.bendiest_unit(fp.creases(net))
    first = unit_lines(net, fp.BOX)[1][k]
    ordered = first + [p for j, unit in enumerate(unit_lines(net, fp.BOX)[1]) if j != k for p in unit]
    assert len(got["bent"]) == len(want)
    for drawn, poly in zip(got["bent"], ordered):
        np.testing.assert_allclose(drawn, poly, atol=SCREEN_ATOL)
    assert max(len(p) for p in first) > 2  # the one shown alone does bend
    assert got["count"] == len(linear_regions(net, fp.BOX))


def test_output_surface_is_the_networks_value_with_its_contours():
    got = rendered(NAME).probe(output_drawn)
    net = fp.network()
    _assert_surface_is(got["surface"], net)
    rs = linear_regions(net, fp.BOX)
    assert got["regions"] == len(rs)
    assert got["facets"] == len(affine_pieces(rs))


def test_without_relu_one_plane_with_parallel_contours():
    got = rendered(NAME).probe(linear_drawn)
    net = fp.linear_network()
    _assert_surface_is(got["surface"], net)
    assert got["regions"] == got["facets"] == 1
    directions = np.array([seg[1] - seg[0] for seg in got["surface"]["contours"]])
    directions /= np.linalg.norm(directions, axis=1)[:, None]
    assert np.all(np.abs(directions[:, 0] * directions[0, 1] - directions[:, 1] * directions[0, 0]) < 1e-9)
    layer = net.collapse()
    (region,) = linear_regions(net, fp.BOX)
    # one plane, the collapsed one: both products are within γ_N of |W₃||W₂||W₁| of the exact one
    weight, _, n = product_magnitudes(net)
    assert_within(region.gradient, layer.weight, 2 * gamma(n) * weight, "gradient")
    for v in (*layer.weight[0], layer.bias[0]):
        assert format_tex(abs(v)) in got["formula"]
