"""Argument types shared by the bench scripts: numbers within bounds.

A bad value is refused by argparse itself: its usage line, one error line and
exit status 2, before anything is computed (``--repeats 0`` would otherwise end
in a traceback, ``--grid 100000`` or ``--naive-step 0`` in a run out of memory).
"""

from __future__ import annotations

import argparse
import math
from typing import Callable

__all__ = ["number_between", "whole_number"]


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` accepting a whole number from ``low`` to ``high``.

    Parameters
    ----------
    low, high
        The smallest and largest value accepted (both included).

    Examples
    --------
    >>> repeats = whole_number(1, 1000)
    >>> repeats("20")
    20
    >>> repeats("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '0' is not a whole number from 1 to 1000
    """

    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number from {low} to {high}")
        return value

    parse.__name__ = f"whole number from {low} to {high}"
    return parse


def number_between(low: float, high: float) -> Callable[[str], float]:
    """An argparse ``type`` accepting a finite number from ``low`` to ``high``.

    Examples
    --------
    >>> step = number_between(1e-4, 2.0)
    >>> step("0.01")
    0.01
    >>> step("nan")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: 'nan' is not a number from 0.0001 to 2
    """

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number from {low:g} to {high:g}")
        return value

    parse.__name__ = f"number from {low:g} to {high:g}"
    return parse
