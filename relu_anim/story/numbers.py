"""How the project writes a number: in narration, in text on screen, and in TeX.

One style, one home. Captions (:func:`words`), on-screen readouts
(:class:`~relu_anim.visual.readouts.Readout`), formulas (:func:`format_tex`,
:func:`affine_tex`) and tick labels all ask this module, so a number reads the
same wherever it appears:

* **significant digits**: ``digits`` of them (3 unless asked otherwise),
  rounded half to even from the number's exact binary value; the digits left
  of the point are never rounded away (``1234`` stays ``1234``);
* **style** ``"auto"``: plain for ``0.01 ≤ |v| < 10⁴`` and for 0, scientific
  otherwise; ``"fixed"`` and ``"scientific"`` force one form; ``"integer"``
  rounds to a whole number and groups thousands (``1,500``);
* **scientific form**: ``4.95 × 10⁻⁵`` in text (superscript exponent),
  ``4.95 \\times 10^{-5}`` in TeX (:func:`power_tex`);
* **minus**: text writes the true minus sign ``−`` (U+2212) and never the
  hyphen-minus; TeX writes ``-``, which TeX sets as a minus sign in math mode
  (and a literal U+2212 would not compile under manim's LaTeX);
* **trim** (narration, short formula numbers): trailing zeros and a bare point
  dropped, ``2`` rather than ``2.00``; a number that rounds to zero is ``0``,
  never ``−0``.

Non-finite numbers are refused: nothing on screen says ``nan``.

Pure Python (no numpy needed, no manim), so captions, scenes, the visual layer
and the command line can all use it.

Examples
--------
>>> words(-0.5), words(2.0), words(4.950372e-05)
('−0.5', '2', '4.95 × 10⁻⁵')
>>> format_tex(4.950372e-05), format_tex(0.1667), format_tex(1500, "integer")
('4.95 \\\\times 10^{-5}', '0.167', '1{,}500')
>>> format_number(4.950372e-05)
Written(mantissa=4.95, exponent=-5, places=2)
>>> affine_tex([2.0, -0.5], -1.25, ["x_1", "x_2"])
'2.00\\\\,x_1 - 0.500\\\\,x_2 - 1.25'
>>> affine_words([2.0], -0.5, ["x"])
'2x − 0.5'
"""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Callable, Literal, NamedTuple, Sequence

from ..checks import check_whole
from ..errors import ReluAnimError

__all__ = [
    "MINUS",
    "Style",
    "STYLES",
    "Written",
    "format_number",
    "power_tex",
    "format_tex",
    "format_text",
    "words",
    "word_list",
    "affine_tex",
    "affine_words",
]

#: The minus sign of text (U+2212); TeX writes ``-``.
MINUS = "\u2212"

#: ``"auto"`` (scientific below 0.01 and from 10⁴ on), ``"fixed"``, ``"scientific"``, ``"integer"``.
Style = Literal["auto", "fixed", "scientific", "integer"]
STYLES: tuple[str, ...] = ("auto", "fixed", "scientific", "integer")

#: Enough precision to round any finite double to any number of places exactly.
_EXACT = Context(prec=1200, rounding=ROUND_HALF_EVEN)
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


class Written(NamedTuple):
    """How a number is written: ``mantissa × 10^exponent`` with ``places`` decimals.

    Attributes
    ----------
    mantissa
        The rounded mantissa, exactly the digits shown (as the nearest float).
    exponent
        The power of ten of the scientific form, or ``None`` for the plain form.
    places
        Decimal places of the mantissa.
    """

    mantissa: float
    exponent: int | None
    places: int

    @property
    def value(self) -> float:
        """The number as shown (rounded), as a float."""
        return self.mantissa * 10.0 ** (self.exponent or 0)


def _exact(value: float) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ReluAnimError(f"number: must be a real number (got {value!r})")
    value = float(value)
    if not math.isfinite(value):
        raise ReluAnimError(f"number: must be finite to be written (got {value})")
    return Decimal(value)


def _check_style(style: str) -> str:
    if style not in STYLES:
        raise ReluAnimError(f"style: expected one of {', '.join(map(repr, STYLES))} (got {style!r})")
    return style


