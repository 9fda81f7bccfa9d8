"""Ctrl-C at any moment: one line (``relu-anim: interrupted``), exit status 130, no partial
or changed output file, no temporary file left behind.

The subprocess tests wait for a known point of the run — a line on stdout, a shared
library mapped into the process — never a fixed time, then send SIGINT.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from relu_anim.cli import commands
from tests.hostile import (
    TIMEOUT,
    cli_command,
    cli_env,
    fence,
    folder_state,
    shared_tmp,  # noqa: F401 - a fixture
    tent,
    write_network,
)

INTERRUPTED = b"relu-anim: interrupted\n"


@pytest.fixture(scope="module")
def sawtooth(tmp_path_factory) -> Path:
    """65,535 kinks: ``--all`` prints ~3 MB, far more than a pipe holds, so the run
    blocks on its stdout until the test reads it."""
    path = tmp_path_factory.mktemp("sawtooth") / "saw.json"
    write_network(path, lambda: tent(16), (0.0, 1.0))
    return path


def start(*args) -> subprocess.Popen:
    return subprocess.Popen(cli_command(*args), env=cli_env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=fence())


def interrupt(proc: subprocess.Popen) -> tuple[bytes, bytes]:
    proc.send_signal(signal.SIGINT)
    return proc.communicate(timeout=TIMEOUT)


@pytest.mark.parametrize("existing", [False, True], ids=["new output", "existing output"])
def test_ctrl_c_while_printing_leaves_no_output(shared_tmp, sawtooth, existing):
    """The table is printed inside the output's atomic block: Ctrl-C there must undo the file."""
    out = shared_tmp / "out.json"
    if existing:
        write_network(out)
    before = folder_state(shared_tmp)
    proc = start("breakpoints", sawtooth, "--all", "-o", out)
    first = proc.stdout.readline()  # now the run is printing, its output not yet renamed
    assert first == b"65,535 kinks of saw.json on [0, 1]\n", proc.stderr.read()
    _, err = interrupt(proc)
    assert (proc.returncode, err) == (130, INTERRUPTED)
    assert folder_state(shared_tmp) == before


def test_ctrl_c_while_the_cli_is_still_importing(sawtooth):
    """numpy is imported by the CLI's modules, after the start-up handler in __main__.py."""
    proc = start("breakpoints", sawtooth, "--all")
    maps = Path(f"/proc/{proc.pid}/maps")
    deadline = time.monotonic() + TIMEOUT
    while b"_multiarray_umath" not in maps.read_bytes():  # numpy's core library is being loaded
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        os.sched_yield()
    out, err = interrupt(proc)
    assert (proc.returncode, err) == (130, INTERRUPTED)


# ------------------------------------------------------------ in-process
def run_main(capsys, *args) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        commands.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_sigint_inside_a_command_is_one_line_and_130(tmp_path, capsys, monkeypatch):
    handler = signal.getsignal(signal.SIGINT)

    def ctrl_c(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # delivered to main()'s handler
        raise AssertionError("the signal handler should have interrupted this")

    monkeypatch.setattr(commands, "construct", ctrl_c)
    code, out, err = run_main(capsys, "fit", "x**2", "--domain", 0, 2, "-n", 3, "-o", tmp_path / "o.json")
    assert (code, out, err) == (130, "", "relu-anim: interrupted\n")
    assert list(tmp_path.iterdir()) == []
    assert signal.getsignal(signal.SIGINT) is handler  # main() gives Ctrl-C back


def test_keyboard_interrupt_while_writing_removes_the_temporary_file(tmp_path, capsys, monkeypatch):
    out = tmp_path / "o.json"
    write_network(out)
    before = folder_state(tmp_path)

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    code, _, err = run_main(capsys, "fit", "x**2", "--domain", 0, 2, "-n", 4, "-o", out)
    assert (code, err) == (130, "relu-anim: interrupted\n")
    assert folder_state(tmp_path) == before
