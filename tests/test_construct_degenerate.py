"""Degenerate fits: straight lines and constants fit exactly; impossible domains are refused.

Fitting an affine target is a legitimate request: the result is an exactly affine
network (output weight 0 on every unit but the one carrying the slope, no kinks)
whose error is rounding. A domain too narrow for its distance from 0 to hold the
requested pieces at double precision, or too far out, is refused saying what to
change; so are counts that are not whole numbers.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from relu_anim import ReluAnimError
from relu_anim.construct import construct, random_network, tent_map, yarotsky_x2
from relu_anim.metrics import max_error, mse
from relu_anim.target import parse_target

from .cli_subprocess import assert_refused, run_cli
from .rounding import LIBM_ULPS, U

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@st.composite
def affine_fits(draw):
    slope = draw(st.sampled_from([0.0, 1.0, -2.0])) if draw(st.booleans()) else \
        draw(st.floats(-10, 10)) * 10.0 ** draw(st.integers(-60, 60))
    intercept = draw(st.sampled_from([0.0, 1.0])) if draw(st.booleans()) else \
        draw(st.floats(-10, 10)) * 10.0 ** draw(st.integers(-60, 60))
    k = draw(st.integers(-60, 60))
    a = draw(st.floats(-10, 10)) * 10.0**k
    b = a + draw(st.floats(0.1, 10)) * 10.0**k
    assume(a < b)
    units = draw(st.integers(1, 40))
    return slope, intercept, (a, b), units


@settings(max_examples=60, deadline=None, derandomize=True)
@given(case=affine_fits())
def test_an_affine_target_gives_an_exactly_affine_network(case):
    slope, intercept, (a, b), units = case
    reach = max(abs(a), abs(b))
    size = abs(slope) * reach + abs(intercept)  # largest |target| on the domain, to rounding
    assume(size < 1e140)
    target = parse_target(f"{slope!r}*x + {intercept!r}")
    net = construct(target, (a, b), units)
    assert net.hidden_units == units
    f = net.piecewise(a, b)
    assert f.breakpoints.size == 0
    weights = net.layers[-1].weight[0]
    assert np.count_nonzero(weights) <= 1
    # target and network each round a few times at this size: their difference is rounding
    bound = 16 * U * size + 1e-300
    assert max_error(f, target) <= bound
    assert mse(f, target) <= bound**2


#: sin² + cos² as numpy computes it: sin and cos within LIBM_ULPS ulps (2u relative each) double in the
#: squares, plus three roundings: within this of 1, on any CPU.
TRIG_NOISE = (4 * LIBM_ULPS + 2) * U


@pytest.mark.parametrize(
    "text, domain, noise",
    [("x", (0, 1), 0), ("2*x+1", (0, 1), 0), ("3", (0, 1), 0), ("0", (-5, 5), 0), ("0*x", (0, 1), 0),
     ("-x", (-3, -1), 0), ("relu(x)", (1, 2), 0), ("relu(x)", (-2, -1), 0), ("abs(x)", (1, 2), 0),
     ("max(x, 0)", (1, 2), 0), ("1e-300*x", (0, 1), 0), ("sin(x)**2 + cos(x)**2", (0, 10), TRIG_NOISE),
     ("x", (-1e150, 1e150), 0), ("x/3", (0, 1e-300), 0), ("1.533087458829816e-262*x", (0, 1e-48), 0)],
)
def test_lines_and_constants_fit_with_no_kinks(text, domain, noise):
    target = parse_target(text)
    net = construct(target, domain, 3)
    assert net.hidden_units == 3
    f = net.piecewise(*domain)
    assert f.breakpoints.size == 0
    size = float(np.max(np.abs(target(np.linspace(*domain, 101)))))
    # a few roundings of target and network; a target computed with libm calls is off its exact line by
    # up to `noise`, and the fit (made of its values) as much the other way
    assert max_error(f, target) <= (16 * U + 2 * noise) * size + 1e-300


def _noisy_one(mult: int, ulps: int):
    """1 with its last bits scrambled by up to ``ulps`` ulps, from the bits of x: the same on every CPU."""
    def target(x):
        bits = np.asarray(x, dtype=float).view(np.int64)
        return 1.0 + (((bits * mult) >> 11) % (2 * ulps + 1) - ulps) * 2.0**-52
    return target


@pytest.mark.parametrize("mult", [2654435761, 40503, 2246822519])
@pytest.mark.parametrize("ulps", [1, 2, 3])
@pytest.mark.parametrize("domain", [(0.0, 10.0), (0.0, 1.0), (-1.0, 2.0)])
def test_a_constant_with_rounding_noise_fits_with_no_kinks(mult, ulps, domain):
    """What another CPU's libm does to sin² + cos²: a flat fit, not a bend made of the noise."""
    target = _noisy_one(mult, ulps)
    f = construct(target, domain, 3).piecewise(*domain)
    assert f.breakpoints.size == 0
    assert max_error(f, target) <= 16 * U + 2 * ulps * 2.0**-52


