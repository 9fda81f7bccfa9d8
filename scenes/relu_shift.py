"""Chapter "ReLU, shifted" (chapter 1 of the full video).

ReLU(x) = max(0, x) looks like two straight lines, yet it fails the test every
linear function passes: ReLU(−1) + ReLU(1) is 1, while ReLU(−1 + 1) is 0. Its
corner can be slid anywhere, ReLU(x − h), and that is exactly what one neuron
with one input computes: ReLU(w·x + b) is |w|·ReLU(x − h) with h = −b/w, its
ramp flipped to the left when w < 0.

Every number drawn comes from :mod:`relu_anim`: the ReLU and its shifts are
networks built by :func:`~relu_anim.construct.shifted_relu_sum`, the
counter-example is evaluated by :func:`~relu_anim.story.neuron.additivity`, and the
neurons are units of seeded random networks
(:func:`~relu_anim.construct.random_network`), cut out with
:func:`~relu_anim.story.neuron.single_unit` and rewritten by
:func:`~relu_anim.construct.relu_as_shift`. The literals here are the story's
choices: the domain, the counter-example's inputs, the values h slides through
and the seed.

Preview::

    manim -pql scenes/relu_shift.py      # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, DecimalNumber, Dot, FadeIn, FadeOut,
                   FadeTransform, GrowFromCenter, Indicate, MathTex, ReplacementTransform,
                   ValueTracker, VGroup, Write)

from relu_anim.render.chapters import chapter
from relu_anim.construct import random_network, relu_as_shift, shifted_relu_sum
from relu_anim.network import Network
from relu_anim.story.neuron import Additivity, additivity, single_unit
from relu_anim.story.numbers import affine_tex, format_tex, words
from relu_anim.piecewise import PiecewiseLinear
from relu_anim.visual import ChapterScene, NeuronDiagram, PiecewiseGraph, View, breakpoint_dots, make_axes
from relu_anim.visual.live import LivePiecewiseGraph, live_breakpoint_dots

__all__ = ["ReluShift", "DOMAIN", "Y_RANGE", "PROBES", "SLIDE", "SEED", "INPUTS", "relu", "shifted",
           "relu_counterexample", "many_input_neuron", "ScalarNeuron", "scalar_neuron"]

# --------------------------------------------------------------- the story's choices
#: The x range drawn.
DOMAIN = (-3.0, 3.0)
#: The y range drawn.
Y_RANGE = (-1.0, 4.0)
#: The counter-example's inputs a and b: ReLU(a) + ReLU(b) against ReLU(a + b).
PROBES = (-1.0, 1.0)
#: The values the shift h slides through, in order (it starts at 0).
SLIDE = (2.0, -1.0, 1.0)
#: Seed of the random networks whose neurons are shown.
SEED = 72
#: Inputs of the many-input neuron.
INPUTS = 3


# -------------------------------------------------------------- numbers, from relu_anim
def relu() -> Network:
    """ReLU(x) as a network: one unit, no shift, output weight 1."""
    return shifted_relu_sum([1.0], [0.0])


def shifted(h: float) -> PiecewiseLinear:
    """ReLU(x − h) on :data:`DOMAIN`, exactly."""
    return shifted_relu_sum([1.0], [h]).piecewise(*DOMAIN)


def relu_counterexample() -> Additivity:
    """ReLU(a), ReLU(b) and ReLU(a + b) for the inputs :data:`PROBES`."""
    return additivity(relu(), *PROBES)


def many_input_neuron() -> tuple[np.ndarray, float]:
    """Weights and bias of the one hidden unit of a seeded random INPUTS–1–1 network."""
    layer = random_network([INPUTS, 1, 1], seed=SEED).layers[0]
    return layer.weight[0].copy(), float(layer.bias[0])


@dataclass(frozen=True)
class ScalarNeuron:
    """One unit ``ReLU(w·x + b)`` of a one-input network, and how it reads as a shift."""

    weight: float
    bias: float
    scale: float
    h: float
    flipped: bool
    network: Network
    function: PiecewiseLinear


def scalar_neuron(positive: bool) -> ScalarNeuron:
    """The first unit with a positive (or negative) weight of a seeded random 1–2–1 network."""
    net = random_network([1, 2, 1], seed=SEED)
    weights = net.layers[0].weight[:, 0]
    i = int(np.flatnonzero(weights > 0 if positive else weights < 0)[0])
    w, b = float(weights[i]), float(net.layers[0].bias[i])
    scale, h, flipped = relu_as_shift(w, b)
    unit = single_unit(net, i)
    return ScalarNeuron(w, b, scale, h, flipped, unit, unit.piecewise(*DOMAIN))


def shift_tex(neuron: ScalarNeuron) -> str:
    """``|w|·ReLU(x − h)``, or ``|w|·ReLU(h − x)`` when flipped, with the neuron's numbers (as the diagram)."""
    h = format_tex(neuron.h, "fixed")
    inner = f"{h} - x" if neuron.flipped else (
        f"x - {h}" if neuron.h >= 0 else f"x + {format_tex(-neuron.h, 'fixed')}")
    return rf"{format_tex(neuron.scale, 'fixed')}\,\mathrm{{ReLU}}({inner})"


