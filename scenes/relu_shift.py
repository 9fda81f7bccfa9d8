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
from manim import (DOWN, LEFT, RIGHT, UP, Circumscribe, Create, Dot, FadeIn, FadeOut, FadeTransform,
                   GrowFromCenter, Indicate, MathTex, ReplacementTransform, ValueTracker, VGroup, Write)

from relu_anim.render.chapters import chapter
from relu_anim.construct import random_network, relu_as_shift, shifted_relu_sum
from relu_anim.errors import ReluAnimError
from relu_anim.network import Network
from relu_anim.story.neuron import Additivity, additivity, single_unit
from relu_anim.story.numbers import affine_tex, format_number, format_tex, words
from relu_anim.piecewise import PiecewiseLinear
from relu_anim.visual import (ChapterScene, NeuronDiagram, PiecewiseGraph, Readout, View, breakpoint_dots,
                              make_axes)
from relu_anim.visual.annotations import slope_labels
from relu_anim.visual.live import LivePiecewiseGraph, live_breakpoint_dots
from relu_anim.visual.tracer import Tracer

__all__ = ["ReluShift", "DOMAIN", "Y_RANGE", "PROBES", "SLIDE", "SEED", "INPUTS", "H_DIGITS", "relu", "shifted",
           "relu_counterexample", "many_input_neuron", "ScalarNeuron", "scalar_neuron", "shown_digits",
           "shown_h"]

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
#: Significant digits of every h shown; w and b get as many as :func:`shown_digits` needs.
H_DIGITS = 3


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


def shown_h(weight: float, bias: float, digits: int) -> float:
    """h = −b/w computed from w and b as shown with ``digits`` significant digits, then rounded as h is shown."""
    w = format_number(weight, "fixed", digits).value
    b = format_number(bias, "fixed", digits).value
    return format_number(-b / w, "fixed", H_DIGITS).value


def shown_digits() -> int:
    """The fewest significant digits (from 3) of w and b with which both neurons' shown h follows.

    With 3 digits the positive neuron reads w = 0.676, b = −0.537, and −b/w is
    0.794, while its h (from the unrounded numbers) is 0.795: a viewer
    checking by hand would find a wrong result. One more digit fixes it.
    """
    neurons = (scalar_neuron(True), scalar_neuron(False))
    for digits in range(3, 9):
        if all(shown_h(n.weight, n.bias, digits) == format_number(n.h, "fixed", H_DIGITS).value for n in neurons):
            return digits
    raise ReluAnimError("neurons: no number of digits up to 8 makes −b/w follow from the shown w and b")


def shift_tex(neuron: ScalarNeuron, digits: int) -> str:
    """``|w|·ReLU(x − h)``, or ``|w|·ReLU(h − x)`` when flipped, with the neuron's numbers (as the diagram)."""
    h = format_tex(neuron.h, "fixed", H_DIGITS)
    inner = f"{h} - x" if neuron.flipped else (
        f"x - {h}" if neuron.h >= 0 else f"x + {format_tex(-neuron.h, 'fixed', H_DIGITS)}")
    return rf"{format_tex(neuron.scale, 'fixed', digits)}\,\mathrm{{ReLU}}({inner})"


