"""Running ``python -m relu_anim`` (or a snippet) in a subprocess with a memory cap and a runaway timeout.

The address space is capped at :data:`ADDRESS_SPACE` (importing torch needs about
0.65 GB of it), with one OpenMP/MKL thread and two malloc arenas so that the cap
means the same on a machine with many cores. :data:`TIMEOUT` only catches
runaways (a blocked FIFO, an endless read): no test asserts on time.
"""

from __future__ import annotations

import subprocess
import sys

from .hostile import ROOT, TIMEOUT, cli_env, fence

__all__ = ["ADDRESS_SPACE", "ROOT", "TIMEOUT", "run_capped"]

#: Address-space ceiling of every subprocess: 3 GiB.
ADDRESS_SPACE = 3 * 2**30


def run_capped(args: list[str]) -> subprocess.CompletedProcess:
    """``python *args`` from the repository root, capped; stdout and stderr captured as text."""
    env = cli_env(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", MALLOC_ARENA_MAX="2")
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, preexec_fn=fence(ADDRESS_SPACE))
