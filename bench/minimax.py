"""Max error of the least-squares fit against the minimax fit, for x², exp and sin(3x) on [0, 2].

For n in {1, 2, 5, 10, 20} (``--quick``: {1, 2, 5}) this prints, per target, the
max error of :func:`relu_anim.construct.construct` (``fit --objective mse``),
that of :func:`relu_anim.minimax.minimax_fit` (``fit --objective max``), their
ratio, the minimax fit's lower bound and the seconds it took. Both errors are
:func:`relu_anim.metrics.max_error` of the network's exact pieces. For x² the
known optimum ``2/(2n+1)²`` is printed as well: minimax/optimum should be 1 and
minimax/least squares 0.75.

Run from the repository root::

    .venv/bin/python bench/minimax.py            # several minutes on 2 shared cores
    .venv/bin/python bench/minimax.py --quick
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from relu_anim.construct import construct  # noqa: E402
from relu_anim.metrics import max_error  # noqa: E402
from relu_anim.minimax import minimax_fit  # noqa: E402
from relu_anim.target import parse_target  # noqa: E402
from relu_anim.x2 import optimal_max_error  # noqa: E402

DOMAIN = (0.0, 2.0)
TARGETS = ("x**2", "exp(x)", "sin(3*x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n in {1, 2, 5} only")
    units = (1, 2, 5) if parser.parse_args().quick else (1, 2, 5, 10, 20)
    header = f"{'target':>9} {'n':>3} {'least sq.':>11} {'minimax':>11} {'ratio':>6} {'lower bd':>11} {'optimum':>11} {'s':>6}"
    print(header)
    print("-" * len(header))
    for text in TARGETS:
        target = parse_target(text)
        for n in units:
            least_squares = max_error(construct(target, DOMAIN, n).piecewise(*DOMAIN), target)
            start = time.process_time()
            fit = minimax_fit(target, DOMAIN, n)
            seconds = time.process_time() - start
            optimum = f"{optimal_max_error(n):11.4e}" if text == "x**2" else f"{'':>11}"
            print(f"{text:>9} {n:>3} {least_squares:11.4e} {fit.max_error:11.4e} "
                  f"{fit.max_error / least_squares:6.3f} {fit.lower_bound:11.4e} {optimum} {seconds:6.1f}",
                  flush=True)


if __name__ == "__main__":
    main()