@dataclass(frozen=True, eq=False)
class SlideView(View):
    """The slide beat's mobjects; graph, dots, label and the formula's number follow the tracker."""

    graph: LivePiecewiseGraph
    dots: VGroup
    label: MathTex
    formula: VGroup
    general: MathTex

    @property
    def live(self) -> list:
        """Everything with an updater, graph first."""
        return [self.graph, self.dots, self.label, *self.formula]


@dataclass(frozen=True, eq=False)
class NeuronView(View):
    """One neuron's own output on the axes: exact graph, kink dot, ``h = …`` under the kink."""

    graph: PiecewiseGraph
    dots: VGroup
    label: MathTex


# ------------------------------------------------------------------------ the scene
class ReluShift(ChapterScene):
    """ReLU, its failed linearity test, its shift h, and one neuron as a shifted ReLU."""

    def construct(self) -> None:
        self.draw_relu()
        self.not_linear()
        self.slide_h()
        self.a_neuron()
        self.one_input(positive=True)
        self.one_input(positive=False)
        self.closing()

    # ------------------------------------------------------------------ layout
    def build_stage(self) -> None:
        """Title and axes: the parts the graph beats share."""
        self.title = self.chapter_title(chapter("relu_shift").title)
        self.build_axes()

    def build_axes(self) -> None:
        """Fresh axes on the left, numbered; the right-hand column's edge."""
        t = self.theme
        self.axes = make_axes((DOMAIN[0], DOMAIN[1], 1), (Y_RANGE[0], Y_RANGE[1], 1), x_length=6.0,
                              y_length=5.0, y_label="y", theme=t)
        self.axes.move_to([-3.3, -0.4, 0])
        #: left edge of the right-hand column
        self.column = 0.7

    def at_column(self, mob, y: float):
        """Place ``mob`` with its left edge on the right-hand column at height ``y``."""
        return mob.move_to([self.column, y, 0], aligned_edge=LEFT)

    def unit_graph(self, function: PiecewiseLinear) -> PiecewiseGraph:
        """A single unit's exact graph, in the unit colour."""
        return PiecewiseGraph(self.axes, function, color=self.theme.unit, theme=self.theme)

    def kink_label(self, x: float, text: str) -> MathTex:
        """A label under the axis, below the kink at ``x``."""
        return self.under_kink(MathTex(text, font_size=30, color=self.theme.breakpoint), x)

    def under_kink(self, label, x: float):
        """Move ``label`` under the axis below ``x``, sliding it off the y axis if it would cross it."""
        label.move_to(self.axes.c2p(x, 0.6 * Y_RANGE[0]))
        axis_x, kink_x = self.axes.c2p(0, 0)[0], self.axes.c2p(x, 0)[0]
        if label.get_left()[0] - 0.1 < axis_x < label.get_right()[0] + 0.1:
            edge = RIGHT if kink_x < axis_x else LEFT
            label.shift((kink_x - label.get_edge_center(edge)[0]) * RIGHT - 0.1 * edge)
        return label

    def relu_formula(self) -> MathTex:
        return self.at_column(MathTex(r"\mathrm{ReLU}(x) = \max(0,\,x)", font_size=40), 2.3)

    def probe_marks(self, check: Additivity) -> VGroup:
        """Dots on the graph at a, b and a + b, each labelled with ReLU's value there."""
        t = self.theme
        marks = VGroup()
        # a + b's label goes below the tick numbers, clear of the y axis
        for x, fx, side, buff in ((check.x, check.fx, UP, 0.15), (check.y, check.fy, LEFT, 0.15),
                                  (check.x + check.y, check.fxy, DOWN + RIGHT, 0.4)):
            dot = Dot(self.axes.c2p(x, fx), radius=0.08, color=t.accent)
            label = MathTex(f"({format_tex(x, trim=True)},\\,{format_tex(fx, trim=True)})", font_size=26,
                            color=t.accent)
            label.next_to(dot, side, buff=buff)
            marks.add(VGroup(dot, label))
        return marks

    def counterexample_lines(self, check: Additivity) -> VGroup:
        """``ReLU(a) + ReLU(b) = … = 1``, ``ReLU(a + b) = … = 0`` and ``1 ≠ 0``."""
        t = self.theme
        a, b, fx, fy, total, fxy = (format_tex(v, trim=True) for v in
                                    (check.x, check.y, check.fx, check.fy, check.total, check.fxy))
        rule = MathTex(r"\text{linear: } f(a) + f(b) = f(a + b)", font_size=32, color=t.muted)
        left = MathTex(rf"\mathrm{{ReLU}}({a}) + \mathrm{{ReLU}}({b}) = {fx} + {fy} = {total}", font_size=32)
        right = MathTex(rf"\mathrm{{ReLU}}({a} + {b}) = \mathrm{{ReLU}}({format_tex(check.x + check.y, trim=True)}) "
                        rf"= {fxy}", font_size=32)
        verdict = MathTex(total, r"\neq", fxy, font_size=44, color=t.error)
        lines = VGroup(rule, left, right, verdict)
        for mob, y in zip(lines, (1.35, 0.55, -0.15, -1.0)):
            self.at_column(mob, y)
        return lines

    def live_formula(self, h: ValueTracker) -> VGroup:
        """``y = ReLU(x − h)`` with h's number live (a DecimalNumber showing −h with its sign)."""
        t = self.theme
        head = MathTex(r"y = \mathrm{ReLU}(x", font_size=40, color=t.unit)
        number = DecimalNumber(0.0 - h.get_value(), num_decimal_places=2, include_sign=True,
                               font_size=40, color=t.unit)
        tail = MathTex(")", font_size=40, color=t.unit)
        x_glyph = head[0][-1]

        def place(num: DecimalNumber) -> None:
            num.set_value(0.0 - h.get_value())
            num.next_to(head, RIGHT, buff=0.12).align_to(x_glyph, DOWN)

        place(number)
        number.add_updater(place)
        tail.add_updater(lambda m: m.next_to(number, RIGHT, buff=0.06).match_y(head))
        tail.update()
        group = VGroup(head, number, tail)
        group.number = number
        return group

    def neuron_diagram(self, weights, bias: float, **kwargs) -> NeuronDiagram:
        return NeuronDiagram(weights, bias, theme=self.theme, **kwargs)

    def scalar_diagram(self, neuron: ScalarNeuron) -> NeuronDiagram:
        """The one-input diagram of ``neuron``, small, at the top of the right column."""
        diagram = self.neuron_diagram([neuron.weight], neuron.bias)
        diagram.scale(0.72)
        return self.at_column(diagram, 1.75)

    def shift_lines(self, neuron: ScalarNeuron) -> VGroup:
        """The rule and this neuron's numbers: ``h = −b/w = …`` and the rewritten ReLU."""
        t = self.theme
        w, b = format_tex(neuron.weight, "fixed"), format_tex(neuron.bias, "fixed")
        if neuron.flipped:
            rule = MathTex(r"w < 0:\ \mathrm{ReLU}(wx + b) = |w|\,\mathrm{ReLU}(h - x)", font_size=32,
                           color=t.muted)
        else:
            rule = MathTex(r"w > 0:\ \mathrm{ReLU}(wx + b) = w\,\mathrm{ReLU}(x - h)", font_size=32,
                           color=t.muted)
        h_line = MathTex(rf"h = -\frac{{b}}{{w}} = -\frac{{{b}}}{{{w}}} = ", format_tex(neuron.h, "fixed"),
                         font_size=34)
        h_line[1].set_color(t.breakpoint)
        weighted = affine_tex([neuron.weight], neuron.bias, ["x"], style="fixed", join="")
        identity = MathTex(rf"\mathrm{{ReLU}}({weighted})",
                           "=", shift_tex(neuron), font_size=34, color=t.unit)
        lines = VGroup(rule, h_line, identity)
        for mob, y in zip(lines, (0.45, -0.45, -1.45)):
            self.at_column(mob, y)
        for mob in lines:
            if mob.get_right()[0] > 6.6:
                mob.scale_to_fit_width(6.6 - self.column).move_to([self.column, mob.get_y(), 0],
                                                                 aligned_edge=LEFT)
        return lines

    def neuron_view(self, neuron: ScalarNeuron) -> NeuronView:
        """Graph, kink dot and kink label of a neuron's own output."""
        graph = self.unit_graph(neuron.function)
        dots = breakpoint_dots(self.axes, neuron.function, theme=self.theme)
        label = self.kink_label(neuron.h, "h = " + format_tex(neuron.h, "fixed"))
        return NeuronView(graph, dots, label)

    # ------------------------------------------------------------------- beats
    def draw_relu(self) -> None:
        self.beat("ReLU")
        self.build_stage()
        self.graph = self.unit_graph(relu().piecewise(*DOMAIN))
        self.formula = self.relu_formula()
        self.narrate("ReLU keeps a positive input as it is and turns a negative one into zero: "
                     "max(0, x).",
                     FadeIn(self.title), Create(self.axes), Write(self.formula), run_time=2)
        self.dots = breakpoint_dots(self.axes, self.graph.function, theme=self.theme)
        kink = words(self.graph.function.breakpoints[0])
        self.narrate(f"Two straight half-lines, meeting in a corner at x = {kink}. Is that linear?",
                     Create(self.graph), GrowFromCenter(self.dots), run_time=2)

    def not_linear(self) -> None:
        self.beat("Not linear")
        check = relu_counterexample()
        marks = self.probe_marks(check)
        lines = self.counterexample_lines(check)
        self.narrate("A linear f always has f(a) + f(b) = f(a + b). "
                     f"Try a = {words(check.x)} and b = {words(check.y)}.",
                     FadeIn(lines[0]), *(FadeIn(m) for m in marks[:2]), run_time=1.5)
        self.narrate(f"ReLU gives {words(check.fx)} and {words(check.fy)}: together, "
                     f"{words(check.total)}.", Write(lines[1]), run_time=1.5)
        self.narrate(f"But a + b = {words(check.x + check.y)}, and ReLU({words(check.x + check.y)}) is "
                     f"{words(check.fxy)}.", FadeIn(marks[2]), Write(lines[2]), run_time=1.5)
        self.narrate(f"{words(check.total)} is not {words(check.fxy)}: the corner breaks the rule, so "
                     "ReLU is not linear.", FadeIn(lines[3], scale=1.3), run_time=1)
        self.probes = VGroup(marks, lines)

    def build_slide(self) -> SlideView:
        """The live parts of the slide: graph, kink dot, "h" under it, formula; tracker at 0."""
        t = self.theme
        self.h = ValueTracker(0.0)
        graph = LivePiecewiseGraph(self.axes, shifted, self.h, color=t.unit, theme=t)
        dots = live_breakpoint_dots(graph, theme=t)
        label = MathTex("h", font_size=34, color=t.breakpoint)
        label.add_updater(lambda m: self.under_kink(m, self.h.get_value()))
        label.update()
        formula = self.at_column(self.live_formula(self.h), 2.3)
        general = self.at_column(MathTex(r"\mathrm{ReLU}(x - h) = \max(0,\,x - h)", font_size=34,
                                         color=t.muted), 1.4)
        return SlideView(graph, dots, label, formula, general)

    def slide_h(self) -> None:
        self.beat("Sliding the corner")
        slide = self.build_slide()
        self.remove(self.graph, self.dots)  # the same ReLU, now live
        self.add(slide.graph, slide.dots)
        self.graph, self.dots, self.live_formula_mob = slide.graph, slide.dots, slide.formula
        self.narrate(f"Put a shift h inside: ReLU(x − h). At h = {words(self.h.get_value())} "
                     "nothing has moved.",
                     FadeOut(self.probes), FadeTransform(self.formula, slide.formula),
                     FadeIn(slide.general), FadeIn(slide.label), run_time=1.5)
        self.formula = slide.formula
        first, second, last = SLIDE
        self.narrate(f"Slide h to {words(first)}: the corner moves right with it.",
                     self.h.animate.set_value(first), run_time=2.5)
        self.narrate(f"Slide it to {words(second)}: the corner follows; the shape never changes.",
                     self.h.animate.set_value(second), run_time=3)
        self.narrate(f"Any h works: h = {words(last)} puts the corner at x = {words(last)}.",
                     self.h.animate.set_value(last), run_time=2)
        for mob in slide.live:
            mob.clear_updaters()
        self.slide_parts = VGroup(self.axes, *slide.group)

    def a_neuron(self) -> None:
        self.beat("A neuron")
        t = self.theme
        weights, bias = many_input_neuron()
        diagram = self.neuron_diagram(weights, bias)
        diagram.scale(0.95).move_to([0, 0.45, 0])
        names = [f"x_{{{i + 1}}}" for i in range(len(weights))]
        formula = MathTex(r"y = \mathrm{ReLU}(", affine_tex(weights, bias, names, style="fixed", join=""), ")",
                          font_size=36)
        formula[1].set_color(t.unit)
        formula.next_to(diagram, DOWN, buff=0.45)
        self.narrate("In a network, every neuron multiplies its inputs by weights and adds a bias b.",
                     FadeOut(self.slide_parts), FadeIn(diagram.inputs), FadeIn(diagram.input_texts),
                     Create(diagram.arrows), FadeIn(diagram.weight_labels), FadeIn(diagram.sum_node),
                     FadeIn(diagram.bias_label), FadeIn(diagram.bias_text), run_time=2)
        self.narrate("The total goes through ReLU. These numbers are a real neuron's, from a "
                     "randomly initialised network.",
                     Create(diagram.link), FadeIn(diagram.activation_box), Create(diagram.output_arrow),
                     FadeIn(diagram.output_text), Write(formula), run_time=2)
        self.diagram, self.neuron_formula = diagram, formula

    def one_input(self, positive: bool) -> None:
        neuron = scalar_neuron(positive)
        diagram = self.scalar_diagram(neuron)
        lines = self.shift_lines(neuron)
        view = self.neuron_view(neuron)
        w, b, h = words(neuron.weight), words(neuron.bias), words(neuron.h)
        if positive:
            self.beat("One input: a shifted ReLU")
            self.build_axes()
            self.narrate("With one input x, a neuron computes ReLU(w·x + b). Factor out w: "
                         "w·ReLU(x − h), with h = −b/w.",
                         ReplacementTransform(self.diagram, diagram), FadeOut(self.neuron_formula),
                         Create(self.axes), FadeIn(lines[0]), FadeIn(lines[1]), run_time=2)
            self.narrate(f"Here w = {w} and b = {b}, so h = {h}: ReLU moved to {h}, rising with "
                         f"slope {w}.",
                         Create(view.graph), GrowFromCenter(view.dots), FadeIn(view.label),
                         Write(lines[2]), run_time=2)
        else:
            self.beat("Negative weight: flipped")
            self.narrate(f"Another neuron of the same network has w = {w} and b = {b}. Now h = {h}, "
                         "and the ramp is flipped.",
                         ReplacementTransform(self.diagram, diagram),
                         *(ReplacementTransform(old, new) for old, new in zip(self.shift_lines_mob, lines)),
                         ReplacementTransform(self.view.graph, view.graph),
                         ReplacementTransform(self.view.dots, view.dots),
                         ReplacementTransform(self.view.label, view.label), run_time=2.5)
            self.narrate(f"It is {words(neuron.scale)}·ReLU({h} − x): zero right of the corner, "
                         "rising to its left.",
                         Indicate(lines[2], color=self.theme.unit, scale_factor=1.05), run_time=1.5)
        self.diagram, self.shift_lines_mob, self.view = diagram, lines, view

    def closing(self) -> None:
        self.beat("Every neuron is a shifted ReLU")
        self.narrate("So a one-input neuron is ReLU, shifted to h, scaled by |w|, maybe flipped. "
                     "Next: adding several.",
                     Indicate(self.view.dots, color=self.theme.breakpoint), run_time=1.5, wait=1.5)

    # ------------------------------------------------------------------ stills
    # Final states of key beats, built with the same builders and added without
    # animation: for golden frames and structural tests.
    def pose_relu(self) -> PiecewiseGraph:
        """The end of the "ReLU" beat."""
        self.build_stage()
        graph = self.unit_graph(relu().piecewise(*DOMAIN))
        self.add(self.title, self.axes, self.relu_formula(), graph,
                 breakpoint_dots(self.axes, graph.function, theme=self.theme))
        return graph

    def pose_not_linear(self) -> VGroup:
        """The end of the "Not linear" beat: probes and the three lines."""
        self.pose_relu()
        check = relu_counterexample()
        marks, lines = self.probe_marks(check), self.counterexample_lines(check)
        self.add(marks, lines)
        return VGroup(marks, lines)

    def pose_slide(self, h: float) -> LivePiecewiseGraph:
        """The slide beat with the tracker at ``h`` (updaters run once, as in a frame)."""
        self.build_stage()
        slide = self.build_slide()
        self.add(self.title, self.axes, *slide.group)
        self.h.set_value(h)
        for mob in slide.live:
            mob.update()
        self.graph, self.dots, self.live_formula_mob = slide.graph, slide.dots, slide.formula
        return slide.graph

    def pose_neuron(self) -> NeuronDiagram:
        """The end of the "A neuron" beat."""
        self.build_stage()
        weights, bias = many_input_neuron()
        diagram = self.neuron_diagram(weights, bias).scale(0.95).move_to([0, 0.45, 0])
        names = [f"x_{{{i + 1}}}" for i in range(len(weights))]
        formula = MathTex(r"y = \mathrm{ReLU}(", affine_tex(weights, bias, names, style="fixed", join=""), ")",
                          font_size=36)
        formula[1].set_color(self.theme.unit)
        formula.next_to(diagram, DOWN, buff=0.45)
        self.add(self.title, diagram, formula)
        self.diagram, self.neuron_formula = diagram, formula
        return diagram

    def pose_scalar(self, positive: bool) -> NeuronView:
        """The end of the one-input beat for the positive- or negative-weight neuron."""
        self.build_stage()
        neuron = scalar_neuron(positive)
        self.diagram = self.scalar_diagram(neuron)
        self.shift_lines_mob = self.shift_lines(neuron)
        self.view = self.neuron_view(neuron)
        self.add(self.title, self.axes, self.diagram, self.shift_lines_mob, *self.view.group)
        return self.view
