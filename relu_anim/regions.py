"""Exact linear regions of a two-input network: :class:`Region` and :func:`linear_regions`.

A ReLU or leaky-ReLU network with two inputs is piecewise affine on the plane.
:func:`linear_regions` finds its activation regions inside an axis-aligned box
without sampling, the 2-D twin of :func:`relu_anim.piecewise.analyse`:

1. start with the box as one convex polygon on which the input is the identity
   affine map of itself;
2. for each layer, every unit's pre-activation is affine on each polygon
   (``A @ x + c``); for a layer with a kink, cut each polygon along each unit's
   zero line (a convex polygon split by a line stays two convex polygons),
   skipping lines that do not cross the polygon's interior by more than
   :data:`EDGE_RTOL` times the box's size;
3. on each resulting polygon every unit has one sign (read at the polygon's
   vertex mean, an interior point); the activation's slope on that side
   multiplies the affine map, and the next layer composes with it. Linear
   layers just compose.

Every region is a convex polygon, counter-clockwise, with the network's output
as an affine map on it. Regions are *activation* regions: neighbours can carry
the same map (a unit that switches but feeds nothing); :func:`affine_pieces`
groups touching regions of equal map into the function's real pieces.

:func:`first_layer_lines` and :func:`unit_lines` give the crease lines the
feature-plane chapter draws: straight lines for the first layer, polylines
bent where earlier units crease the plane for deeper ones.
:func:`level_segments` gives the contour lines of the output: one straight
segment per region, bending where the regions meet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from .arrays import frozen as _frozen
from .errors import ReluAnimError

if TYPE_CHECKING:  # pragma: no cover
    from .network import Network

__all__ = [
    "EDGE_RTOL",
    "GRADIENT_RTOL",
    "Box",
    "Region",
    "affine_pieces",
    "check_box",
    "first_layer_lines",
    "level_segments",
    "linear_regions",
    "unit_lines",
]

#: A unit's zero line cuts a polygon only if the polygon reaches further than
#: this, relative to the box's size, on both sides of it; thinner slivers are
#: rounding, not regions.
EDGE_RTOL = 1e-10

#: A pre-activation whose gradient is smaller than this, relative to the size of
#: the terms it is summed from, is constant on the polygon: it has no zero line.
GRADIENT_RTOL = 1e-12

#: ``(x0, x1, y0, y1)``.
Box = tuple[float, float, float, float]


def check_box(box: Sequence[float]) -> tuple[float, float, float, float]:
    """Return ``box`` as four floats ``(x0, x1, y0, y1)``, refusing empty or non-finite boxes.

    Examples
    --------
    >>> check_box([-1, 1, 0, 2])
    (-1.0, 1.0, 0.0, 2.0)
    """
    try:
        values = [float(v) for v in box]
    except (TypeError, ValueError):
        raise ReluAnimError(f"box: expected four numbers (x0, x1, y0, y1), got {box!r}") from None
    if len(values) != 4:
        raise ReluAnimError(f"box: expected four numbers (x0, x1, y0, y1), got {len(values)}")
    x0, x1, y0, y1 = values
    if not all(np.isfinite(values)):
        raise ReluAnimError(f"box: must be finite (got {x0:g}, {x1:g}, {y0:g}, {y1:g})")
    if not x0 < x1:
        raise ReluAnimError(f"box: x0 must be smaller than x1 (got {x0:g} >= {x1:g})")
    if not y0 < y1:
        raise ReluAnimError(f"box: y0 must be smaller than y1 (got {y0:g} >= {y1:g})")
    return x0, x1, y0, y1


@dataclass(frozen=True, eq=False)
class Region:
    """One activation region: a convex polygon on which the network is affine.

    Attributes
    ----------
    vertices
        ``(k, 2)``, counter-clockwise, convex, ``k >= 3``.
    gradient
        ``(out, 2)``: on the region, ``output = gradient @ x + offset``.
    offset
        ``(out,)``.
    pattern
        For every unit with a kink (relu or leaky_relu), in layer order, whether
        it is active (pre-activation > 0) on the region.

    Examples
    --------
    >>> r = Region([[0, 0], [2, 0], [0, 2]], [[1.0, -1.0]], [0.5], (True,))
    >>> r.area, r.centroid.tolist()
    (2.0, [0.6666666666666666, 0.6666666666666666])
    >>> r([1.0, 0.5]).tolist()
    [1.0]
    """

    vertices: np.ndarray
    gradient: np.ndarray
    offset: np.ndarray
    pattern: tuple[bool, ...] = ()

    def __post_init__(self) -> None:
        vertices = _frozen(self.vertices)
        gradient = _frozen(self.gradient)
        offset = _frozen(self.offset)
        if vertices.ndim != 2 or vertices.shape[1] != 2 or len(vertices) < 3:
            raise ReluAnimError(f"region.vertices: need a (k, 2) array with k >= 3, got shape {vertices.shape}")
        if gradient.ndim == 1:
            gradient = _frozen(gradient.reshape(1, -1))
        if gradient.ndim != 2 or gradient.shape[1] != 2 or offset.shape != (gradient.shape[0],):
            raise ReluAnimError(
                f"region.gradient: need shape (out, 2) and an offset of length out "
                f"(got {gradient.shape} and {offset.shape})"
            )
        object.__setattr__(self, "vertices", vertices)
        object.__setattr__(self, "gradient", gradient)
        object.__setattr__(self, "offset", offset)
        object.__setattr__(self, "pattern", tuple(bool(p) for p in self.pattern))

    @property
    def area(self) -> float:
        """Area of the polygon (shoelace formula; positive for counter-clockwise)."""
        x, y = self.vertices[:, 0], self.vertices[:, 1]
        return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))

    @property
    def centroid(self) -> np.ndarray:
        """Centre of mass of the polygon, shape ``(2,)``."""
        v = self.vertices - self.vertices[0]  # relative to a vertex: less cancellation
        x, y = v[:, 0], v[:, 1]
        xn, yn = np.roll(x, -1), np.roll(y, -1)
        cross = x * yn - xn * y
        twice_area = float(cross.sum())
        if twice_area == 0.0:
            return self.vertices.mean(axis=0)
        c = np.array([np.dot(x + xn, cross), np.dot(y + yn, cross)]) / (3.0 * twice_area)
        return c + self.vertices[0]

    def __call__(self, xy: Any) -> np.ndarray:
        """The region's affine map at ``xy``: shape ``(2,)`` gives ``(out,)``, ``(N, 2)`` gives ``(N, out)``.

        Valid inside the region only; outside it is the affine extension.
        """
        return np.asarray(xy, dtype=float) @ self.gradient.T + self.offset

    def __repr__(self) -> str:
        return f"Region(vertices={len(self.vertices)}, area={self.area:.4g}, outputs={len(self.offset)})"


# ---------------------------------------------------------------------- core
def _check_network(net: "Network", what: str) -> None:
    if net.in_features != 2:
        raise ReluAnimError(f"network: {what} needs 2 inputs (this one has {net.in_features})")


def _box_rows(box: Box) -> np.ndarray:
    x0, x1, y0, y1 = box
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def _tolerance(box: Box) -> float:
    x0, x1, y0, y1 = box
    return EDGE_RTOL * max(x1 - x0, y1 - y0, abs(x0), abs(x1), abs(y0), abs(y1))


def _split(rows: np.ndarray, j: int, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split a convex polygon along the zero line of column ``j``.

    ``rows`` is ``(k, 2 + n)``: each vertex's ``x, y`` and the ``n`` units' values
    there (all affine, so interpolating along an edge is exact). ``dist`` is the
    signed side of each vertex with the tolerance applied (+1, 0, −1); the caller
    made sure both +1 and −1 occur. Returns the positive part, the negative
    part, and the chord (the two points where the line crosses the boundary).
    """
    nxt = np.roll(rows, -1, axis=0)
    s_next = np.roll(dist, -1)
    cross = dist * s_next < 0
    z, z_next = rows[:, j], nxt[:, j]
    t = np.where(cross, z / np.where(cross, z - z_next, 1.0), 0.0)
    hits = rows + t[:, None] * (nxt - rows)
    hits[:, j] = 0.0
    k = len(rows)
    both = np.empty((2 * k, rows.shape[1]))
    both[0::2] = rows
    both[1::2] = hits
    pos = np.empty(2 * k, dtype=bool)
    neg = np.empty(2 * k, dtype=bool)
    on = np.empty(2 * k, dtype=bool)
    pos[0::2], pos[1::2] = dist >= 0, cross
    neg[0::2], neg[1::2] = dist <= 0, cross
    on[0::2], on[1::2] = dist == 0, cross
    chord = both[on, :2]
    if len(chord) > 2:  # several vertices within the tolerance: keep the two farthest apart
        d = np.linalg.norm(chord[:, None] - chord[None], axis=-1)
        a, b = np.unravel_index(int(np.argmax(d)), d.shape)
        chord = chord[[a, b]]
    return both[pos], both[neg], chord


