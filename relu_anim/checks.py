"""Checks of user-given numbers, shared by the whole package.

Every public function that takes a domain, a count or a seed from a user checks
it here, so that one kind of mistake always gets the same one-line message.
Each check returns the value in its canonical type or raises
:class:`~relu_anim.errors.ReluAnimError` naming what was wrong.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from .errors import ReluAnimError

__all__ = ["check_domain", "check_whole"]


def check_domain(a: float, b: float) -> tuple[float, float]:
    """Return ``(a, b)`` as floats, refusing non-finite ends or ``a >= b``.

    Examples
    --------
    >>> check_domain(0, 2)
    (0.0, 2.0)
    """
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        raise ReluAnimError(f"domain: ends must be numbers (got {a!r}, {b!r})") from None
    if not (math.isfinite(a) and math.isfinite(b)):
        raise ReluAnimError(f"domain: ends must be finite (got {a}, {b})")
    if not a < b:
        raise ReluAnimError(f"domain: a must be smaller than b (got {a:g} >= {b:g})")
    return a, b


def check_whole(value: Any, name: str, *, low: int | None = 0, high: int | None = None) -> int:
    """Return ``value`` as an ``int`` if it is a whole number in ``[low, high]``.

    ``low=None`` or ``high=None`` leaves that side open (for callers that word
    the range check their own way).

    Booleans are refused (``True`` is not a count); integral floats such as
    ``3.0`` are accepted, as are numpy integers.

    Examples
    --------
    >>> check_whole(3, "units", low=1)
    3
    >>> check_whole(0, "units", low=1)
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: units: must be at least 1 (got 0)
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ReluAnimError(f"{name}: must be a whole number (got {value!r})")
    if isinstance(value, numbers.Integral):
        whole = int(value)
    else:
        as_float = float(value)
        if not (math.isfinite(as_float) and as_float.is_integer()):
            raise ReluAnimError(f"{name}: must be a whole number (got {value!r})")
        whole = int(as_float)
    if low is not None and whole < low:
        raise ReluAnimError(f"{name}: must be at least {low} (got {whole})")
    if high is not None and whole > high:
        raise ReluAnimError(f"{name}: must be at most {high:,} (got {whole:,})")
    return whole
