"""Minimax fits (relu_anim.minimax) against what is known exactly, and ``fit --objective max``.

What theory says, and what is checked
-------------------------------------
For fixed kinks, the fits of one layout (one flat piece, or ``n − 1`` kinks and
a linear unit) form a linear space of continuous polylines; on the knots
``t_p < … < t_q`` it has dimension ``q − p + 1``, one less when the flat piece
lies there. A best approximation from such a spline space is characterised
by an alternation *on some knot interval*: the error reaches ``±E`` with
alternating signs at least ``dimension + 1`` times on some ``[t_p, t_q]``
(Rice; Schumaker, *Spline Functions*, ch. 7, for splines with fixed knots).
Over all of ``[a, b]`` that is ``n + 2`` points, but theory does not promise
the whole interval: for ``abs(x − 0.7)`` with one unit the flat piece alone
decides the optimum, and best fits with only two alternation points exist.
So the tests check

- the interval condition for every fit (:func:`assert_alternates`);
- ``n + 2`` alternation points over ``[a, b]`` on x², exp, sin(3x) (3 and 5
  units) and the corner ``abs(x − 0.7) + x²/2`` (2 and 3 units), and ``2n + 2`` where
  the target is convex (each piece is a chord shifted by ``E``: ``±E`` at both
  ends and once inside);
- the known values: ``2/(2n+1)²`` for x² on [0, 2], ``0.35`` for
  ``abs(x − 0.7)`` with one unit (proof in its test).

Extrema of the error are found here independently of the module: a dense grid
per piece, refined by golden-section search, plus every knot.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relu_anim import ReluAnimError
from relu_anim.construct import construct
from relu_anim.io.network_file import load_network
from relu_anim.metrics import max_error
from relu_anim.network import Network
from relu_anim.minimax import MAX_MINIMAX_UNITS, POLISH_STOP, MinimaxFit, best_line, minimax_fit
from relu_anim.target import parse_target
from relu_anim.x2 import optimal_kinks, optimal_max_error

from .hostile import assert_fails, run_cli
from .rounding import U, assert_within, evaluation_bound, gamma, magnitude

DOMAIN = (0.0, 2.0)


@functools.cache
def fitted(text: str, units: int) -> MinimaxFit:
    return minimax_fit(parse_target(text), DOMAIN, units)


def rounding_bound(fit: MinimaxFit | Network, text: str) -> float:
    """How far rounding alone can move a level computed for this fit.

    The network's value anywhere is within ``γ₂N·M`` of the exact polyline
    (:func:`tests.rounding.evaluation_bound`); the module's residuals
    ``f − (m·x + q)`` round at most 4 times on numbers no larger than
    ``max|f| + M``, and the target itself is within 4 ulps (``LIBM_ULPS``): 16
    units of ``u`` on that size cover both, with room to spare.
    """
    net = fit.network if isinstance(fit, MinimaxFit) else fit
    x = np.linspace(*DOMAIN, 4097)
    size = float(np.max(np.abs(parse_target(text)(x)))) + float(np.max(magnitude(net, x)))
    return float(np.max(evaluation_bound(net, x))) + 16 * U * size


def stop_slack(fit: MinimaxFit, text: str) -> float:
    """What the polishing may leave: it stops once a step would lower the error by < POLISH_STOP·E."""
    return 2 * POLISH_STOP * fit.max_error + 2 * rounding_bound(fit, text)


def extrema(fit: MinimaxFit, text: str) -> tuple[np.ndarray, np.ndarray]:
    """Places and values of the local extrema of ``g − f`` (knots included), sorted by place."""
    f = parse_target(text)
    g = fit.network.piecewise(*DOMAIN)
    places = [g.knots]
    golden = (np.sqrt(5.0) - 1) / 2
    for lo, hi in zip(g.knots[:-1], g.knots[1:]):
        x = np.linspace(lo, hi, 2001)
        e = g(x) - f(x)
        for sign in (1.0, -1.0):
            s = sign * e
            peak = np.flatnonzero((s[1:-1] >= s[:-2]) & (s[1:-1] >= s[2:])) + 1
            left, right = x[peak - 1], x[peak + 1]
            for _ in range(80):
                c = right - golden * (right - left)
                d = left + golden * (right - left)
                keep = sign * (g(c) - f(c)) >= sign * (g(d) - f(d))
                right = np.where(keep, d, right)
                left = np.where(keep, left, c)
            places.append(0.5 * left + 0.5 * right)
    x = np.unique(np.concatenate(places))
    return x, g(x) - f(x)


def alternation(x: np.ndarray, e: np.ndarray, level: float, slack: float, lo: float, hi: float) -> int:
    """Length of the longest alternation of ``e`` reaching ``±(level − slack)`` on ``[lo, hi]``."""
    inside = (x >= lo) & (x <= hi) & (np.abs(e) >= level - slack)
    signs = np.sign(e[inside])
    return int(1 + np.count_nonzero(signs[1:] != signs[:-1])) if len(signs) else 0


def dimension(fit: MinimaxFit, p: int, q: int) -> int:
    """Dimension of the layout's polylines restricted to [knots[p], knots[q]]."""
    flat_inside = fit.flat is not None and p <= fit.flat < q
    return q - p + 1 - int(flat_inside)