@dataclass
class _Partition:
    """Convex polygons with, on each, the current layer's output as an affine map."""

    polygons: list[np.ndarray]  # each (k, 2)
    A: np.ndarray  # (P, n, 2)
    c: np.ndarray  # (P, n)
    size: np.ndarray  # (P, n): bound on |A| row norms from the terms summed (rounding scale)
    pattern: np.ndarray  # (P, units so far) bool


def _partition(net: "Network", box: Box, lines: list | None = None) -> _Partition:
    """Run the layer-by-layer cutting; if ``lines`` is a list, append per kinked layer the chords per unit."""
    eps = _tolerance(box)
    part = _Partition([_box_rows(box)], np.eye(2)[None], np.zeros((1, 2)), np.ones((1, 2)),
                      np.zeros((1, 0), dtype=bool))
    for layer in net.layers:
        W, b = layer.weight, layer.bias
        A = np.einsum("ij,pjk->pik", W, part.A)
        c = part.c @ W.T + b
        size = part.size @ np.abs(W).T
        if layer.is_linear:
            part = _Partition(part.polygons, A, c, size, part.pattern)
            continue
        n = layer.out_features
        chords: list[list[np.ndarray]] | None = [[] for _ in range(n)] if lines is not None else None
        norms = np.linalg.norm(A, axis=-1)  # (P, n)
        sloped = norms > GRADIENT_RTOL * size
        safe = np.where(sloped, norms, 1.0)
        new_polys: list[np.ndarray] = []
        parents: list[int] = []
        signs: list[np.ndarray] = []
        for p, poly in enumerate(part.polygons):
            z = poly @ A[p].T + c[p]  # (k, n)
            work = [np.hstack([poly, z])]
            d = z / safe[p]
            crossing = np.flatnonzero(sloped[p] & (d.max(axis=0) > eps) & (d.min(axis=0) < -eps))
            for j in crossing:
                done = []
                for rows in work:
                    dist = rows[:, 2 + j] / safe[p, j]
                    side = np.where(dist > eps, 1, np.where(dist < -eps, -1, 0))
                    if side.max() <= 0 or side.min() >= 0:
                        done.append(rows)
                        continue
                    plus, minus, chord = _split(rows, 2 + j, side)
                    done += [plus, minus]
                    if chords is not None:
                        chords[j].append(chord)
                work = done
            for rows in work:
                new_polys.append(rows[:, :2])
                parents.append(p)
                signs.append(rows[:, 2:].mean(axis=0) > 0)  # the value at the vertex mean, inside
        idx = np.array(parents)
        on = np.array(signs).reshape(len(idx), n)
        left, right = layer.slopes
        gain = np.where(on, right, left)
        part = _Partition(
            new_polys,
            A[idx] * gain[..., None],
            c[idx] * gain,
            size[idx] * np.abs(gain),
            np.hstack([part.pattern[idx], on]),
        )
        if lines is not None:
            lines.append(chords)
    return part


