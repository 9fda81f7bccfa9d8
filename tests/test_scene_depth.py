"""Chapter "Depth": the drawn tents and deep x² are the package's; every beat narrated; golden frames.

Structural tests pose the scene (no video) and compare corners, dots, readouts
and table cells with relu_anim's numbers. The storyboard test runs the whole
chapter with animations skipped. Golden frames: tests/golden.py (regenerate
with RELU_ANIM_UPDATE_GOLDEN=1).
"""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim.construct import tent_map, units_for_max_error, yarotsky_x2
from relu_anim.story.depth import tent_step
from relu_anim.metrics import max_error
from relu_anim.story.numbers import format_tex

from .golden import PIXEL_FRACTION_TOLERANCE, assert_frame_matches, frame_difference, render_frame
from .renders import rendered
from .scenes import assert_narrated, load_chapter, posed, scene_points


@pytest.fixture(scope="module")
def depth():
    """scenes/depth.py as a module."""
    return load_chapter("depth")


def square(x):
    return np.asarray(x, dtype=float) ** 2


@pytest.mark.parametrize("m", [1, 3, 6])
def test_tent_is_drawn_through_the_exact_kinks(depth, m):
    scene, view = posed(depth.Depth, lambda s: s.pose_tent(m))
    f = tent_map(m).piecewise(0, 1)
    assert len(f.breakpoints) == 2 ** m - 1 and f.num_pieces == 2 ** m
    np.testing.assert_allclose(view.graph.corners(), scene_points(scene.tent_axes, f.knots, f.knot_values), atol=1e-9)
    np.testing.assert_allclose([d.get_center() for d in view.dots],
                               scene_points(scene.tent_axes, f.breakpoints, f.values), atol=1e-9)
    assert scene.m_readout.value == m and scene.units_readout.value == tent_map(m).hidden_units == 2 * m
    assert scene.pieces_readout.value == f.num_pieces
    assert scene.shallow_readout.value == 2 * m + 1
    assert scene.tent_formula.tex_string == r"g(x) = 2\,\mathrm{ReLU}(x) - 4\,\mathrm{ReLU}(x - 0.5)"


@pytest.mark.parametrize("m", [1, 4])
def test_deep_square_is_drawn_exactly_with_its_table(depth, m):
    scene, view = posed(depth.Depth, lambda s: s.pose_square(m))
    f = yarotsky_x2(m).piecewise(0, 2)
    np.testing.assert_allclose(view.graph.corners(), scene_points(scene.x2_axes, f.knots, f.knot_values), atol=1e-9)
    np.testing.assert_allclose([d.get_center() for d in view.dots],
                               scene_points(scene.x2_axes, f.breakpoints, f.values), atol=1e-9)
    assert len(scene.rows) == m
    for k, row in enumerate(scene.rows, start=1):
        err = max_error(yarotsky_x2(k).piecewise(0, 2), square)
        assert err == pytest.approx(2.0 ** (-2 * k), rel=1e-9)
        cells = [cell.tex_string for cell in row]
        assert cells == [str(k), format_tex(err), str(3 * k), str(units_for_max_error(2.0 ** (-2 * k)))]
    # rows go down the column, one per depth
    ys = [row[0].get_center()[1] for row in scene.rows]
    assert all(a > b for a, b in zip(ys, ys[1:]))


def test_scene_numbers_come_from_relu_anim_depth(depth):
    assert [depth.deep(m).shallow_units for m in depth.X2_DEPTHS] == [1, 3, 6, 11, 23, 45]
    assert [depth.tent(m).pieces for m in depth.TENT_DEPTHS] == [2, 4, 8, 16, 32, 64]


def test_every_beat_is_narrated(depth):
    scene = rendered("depth").scene
    assert scene.beats == ["One tent", "Folding doubles the pieces", "Doubling every layer",
                           "Yarotsky's deep square", "Each layer quarters the error", "Depth multiplies"]
    assert_narrated(scene)
    texts = " ".join(text for _, _, text in scene.narration)
    assert "64 pieces, against at most 13" in texts and "One layer needs 45 units" in texts
    assert len(scene.rows) == len(depth.X2_DEPTHS)


# ------------------------------------------------------------ golden frames
def test_golden_tent(depth):
    assert_frame_matches("depth", "tent_3", depth.Depth, lambda s: s.pose_tent(3))


def test_golden_square(depth):
    assert_frame_matches("depth", "square_2", depth.Depth, lambda s: s.pose_square(2))


def test_golden_comparison_sees_one_more_fold(depth):
    """A tent folded once more than asked must fail the comparison with the control frame."""
    base = render_frame(depth.Depth, lambda s: s.pose_tent(3))
    original = depth.tent
    try:
        depth.tent = lambda m: tent_step(m + 1)
        moved = render_frame(depth.Depth, lambda s: s.pose_tent(3))
    finally:
        depth.tent = original
    assert frame_difference(moved, base) > PIXEL_FRACTION_TOLERANCE
