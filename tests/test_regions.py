"""Exact 2-D regions: they tile the box, are convex, and carry the network's own affine map."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_anim import Layer, Network, ReluAnimError
from relu_anim.construct import random_network
from relu_anim.regions import Region, affine_pieces, first_layer_lines, level_segments, linear_regions, unit_lines

from .rounding import assert_within, evaluation_bound, gamma, product_magnitudes

BOX = (-1.0, 1.0, -1.0, 1.0)


# ------------------------------------------------------------------ helpers
def _area(box) -> float:
    x0, x1, y0, y1 = box
    return (x1 - x0) * (y1 - y0)


def _scale(net: Network, box) -> float:
    """Size of the network's output on the box (for absolute tolerances)."""
    x0, x1, y0, y1 = box
    g = np.stack(np.meshgrid(np.linspace(x0, x1, 21), np.linspace(y0, y1, 21)), -1).reshape(-1, 2)
    return max(1.0, float(np.max(np.abs(net(g)))))


def _interior_points(region: Region, rng: np.random.Generator, m: int = 5) -> np.ndarray:
    """Convex combinations of the vertices with positive weights: strictly inside."""
    w = rng.dirichlet(np.ones(len(region.vertices)), size=m)
    return w @ region.vertices


def _edge_distances(region: Region, pts: np.ndarray) -> np.ndarray:
    """Signed distance of each point to each edge's line, positive inside: shape (N, k)."""
    a = region.vertices
    e = np.roll(a, -1, axis=0) - a
    rel = pts[:, None, :] - a[None]
    return (e[None, :, 0] * rel[..., 1] - e[None, :, 1] * rel[..., 0]) / np.hypot(e[:, 0], e[:, 1])


def _clip(subject: np.ndarray, clipper: np.ndarray) -> np.ndarray:
    """Sutherland–Hodgman: the part of convex ``subject`` inside convex CCW ``clipper``."""
    out = [tuple(p) for p in subject]
    for a, b in zip(clipper, np.roll(clipper, -1, axis=0)):
        if not out:
            break
        inp, out = out, []
        side = [(b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) for p in inp]
        for i, p in enumerate(inp):
            q, sp, sq = inp[(i + 1) % len(inp)], side[i], side[(i + 1) % len(inp)]
            if sp >= 0:
                out.append(p)
            if (sp >= 0) != (sq >= 0):
                t = sp / (sp - sq)
                out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return np.array(out).reshape(-1, 2)