def linear_regions(net: "Network", box: Sequence[float]) -> list[Region]:
    """Exact activation regions of a two-input ``net`` inside ``box``.

    Parameters
    ----------
    net
        Two inputs, any depth and output width; activations relu, leaky_relu or
        linear.
    box
        ``(x0, x1, y0, y1)`` with ``x0 < x1`` and ``y0 < y1``.

    Returns
    -------
    list of Region
        Convex, counter-clockwise polygons tiling the box, each with the
        network's output as an affine map on it and the activation pattern of
        its kinked units. Slivers thinner than :data:`EDGE_RTOL` times the box's
        size are not split off. An all-linear network gives one region.

    Raises
    ------
    ReluAnimError
        If the network does not take two inputs or the box is empty or not finite.

    Examples
    --------
    ``ReLU(x) + ReLU(y)`` on ``[−1, 1]²``: four quadrants.

    >>> from relu_anim import Layer, Network
    >>> net = Network([Layer([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], "relu"),
    ...                Layer([[1.0, 1.0]], [0.0])])
    >>> regions = linear_regions(net, (-1, 1, -1, 1))
    >>> len(regions), sum(r.area for r in regions)
    (4, 4.0)
    >>> sorted(r.gradient.ravel().tolist() for r in regions)
    [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    """
    _check_network(net, "linear_regions")
    part = _partition(net, check_box(box))
    return [
        Region(poly, part.A[p], part.c[p], tuple(part.pattern[p].tolist()))
        for p, poly in enumerate(part.polygons)
    ]


