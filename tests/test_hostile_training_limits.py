"""Training limits: every documented limit is refused one past it, in one line, before training.

The limits (relu_anim.torch_adapter.train) keep a run within about a minute of
one core and well under 2 GB: MAX_STEPS, MAX_TRAIN_UNITS (hidden units in all),
MAX_TRAIN_WORK (estimated multiply-adds, ``(steps + 1) × training_work``) and
MAX_HISTORY_POINTS. The CLI runs capped at 3 GiB of address space
(tests/capped.py; its runs one after another in one such subprocess); the largest networks the limits allow train a step within
that cap. Time is never asserted: the estimate's calibration is in the
training_work docstring, and full runs at the limits are measured, not tested.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from relu_anim.construct import MAX_UNITS
from relu_anim.errors import ReluAnimError
from relu_anim.torch_adapter import (MAX_HISTORY_POINTS, MAX_STEPS, MAX_TRAIN_UNITS, MAX_TRAIN_WORK,
                                     plain_adam_baseline, train, training_work)
from relu_anim.torch_adapter.train import _check_work
from tests.capped import run_capped, run_cli_capped_many


def square(x):
    return x**2


def _most_steps(widths: list[int], solve_output: bool = True) -> int:
    """The most steps MAX_TRAIN_WORK allows for these widths (≥ 1 for every case below)."""
    return min(MAX_STEPS, int(MAX_TRAIN_WORK // training_work(widths, solve_output)) - 1)


REFUSED = [
    (["--units", "2000", "--steps", "1"],
     f"units: 2,000 hidden units are more than the {MAX_TRAIN_UNITS:,} that can be trained "
     f"(construct builds up to {MAX_UNITS:,})"),
    (["--units", "10", "--steps", "1000000"], f"steps: must be at most {MAX_STEPS:,} (got 1,000,000)"),
    (["--units", "1000", "--steps", "3000"],
     f"steps: training 1,000 units for 3,000 steps is about {3001 * training_work([1000]):.1e} multiply-adds, "
     f"more than the {MAX_TRAIN_WORK:.0e} (about a minute) a run may take; use fewer steps or units"),
]
#: The largest network the limits allow, one step.
LARGEST_FIT = ["--units", str(MAX_TRAIN_UNITS), "--steps", "1"]


@pytest.fixture(scope="module")
def fits(tmp_path_factory) -> dict[tuple[str, ...], tuple]:
    """``relu-anim fit x**2 --method train OPTIONS`` for each case, all in one capped subprocess."""
    cases = [tuple(options) for options, _ in REFUSED] + [tuple(LARGEST_FIT)]
    outs = [tmp_path_factory.mktemp("fit") for _ in cases]
    results = run_cli_capped_many([["fit", "x**2", "--domain", "0", "2", "--method", "train", *options,
                                    "-o", str(out / "fit.json")] for options, out in zip(cases, outs)])
    return {options: (result, out) for options, result, out in zip(cases, results, outs)}


@pytest.mark.parametrize(("options", "message"), REFUSED)
def test_cli_refuses_runs_past_the_limits(options, message, fits):
    result, out = fits[tuple(options)]
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [f"relu-anim: error: {message}"]
    assert result.stdout == "" and list(out.iterdir()) == []


def test_cli_trains_the_largest_network_under_the_cap(fits):
    result, out = fits[tuple(LARGEST_FIT)]
    assert result.returncode == 0, result.stderr
    saved = json.loads((out / "fit.json").read_text())
    assert len(saved["layers"][0]["weight"]) == MAX_TRAIN_UNITS


LARGEST = f"""
from relu_anim.torch_adapter import plain_adam_baseline, train
square = lambda x: x**2
print(train(square, (0, 2), {MAX_TRAIN_UNITS}, steps=1, solve_output=False, progress=False).network.widths)
print(plain_adam_baseline(square, (0, 2), {MAX_TRAIN_UNITS}, steps=1).network.widths)
print(train(square, (0, 2), widths=[100] * 10, steps=1, progress=False).network.widths)
"""


def test_largest_autograd_runs_fit_under_the_cap():
    """The most memory per step: N × units activations kept for backward (20,000 × 1,000)."""
    result = run_capped(["-c", LARGEST])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"[1, {MAX_TRAIN_UNITS}, 1]"] * 2 + [str([1] + [100] * 10 + [1])]


@pytest.mark.parametrize(("widths", "solve_output"),
                         [([1], True), ([100], True), ([1000], True), ([1000], False), ([20], False),
                          ([200, 200], True), ([100] * 10, True), ([], False)])
def test_work_limit_is_exact_at_the_boundary(widths, solve_output):
    most = _most_steps(widths, solve_output)
    assert most >= 1
    _check_work(widths, most, solve_output)  # allowed
    if most < MAX_STEPS:
        with pytest.raises(ReluAnimError, match=r"^steps: training .* for [\d,]+ steps is about .* multiply-adds, more than"):
            _check_work(widths, most + 1, solve_output)


def test_max_steps_is_reachable_for_small_networks():
    assert _most_steps([1]) == MAX_STEPS and _most_steps([20], solve_output=False) < MAX_STEPS
    _check_work([1], MAX_STEPS, True)
    with pytest.raises(ReluAnimError, match=f"^steps: must be at most {MAX_STEPS:,}"):
        train(square, (0, 2), 1, steps=MAX_STEPS + 1, progress=False)


def test_the_story_and_the_benchmark_fit_in_the_limits():
    """scenes/training.py, scenes/linear_collapse.py and bench/fit_quality.py (n ≤ 100, 3000 steps)."""
    for widths, steps, solve_output in [([], 400, False), ([1], 1500, False), ([2], 1500, False),
                                        ([20], 2000, False), ([3], 1000, True), ([100], 3000, True),
                                        ([100], 3000, False)]:
        _check_work(widths, steps, solve_output)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(widths=[600, 401]), f"widths: 1,001 hidden units are more than the {MAX_TRAIN_UNITS:,}"),
        (dict(units=MAX_TRAIN_UNITS + 1), f"units: {MAX_TRAIN_UNITS + 1:,} hidden units are more than"),
        (dict(widths=[500, 500], steps=1), r"steps: training widths \[500, 500\] for 1 step is about"),
        (dict(units=3, steps=5, history=True, history_points=MAX_HISTORY_POINTS + 1),
         f"history_points: must be at most {MAX_HISTORY_POINTS:,}"),
    ],
)
def test_train_refuses_past_the_limits_before_training(kwargs, message):
    calls = []
    with pytest.raises(ReluAnimError, match="^" + message):
        train(square, (0, 2), progress=lambda step, loss: calls.append(step), **kwargs)
    assert calls == []  # refused before the first step


def test_baseline_refuses_past_the_limits():
    with pytest.raises(ReluAnimError, match=f"^units: {MAX_TRAIN_UNITS + 1:,} hidden units"):
        plain_adam_baseline(square, (0, 2), MAX_TRAIN_UNITS + 1, steps=1)
    steps = _most_steps([MAX_TRAIN_UNITS], solve_output=False) + 1
    with pytest.raises(ReluAnimError, match=re.escape(f"steps: training 1,000 units for {steps:,} steps")):
        plain_adam_baseline(square, (0, 2), MAX_TRAIN_UNITS, steps=steps)


def test_history_at_its_limit():
    result = train(square, (0, 2), 1, steps=MAX_HISTORY_POINTS * 2, history=True,
                   history_points=MAX_HISTORY_POINTS, progress=False)
    steps = [snap["step"] for snap in result.history]
    assert len(steps) == MAX_HISTORY_POINTS and steps == sorted(set(steps))
    assert np.isfinite(result.losses).all()
