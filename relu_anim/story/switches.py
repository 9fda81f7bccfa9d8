"""Where each hidden unit of a one-input ReLU layer switches, and what that does to the slope.

A network ``y = c + Σ vᵢ·ReLU(wᵢ·x + bᵢ)`` (one input, one hidden ReLU layer,
one output) is a sum of terms. Unit ``i`` switches at ``x = −bᵢ/wᵢ``: walking
to the right it switches **on** there when ``wᵢ > 0`` and **off** when
``wᵢ < 0``. Its term's slope is ``vᵢ·wᵢ`` where it is on, so at the switch the
output's slope jumps by ``+vᵢ·wᵢ`` (on) or ``−vᵢ·wᵢ`` (off).

Far to the left exactly the units with ``w < 0`` are on, far to the right
exactly those with ``w > 0``: the two end slopes add up to ``Σ vᵢ·wᵢ``, the
slope of the same weights without ReLU (``W₂W₁``), and the two end counts of
inactive units add up to the width.

numpy only, like the rest of the math core.

Examples
--------
>>> from relu_anim.construct import shifted_relu_sum
>>> net = shifted_relu_sum([1.0, -2.0], [0.5, 1.0])   # ReLU(x − 0.5) − 2·ReLU(x − 1)
>>> [(s.kink, s.turns_on, s.jump) for s in unit_switches(net)]
[(0.5, True, 1.0), (1.0, True, -2.0)]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ReluAnimError
from ..network import Network

__all__ = ["Switch", "unit_switches", "end_slopes"]


@dataclass(frozen=True)
class Switch:
    """Unit ``unit`` switching at ``kink = −b/w``.

    Attributes
    ----------
    unit
        Index of the hidden unit.
    kink
        Where it switches, ``−b/w``.
    turns_on
        ``True`` when it switches on walking right (``w > 0``), ``False`` when off.
    weight, out_weight
        Its ``w`` and its output weight ``v``.
    jump
        The output slope's change at the switch, walking right: ``+v·w`` on, ``−v·w`` off.
    """

    unit: int
    kink: float
    turns_on: bool
    weight: float
    out_weight: float
    jump: float


def _one_hidden_layer(net: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if net.widths[0] != 1 or net.widths[-1] != 1 or len(net.layers) != 2:
        raise ReluAnimError(f"network: expected 1 input, one hidden layer, 1 output (got widths {net.widths}); "
                            "unit switches are defined for that shape only")
    if net.layers[0].activation != "relu":
        raise ReluAnimError(f"network: expected ReLU hidden units (got {net.layers[0].activation!r})")
    return net.layers[0].weight[:, 0], net.layers[0].bias, net.layers[1].weight[0]


def unit_switches(net: Network) -> list[Switch]:
    """Every hidden unit's switch, sorted by ``kink`` (ties by unit index); units with ``w = 0`` never switch.

    Examples
    --------
    >>> from relu_anim.construct import random_network
    >>> s = unit_switches(random_network([1, 24, 1], seed=0))
    >>> len(s), sum(x.turns_on for x in s)
    (24, 14)
    """
    w, b, v = _one_hidden_layer(net)
    switches = [Switch(int(i), float(-b[i] / w[i]), bool(w[i] > 0), float(w[i]), float(v[i]),
                       float(v[i] * w[i]) if w[i] > 0 else float(-(v[i] * w[i])))
                for i in range(len(w)) if w[i] != 0]
    return sorted(switches, key=lambda s: (s.kink, s.unit))


def end_slopes(net: Network) -> tuple[float, float]:
    """The output's slope far left and far right: ``Σ_{w<0} v·w`` and ``Σ_{w>0} v·w``.

    Examples
    --------
    >>> from relu_anim.construct import shifted_relu_sum
    >>> end_slopes(shifted_relu_sum([1.0, -2.0], [0.5, 1.0]))
    (0.0, -1.0)
    """
    w, _, v = _one_hidden_layer(net)
    return float(np.sum((v * w)[w < 0])) + 0.0, float(np.sum((v * w)[w > 0])) + 0.0
