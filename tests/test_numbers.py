"""relu_anim.story.numbers is the one number style: exact rounding, a true minus, one scientific form.

Property tests read the written text back and compare it with the exact value
of the float (``Decimal(value)``): the difference is at most half a unit of the
last digit shown, with no tolerance for float rounding because the rounding is
done in exact decimal arithmetic. A structural test reads the scenes' source
(ast) and refuses any number formatter of their own.
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relu_anim import ReluAnimError
from relu_anim.story import numbers
from relu_anim.story.numbers import (MINUS, affine_tex, affine_words, format_number, format_tex, format_text,
                                     power_tex, word_list, words)

ROOT = Path(__file__).resolve().parents[1]

finite = st.floats(allow_nan=False, allow_infinity=False)
styles = st.sampled_from(["auto", "fixed", "scientific", "integer"])
digits = st.integers(1, 8)

_FROM_SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def read_text(text: str) -> Decimal:
    """The number a text says, exactly: ``−1,500`` → -1500, ``4.95 × 10⁻⁵`` → 4.95e-5."""
    text = text.replace(MINUS, "-").replace(",", "")
    if " × 10" in text:
        mantissa, power = text.split(" × 10")
        return Decimal(mantissa).scaleb(int(power.translate(_FROM_SUPERSCRIPT)))
    return Decimal(text)


def half_unit(value: float, style: str, digits: int) -> Decimal:
    """Half a unit of the last digit :func:`format_number` shows for ``value``."""
    written = format_number(value, style, digits)
    return Decimal(5).scaleb(-(written.places + 1) + (written.exponent or 0))


@given(finite, styles, digits)
def test_text_reads_back_as_the_number_to_the_digits_shown(value, style, n):
    text = format_text(value, style, n)
    assert abs(read_text(text) - Decimal(value)) <= half_unit(value, style, n)
    assert read_text(words(value, style, n)) == read_text(text)  # trimming drops zeros, never digits


@given(finite, styles, digits)
def test_text_never_has_a_hyphen_minus(value, style, n):
    for text in (format_text(value, style, n), words(value, style, n), format_text(value, style, n, trim=True)):
        assert "-" not in text
        shown = read_text(text)
        assert text.startswith(MINUS) == (shown < 0)  # a minus exactly when the shown number is negative
        assert text.count(MINUS) == (1 if shown < 0 else 0)


@given(finite, styles, digits)
def test_tex_is_the_same_number_as_the_text(value, style, n):
    tex = format_tex(value, style, n)
    as_text = re.sub(r" \\times 10\^\{(-?\d+)\}",
                     lambda m: " × 10" + m.group(1).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")),
                     tex).replace("{,}", ",").replace("-", MINUS, 1 if tex.startswith("-") else 0)
    assert as_text == format_text(value, style, n)
    assert MINUS not in tex  # TeX gets "-": manim's LaTeX does not take U+2212


@given(finite.filter(lambda v: v != 0), digits)
def test_scientific_mantissa_has_the_digits_and_one_leading_digit(value, n):
    written = format_number(value, "scientific", n)
    assert written.places == n - 1
    assert 1 <= abs(Decimal(format_text(abs(value), "scientific", n).split(" × ")[0])) < 10


@given(finite, digits)
def test_auto_is_scientific_exactly_outside_a_hundredth_to_ten_thousand(value, n):
    written = format_number(value, "auto", n)
    assert (written.exponent is not None) == (value != 0 and not Decimal("0.01") <= abs(Decimal(value)) < 10_000)


@given(st.floats(-1e15, 1e15), st.integers(0, 12))
def test_places_round_to_a_resolution_and_zero_has_no_sign(value, places):
    text = format_text(value, "fixed", places=places)
    assert abs(read_text(text) - Decimal(value)) <= Decimal(5).scaleb(-(places + 1))
    assert text != MINUS + "0" and not re.fullmatch(MINUS + r"0\.0*", text)


@pytest.mark.parametrize("value,style,n,text,tex", [
    (4.950372e-05, "auto", 3, "4.95 × 10⁻⁵", r"4.95 \times 10^{-5}"),
    (-0.0165289, "scientific", 3, "−1.65 × 10⁻²", r"-1.65 \times 10^{-2}"),
    (-0.0165289, "auto", 3, "−0.0165", "-0.0165"),
    (9.9999e-6, "auto", 3, "1.00 × 10⁻⁵", r"1.00 \times 10^{-5}"),
    (0.1666, "auto", 3, "0.167", "0.167"),
    (9.996, "fixed", 3, "10.0", "10.0"),  # still three digits after rounding up
    (1234.5, "auto", 3, "1234", "1234"),  # whole numbers keep their digits
    (12345.0, "auto", 3, "1.23 × 10⁴", r"1.23 \times 10^{4}"),
    (-1500.4, "integer", 3, "−1,500", "-1{,}500"),
    (-0.0, "auto", 3, "0.00", "0.00"),
    (0.125, "fixed", 2, "0.12", "0.12"),  # half to even, on the exact binary value
])
def test_examples(value, style, n, text, tex):
    assert format_text(value, style, n) == text
    assert format_tex(value, style, n) == tex


def test_narration_helpers():
    assert words(2.0) == "2" and words(-0.5) == "−0.5" and words(1e-5) == "1 × 10⁻⁵"
    assert word_list([0.0, 1.0, -0.5]) == "0, 1 and −0.5"
    assert affine_words([2.05, -1.0], -0.5, ["x₁", "x₂"]) == "2.05x₁ − 1x₂ − 0.5"
    assert affine_tex([-0.5, 0.25], 1.0, ["x_1", "x_2"]) == r"-0.500\,x_1 + 0.250\,x_2 + 1.00"
    assert affine_tex([0.5], -2.0, ["x"], style="fixed", trim=True, join="") == "0.5x - 2"
    assert power_tex(-3) == r"\times 10^{-3}"
    assert format_number(0.2222).value == pytest.approx(0.222, rel=1e-15)


@pytest.mark.parametrize("call,match", [
    (lambda: words(float("nan")), "finite"),
    (lambda: format_tex(float("inf")), "finite"),
    (lambda: words("1"), "real number"),
    (lambda: words(True), "real number"),
    (lambda: format_text(1.0, "engineering"), "style"),
    (lambda: format_text(1.0, digits=0), "digits"),
    (lambda: format_text(1.0, "auto", places=2), "places"),
    (lambda: format_text(1.0, "fixed", places=-1), "places"),
    (lambda: affine_tex([1.0, 2.0], 0.0, ["x"]), "variables"),
    (lambda: word_list([]), "values"),
])
def test_refusals_say_what_is_wrong(call, match):
    with pytest.raises(ReluAnimError, match=match):
        call()


# ------------------------------------------------------------------ one home
#: Names a number formatter goes by.
FORMATTER_NAME = re.compile(r"_?(words?|word_list|fmt|format_\w*|num|number|tex|signed|percent)")
#: What the one formatter module offers; a scene function that only returns one of these is a preset copy.
FORMATTERS = set(numbers.__all__)


def _formatters_defined(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):
            name = getattr(node, "name", "<lambda>")
            body = node.body if isinstance(node.body, list) else [ast.Return(node.body)]
            body = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            only_returns_a_format = (len(body) == 1 and isinstance(body[0], ast.Return)
                                     and isinstance(body[0].value, ast.Call)
                                     and getattr(body[0].value.func, "id", None) in FORMATTERS)
            if FORMATTER_NAME.fullmatch(name) or only_returns_a_format:
                found.append(f"{path.name}:{node.lineno} {name}")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "replace"
                and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in ("-", MINUS)):
            found.append(f"{path.name}:{node.lineno} .replace({node.args[0].value!r}, …)")
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            found.append(f"{path.name}:{node.lineno} an f-string format spec")
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "scenes").glob("*.py")), ids=lambda p: p.name)
def test_no_scene_has_its_own_number_formatter(path):
    assert _formatters_defined(path) == []


def test_the_formatter_check_sees_a_copy(tmp_path):
    copy = tmp_path / "copy.py"
    copy.write_text('def words(v):\n    return format_text(v, trim=True).replace("-", "−")\n\n'
                    'def short(v):\n    """Doc."""\n    return format_tex(v, trim=True)\n\n'
                    'x = f"{1.5:.2f}"\n')
    assert sorted(item.split(" ", 1)[1] for item in _formatters_defined(copy)) == [
        ".replace('-', …)", "an f-string format spec", "short", "words"]