def test_cli_fits_a_straight_line_exactly(tmp_path):
    output = tmp_path / "line.json"
    done = run_cli("fit", "x", "--domain", 0, 1, "--units", 3, "-o", output)
    assert done.returncode == 0, done.stderr
    data = json.loads(output.read_text())
    assert data["breakpoints"]["x"] == []
    assert data["metrics"]["mse"] == 0.0 and data["metrics"]["max_error"] == 0.0


@pytest.mark.parametrize(
    "domain, units, pattern",
    [
        (("1e12", "1000000000001"), 10, r"domain \[1000000000000, 1000000000001\] is too narrow for 10 units at "
                                        r"double precision: floats near 1e\+12 are 0\.000122 apart"),
        (("1e16", "1.00000000000001e16"), 10, r"too narrow for 10 units .* each piece would hold only 5 of them"),
        (("0", "5e-324"), 1, r"too narrow for 1 unit at double precision"),
        (("-1e308", "1e308"), 3, r"ends beyond ±1e\+150 are not supported"),
        (("-1e16", "1e16"), 3, r"target: reaches 1e\+160 on \[-1e\+16, 1e\+16\], beyond the 1e\+150"),
    ],
)
def test_cli_refuses_domains_double_precision_cannot_fit(tmp_path, domain, units, pattern):
    output = tmp_path / "out.json"
    target = {("-1e308", "1e308"): "x", ("-1e16", "1e16"): "x**10"}.get(domain, "x**2")
    assert_refused(run_cli("fit", target, "--domain", *domain, "--units", units, "-o", output), pattern, output)


def test_a_narrow_domain_says_how_many_units_would_fit():
    with pytest.raises(ReluAnimError, match=r"use at most 64 units, or a wider domain, or one nearer 0"):
        construct(parse_target("x**2"), (1.0, 1.0 + 2.0**-30), 1000)
    assert construct(parse_target("x**2"), (1.0, 1.0 + 2.0**-30), 64).hidden_units == 64


def test_targets_too_large_to_square_are_refused():
    with pytest.raises(ReluAnimError, match=r"target: reaches 1e\+200 on \[0, 1\], beyond the 1e\+150"):
        construct(parse_target("1e200"), (0, 1), 3)


@pytest.mark.parametrize("units", [2.5, True, float("nan"), "3", None, 0, -4])
def test_unit_counts_must_be_whole_and_positive(units):
    with pytest.raises(ReluAnimError, match=r"^units: (must be a whole number|need at least 1)"):
        construct(parse_target("x"), (0, 1), units)


def test_depths_and_widths_must_be_whole():
    with pytest.raises(ReluAnimError, match=r"^depth m: must be at most 30 \(got 31\)"):
        tent_map(31)
    with pytest.raises(ReluAnimError, match=r"^depth m: must be a whole number"):
        yarotsky_x2(2.5)
    assert tent_map(2.0).hidden_units == 4
    with pytest.raises(ReluAnimError, match=r"^widths\[1\]: must be a whole number \(got 2\.5\)"):
        random_network([1, 2.5, 1])
    with pytest.raises(ReluAnimError, match=r"^widths\[2\]: must be at least 1 \(got 0\)"):
        random_network([1, 3, 0])
    with pytest.raises(ReluAnimError, match=r"^seed: must be a whole number"):
        random_network([1, 3, 1], seed=1.5)
