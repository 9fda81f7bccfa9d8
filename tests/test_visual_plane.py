"""Exact shading of affine values and the layer diagram (relu_anim/visual/plane.py, diagram.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import ORIGIN, Polygon

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


def test_layer_diagram_labels_sit_on_their_lines_and_units_and_gather_per_unit():
    d = LayerDiagram([1, 3, 1], radius=0.4)
    w = [d.label_edge(0, 0, j, f"w_{j}") for j in range(3)]
    a = [d.label_edge(1, j, 0, f"a_{j}") for j in range(3)]
    inside = d.label_node(1, 1, r"\mathrm{ReLU}", direction=ORIGIN, font_size=24)
    above = d.label_node(1, 1, "b")
    for k, (i, j), label in [(0, (0, 1), w[1]), (1, (1, 0), a[1])]:
        line = d.edge(k, i, j)
        middle = (line.get_start() + line.get_end()) / 2
        offset = label.get_center() - middle
        direction = (line.get_end() - line.get_start()) / np.linalg.norm(line.get_end() - line.get_start())
        assert abs(np.dot(offset, direction)) < 1e-9 and offset[1] > 0  # square to the line, above it
    np.testing.assert_allclose(inside.get_center(), d.nodes[1][1].get_center(), atol=1e-9)
    assert above.get_bottom()[1] > d.nodes[1][1].get_top()[1]
    parts = set(d.unit_parts(1, 1))
    assert parts == {d.edge(0, 0, 1), w[1], d.nodes[1][1], inside, above, d.edge(1, 1, 0), a[1]}
    assert all(label in d.get_family() for label in [*w, *a, inside, above])
    assert list(d.node_labels[(1, 1)]) == [inside, above] and d.edge_labels[(1, 2, 0)] is a[2]
