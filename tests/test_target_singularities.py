"""Targets that are not finite on the domain are refused soundly, never sampled past.

:meth:`Target.check_finite` proves finiteness with interval arithmetic. Checked
here: every enclosure holds the values numpy computes (so an accepted target is
finite everywhere, between any samples); poles, log and sqrt domains, tan poles
and overflow are refused naming the place; the CLI refuses them in one line.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from relu_anim import ReluAnimError
from relu_anim.construct import construct
from relu_anim.target import parse_target

from .cli_subprocess import assert_refused, run_cli

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

CONSTANTS = st.sampled_from(["0.5", "1.5", "3", "0.1", "pi", "e", "2.25", "1e-3", "7"])
UNARY = ["sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "arctan", "abs", "sigmoid", "softplus", "relu",
         "sinh", "cosh", "arcsin", "arccos", "log2", "sign"]


def _expressions() -> st.SearchStrategy[str]:
    leaves = st.one_of(st.just("x"), CONSTANTS)

    def extend(inner):
        return st.one_of(
            st.tuples(st.sampled_from(UNARY), inner).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(inner, st.sampled_from(["2", "3", "-1", "0.5", "4", "-2"])).map(lambda t: f"({t[0]})**{t[1]}"),
            st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
        )

    return st.recursive(leaves, extend, max_leaves=7)


DOMAINS = st.tuples(st.floats(-6, 6), st.floats(1e-3, 12)).map(lambda t: (t[0], t[0] + t[1]))


@settings(max_examples=400, deadline=None)
@given(text=_expressions(), domain=DOMAINS, seed=st.integers(0, 2**32 - 1))
def test_every_enclosure_holds_the_values_numpy_computes(text, domain, seed):
    """Where an enclosure reports no problem, the value at every point inside lies in it."""
    target = parse_target(text)
    a, b = domain
    rng = np.random.default_rng(seed)
    cuts = np.sort(rng.uniform(a, b, 40))
    lo, hi = np.concatenate([[a], cuts]), np.concatenate([cuts, [b]])
    ylo, yhi, problem = target._enclose(lo, hi)
    t = rng.random((len(lo), 25))
    t[:, 0], t[:, 1] = 0.0, 1.0
    xs = lo[:, None] + (hi - lo)[:, None] * t
    xs = np.minimum(np.maximum(xs, lo[:, None]), hi[:, None])
    ys = target(xs)
    fine = problem < 0
    assert np.all(np.isfinite(ylo[fine])) and np.all(np.isfinite(yhi[fine]))
    assert np.all(np.isfinite(ys[fine]))
    assert np.all((ylo[fine, None] <= ys[fine]) & (ys[fine] <= yhi[fine, None]))


@settings(max_examples=200, deadline=None)
@given(text=_expressions(), domain=DOMAINS)
def test_an_accepted_target_is_finite_everywhere_sampled(text, domain):
    target = parse_target(text)
    a, b = domain
    try:
        target.check_finite(a, b)
    except ReluAnimError as err:
        assert str(err).startswith(f"target {text!r}"[:40]) or str(err).startswith("target '")
        return
    xs = np.concatenate([np.linspace(a, b, 20001), np.nextafter(np.linspace(a, b, 101), np.inf)])
    xs = xs[(xs >= a) & (xs <= b)]
    assert np.all(np.isfinite(target(xs)))


@settings(max_examples=200, deadline=None)
@given(c=st.floats(-10, 10), domain=st.tuples(st.floats(-10, 9), st.floats(1e-2, 10)).map(
    lambda t: (t[0], t[0] + t[1])))
def test_a_pole_is_refused_exactly_when_it_is_in_the_domain(c, domain):
    a, b = domain
    margin = 1e-6 * (b - a)
    assume(c < a - margin or a <= c <= b or c > b + margin)
    target = parse_target(f"1/(x - {c!r})")
    if a <= c <= b:
        with pytest.raises(ReluAnimError, match=r"not finite near x = (\S+) on .*division by") as info:
            target.check_finite(a, b)
        near = float(str(info.value).split("near x = ")[1].split(" ")[0])
        assert abs(near - c) <= 1e-5 * max(1.0, abs(c))  # six significant digits
    else:
        assert target.check_finite(a, b) is None


@settings(max_examples=100, deadline=None)
@given(domain=st.tuples(st.floats(-9, 9), st.floats(1e-2, 3)).map(lambda t: (t[0], t[0] + t[1])))
def test_tan_is_refused_exactly_across_its_poles(domain):
    a, b = domain
    poles = [math.pi / 2 + k * math.pi for k in range(-5, 5)]
    assume(all(abs(p - a) > 1e-6 and abs(p - b) > 1e-6 for p in poles))
    inside = [p for p in poles if a < p < b]
    target = parse_target("tan(x)")
    if inside:
        with pytest.raises(ReluAnimError, match="tan of 'x' reaches a pole there") as info:
            target.check_finite(a, b)
        near = float(str(info.value).split("near x = ")[1].split(" ")[0])
        assert abs(near - inside[0]) < 1e-4
    else:
        assert target.check_finite(a, b) is None


@pytest.mark.parametrize(
    "text, domain, message",
    [
        ("1/x", (-1, 2), "not finite near x = 0 on [-1, 2] (division by 'x', which can be 0 there)"),
        ("tan(x)", (0, 2), "not finite near x = 1.5708 on [0, 2] (tan of 'x' reaches a pole there)"),
        ("1/(x - pi/7)", (0, 1), "not finite near x = 0.448799 on [0, 1] (division by 'x - pi/7'"),
        ("log(x)", (0, 1), "not finite near x = 0 on [0, 1] (log of 'x', which can be 0 or negative there)"),
        ("sqrt(x)", (-1, 1), "not finite near x = -1 on [-1, 1] (sqrt of 'x', which can be negative there)"),
        ("x*log(x)", (0, 1), "not finite near x = 0 on [0, 1] (log of 'x'"),
        ("arcsin(2*x)", (0, 1), "not finite near x = 0.5 on [0, 1] (arcsin of '2*x', which can leave [-1, 1]"),
        ("x**-2", (-1, 1), "not finite near x = 0 on [-1, 1] ('x**-2': its base 'x' can be 0"),
        ("x**0.5", (-1, 1), "not finite near x = -1 on [-1, 1] ('x**0.5'"),
        ("0/0", (0, 1), "not finite near x = 0 on [0, 1] (division by '0'"),
        ("1/sign(x)", (-1, 1), "not finite near x = 0 on [-1, 1] (division by 'sign(x)'"),
        ("x**1000", (0, 3), "too large for double precision near x = 2.03355 on [0, 3] ('x**1000' overflows"),
        ("exp(exp(x))", (0, 10), "too large for double precision near x = 6.56496 on [0, 10]"),
        ("cosh(x)", (-800, 800), "too large for double precision near x = -800 on [-800, 800]"),
        ("1e308*x", (0, 2), "too large for double precision near x = 1.79769 on [0, 2]"),
    ],
)
def test_refusals_name_the_target_the_place_and_the_reason(text, domain, message):
    with pytest.raises(ReluAnimError) as info:
        parse_target(text).check_finite(*domain)
    assert str(info.value).startswith(f"target {text!r}: ")
    assert message in str(info.value)


@pytest.mark.parametrize(
    "text, domain",
    [
        ("sqrt(1 - x**2)", (-1, 1)),  # the semicircle: 1 - 1 is exactly 0, not a rounded negative
        ("sqrt(4 - x*x)", (-2, 2)),
        ("sqrt(x*x)", (-1, 2)),  # u*u is a square, never negative
        ("1/(x - x + 1)", (-1, 2)),  # bisection removes the dependency
        ("1/sin(x)", (1, 2)),
        ("1/(2 + sin(1000*x))", (0, 10)),
        ("tan(x)", (0, 1.5)),
        ("log(x)", (1e-300, 1)),
        ("x**1000", (0, 2)),
        ("exp(exp(x))", (0, 1)),
        ("0*x", (0, 1)),
        ("1e-300*x", (-1e300, 1e300)),
        ("x", (-1e308, 1e308)),
    ],
)
def test_finite_targets_are_accepted(text, domain):
    assert parse_target(text).check_finite(*domain) is None


def test_construct_refuses_a_pole_between_its_samples():
    # π/7 is never one of the 4097 probe points: sampling alone would have missed it
    with pytest.raises(ReluAnimError, match=r"target '1/\(x - pi/7\)': not finite near x = 0.448799"):
        construct(parse_target("1/(x - pi/7)"), (0.0, 1.0), 5)


@pytest.mark.parametrize(
    "args, pattern",
    [
        (["1/x", "--domain", "-1", "2", "--units", "3", "--method", "train"],
         r"target '1/x': not finite near x = 0 on \[-1, 2\]"),
        (["tan(x)", "--domain", "0", "2", "--units", "3"], r"target 'tan\(x\)': not finite near x = 1\.5708"),
        (["log(x)", "--domain", "0", "1", "--units", "3"], r"not finite near x = 0 on \[0, 1\] \(log of 'x'"),
        (["exp(exp(x))", "--domain", "0", "10", "--units", "3"], r"too large for double precision near x = 6\.56"),
        (["0/0", "--domain", "0", "1", "--units", "3"], r"target '0/0': not finite"),
    ],
)
def test_cli_refuses_singular_targets_in_one_line(tmp_path, args, pattern):
    output = tmp_path / "out.json"
    assert_refused(run_cli("fit", *args, "-o", output), pattern, output)
