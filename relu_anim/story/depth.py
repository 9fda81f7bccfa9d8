"""What depth buys, as numbers: folded tent maps and Yarotsky's deep x².

Two measurements for the depth chapter, both from exact analysis of real
networks built in :mod:`relu_anim.construct`:

- :func:`tent_step`: the tent map composed ``m`` times (``m`` hidden layers of
  2 units) has ``2**m`` pieces on [0, 1], while one hidden layer of the same
  ``2m`` units can have at most ``2m + 1`` pieces (one kink per unit);
- :func:`deep_x2`: Yarotsky's ``m``-layer approximation of x² on [0, 2]
  (``3m`` units) has max error ``2**(−2m)``; one hidden layer needs
  :func:`~relu_anim.x2.units_for_max_error` units for the same error,
  about ``2**m``;
- :func:`error_curve`: the error ``f_m(x) − x²`` of the deep network, with a
  point on every kink, for drawing it magnified;
- :func:`one_layer_piece`: where the one-layer rule ``2/(2n+1)²`` comes from,
  on the last piece of the best ``n``-unit fit: the chord of x² over a piece of
  width ``w`` sags ``w²/4`` at its middle, the best line lies halfway, ``w²/8``,
  and the best fit's kinks cut [0, 2] into pieces of width ``w = 4/(2n+1)``
  (the first one half as wide).

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

import numpy as np

from .. import x2
from ..checks import check_whole
from ..construct import tent_map, yarotsky_x2
from ..metrics import max_error
from ..piecewise import PiecewiseLinear

__all__ = ["TENT_DOMAIN", "TentStep", "tent_step", "DeepX2", "deep_x2", "error_curve", "OneLayerPiece",
           "one_layer_piece"]

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


def error_curve(row: DeepX2, per_piece: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """``(xs, f(xs) − x²)`` of the deep network ``row``: every knot, and ``per_piece − 1`` points inside each piece.

    On each piece the error is a parabola, zero at the knots (the deep network
    interpolates x² there; its chords lie above the convex x²) and largest at
    the middle; the knots are included
    so that the drawn curve touches zero exactly where it does.

    Examples
    --------
    >>> xs, err = error_curve(deep_x2(1), per_piece=2)
    >>> xs.tolist(), [round(float(e), 9) for e in err]
    ([0.0, 0.5, 1.0, 1.5, 2.0], [0.0, 0.25, 0.0, 0.25, 0.0])
    """
    per_piece = check_whole(per_piece, "per_piece", low=1)
    knots = row.function.knots
    t = np.arange(per_piece) / per_piece
    xs = np.concatenate([a + t * (b - a) for a, b in zip(knots[:-1], knots[1:])] + [knots[-1:]])
    return xs, row.function(xs) - x2.square(xs)


@dataclass(frozen=True)
class OneLayerPiece:
    """The last piece ``[a, b]`` of the best ``n``-unit one-layer fit of x² on [0, 2].

    Attributes
    ----------
    units
        ``n``.
    a, b
        The piece: ``a`` is the last kink ``(2n − 1)·2/(2n + 1)``, ``b = 2``.
    width
        ``w = b − a = 4/(2n + 1)``.
    middle, chord
        The middle of the piece and the chord of x² there, ``(a² + b²)/2``.
    sag
        How far the chord lies above x² at the middle: ``w²/4``.
    best
        The best line's error on the piece, half the sag: ``w²/8``, equal to
        :func:`~relu_anim.x2.optimal_max_error` ``(n) = 2/(2n + 1)²``.
    """

    units: int
    a: float
    b: float
    width: float
    middle: float
    chord: float
    sag: float
    best: float


def one_layer_piece(n: int) -> OneLayerPiece:
    """The last piece of the best ``n``-unit fit, with its chord sag and best error (the one-layer rule).

    Examples
    --------
    >>> p = one_layer_piece(1)
    >>> round(p.a, 9), p.b, round(p.width, 9), round(p.sag, 9), round(p.best, 9)
    (0.666666667, 2.0, 1.333333333, 0.444444444, 0.222222222)
    >>> round(p.best / x2.optimal_max_error(1), 12)
    1.0
    """
    kinks = x2.optimal_kinks(n)
    a, b = float(kinks[-1]), float(x2.DOMAIN[1])
    w = b - a
    middle = (a + b) / 2
    chord = float((x2.square(a) + x2.square(b)) / 2)
    sag = chord - float(x2.square(middle))
    return OneLayerPiece(int(n), a, b, w, middle, chord, sag, sag / 2)
