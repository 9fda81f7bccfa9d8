"""A one-input network read unit by unit: ``y = c + Σ aᵢ·|wᵢ|·ReLU(±(x − hᵢ))``.

The companion of the chapter "Units become terms". A network with one input,
one hidden ReLU layer and a linear output computes
``y = c + Σ aᵢ·ReLU(wᵢ·x + bᵢ)``. Each unit is a shifted ReLU
(:func:`~relu_anim.construct.relu_as_shift`): ``ReLU(w·x + b) = |w|·ReLU(x − h)``
with ``h = −b/w``, or ``|w|·ReLU(h − x)`` when ``w < 0`` (flipped). Times its
output weight it is one *term* of the sum, and the terms plus ``c`` are the
network, with a kink at each ``hᵢ`` (unless terms cancel there).

:func:`decompose` reads any such network this way (:class:`Decomposition`,
one :class:`Term` per unit); :func:`story_network` is the network the chapter
shows, :func:`story` its decomposition on :data:`DOMAIN`.

numpy only, like the rest of the core.

Examples
--------
>>> d = story()
>>> [(t.weight, t.bias, t.h, t.flipped) for t in d.terms]
[(1.2, 1.8, -1.5, False), (-1.6, 0.8, 0.5, True), (1.5, -3.0, 2.0, False)]
>>> [round(t.coefficient, 12) for t in d.terms], d.bias
([0.6, 0.8, -1.8], -0.5)
>>> d.output.breakpoints.tolist()
[-1.5, 0.5, 2.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..checks import check_domain
from ..construct import relu_as_shift, shifted_relu_sum
from ..errors import ReluAnimError
from ..network import Layer, Network
from ..piecewise import PiecewiseLinear
from .neuron import single_unit

__all__ = ["DOMAIN", "WEIGHTS", "BIASES", "OUTPUT_WEIGHTS", "OUTPUT_BIAS", "Term", "Decomposition",
           "decompose", "story_network", "story", "rounding_bound"]

# --------------------------------------------------------------- the story's choices
#: The x range the chapter draws.
DOMAIN = (-3.0, 3.0)
#: First-layer weights w of the three hidden units: one negative, so one unit is flipped.
WEIGHTS = (1.2, -1.6, 1.5)
#: Their biases b (chosen so that h = −b/w is short: −1.5, 0.5, 2).
BIASES = (1.8, 0.8, -3.0)
#: Output weights a (one negative: that term hangs downwards).
OUTPUT_WEIGHTS = (0.5, 0.5, -1.2)
#: The output bias c.
OUTPUT_BIAS = -0.5

#: Unit roundoff of float64.
_U = 2.0**-53


def _gamma(n: int) -> float:
    """``γₙ = n·u/(1 − n·u)``: relative bound on ``n`` successive roundings (Higham §3.1)."""
    return n * _U / (1 - n * _U)


@dataclass(frozen=True, eq=False)
class Term:
    """Hidden unit ``index`` of a network, rewritten as one term of the output's sum.

    Attributes
    ----------
    index
        The unit's position in the hidden layer.
    weight, bias
        Its ``w`` and ``b``: the unit computes ``ReLU(w·x + b)``.
    output_weight
        ``a``: the weight of the unit in the output's sum.
    scale, h, flipped
        :func:`~relu_anim.construct.relu_as_shift` of ``(w, b)``: ``|w|``, ``−b/w``, ``w < 0``.
    unit
        The unit alone, ``ReLU(w·x + b)`` (:func:`~relu_anim.story.neuron.single_unit`).
    shifted
        The same unit rewritten, ``|w|·ReLU(±(x − h))`` (:func:`~relu_anim.construct.shifted_relu_sum`).
    term
        ``a·|w|·ReLU(±(x − h))``, the rewritten term, as a network of its own
        (:func:`~relu_anim.construct.shifted_relu_sum`).
    """

    index: int
    weight: float
    bias: float
    output_weight: float
    scale: float
    h: float
    flipped: bool
    unit: Network
    shifted: Network
    term: Network

    @property
    def coefficient(self) -> float:
        """``a·|w|``: the term's factor in front of ``ReLU(±(x − h))``."""
        return self.output_weight * self.scale

    def __call__(self, x) -> np.ndarray:
        """The term at ``x``, evaluated in its rewritten form ``a·|w|·ReLU(±(x − h))``."""
        return self.term(np.asarray(x, dtype=float))


