"""Interval arithmetic on numpy arrays, rounded outward: enclosures of a function's values.

Each function takes intervals as ``(lo, hi)`` pairs of equally shaped float arrays
(many intervals at once) and returns an interval that contains every exact
result for arguments in the given ones. :mod:`relu_anim.target` uses them to
prove a target finite on a domain (:meth:`relu_anim.target.Target.check_finite`).

Soundness: ``+ − × ÷`` and ``sqrt`` are correctly rounded in IEEE 754, so one
step outward (``nextafter``) covers their rounding; a sum or product known to
be exact (by an error-free transformation, or a zero factor) is not widened, so
``1 − 1`` stays ``[0, 0]``. The other elementary functions are assumed accurate
to :data:`LIBM_ULPS` units in the last place: numpy picks their code at run time
(glibc, or SIMD versions such as SVML on AVX-512), and none documents more than a
few ulp. Their end values are widened by twice that, so that the enclosure holds
the exact values and also every value numpy computes inside it, which may be off
the other way. Functions that can fail (division by an
interval holding 0, ``log`` of one reaching 0, ``tan`` across a pole, ...) also
return a mask of the intervals where they are defined; callers treat any other
interval as unproven.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "LIBM_ULPS",
    "add",
    "sub",
    "neg",
    "mul",
    "square",
    "div",
    "power",
    "monotone",
    "sin",
    "cos",
    "tan",
    "absolute",
]

Interval = tuple[np.ndarray, np.ndarray]

#: Accuracy assumed of numpy's exp, log, sin, tanh, power, ..., in units in the last place.
LIBM_ULPS = 4

_U = 2.0**-53
_ULP = 2.0**-52  # one unit in the last place of v is at most this times |v|
_TINY = 2.0**-1074
_NORMAL = 2.0**-1022
_PI = np.pi
_TWO_PI = 2 * np.pi


def _down(x: np.ndarray) -> np.ndarray:
    return np.nextafter(x, -np.inf)


def _up(x: np.ndarray) -> np.ndarray:
    return np.nextafter(x, np.inf)


def _widen(lo: np.ndarray, hi: np.ndarray, ulps: float = 2 * LIBM_ULPS) -> Interval:
    """Widen by ``ulps`` units in the last place (and one subnormal step below the normal range).

    The default covers an end value computed :data:`LIBM_ULPS` off, and a value
    computed inside the interval as far off the other way.
    """
    lo = lo - np.abs(lo) * (ulps * _ULP) - np.where((lo != 0) & (np.abs(lo) < _NORMAL), _TINY, 0.0)
    hi = hi + np.abs(hi) * (ulps * _ULP) + np.where((hi != 0) & (np.abs(hi) < _NORMAL), _TINY, 0.0)
    return lo, hi


def _sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a + b`` and its exact error (Knuth's TwoSum): ``a + b = s + err``."""
    s = a + b
    bb = s - a
    err = (a - (s - bb)) + (b - bb)
    return s, err


def add(x: Interval, y: Interval) -> Interval:
    """``x + y``."""
    lo, elo = _sum(x[0], y[0])
    hi, ehi = _sum(x[1], y[1])
    return np.where(elo < 0, _down(lo), lo), np.where(ehi > 0, _up(hi), hi)


def neg(x: Interval) -> Interval:
    """``−x`` (exact)."""
    return -x[1], -x[0]


def sub(x: Interval, y: Interval) -> Interval:
    """``x − y``."""
    return add(x, neg(y))


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Veltkamp's split of ``a`` into two halves of 26 bits each."""
    c = 134217729.0 * a  # 2^27 + 1
    high = c - (c - a)
    return high, a - high


def _two_product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``a·b``, its exact error (Dekker: ``a·b = p + err``), and where that error is valid
    (no overflow in the split, no underflow in the pieces)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    valid = (np.abs(a) < 2.0**995) & (np.abs(b) < 2.0**995) & (np.abs(p) < 2.0**1020) & (
        (p == 0) | (np.abs(p) > 2.0**-960)) & np.isfinite(err)
    return p, err, valid


