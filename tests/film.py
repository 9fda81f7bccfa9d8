"""What a viewer sees at a moment of a chapter: its text boxes, its numbers, its frame.

The suite renders every chapter once (:mod:`tests.renders`). While it renders,
the scene's hooks (:meth:`~relu_anim.visual.scene.ChapterScene.beat_ended`,
:meth:`~relu_anim.visual.scene.ChapterScene.narration_ended`) call the
functions here on the live scene, so the tests judge the film the viewer gets,
not a pose rebuilt for the test:

- :func:`snapshot_frame`: the picture at the end of a beat (golden frames);
- :func:`text_boxes`: every visible piece of text, with its box and font size
  (legibility and layout);
- :func:`numbers_in`: the numbers a string shows or says (narration against
  screen).

Example::

    boxes = text_boxes(scene)
    assert all(box.font_size >= MIN_FONT_SIZE for box in boxes)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import numpy as np
from manim import DecimalNumber, Integer, MarkupText, Mobject, SingleStringMathTex, Text, VMobject

from relu_anim.visual import Readout

__all__ = ["TextBox", "text_boxes", "snapshot_frame", "numbers_in", "screen_numbers", "overlap"]

_TEXT_TYPES = (Text, MarkupText, SingleStringMathTex, DecimalNumber)
#: A number in scientific form, "m × 10^k" (TeX or Unicode exponent).
_SCIENTIFIC = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:\\times|×)\s*10\s*"
                         r"(?:\^\{?([-−]?\d+)\}?|([⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))")
_SUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
#: TeX and Unicode exponents: ``10^{-2}``, ``10^2``, ``10⁻²`` (their digits are not numbers of their own).
_EXPONENT = re.compile(r"\^\{[^}]*\}|\^\S|[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+|_\{[^}]*\}|_\S|[₀₁₂₃₄₅₆₇₈₉]+")


@dataclass(frozen=True)
class TextBox:
    """One visible piece of text: what it says, where it is, how large.

    ``box`` is ``(left, bottom, right, top)`` in scene units.
    """

    content: str
    kind: str
    box: tuple[float, float, float, float]
    font_size: float


def _content(mob: Mobject) -> str:
    if isinstance(mob, Integer):
        return str(int(round(mob.number)))
    if isinstance(mob, DecimalNumber):
        return f"{abs(mob.number):.{mob.num_decimal_places}f}"
    if isinstance(mob, SingleStringMathTex):
        return mob.tex_string
    return getattr(mob, "text", getattr(mob, "original_text", ""))


def _visible(mob: Mobject) -> bool:
    parts = [m for m in mob.get_family() if isinstance(m, VMobject) and m.has_points()]
    if not parts:
        return False
    return max(max(float(np.max(m.get_fill_opacities(), initial=0)), float(np.max(m.get_stroke_opacities(), initial=0)))
               for m in parts) > 0.05


def text_boxes(scene) -> list[TextBox]:
    """Every visible text mobject on screen (the outermost text of a nesting), in drawing order."""
    found: list[TextBox] = []

    def record(mob: Mobject, content: str, size: float) -> None:
        if _visible(mob):
            left, bottom = mob.get_corner([-1, -1, 0])[:2]
            right, top = mob.get_corner([1, 1, 0])[:2]
            found.append(TextBox(content, type(mob).__name__, (float(left), float(bottom), float(right), float(top)),
                                 size))

    def walk(mob: Mobject) -> None:
        if isinstance(mob, Readout) and mob.number.submobjects:  # its number is mantissa and "× 10^k": one text
            walk(mob.label)
            record(mob.number, mob.tex, float(mob.number[0].font_size))
            return
        if isinstance(mob, _TEXT_TYPES):
            record(mob, _content(mob), float(getattr(mob, "font_size", 0.0)))
            return
        for sub in mob.submobjects:
            walk(sub)

    for mob in scene.mobjects:
        walk(mob)
    return found


def snapshot_frame(scene) -> np.ndarray:
    """The picture the scene shows now, ``(height, width, 3)`` uint8 RGB."""
    scene.renderer.update_frame(scene)
    return np.ascontiguousarray(np.array(scene.renderer.get_frame())[..., :3]).astype(np.uint8)


def numbers_in(text: str) -> list[float]:
    """The numbers ``text`` writes, unsigned; ``m × 10^k`` is one number; other
    exponents, sub- and superscripts are not numbers of their own.

    Examples
    --------
    >>> numbers_in("max error 1.65 × 10⁻² at n = 10, w₁ = −0.310")
    [0.0165, 10.0, 0.31]
    >>> numbers_in(r"x^{2} + 1.65 \\times 10^{-2}")
    [0.0165]
    """
    text = text.replace("{,}", "").replace("{.}", ".")
    scientific: list[float] = []

    def keep(match: re.Match) -> str:
        mantissa, tex_power, unicode_power = match.groups()
        power = (tex_power or (unicode_power or "").translate(_SUPERSCRIPT)).replace("−", "-")
        scientific.append(float(f"{mantissa}e{power}"))
        return f" @{len(scientific) - 1}@ "

    text = _SCIENTIFIC.sub(keep, text)
    text = _EXPONENT.sub(" ", text)
    found = []
    for match in re.finditer(r"@(\d+)@|(?<![\d.])\d+(?:\.\d+)?", text):
        found.append(scientific[int(match.group(1))] if match.group(1) else float(match.group(0)))
    return found


def screen_numbers(boxes: Iterable[TextBox]) -> set[float]:
    """Every number shown by ``boxes`` (see :func:`numbers_in`)."""
    return {n for box in boxes for n in numbers_in(box.content)}


def overlap(a: TextBox, b: TextBox) -> tuple[float, float]:
    """Width and height of the intersection of two boxes (zero or negative: apart)."""
    width = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
    height = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    return width, height
