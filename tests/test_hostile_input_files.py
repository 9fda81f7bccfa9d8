"""Hostile input files: FIFOs and devices that would block or never end, huge and sparse
files, JSON in unexpected encodings or shapes, files that are neither JSON nor PyTorch.
The Python API (``load_network``) and the CLI refuse them alike: one line, nothing written,
within a memory ceiling and without hanging."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from relu_anim.errors import ReluAnimError
from relu_anim.io.network_file import MAX_FILE_BYTES, load_network, network_to_dict
from tests.hostile import (
    ROOT,
    TIMEOUT,
    assert_fails,
    cli_env,
    fence,
    folder_state,
    run_cli,
    shared_tmp,  # noqa: F401 - a fixture
    write_network,
)


def api_load(path: Path, memory: int = 1024 * 2**20) -> subprocess.CompletedProcess:
    """``load_network(path)`` in a fenced subprocess: a regression must not hang the suite."""
    code = ("import sys\nfrom relu_anim.io.network_file import load_network\n"
            "from relu_anim.errors import ReluAnimError\n"
            "try:\n    load_network(sys.argv[1])\nexcept ReluAnimError as err:\n"
            "    print(err, file=sys.stderr); sys.exit(2)\n")
    return subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, env=cli_env(),
                          capture_output=True, timeout=TIMEOUT, preexec_fn=fence(memory))


def api_fails(path: Path, pattern: str) -> None:
    done = api_load(path)
    err = done.stderr.decode()
    assert done.returncode == 2 and err.count("\n") == 1, err
    assert re.search(pattern, err), err


def valid_text() -> str:
    from relu_anim.construct import optimal_x2

    return json.dumps(network_to_dict(optimal_x2(3), (0.0, 2.0)))


# ------------------------------------------------------------ not regular files
def test_load_network_refuses_a_fifo_instead_of_blocking(shared_tmp):
    fifo = shared_tmp / "model.json"
    os.mkfifo(fifo)
    api_fails(fifo, r"model\.json: is a FIFO \(named pipe\), not a network file$")
    assert_fails(run_cli("breakpoints", fifo), r"model\.json: is a FIFO \(named pipe\), not a model file$")


def test_a_symlink_to_a_fifo_is_a_fifo(shared_tmp):
    os.mkfifo(shared_tmp / "pipe")
    link = shared_tmp / "model.json"
    link.symlink_to("pipe")
    api_fails(link, r"model\.json: is a FIFO \(named pipe\), not a network file$")
    assert_fails(run_cli("breakpoints", link, "--domain", "0", "1"), r"model\.json: is a FIFO")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_before_reading(device):
    api_fails(Path(device), f"^{device}: is a character device, not a network file$")
    assert_fails(run_cli("breakpoints", device, "--domain", "0", "1"),
                 f"{device}: is a character device, not a model file$")


def test_the_api_refuses_devices_in_process_too():
    with pytest.raises(ReluAnimError, match="^/dev/zero: is a character device, not a network file$"):
        load_network("/dev/zero")


# ------------------------------------------------------------ size
def test_a_sparse_gigabyte_is_refused_without_reading_it(shared_tmp):
    big = shared_tmp / "big.json"
    with open(big, "wb") as handle:
        handle.write(b"{")
        handle.truncate(2**30)  # 1 GiB that takes no disk space
    limit = f"{MAX_FILE_BYTES:,}"
    message = rf"big\.json: is 1,073,741,824 bytes; a {{kind}} file may have at most {limit} bytes$"
    done = api_load(big, memory=512 * 2**20)  # reading it would not fit
    assert done.returncode == 2 and re.search(message.format(kind="network"), done.stderr.decode()), done.stderr
    # the CLI cannot tell yet what the file is meant to be
    assert_fails(run_cli("breakpoints", big, "--domain", "0", "1", memory=512 * 2**20), message.format(kind="model"))


def test_a_file_just_over_the_limit_is_refused_and_one_at_it_is_read(shared_tmp, monkeypatch):
    from relu_anim.io import network_file

    text = valid_text().encode()
    path = shared_tmp / "m.json"
    path.write_bytes(text)
    monkeypatch.setattr(network_file, "MAX_FILE_BYTES", len(text))
    assert load_network(path).piecewise is not None
    monkeypatch.setattr(network_file, "MAX_FILE_BYTES", len(text) - 1)
    with pytest.raises(ReluAnimError, match=rf"is {len(text):,} bytes; a network file may have at most "):
        load_network(path)


# ------------------------------------------------------------ telling JSON from PyTorch
@pytest.mark.parametrize("encode", [
    lambda t: b"\xef\xbb\xbf" + t.encode(),
    lambda t: (" " * 100 + "\n" * 100 + t).encode(),
    lambda t: t.encode("utf-16"),
    lambda t: t.encode("utf-32-le"),
], ids=["utf-8 bom", "200 blanks first", "utf-16", "utf-32-le"])
def test_json_is_recognised_by_its_content(shared_tmp, encode):
    model = shared_tmp / "model.bin"  # the name says nothing
    model.write_bytes(encode(valid_text()))
    done = run_cli("breakpoints", model)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith("3 kinks of model.bin on [0, 2]\n")


def test_a_legacy_pickle_torch_file_is_recognised_and_refused(shared_tmp):
    """Recognised by content despite its name; refused, since torch's legacy loader allocates
    whatever sizes the file declares before reading them (see torch_adapter.torch_file)."""
    import torch  # a dev dependency, as in test_cli.py

    model = shared_tmp / "model.json"  # a misleading name, too
    torch.save(torch.nn.Sequential(torch.nn.Linear(1, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1)).state_dict(),
               model, _use_new_zipfile_serialization=False)
    assert_fails(run_cli("breakpoints", model, "--domain", "-1", "1"),
                 r"model\.json: saved in PyTorch's legacy format \(before 1\.6\), which is not read here; "
                 r"load it with torch\.load and torch\.save it again")


@pytest.mark.parametrize("content", [b"\x00garbage", b"hello", b"", b"\xff\xfe\xfd", b"PK\x05\x06"],
                         ids=["nul", "text", "empty", "binary", "empty zip"])
def test_neither_json_nor_torch_says_what_was_expected(shared_tmp, content):
    model = shared_tmp / "model.dat"
    model.write_bytes(content)
    assert_fails(run_cli("breakpoints", model, "--domain", "0", "1"),
                 r"model\.dat: neither a relu-anim network file \(JSON text starting with '\{'\), "
                 r"a PyTorch state_dict \(a zip file from torch\.save, starting with 'PK'\), "
                 r"a \.safetensors file nor an ONNX model$")


def test_a_broken_zip_gets_the_torch_message(shared_tmp):
    model = shared_tmp / "model.pt"
    model.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert_fails(run_cli("breakpoints", model, "--domain", "0", "1"),
                 r"model\.pt: a damaged zip archive \(no end of central directory\)")


def test_activation_options_are_refused_for_json(shared_tmp):
    model = write_network(shared_tmp / "model.json")
    assert_fails(run_cli("breakpoints", model, "--activation", "leaky_relu"),
                 r"model\.json: --activation applies only to a PyTorch state_dict or \.safetensors file; "
                 r"a network JSON file fixes its activations")
    assert_fails(run_cli("breakpoints", model, "--negative-slope", "0.2", "--activation", "relu"),
                 r"--activation and --negative-slope apply only to a PyTorch state_dict or \.safetensors file")


# ------------------------------------------------------------ hostile JSON
def _cli_json_error(tmp: Path, text: str | bytes, pattern: str) -> None:
    model = tmp / "model.json"
    model.write_bytes(text if isinstance(text, bytes) else text.encode())
    out = tmp / "out.json"
    before = folder_state(tmp)
    assert_fails(run_cli("breakpoints", model, "--domain", "0", "1", "-o", out), pattern)
    assert folder_state(tmp) == before


def test_deeply_nested_json(shared_tmp):
    _cli_json_error(shared_tmp, "[" * 100_000 + "]" * 100_000, r"model\.json: invalid JSON \(nested too deeply\)$")


def test_deeply_nested_json_inside_a_valid_file(shared_tmp):
    data = json.loads(valid_text())
    data["metrics"] = {"deep": "PLACEHOLDER"}
    text = json.dumps(data).replace('"PLACEHOLDER"', "[" * 900 + "]" * 900)
    _cli_json_error(shared_tmp, text, r"model\.json: metrics\.deep: must be a number, got list$")


@pytest.mark.parametrize("literal, shown", [("NaN", "NaN"), ("-Infinity", "-Infinity"), ("1e400", "inf"),
                                            ("1" + "0" * 400, None)])
def test_numbers_beyond_doubles(shared_tmp, literal, shown):
    text = valid_text().replace('"version": 1', '"version": 1, "metrics": {"mse": ' + literal + "}")
    reason = f"got {shown}" if shown else "too large for a double"
    _cli_json_error(shared_tmp, text, rf"model\.json: metrics\.mse: not a finite number \({reason}\)$")


def test_duplicate_keys(shared_tmp):
    text = valid_text().replace('"version": 1', '"version": 1, "target": "a", "target": "b"')
    _cli_json_error(shared_tmp, text, r"model\.json: top level: duplicate key 'target'$")


def test_invalid_utf8(shared_tmp):
    _cli_json_error(shared_tmp, b'{"format": "\xff"}', r"model\.json: not UTF-8 text \(byte 0xff at offset 12\)$")


def test_a_huge_integer_literal_with_too_many_digits(shared_tmp):
    text = valid_text().replace('"version": 1', '"version": 1, "metrics": {"mse": ' + "9" * 5000 + "}")
    _cli_json_error(shared_tmp, text, r"model\.json: invalid JSON \(Exceeds the limit")


def test_a_non_utf8_file_name_is_shown_escaped(shared_tmp):
    name = os.fsencode(str(shared_tmp)) + b"/m\xff\x1b[2J.json"
    done = run_cli("breakpoints", name, "--domain", "0", "1")
    assert_fails(done, r"m\\udcff\\x1b\[2J\.json")