@dataclass(frozen=True, eq=False)
class Decomposition:
    """A one-hidden-layer network as ``c + Σ`` of its units' terms, on a domain.

    Attributes
    ----------
    network
        The network read.
    domain
        ``(a, b)``: where the exact output is analysed.
    terms
        One :class:`Term` per hidden unit, in unit order.
    bias
        ``c``, the output bias.
    output
        The network's exact output on ``domain`` (:meth:`~relu_anim.network.Network.piecewise`).
    """

    network: Network
    domain: tuple[float, float]
    terms: tuple[Term, ...]
    bias: float
    output: PiecewiseLinear

    @property
    def sum_network(self) -> Network:
        """``c + Σ aᵢ·|wᵢ|·ReLU(±(x − hᵢ))`` as one network: the rewritten sum."""
        return self.partial(len(self.terms))

    def partial(self, k: int) -> Network:
        """``c`` plus the first ``k`` terms, rewritten, as a network (``k = 0``: a unit of weight 0).

        Examples
        --------
        >>> d = story()
        >>> [round(float(d.partial(k)(3.0)), 12) for k in range(4)]
        [-0.5, 2.2, 2.2, 0.4]
        """
        if not 0 <= k <= len(self.terms):
            raise ReluAnimError(f"k: a partial sum takes 0 to {len(self.terms)} terms (got {k})")
        if k == 0:
            return shifted_relu_sum([0.0], [0.0], self.bias)
        kept = self.terms[:k]
        return shifted_relu_sum([t.coefficient for t in kept], [t.h for t in kept], self.bias,
                                flipped=[t.flipped for t in kept])

    def partial_sums(self) -> list[PiecewiseLinear]:
        """The running sums ``c``, ``c + term₁``, …, the whole output, exactly, on :attr:`domain`."""
        return [self.partial(k).piecewise(*self.domain) for k in range(len(self.terms) + 1)]

    def term_values(self, x) -> np.ndarray:
        """Every term at every ``x``, in rewritten form: shape ``(len(x), len(terms))``."""
        xs = np.asarray(x, dtype=float).reshape(-1)
        return np.stack([t(xs).reshape(-1) for t in self.terms], axis=1)

    def __call__(self, x) -> np.ndarray:
        """``c + Σ`` of the rewritten terms at ``x`` (one value per x)."""
        return self.bias + self.term_values(x).sum(axis=1)

    def check_kinks(self) -> np.ndarray:
        """The output's kinks, after checking that the sum of terms is the network there.

        At every kink of :attr:`output` the rewritten sum :meth:`__call__`, the
        network's own evaluation and the exact analysis's value must agree
        within their rounding (:func:`rounding_bound`), and every kink must be
        an ``hᵢ`` of a unit with ``aᵢ ≠ 0``.

        Raises
        ------
        ReluAnimError
            If they do not (the decomposition would then be wrong).

        Examples
        --------
        >>> story().check_kinks().tolist()
        [-1.5, 0.5, 2.0]
        """
        xs = self.output.breakpoints
        if len(xs) == 0:
            return xs
        bound = rounding_bound(self.network, xs)
        summed, direct, exact = self(xs), self.network(xs).reshape(-1), self.output.values
        for name, values in (("the network", direct), ("the exact output", exact)):
            gap = np.abs(summed - values)
            if np.any(gap > 2 * bound):
                i = int(np.argmax(gap - 2 * bound))
                raise ReluAnimError(f"decomposition: at the kink x = {xs[i]!r} the sum of terms is "
                                    f"{summed[i]!r}, {name} {values[i]!r}; the rewrite is wrong")
        hs = np.array([t.h for t in self.terms if t.output_weight != 0])
        near = np.min(np.abs(xs[:, None] - hs[None, :]), axis=1) if len(hs) else np.full(len(xs), np.inf)
        if np.any(near > 4 * _U * np.maximum(np.abs(xs), 1.0)):
            i = int(np.argmax(near))
            raise ReluAnimError(f"decomposition: the output bends at x = {xs[i]!r}, where no unit's h is")
        return xs


