"""Best-of-N wall-clock timing shared by the benchmark scripts (run from bench/, so importable)."""

from __future__ import annotations

import time
from typing import Callable, TypeVar

__all__ = ["best_time"]

T = TypeVar("T")


def best_time(fn: Callable[[], T], repeats: int) -> tuple[float, T]:
    """Call ``fn`` ``repeats`` times; return the fastest run's seconds and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result  # type: ignore[return-value]
