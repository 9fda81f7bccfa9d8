"""Questions about a scalar network's first-layer units: where they bend, which are dead.

A first-layer unit of a network with one input computes ``act(w·x + b)``: its
pre-activation is affine in ``x``, so it has one kink, at ``x = −b/w``, and on an
interval it is either active somewhere or nowhere, which the two ends decide.
A ReLU unit that is active nowhere on the data is *dead*: its output is 0 and so
is every gradient through it, and training never brings it back.

numpy only, like the rest of the math core.
"""

from __future__ import annotations

import numpy as np

from ..errors import ReluAnimError
from ..checks import check_domain
from ..network import Network

__all__ = ["first_layer_kinks", "dead_units"]


def _first_layer(net: Network):
    if not isinstance(net, Network):
        raise ReluAnimError(f"network: expected a Network, got {type(net).__name__}")
    if net.in_features != 1:
        raise ReluAnimError(
            f"network: first-layer kinks need one input (this one takes {net.in_features})"
        )
    return net.layers[0]


def first_layer_kinks(net: Network) -> np.ndarray:
    """Where each first-layer unit bends: ``−b/w``, one entry per unit.

    A unit with ``w = 0`` is constant and has no kink: its entry is ``nan``.
    The entries are in unit order, not sorted, and may lie outside any domain.

    Parameters
    ----------
    net
        A network with one input.

    Examples
    --------
    >>> from relu_anim.network import Layer, Network
    >>> net = Network([Layer([[1.0], [-2.0], [0.0]], [-0.5, 2.0, 1.0], "relu"),
    ...                Layer([[1.0, 1.0, 1.0]], [0.0])])
    >>> first_layer_kinks(net).tolist()
    [0.5, 1.0, nan]
    """
    layer = _first_layer(net)
    w = layer.weight[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        kinks = np.where(w != 0, -layer.bias / np.where(w != 0, w, 1.0), np.nan)
    return kinks + 0.0  # + 0.0: no -0.0


def dead_units(net: Network, domain: tuple[float, float]) -> int:
    """Number of first-layer ReLU units that are inactive everywhere on ``domain``.

    The pre-activation ``w·x + b`` is affine, so a unit is dead on ``[a, b]``
    exactly when it is ``≤ 0`` at both ends. Only ``relu`` layers can have dead
    units (a leaky ReLU still passes a gradient; a linear layer has no kink), so
    the count is 0 for any other first-layer activation.

    Parameters
    ----------
    net
        A network with one input.
    domain
        ``(a, b)`` with ``a < b``.

    Examples
    --------
    Units ``ReLU(x − 1)``, ``ReLU(x − 3)`` and ``ReLU(2 − x)`` on [0, 2]: the
    second never switches on.

    >>> from relu_anim.network import Layer, Network
    >>> net = Network([Layer([[1.0], [1.0], [-1.0]], [-1.0, -3.0, 2.0], "relu"),
    ...                Layer([[1.0, 1.0, 1.0]], [0.0])])
    >>> dead_units(net, (0, 2))
    1
    """
    a, b = check_domain(*domain)
    layer = _first_layer(net)
    if layer.activation != "relu":
        return 0
    w = layer.weight[:, 0]
    at_a = w * a + layer.bias
    at_b = w * b + layer.bias
    return int(np.count_nonzero((at_a <= 0) & (at_b <= 0)))
