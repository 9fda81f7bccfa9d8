"""Tests for relu_anim.target: values, refusals, domain checks, safety."""

from __future__ import annotations

import builtins
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relu_anim.errors import ReluAnimError
from relu_anim.target import FUNCTIONS, MAX_DEPTH, Target, parse_target

XS = np.linspace(-2.0, 3.0, 101)


# --- values ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x**2", lambda x: x**2),
        ("sin(3*x)", lambda x: np.sin(3 * x)),
        ("abs(x-0.5)", lambda x: np.abs(x - 0.5)),
        ("relu(x)", lambda x: np.maximum(x, 0.0)),
        ("exp(-x**2)", lambda x: np.exp(-(x**2))),
        ("x**3 - x", lambda x: x**3 - x),
        ("sigmoid(x)", lambda x: 1 / (1 + np.exp(-x))),
        ("pi*x", lambda x: np.pi * x),
        ("e**x", lambda x: np.e**x),
        ("-x**2", lambda x: -(x**2)),  # ** binds tighter than unary minus, as in maths
        ("2**-1 * x", lambda x: 0.5 * x),
        ("max(x, 0) - min(x, 1)", lambda x: np.maximum(x, 0) - np.minimum(x, 1)),
        ("softplus(x)", lambda x: np.log1p(np.exp(x))),
        ("(x + 1) / 2 - +x", lambda x: (x + 1) / 2 - x),
    ],
)
def test_values(text, expected):
    y = parse_target(text)(XS)
    assert y.dtype == np.float64 and y.shape == XS.shape
    np.testing.assert_allclose(y, expected(XS), rtol=1e-13, atol=1e-15)


def test_relu_values_exact():
    assert parse_target("relu(x)")([-1.0, 0.0, 2.5]).tolist() == [0.0, 0.0, 2.5]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_matches_numpy(name):
    shift = 1.5 if name.startswith("log") or name == "sqrt" else 0.0  # inside every domain
    xs = np.linspace(-0.9, 0.9, 37) + shift
    ufuncs = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "abs": "abs"}
    arity, _ = FUNCTIONS[name]
    if name in ("relu", "sigmoid", "softplus", "min", "max"):
        expected = {
            "relu": np.maximum(xs, 0),
            "sigmoid": 1 / (1 + np.exp(-xs)),
            "softplus": np.log(1 + np.exp(xs)),
            "min": np.minimum(xs, 0.25),
            "max": np.maximum(xs, 0.25),
        }[name]
    else:
        expected = getattr(np, ufuncs.get(name, name))(xs)
    text = f"{name}(x, 0.25)" if arity == 2 else f"{name}(x)"
    np.testing.assert_allclose(parse_target(text)(xs), expected, rtol=1e-13, atol=1e-15)


def test_constant_broadcasts_to_the_shape_of_x():
    x = np.zeros((2, 3))
    for text in ("2", "pi", "-1.5", "sin(0)"):
        y = parse_target(text)(x)
        assert y.shape == (2, 3) and y.dtype == np.float64
    assert np.all(parse_target("2")(x) == 2.0)
    assert np.all(parse_target("e")(x) == np.e)
    assert parse_target("2")(5.0).shape == ()  # a scalar x gives a 0-d array


def test_accepts_lists_and_ints_and_returns_a_fresh_array():
    f = parse_target("x")
    x = np.array([1.0, 2.0])
    y = f(x)
    assert y.dtype == np.float64 and y.tolist() == [1.0, 2.0]
    y[0] = 99.0
    assert x[0] == 1.0  # the result never aliases the input
    assert f([1, 2]).dtype == np.float64


def test_stable_sigmoid_and_softplus_at_extremes_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert parse_target("sigmoid(x)")([-1000.0, 0.0, 1000.0]).tolist() == [0.0, 0.5, 1.0]
        np.testing.assert_allclose(parse_target("softplus(x)")([-1000.0, 1000.0]), [0.0, 1000.0])
        assert np.isinf(parse_target("1/x")([0.0]))[0]  # no RuntimeWarning, just inf
        assert np.isnan(parse_target("(-8)**(1/3)")([0.0]))[0]  # numpy rules, never complex


def test_text_is_stripped_and_repr_str():
    f = parse_target("  x**2 \n")
    assert f.text == "x**2"
    assert str(f) == "x**2"
    assert repr(f) == "Target('x**2')"
    assert isinstance(f, Target) and Target("x**2")(3.0) == 9.0


def test_depth_limit_boundary():
    ok = "-" * (MAX_DEPTH - 1) + "x"  # MAX_DEPTH nodes deep
    assert parse_target(ok)(2.0) == -2.0  # an odd count of minus signs
    with pytest.raises(ReluAnimError, match=r"nested deeper than 50 levels"):
        parse_target("-" * MAX_DEPTH + "x")
    with pytest.raises(ReluAnimError, match=r"nested deeper than 50 levels"):
        parse_target("-" * 499 + "x")  # deep input is refused, not a RecursionError


def test_length_limit_boundary():
    text = "x" + "+0" * 249  # 499 characters; depth 250 is refused, so check length alone
    assert len(text) == 499
    with pytest.raises(ReluAnimError, match=r"longer than 500 characters \(got 501\)"):
        parse_target(text + "+0")
    five_hundred = "x" + " " * 498 + "1"  # 500 characters: a syntax error, not a length error
    with pytest.raises(ReluAnimError, match=r"syntax error"):
        parse_target(five_hundred)


