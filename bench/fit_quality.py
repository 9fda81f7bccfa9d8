"""How close do constructed and trained networks get to the best possible fit of x²?

For f(x) = x² on [0, 2] and a one-hidden-layer network of n ReLU units the best
possible mean squared error is MSE* = 64/(45(2n+1)⁴) and the best possible max
error L∞* = 2/(2n+1)² (DESIGN.md, "Numbers to hit"). For n in {1, 2, 5, 10, 20,
50, 100} this prints, side by side:

* ``construct`` — :func:`relu_anim.construct.construct`, no training;
* ``train`` — :func:`relu_anim.torch_adapter.train` with its default steps
  (kinks initialised inside the data, output layer solved exactly by least squares);
* ``plain Adam`` — :func:`relu_anim.torch_adapter.plain_adam_baseline`: what a
  user would write (PyTorch's default init, Adam lr 1e-3, MSE, the same steps).

Each row gives MSE/MSE* and L∞/L∞* measured exactly (per piece, on the network's
exact breakpoints), the seconds the fit took (one-off import costs excluded by a
warm-up run) and the first-layer units dead on [0, 2]. A second table checks two
other targets against a constant fit. The last lines say whether the goals hold:
train ≤ 1.1·MSE* for n ≤ 10, ≤ 1.5·MSE* for n ≥ 20, ≤ 10 s per fit.

Run from the repository root::

    .venv/bin/python bench/fit_quality.py            # about a minute on 2 cores
    .venv/bin/python bench/fit_quality.py --quick    # n in {1, 5, 20}
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from arguments import whole_number  # noqa: E402  (bench/, the script's own folder)
from relu_anim.construct import construct  # noqa: E402
from relu_anim.metrics import max_error, mse  # noqa: E402
from relu_anim.network import Network  # noqa: E402
from relu_anim.torch_adapter import plain_adam_baseline, train  # noqa: E402
from relu_anim.story.units import dead_units  # noqa: E402
from relu_anim.x2 import DOMAIN, optimal_max_error, optimal_mse, square  # noqa: E402

FULL = (1, 2, 5, 10, 20, 50, 100)
QUICK = (1, 5, 20)
TIME_LIMIT = 10.0


def _measure(net: Network, n: int) -> tuple[float, float]:
    f = net.piecewise(*DOMAIN)
    return mse(f, square) / optimal_mse(n), max_error(f, square) / optimal_max_error(n)


def _ratio(value: float) -> str:
    return f"{value:.3f}" if value < 100 else f"{value:,.0f}"


def _timed(fit: Callable[[], Network]) -> tuple[Network, float]:
    start = time.perf_counter()
    net = fit()
    return net, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only n = 1, 5, 20")
    parser.add_argument("--steps", type=whole_number(1, 100_000), default=3000, help="training steps (default 3000)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    rows: list[dict] = []
    others: list[tuple[str, int, float, float, float]] = []
    # Warm-up: the first torch calls of a process load libraries; keep that out of the timings.
    train(square, DOMAIN, 1, steps=2, progress=False)
    plain_adam_baseline(square, DOMAIN, 1, steps=2)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("fits", total=3 * len(sizes) + 2)
        for n in sizes:
            bar.update(task, description=f"n = {n}: construct")
            net, seconds = _timed(lambda: construct(square, DOMAIN, n))
            rows.append(dict(n=n, method="construct", ratios=_measure(net, n), seconds=seconds, dead=None))
            bar.advance(task)

            bar.update(task, description=f"n = {n}: train")
            result = train(square, DOMAIN, n, steps=args.steps, progress=False)
            rows.append(dict(n=n, method="train", ratios=_measure(result.network, n),
                             seconds=result.seconds, dead=dead_units(result.network, DOMAIN)))
            bar.advance(task)

            bar.update(task, description=f"n = {n}: plain Adam")
            base = plain_adam_baseline(square, DOMAIN, n, steps=args.steps)
            rows.append(dict(n=n, method="plain Adam", ratios=_measure(base.network, n),
                             seconds=base.seconds, dead=dead_units(base.network, DOMAIN)))
            bar.advance(task)

        for name, target, domain in (("sin(3x) on [-2, 2]", lambda x: np.sin(3 * x), (-2.0, 2.0)),
                                     ("abs(x-0.5) on [0, 1]", lambda x: np.abs(x - 0.5), (0.0, 1.0))):
            bar.update(task, description=name)
            n = 10
            constant = float(np.var(target(np.linspace(*domain, 100_001))))
            trained = train(target, domain, n, steps=args.steps, progress=False).network
            built = construct(target, domain, n)
            others.append((name, n, mse(trained.piecewise(*domain), target),
                           mse(built.piecewise(*domain), target), constant))
            bar.advance(task)

    print(f"x² on [0, 2], one hidden layer of n ReLU units, {args.steps} training steps\n")
    print("|   n | method     |  MSE/MSE* |  L∞/L∞* | seconds | dead units |")
    print("| --: | :--------- | --------: | ------: | ------: | ---------: |")
    for row in rows:
        mse_ratio, max_ratio = (_ratio(v) for v in row["ratios"])
        dead = "" if row["dead"] is None else f"{row['dead']} ({row['dead'] / row['n']:.0%})"
        print(f"| {row['n']:>3} | {row['method']:<10} | {mse_ratio:>9} | {max_ratio:>7} "
              f"| {row['seconds']:>7.2f} | {dead:>10} |")
    print("\nother targets, n = 10 units: mean squared error")
    print("| target               | train     | construct | constant fit |")
    print("| :------------------- | --------: | --------: | -----------: |")
    for name, _n, trained_mse, built_mse, constant in others:
        print(f"| {name:<20} | {trained_mse:>9.2e} | {built_mse:>9.2e} | {constant:>12.2e} |")

    trained = [r for r in rows if r["method"] == "train"]
    goals = [
        ("train MSE/MSE* <= 1.1 for n <= 10", "{:.4f}",
         [r["ratios"][0] for r in trained if r["n"] <= 10], lambda v: v <= 1.1),
        ("train MSE/MSE* <= 1.5 for n >= 20", "{:.4f}",
         [r["ratios"][0] for r in trained if r["n"] >= 20], lambda v: v <= 1.5),
        (f"train <= {TIME_LIMIT:g} s per fit", "{:.2f} s",
         [r["seconds"] for r in trained], lambda v: v <= TIME_LIMIT),
        ("other targets: train MSE < 1 % of a constant fit's", "{:.2%}",
         [t / c for _, _, t, _, c in others], lambda v: v < 0.01),
    ]
    print()
    ok = True
    for label, fmt, values, test in goals:
        passed = all(test(v) for v in values)
        ok &= passed
        worst = "worst " + fmt.format(max(values)) if values else "no runs"
        print(f"{'PASS' if passed else 'FAIL'}  {label} ({worst})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
