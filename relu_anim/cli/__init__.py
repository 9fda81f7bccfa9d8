"""The ``relu-anim`` command line: ``fit``, ``breakpoints``, ``video``, ``stills``."""

from .commands import cli, main

__all__ = ["cli", "main"]