def _round(d: Decimal, places: int) -> Decimal:
    """``d`` rounded half to even to ``places`` decimals (negative: to tens, hundreds, …)."""
    return d.quantize(Decimal(1).scaleb(-places), context=_EXACT)


def _decimal(value: float, style: Style, digits: int, places: int | None) -> tuple[Decimal, int | None, int]:
    """The rounded mantissa as an exact Decimal, the exponent (or None) and the places."""
    d = _exact(value)
    style = _check_style(style)
    if places is not None:
        if style != "fixed":
            raise ReluAnimError(f"places: only with style 'fixed' (got style {style!r})")
        places = check_whole(places, "places", low=0)
        return _round(d, places), None, places
    digits = check_whole(digits, "digits", low=1)
    if style == "integer":
        return _round(d, 0), None, 0
    if d.is_zero():
        return Decimal(0), None, digits - 1
    lead = d.adjusted()  # exponent of the leading digit, exact
    scientific = style == "scientific" or (style == "auto" and not -2 <= lead < 4)
    if scientific:
        mantissa = _round(d.scaleb(-lead, context=_EXACT), digits - 1)
        if mantissa.copy_abs() >= 10:  # 9.996 rounds up to 10.0: one more power of ten
            lead += 1
            mantissa = _round(d.scaleb(-lead, context=_EXACT), digits - 1)
        return mantissa, lead, digits - 1
    shown = max(0, digits - 1 - lead)
    rounded = _round(d, shown)
    if shown > 0 and rounded.adjusted() > lead:  # 9.996 → 10.0, not 10.00: still `digits` digits
        shown -= 1
        rounded = _round(d, shown)
    return rounded, None, shown


def format_number(value: float, style: Style = "auto", digits: int = 3, *,
                  places: int | None = None) -> Written:
    """How ``value`` is written: the rounded mantissa, the exponent (or ``None``) and the places.

    Parameters
    ----------
    value
        A finite real number.
    style
        ``"auto"``, ``"fixed"``, ``"scientific"`` or ``"integer"`` (see the module).
    digits
        Significant digits (whole numbers keep all theirs).
    places
        With ``style="fixed"`` only: round to this many decimal places instead
        of ``digits`` significant digits, for labels that share one resolution
        (a slope of ``1e-17`` is then ``0``).

    Raises
    ------
    ReluAnimError
        If ``value`` is not a finite number, or ``style``, ``digits`` or ``places`` is not valid.

    Examples
    --------
    >>> format_number(0.2222), format_number(9.9999e-6)
    (Written(mantissa=0.222, exponent=None, places=3), Written(mantissa=1.0, exponent=-5, places=2))
    >>> format_number(-1e-17, "fixed", places=2)
    Written(mantissa=0.0, exponent=None, places=2)
    """
    mantissa, exponent, shown = _decimal(value, style, digits, places)
    return Written(float(mantissa) + 0.0, exponent, shown)  # + 0.0: never −0


def power_tex(exponent: int) -> str:
    r"""The TeX of the scientific form's power of ten: ``\times 10^{exponent}``.

    Examples
    --------
    >>> power_tex(-5)
    '\\times 10^{-5}'
    """
    return f"\\times 10^{{{int(exponent)}}}"


def _digits(mantissa: Decimal, places: int, trim: bool, group: bool) -> tuple[bool, str]:
    """``(negative, digits of |mantissa|)``; a mantissa that rounded to zero is not negative."""
    text = format(mantissa.copy_abs(), f",.{places}f" if group else f".{places}f")  # copy_abs: exact, no context
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return mantissa < 0 and not mantissa.is_zero(), text


def format_tex(value: float, style: Style = "auto", digits: int = 3, *, places: int | None = None,
               trim: bool = False) -> str:
    r"""``value`` in TeX (for :class:`~manim.MathTex`), written as :func:`format_number` decides.

    ``trim`` drops trailing zeros (``1`` rather than ``1.00``).

    Examples
    --------
    >>> format_tex(-0.000123), format_tex(-2, trim=True), format_tex(12345, "integer")
    ('-1.23 \\times 10^{-4}', '-2', '12{,}345')
    """
    mantissa, exponent, shown = _decimal(value, style, digits, places)
    negative, text = _digits(mantissa, shown, trim, style == "integer")
    text = ("-" if negative else "") + text.replace(",", "{,}")
    return text if exponent is None else f"{text} {power_tex(exponent)}"