def assert_alternates(fit: MinimaxFit, text: str, slack: float) -> None:
    """Some knot interval [t_p, t_q] holds dimension + 1 alternation points (see the module docstring)."""
    x, e = extrema(fit, text)
    knots = fit.knots
    found = [(p, q) for p in range(len(knots) - 1) for q in range(p + 1, len(knots))
             if alternation(x, e, fit.max_error, slack, knots[p], knots[q]) >= dimension(fit, p, q) + 1]
    assert found, f"no knot interval alternates enough: extrema {list(zip(x.round(4), e.round(6)))}"


# ------------------------------------------------------------------ one piece
def test_best_line_on_points_equioscillates_three_times():
    x = np.linspace(0.0, 1.0, 101)
    y = np.exp(x)
    m, q, error = best_line(x, y)
    r = y - (m * x + q)
    assert error == pytest.approx(np.max(np.abs(r)), abs=0)
    assert alternation(x, r, error, 8 * U * 3, 0.0, 1.0) == 3  # a Haar space of dimension 2: exactly 3


# ------------------------------------------------------------------ x²: the known optimum
@pytest.mark.parametrize("n", [1, 2, 5])
def test_x2_minimax_is_the_known_optimum_and_three_quarters_of_least_squares(n):
    fit = fitted("x**2", n)
    bound = rounding_bound(fit, "x**2")
    best = optimal_max_error(n)
    assert_within(fit.max_error, best, bound, "max error")
    assert_within(fit.lower_bound, best, bound, "lower bound")
    assert fit.flat == 0 and fit.network.hidden_units == n
    # the piece errors change with a kink at rate ≥ h/4 (h = 4/(2n+1)): a kink off by δ shows as ≥ δ·h/4
    h = 4 / (2 * n + 1)
    assert_within(fit.knots[1:-1], optimal_kinks(n), n * 4 * bound / h, "kinks")
    least_squares = max_error(construct(parse_target("x**2"), DOMAIN, n).piecewise(*DOMAIN), parse_target("x**2"))
    # least squares shifts the interpolant by h²/6 instead of h²/8; its solve (a hat-function Gram matrix
    # of condition ≤ 3) and quadrature round within 3·γ(8(n + 2)) of the values' size 4
    assert_within(fit.max_error / least_squares, 0.75, (bound + 3 * gamma(8 * (n + 2)) * 4) / least_squares,
                  "minimax / least squares")
    x, e = extrema(fit, "x**2")
    assert alternation(x, e, fit.max_error, bound, *DOMAIN) == 2 * n + 2


# ------------------------------------------------------------------ smooth convex, non-convex, corner
@pytest.mark.parametrize("n", [2, 5])
def test_exp_is_proven_optimal_and_equioscillates_at_every_kink(n):
    fit = fitted("exp(x)", n)
    bound = rounding_bound(fit, "exp(x)")
    assert_within(fit.max_error, fit.lower_bound, 2 * bound, "max error against its lower bound")
    x, e = extrema(fit, "exp(x)")
    assert alternation(x, e, fit.max_error, bound, *DOMAIN) >= 2 * n + 2
    assert_alternates(fit, "exp(x)", bound)


@pytest.mark.parametrize("n", [3, 5])
def test_sin_3x_equioscillates_n_plus_2_times(n):
    fit = fitted("sin(3*x)", n)
    slack = stop_slack(fit, "sin(3*x)")
    assert fit.max_error >= fit.lower_bound - rounding_bound(fit, "sin(3*x)")
    x, e = extrema(fit, "sin(3*x)")
    assert alternation(x, e, fit.max_error, slack, *DOMAIN) >= n + 2
    assert_alternates(fit, "sin(3*x)", slack)


def test_sin_3x_with_two_units_alternates_on_a_knot_interval():
    fit = fitted("sin(3*x)", 2)
    assert fit.max_error >= fit.lower_bound
    assert_alternates(fit, "sin(3*x)", stop_slack(fit, "sin(3*x)"))


