"""The x² problem: fit x² on [0, 2] with one hidden layer of n ReLU units.

The article's demo, and the one fit whose optimum is known in closed form
(DESIGN.md, "Numbers to hit"). For ``y = c + Σ aᵢ·ReLU(wᵢx + bᵢ)`` with ``n``
units:

- best possible max error ``2/(2n+1)²`` (:func:`optimal_max_error`), reached
  with kinks ``tⱼ = (2j−1)·2/(2n+1)`` (:func:`optimal_kinks`);
- best possible mean squared error over [0, 2] ``64/(45·(2n+1)⁴)``
  (:func:`optimal_mse`), with the same kinks;
- with ``n`` equal pieces instead, interpolation reaches ``(2/n)²/4``
  (:func:`interpolation_max_error`).

This module is the one home of the problem: its target text
(:data:`TARGET_TEXT`), domain (:data:`DOMAIN`), target function
(:data:`square`) and those formulas. :mod:`relu_anim.metrics` and
:mod:`relu_anim.construct` re-export the formulas under their ``x2_`` names;
:func:`relu_anim.construct.optimal_x2` builds the optimal network from
:func:`optimal_kinks`.

numpy only, like the rest of the math core.

Examples
--------
>>> DOMAIN, TARGET_TEXT, float(square(1.5))
((0.0, 2.0), 'x**2', 2.25)
>>> f"{optimal_max_error(5):.3e}", f"{optimal_mse(5):.3e}"
('1.653e-02', '9.714e-05')
>>> optimal_kinks(2).tolist()
[0.4, 1.2]
"""

from __future__ import annotations

import math

import numpy as np

from .checks import check_whole
from .errors import ReluAnimError
from .target import Target, parse_target

__all__ = [
    "TARGET_TEXT",
    "TARGET_SPELLINGS",
    "DOMAIN",
    "square",
    "optimal_max_error",
    "optimal_mse",
    "interpolation_max_error",
    "optimal_kinks",
    "units_for_max_error",
    "is_x2_on_0_2",
]

#: The target as the CLI and the network file write it.
TARGET_TEXT = "x**2"
#: Every spelling of the target that counts as this problem (spaces ignored).
TARGET_SPELLINGS = frozenset({"x**2", "x*x", "x^2", "x²"})
#: The interval of the article's demo.
DOMAIN = (0.0, 2.0)
#: The target, x², as a vectorised function (a parsed :class:`~relu_anim.target.Target`).
square: Target = parse_target(TARGET_TEXT)


def _units(n: int) -> int:
    return check_whole(n, "units", low=1)


def _max_error(n: int) -> float:
    return 2.0 / (2 * n + 1) ** 2


def optimal_max_error(n: int) -> float:
    """Best possible max error ``2/(2n+1)²`` for x² on [0, 2] with ``n`` ReLU units.

    Examples
    --------
    >>> round(optimal_max_error(1), 4)
    0.2222
    """
    return _max_error(_units(n))


def optimal_mse(n: int) -> float:
    """Best possible mean squared error ``64/(45(2n+1)⁴)`` for x² on [0, 2] with ``n`` units.

    Examples
    --------
    >>> f"{optimal_mse(2):.3e}"
    '2.276e-03'
    """
    return 64.0 / (45.0 * (2 * _units(n) + 1) ** 4)


def interpolation_max_error(n: int) -> float:
    """Max error ``(2/n)²/4`` of interpolating x² on ``n`` equal pieces of [0, 2].

    Examples
    --------
    >>> interpolation_max_error(2)
    0.25
    """
    return (2.0 / _units(n)) ** 2 / 4.0


def optimal_kinks(n: int) -> np.ndarray:
    """Kinks ``t_j = (2j − 1)·2/(2n + 1)``, ``j = 1 … n``, of the best n-unit fits of x² on [0, 2].

    Examples
    --------
    >>> optimal_kinks(2).tolist()
    [0.4, 1.2]
    """
    n = _units(n)
    return (2 * np.arange(1, n + 1) - 1) * 2.0 / (2 * n + 1)


def units_for_max_error(eps: float) -> int:
    """Fewest one-hidden-layer units whose best fit of x² on [0, 2] has max error ≤ ``eps``.

    Examples
    --------
    >>> units_for_max_error(2 / 9), units_for_max_error(2.0 ** -12)
    (1, 45)
    """
    eps = float(eps)
    if not eps > 0:
        raise ReluAnimError(f"eps: must be positive (got {eps})")
    n = max(1, math.ceil((math.sqrt(2 / eps) - 1) / 2))
    while n > 1 and _max_error(n - 1) <= eps:  # guard against rounding in sqrt
        n -= 1
    while _max_error(n) > eps:
        n += 1
    return n


def is_x2_on_0_2(target_text: str | None, domain: tuple[float, float]) -> bool:
    """True when a fit is this problem: one of :data:`TARGET_SPELLINGS` on :data:`DOMAIN`.

    Examples
    --------
    >>> is_x2_on_0_2("x * x", (0, 2)), is_x2_on_0_2("x**2", (0, 1)), is_x2_on_0_2(None, (0, 2))
    (True, False, False)
    """
    if target_text is None:
        return False
    return target_text.replace(" ", "") in TARGET_SPELLINGS and tuple(map(float, domain)) == DOMAIN