def first_layer_lines(net: "Network", box: Sequence[float]) -> list[np.ndarray | None]:
    """Where each unit of the first kinked layer folds the box: one segment per unit.

    The first layer with a kink (normally ``layers[0]``) sees an affine function
    of the input, so each unit folds the plane along a straight line
    ``w · x + b = 0``.

    Returns
    -------
    list of (2, 2) arrays or None
        One entry per unit, in unit order, so indices match the layer's rows:
        the segment's two end points on the box's boundary, or ``None`` when the
        line misses the box's interior (or the unit's weights are zero). An
        all-linear network has no folds: ``[]``.

    Examples
    --------
    >>> from relu_anim import Layer, Network
    >>> net = Network([Layer([[1.0, 0.0], [1.0, 1.0]], [-0.5, 5.0], "relu"),
    ...                Layer([[1.0, 1.0]], [0.0])])
    >>> first, second = first_layer_lines(net, (-1, 1, -1, 1))
    >>> sorted(first.tolist()), second
    ([[0.5, -1.0], [0.5, 1.0]], None)
    """
    _check_network(net, "first_layer_lines")
    box = check_box(box)
    for layer in net.layers:
        if not layer.is_linear:
            break
    else:
        return []
    lines = unit_lines(net, box, layers=1)[0]
    return [polys[0] if polys else None for polys in lines]


def unit_lines(net: "Network", box: Sequence[float], layers: int | None = None) -> list[list[list[np.ndarray]]]:
    """The zero set of every kinked unit inside ``box``, as polylines.

    A unit of the k-th kinked layer is affine on each region of the layers
    before it, so its zero set is a chain of straight pieces bent where earlier
    units fold (for the first kinked layer: one straight segment). Pieces that
    meet are joined into polylines; collinear joints are dropped.

    Parameters
    ----------
    net, box
        As in :func:`linear_regions`.
    layers
        Only the first ``layers`` kinked layers (all by default).

    Returns
    -------
    list (per kinked layer) of lists (per unit) of polylines
        ``lines[k][j]`` lists the polylines, each ``(m, 2)`` with ``m >= 2``,
        of unit ``j`` of the k-th kinked layer: empty when its zero set misses
        the box; a closed loop repeats its first point at the end.

    Examples
    --------
    ``ReLU(ReLU(x) + ReLU(y) − 1)``: the second layer's line bends on the axes.

    >>> from relu_anim import Layer, Network
    >>> net = Network([Layer([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], "relu"),
    ...                Layer([[1.0, 1.0]], [-1.0], "relu")])
    >>> first, second = unit_lines(net, (-2, 2, -2, 2))
    >>> [len(polys) for polys in first], len(second[0])
    ([1, 1], 1)
    >>> second[0][0].tolist()
    [[1.0, -2.0], [1.0, 0.0], [0.0, 1.0], [-2.0, 1.0]]
    """
    _check_network(net, "unit_lines")
    box = check_box(box)
    if layers is not None:
        kinked = [i for i, layer in enumerate(net.layers) if not layer.is_linear]
        if layers < 1:
            raise ReluAnimError(f"layers: must be at least 1 (got {layers})")
        if len(kinked) > layers:
            net = type(net)(net.layers[: kinked[layers - 1] + 1])
    chords: list[list[list[np.ndarray]]] = []
    _partition(net, box, chords)
    tol = 1e3 * _tolerance(box)
    return [[_join(unit, tol) for unit in layer] for layer in chords]


