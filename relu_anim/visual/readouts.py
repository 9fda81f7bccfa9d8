"""Labelled numbers on screen: :class:`Readout`, and a network's formula: :func:`relu_sum_tex`.

A readout is a label followed by a number, e.g. ``n = 5`` or
``\\text{max error} = 1.65 \\times 10^{-2}``. Small errors are written in
scientific style (mantissa as a :class:`~manim.DecimalNumber`, then
``\\times 10^{k}``) so that n = 1 … 100 stay legible side by side. How a
number is written (digits, style, scientific form) is decided in one place for
the whole project, :mod:`relu_anim.story.numbers`; this module only draws it.

Examples
--------
>>> from relu_anim.construct import shifted_relu_sum
>>> relu_sum_tex(shifted_relu_sum([1.0, -1.0], [0.5, 1.5], flipped=[False, True]))
'\\\\mathrm{ReLU}(x - 0.5) - \\\\mathrm{ReLU}(1.5 - x)'
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
from manim import UP, Animation, DecimalNumber, Integer, ManimColor, MathTex, Mobject, Transform, ValueTracker, VGroup

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from .theme import Theme, current_theme
from ..construct import relu_as_shift
from ..errors import ReluAnimError
from ..story.numbers import Style, Written, format_number, format_tex, power_tex

__all__ = ["forget_kept_powers", "relu_sum_tex", "Readout"]


def relu_sum_tex(network: Any, *, digits: int = 3, show_unit_weights: bool = False,
                 variable: str = "x") -> str:
    r"""TeX of a one-hidden-layer network as ``c + Σ aᵢ·ReLU(±(x − hᵢ))``, with its numbers.

    Each unit ``ReLU(w·x + b)`` is rewritten with
    :func:`~relu_anim.construct.relu_as_shift` as ``|w|·ReLU(x − h)`` (or
    ``ReLU(h − x)`` when ``w < 0``). Weights of 1 are left out unless
    ``show_unit_weights``; a zero bias is left out.

    Examples
    --------
    >>> from relu_anim.construct import shifted_relu_sum
    >>> relu_sum_tex(shifted_relu_sum([1.0, 1.0], [0.0, 1.0]))
    '\\mathrm{ReLU}(x) + \\mathrm{ReLU}(x - 1)'
    >>> relu_sum_tex(shifted_relu_sum([2.0, -0.5], [0.5, 1.0], bias=-1/6))
    '2\\,\\mathrm{ReLU}(x - 0.5) - 0.5\\,\\mathrm{ReLU}(x - 1) - 0.167'
    """
    def magnitude(value: float) -> str:  # |value|, `digits` significant digits, no trailing zeros: 1, 2.5, 0.167
        return format_tex(abs(value), "fixed", digits, trim=True)

    hidden, output = network.layers[0], network.layers[-1]
    if len(network.layers) != 2 or network.in_features != 1 or network.out_features != 1:
        raise ReluAnimError("network: relu_sum_tex needs one input, one hidden layer, one output")
    terms: list[tuple[float, str]] = []
    for w, b, a in zip(hidden.weight[:, 0], hidden.bias, output.weight[0]):
        if w == 0 or a == 0:
            continue
        scale, h, flipped = relu_as_shift(w, b)
        h_text = magnitude(h)
        if h_text == "0":
            inner = f"-{variable}" if flipped else variable
        elif flipped:
            inner = f"{h_text} - {variable}" if h > 0 else f"-{variable} - {h_text}"
        else:
            inner = f"{variable} - {h_text}" if h > 0 else f"{variable} + {h_text}"
        terms.append((a * scale, f"\\mathrm{{ReLU}}({inner})"))
    out = ""
    for coef, unit in terms:
        sign = "-" if coef < 0 else "+"
        c = magnitude(coef)
        body = unit if (c == "1" and not show_unit_weights) else f"{c}\\,{unit}"
        out += (f"- {body}" if sign == "-" else body) if not out else f" {sign} {body}"
    bias = float(output.bias[0])
    if magnitude(bias) != "0":
        sign = "-" if bias < 0 else "+"
        out += f" {sign} {magnitude(bias)}" if out else (f"-{magnitude(bias)}" if bias < 0 else magnitude(bias))
    return out or "0"


class Readout(VGroup):
    """A label and the number it shows: ``label = value``.

    Parameters
    ----------
    label
        TeX (set as :class:`~manim.MathTex`, use ``\\text{…}`` for words) or a mobject.
    value
        The number shown.
    style, digits
        How it is written (see :func:`~relu_anim.story.numbers.format_number`).
    places
        With ``style="fixed"`` only: this many decimal places instead of ``digits``
        significant digits (numbers that are added up on screen share one resolution).
    equals
        Put ``=`` between label and number.
    color
        Colour of the number (the label takes the theme's ``text``).
    font_size
        Of label and number.
    kwargs
        Passed to :class:`~manim.VGroup`.

    Attributes
    ----------
    value
        The value given last (unrounded).
    label, number
        The label mobject and the number mobject (mantissa and ``\\times 10^{k}``).

    Examples
    --------
    ::

        r = Readout(r"\\text{max error}", 0.0165289, style="scientific")
        r.tex                     # '1.65 \\times 10^{-2}'
        r.set_value(4.95e-5).tex  # '4.95 \\times 10^{-5}'

    Animate a change with ``self.play(r.change_to(v))`` (not
    ``r.animate.set_value(v)``: the number's glyphs change, and ``.animate``
    cannot re-apply such a change once the morph is done), or let it follow a
    :class:`~manim.ValueTracker` with :meth:`follow`.
    """

    def __init__(self, label: str | Mobject, value: float, *, style: Style = "auto", digits: int = 3,
                 places: int | None = None, equals: bool = True, color: Any = None, font_size: float = 34,
                 theme: Theme | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        theme = theme or current_theme()
        self.style: Style = style
        self.digits = digits
        self.places = places
        self.font_size = font_size
        self.number_color = color or theme.text
        self.equals = equals
        if isinstance(label, Mobject):
            self.label = label
        else:
            text = f"{label} =" if equals else label
            self.label = MathTex(text, font_size=font_size, color=theme.text)
        self.value = float(value)
        self.number = self._number(self._written(self.value))
        self.add(self.label, self.number)
        self._place()

    # ----------------------------------------------------------------- parts
    def _written(self, value: float) -> Written:
        return format_number(value, self.style, self.digits, places=self.places)

    def _number(self, written: Written) -> VGroup:
        mantissa, exponent, places = written
        kw = dict(font_size=self.font_size, color=self.number_color)
        first = (Integer(int(mantissa), **kw) if self.style == "integer"
                 else DecimalNumber(mantissa, num_decimal_places=places, **kw))
        number = VGroup(first)
        if exponent is not None:
            power = _power(exponent, self.font_size, self.number_color).copy()
            power.next_to(first, direction=[1.0, 0, 0], buff=0.08)
            power.align_to(first, direction=[0, -1.0, 0])
            number.add(power)
        return number

    def _place(self) -> None:
        self._position(self.number)

    def _position(self, number: VGroup) -> VGroup:
        number.next_to(self.label, direction=[1.0, 0, 0], buff=0.18)
        # centre the digits on the "=" (or the label): descenders in the label
        # must not pull the number down
        anchor = self.label[0][-1] if self.equals and isinstance(self.label, MathTex) else self.label
        number.shift((anchor.get_center()[1] - number[0].get_center()[1]) * UP)
        return number

    @property
    def tex(self) -> str:
        """The number as shown, in TeX."""
        return format_tex(self.value, self.style, self.digits, places=self.places)

    @property
    def shown(self) -> float:
        """The number as shown (rounded), as a float."""
        return self._written(self.value).value

    # ---------------------------------------------------------------- update
    def set_value(self, value: float) -> "Readout":
        """Show ``value`` instead; the label stays where it is."""
        self.value = float(value)
        new = self._number(self._written(self.value))
        self.remove(self.number)
        self.number = new
        self.add(self.number)
        self._place()
        return self

    def change_to(self, value: float, **kwargs: Any) -> Animation:
        """An animation morphing the shown number into ``value`` (kwargs go to Transform)."""
        return _ChangeReadout(self, value, **kwargs)

    def follow(self, tracker: ValueTracker, function: Callable[[float], float] | None = None) -> "Readout":
        """Show ``tracker``'s value at every frame (adds an updater; returns self).

        With ``function``, show ``function(tracker value)`` instead (e.g. a
        network's output where a dot driven by the tracker stands).

        The number changes in place (``become``): during a play, manim keeps
        drawing the submobjects it listed when the play began, so swapping in
        new glyphs would leave the old ones frozen on screen. Only the number
        is rebuilt each frame (the label stays), which keeps a readout that
        follows a moving dot cheap.
        """

        def update(readout: "Readout") -> None:
            value = tracker.get_value()
            readout.set_in_place(value if function is None else function(value))

        self.add_updater(update)
        return self

    def set_in_place(self, value: float) -> "Readout":
        """Show ``value`` by morphing the number's existing mobjects, never swapping them.

        Safe inside an updater during a play: manim keeps drawing the
        submobjects it listed when the play began, so swapped-in glyphs would
        leave the old ones frozen on screen. Only the number is rebuilt (the
        label stays), which keeps a readout that changes every frame cheap.
        Nothing is rebuilt when ``value`` is written with the same digits as the
        number shown (a loss that moves in its fifth digit): only :attr:`value`
        changes.

        Examples
        --------
        ::

            r = Readout("n", 1, style="integer")
            r.set_in_place(5).tex   # '5', drawn by the same mobjects as before
        """
        shown = float(value)
        if shown == self.value:
            return self
        written = self._written(shown)
        if written == self._written(self.value):  # the same glyphs: nothing to redraw
            self.value = shown
            return self
        fresh = self._position(self._number(written))
        _become_unaligned(self.number, fresh)
        for part, new in zip(self.number.submobjects, fresh.submobjects):
            # become moves points only: what the parts say must follow too
            for name in ("number", "num_decimal_places", "tex_string"):
                if hasattr(new, name):
                    setattr(part, name, getattr(new, name))
        self.value = shown
        return self


#: ``× 10^k`` parts kept, built once each: a readout of a falling loss writes a new one every frame.
MAX_POWERS = 64
_powers: dict[tuple[int, float, str], MathTex] = {}


def _power(exponent: int, font_size: float, color: Any) -> MathTex:
    """The ``× 10^{exponent}`` part of a scientific number, as built the first time (copy it to show it).

    Setting it in TeX takes longer than copying it (about 5 against 1 ms), and
    a copy is the same glyphs, points and colours as a new one.
    """
    key = (exponent, float(font_size), ManimColor(color).to_hex(with_alpha=True))
    power = _powers.get(key)
    if power is None:
        if len(_powers) >= MAX_POWERS:
            _powers.clear()
        power = _powers[key] = MathTex(power_tex(exponent), font_size=font_size, color=color)
    return power


def forget_kept_powers() -> None:
    """Forget the kept ``× 10^k`` parts: the next readout sets its own in TeX again.

    A render that records the TeX strings it uses (the test suite's, from which
    ``scenes/tex_strings.json`` is written) calls this first, so that a part
    kept from an earlier render in the same process is still recorded.

    Examples
    --------
    >>> forget_kept_powers()
    >>> len(_powers)
    0
    """
    _powers.clear()


def _become_unaligned(mobject: Mobject, other: Mobject) -> None:
    """``mobject.become(other)``, its submobjects matched one to one but their points not re-sampled.

    ``become`` copies every point of ``other`` anyway, so it asks ``align_data``
    to skip point alignment; manim passes that on to the top level only, and
    then re-samples the points of every glyph of both numbers to equal counts
    (a subpath search with a closeness test per point), which was most of the
    cost of a readout that changes every frame. The glyphs drawn are
    ``other``'s own.
    """

    def match(m1: Mobject, m2: Mobject) -> None:
        m1.null_point_align(m2)
        m1.align_submobjects(m2)
        for sub1, sub2 in zip(m1.submobjects, m2.submobjects, strict=True):
            match(sub1, sub2)

    match(mobject, other)
    for sm1, sm2 in zip(mobject.get_family(), other.get_family(), strict=True):
        sm1.points = np.array(sm2.points)
        sm1.interpolate_color(sm1, sm2, 1)


class _ChangeReadout(Animation):
    """Morph a readout's number into ``value`` (the label stays as it is), then rebuild it with ``set_value``.

    Only the number moves, so only the number is copied and interpolated: a
    :class:`~manim.Transform` of the whole readout copied and morphed the
    unchanged label too, which cost more than the number itself. The animation's
    mobject is still the readout (manim adds it to the scene if it is not there).
    """

    def __init__(self, readout: Readout, value: float, **kwargs: Any) -> None:
        self.value = float(value)
        target = readout._number(readout._written(self.value))
        self._morph = Transform(readout.number, readout._position(target), **kwargs)
        super().__init__(readout, run_time=self._morph.run_time, rate_func=self._morph.rate_func)

    def begin(self) -> None:
        self._morph.rate_func = self.rate_func  # play(..., rate_func=…) sets it on this animation
        self._morph.begin()

    def interpolate(self, alpha: float) -> None:
        self._morph.interpolate(alpha)

    def update_mobjects(self, dt: float) -> None:
        self._morph.update_mobjects(dt)

    def get_all_mobjects(self) -> Sequence[Mobject]:
        return self.mobject, *self._morph.get_all_mobjects()

    def finish(self) -> None:
        self._morph.finish()

    def clean_up_from_scene(self, scene: Any) -> None:
        super().clean_up_from_scene(scene)
        self.mobject.set_value(self.value)
