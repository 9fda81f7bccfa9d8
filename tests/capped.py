"""Running ``python -m relu_anim`` (or a snippet) in a subprocess with a memory cap and a runaway timeout.

The address space is capped at :data:`ADDRESS_SPACE` (importing torch needs about
0.65 GB of it), with one OpenMP/MKL thread and two malloc arenas so that the cap
means the same on a machine with many cores. :data:`TIMEOUT` only catches
runaways (a blocked FIFO, an endless read): no test asserts on time.
"""

from __future__ import annotations

import json
import subprocess
import sys

from .hostile import ROOT, TIMEOUT, cli_env, fence

__all__ = ["ADDRESS_SPACE", "ROOT", "TIMEOUT", "run_capped", "run_cli_capped_many"]

#: Address-space ceiling of every subprocess: 3 GiB.
ADDRESS_SPACE = 3 * 2**30


def run_capped(args: list[str]) -> subprocess.CompletedProcess:
    """``python *args`` from the repository root, capped; stdout and stderr captured as text."""
    env = cli_env(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", MALLOC_ARENA_MAX="2")
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, preexec_fn=fence(ADDRESS_SPACE))


#: Runs ``relu_anim.cli.main(argv)`` for each argv of a JSON list (argv[1]) in this one process, each
#: with fds 1 and 2 (and sys.stdout, sys.stderr) on files of its own; prints each run's status and output.
_MANY = """
import json, os, sys, tempfile
from relu_anim.cli import main

results = []
for argv in json.loads(sys.argv[1]):
    saved = os.dup(1), os.dup(2)
    files = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    streams = sys.stdout, sys.stderr
    for fd, stream, f in zip((1, 2), streams, files):
        stream.flush()
        os.dup2(f.fileno(), fd)
    sys.stdout, sys.stderr = (open(fd, "w", encoding="utf-8", closefd=False) for fd in (1, 2))
    try:
        main(argv)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    outputs = []
    for fd, stream, f, old in zip((1, 2), streams, files, saved):
        (sys.stdout, sys.stderr)[fd - 1].flush()
        os.dup2(old, fd)
        f.seek(0)
        outputs.append(f.read().decode("utf-8"))
    sys.stdout, sys.stderr = streams
    results.append({"returncode": code, "stdout": outputs[0], "stderr": outputs[1]})
print(json.dumps(results))
"""


def run_cli_capped_many(commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """``relu-anim ARGV`` for each argv, one after another in ONE capped subprocess (torch imported once).

    Each run is the CLI's own entry (:func:`relu_anim.cli.main`: its status, its stdout and stderr, captured
    at the file descriptors); what one run leaves in the process (imported modules) is what a long-lived
    caller of the CLI would see too. The cap is :data:`ADDRESS_SPACE` for all of them together.
    """
    done = run_capped(["-c", _MANY, json.dumps([[str(a) for a in argv] for argv in commands])])
    assert done.returncode == 0, done.stderr
    return [subprocess.CompletedProcess(["relu-anim", *argv], r["returncode"], r["stdout"], r["stderr"])
            for argv, r in zip(commands, json.loads(done.stdout))]
