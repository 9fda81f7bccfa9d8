"""Running ``python -m relu_anim`` (or a snippet) in a subprocess with a memory cap and a runaway timeout.

The address space is capped at :data:`ADDRESS_SPACE` (importing torch needs about
0.65 GB of it), with one OpenMP/MKL thread and two malloc arenas so that the cap
means the same on a machine with many cores. :data:`TIMEOUT` only catches
runaways (a blocked FIFO, an endless read): no test asserts on time.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

__all__ = ["ADDRESS_SPACE", "ROOT", "TIMEOUT", "run_capped"]

ROOT = Path(__file__).resolve().parents[1]
#: Address-space ceiling of every subprocess: 3 GiB.
ADDRESS_SPACE = 3 * 2**30
#: Catches runaways only (importing torch takes seconds on a loaded machine).
TIMEOUT = 300
_ENV = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "MALLOC_ARENA_MAX": "2"}


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run_capped(args: list[str]) -> subprocess.CompletedProcess:
    """``python *args`` from the repository root, capped; stdout and stderr captured as text."""
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=_ENV, capture_output=True, text=True,
                          timeout=TIMEOUT, preexec_fn=_cap_memory)
