"""Run ``python -m relu_anim`` from this checkout in a subprocess, and check refusals.

The subprocess imports the package from the repository root (never an installed
``relu-anim`` script), so it tests the code beside these tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

__all__ = ["ROOT", "run_cli", "assert_refused"]

ROOT = Path(__file__).resolve().parents[1]

#: Generous: only catches a runaway, never times a healthy run.
TIMEOUT = 300


def run_cli(*args: object) -> subprocess.CompletedProcess[str]:
    """``relu-anim ARGS...`` as a subprocess; its output and exit status."""
    return subprocess.run(
        [sys.executable, "-m", "relu_anim", *map(str, args)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


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
