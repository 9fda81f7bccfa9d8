"""How the units of a two-input network crease the plane, unit by unit.

A first-layer unit ``ReLU(w · x + b)`` with two inputs is zero on one side of
the line ``w · x + b = 0`` and rises linearly on the other: it creases the
plane along that line, a hinge between two flat pieces
(:func:`relu_anim.regions.first_layer_lines`). (The module keeps its first
name, ``folds``: the chapter used to say "fold", which is not what a unit
does.) This module adds what the feature-plane chapter shows while the creases
arrive one at a time:

* :func:`active_side` — the part of the box where one unit is active, a convex
  polygon (the box clipped by the unit's half-plane);
* :func:`first_layer_network` — the first layer alone, its first ``k`` units
  summed, so that :func:`relu_anim.regions.linear_regions` can count the pieces
  those ``k`` lines cut the box into;
* :func:`fold_region_counts` — that count after each unit;
* :func:`unit_network` — any one hidden unit's output as a network of its
  own, so its value over the plane can be drawn like the network's output;
* :func:`value_range` and :func:`contour_levels` — the lowest and highest
  value of a piecewise-affine output on its regions, and round contour levels
  between them.

numpy only, like the rest of the math core.

Examples
--------
>>> from relu_anim import Layer, Network
>>> net = Network([Layer([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], "relu"), Layer([[1.0, 1.0]], [0.0])])
>>> active_side(net, 0, (-1, 1, -1, 1)).tolist()
[[0.0, -1.0], [1.0, -1.0], [1.0, 1.0], [0.0, 1.0]]
>>> fold_region_counts(net, (-1, 1, -1, 1))
[2, 4]
>>> contour_levels(-0.3, 2.2, 5)
[0.0, 0.5, 1.0, 1.5, 2.0]
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..checks import check_whole
from ..errors import ReluAnimError
from ..network import Layer, Network
from ..regions import EDGE_RTOL, Region, check_box, linear_regions

__all__ = ["active_side", "first_layer_network", "fold_region_counts", "unit_network", "value_range",
           "contour_levels"]


def _first_layer(net: Network) -> Layer:
    if not isinstance(net, Network):
        raise ReluAnimError(f"network: expected a Network, got {type(net).__name__}")
    if net.in_features != 2:
        raise ReluAnimError(f"network: folds of the plane need two inputs (this one takes {net.in_features})")
    layer = net.layers[0]
    if layer.is_linear:
        raise ReluAnimError("layers[0]: is linear; its units do not fold the plane")
    return layer


def active_side(net: Network, unit: int, box: Sequence[float]) -> np.ndarray | None:
    """Where first-layer unit ``unit`` is active inside ``box``: a convex polygon.

    The box's corners, counter-clockwise, clipped by ``w · x + b >= 0``
    (Sutherland–Hodgman against one line).

    Returns
    -------
    (k, 2) array or None
        Counter-clockwise vertices, ``k >= 3``; the whole box when the unit is
        active everywhere on it; ``None`` when it is active nowhere (or only on
        a sliver thinner than :data:`~relu_anim.regions.EDGE_RTOL` times the box).
    """
    layer = _first_layer(net)
    unit = check_whole(unit, "unit", low=0, high=layer.out_features - 1)
    x0, x1, y0, y1 = check_box(box)
    w, b = layer.weight[unit], float(layer.bias[unit])
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    norm = float(np.hypot(*w))
    if norm == 0:
        return corners if b > 0 else None
    dist = (corners @ w + b) / norm  # signed distance, positive on the active side
    eps = EDGE_RTOL * max(x1 - x0, y1 - y0, abs(x0), abs(x1), abs(y0), abs(y1))
    if dist.max() <= eps:
        return None
    out = []
    for i in range(4):
        p, q = corners[i], corners[(i + 1) % 4]
        dp, dq = dist[i], dist[(i + 1) % 4]
        if dp >= 0:
            out.append(p)
        if (dp > 0 and dq < 0) or (dp < 0 and dq > 0):
            out.append(p + dp / (dp - dq) * (q - p))
    poly = np.array(out)
    keep = np.concatenate([[True], np.abs(np.diff(poly, axis=0)).max(axis=1) > eps])
    poly = poly[keep]
    if len(poly) > 1 and np.abs(poly[0] - poly[-1]).max() <= eps:
        poly = poly[:-1]
    return poly if len(poly) >= 3 else None


def first_layer_network(net: Network, units: int | None = None) -> Network:
    """The first layer's first ``units`` units (all by default), summed by a linear output.

    Its activation regions are the pieces the first ``units`` fold lines cut the
    plane into.
    """
    layer = _first_layer(net)
    k = layer.out_features if units is None else check_whole(units, "units", low=1, high=layer.out_features)
    first = Layer(layer.weight[:k], layer.bias[:k], layer.activation, layer.negative_slope)
    return Network([first, Layer(np.ones((1, k)), [0.0])])


def fold_region_counts(net: Network, box: Sequence[float]) -> list[int]:
    """How many pieces the box is cut into after each first-layer unit's fold.

    Entry ``k − 1`` is the number of activation regions of
    :func:`first_layer_network` ``(net, k)`` inside ``box``.
    """
    layer = _first_layer(net)
    return [len(linear_regions(first_layer_network(net, k), box)) for k in range(1, layer.out_features + 1)]


def unit_network(net: Network, layer: int, unit: int) -> Network:
    """The output of hidden unit ``unit`` of layer ``layer`` as a network of its own.

    The layers before ``layer`` unchanged, then that unit's row of ``layer``
    (its activation kept), then a linear output that passes it on: its
    :func:`~relu_anim.regions.linear_regions` draw the unit's value over the plane.

    Examples
    --------
    >>> from relu_anim import Layer, Network
    >>> net = Network([Layer([[1.0, 0.0], [0.0, 1.0]], [0.0, -1.0], "relu"), Layer([[1.0, 1.0]], [0.0])])
    >>> unit_network(net, 0, 1)([[0.0, 3.0]]).tolist()
    [[2.0]]
    """
    if not isinstance(net, Network):
        raise ReluAnimError(f"network: expected a Network, got {type(net).__name__}")
    hidden = len(net.layers) - 1
    layer = check_whole(layer, "layer", low=0, high=hidden - 1)
    chosen = net.layers[layer]
    unit = check_whole(unit, "unit", low=0, high=chosen.out_features - 1)
    row = Layer(chosen.weight[unit:unit + 1], chosen.bias[unit:unit + 1], chosen.activation,
                chosen.negative_slope)
    return Network([*net.layers[:layer], row, Layer([[1.0]], [0.0])])


def value_range(regions: Sequence[Region], output: int = 0) -> tuple[float, float]:
    """The lowest and highest value of output ``output`` over ``regions``.

    An affine map on a convex polygon takes its extremes at vertices, so these
    are exact: the smallest and largest value at any region's vertex.

    Examples
    --------
    >>> r = Region([[0, 0], [2, 0], [0, 2]], [[1.0, -1.0]], [0.5], (True,))
    >>> value_range([r])
    (-1.5, 2.5)
    """
    if not regions:
        raise ReluAnimError("regions: need at least one region to take a value range")
    values = np.concatenate([r(r.vertices)[:, output] for r in regions])
    return float(values.min()), float(values.max())


def contour_levels(low: float, high: float, count: int = 8) -> list[float]:
    """About ``count`` round levels strictly between ``low`` and ``high``, equally spaced.

    The step is 1, 2 or 5 times a power of ten, the smallest such step giving at
    most ``count`` levels; the levels are its multiples.
    """
    low, high = float(low), float(high)
    count = check_whole(count, "count", low=1)
    if not (np.isfinite(low) and np.isfinite(high)) or not low < high:
        raise ReluAnimError(f"contour levels: need finite low < high (got {low:g}, {high:g})")
    span = high - low
    power = 10.0 ** np.floor(np.log10(span / count))
    for factor in (1.0, 2.0, 5.0, 10.0, 20.0):
        step = factor * power
        first, last = int(np.floor(low / step)) + 1, int(np.ceil(high / step)) - 1
        if last - first + 1 <= count:
            break
    return [float(round(k * step, 12)) + 0.0 for k in range(first, last + 1)]