@dataclass(frozen=True, eq=False)
class SlideView(View):
    """The slide beat's mobjects; graph, dots, label and the h readout follow the tracker."""

    graph: LivePiecewiseGraph
    dots: VGroup
    label: MathTex
    formula: MathTex
    readout: Readout
    general: MathTex

    @property
    def live(self) -> list:
        """Everything with an updater, graph first."""
        return [self.graph, self.dots, self.label, self.readout]


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
        self.digits = shown_digits()
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
        # (a + b, 0) is the origin: its label goes right of it, in the wedge between
        # the x axis and the ramp, clear of the tick numbers under the axis and of (a, 0)'s label
        for x, fx, side in ((check.x, check.fx, UP), (check.y, check.fy, LEFT),
                            (check.x + check.y, check.fxy, RIGHT)):
            dot = Dot(self.axes.c2p(x, fx), radius=0.08, color=t.accent)
            label = MathTex(f"({format_tex(x, trim=True)},\\,{format_tex(fx, trim=True)})", font_size=26,
                            color=t.accent)
            if side is RIGHT:
                label.next_to(dot, RIGHT, buff=0.4).shift(0.2 * UP)
            else:
                label.next_to(dot, side, buff=0.15)
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

    def neuron_diagram(self, weights, bias: float, **kwargs) -> NeuronDiagram:
        """A diagram with small arrow tips and weights clear of the arrows; a diagram scaled down
        to fit passes ``font_scale`` to keep its text at least MIN_FONT_SIZE."""
        return NeuronDiagram(weights, bias, theme=self.theme, tip_ratio=0.08, labels_outside=True, **kwargs)

    def scalar_diagram(self, neuron: ScalarNeuron) -> NeuronDiagram:
        """The one-input diagram of ``neuron``, small, at the top of the right column."""
        diagram = self.neuron_diagram([neuron.weight], neuron.bias, digits=self.digits, font_scale=1.32,
                                      input_x=-2.8)
        diagram.scale(0.76)
        return self.at_column(diagram, 1.75)

    def shift_lines(self, neuron: ScalarNeuron) -> VGroup:
        """The rule and this neuron's numbers: ``h = −b/w = …`` and the rewritten ReLU.

        w and b are written with :func:`shown_digits` digits, so the h shown is
        −b/w of the numbers shown, rounded.
        """
        t = self.theme
        w, b = format_tex(neuron.weight, "fixed", self.digits), format_tex(neuron.bias, "fixed", self.digits)
        if neuron.flipped:
            rule = MathTex(r"w < 0:\ \mathrm{ReLU}(wx + b) = |w|\,\mathrm{ReLU}(h - x)", font_size=32,
                           color=t.muted)
        else:
            rule = MathTex(r"w > 0:\ \mathrm{ReLU}(wx + b) = w\,\mathrm{ReLU}(x - h)", font_size=32,
                           color=t.muted)
        h_line = MathTex(r"h = -\frac{b}{w} = -\frac{", b, "}{", w, "} = ",
                         format_tex(neuron.h, "fixed", H_DIGITS), font_size=34)
        h_line[5].set_color(t.breakpoint)
        weighted = affine_tex([neuron.weight], neuron.bias, ["x"], style="fixed", digits=self.digits, join="")
        identity = MathTex(rf"\mathrm{{ReLU}}({weighted})",
                           "=", shift_tex(neuron, self.digits), font_size=34, color=t.unit)
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
        label = self.kink_label(neuron.h, "h = " + format_tex(neuron.h, "fixed", H_DIGITS))
        return NeuronView(graph, dots, label)

    # ------------------------------------------------------------------- beats
    def draw_relu(self) -> None:
        self.beat("ReLU")
        self.build_stage()
        self.graph = self.unit_graph(relu().piecewise(*DOMAIN))
        self.formula = self.relu_formula()
        self.narrate("ReLU keeps a positive input and turns a negative one into zero: max(0, x).",
                     FadeIn(self.title), Create(self.axes), Write(self.formula), run_time=2)
        self.dots = breakpoint_dots(self.axes, self.graph.function, theme=self.theme)
        self.tracer = Tracer(self.axes, self.graph.function, DOMAIN[0], theme=self.theme)
        kink = words(self.graph.function.breakpoints[0])
        with self.narrating(f"Two straight half-lines meet in a corner at x = {kink}. Is that linear?"):
            # the tracer fades in first: a mobject being animated is not updated, so a tracer fading in
            # while its x moved stayed at the start and jumped to the end
            self.play(FadeIn(self.tracer), run_time=0.3)
            self.play(Create(self.graph), self.tracer.x.animate.set_value(DOMAIN[1]), run_time=2.9)
            self.play(GrowFromCenter(self.dots), run_time=0.6)

    def not_linear(self) -> None:
        self.beat("Not linear")
        check = relu_counterexample()
        marks = self.probe_marks(check)
        lines = self.counterexample_lines(check)
        x = self.tracer.x
        with self.narrating("A linear f has f(a) + f(b) = f(a + b). "
                            f"Try a = {words(check.x)}, b = {words(check.y)}."):
            self.play(FadeIn(lines[0]), x.animate.set_value(check.x), run_time=2.2)
            self.play(FadeIn(marks[0]), run_time=0.5)
            self.play(x.animate.set_value(check.y), run_time=1.6)
            self.play(FadeIn(marks[1]), run_time=0.5)
        self.narrate(f"ReLU gives {words(check.fx)} and {words(check.fy)}: together, "
                     f"{words(check.total)}.", Write(lines[1]), run_time=1.5)
        with self.narrating(f"But a + b = {words(check.x + check.y)}, and ReLU({words(check.x + check.y)}) is "
                            f"{words(check.fxy)}."):
            self.play(x.animate.set_value(check.x + check.y), run_time=1.2)
            self.play(FadeIn(marks[2]), Write(lines[2]), run_time=1.8)
        self.narrate(f"{words(check.total)} is not {words(check.fxy)}: the corner breaks the rule; "
                     "ReLU is not linear.", FadeIn(lines[3], scale=1.3), Circumscribe(lines[3], color=self.theme.error),
                     Indicate(marks[2], color=self.theme.error), run_time=2.5)
        self.probes = VGroup(marks, lines)

    def build_slide(self) -> SlideView:
        """The live parts of the slide: graph, kink dot, "h" under it, formula, h readout; tracker at 0."""
        t = self.theme
        self.h = ValueTracker(0.0)
        graph = LivePiecewiseGraph(self.axes, shifted, self.h, color=t.unit, theme=t)
        dots = live_breakpoint_dots(graph, theme=t)
        label = MathTex("h", font_size=34, color=t.breakpoint)
        label.add_updater(lambda m: self.under_kink(m, self.h.get_value()))
        label.update()
        formula = self.at_column(MathTex(r"y = \mathrm{ReLU}(x - h)", font_size=40, color=t.unit), 2.3)
        readout = Readout("h", self.h.get_value(), style="fixed", digits=H_DIGITS, color=t.breakpoint,
                          font_size=40, theme=t)
        self.at_column(readout, 1.45)
        general = self.at_column(MathTex(r"\mathrm{ReLU}(x - h) = \max(0,\,x - h)", font_size=34,
                                         color=t.muted), 0.6)
        return SlideView(graph, dots, label, formula, readout, general)

    def slide_h(self) -> None:
        self.beat("Sliding the corner")
        slide = self.build_slide()
        self.remove(self.graph, self.dots)  # the same ReLU, now live
        self.add(slide.graph, slide.dots)
        self.graph, self.dots, self.slide = slide.graph, slide.dots, slide
        self.narrate(f"Put a shift inside: ReLU(x − h). At h = {words(self.h.get_value())} "
                     "nothing moves.",
                     FadeOut(self.probes), FadeOut(self.tracer), FadeTransform(self.formula, slide.formula),
                     FadeIn(slide.readout), FadeIn(slide.general), FadeIn(slide.label),
                     Indicate(slide.dots, color=self.theme.breakpoint, scale_factor=2.0), run_time=1.5)
        self.formula = slide.formula
        slide.readout.follow(self.h)  # after its fade-in: a following readout rebuilds itself every frame
        first, second, last = SLIDE
        self.narrate(f"Slide h to {words(first)}: the corner moves right with it.",
                     self.h.animate.set_value(first), run_time=2.5)
        self.narrate(f"Slide it to {words(second)}: the corner follows, the shape unchanged.",
                     self.h.animate.set_value(second), run_time=2.6)
        self.narrate(f"Any h works: h = {words(last)} puts the corner at x = {words(last)}.",
                     self.h.animate.set_value(last), run_time=2)
        for mob in slide.live:
            mob.clear_updaters()
        self.slide_parts = VGroup(self.axes, *slide.group)

    def a_neuron(self) -> None:
        self.beat("A neuron")
        t = self.theme
        weights, bias = many_input_neuron()
        diagram = self.neuron_diagram(weights, bias, font_scale=1.1)
        diagram.scale(0.95).move_to([0, 0.45, 0])
        names = [f"x_{{{i + 1}}}" for i in range(len(weights))]
        formula = MathTex(r"y = \mathrm{ReLU}(", affine_tex(weights, bias, names, style="fixed", join=""), ")",
                          font_size=36)
        formula[1].set_color(t.unit)
        formula.next_to(diagram, DOWN, buff=0.45)
        self.narrate("In a network, a neuron weights its inputs, adds them and a bias b.",
                     FadeOut(self.slide_parts), FadeIn(diagram.inputs), FadeIn(diagram.input_texts),
                     Create(diagram.arrows), FadeIn(diagram.weight_labels), FadeIn(diagram.sum_node),
                     FadeIn(diagram.bias_label), FadeIn(diagram.bias_text), run_time=2)
        self.narrate("The total goes through ReLU. These numbers come from a randomly initialised "
                     "network.",
                     Create(diagram.link), FadeIn(diagram.activation_box), Create(diagram.output_arrow),
                     FadeIn(diagram.output_text), Write(formula), run_time=2)
        self.diagram, self.neuron_formula = diagram, formula

    def one_input(self, positive: bool) -> None:
        neuron = scalar_neuron(positive)
        diagram = self.scalar_diagram(neuron)
        lines = self.shift_lines(neuron)
        view = self.neuron_view(neuron)
        w, b = words(neuron.weight, digits=self.digits), words(neuron.bias, digits=self.digits)
        h = words(neuron.h, digits=H_DIGITS)
        if positive:
            self.beat("One input: a shifted ReLU")
            self.build_axes()
            self.narrate("With one input x, a neuron computes ReLU(w·x + b). Factor out w: "
                         "w·ReLU(x − h), with h = −b/w.",
                         ReplacementTransform(self.diagram, diagram), FadeOut(self.neuron_formula),
                         Create(self.axes), FadeIn(lines[0]), FadeIn(lines[1]), run_time=2)
            self.narrate(f"Here w = {w}, b = {b}, so h = {h}: ReLU moved to {h}, with "
                         f"slope {w}.",
                         Create(view.graph), GrowFromCenter(view.dots), FadeIn(view.label),
                         Write(lines[2]), run_time=2)
        else:
            self.beat("Negative weight: flipped")
            self.narrate(f"Another neuron of that network: w = {w}, b = {b}, so h = {h}, and the "
                         "ramp flips.",
                         ReplacementTransform(self.diagram, diagram),
                         *(ReplacementTransform(old, new) for old, new in zip(self.shift_lines_mob, lines)),
                         ReplacementTransform(self.view.graph, view.graph),
                         ReplacementTransform(self.view.dots, view.dots),
                         ReplacementTransform(self.view.label, view.label), run_time=2.5)
            tracer = Tracer(self.axes, neuron.function, DOMAIN[1], theme=self.theme)
            with self.narrating(f"It is {words(neuron.scale, digits=self.digits)}·ReLU({h} − x): zero right "
                                "of the corner, rising to its left."):
                self.play(FadeIn(tracer), Indicate(lines[2], color=self.theme.unit, scale_factor=1.05),
                          run_time=0.8)
                self.play(tracer.x.animate.set_value(DOMAIN[0]), run_time=3.0)
                self.play(FadeOut(tracer), run_time=0.5)
        self.diagram, self.shift_lines_mob, self.view = diagram, lines, view

    def recap_lines(self) -> VGroup:
        """The closing recap, one line per fact, in the right-hand column."""
        t = self.theme
        lines = VGroup(
            MathTex(r"\mathrm{ReLU}(wx + b) = |w|\,\mathrm{ReLU}(\pm(x - h))", font_size=32),
            MathTex(r"\text{corner at } h = -b/w", font_size=32, color=t.breakpoint),
            MathTex(r"\text{slope of the ramp} = w", font_size=32, color=t.slope),
            MathTex(r"w < 0:\ \text{flipped, rising to the left}", font_size=32, color=t.unit),
            MathTex(r"\text{next: } y = c + \textstyle\sum_i a_i\,\mathrm{ReLU}(x - h_i)", font_size=32),
        )
        for mob, y in zip(lines, (2.3, 1.35, 0.55, -0.25, -1.4)):
            self.at_column(mob, y)
        return lines

    def closing(self) -> None:
        self.beat("Every neuron is a shifted ReLU")
        t = self.theme
        first = self.neuron_view(scalar_neuron(True))
        first.graph.set_stroke(opacity=0.85)
        second = self.view
        lines = self.recap_lines()
        both = VGroup(*first.dots, *second.dots)
        slopes = VGroup(*(label for v in (first, second)
                          for label in slope_labels(self.axes, v.graph.function, t.slope, font_size=28,
                                                    places=self.digits, avoid=[self.axes.x_axis, self.axes.y_axis],
                                                    theme=t)
                          if label.slope != 0))  # the ramps' slopes; the flat sides are plainly flat
        self.closing_slopes = slopes
        self.narrate("Both neurons side by side: each is ReLU with its corner moved.",
                     FadeOut(self.diagram), FadeOut(self.shift_lines_mob), Create(first.graph),
                     GrowFromCenter(first.dots), FadeIn(first.label), Write(lines[0]), run_time=2.5)
        self.narrate("The corner sits at h = −b/w.",
                     Write(lines[1]), *(Indicate(d, color=t.breakpoint, scale_factor=2.0) for d in both),
                     *(Indicate(v.label, color=t.breakpoint) for v in (first, second)), run_time=2)
        ws = [words(v.graph.function.slopes[i], digits=self.digits) for v, i in ((first, -1), (second, 0))]
        self.narrate(f"Along the ramp the slope is w: {ws[0]} for the first, {ws[1]} for the second.",
                     Write(lines[2]), *(Write(s) for s in slopes), run_time=2.5)
        self.narrate("A negative w flips it: the ramp rises to the left.",
                     Write(lines[3]), Indicate(second.graph, color=t.unit, scale_factor=1.0), run_time=2)
        self.narrate("Next: a network with one input adds such ramps, one per unit.",
                     Write(lines[4]), Circumscribe(lines[4], color=t.accent), run_time=2.5, wait=1.0)
        self.recap = lines
        self.both_views = (first, second)