def _rounded(p: np.ndarray, err: np.ndarray, valid: np.ndarray) -> Interval:
    """The interval holding ``p + err``: ``p`` itself on the side where no error lies."""
    lo = np.where(valid & (err >= 0), p, _down(p))
    hi = np.where(valid & (err <= 0), p, _up(p))
    return lo, hi


def _product(a: np.ndarray, b: np.ndarray) -> Interval:
    """``a·b`` as an interval: exact when it is (a zero factor, or a zero rounding error)."""
    p, err, valid = _two_product(a, b)
    zero = (a == 0) | (b == 0)
    return _rounded(p, np.where(zero, 0.0, err), valid | zero)


def mul(x: Interval, y: Interval) -> Interval:
    """``x · y`` (for ``x · x`` use :func:`square`, which knows the result is not negative)."""
    cands = [_product(p, q) for p in x for q in y]
    lo = np.minimum.reduce([c[0] for c in cands])
    hi = np.maximum.reduce([c[1] for c in cands])
    both_signs_equal = ((x[0] >= 0) & (y[0] >= 0)) | ((x[1] <= 0) & (y[1] <= 0))
    return np.where(both_signs_equal, np.maximum(lo, 0.0), lo), hi


def square(x: Interval) -> Interval:
    """``x²``: not negative, and 0 when ``x`` holds 0."""
    lo_abs = np.where((x[0] <= 0) & (x[1] >= 0), 0.0, np.minimum(np.abs(x[0]), np.abs(x[1])))
    hi_abs = np.maximum(np.abs(x[0]), np.abs(x[1]))
    lo = _product(lo_abs, lo_abs)[0]
    return np.maximum(lo, 0.0), _product(hi_abs, hi_abs)[1]


def div(x: Interval, y: Interval) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``x / y`` and where it is defined: ``y`` must not hold 0."""
    ok = (y[0] > 0) | (y[1] < 0)
    cands = []
    for p in x:
        for q in y:
            r = p / q
            # p = r·q + rem exactly; the true quotient is r + rem/q
            rq, err, valid = _two_product(r, q)
            rem = (p - rq) - err
            valid = valid & (np.abs(p - rq) <= np.abs(p)) & np.isfinite(rem)
            side = np.where(p == 0, 0.0, np.sign(rem) * np.sign(q))
            cands.append(_rounded(r, side, valid | (p == 0)))
    lo = np.minimum.reduce([c[0] for c in cands])
    hi = np.maximum.reduce([c[1] for c in cands])
    return lo, hi, ok


def absolute(x: Interval) -> Interval:
    """``|x|`` (exact)."""
    lo = np.where(x[0] >= 0, x[0], np.where(x[1] <= 0, -x[1], 0.0))
    return lo, np.maximum(np.abs(x[0]), np.abs(x[1]))


def monotone(fn, x: Interval, increasing: bool = True, low: float = -np.inf,
             high: float = np.inf, ulps: float = 2 * LIBM_ULPS) -> Interval:
    """``fn(x)`` for a monotone ``fn`` with values in ``[low, high]``, widened by ``ulps`` (see :func:`_widen`)."""
    a, b = fn(x[0]), fn(x[1])
    lo, hi = (a, b) if increasing else (b, a)
    lo, hi = _widen(lo, hi, ulps)
    return np.maximum(lo, low), np.minimum(hi, high)


def _reaches(x: Interval, phase: float, period: float) -> np.ndarray:
    """Whether ``[lo, hi]`` may hold a point ``phase + k·period`` (generous near the ends)."""
    slack = 8 * _U * np.maximum(np.abs(x[0]), np.abs(x[1])) + 8 * _U
    k = np.ceil((x[0] - slack - phase) / period)
    return phase + k * period <= x[1] + slack


def _periodic(fn, x: Interval, top: float, bottom: float) -> Interval:
    """``fn(x)`` for sin or cos: peaks at ``top + 2kπ``, troughs at ``bottom + 2kπ``."""
    lo, hi = _widen(np.minimum(fn(x[0]), fn(x[1])), np.maximum(fn(x[0]), fn(x[1])))
    wide = (x[1] - x[0] >= _TWO_PI) | (np.maximum(np.abs(x[0]), np.abs(x[1])) > 2.0**40) | ~np.isfinite(x[0] + x[1])
    hi = np.where(wide | _reaches(x, top, _TWO_PI), 1.0, np.minimum(hi, 1.0))
    lo = np.where(wide | _reaches(x, bottom, _TWO_PI), -1.0, np.maximum(lo, -1.0))
    return lo, hi


def sin(x: Interval) -> Interval:
    """``sin(x)``."""
    return _periodic(np.sin, x, _PI / 2, -_PI / 2)


def cos(x: Interval) -> Interval:
    """``cos(x)``."""
    return _periodic(np.cos, x, 0.0, _PI)


def tan(x: Interval) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``tan(x)`` and where it is defined: no pole ``π/2 + kπ`` in (or next to) ``x``."""
    ok = (x[1] - x[0] < _PI) & (np.maximum(np.abs(x[0]), np.abs(x[1])) <= 2.0**40) & ~_reaches(x, _PI / 2, _PI)
    lo, hi = monotone(np.tan, x)
    return lo, hi, ok


