"""One neuron drawn as the article draws it: :class:`NeuronDiagram`.

Inputs (circles) → arrows labelled with their weights → a summing node with
``+ b`` → an activation box → the output. The numbers shown are exactly the ones
passed in, formatted with :func:`~relu_anim.story.numbers.format_tex`.

Examples
--------
::

    d = NeuronDiagram([2.0, -0.5], 1.0, input_labels=["x_1", "x_2"])
    [w.tex_string for w in d.weight_labels]   # ['2.00', '-0.500']
    d.bias_label.tex_string                   # '+\\,1.00'
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from manim import DOWN, RIGHT, UP, Arrow, Circle, MathTex, Rectangle, VGroup, VMobject

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from ..story.numbers import format_tex
from .theme import Theme, current_theme
from ..errors import ReluAnimError

__all__ = ["NeuronDiagram"]


def _relu_glyph(width: float, height: float, color: Any) -> VMobject:
    """A small ReLU curve: flat, then rising."""
    glyph = VMobject(color=color, stroke_width=3)
    glyph.set_points_as_corners([np.array([-width / 2, -height / 2, 0]), np.array([0, -height / 2, 0]),
                                 np.array([width / 2, height / 2, 0])])
    return glyph


class NeuronDiagram(VGroup):
    """A neuron: ``activation(Σ wᵢ·xᵢ + b)`` with its real weights and bias.

    Parameters
    ----------
    weights
        One weight per input, shown on the input's arrow.
    bias
        Shown as ``+ b`` beside the summing node.
    input_labels
        TeX for each input (``x_1``, ``x_2``, … by default; ``x`` for one input).
    activation
        Name shown in the activation box, with a ReLU glyph when it is ``"ReLU"``.
    output_label
        TeX for the output.
    digits
        Significant digits of the numbers shown.
    tip_ratio
        Arrow tip length as a fraction of the input arrow's length; smaller
        keeps the tips of many inputs apart at the summing node.
    labels_outside
        Put each weight on the outer side of its arrow (above and right of the
        upper arrows, below and right of the lower ones, above a level one) so
        that no arrow crosses a weight; by default
        every weight sits above its arrow.
    font_scale
        Multiplies every font size of the diagram: a caller that scales the
        whole diagram down by ``s`` passes ``1/s`` to keep its text legible.
    input_x
        Where the inputs stand, left of the summing node at 0 (shorter arrows
        when closer).
    kwargs
        Passed to :class:`~manim.VGroup`.

    Attributes
    ----------
    weights, bias
        The numbers given.
    inputs, input_texts, arrows, weight_labels
        One per input: circle, its label, the arrow to the sum, the weight's MathTex.
    sum_node, bias_label, activation_box, output_arrow, output_text
        The rest of the diagram, left to right.
    """

    def __init__(self, weights: Sequence[float], bias: float, input_labels: Sequence[str] | None = None,
                 activation: str = "ReLU", *, output_label: str = "y", digits: int = 3,
                 tip_ratio: float = 0.12, labels_outside: bool = False, font_scale: float = 1.0,
                 input_x: float = -3.2, theme: Theme | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        theme = theme or current_theme()
        self.weights = [float(w) for w in weights]
        self.bias = float(bias)
        n = len(self.weights)
        if input_labels is None:
            input_labels = ["x"] if n == 1 else [f"x_{{{i + 1}}}" for i in range(n)]
        if len(input_labels) != n:
            raise ReluAnimError(f"input_labels: need one label per weight (got {len(input_labels)} for {n})")

        spacing = 1.3
        ys = (np.arange(n)[::-1] - (n - 1) / 2) * spacing
        self.inputs = VGroup(*(Circle(radius=0.35, color=theme.axis, stroke_width=3).move_to([input_x, y, 0])
                               for y in ys))
        self.input_texts = VGroup(*(MathTex(t, font_size=34 * font_scale, color=theme.text).move_to(c)
                                    for t, c in zip(input_labels, self.inputs)))
        self.sum_node = VGroup(Circle(radius=0.45, color=theme.output, stroke_width=3),
                               MathTex(r"\Sigma", font_size=40 * font_scale, color=theme.text))
        self.sum_node.move_to([0, 0, 0])
        self.arrows = VGroup()
        self.weight_labels = VGroup()
        for i, (circle, w) in enumerate(zip(self.inputs, self.weights)):
            arrow = Arrow(circle.get_right(), self.sum_node[0].get_center(), buff=0.45,
                          color=theme.axis, stroke_width=3, max_tip_length_to_length_ratio=tip_ratio)
            arrow.put_start_and_end_on(circle.get_right() + 0.02 * RIGHT,
                                       self.sum_node[0].point_at_angle(np.pi - np.arctan2(
                                           circle.get_center()[1], -input_x)) if n > 1 else self.sum_node[0].get_left())
            label = MathTex(format_tex(w, "fixed", digits), font_size=30 * font_scale, color=theme.unit)
            if labels_outside:
                # right of a point on the arrow, away from the middle: a falling (upper) arrow
                # passes below a label up and right of it, a rising (lower) one above a label down and right
                side = UP if abs(ys[i]) < 1e-9 else (UP + RIGHT if ys[i] > 0 else DOWN + RIGHT)
                label.next_to(arrow.point_from_proportion(0.4), side, buff=0.15)
            else:
                label.move_to(arrow.point_from_proportion(0.45)).shift(0.28 * UP + (0.05 if ys[i] >= 0 else 0) * UP)
            self.arrows.add(arrow)
            self.weight_labels.add(label)
        sign = "+" if self.bias >= 0 else "-"
        self.bias_label = MathTex(f"{sign}\\,{format_tex(abs(self.bias), 'fixed', digits)}",
                                  font_size=30 * font_scale, color=theme.accent)
        self.bias_label.next_to(self.sum_node, DOWN, buff=0.2)
        self.bias_text = MathTex("b", font_size=24 * font_scale, color=theme.muted).next_to(self.bias_label, DOWN, buff=0.08)

        box = Rectangle(width=1.5, height=1.0, color=theme.unit, stroke_width=3).move_to([2.1, 0, 0])
        parts = [box, MathTex(r"\text{" + activation + "}", font_size=26 * font_scale, color=theme.text)
                 .move_to(box.get_top() + 0.25 * DOWN)]
        if activation.lower() == "relu":
            parts.append(_relu_glyph(0.7, 0.35, theme.unit).move_to(box.get_bottom() + 0.32 * UP))
        self.activation_box = VGroup(*parts)
        self.link = Arrow(self.sum_node.get_right(), box.get_left(), buff=0.05, color=theme.axis,
                          stroke_width=3, max_tip_length_to_length_ratio=0.2)
        self.output_arrow = Arrow(box.get_right(), box.get_right() + 1.2 * RIGHT, buff=0.05,
                                  color=theme.axis, stroke_width=3, max_tip_length_to_length_ratio=0.2)
        self.output_text = MathTex(output_label, font_size=34 * font_scale, color=theme.output)
        self.output_text.next_to(self.output_arrow, RIGHT, buff=0.15)
        self.add(self.inputs, self.input_texts, self.arrows, self.weight_labels, self.sum_node,
                 self.bias_label, self.bias_text, self.link, self.activation_box, self.output_arrow,
                 self.output_text)
        self.move_to([0, 0, 0])
