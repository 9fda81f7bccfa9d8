"""Hostile and extreme .pt files: each ends in one line, exit status 2, bounded memory, nothing written.

Every file is generated here (tests/hostile_torch.py writes the zips by hand). The
CLI runs as ``relu-anim breakpoints FILE --domain -1 1 -o OUT`` in a subprocess
capped at 3 GiB of address space (tests/capped.py; the cases of :data:`CASES`
one after another in one such subprocess, so torch is imported once): the zip bomb
would unpack 5 GiB, the stride-0 view asks for 8 TB. The timeout only catches
runaways (a blocked FIFO, an endless /dev/zero).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from relu_anim.errors import ReluAnimError
from relu_anim.torch_adapter import load_state_dict, network_from_state_dict
from relu_anim.torch_adapter.convert import MAX_LAYERS, MAX_PARAMETERS
from relu_anim.torch_adapter.torch_file import MAX_ENTRIES, MAX_FILE_BYTES, MAX_UNPACKED_BYTES
from tests.capped import run_capped, run_cli_capped_many
from tests.hostile_torch import (Storage, TensorRef, lying_zip, state_dict_pickle, stored,
                                 torch_archive, write_zip, zip_bomb)

def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _refused_by_cli(file: Path | str, out_dir: Path, message: str) -> None:
    """The CLI on ``file``: exit 2, one stderr line matching ``FILE: message``, nothing written."""
    out_dir.mkdir(exist_ok=True)
    before = _digest(Path(file))
    result = run_capped(["-m", "relu_anim", *_breakpoints(file, out_dir)])
    _assert_refused(result, file, out_dir, before, message)


def _breakpoints(file: Path | str, out_dir: Path) -> list[str]:
    return ["breakpoints", str(file), "--domain", "-1", "1", "-o", str(out_dir / "kinks.json")]


def _assert_refused(result, file: Path | str, out_dir: Path, before: str | None, message: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert re.fullmatch(rf"relu-anim: error: {re.escape(str(file))}: {message}", lines[0]), lines[0]
    assert result.stdout == ""
    assert list(out_dir.iterdir()) == []  # no output, no temporary file left behind
    assert _digest(Path(file)) == before  # the input is not changed


def _mlp_state() -> dict[str, torch.Tensor]:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1)).state_dict()


def _saved(path: Path, obj, **kwargs) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # quantized tensors and storages are deprecated
        torch.save(obj, path, **kwargs)
    return path


# ------------------------------------------------------------------- the cases
def _bomb(tmp: Path) -> Path:
    return zip_bomb(tmp / "bomb.pt", gibibytes=5)


def _stride_zero(tmp: Path) -> Path:
    return _saved(tmp / "expand.pt", {"0.weight": torch.zeros(1).expand(10**6, 10**6)})


def _sparse(tmp: Path) -> Path:
    return _saved(tmp / "sparse.pt", {"0.weight": torch.eye(3)[:, :1].to_sparse(), "0.bias": torch.zeros(3)})


def _sparse_csr(tmp: Path) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sparse CSR support is in beta
        weight = torch.eye(3)[:, :1].to_sparse_csr()
    return _saved(tmp / "csr.pt", {"0.weight": weight})


def _meta(tmp: Path) -> Path:
    return _saved(tmp / "meta.pt", {"0.weight": torch.empty(3, 1, device="meta")})


def _quantized(tmp: Path) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weight = torch.quantize_per_tensor(torch.ones(3, 1), 0.1, 0, torch.qint8)
    return _saved(tmp / "quantized.pt", {"0.weight": weight})


def _torchscript(tmp: Path) -> Path:
    path = tmp / "script.pt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.jit is deprecated
        torch.jit.save(torch.jit.script(nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1))), str(path))
    return path


def _oversized(tmp: Path) -> Path:
    path = tmp / "huge.pt"
    with open(path, "wb") as handle:  # sparse: no disk space used
        handle.truncate(MAX_FILE_BYTES + 1)
    return path


def _two_inputs(tmp: Path) -> Path:
    return _saved(tmp / "two.pt", nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)).state_dict())


def _not_tensors(tmp: Path) -> Path:
    return _saved(tmp / "strings.pt", {"0.weight": "1, 2, 3", "0.bias": 0.5})


def _nan_weight(tmp: Path) -> Path:
    state = _mlp_state()
    state["2.weight"][0, 1] = float("nan")
    return _saved(tmp / "nan.pt", state)


def _os_system(tmp: Path) -> Path:
    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {tmp / 'pwned'}",))

    return torch_archive(tmp / "system.pt", state_dict_pickle({"0.weight": Payload()}), [])


def _truncated(tmp: Path) -> Path:
    whole = _saved(tmp / "whole.pt", _mlp_state()).read_bytes()
    path = tmp / "truncated.pt"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _complex(tmp: Path) -> Path:
    return _saved(tmp / "complex.pt", {"0.weight": torch.ones(3, 1, dtype=torch.complex64)})


def _bool(tmp: Path) -> Path:
    return _saved(tmp / "bool.pt", {"0.weight": torch.ones(3, 1, dtype=torch.bool)})


def _lying(tmp: Path) -> Path:
    return lying_zip(tmp / "lying.pt", mebibytes=1024)


def _legacy(tmp: Path) -> Path:
    return _saved(tmp / "legacy.pt", _mlp_state(), _use_new_zipfile_serialization=False)


def _short_record(tmp: Path) -> Path:
    """The pickle declares a storage of 10⁶ numbers; its entry holds 3."""
    state = {"0.weight": TensorRef(Storage("0", 10**6), (10**6, 1), (1, 1))}
    return torch_archive(tmp / "short.pt", state_dict_pickle(state), [stored("data/0", bytes(12))])


def _many_entries(tmp: Path) -> Path:
    entries = [stored(f"archive/x/{k}", b"") for k in range(MAX_ENTRIES + 1)]
    return write_zip(tmp / "entries.pt", entries)


def _huge_integers(tmp: Path) -> Path:
    return _saved(tmp / "int64.pt", {"0.weight": torch.tensor([[2**53 + 1]], dtype=torch.int64)})


def _many_keys(tmp: Path) -> Path:
    one = torch.ones(1, 1)
    return _saved(tmp / "keys.pt", {f"{k}.weight": one for k in range(2 * MAX_LAYERS + 1)})


def _traversal(tmp: Path) -> Path:
    """A valid state_dict whose archive also holds entries named ../../escaped and /abs."""
    valid = _saved(tmp / "valid.pt", {"0.weight": torch.ones(1, 1)}).read_bytes()
    source = zipfile.ZipFile(io.BytesIO(valid))
    entries = [stored(info.filename, source.read(info)) for info in source.infolist()]
    entries += [stored("../../escaped", b"x"), stored("/abs/escaped", b"x")]
    return write_zip(tmp / "traversal.pt", entries)


SIZE = re.escape(f"{MAX_UNPACKED_BYTES:,}")
CASES = {
    "zip bomb (5 GiB of zeros in 5 MB)": (
        _bomb, rf"its zip entries unpack to more than {SIZE} bytes "
               r"\(entry 'archive/data/0' alone declares 1,073,741,824\)"),
    "stride-0 view of 10^6 x 10^6": (
        _stride_zero, r"0\.weight: holds 1,000,000,000,000 numbers \(shape \(1000000, 1000000\)\), "
                      rf"more than the {MAX_PARAMETERS:,} a network may have"),
    "sparse COO tensor": (
        _sparse, r"0\.weight: a sparse tensor \(layout torch\.sparse_coo\); save dense tensors \(tensor\.to_dense\(\)\)"),
    "sparse CSR tensor": (_sparse_csr, r"0\.weight: a sparse tensor \(layout torch\.sparse_csr\); .*"),
    "meta tensor": (_meta, r"0\.weight: a meta tensor \(a shape without numbers\); .*"),
    "quantized tensor": (_quantized, r"0\.weight: a quantized tensor \(dtype torch\.qint8\); .*"),
    "TorchScript archive": (_torchscript, r"a TorchScript archive \(torch\.jit\.save\), .*; "
                                          r"save model\.state_dict\(\) with torch\.save instead"),
    "file over the byte limit": (
        _oversized, rf"is {MAX_FILE_BYTES + 1:,} bytes; a model file may have at most {MAX_FILE_BYTES:,} bytes"),
    "two inputs": (_two_inputs, r"the exact analysis needs one input and one output \(this network maps 2 -> 1\)"),
    # more of our own
    "values that are not tensors": (_not_tensors, r"0\.weight: expected a tensor of real numbers, got str .*"),
    "NaN weight": (_nan_weight, r"2\.weight: contains non-finite numbers"),
    "pickle calling os.system": (_os_system, r"holds objects other than tensors .*"),
    "truncated zip": (_truncated, r"a (truncated|damaged) zip archive .*"),
    "complex tensor": (_complex, r"0\.weight: dtype torch\.complex64 does not hold real numbers; .*"),
    "bool tensor": (_bool, r"0\.weight: dtype torch\.bool does not hold real numbers; .*"),
    "entry inflating past its declared size": (
        _lying, r"a damaged zip archive \(entry 'archive/data/0' does not match its CRC-32\)"),
    "legacy (pre-1.6) format": (_legacy, r"saved in PyTorch's legacy format \(before 1\.6\), .*"),
    "storage shorter than declared": (_short_record, r"not a torch state_dict file \(.*\)"),
    "too many zip entries": (_many_entries, rf"its zip archive has {MAX_ENTRIES + 1:,} entries, .*"),
    "int64 past 2**53": (_huge_integers, r"0\.weight: holds numbers float64 cannot represent exactly \(dtype int64\)"),
    "too many keys": (_many_keys, rf"state_dict: has {2 * MAX_LAYERS + 1:,} keys, .*"),
}


@pytest.fixture(scope="module")
def refusals(tmp_path_factory) -> dict[str, tuple]:
    """Every case through the CLI, all in one capped subprocess (torch is imported once, not per case)."""
    made = {}
    for case, (build, _) in CASES.items():
        folder = tmp_path_factory.mktemp("case")
        file = build(folder)
        (folder / "out").mkdir()
        made[case] = (folder, file, _digest(file))
    results = run_cli_capped_many([_breakpoints(file, folder / "out") for folder, file, _ in made.values()])
    return {case: (*made[case], result) for case, result in zip(made, results)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_cli_refuses_hostile_file(case, refusals):
    folder, file, before, result = refusals[case]
    _assert_refused(result, file, folder / "out", before, CASES[case][1])


def test_os_system_never_runs(refusals):
    folder, file, before, result = refusals["pickle calling os.system"]
    _assert_refused(result, file, folder / "out", before, r"holds objects other than tensors .*")
    assert not (folder / "pwned").exists()


def test_zip_with_path_traversal_names_writes_nothing(tmp_path):
    """Nothing is ever extracted; an entry named ../../escaped is refused by name."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    path = _traversal(work)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    _refused_by_cli(path, tmp_path / "out", r"zip entry '\.\./\.\./escaped' is not inside the archive's folder 'valid/'")
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.parts[-1] != "out")
    assert after == before and not Path("/abs/escaped").exists()


