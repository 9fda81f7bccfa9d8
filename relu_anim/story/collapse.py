"""Weights a viewer can check by hand: a network with its weights rounded to a few decimal places.

The linear-collapse chapter multiplies two layers' matrices on screen. With
weights of ``places`` decimal places exactly, every product and sum of them
has at most ``2·places`` places, so the collapsed layer written with
``2·places`` places is the exact product of the digits shown — nothing hidden
by rounding (:func:`exact_places`).

numpy only, like the rest of the math core.

Examples
--------
>>> from relu_anim.construct import random_network
>>> net = round_weights(random_network([2, 3, 2], seed=0, activation="linear"), 2)
>>> net.layers[0].weight[0].tolist()
[0.19, -0.33]
>>> exact_places(2)
4
"""

from __future__ import annotations

import numpy as np

from ..checks import check_whole
from ..network import Layer, Network

__all__ = ["round_weights", "exact_places"]


def round_weights(net: Network, places: int) -> Network:
    """``net`` with every weight and bias rounded to ``places`` decimal places (activations kept).

    Parameters
    ----------
    net
        Any network.
    places
        Decimal places kept, at least 0.

    Examples
    --------
    >>> from relu_anim.network import Layer, Network
    >>> round_weights(Network([Layer([[0.125, -2.0]], [0.3333])]), 1).layers[0].bias.tolist()
    [0.3]
    """
    places = check_whole(places, "places")
    return Network(Layer(np.round(layer.weight, places), np.round(layer.bias, places), layer.activation,
                         layer.negative_slope, name=layer.name) for layer in net.layers)


def exact_places(places: int, depth: int = 2) -> int:
    """Decimal places that write any product of ``depth`` factors of ``places`` places exactly (sums too).

    Examples
    --------
    >>> exact_places(2), exact_places(2, depth=3)
    (4, 6)
    """
    return check_whole(places, "places") * check_whole(depth, "depth", low=1)
