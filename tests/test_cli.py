"""The relu-anim command line: outputs, summaries, and one-line errors on bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from relu_anim.cli import main
from relu_anim.construct import optimal_x2
from relu_anim.io.network_file import load_network, save_network
from relu_anim.metrics import x2_optimal_mse


def run(capsys, *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_fit_construct_writes_the_network_and_prints_the_ratios(tmp_path, capsys):
    out_file = tmp_path / "x2.json"
    code, out, err = run(capsys, "fit", "x**2", "--domain", 0, 2, "--units", 5, "--method", "construct", "-o", out_file)
    assert code == 0, err
    loaded = load_network(out_file)
    assert loaded.network.hidden_units == 5
    assert loaded.metrics["mse"] == pytest.approx(x2_optimal_mse(5), rel=1e-9)
    assert loaded.metrics["optimal_mse"] == pytest.approx(x2_optimal_mse(5))
    assert len(loaded.piecewise.breakpoints) == 5
    assert "best possible" in out and "1.000" in out and str(out_file) in out


def test_fit_other_target_has_no_optimum_columns(tmp_path, capsys):
    out_file = tmp_path / "s.json"
    code, out, _ = run(capsys, "fit", "sin(3*x)", "--domain", -2, 2, "-n", 8, "-o", out_file)
    assert code == 0
    assert "best possible" not in out and "max error" in out
    assert load_network(out_file).target == "sin(3*x)"


def test_fit_train_is_deterministic_and_records_history(tmp_path, capsys):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for path in (first, second):
        code, _, err = run(capsys, "fit", "x**2", "--domain", 0, 2, "--units", 2, "--method", "train",
                           "--seed", 3, "--steps", 200, "--history", "-o", path)
        assert code == 0, err
    assert first.read_bytes() == second.read_bytes()
    history = json.loads(first.read_text())["history"]
    assert history[0]["step"] == 0 and history[-1]["step"] == 200
    assert all(np.isfinite(h["loss"]) for h in history)


def test_breakpoints_of_a_json_model(tmp_path, capsys):
    model = tmp_path / "m.json"
    save_network(model, optimal_x2(3), (0.0, 2.0))
    out_file = tmp_path / "kinks.json"
    code, out, _ = run(capsys, "breakpoints", model, "-o", out_file)
    assert code == 0
    assert "3 kinks" in out and "0.285714" in out  # first kink 2/7
    assert load_network(out_file).piecewise.breakpoints.tolist() == pytest.approx([2 / 7, 6 / 7, 10 / 7])


def test_breakpoints_of_a_torch_state_dict(tmp_path, capsys):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(1, 6), torch.nn.LeakyReLU(0.2), torch.nn.Linear(6, 4),
                                torch.nn.LeakyReLU(0.2), torch.nn.Linear(4, 1)).double()
    path = tmp_path / "model.pt"
    torch.save(model.state_dict(), path)
    out_file = tmp_path / "kinks.json"
    code, out, err = run(capsys, "breakpoints", path, "--domain", -3, 3, "--activation", "leaky_relu",
                         "--negative-slope", 0.2, "-o", out_file)
    assert code == 0, err
    from relu_anim.torch_adapter import network_from_torch

    expected = network_from_torch(model).piecewise(-3, 3)
    got = load_network(out_file).piecewise
    np.testing.assert_allclose(got.breakpoints, expected.breakpoints, rtol=1e-12)
    assert f"{len(expected.breakpoints)} kinks" in out


def _bad_json(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.json"
    path.write_text(text)
    return path


def _valid_dict() -> dict:
    return {"format": "relu-anim/network", "version": 1,
            "layers": [{"weight": [[1.0], [1.0]], "bias": [0.0, -1.0], "activation": "relu"},
                       {"weight": [[1.0, 1.0]], "bias": [0.0], "activation": "linear"}]}


def _nan_weights(tmp_path: Path) -> Path:
    data = _valid_dict()
    text = json.dumps(data).replace("[0.0, -1.0]", "[NaN, -1.0]")
    return _bad_json(tmp_path, text)


def _ragged(tmp_path: Path) -> Path:
    data = _valid_dict()
    data["layers"][1]["weight"] = [[1.0, 1.0, 1.0]]
    return _bad_json(tmp_path, json.dumps(data))


BAD = {
    "unknown file": (lambda t: ["breakpoints", t / "missing.json", "--domain", 0, 1], "no such file"),
    "malformed json": (lambda t: ["breakpoints", _bad_json(t, "{not json"), "--domain", 0, 1], "JSON"),
    "wrong shapes": (lambda t: ["breakpoints", _ragged(t), "--domain", 0, 1], "layers\\[1\\]"),
    "nan weights": (lambda t: ["breakpoints", _nan_weights(t), "--domain", 0, 1], "finite"),
    "garbage state dict": (lambda t: ["breakpoints", _bad_json(t, "\x00garbage"), "--domain", 0, 1], "bad.json"),
    "state dict without domain": (lambda t: ["breakpoints", _torch_file(t)], "--domain"),
    "bad expression": (lambda t: ["fit", "__import__('os')", "--domain", 0, 1, "-n", 2], "unknown function"),
    "not finite": (lambda t: ["fit", "log(x)", "--domain", 0, 1, "-n", 2], "not finite"),
    "a >= b": (lambda t: ["fit", "x**2", "--domain", 2, 2, "-n", 2], "smaller than b"),
    "n < 1": (lambda t: ["fit", "x**2", "--domain", 0, 2, "-n", 0], "at least 1"),
    "n absurd": (lambda t: ["fit", "x**2", "--domain", 0, 2, "-n", 10**9], "more than the"),
    "domain not a number": (lambda t: ["fit", "x**2", "--domain", 0, "two", "-n", 2], "not a valid float"),
    "history without train": (lambda t: ["fit", "x**2", "--domain", 0, 2, "-n", 2, "--history"], "--method train"),
    "bad steps": (lambda t: ["fit", "x**2", "--domain", 0, 2, "-n", 2, "--method", "train", "--steps", 0], "steps"),
    "unknown option": (lambda t: ["fit", "x**2", "--frobnicate"], "frobnicate"),
}


def _torch_file(tmp_path: Path) -> Path:
    path = tmp_path / "m.pt"
    torch.save(torch.nn.Sequential(torch.nn.Linear(1, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1)).state_dict(), path)
    return path


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_gives_one_line_exit_2_and_no_output(case, tmp_path, capsys):
    make_args, message = BAD[case]
    args = make_args(tmp_path)
    out_file = tmp_path / "out.json"
    code, _, err = run(capsys, *args, "-o", out_file)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("relu-anim: error: ")
    assert "Traceback" not in err
    import re

    assert re.search(message, lines[0]), lines[0]
    assert not out_file.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(("out", ".out", "tmp"))] == []


def test_the_installed_console_script_exits_2_with_one_line(tmp_path):
    script = shutil.which("relu-anim", path=str(Path(sys.executable).parent))
    assert script is not None
    done = subprocess.run([script, "fit", "x**2", "--domain", "1", "0", "-n", "3", "-o", str(tmp_path / "o.json")],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "smaller than b" in done.stderr
    assert not (tmp_path / "o.json").exists()
    ok = subprocess.run([script, "--help"], capture_output=True, text=True)
    assert ok.returncode == 0 and "breakpoints" in ok.stdout


def test_a_bug_is_one_line_with_status_1_and_no_output(tmp_path, capsys, monkeypatch):
    from relu_anim.cli import commands

    def broken(*args, **kwargs):
        raise TypeError("'float' object\nis not subscriptable")

    monkeypatch.setattr(commands, "construct", broken)
    monkeypatch.delenv("RELU_ANIM_TRACEBACK", raising=False)
    code, out, err = run(capsys, "fit", "x**2", "--domain", 0, 2, "-n", 3, "-o", tmp_path / "o.json")
    assert (code, out) == (1, "")
    assert err == ("relu-anim: internal error: TypeError: 'float' object\\nis not subscriptable "
                   "(please report it; RELU_ANIM_TRACEBACK=1 shows where)\n")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setenv("RELU_ANIM_TRACEBACK", "1")
    with pytest.raises(TypeError, match="is not subscriptable"):
        main(["fit", "x**2", "--domain", "0", "2", "-n", "3", "-o", str(tmp_path / "o.json")])


def test_numpy_warnings_add_no_lines(tmp_path, capsys):
    """A domain whose width overflows makes numpy warn; the user still gets one line."""
    code, _, err = run(capsys, "fit", "x**2", "--domain", -1e308, 1e308, "-n", 3, "-o", tmp_path / "o.json")
    assert code == 2 and err.count("\n") == 1 and err.startswith("relu-anim: error: "), err
    assert list(tmp_path.iterdir()) == []


def test_no_arguments_prints_the_help(capsys):
    code, out, err = run(capsys)
    assert (code, err) == (0, "") and "breakpoints" in out and "Usage: relu-anim" in out


def test_version_and_help_exit_0(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("relu-anim, version ")
    code, out, _ = run(capsys, "breakpoints", "--help")
    assert code == 0 and "--all" in out and "state_dict" in out


@pytest.mark.parametrize("jobs", ["0", "-2", "two", "1.5"])
def test_video_refuses_a_bad_job_count_before_rendering(jobs, capsys):
    code, out, err = run(capsys, "video", "--jobs", jobs)
    assert code == 2 and out == ""
    assert "--jobs" in err