@settings(max_examples=200, deadline=None)
@given(
    c=st.floats(-1e6, 1e6, allow_nan=False),
    d=st.floats(-1e6, 1e6, allow_nan=False),
    xs=st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=8),
)
def test_property_quadratic_matches_python(c, d, xs):
    f = parse_target(f"{c!r}*x**2 + {d!r}")  # repr round-trips, '-1.5' parses as unary minus
    got = f(np.array(xs))
    for x, y in zip(xs, got):
        want = c * x**2 + d
        assert abs(y - want) <= 1e-12 * (abs(c * x**2) + abs(d)) + 1e-300


@settings(max_examples=100, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_property_number_literal_round_trips(v):
    assert parse_target(repr(v))(0.0) == v


# --- refusals --------------------------------------------------------------

ALL_KNOWN = ", ".join(sorted(FUNCTIONS))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x.__class__", "target 'x.__class__': attribute access is not allowed"),
        ("np.sin(x)", "target 'np.sin(x)': attribute access is not allowed ('np.sin')"),
        ("foo(x)", f"target 'foo(x)': unknown function 'foo' (known: {ALL_KNOWN})"),
        ("__import__('os')", "target \"__import__('os')\": unknown function '__import__'"),
        ("y+1", "target 'y+1': unknown name 'y' (use x, pi or e)"),
        ("", "target '': empty expression"),
        ("   ", "target '': empty expression"),
        ("x+", "target 'x+': syntax error at column 3"),
        ("x²", "target 'x²': syntax error at column 2"),
        ("sin(x, 2)", "target 'sin(x, 2)': sin takes 1 argument (got 2)"),
        ("max(x)", "target 'max(x)': max takes 2 arguments (got 1)"),
        ("sin(x=1)", "target 'sin(x=1)': keyword arguments are not allowed"),
        ("sin(*x)", "target 'sin(*x)': starred arguments are not allowed"),
        ("x % 2", "target 'x % 2': operator '%' is not allowed"),
        ("x // 2", "operator '//' is not allowed"),
        ("x ^ 2", r"operator '^' is not allowed (use ** for powers)"),
        ("~x", "operator '~' is not allowed"),
        ("x < 1", "comparisons are not allowed"),
        ("x and 1", "'and'/'or' are not allowed"),
        ("x[0]", "subscripts are not allowed"),
        ("lambda: x", "lambdas are not allowed"),
        ("[x for x in (1,)]", "comprehensions are not allowed"),
        ("x if x else 1", "conditional expressions are not allowed"),
        ("(x, 1)", "tuples are not allowed"),
        ("'x'", "strings are not allowed"),
        ("True", "booleans are not allowed"),
        ("1j*x", "target '1j*x': complex numbers are not allowed ('1j')"),
        ("None", "the constant None is not allowed"),
        ("1e999", "number too large"),
        ("1" + "0" * 400, "number too large"),
        ("(y := 2)", "assignments are not allowed"),
        ("sin", "sin is a function: call it, as in sin(x)"),
        ("(x+1)(2)", "only functions called by name are allowed"),
        ("x" * 501, "target '" + "x" * 57 + "...': longer than 500 characters (got 501)"),
    ],
)
def test_refusals_name_the_problem(text, message):
    with pytest.raises(ReluAnimError, match=re.escape(message)) as info:
        parse_target(text)
    assert "\n" not in str(info.value)


def test_refusal_names_the_offending_piece_inside_a_larger_expression():
    message = "attribute access is not allowed ('x.real')"
    with pytest.raises(ReluAnimError, match=re.escape(message)):
        parse_target("x**2 + sin(x.real)")


def test_non_string_is_refused():
    with pytest.raises(ReluAnimError, match="target must be a string \\(got int\\)"):
        parse_target(3)
    with pytest.raises(ReluAnimError, match="got function"):
        parse_target(lambda x: x)


def test_deep_parentheses_are_a_syntax_error_not_a_crash():
    with pytest.raises(ReluAnimError, match="syntax error"):
        parse_target("(" * 249 + "x" + ")" * 249)


# --- check_finite ----------------------------------------------------------

def test_check_finite_refuses_log_at_zero():
    message = ("target 'log(x)': not finite near x = 0 on [0, 2] (log of 'x', which can be 0 or negative there); "
               "fit on a domain that avoids x = 0")
    with pytest.raises(ReluAnimError, match=re.escape(message)):
        parse_target("log(x)").check_finite(0, 2)


def test_check_finite_refuses_pole_inside_the_domain():
    message = "target '1/(x-1)': not finite near x = 1 on [0, 2] (division by 'x-1', which can be 0 there)"
    with pytest.raises(ReluAnimError, match=re.escape(message)):
        parse_target("1/(x-1)").check_finite(0, 2)


def test_check_finite_refuses_nan_from_sqrt_of_negative():
    with pytest.raises(ReluAnimError, match=re.escape("not finite near x = -1 on [-1, 1] (sqrt of 'x'")):
        parse_target("sqrt(x)").check_finite(-1, 1)


def test_check_finite_accepts_finite_targets():
    assert parse_target("log(x)").check_finite(1, 2) is None
    assert parse_target("x**2").check_finite(0, 2) is None


def test_check_finite_validates_its_arguments():
    with pytest.raises(ReluAnimError, match="a must be smaller than b"):
        parse_target("x").check_finite(2, 0)


# --- safety ----------------------------------------------------------------

def test_malicious_string_is_refused_and_runs_nothing(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"

    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec must never be called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    for text in (
        f"__import__('os').system('touch {marker}')",
        f"(lambda: __import__('os').system('touch {marker}'))()",
        f"[c for c in ().__class__.__bases__[0].__subclasses__()]",
    ):
        with pytest.raises(ReluAnimError):
            parse_target(text)
    assert not marker.exists()
    assert parse_target("x**2")(3.0) == 9.0  # the normal path works without eval/exec