def power(x: Interval, y: Interval) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``x ** y`` and where it is defined (as numpy computes it, real-valued).

    A whole-number exponent (``lo = hi``) takes any base, except 0 with a
    negative exponent; any other exponent needs a positive base (0 is allowed
    for an exponent that is positive).
    """
    whole = (y[0] == y[1]) & (np.floor(y[0]) == y[0]) & np.isfinite(y[0])
    if np.all(whole & (y[0] == 2)):
        lo, hi = square(x)
        return lo, hi, np.ones(lo.shape, dtype=bool)
    if np.all(whole & (y[0] == 3)):  # numpy's x**3 is pow (SIMD on some CPUs), not x·x·x: widen as for pow
        lo, hi = _widen(*mul(square(x), x))
        return lo, hi, np.ones(lo.shape, dtype=bool)
    holds_zero = (x[0] <= 0) & (x[1] >= 0)
    even = whole & (np.mod(y[0], 2) == 0)
    # whole exponents: monotone on each side of 0, extremes at the ends (or 0 for even)
    ends = [np.power(x[0], y[0]), np.power(x[1], y[0])]
    wlo = np.where(even & holds_zero & (y[0] > 0), 0.0, np.minimum(*ends))
    whi = np.maximum(*ends)
    wlo = np.where(y[0] == 0, 1.0, wlo)
    whi = np.where(y[0] == 0, 1.0, whi)
    whole_ok = ~(holds_zero & (y[0] < 0))
    # other exponents: x ** y = exp(y·log x) is monotone in each argument; corners
    corners = [np.power(p, q) for p in x for q in y]
    clo = np.minimum.reduce(corners)
    chi = np.maximum.reduce(corners)
    other_ok = (x[0] > 0) | ((x[0] == 0) & (y[0] > 0))
    lo = np.where(whole, wlo, clo)
    hi = np.where(whole, whi, chi)
    exact = (lo == 0) | (lo == 1) & (y[0] == 0)
    wlo_, whi_ = _widen(lo, hi)
    lo = np.where(exact, lo, wlo_)
    hi = np.where((hi == 0) | ((hi == 1) & (y[0] == 0)), hi, whi_)
    lo = np.where(even | ~whole, np.maximum(lo, 0.0), lo)
    return lo, hi, np.where(whole, whole_ok, other_ok)
