"""The feature-plane chapter draws the package's folds and regions (scenes/feature_plane.py)."""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim.story.folds import active_side, fold_region_counts
from relu_anim.regions import first_layer_lines, linear_regions, unit_lines
from relu_anim.visual import current_theme

from .golden import PIXEL_FRACTION_TOLERANCE, assert_frame_matches, frame_difference, render_frame
from .renders import rendered
from .rounding import assert_within, gamma, product_magnitudes
from .scenes import assert_narrated, load_chapter, posed, scene_points, set_up


@pytest.fixture(scope="module")
def fp():
    return load_chapter("feature_plane")


# --------------------------------------------------------------------- data
def test_data_comes_from_the_package(fp):
    net = fp.network()
    assert net.widths == list(fp.WIDTHS)
    data = fp.folds(net)
    assert len(data.lines) == len(data.sides) == len(data.counts) == fp.WIDTHS[1]
    for got, want in zip(data.lines, first_layer_lines(net, fp.BOX)):
        assert (got is None) == (want is None)
        if got is not None:
            np.testing.assert_array_equal(got, want)
    assert data.counts == fold_region_counts(net, fp.BOX)
    assert data.counts == sorted(data.counts) and data.counts[0] == 2  # each fold only adds pieces
    assert len(fp.regions(net)) == len(linear_regions(net, fp.BOX)) > data.counts[-1]
    assert len(fp.regions(fp.linear_network())) == 1


# --------------------------------------------------------------- structure
def test_fold_lines_and_sides_sit_where_the_package_says(fp):
    scene, lines = posed(fp.FeaturePlane, lambda s: s.pose_folds())
    net = fp.network()
    segs = [s for s in first_layer_lines(net, fp.BOX) if s is not None]
    assert len(lines) == len(segs)
    for line, seg in zip(lines, segs):
        np.testing.assert_allclose([line.get_start(), line.get_end()], scene_points(scene.plane, seg), atol=1e-9)
        assert line.get_stroke_color().to_hex().lower() == current_theme().breakpoint.lower()
    for j in range(fp.WIDTHS[1]):
        side = scene.side(scene.data, j)
        poly = active_side(net, j, fp.BOX)
        np.testing.assert_allclose(side.get_vertices(), scene_points(scene.plane, poly), atol=1e-9)
        # the shaded side is where the unit is active
        w, b = net.layers[0].weight[j], net.layers[0].bias[j]
        assert w @ poly.mean(axis=0) + b > 0
    assert scene.pieces.value == fold_region_counts(net, fp.BOX)[-1]
    bent = scene.second_lines(scene.data)
    polys = [p for unit in unit_lines(net, fp.BOX)[1] for p in unit]
    assert len(bent) == len(polys)
    for mob, poly in zip(bent, polys):
        assert np.allclose(mob.get_start(), scene.plane.c2p(*poly[0])) and np.allclose(
            mob.get_end(), scene.plane.c2p(*poly[-1]))


def test_region_polygons_are_the_exact_regions(fp):
    scene, region_map = posed(fp.FeaturePlane, lambda s: s.pose_regions())
    rs = linear_regions(fp.network(), fp.BOX)
    assert len(region_map) == len(rs) == scene.pieces.value
    values = np.array([r(r.centroid)[0] for r in rs])
    for poly, region in zip(region_map, rs):
        np.testing.assert_allclose(poly.get_vertices(), scene_points(scene.plane, region.vertices), atol=1e-9)
    # colours follow the output: the highest region is the output colour, order is kept
    top = int(np.argmax(values))
    assert region_map.colors[top].to_hex().lower() == current_theme().output.lower()
    brightness = np.array([sum(c.to_rgb()) for c in region_map.colors])
    assert np.all(np.diff(brightness[np.argsort(values)]) >= -1e-9)
    assert scene.bar.high_readout.value == pytest.approx(values.max())
    assert scene.bar.low_readout.value == pytest.approx(values.min())
    for mob in scene.mobjects:
        assert mob.get_left()[0] >= -7.12 and mob.get_right()[0] <= 7.12
        assert mob.get_bottom()[1] >= -4.0 and mob.get_top()[1] <= 4.0


# -------------------------------------------------------------- storyboard
def test_every_beat_is_narrated(fp):
    scene = rendered("feature_plane").scene
    assert scene.beats == ["Two inputs", "One unit, one fold", "Eight folds", "The second layer bends",
                           "The exact linear regions", "Without ReLU"]
    assert_narrated(scene)
    joined = " ".join(text for _, _, text in scene.narration)
    net = fp.network()
    assert f"{len(linear_regions(net, fp.BOX))} convex polygons" in joined
    assert f"{fold_region_counts(net, fp.BOX)[-1]} pieces" in joined
    assert scene.pieces.value == 1  # the linear network: one region


# ------------------------------------------------------------ golden frames
def test_golden_regions(fp):
    assert_frame_matches("feature_plane", "regions", fp.FeaturePlane, lambda s: s.pose_regions())


def test_golden_folds(fp):
    assert_frame_matches("feature_plane", "folds", fp.FeaturePlane, lambda s: s.pose_folds())


def test_golden_comparison_sees_another_draw(fp):
    base = render_frame(fp.FeaturePlane, lambda s: s.pose_regions())
    original = fp.SEED
    try:
        fp.SEED = original + 1
        other = render_frame(fp.FeaturePlane, lambda s: s.pose_regions())
    finally:
        fp.SEED = original
    assert frame_difference(other, base) > PIXEL_FRACTION_TOLERANCE


def test_linear_formula_is_the_collapsed_network(fp):
    with set_up(fp.FeaturePlane) as scene:
        scene.build_stage()
        formula = scene.linear_formula(fp.linear_network())
    layer = fp.linear_network().collapse()
    (region,) = linear_regions(fp.linear_network(), fp.BOX)
    # one plane, the collapsed one: both products are within γ_N of |W₃||W₂||W₁| of the exact one
    weight, _, n = product_magnitudes(fp.linear_network())
    assert_within(region.gradient, layer.weight, 2 * gamma(n) * weight, "gradient")
    tex = formula.get_tex_string()
    for v in (*layer.weight[0], layer.bias[0]):
        assert fp.format_tex(abs(v)) in tex
