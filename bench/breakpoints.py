"""Benchmark 1: exact breakpoints against the sampling method of seed 003.

The article behind the random-network chapter evaluates a random ReLU network
at x = −100, −99.99, …, 100 (20,001 points, step 0.01) and looks for changes of
slope between neighbouring samples. relu-anim instead splits the domain at every
unit's root, layer by layer (``Network.piecewise``). Both run here on the same
random network (4 hidden layers of 64, PyTorch's default initialisation), in one
run, best of several repeats each; the table gives the time ratio and what each
finds.

Run from the repository root::

    .venv/bin/python bench/breakpoints.py [--repeats 20] [--seed 0]
"""

from __future__ import annotations

import argparse

import numpy as np

from relu_anim.construct import random_network
from arguments import whole_number
from timing import best_time

STEP = 0.01
DOMAIN = (-100.0, 100.0)


def sampled_kinks(net, step: float = STEP) -> np.ndarray:
    """Seed 003's way: evaluate on a grid and report cells where the slope changes."""
    x = np.linspace(DOMAIN[0], DOMAIN[1], int(round((DOMAIN[1] - DOMAIN[0]) / step)) + 1)
    y = net(x)
    slope = np.diff(y) / step
    change = np.abs(np.diff(slope)) > 1e-6 * max(1.0, float(np.max(np.abs(slope))))
    # a kink inside cell i changes the slope at grid points i and i+1: count runs once
    starts = change & ~np.concatenate([[False], change[:-1]])
    return x[1:-1][starts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=whole_number(1, 1000), default=20)
    parser.add_argument("--seed", type=whole_number(0, 2**32 - 1), default=0)
    args = parser.parse_args()

    net = random_network([1, 64, 64, 64, 64, 1], seed=args.seed)
    t_exact, exact = best_time(lambda: net.piecewise(*DOMAIN), args.repeats)
    t_sampled, sampled = best_time(lambda: sampled_kinks(net), args.repeats)

    kinks = exact.breakpoints
    # a sampled detection is right if an exact kink lies within one grid step of it
    near = np.abs(sampled[:, None] - kinks[None, :]) <= 1.5 * STEP if len(kinks) else np.zeros((len(sampled), 0), bool)
    found = near.any(axis=0).sum() if len(kinks) else 0
    false = (~near.any(axis=1)).sum() if len(sampled) else 0
    cells = np.unique(np.floor((kinks - DOMAIN[0]) / STEP))

    print(f"random ReLU network 1-64-64-64-64-1 (seed {args.seed}) on [{DOMAIN[0]:g}, {DOMAIN[1]:g}]")
    print(f"{'method':<34}{'time (ms)':>12}{'kinks':>8}")
    print(f"{'exact (Network.piecewise)':<34}{1e3 * t_exact:>12.2f}{len(kinks):>8}")
    print(f"{'sampled, 20,001 points, step 0.01':<34}{1e3 * t_sampled:>12.2f}{len(sampled):>8}")
    print(f"speed-up exact vs sampled: {t_sampled / t_exact:.1f}x (goal >= 10x)")
    print(f"activation regions before merging: {len(exact.region_breakpoints) + 1}")
    print(f"exact kinks the sampling also saw: {found} of {len(kinks)} "
          f"({len(kinks) - len(cells)} share a 0.01 cell with another kink)")
    print(f"sampled detections with no exact kink nearby: {false}")
    print(f"narrowest piece: {np.min(np.diff(exact.knots)):.3g} (sampling step {STEP})")


if __name__ == "__main__":
    main()
