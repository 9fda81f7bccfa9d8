"""Hostile text on the terminal: Rich markup, escape sequences, newlines and non-ASCII in
targets and file names, an ASCII-only terminal, and tables too long to print."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from relu_anim.cli.commands import MAX_TABLE_ROWS, visible
from relu_anim.io.network_file import load_network
from tests.hostile import (
    assert_fails,
    cli_env,
    folder_state,
    run_cli,
    shared_tmp,  # noqa: F401 - a fixture
    tent,
    write_network,
)

CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")  # anything but \t and \n


def fit(tmp: Path, target: str, output: str = "out.json", **kwargs):
    return run_cli("fit", target, "--domain", "0", "2", "-n", "3", "-o", tmp / output, **kwargs)


# ------------------------------------------------------------ markup
def test_markup_in_a_target_is_printed_literally_and_does_not_crash(shared_tmp):
    done = fit(shared_tmp, "x**2  # [/]")
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith("x**2  # [/] on [0, 2], 3 units (construct)\n")
    assert load_network(shared_tmp / "out.json").target == "x**2  # [/]"


def test_markup_and_emoji_codes_in_a_file_name_are_printed_literally(shared_tmp):
    done = fit(shared_tmp, "x**2", "[bold red]:smile:model.json")
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().endswith(f"wrote {shared_tmp}/[bold red]:smile:model.json\n")
    model = shared_tmp / "[bold red]:smile:model.json"
    shown = run_cli("breakpoints", model)
    assert shown.stdout.decode().startswith("3 kinks of [bold red]:smile:model.json on [0, 2]\n")


# ------------------------------------------------------------ control characters
ESCAPES = {
    "window title": "\x1b]0;pwned\x07",
    "clear screen": "\x1b[2J",
    "C1 CSI": "\x9b2J",
    "carriage return": "\rfake",
    "bidi override": "\u202e",
}


def test_visible_escapes_what_a_terminal_would_obey():
    assert [visible(ESCAPES[name]) for name in sorted(ESCAPES)] == [
        "\\x9b2J", "\\u202e", "\\rfake", "\\x1b[2J", "\\x1b]0;pwned\\x07"]
    assert visible("x² é ü [b] \\x1b") == "x² é ü [b] \\x1b"  # printable text stays as it is


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_escape_sequences_in_a_target_are_shown_not_obeyed(shared_tmp, name):
    sequence = ESCAPES[name]
    done = fit(shared_tmp, f"x**2 # {sequence}")
    if name == "carriage return":  # a new line for the parser: the comment ends, "fake" is an error
        line = assert_fails(done, r"syntax error")
        assert "\\rfake" in line and not CONTROL.search(line.encode())
        return
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode()
    assert not CONTROL.search(done.stdout) and "\x9b" not in text and "\u202e" not in text
    assert text.startswith(f"x**2 # {visible(sequence)} on [0, 2]")


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_escape_sequences_in_a_file_name_are_shown_not_obeyed(shared_tmp, name):
    file_name = f"m{ESCAPES[name]}.json"
    done = fit(shared_tmp, "x**2", file_name)
    assert done.returncode == 0, done.stderr
    assert not CONTROL.search(done.stdout)
    assert done.stdout.decode().endswith(f"wrote {shared_tmp}/{visible(file_name)}\n")
    missing = run_cli("breakpoints", shared_tmp / f"no{ESCAPES[name]}.json")
    line = assert_fails(missing, "no such file|does not exist")
    assert not CONTROL.search(line.encode()) and visible(ESCAPES[name]) in line


def test_an_error_echoing_the_expression_is_one_escaped_line(shared_tmp):
    done = fit(shared_tmp, "foo(x)\n\x1b[31mrelu-anim: all good")
    line = assert_fails(done, r"relu-anim: error: ")
    assert "\\n" in line and "\\x1b[31m" in line
    assert os.listdir(shared_tmp) == []


# ------------------------------------------------------------ encodings
def test_an_ascii_terminal_gets_escapes_not_a_crash(shared_tmp):
    done = fit(shared_tmp, "x**2 # é²", env=cli_env(PYTHONIOENCODING="ascii"))
    assert done.returncode == 0, done.stderr
    out = done.stdout.decode("ascii")  # pure ASCII
    assert out.startswith("x**2 # \\xe9\\xb2 on [0, 2]") and "+--" in out  # ASCII box, too
    assert load_network(shared_tmp / "out.json").target == "x**2 # é²"


def test_an_ascii_terminal_and_a_failure_write_nothing(shared_tmp):
    done = run_cli("fit", "x**2 # é", "--domain", "2", "0", "-n", "3", "-o", shared_tmp / "é.json",
                   env=cli_env(PYTHONIOENCODING="ascii"))
    assert_fails(done, r"domain: a must be smaller than b")
    assert os.listdir(shared_tmp) == []


# ------------------------------------------------------------ long tables
@pytest.fixture(scope="module")
def sawtooth(tmp_path_factory) -> Path:
    """The tent map composed 12 times: 4095 kinks on [0, 1]."""
    path = tmp_path_factory.mktemp("sawtooth") / "saw.json"
    write_network(path, lambda: tent(12), (0.0, 1.0))
    return path


def test_a_long_table_is_cut_at_forty_rows(sawtooth):
    done = run_cli("breakpoints", sawtooth)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines[0] == "4,095 kinks of saw.json on [0, 1]"
    assert len(lines) == 2 + MAX_TABLE_ROWS + 1
    assert lines[-1] == "... 4,055 more kinks; -o FILE to save all, --all to print all"
    assert lines[2].split() == ["0.000244141", "1", "4096", "-4096"]  # the first kink, 1/4096


def test_all_rows_on_request(sawtooth):
    done = run_cli("breakpoints", sawtooth, "--all")
    lines = done.stdout.decode().splitlines()
    assert len(lines) == 2 + 4095
    assert [float(line.split()[0]) for line in lines[2:]] == pytest.approx([k / 4096 for k in range(1, 4096)],
                                                                          rel=1e-5)


def test_a_cut_table_with_an_output_says_where_the_rest_is(sawtooth, shared_tmp):
    out = shared_tmp / "all.json"
    done = run_cli("breakpoints", sawtooth, "-o", out)
    lines = done.stdout.decode().splitlines()
    assert lines[-2] == "... 4,055 more kinks; all are in the -o file, --all to print all"
    assert lines[-1] == f"wrote {out}"
    assert len(load_network(out).piecewise.breakpoints) == 4095


def test_one_kink_is_singular(shared_tmp):
    from relu_anim.construct import optimal_x2

    model = write_network(shared_tmp / "one.json", lambda: optimal_x2(1))
    assert run_cli("breakpoints", model).stdout.decode().startswith("1 kink of one.json on [0, 2]\n")


def test_a_failure_does_not_change_the_folder(shared_tmp):
    model = write_network(shared_tmp / "model.json")
    before = folder_state(shared_tmp)
    assert_fails(run_cli("breakpoints", model, "--domain", "1", "1", "-o", shared_tmp / "o.json"),
                 "smaller than b")
    assert folder_state(shared_tmp) == before