def _join(chords: list[np.ndarray], tol: float) -> list[np.ndarray]:
    """Chain segments that share end points (within ``tol``) into polylines."""
    if not chords:
        return []
    ends = np.concatenate(chords)  # (2m, 2): segment i has end points 2i, 2i+1
    # identify end points closer than tol (first one seen is the representative)
    node = np.arange(len(ends))
    dist = np.abs(ends[:, None, :] - ends[None, :, :]).max(axis=-1)
    close = dist <= tol
    for i in range(len(ends)):
        if node[i] == i:
            node[close[i] & (np.arange(len(ends)) > i) & (node == np.arange(len(ends)))] = i
    nodes = node.reshape(-1, 2)
    adjacency: dict[int, list[int]] = {}
    for s, (a, b) in enumerate(nodes):
        if a == b:
            continue  # shorter than the tolerance
        adjacency.setdefault(int(a), []).append(s)
        adjacency.setdefault(int(b), []).append(s)
    used = np.zeros(len(nodes), dtype=bool)
    used[nodes[:, 0] == nodes[:, 1]] = True

    def walk(start: int, seg: int) -> list[int]:
        path = [start]
        here = start
        while True:
            used[seg] = True
            a, b = nodes[seg]
            here = int(b if a == here else a)
            path.append(here)
            if len(adjacency[here]) != 2:
                return path
            nxt = [s for s in adjacency[here] if not used[s]]
            if not nxt:
                return path  # closed loop
            seg = nxt[0]

    paths = []
    for start in sorted(adjacency, key=lambda n: len(adjacency[n]) == 2):  # open ends first
        for seg in adjacency[start]:
            if not used[seg]:
                paths.append(walk(start, seg))
    return [_drop_collinear(ends[path]) for path in paths]


def _drop_collinear(points: np.ndarray) -> np.ndarray:
    """Remove interior points where the polyline goes straight on."""
    if len(points) < 3:
        return points
    keep = [0]
    for i in range(1, len(points) - 1):
        a, b, c = points[keep[-1]], points[i], points[i + 1]
        u, v = b - a, c - b
        cross = u[0] * v[1] - u[1] * v[0]
        if abs(cross) > 1e-9 * np.linalg.norm(u) * np.linalg.norm(v) or np.dot(u, v) < 0:
            keep.append(i)
    keep.append(len(points) - 1)
    return points[keep]


# ------------------------------------------------------------ affine pieces
def _shared_edge(p: np.ndarray, q: np.ndarray, tol: float) -> bool:
    """Whether convex polygons ``p`` and ``q`` share a boundary segment longer than ``tol``."""
    for a, b in zip(p, np.roll(p, -1, axis=0)):
        e = b - a
        length = float(np.hypot(*e))
        if length <= tol:
            continue
        u = e / length
        rel = q - a
        across = rel[:, 0] * u[1] - rel[:, 1] * u[0]
        along = rel @ u
        for i in range(len(q)):
            j = (i + 1) % len(q)
            if abs(across[i]) <= tol and abs(across[j]) <= tol:
                lo, hi = sorted((along[i], along[j]))
                if min(hi, length) - max(lo, 0.0) > tol:
                    return True
    return False