def test_corner_with_one_unit_is_the_proven_optimum():
    """abs(x − 0.7) on [0, 2] with one unit: 0.35, decided by the flat piece.

    One unit makes a flat piece and a line (either order) or a line. Flat on
    [0, t]: if t ≥ 0.7 the piece spans values 0 … 0.7, so E ≥ 0.35; if t < 0.7
    and E < 0.35, the line must start at ≥ 0.7 − E and be ≤ E at 0.7, so it
    falls, and ends below E < 1.3 − E at x = 2. Flat on [t, 2]: the line through
    the corner falls likewise, and the flat level must reach 1.3 − E: E > 0.65.
    One line: 0.455 (alternation at 0, 0.7, 2). So 0.35 is best, reached with a
    flat piece [0, t], t ≥ 0.7, at 0.35; the line after it only has to stay
    within 0.35, so best fits with only 2 alternation points exist (fewer than
    n + 2 = 3 over [0, 2]: theory promises the alternation on a knot interval).
    """
    fit = fitted("abs(x-0.7)", 1)
    bound = rounding_bound(fit, "abs(x-0.7)")
    assert_within(fit.max_error, 0.35, bound + stop_slack(fit, "abs(x-0.7)"), "max error")
    assert fit.flat == 0 and fit.knots[1] >= 0.7
    # the flat piece alone alternates twice (its dimension 1, plus 1): what makes the fit best
    x, e = extrema(fit, "abs(x-0.7)")
    assert alternation(x, e, fit.max_error, bound, 0.0, fit.knots[1]) >= 2
    assert_alternates(fit, "abs(x-0.7)", stop_slack(fit, "abs(x-0.7)"))


@pytest.mark.parametrize("n", [2, 3])
def test_corner_plus_curve_equioscillates_n_plus_2_times(n):
    text = "abs(x-0.7) + x**2/2"
    fit = fitted(text, n)
    slack = stop_slack(fit, text)
    assert fit.max_error >= fit.lower_bound - rounding_bound(fit, text)
    x, e = extrema(fit, text)
    assert alternation(x, e, fit.max_error, slack, *DOMAIN) >= n + 2
    assert_alternates(fit, text, slack)


def test_corner_with_two_units_is_exact():
    fit = fitted("abs(x-0.7)", 2)  # ReLU(x − 0.7) + ReLU(0.7 − x)
    assert fit.max_error <= rounding_bound(fit, "abs(x-0.7)")


# ------------------------------------------------------------------ properties
# 4 examples, each a different target, scale and count (about 9 s each: the fit is a search)
@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["x**2", "sin(3*x)", "exp(-x)", "x**3 - x", "sqrt(x + 0.1)", "abs(x - 1.3)"]),
       st.floats(0.25, 4.0), st.integers(1, 3))
def test_minimax_is_never_worse_than_least_squares_and_alternates(text, scale, n):
    target_text = f"{scale!r} * ({text})"
    target = parse_target(target_text)
    fit = minimax_fit(target, DOMAIN, n)
    least_squares = max_error(construct(target, DOMAIN, n).piecewise(*DOMAIN), target)
    assert fit.max_error <= least_squares  # the least-squares fit is one of the starts
    assert fit.max_error >= fit.lower_bound - rounding_bound(fit, target_text)
    assert_alternates(fit, target_text, stop_slack(fit, target_text))


# ------------------------------------------------------------------ refusals
def test_refusals_are_one_line_errors():
    with pytest.raises(ReluAnimError, match="at most"):
        minimax_fit(parse_target("x**2"), DOMAIN, MAX_MINIMAX_UNITS + 1)
    with pytest.raises(ReluAnimError, match="not finite"):
        minimax_fit(parse_target("1/x"), (-1.0, 1.0), 2)
    with pytest.raises(ReluAnimError, match="domain"):
        minimax_fit(parse_target("x"), (1.0, 1.0), 2)


# ------------------------------------------------------------------ the command line
def test_cli_fit_objective_max_writes_the_minimax_network(tmp_path):
    out = tmp_path / "x2.json"
    done = run_cli("fit", "x**2", "--domain", "0", "2", "-n", "3", "--objective", "max", "-o", out)
    assert done.returncode == 0, done.stderr
    assert b"minimax" in done.stdout
    loaded = load_network(out)
    assert loaded.network.hidden_units == 3
    best = optimal_max_error(3)
    assert_within(loaded.metrics["max_error"], best, rounding_bound(loaded.network, "x**2"), "max error")
    assert loaded.metrics["optimal_max_error"] == best


@pytest.mark.parametrize("args, pattern", [
    (["--objective", "max", "--method", "train"], r"--objective max goes with --method construct"),
    (["--objective", "l1"], r"Invalid value for '--objective'"),
    (["--objective", "max", "-n", str(MAX_MINIMAX_UNITS + 1)], rf"at most {MAX_MINIMAX_UNITS} units"),
])
def test_cli_refuses_what_minimax_cannot_do(tmp_path, args, pattern):
    out = tmp_path / "out.json"
    base = ["fit", "x**2", "--domain", "0", "2", "-o", out]
    if "-n" not in args:
        base += ["-n", "2"]
    done = run_cli(*base, *args)
    assert_fails(done, pattern)
    assert not out.exists()