# ------------------------------------------------------- FIFO and /dev/zero
def _fifo(tmp: Path) -> Path:
    path = tmp / "weights.pt"
    os.mkfifo(path)
    return path


def test_cli_refuses_fifo_and_dev_zero(tmp_path):
    # On this branch the CLI's own check in front of the loader says "no such file" for
    # these; the shared reader of relu_anim.io says what they are, as the loader does
    # (the API tests below).
    kinds = r"is a (FIFO \(named pipe\)|character device), not a (model|state_dict) file"
    for file in (_fifo(tmp_path), Path("/dev/zero")):
        _refused_by_cli(file, tmp_path / "out", rf"(no such file|{kinds})")


API = """
import sys
from relu_anim.errors import ReluAnimError
from relu_anim.torch_adapter import load_state_dict
try:
    load_state_dict(sys.argv[1])
except ReluAnimError as err:
    print(err)
    sys.exit(2)
"""


@pytest.mark.parametrize(("name", "kind"), [("fifo", "a FIFO (named pipe)"), ("/dev/zero", "a character device"),
                                            ("fifo link", "a FIFO (named pipe)")])
def test_load_state_dict_refuses_non_regular_files(name, kind, tmp_path):
    """The API neither blocks on a FIFO (no writer ever comes) nor reads /dev/zero forever."""
    if name == "/dev/zero":
        path = Path("/dev/zero")
    else:
        path = _fifo(tmp_path)
        if name == "fifo link":
            (tmp_path / "link.pt").symlink_to(path)
            path = tmp_path / "link.pt"
    result = run_capped(["-c", API, str(path)])
    assert result.returncode == 2, result.stderr
    assert result.stdout == f"{path}: is {kind}, not a state_dict file\n"
    assert result.stderr == ""


