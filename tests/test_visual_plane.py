"""Exact shading of affine values and the layer diagram (relu_anim/visual/plane.py, diagram.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import Polygon

from relu_anim.visual import LayerDiagram, affine_fill, scale_colors

LOW, HIGH = "#101010", "#40C0F0"


def _drawn(poly, points):
    """The colour cairo's linear gradient gives at each point (clamped at the ends, as cairo pads)."""
    rgbas = np.asarray(poly.get_fill_rgbas(), dtype=float)[:, :3]
    if len(rgbas) == 1:
        return np.repeat(rgbas, len(points), axis=0), np.zeros(len(points))
    a, b = (np.asarray(p, dtype=float)[:2] for p in poly.get_gradient_start_and_end_points())
    t = (points - a) @ (b - a) / float((b - a) @ (b - a))
    return rgbas[0] + np.clip(t, 0, 1)[:, None] * (rgbas[1] - rgbas[0]), t


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 7))
def test_affine_fill_colours_every_point_by_its_value(seed, n):
    rng = np.random.default_rng(seed)
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    if np.min(np.diff(np.concatenate([angles, [angles[0] + 2 * np.pi]]))) < 0.05:
        return  # nearly repeated corners: not a polygon worth drawing
    centre = rng.uniform(-3, 3, 2)
    corners = centre + rng.uniform(0.3, 2.0) * np.column_stack([np.cos(angles), np.sin(angles)])
    g, c = rng.normal(size=2), rng.normal()
    values = corners @ g + c
    limits = (float(values.min()) - rng.uniform(0, 1), float(values.max()) + rng.uniform(0, 1))
    poly = Polygon(*(np.append(p, 0.0) for p in corners))
    affine_fill(poly, values, LOW, HIGH, limits)
    # inside points too: random convex combinations of the corners
    weights = rng.dirichlet(np.ones(n), size=20)
    points = np.vstack([corners, weights @ corners])
    drawn, t = _drawn(poly, points)
    want = np.array([col.to_rgb() for col in scale_colors(points @ g + c, LOW, HIGH, limits)])
    np.testing.assert_allclose(drawn, want, atol=1e-9)
    assert t.min() >= -1e-9 and t.max() <= 1 + 1e-9  # no point beyond the gradient's ends


def test_affine_fill_of_a_constant_is_one_colour():
    poly = Polygon([0, 0, 0], [1, 0, 0], [0, 1, 0])
    affine_fill(poly, [0.5, 0.5, 0.5], LOW, HIGH, (0.0, 1.0))
    assert len(poly.get_fill_rgbas()) == 1
    np.testing.assert_allclose(poly.get_fill_rgbas()[0, :3], scale_colors([0.5], LOW, HIGH, (0, 1))[0].to_rgb())


@pytest.mark.parametrize("widths", [[2, 3, 1], [2, 6, 4, 1]])
def test_layer_diagram_has_a_circle_per_unit_and_a_line_per_weight(widths):
    d = LayerDiagram(widths)
    assert [len(c) for c in d.nodes] == widths
    assert [len(e) for e in d.edges] == [a * b for a, b in zip(widths, widths[1:])]
    # the line from unit i to unit j starts at circle i and ends at circle j
    line = d.edge(0, 1, 2)
    start, end = d.nodes[0][1].get_center(), d.nodes[1][2].get_center()
    direction = (end - start) / np.linalg.norm(end - start)
    np.testing.assert_allclose(line.get_start(), start + direction * d.nodes[0][1].radius, atol=1e-9)
    np.testing.assert_allclose(line.get_end(), end - direction * d.nodes[1][2].radius, atol=1e-9)
    assert len(d.into(1, 0)) == widths[0]
    # columns left to right, units top to bottom
    xs = [column.get_center()[0] for column in d.nodes]
    assert xs == sorted(xs)