def _polygon_area(v: np.ndarray) -> float:
    if len(v) < 3:
        return 0.0
    x, y = v[:, 0], v[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def assert_convex_ccw(regions: list[Region]) -> None:
    for r in regions:
        v = r.vertices
        e = np.roll(v, -1, axis=0) - v
        f = np.roll(e, -1, axis=0)
        cross = e[:, 0] * f[:, 1] - e[:, 1] * f[:, 0]
        lengths = np.hypot(e[:, 0], e[:, 1])
        assert np.all(lengths > 0), "repeated vertex"
        assert np.all(cross >= -1e-12 * lengths * np.roll(lengths, -1)), "not convex"
        assert r.area > 0, "not counter-clockwise"


def assert_tiles(regions: list[Region], box, rng: np.random.Generator, n: int = 4000) -> None:
    """Areas add up to the box's, and random points lie in exactly one region."""
    total = sum(r.area for r in regions)
    assert total == pytest.approx(_area(box), rel=1e-9)
    x0, x1, y0, y1 = box
    pts = np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
    margin = 1e-9 * max(x1 - x0, y1 - y0)
    inside = np.zeros(n, dtype=int)
    near = np.zeros(n, dtype=int)
    for r in regions:
        d = _edge_distances(r, pts).min(axis=1)
        inside += d > margin
        near += d >= -margin
    clean = inside == near  # not on (or within rounding of) any edge
    assert clean.mean() > 0.95
    assert np.all(inside[clean] == 1)


def assert_affine_equals_network(net: Network, regions: list[Region], box, rng: np.random.Generator) -> None:
    scale = _scale(net, box)
    for r in regions:
        pts = _interior_points(r, rng)
        np.testing.assert_allclose(r(pts), net(pts), rtol=1e-9, atol=1e-9 * scale)


def preactivations(net: Network, k: int, pts: np.ndarray) -> np.ndarray:
    """Pre-activations of the k-th kinked layer at ``pts``."""
    kinked = [i for i, layer in enumerate(net.layers) if not layer.is_linear]
    h = pts
    for layer in net.layers[: kinked[k]]:
        h = layer(h)
    return net.layers[kinked[k]].preactivation(h)


# ---------------------------------------------------------------- examples
def two_lines() -> Network:
    """2·ReLU(x − 0.2) − 3·ReLU(x + y): lines x = 0.2 and x + y = 0 cross at (0.2, −0.2)."""
    return Network([Layer([[1.0, 0.0], [1.0, 1.0]], [-0.2, 0.0], "relu"), Layer([[2.0, -3.0]], [0.5])])


def test_two_crossing_lines_give_four_regions_with_the_right_gradients():
    net = two_lines()
    regions = linear_regions(net, BOX)
    assert len(regions) == 4
    expected = {(False, False): [0, 0], (True, False): [2, 0], (False, True): [-3, -3], (True, True): [-1, -3]}
    assert sorted(r.pattern for r in regions) == sorted(expected)
    for r in regions:
        np.testing.assert_allclose(r.gradient, [expected[r.pattern]], atol=1e-15)
        c = r.centroid
        assert (c[0] > 0.2) == r.pattern[0] and (c[0] + c[1] > 0) == r.pattern[1]
        # all four meet at the crossing point
        assert np.min(np.linalg.norm(r.vertices - [0.2, -0.2], axis=1)) < 1e-15
    assert_tiles(regions, BOX, np.random.default_rng(0))
    assert_affine_equals_network(net, regions, BOX, np.random.default_rng(1))


def test_a_linear_network_is_one_region_the_whole_box():
    net = random_network([2, 5, 3, 1], seed=4, activation="linear")
    (region,) = linear_regions(net, (0, 2, -1, 3))
    assert region.pattern == ()
    assert region.area == pytest.approx(8.0, rel=1e-12)
    assert sorted(map(tuple, region.vertices.tolist())) == [(0, -1), (0, 3), (2, -1), (2, 3)]
    collapsed = net.collapse()
    # the same products, composed layer by layer (einsum) and by Network.collapse (BLAS): each is
    # within γ_N of |W₃||W₂||W₁| (and the stacked |b|) of the exact W₃W₂W₁ (and b)
    weight, bias, n = product_magnitudes(net)
    assert_within(region.gradient, collapsed.weight, 2 * gamma(n) * weight, "gradient")
    assert_within(region.offset, collapsed.bias, 2 * gamma(n) * bias, "offset")
    assert first_layer_lines(net, BOX) == [] and unit_lines(net, BOX) == []


def test_a_line_that_misses_the_box_does_not_cut_it():
    net = Network([Layer([[1.0, 1.0], [1.0, 0.0]], [5.0, 0.0], "relu"), Layer([[1.0, 1.0]], [0.0])])
    regions = linear_regions(net, BOX)
    assert len(regions) == 2
    assert all(r.pattern[0] for r in regions)
    lines = first_layer_lines(net, BOX)
    assert lines[0] is None
    assert sorted(map(tuple, lines[1].tolist())) == [(0.0, -1.0), (0.0, 1.0)]


def test_a_line_along_the_boundary_or_through_a_corner_makes_no_sliver():
    # x = 1 is the box's right edge; x + y = 2 touches its corner (1, 1)
    net = Network([Layer([[1.0, 0.0], [1.0, 1.0], [1.0, -1.0]], [-1.0, -2.0, 0.0], "relu"),
                   Layer([[1.0, 1.0, 1.0]], [0.0])])
    regions = linear_regions(net, BOX)
    assert len(regions) == 2  # only the diagonal x = y cuts
    assert first_layer_lines(net, BOX)[:2] == [None, None]


def test_leaky_relu_slopes_and_vector_outputs():
    net = Network([Layer([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], "leaky_relu", 0.1),
                   Layer([[1.0, 0.0], [1.0, 1.0], [0.0, -2.0]], [0.0, 1.0, 2.0])])
    regions = linear_regions(net, BOX)
    assert len(regions) == 4
    for r in regions:
        gx = 1.0 if r.pattern[0] else 0.1
        gy = 1.0 if r.pattern[1] else 0.1
        np.testing.assert_allclose(r.gradient, [[gx, 0], [gx, gy], [0, -2 * gy]])
        np.testing.assert_allclose(r.offset, [0.0, 1.0, 2.0])
        assert r(np.zeros(2)).shape == (3,) and r(np.zeros((4, 2))).shape == (4, 3)
    assert_affine_equals_network(net, regions, BOX, np.random.default_rng(2))


def test_random_deep_network_tiles_without_overlap_and_matches_everywhere():
    net = random_network([2, 16, 16, 1], seed=0)
    box = (-2.0, 2.0, -2.0, 2.0)
    regions = linear_regions(net, box)
    assert len(regions) > 100
    assert len({r.pattern for r in regions}) == len(regions)  # activation regions are convex
    assert_convex_ccw(regions)
    assert_tiles(regions, box, np.random.default_rng(3), n=20000)
    assert_affine_equals_network(net, regions, box, np.random.default_rng(4))
    # pairwise overlaps, by clipping every pair whose bounding boxes meet
    lows = np.array([r.vertices.min(axis=0) for r in regions])
    highs = np.array([r.vertices.max(axis=0) for r in regions])
    pairs = 0
    for i, r in enumerate(regions):
        meet = np.all(lows[i + 1:] < highs[i], axis=1) & np.all(highs[i + 1:] > lows[i], axis=1)
        for j in np.flatnonzero(meet) + i + 1:
            pairs += 1
            assert _polygon_area(_clip(r.vertices, regions[j].vertices)) < 1e-12 * _area(box)
    assert pairs > len(regions)


def test_region_geometry():
    r = Region([[0, 0], [4, 0], [4, 2], [0, 2]], [[1.0, 2.0]], [3.0], (False,))
    assert r.area == 8.0
    assert r.centroid.tolist() == [2.0, 1.0]
    assert r([1.0, 1.0]).tolist() == [6.0]
    with pytest.raises(AttributeError):
        r.pattern = (True,)  # frozen
    with pytest.raises(ValueError):
        r.vertices[0, 0] = 1.0  # read-only


# --------------------------------------------------------------- fold lines
def test_first_layer_lines_are_the_units_lines_clipped_to_the_box():
    net = random_network([2, 12, 1], seed=5)
    box = (-1.5, 1.0, -0.5, 2.0)
    lines = first_layer_lines(net, box)
    assert len(lines) == 12
    x0, x1, y0, y1 = box
    w, b = net.layers[0].weight, net.layers[0].bias
    for j, seg in enumerate(lines):
        if seg is None:
            corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
            z = corners @ w[j] + b[j]
            assert np.all(z >= 0) or np.all(z <= 0)
            continue
        assert seg.shape == (2, 2)
        np.testing.assert_allclose(seg @ w[j] + b[j], 0.0, atol=1e-12)
        on_edge = (np.isclose(seg[:, 0], x0) | np.isclose(seg[:, 0], x1)
                   | np.isclose(seg[:, 1], y0) | np.isclose(seg[:, 1], y1))
        assert on_edge.all()
    assert sum(s is not None for s in lines) > 3
    first = unit_lines(net, box)[0]
    for seg, polys in zip(lines, first):
        if seg is None:
            assert polys == []
        else:
            (poly,) = polys
            np.testing.assert_array_equal(poly, seg)


def test_deeper_unit_lines_are_zero_sets_bent_at_earlier_folds():
    net = random_network([2, 8, 8, 6, 1], seed=7)
    box = (-2.0, 2.0, -2.0, 2.0)
    lines = unit_lines(net, box)
    assert [len(layer) for layer in lines] == [8, 8, 6]
    bends = 0
    for k, layer in enumerate(lines):
        for j, polys in enumerate(layer):
            for poly in polys:
                assert poly.ndim == 2 and poly.shape[1] == 2 and len(poly) >= 2
                mids = 0.5 * (poly[1:] + poly[:-1])
                pts = np.vstack([poly, mids, 0.3 * poly[1:] + 0.7 * poly[:-1]])
                z = preactivations(net, k, pts)[:, j]
                np.testing.assert_allclose(z, 0.0, atol=1e-9)
                bends += len(poly) - 2
                if k == 0:
                    assert len(poly) == 2
    assert bends > 0


def test_zero_set_of_a_second_layer_unit_bends_on_the_axes():
    net = Network([Layer([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], "relu"), Layer([[1.0, 1.0]], [-1.0], "relu")])
    (poly,) = unit_lines(net, (-2, 2, -2, 2))[1][0]
    assert poly.tolist() in ([[1, -2], [1, 0], [0, 1], [-2, 1]], [[-2, 1], [0, 1], [1, 0], [1, -2]])


def test_a_closed_zero_set_comes_back_as_a_loop():
    # ReLU(|x| + |y| − 1): a diamond inside the box
    net = Network([Layer([[1, 0], [-1, 0], [0, 1], [0, -1]], [0, 0, 0, 0], "relu"),
                   Layer([[1, 1, 1, 1]], [-1.0], "relu")])
    (loop,) = unit_lines(net, (-2, 2, -2, 2))[1][0]
    assert len(loop) == 5 and np.array_equal(loop[0], loop[-1])
    assert sorted(map(tuple, np.abs(loop[:-1]).tolist())) == [(0, 1), (0, 1), (1, 0), (1, 0)]


# ------------------------------------------------------------ affine pieces
def test_regions_with_equal_maps_join_only_when_they_touch():
    # ReLU(0.5 − |x|): zero on both sides of a tent, the two zero parts do not touch
    net = Network([Layer([[1, 0], [-1, 0], [0, 1]], [0, 0, 0], "relu"),
                   Layer([[-1, -1, 0]], [0.5], "relu")])
    regions = linear_regions(net, BOX)
    assert len(regions) == 8  # the y = 0 fold (weight 0) splits every strip
    pieces = affine_pieces(regions)
    assert len(pieces) == 4
    assert sorted(len(p) for p in pieces) == [2, 2, 2, 2]
    for piece in pieces:
        for i in piece[1:]:
            np.testing.assert_allclose(regions[i].gradient, regions[piece[0]].gradient)


def test_random_network_pieces_partition_the_regions():
    net = random_network([2, 6, 6, 1], seed=1)
    regions = linear_regions(net, (-3, 3, -3, 3))
    pieces = affine_pieces(regions)
    assert sorted(i for p in pieces for i in p) == list(range(len(regions)))
    assert 1 <= len(pieces) <= len(regions)


# ---------------------------------------------------------------- property
@st.composite
def plane_networks(draw) -> Network:
    """2 inputs, 1..3 hidden layers of width 1..6 (relu or leaky_relu), 1 or 2 outputs."""
    depth = draw(st.integers(1, 3))
    widths = [2] + [draw(st.integers(1, 6)) for _ in range(depth)] + [draw(st.integers(1, 2))]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    layers = []
    for i in range(len(widths) - 1):
        last = i == len(widths) - 2
        activation = "linear" if last else draw(st.sampled_from(["relu", "leaky_relu"]))
        slope = draw(st.sampled_from([0.01, 0.2])) if activation == "leaky_relu" else 0.01
        layers.append(Layer(rng.normal(0.0, 1.5 / np.sqrt(widths[i]), (widths[i + 1], widths[i])),
                            rng.normal(0.0, 1.0, widths[i + 1]), activation, slope))
    return Network(layers)


BOXES = st.tuples(st.floats(-5, 4), st.floats(0.1, 6), st.floats(-5, 4), st.floats(0.1, 6)).map(
    lambda t: (t[0], t[0] + t[1], t[2], t[2] + t[3]))


@settings(max_examples=120, deadline=None)
@given(net=plane_networks(), box=BOXES, seed=st.integers(0, 1000))
def test_regions_tile_the_box_and_carry_the_network(net, box, seed):
    regions = linear_regions(net, box)
    rng = np.random.default_rng(seed)
    assert_convex_ccw(regions)
    assert_tiles(regions, box, rng, n=1500)
    assert_affine_equals_network(net, regions, box, rng)
    for r in regions:
        assert len(r.pattern) == net.hidden_units
        assert r.gradient.shape == (net.out_features, 2)


# ---------------------------------------------------------------- refusals
def test_refuses_a_network_without_two_inputs():
    net = random_network([3, 4, 1], seed=0)
    with pytest.raises(ReluAnimError, match=r"^network: linear_regions needs 2 inputs \(this one has 3\)$"):
        linear_regions(net, BOX)
    with pytest.raises(ReluAnimError, match=r"^network: unit_lines needs 2 inputs \(this one has 3\)$"):
        unit_lines(net, BOX)
    with pytest.raises(ReluAnimError, match=r"^network: first_layer_lines needs 2 inputs \(this one has 1\)$"):
        first_layer_lines(random_network([1, 4, 1]), BOX)


@pytest.mark.parametrize(
    ("box", "message"),
    [
        ((1, 1, 0, 1), r"^box: x0 must be smaller than x1 \(got 1 >= 1\)$"),
        ((2, 1, 0, 1), r"^box: x0 must be smaller than x1 \(got 2 >= 1\)$"),
        ((0, 1, 3, -3), r"^box: y0 must be smaller than y1 \(got 3 >= -3\)$"),
        ((0, np.inf, 0, 1), r"^box: must be finite \(got 0, inf, 0, 1\)$"),
        ((0, 1, np.nan, 1), r"^box: must be finite"),
        ((0, 1, 0), r"^box: expected four numbers \(x0, x1, y0, y1\), got 3$"),
        (("a", 1, 0, 1), r"^box: expected four numbers"),
    ],
)
def test_refuses_bad_boxes(box, message):
    net = two_lines()
    for fn in (linear_regions, first_layer_lines, unit_lines):
        with pytest.raises(ReluAnimError, match=message):
            fn(net, box)


# ---------------------------------------------------------------- level segments
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 50), t=st.floats(0.02, 0.98))
def test_level_segments_lie_on_the_level_inside_their_regions(seed, t):
    net = random_network([2, 5, 3, 1], seed=seed)
    box = (-2.0, 2.0, -1.0, 1.5)
    rs = linear_regions(net, box)
    values = np.concatenate([r(r.vertices)[:, 0] for r in rs])
    level = float(values.min() + t * (values.max() - values.min()))
    segments = level_segments(rs, level)
    assert segments  # a level strictly between the extremes crosses the continuous output
    scale = float(np.abs(values).max()) + abs(level)
    for seg in segments:
        assert seg.shape == (2, 2) and np.linalg.norm(seg[1] - seg[0]) > 0
        # on the level: the network there equals it, up to the rounding of interpolating
        # between two vertex values and of evaluating the network (a few γ of its depth)
        bound = 2 * evaluation_bound(net, seg)[:, 0] + 8 * gamma(4) * scale
        assert_within(net(seg)[:, 0], np.full(2, level), bound, "value at a segment end")
        assert np.all(seg >= [box[0] - 1e-12, box[2] - 1e-12]) and np.all(seg <= [box[1] + 1e-12, box[3] + 1e-12])


def test_level_segments_of_a_plane_are_one_straight_line():
    net = Network([Layer([[1.0, 2.0]], [0.5]), Layer([[1.0]], [0.0])])
    (seg,) = level_segments(linear_regions(net, (-1, 1, -1, 1)), 0.5)
    np.testing.assert_allclose(seg @ [1.0, 2.0], [0.0, 0.0], atol=1e-15)
    assert sorted(seg[:, 0].tolist()) == [-1.0, 1.0]


def test_level_segments_skip_flat_regions_and_missed_levels():
    net = Network([Layer([[1.0, 0.0]], [0.0], "relu"), Layer([[1.0]], [0.0])])
    rs = linear_regions(net, (-1, 1, -1, 1))
    # level 0: only the rising side's edge on the crease; the flat side has no chord
    (seg,) = level_segments(rs, 0.0)
    np.testing.assert_array_equal(seg[:, 0], [0.0, 0.0])
    assert level_segments(rs, 2.0) == [] and level_segments(rs, -0.5) == []
