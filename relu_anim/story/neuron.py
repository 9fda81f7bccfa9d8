"""One neuron on its own: its output as a network, and the additivity test.

A neuron computes ``act(w·x + b)``. :func:`unit_network` makes one such neuron
a network of its own (the unit, then a linear output, of weight 1 unless
told), so its exact piecewise-linear graph comes from the same analysis as
every other network's; :func:`single_unit` cuts a first-layer unit out of a
network that way. With one input and ReLU, that graph is
``|w|·ReLU(±(x − h))`` with ``h = −b/w`` (see
:func:`~relu_anim.construct.relu_as_shift`).

:func:`additivity` evaluates the test every linear map passes,
``f(x) + f(y) = f(x + y)``, and reports the three numbers, so that a scene can
show ReLU failing it with values the network computed.

numpy only, like the rest of the math core.

Examples
--------
>>> from relu_anim.construct import shifted_relu_sum
>>> relu = shifted_relu_sum([1.0], [0.0])
>>> check = additivity(relu, -1.0, 1.0)
>>> (check.fx, check.fy, check.fxy, check.holds)
(0.0, 1.0, 0.0, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..checks import check_whole
from ..errors import ReluAnimError
from ..network import Layer, Network

__all__ = ["unit_network", "single_unit", "Additivity", "additivity"]


def unit_network(weight: float | Sequence[float], bias: float, activation: str = "relu",
                 negative_slope: float = 0.01, *, output_weight: float = 1.0) -> Network:
    """One neuron ``x ↦ output_weight·act(w·x + b)`` as a network, to analyse exactly.

    Parameters
    ----------
    weight
        The neuron's weight (one input) or weights (one per input).
    bias
        Its bias.
    activation, negative_slope
        As for :class:`~relu_anim.network.Layer`.
    output_weight
        The weight of the linear output (bias 0).

    Examples
    --------
    >>> unit_network(2.0, -1.0).piecewise(0, 2).breakpoints.tolist()
    [0.5]
    >>> unit_network([1.0, -1.0], 0.0, output_weight=3.0)(np.array([[2.0, 0.5]])).tolist()
    [[4.5]]
    """
    weights = np.asarray(weight, dtype=float).reshape(1, -1)
    return Network([Layer(weights, [float(bias)], activation, negative_slope, name="unit"),
                    Layer([[float(output_weight)]], [0.0], "linear", name="output")])


def single_unit(net: Network, unit: int = 0) -> Network:
    """First-layer unit ``unit`` of ``net`` alone: ``act(w·x + b)`` as a network.

    The result is :func:`unit_network` of the unit's weights, bias and
    activation: a linear output of weight 1 and bias 0, so its output is
    exactly what that neuron passes on.

    Parameters
    ----------
    net
        Any network; its first layer must have an activation.
    unit
        Index of the unit in the first layer.

    Raises
    ------
    ReluAnimError
        If ``unit`` is not a unit of the first layer or that layer is linear.

    Examples
    --------
    >>> net = Network([Layer([[2.0], [-1.0]], [-1.0, 0.5], "relu"), Layer([[3.0, 4.0]], [1.0])])
    >>> one = single_unit(net, 1)
    >>> one(np.array([-1.0, 0.0, 1.0])).tolist()
    [1.5, 0.5, 0.0]
    >>> one.piecewise(-2, 2).breakpoints.tolist()
    [0.5]
    """
    if not isinstance(net, Network):
        raise ReluAnimError(f"network: expected a Network, got {type(net).__name__}")
    first = net.layers[0]
    if first.is_linear:
        raise ReluAnimError("network: the first layer is linear; its units have no activation to show")
    i = check_whole(unit, "unit", low=0, high=first.out_features - 1)
    return unit_network(first.weight[i], first.bias[i], first.activation, first.negative_slope)


@dataclass(frozen=True)
class Additivity:
    """The numbers of the test ``f(x) + f(y) = f(x + y)``.

    Attributes
    ----------
    x, y
        The two inputs.
    fx, fy, fxy
        ``f(x)``, ``f(y)`` and ``f(x + y)``.
    """

    x: float
    y: float
    fx: float
    fy: float
    fxy: float

    @property
    def total(self) -> float:
        """``f(x) + f(y)``."""
        return self.fx + self.fy

    @property
    def gap(self) -> float:
        """``f(x) + f(y) − f(x + y)``: zero for every linear ``f``."""
        return self.total - self.fxy

    @property
    def holds(self) -> bool:
        """Whether the two sides agree (to rounding)."""
        return bool(np.isclose(self.total, self.fxy, rtol=1e-12, atol=1e-12))


def additivity(f: Callable[[np.ndarray], np.ndarray], x: float, y: float) -> Additivity:
    """Evaluate ``f`` at ``x``, ``y`` and ``x + y`` (one vectorised call).

    Parameters
    ----------
    f
        A scalar function of one variable taking arrays (a one-input network).
    x, y
        The inputs.

    Examples
    --------
    >>> line = Network([Layer([[2.0]], [0.0])])
    >>> additivity(line, -1.0, 3.0).holds
    True
    """
    x, y = float(x), float(y)
    values = np.asarray(f(np.array([x, y, x + y])), dtype=float).reshape(-1)
    if values.shape != (3,) or not np.all(np.isfinite(values)):
        raise ReluAnimError("function: must map three inputs to three finite numbers")
    fx, fy, fxy = (float(v) + 0.0 for v in values)
    return Additivity(x, y, fx, fy, fxy)
