"""Progress of a training run: a rich bar on stderr, a callback, or nothing."""

from __future__ import annotations

import sys
from typing import Any, Callable, Union

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar,
    TextColumn, TimeRemainingColumn)

from ..errors import ReluAnimError

__all__ = ["Progress", "Reporter"]

#: ``progress`` argument: None (a bar when stderr is a terminal), True/False, or a callable.
Progress = Union[None, bool, Callable[[int, float], Any]]


class Reporter:
    """Calls ``progress(step, loss)``, or drives a rich bar on stderr, or nothing."""

    def __init__(self, progress: Progress, steps: int, label: str) -> None:
        self.callback: Callable[[int, float], Any] | None = None
        self.bar: Any = None
        self.every = max(1, steps // 200)
        self.steps = steps
        if callable(progress):
            self.callback = progress
        elif progress is True or (progress is None and sys.stderr.isatty()):
            self.bar = Bar(TextColumn(label), BarColumn(), MofNCompleteColumn(),
                           TextColumn("loss {task.fields[loss]:.3e}"), TimeRemainingColumn(),
                           console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task(label, total=steps, loss=float("nan"))
            self.bar.start()
        elif progress not in (None, False):
            raise ReluAnimError(f"progress: expected None, True, False or a callable (got {progress!r})")

    def __call__(self, step: int, loss: float) -> None:
        if self.callback is not None:
            self.callback(step, loss)
        elif self.bar is not None and (step % self.every == 0 or step == self.steps):
            self.bar.update(self.task, completed=step, loss=loss)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
