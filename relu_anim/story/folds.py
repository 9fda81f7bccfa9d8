"""How the first layer of a two-input network folds the plane, unit by unit.

A first-layer unit ``act(w · x + b)`` with two inputs is active on the half-plane
``w · x + b > 0`` and folds the plane along the line ``w · x + b = 0``
(:func:`relu_anim.regions.first_layer_lines`). This module adds what the
feature-plane chapter shows while the folds arrive one at a time:

* :func:`active_side` — the part of the box where one unit is active, a convex
  polygon (the box clipped by the unit's half-plane);
* :func:`first_layer_network` — the first layer alone, its first ``k`` units
  summed, so that :func:`relu_anim.regions.linear_regions` can count the pieces
  those ``k`` lines cut the box into;
* :func:`fold_region_counts` — that count after each unit.

numpy only, like the rest of the math core.

Examples
--------
>>> from relu_anim import Layer, Network
>>> net = Network([Layer([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], "relu"), Layer([[1.0, 1.0]], [0.0])])
>>> active_side(net, 0, (-1, 1, -1, 1)).tolist()
[[0.0, -1.0], [1.0, -1.0], [1.0, 1.0], [0.0, 1.0]]
>>> fold_region_counts(net, (-1, 1, -1, 1))
[2, 4]
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..checks import check_whole
from ..errors import ReluAnimError
from ..network import Layer, Network
from ..regions import EDGE_RTOL, check_box, linear_regions

__all__ = ["active_side", "first_layer_network", "fold_region_counts"]


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