def test_symlink_to_a_regular_file_is_read(tmp_path):
    target = _saved(tmp_path / "weights.pt", _mlp_state())
    (tmp_path / "link.pt").symlink_to(target)
    assert load_state_dict(tmp_path / "link.pt").widths == [1, 3, 1]


def test_directory_and_missing_file(tmp_path):
    with pytest.raises(ReluAnimError, match=f"^{re.escape(str(tmp_path))}: is a directory, not a state_dict file$"):
        load_state_dict(tmp_path)
    with pytest.raises(ReluAnimError, match=r": no such file$"):
        load_state_dict(tmp_path / "missing.pt")


# --------------------------------------------- the same checks on a state_dict in memory
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (torch.zeros(1).expand(10**6, 10**6), r"0\.weight: holds 1,000,000,000,000 numbers"),
        (torch.eye(2).to_sparse(), r"0\.weight: a sparse tensor \(layout torch\.sparse_coo\)"),
        (torch.empty(2, 2, device="meta"), r"0\.weight: a meta tensor"),
        (torch.ones(2, 2, dtype=torch.complex128), r"0\.weight: dtype torch\.complex128 does not hold real numbers"),
        (np.ones((2, 2), dtype=complex), r"0\.weight: expected a tensor of real numbers, got ndarray"),
        (np.array([[2**53 + 1]], dtype=np.int64), r"0\.weight: holds numbers float64 cannot represent exactly"),
    ],
)
def test_network_from_state_dict_checks_before_copying(value, message):
    with pytest.raises(ReluAnimError, match="^" + message):
        network_from_state_dict({"0.weight": value})


def test_parameter_total_is_bounded():
    half = torch.zeros(1).expand(MAX_PARAMETERS // 2 + 1, 1)
    with pytest.raises(ReluAnimError, match=rf"^state_dict: holds more than the {MAX_PARAMETERS:,} numbers"):
        network_from_state_dict({"0.weight": half, "1.weight": half.T})


def test_integers_that_float64_holds_are_read():
    net = network_from_state_dict({"0.weight": torch.tensor([[3]], dtype=torch.int64),
                                   "0.bias": np.array([2**53], dtype=np.int64)})
    assert net.layers[0].weight[0, 0] == 3.0 and net.layers[0].bias[0] == 2.0**53
