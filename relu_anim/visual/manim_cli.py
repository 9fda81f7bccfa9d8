"""A bare ``manim`` run reports a scene's setting error as the ``relu-anim`` commands report bad input.

``RELU_ANIM_BEAT="No such beat" manim -ql scenes/x2.py`` is a user's input gone
wrong, not a bug, yet manim's render command prints every exception a scene
raises as a full traceback and exits with status 1. :func:`install` (run by
``ChapterScene.setup``, before any setting is read) wraps that command's error
console, when manim's command line is what is running, so that a :class:`~relu_anim.visual.protocol.SettingError`
prints one line, ``relu-anim: error: <message>``, and exits with status 2. Every
other exception keeps manim's traceback and status 1.

Examples
--------
>>> console = OneLineSettingErrors(None)
>>> try:
...     raise SettingError("RELU_ANIM_SLICE: expected START:STOP")
... except SettingError:
...     console.print_exception()
Traceback (most recent call last):
...
SystemExit: 2
"""

from __future__ import annotations

import sys
from typing import Any

from .protocol import SettingError

__all__ = ["OneLineSettingErrors", "install"]

#: manim's render command, where the console is replaced (only once it is loaded: manim's CLI is running).
RENDER_COMMAND = "manim.cli.render.commands"


class OneLineSettingErrors:
    """manim's error console, except for a :class:`SettingError`: one line on stderr, exit status 2."""

    def __init__(self, console: Any) -> None:
        self.console = console

    def print_exception(self, *args: Any, **kwargs: Any) -> None:
        """Called by manim in its ``except`` block: the exception being handled decides."""
        error = sys.exc_info()[1]
        if isinstance(error, SettingError):
            text = " ".join(str(error).split())  # one line, whatever the message holds
            print(f"relu-anim: error: {text}", file=sys.stderr, flush=True)
            raise SystemExit(2)
        self.console.print_exception(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


def install() -> None:
    """Wrap manim's render command's error console, if that command is loaded. Installing twice changes nothing."""
    commands = sys.modules.get(RENDER_COMMAND)
    if commands is not None and not isinstance(commands.error_console, OneLineSettingErrors):
        commands.error_console = OneLineSettingErrors(commands.error_console)
