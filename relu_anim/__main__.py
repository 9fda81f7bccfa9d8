"""``python -m relu_anim`` runs the ``relu-anim`` command line (also the console script's entry).

Ctrl-C must end the command with one line and status 130 at any moment, also
while the CLI's modules (numpy, click, rich) are still being imported: until
:func:`relu_anim.cli.main` installs its own handler, which lets output files be
cleaned up, a Ctrl-C here ends the process at once (nothing has been written yet).
Only the interpreter's own start-up, before this file runs, remains.
"""

from __future__ import annotations

import os
import signal

__all__ = ["main"]

#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


def _interrupted_while_starting(signum: int, frame: object) -> None:
    os.write(2, b"relu-anim: interrupted\n")
    os._exit(EXIT_INTERRUPTED)


def main() -> None:
    """Install the start-up Ctrl-C handler, then import and run the CLI."""
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    # imported here, after the handler: these imports take most of a second
    from .cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
