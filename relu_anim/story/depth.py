"""What depth buys, as numbers: folded tent maps and Yarotsky's deep x².

Two measurements for the depth chapter, both from exact analysis of real
networks built in :mod:`relu_anim.construct`:

- :func:`tent_step`: the tent map composed ``m`` times (``m`` hidden layers of
  2 units) has ``2**m`` pieces on [0, 1], while one hidden layer of the same
  ``2m`` units can have at most ``2m + 1`` pieces (one kink per unit);
- :func:`deep_x2`: Yarotsky's ``m``-layer approximation of x² on [0, 2]
  (``3m`` units) has max error ``2**(−2m)``; one hidden layer needs
  :func:`~relu_anim.x2.units_for_max_error` units for the same error,
  about ``2**m``.

numpy only, like the rest of the math core.

Examples
--------
>>> tent_step(3).pieces, tent_step(3).one_layer_max_pieces
(8, 7)
>>> row = deep_x2(5)
>>> row.deep_units, row.shallow_units, round(row.max_error / row.bound, 9)
(15, 23, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import x2
from ..construct import tent_map, yarotsky_x2
from ..metrics import max_error
from ..piecewise import PiecewiseLinear

__all__ = ["TENT_DOMAIN", "TentStep", "tent_step", "DeepX2", "deep_x2"]

#: Where the tent map folds: [0, 1] onto itself.
TENT_DOMAIN = (0.0, 1.0)

@dataclass(frozen=True, eq=False)
class TentStep:
    """The ``depth``-fold tent map and its counts.

    Attributes
    ----------
    depth
        Hidden layers ``m``.
    function
        Its exact piecewise-linear form on [0, 1].
    units
        Hidden units (``2m``).
    pieces, kinks
        Counted on ``function`` (``2**m`` and ``2**m − 1``).
    one_layer_max_pieces
        The most pieces one hidden layer of ``units`` units can make: ``units + 1``.
    """

    depth: int
    function: PiecewiseLinear
    units: int
    pieces: int
    kinks: int
    one_layer_max_pieces: int


def tent_step(m: int) -> TentStep:
    """Analyse ``tent_map(m)`` on [0, 1].

    Examples
    --------
    >>> s = tent_step(2)
    >>> s.function.breakpoints.tolist(), s.units
    ([0.25, 0.5, 0.75], 4)
    """
    net = tent_map(m)
    f = net.piecewise(*TENT_DOMAIN)
    return TentStep(m, f, net.hidden_units, f.num_pieces, len(f.breakpoints), net.hidden_units + 1)


@dataclass(frozen=True, eq=False)
class DeepX2:
    """Yarotsky's ``depth``-layer x² on [0, 2] against one hidden layer.

    Attributes
    ----------
    depth
        Hidden layers ``m`` (width 3 each).
    function
        The deep network's exact piecewise-linear form on [0, 2].
    deep_units
        Its hidden units (``3m``).
    max_error
        ``max |f − x²|`` on [0, 2], measured by :func:`~relu_anim.metrics.max_error`.
    bound
        The closed form ``2**(−2m)``.
    shallow_units
        Fewest units of one hidden layer whose best fit reaches ``max_error``.
    """

    depth: int
    function: PiecewiseLinear
    deep_units: int
    max_error: float
    bound: float
    shallow_units: int


def deep_x2(m: int) -> DeepX2:
    """Build, analyse and measure ``yarotsky_x2(m)`` on [0, 2]; compare with one layer.

    The measured error is rounded to 12 significant digits before asking
    :func:`~relu_anim.x2.units_for_max_error`, so rounding in the
    measurement cannot ask for one unit more than the closed form does.

    Examples
    --------
    >>> [deep_x2(m).shallow_units for m in (1, 2, 3, 4)]
    [1, 3, 6, 11]
    """
    net = yarotsky_x2(m, scale=x2.DOMAIN[1])
    f = net.piecewise(*x2.DOMAIN)
    err = max_error(f, x2.square)
    return DeepX2(m, f, net.hidden_units, err, 2.0 ** (-2 * m),
                  x2.units_for_max_error(float(f"{err:.12g}")))
