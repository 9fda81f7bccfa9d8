"""Run ``python -m relu_anim`` from this checkout in a subprocess, and check refusals.

The subprocess imports the package from the repository root (never an installed
``relu-anim`` script), so it tests the code beside these tests.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from .hostile import ROOT, TIMEOUT, cli_command, cli_env

__all__ = ["ROOT", "run_cli", "assert_refused"]


def run_cli(*args: object) -> subprocess.CompletedProcess[str]:
    """``relu-anim ARGS...`` as a subprocess (:func:`tests.hostile.cli_command`); output as text."""
    return subprocess.run(cli_command(*map(str, args)), cwd=ROOT, env=cli_env(), capture_output=True,
                          text=True, timeout=TIMEOUT)


def assert_refused(done: subprocess.CompletedProcess[str], pattern: str, output: Path | None = None) -> str:
    """Exit status 2, exactly one line on stderr matching ``pattern``, no traceback, no output file."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("relu-anim: error: "), lines[0]
    assert re.search(pattern, lines[0]), lines[0]
    if output is not None:
        assert not output.exists()
        assert not [p for p in output.parent.iterdir() if p.name.startswith(("." + output.name, output.stem))]
    return lines[0]