def format_text(value: float, style: Style = "auto", digits: int = 3, *, places: int | None = None,
                trim: bool = False) -> str:
    """``value`` as Unicode text, written as :func:`format_number` decides: ``−4.95 × 10⁻⁵``.

    The minus is U+2212, never a hyphen-minus; ``trim`` drops trailing zeros.

    Examples
    --------
    >>> format_text(-0.000123), format_text(0.5, "fixed"), format_text(-1500, "integer")
    ('−1.23 × 10⁻⁴', '0.500', '−1,500')
    """
    mantissa, exponent, shown = _decimal(value, style, digits, places)
    negative, text = _digits(mantissa, shown, trim, style == "integer")
    text = (MINUS if negative else "") + text
    return text if exponent is None else f"{text} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def words(value: float, style: Style = "auto", digits: int = 3) -> str:
    """``value`` as narration writes it: :func:`format_text` with trailing zeros dropped.

    Examples
    --------
    >>> words(1.0), words(-0.78196838), words(0.0165289), words(31.25, "fixed")
    ('1', '−0.782', '0.0165', '31.2')
    """
    return format_text(value, style, digits, trim=True)


def word_list(values: Sequence[float], style: Style = "auto", digits: int = 3) -> str:
    """Several numbers as narration lists them, each by :func:`words`: ``0, 1 and −0.5``.

    Examples
    --------
    >>> word_list([0.0, 1.0, -0.5]), word_list([2.0])
    ('0, 1 and −0.5', '2')
    """
    items = [words(v, style, digits) for v in values]
    if not items:
        raise ReluAnimError("values: need at least one number to list")
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _affine(coefficients: Sequence[float], constant: float, variables: Sequence[str],
            write: Callable[[float], str], minus: str, join: str) -> str:
    coefficients = [float(c) for c in coefficients]
    if len(coefficients) != len(variables):
        raise ReluAnimError(f"variables: need one per coefficient (got {len(variables)} for {len(coefficients)})")
    out = ""
    for c, v in zip(coefficients, variables):
        term = f"{write(abs(c))}{join}{v}"
        if not out:
            out = f"{minus}{term}" if c < 0 else term
        else:
            out += f" {minus} {term}" if c < 0 else f" + {term}"
    constant = float(constant)
    sign = minus if constant < 0 else "+"
    return f"{out} {sign} {write(abs(constant))}" if out else f"{minus if constant < 0 else ''}{write(abs(constant))}"


def affine_tex(coefficients: Sequence[float], constant: float, variables: Sequence[str], *,
               style: Style = "auto", digits: int = 3, trim: bool = False, join: str = r"\,") -> str:
    r"""``c₁x₁ + c₂x₂ + … + b`` in TeX, each number by :func:`format_tex`, signs folded in.

    Every term is written, zeros included; ``join`` goes between a coefficient
    and its variable (a thin space by default).

    Examples
    --------
    >>> affine_tex([0.5], -2.0, ["x"], style="fixed", trim=True)
    '0.5\\,x - 2'
    >>> affine_tex([-1.0, 3.0], 0.25, ["x_1", "x_2"], join="")
    '-1.00x_1 + 3.00x_2 + 0.250'
    """
    return _affine(coefficients, constant, variables,
                   lambda v: format_tex(v, style, digits, trim=trim), "-", join)


def affine_words(coefficients: Sequence[float], constant: float, variables: Sequence[str], *,
                 style: Style = "auto", digits: int = 3) -> str:
    """``c₁x₁ + … + b`` as narration writes it, each number by :func:`words`, signs folded in.

    Examples
    --------
    >>> affine_words([2.0, -0.5], 0.0, ["x₁", "x₂"])
    '2x₁ − 0.5x₂ + 0'
    """
    return _affine(coefficients, constant, variables, lambda v: words(v, style, digits), MINUS, "")