def rounding_bound(network: Network, x) -> np.ndarray:
    """A bound on how far either form of the network's value at ``x`` is from the exact one.

    With ``n`` units, ``M = |c| + Σ |aᵢ|·(|wᵢ|·|x| + 2|bᵢ|)``: the network's
    own evaluation (a dot product of ``n`` terms plus ``c``, each unit's
    ``wx + b`` rounded twice) is within ``γₙ₊₃·M``; the rewritten term
    ``a·|w|·ReLU(±(x − h))`` rounds ``h = −b/w``, ``x − h``, ``·|w|``, ``·a`` —
    relative error ``γ₄`` of ``|a|·|w|·(|x| + 2|h|) = |a|·(|w||x| + 2|b|)`` —
    and the sum of ``n`` terms and ``c`` adds ``γₙ₊₁``. Both are within
    ``γₙ₊₅·M``, the value returned (``M`` itself rounded: γ taken at ``2(n + 5)``).

    Examples
    --------
    >>> float(rounding_bound(story_network(), [0.0])[0]) < 1e-13
    True
    """
    hidden, output = _check(network)
    xs = np.abs(np.asarray(x, dtype=float).reshape(-1))
    size = np.abs(output.bias[0]) + (np.abs(hidden.weight[:, 0])[None, :] * xs[:, None]
                                     + 2 * np.abs(hidden.bias)[None, :]) @ np.abs(output.weight[0])
    return _gamma(2 * (hidden.out_features + 5)) * size


def _check(network: Network) -> tuple[Layer, Layer]:
    if not isinstance(network, Network):
        raise ReluAnimError(f"network: expected a Network, got {type(network).__name__}")
    if len(network.layers) != 2 or network.in_features != 1 or network.out_features != 1:
        raise ReluAnimError(f"network: need one input, one hidden layer and one output "
                            f"(got widths {network.widths})")
    hidden, output = network.layers
    if hidden.activation != "relu" or not output.is_linear:
        raise ReluAnimError("network: need a relu hidden layer and a linear output to read units as terms")
    return hidden, output


def decompose(network: Network, domain: tuple[float, float] = DOMAIN) -> Decomposition:
    """Read a one-input, one-hidden-layer ReLU network as ``c + Σ`` of its units' terms.

    Parameters
    ----------
    network
        One input, one ReLU hidden layer, one linear output; no weight ``w`` may be 0
        (such a unit is a constant and has no kink to shift).
    domain
        ``(a, b)``: where the exact output is analysed.

    Raises
    ------
    ReluAnimError
        If the network is not of that shape or a unit has ``w = 0``.

    Examples
    --------
    >>> net = Network([Layer([[2.0], [-1.0]], [-1.0, 1.0], "relu"), Layer([[1.0, 3.0]], [0.5])])
    >>> d = decompose(net, (-2.0, 2.0))
    >>> [(t.scale, t.h, t.flipped, t.coefficient) for t in d.terms]
    [(2.0, 0.5, False, 2.0), (1.0, 1.0, True, 3.0)]
    >>> float(d(np.array([0.0]))[0]) == float(net(0.0))
    True
    """
    hidden, output = _check(network)
    a, b = check_domain(*domain)
    terms = []
    for i, (w, bias, weight) in enumerate(zip(hidden.weight[:, 0], hidden.bias, output.weight[0])):
        if w == 0:
            raise ReluAnimError(f"network: hidden unit {i} has weight 0, a constant with no kink; "
                                "give it a non-zero weight or drop it")
        scale, h, flipped = relu_as_shift(w, bias)
        shifted = shifted_relu_sum([scale], [h], flipped=[flipped])
        term = shifted_relu_sum([float(weight) * scale], [h], flipped=[flipped])
        terms.append(Term(i, float(w), float(bias), float(weight), scale, h, flipped,
                          single_unit(network, i), shifted, term))
    return Decomposition(network, (a, b), tuple(terms), float(output.bias[0]), network.piecewise(a, b))


def story_network(weights: Sequence[float] = WEIGHTS, biases: Sequence[float] = BIASES,
                  output_weights: Sequence[float] = OUTPUT_WEIGHTS, output_bias: float = OUTPUT_BIAS) -> Network:
    """The chapter's network, 1 → 3 ReLU units → 1, from the story's numbers.

    Examples
    --------
    >>> story_network().widths
    [1, 3, 1]
    """
    w = np.asarray(weights, dtype=float).reshape(-1, 1)
    return Network([Layer(w, biases, "relu", name="hidden"),
                    Layer(np.asarray(output_weights, dtype=float).reshape(1, -1), [float(output_bias)], "linear",
                          name="output")])


def story() -> Decomposition:
    """:func:`decompose` of :func:`story_network` on :data:`DOMAIN`, its kinks checked."""
    d = decompose(story_network(), DOMAIN)
    d.check_kinks()
    return d