def affine_pieces(regions: Sequence[Region], rtol: float = 1e-9) -> list[list[int]]:
    """Group touching regions with the same affine map into the function's pieces.

    Two regions are one piece when their gradients and offsets agree within
    ``rtol`` (relative to the largest over all regions) and they are connected
    through shared edges of regions with that map. Regions are activation
    regions, so there can be fewer pieces than regions.

    Returns
    -------
    list of lists of int
        Indices into ``regions``, one list per piece, each sorted, in order of
        their first region.

    Examples
    --------
    ``ReLU(x) + 0·ReLU(y)``: the second unit's fold changes nothing.

    >>> from relu_anim import Layer, Network
    >>> net = Network([Layer([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], "relu"),
    ...                Layer([[1.0, 0.0]], [0.0])])
    >>> regions = linear_regions(net, (-1, 1, -1, 1))
    >>> len(regions), len(affine_pieces(regions))
    (4, 2)
    """
    if not regions:
        return []
    maps = np.array([np.concatenate([r.gradient.ravel(), r.offset]) for r in regions])
    g = maps[:, : regions[0].gradient.size]
    size = max(max(float(np.max(np.abs(r.vertices))) for r in regions), 1.0)
    scale = max(float(np.max(np.abs(g))) * size, float(np.max(np.abs(maps))), np.finfo(float).tiny)
    weights = np.concatenate([np.full(g.shape[1], size), np.ones(maps.shape[1] - g.shape[1])])
    extent = max(float(np.ptp(np.concatenate([r.vertices for r in regions]), axis=0).max()), np.finfo(float).tiny)
    tol = 1e3 * EDGE_RTOL * max(extent, size)
    parent = list(range(len(regions)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    lows = np.array([r.vertices.min(axis=0) for r in regions])
    highs = np.array([r.vertices.max(axis=0) for r in regions])
    for i in range(len(regions)):
        same = np.abs(maps[i + 1:] - maps[i]) * weights <= rtol * scale
        near = np.all(lows[i + 1:] <= highs[i] + tol, axis=1) & np.all(highs[i + 1:] >= lows[i] - tol, axis=1)
        for j in np.flatnonzero(same.all(axis=1) & near) + i + 1:
            if find(i) != find(int(j)) and _shared_edge(regions[i].vertices, regions[j].vertices, tol):
                parent[find(int(j))] = find(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(regions)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def level_segments(regions: Sequence[Region], level: float, output: int = 0) -> list[np.ndarray]:
    """Where output ``output`` equals ``level``: one straight segment per region it crosses.

    On a region the output is ``g · x + c``, so its level set there is the chord
    of the convex polygon cut by the line ``g · x + c = level``, computed from
    the vertices' values (no sampling). Chords of neighbouring regions meet on
    their shared edge, so together they draw the contour line of the
    continuous, piecewise-affine output, bent wherever two regions' maps differ.
    Regions on which the output is constant have no chord.

    Returns
    -------
    list of (2, 2) arrays
        The chords' end points, in region order.

    Examples
    --------
    ``ReLU(x)`` on ``[−1, 1]²``: the level ``0.5`` is the line ``x = 0.5``.

    >>> from relu_anim import Layer, Network
    >>> net = Network([Layer([[1.0, 0.0]], [0.0], "relu"), Layer([[1.0]], [0.0])])
    >>> [seg.tolist() for seg in level_segments(linear_regions(net, (-1, 1, -1, 1)), 0.5)]
    [[[0.5, -1.0], [0.5, 1.0]]]
    """
    level = float(level)
    out = []
    for region in regions:
        v = region.vertices
        d = region(v)[:, output] - level
        if not np.any(region.gradient[output]):
            continue
        points = [v[i] for i in range(len(v)) if d[i] == 0.0]
        for i in range(len(v)):
            j = (i + 1) % len(v)
            if d[i] * d[j] < 0:
                points.append(v[i] + d[i] / (d[i] - d[j]) * (v[j] - v[i]))
        if len(points) < 2:
            continue
        pts = np.array(points)
        # the two ends of the chord: the farthest pair (extra points lie between them)
        dist = np.linalg.norm(pts[:, None, :] - pts[None, :, :], axis=2)
        i, j = np.unravel_index(int(np.argmax(dist)), dist.shape)
        if dist[i, j] > 0:
            out.append(np.array([pts[i], pts[j]]))
    return out
