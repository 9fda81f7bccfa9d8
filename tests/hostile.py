"""Helpers of the hostile-input tests: run the CLI in a subprocess, fence it in, compare files.

The CLI runs as ``[sys.executable, "-m", "relu_anim", ...]`` from the repository
root, with an address-space ceiling (a runaway read of ``/dev/zero`` ends in a
MemoryError, not a swapping machine) and a generous timeout (a FIFO that blocks
forever ends the test, not the suite).

The suite runs as root, for whom every file is writable: :func:`run_cli` with
``as_nobody=True`` runs the command as user and group 65534 through util-linux
``setpriv``. The interpreter lives under ``/root`` (mode 0700), so the process
keeps one capability, ``CAP_DAC_READ_SEARCH``: it may read and search any file,
but every write is checked against the file's permissions as for any user.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOBODY = 65534
#: Address-space ceiling of a CLI run: numpy, click and rich fit in a fraction.
MEMORY_LIMIT = 1536 * 2**20
#: Only catches runaways (a normal run takes about a second; importing torch on a loaded machine, several).
TIMEOUT = 300
SETPRIV = shutil.which("setpriv")

ERROR_LINE = re.compile(r"relu-anim: error: [^\n]+\n")


def cli_command(*args: str | bytes | os.PathLike) -> list[str | bytes]:
    return [sys.executable, "-m", "relu_anim", *(a if isinstance(a, bytes) else str(a) for a in args)]


def cli_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def fence(memory: int = MEMORY_LIMIT, close_stdout: bool = False):
    """A preexec_fn: cap the address space (and optionally close fd 1, as ``>&-``)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        if close_stdout:
            os.close(1)
    return limit


def as_nobody(command: list) -> list:
    assert SETPRIV is not None, "util-linux setpriv is needed to run the CLI as a non-root user"
    return [SETPRIV, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
            "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search", "--", *command]


def run_cli(*args: str | bytes | os.PathLike, cwd: Path = ROOT, nobody: bool = False,
            stdout=subprocess.PIPE, env: dict[str, str] | None = None, memory: int = MEMORY_LIMIT,
            close_stdout: bool = False) -> subprocess.CompletedProcess:
    """Run the CLI; stdout and stderr as bytes (stdout None when redirected elsewhere)."""
    command = cli_command(*args)
    if nobody:
        command = as_nobody(command)
    return subprocess.run(command, cwd=cwd, env=env or cli_env(), stdin=subprocess.DEVNULL,
                          stdout=stdout, stderr=subprocess.PIPE, timeout=TIMEOUT,
                          preexec_fn=fence(memory, close_stdout))


def assert_fails(done: subprocess.CompletedProcess, pattern: str, status: int = 2) -> str:
    """Exit ``status``, exactly one line on stderr matching ``pattern``; returns the line."""
    err = done.stderr.decode("utf-8", "backslashreplace")
    assert done.returncode == status, (done.returncode, err)
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    line = err[:-1]
    assert re.search(pattern, line), line
    assert "\x1b" not in line and "Traceback" not in line
    return line


@dataclass(frozen=True)
class Snapshot:
    """What must not change: type, bytes, inode, mtime, mode and a link's target."""

    mode: int
    inode: int
    mtime_ns: int
    content: bytes | None
    link: str | None

    @staticmethod
    def of(path: Path) -> "Snapshot | None":
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return None
        link = os.readlink(path) if stat.S_ISLNK(info.st_mode) else None
        content = path.read_bytes() if stat.S_ISREG(info.st_mode) else None
        return Snapshot(info.st_mode, info.st_ino, info.st_mtime_ns, content, link)


def folder_state(folder: Path) -> dict[str, Snapshot | None]:
    """Every entry of ``folder`` (no temporary file may be left behind)."""
    return {name: Snapshot.of(folder / name) for name in sorted(os.listdir(folder))}


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder the user nobody may enter (pytest's own tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="relu-anim-hostile-"))
    folder.chmod(0o755)
    yield folder
    for entry in folder.rglob("*"):  # read-only folders inside must not stop the cleanup
        if entry.is_dir() and not entry.is_symlink():
            entry.chmod(0o755)
    shutil.rmtree(folder)


def write_network(path: Path, make=None, domain=(0.0, 2.0)) -> Path:
    """A small valid network file, readable by everyone."""
    from relu_anim.construct import optimal_x2
    from relu_anim.io.network_file import save_network

    save_network(path, make() if make else optimal_x2(3), domain, target="x**2")
    path.chmod(0o644)
    return path


def tent(depth: int):
    """The tent map composed ``depth`` times on [0, 1]: 2**depth - 1 kinks."""
    from relu_anim.network import Layer, Network

    first = Layer([[1.0], [1.0]], [0.0, -0.5], "relu")
    inner = Layer([[2.0, -4.0], [2.0, -4.0]], [0.0, -0.5], "relu")
    return Network([first] + [inner] * (depth - 1) + [Layer([[2.0, -4.0]], [0.0])])
