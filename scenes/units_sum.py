"""Chapter "Units become terms" (between "ReLU, shifted" and "Sums that bend").

A whole network with one input x, three hidden ReLU units and a linear output
is, unit by unit, a sum of shifted ReLUs: each unit's ReLU(w·x + b) is
|w|·ReLU(x − h) with h = −b/w (ReLU(h − x) when w < 0), its output weight a
scales it into one term, and the terms plus the output bias c, added on one
shared axis, are the network's output: y = c + Σ aᵢ·|wᵢ|·ReLU(±(x − hᵢ)), with
a kink at every hᵢ.

Every number drawn comes from :mod:`relu_anim.story.units_sum` (the network,
each unit's h, scale and flip, the terms as networks, the running sums and the
output's exact kinks); formulas are written by
:func:`~relu_anim.visual.relu_sum_tex` and :mod:`relu_anim.story.numbers`. The
literals here are layout and the start of the tracer's sweep.

Preview::

    manim -pql scenes/units_sum.py        # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import (DOWN, LEFT, ORIGIN, RIGHT, UP, Axes, Create, DashedLine, Dot, FadeIn, FadeOut,
                   GrowFromCenter, Indicate, MathTex, ReplacementTransform, Succession, ValueTracker, VGroup, Write,
                   linear)

from relu_anim.network import Network
from relu_anim.render.chapters import chapter
from relu_anim.story.numbers import affine_tex, affine_words, format_tex, word_list, words
from relu_anim.story.units_sum import Decomposition, Term, story
from relu_anim.visual import (ChapterScene, LayerDiagram, PiecewiseGraph, Readout, View, breakpoint_dots, make_axes,
                              relu_sum_tex)

__all__ = ["UnitsSum", "Y_RANGE", "PANEL_Y_RANGE", "SWEEP", "SWEEP_STEP", "PLACES", "snap", "term_tex", "formula_parts",
           "network_diagram"]

# --------------------------------------------------------------- the story's choices
#: The y range of the shared axis, where the terms and their sum are drawn on one scale.
Y_RANGE = (-2.0, 3.0)
#: The y range of the small panels, all alike: tall enough for the units before their a.
PANEL_Y_RANGE = (-2.0, 6.0)
#: Where the tracer starts and ends its sweep along x.
SWEEP = (-2.6, 2.6)
#: The tracer's x moves on this grid: there every term of the story's network is a whole
#: number of hundredths, so the two-decimal readouts add up exactly to the y shown.
SWEEP_STEP = 0.05
#: Decimal places of the sweep's readouts.
PLACES = 2


# -------------------------------------------------------------- numbers, as TeX
def term_tex(network: Network) -> str:
    """``a·ReLU(±(x − h))`` of a one-unit network, written by :func:`relu_sum_tex`."""
    return relu_sum_tex(network)


def formula_parts(d: Decomposition) -> list[str]:
    """``y =``, ``c``, then each term with its sign in front: the pieces of the coloured formula.

    Without ``y =`` and ``c`` they read as :func:`relu_sum_tex` of the terms' sum.
    """
    parts = ["y =", format_tex(d.bias, "fixed", trim=True)]
    for t in d.terms:
        tex = term_tex(t.term)
        parts.append(tex if tex.startswith("-") else f"+ {tex}")  # relu_sum_tex writes "- 1.8…" alone
    return parts


def snap(x: float) -> float:
    """``x`` on the sweep's grid of :data:`SWEEP_STEP` (what the tracer shows and evaluates)."""
    return round(float(x) / SWEEP_STEP) * SWEEP_STEP + 0.0


# ------------------------------------------------------------------------ drawing
def network_diagram(d: Decomposition, theme) -> LayerDiagram:
    """x → three ReLU units → Σ → y as a :class:`~relu_anim.visual.LayerDiagram`, with the numbers written on it.

    Each unit's w on its line in, b above it, a on its line out, all in the unit's
    colour (``unit_parts(1, i)`` is the unit with its numbers); Σ and ``c = …`` on the output.
    """
    t = theme
    diagram = LayerDiagram([1, len(d.terms), 1], width=4.5, height=2.6, radius=0.4, input_labels=["x"],
                           output_labels=["y"], font_size=34, theme=t)
    diagram.move_to([-3.85, 0.55, 0])
    for lines in diagram.edges:
        lines.set_stroke(color=t.axis, width=2.5, opacity=1)
    for i, term in enumerate(d.terms):
        color = t.unit_color(i)
        diagram.nodes[1][i].set_color(color)
        diagram.label_node(1, i, r"\mathrm{ReLU}", direction=ORIGIN, font_size=24)
        diagram.label_node(1, i, format_tex(term.bias, "fixed", trim=True), color=color)
        diagram.label_edge(0, 0, i, format_tex(term.weight, "fixed", trim=True), color=color)
        diagram.label_edge(1, i, 0, format_tex(term.output_weight, "fixed", trim=True), color=color)
    diagram.label_node(2, 0, r"\Sigma", direction=ORIGIN, font_size=38)
    diagram.label_node(2, 0, "c = " + format_tex(d.bias, "fixed", trim=True), direction=DOWN, color=t.output,
                       font_size=28, buff=0.2)
    return diagram


@dataclass(frozen=True, eq=False)
class PanelView(View):
    """One term on its own small axes (the common :data:`Y_RANGE`): graph, kink dot, formula."""

    axes: Axes
    graph: PiecewiseGraph
    dots: VGroup
    label: MathTex


@dataclass(frozen=True, eq=False)
class SharedView(View):
    """The terms on one shared axis, the running sum over them, its kink dots and their h values."""

    axes: Axes
    terms: VGroup
    graph: PiecewiseGraph
    dots: VGroup
    labels: VGroup


class UnitsSum(ChapterScene):
    """A one-input network, read unit by unit as c + Σ aᵢ·|wᵢ|·ReLU(±(x − hᵢ)) (chapter "units_sum")."""

    def construct(self) -> None:
        self.d = story()
        self.the_network()
        for i in range(len(self.d.terms)):
            self.one_unit(i)
        self.shared_axis()
        self.add_up()
        self.point_by_point()
        self.the_formula()
        self.closing()

    # ------------------------------------------------------------------ layout
    #: Left edge of the right-hand column.
    column = 0.75

    def paced(self, text: str, least: float = 1.5) -> float:
        """A run time that keeps the picture moving for nearly all of ``text``'s reading time."""
        return max(least, self.reading_time(text) - 0.6)

    def say(self, text: str, *animations, least: float = 1.5, **kwargs) -> None:
        """Narrate ``text`` with ``animations`` stretched over its reading time."""
        self.narrate(text, *animations, run_time=self.paced(text, least), **kwargs)

    def at_column(self, mob, y: float, width: float = 6.2):
        """``mob`` with its left edge on the right-hand column at height ``y``, narrowed to ``width``."""
        if mob.width > width:
            mob.scale_to_fit_width(width)
        return mob.move_to([self.column, y, 0], aligned_edge=LEFT)

    def panel_axes(self, i: int) -> Axes:
        """The small axes of term ``i`` in the bottom row; every panel has the same scales."""
        a, b = self.d.domain
        axes = make_axes((a, b, 1), (PANEL_Y_RANGE[0], PANEL_Y_RANGE[1], 1), x_length=3.6, y_length=1.9, numbers=False,
                         x_label=None, theme=self.theme, axis_config={"tick_size": 0.04})
        return axes.move_to([(i - 1) * 4.55, -2.85, 0])

    def panel_view(self, i: int, network: Network, axes: Axes) -> PanelView:
        """``network`` (unit ``i`` or its term) on ``axes`` in the unit's colour, its kink dot and formula."""
        t, color = self.theme, self.theme.unit_color(i)
        f = network.piecewise(*self.d.domain)
        graph = PiecewiseGraph(axes, f, color=color, theme=t, stroke_width=4)
        dots = VGroup(*(Dot(axes.c2p(x, 0), radius=0.06, color=t.breakpoint) for x in f.breakpoints))
        label = MathTex(term_tex(network), font_size=28, color=color).next_to(axes, UP, buff=0.12)
        return PanelView(axes, graph, dots, label)

    def derivation(self, term: Term) -> VGroup:
        """The unit's four lines: ReLU(wx + b) with its numbers, h = −b/w, the shift, times a."""
        t, color = self.theme, self.theme.unit_color(term.index)
        w, b, a = (format_tex(v, "fixed", trim=True) for v in (term.weight, term.bias, term.output_weight))
        affine = affine_tex([term.weight], term.bias, ["x"], style="fixed", trim=True, join="")
        relu = MathTex(r"\mathrm{ReLU}(wx + b) = ", rf"\mathrm{{ReLU}}({affine})", font_size=32)
        relu[1].set_color(color)
        shift = MathTex(r"h = -\frac{b}{w} = ", rf"-\frac{{{b}}}{{{w}}}", "=", format_tex(term.h, "fixed", trim=True),
                        font_size=32)
        shift[3].set_color(t.breakpoint)
        rewritten = MathTex("=", term_tex(term.shifted), font_size=32)
        rewritten[1].set_color(color)
        if term.flipped:
            rewritten = VGroup(rewritten, MathTex(r"\text{flipped: } w < 0", font_size=28, color=t.muted))
            rewritten[1].next_to(rewritten[0], RIGHT, buff=0.4)
        times = MathTex(rf"\times\, a = {a}:\quad", term_tex(term.term), font_size=32)
        times[1].set_color(color)
        lines = VGroup(relu, shift, rewritten, times)
        for mob, y in zip(lines, (2.5, 1.45, 0.45, -0.45)):
            self.at_column(mob, y)
        return lines

    def shared_axes(self) -> Axes:
        a, b = self.d.domain
        axes = make_axes((a, b, 1), (Y_RANGE[0], Y_RANGE[1], 1), x_length=6.3, y_length=4.4, y_label="y",
                         theme=self.theme)
        return axes.move_to([-3.45, -0.7, 0])

    def kink_labels(self, axes: Axes, xs) -> VGroup:
        """Each kink's x under the shared axes, in the breakpoint colour."""
        bottom = axes.c2p(0, Y_RANGE[0])[1] - 0.3
        return VGroup(*(MathTex(format_tex(x, "fixed", trim=True), font_size=26, color=self.theme.breakpoint)
                        .move_to([axes.c2p(x, 0)[0], bottom, 0]) for x in xs))

    def legend(self) -> VGroup:
        """``c = …`` and each term's formula, down the right-hand column (where the panels' labels go)."""
        t = self.theme
        rows = VGroup(MathTex("c = " + format_tex(self.d.bias, "fixed", trim=True), font_size=30,
                              color=t.output))
        rows.add(*(MathTex(term_tex(term.term), font_size=30, color=t.unit_color(term.index))
                   for term in self.d.terms))
        for mob, y in zip(rows, (0.95, 0.25, -0.45, -1.15)):
            self.at_column(mob, y, width=4.2)
        return rows

    # ------------------------------------------------------------------- beats
    def the_network(self) -> None:
        self.beat("A network with one input")
        self.title = self.chapter_title(chapter("units_sum").title)
        self.diagram = diagram = network_diagram(self.d, self.theme)
        units = range(len(self.d.terms))
        w_labels = VGroup(*(diagram.edge_labels[(0, 0, i)] for i in units))
        a_labels = VGroup(*(diagram.edge_labels[(1, i, 0)] for i in units))
        relus = VGroup(*(diagram.node_labels[(1, i)][0] for i in units))
        b_labels = VGroup(*(diagram.node_labels[(1, i)][1] for i in units))
        sigma, c_label = diagram.node_labels[(2, 0)]
        # column headers over the numbers: w over the lines in, b over the units, a over the lines out
        top = diagram.nodes[1][0].get_top()[1] + 0.55
        columns = [diagram.edges[0].get_center()[0], diagram.nodes[1].get_center()[0], diagram.edges[1].get_center()[0]]
        self.headers = headers = VGroup(*(MathTex(name, font_size=30, color=self.theme.muted).move_to([x, top, 0])
                                          for name, x in zip("wba", columns)))
        text = "One input x, three hidden ReLU units, each with its own weight w and bias b."
        self.say(text, FadeIn(self.title), FadeIn(diagram.nodes[0]), FadeIn(diagram.labels[0]), FadeIn(headers[:2]),
                 Create(diagram.edges[0]), Write(w_labels), FadeIn(diagram.nodes[1]), FadeIn(relus), Write(b_labels))
        text = "Their outputs, weighted by a, are summed with a bias c: that is y."
        self.say(text, Create(diagram.edges[1]), FadeIn(headers[2]), Write(a_labels), FadeIn(diagram.nodes[2]),
                 FadeIn(sigma), Write(c_label), Write(diagram.labels[1]))

    def one_unit(self, i: int) -> None:
        term = self.d.terms[i]
        t = self.theme
        lines = self.derivation(term)
        axes = self.panel_axes(i)
        unit, scaled = self.panel_view(i, term.shifted, axes), self.panel_view(i, term.term, axes)
        w, b, h, a = (words(v) for v in (term.weight, term.bias, term.h, term.output_weight))
        shift = "ReLU(" + (f"{h} − x)" if term.flipped else (f"x − {h})" if term.h >= 0 else
                                                              f"x + {words(-term.h)})"))
        previous = getattr(self, "lines", None)
        intro = (FadeIn(lines[0]),) if previous is None else (ReplacementTransform(previous[0], lines[0]),
                                                              FadeOut(previous[1:]))
        highlight = Indicate(self.diagram.unit_parts(1, i), color=t.unit_color(i), scale_factor=1.08)
        if i == 0:
            self.beat("One unit, one shifted ReLU")
            self.say(f"The first unit: w·x + b = {affine_words([term.weight], term.bias, ['x'])}, "
                     "then ReLU.", highlight, *intro)
            self.say(f"Factor out w: h = −b/w = {h}, so the unit is "
                     f"{words(term.scale)}·{shift}.", Write(lines[1]), Write(lines[2]), Create(axes),
                     Create(unit.graph), GrowFromCenter(unit.dots))
            self.say(f"Times its output weight a = {a}, it is the term {words(term.coefficient)}·{shift}.",
                     Write(lines[3]),
                     ReplacementTransform(unit.graph, scaled.graph), FadeIn(scaled.label, shift=0.2 * UP))
        elif term.flipped:
            self.beat("A negative weight flips the ramp")
            self.say(f"The second unit: w = {w}, b = {b}, so h = −b/w = {h}.", highlight, *intro,
                     Write(lines[1]))
            self.say(f"Its w is negative, so the ramp flips: {words(term.scale)}·{shift}, rising to "
                     "the left.", Write(lines[2]), Create(axes), Create(unit.graph), GrowFromCenter(unit.dots))
            self.say(f"Times a = {a}: the term {words(term.coefficient)}·{shift}.", Write(lines[3]),
                     ReplacementTransform(unit.graph, scaled.graph), FadeIn(scaled.label, shift=0.2 * UP))
        else:
            self.beat("A negative output weight")
            self.say(f"The third unit: w = {w}, b = {b}, so h = {h}: {words(term.scale)}·{shift}.", highlight, *intro, Write(lines[1]), Write(lines[2]),
                     Create(axes), Create(unit.graph), GrowFromCenter(unit.dots))
            self.say(f"Its output weight a = {a} is negative: the term {words(term.coefficient)}·{shift} "
                     "hangs down.", Write(lines[3]), ReplacementTransform(unit.graph, scaled.graph),
                     FadeIn(scaled.label, shift=0.2 * DOWN))
        self.lines = lines
        self.panels = [*getattr(self, "panels", []), PanelView(axes, scaled.graph, unit.dots, scaled.label)]

    def shared_axis(self) -> None:
        self.beat("One shared axis")
        t = self.theme
        axes = self.shared_axes()
        terms = VGroup(*(PiecewiseGraph(axes, term.term.piecewise(*self.d.domain), color=t.unit_color(term.index),
                                        theme=t, stroke_width=4) for term in self.d.terms))
        self.legend_rows = legend = self.legend()
        self.axes, self.term_graphs = axes, terms
        self.say("All three terms on one shared axis, one vertical scale.",
                 FadeOut(self.diagram), FadeOut(self.headers), FadeOut(self.lines), Create(axes),
                 *(ReplacementTransform(p.graph, g) for p, g in zip(self.panels, terms)),
                 *(ReplacementTransform(p.label, row) for p, row in zip(self.panels, legend[1:])),
                 *(FadeOut(VGroup(p.axes, p.dots)) for p in self.panels))

    def add_up(self) -> None:
        self.beat("Adding the terms")
        t = self.theme
        sums = self.d.partial_sums()
        graphs = [PiecewiseGraph(self.axes, f, color=t.output, theme=t, stroke_width=6) for f in sums]
        dots = [breakpoint_dots(self.axes, f, theme=t) for f in sums]
        labels = self.kink_labels(self.axes, [term.h for term in self.d.terms])
        self.say(f"Start from the bias alone: c = {words(self.d.bias)}, a flat line.",
                 FadeIn(self.legend_rows[0], scale=1.4), Create(graphs[0]))
        for k, term in enumerate(self.d.terms, start=1):
            text = (f"Add the first term: the sum bends at x = {words(term.h)}." if k == 1 else
                    f"Add the next one: another bend, at x = {words(term.h)}." if k == 2 else
                    f"And the last: a bend at x = {words(term.h)}; the end turns down.")
            self.say(text, ReplacementTransform(graphs[k - 1], graphs[k]),
                     ReplacementTransform(dots[k - 1], dots[k]) if k > 1 else GrowFromCenter(dots[k]),
                     FadeIn(labels[k - 1], shift=0.2 * UP),
                     Indicate(self.term_graphs[term.index], color=t.unit_color(term.index), scale_factor=1.05),
                     Indicate(self.legend_rows[k], color=t.unit_color(term.index)))
        self.output_graph, self.kink_dots, self.h_labels = graphs[-1], dots[-1], labels

    def point_by_point(self) -> None:
        self.beat("Point by point")
        t = self.theme
        tracker = ValueTracker(SWEEP[0])

        def x() -> float:
            return snap(tracker.get_value())

        a, b = self.d.domain
        line = DashedLine(self.axes.c2p(SWEEP[0], Y_RANGE[0]), self.axes.c2p(SWEEP[0], Y_RANGE[1]), color=t.muted,
                          stroke_width=2)
        line.add_updater(lambda m: m.put_start_and_end_on(self.axes.c2p(x(), Y_RANGE[0]),
                                                          self.axes.c2p(x(), Y_RANGE[1])))
        functions = [term.term.piecewise(a, b) for term in self.d.terms] + [self.d.output]
        colors = [t.unit_color(term.index) for term in self.d.terms] + [t.output]
        dots = VGroup()
        for f, color in zip(functions, colors):
            dot = Dot(radius=0.08, color=color)
            dot.add_updater(lambda m, f=f: m.move_to(self.axes.c2p(x(), float(f(x())))))
            dot.update()
            dots.add(dot)
        values = VGroup()
        for row, f, color in zip(self.legend_rows[1:], functions, colors):
            r = Readout("", float(f(x())), style="fixed", places=PLACES, color=color, font_size=30, theme=t)
            values.add(self.follow(r, lambda f=f: float(f(x())), row))
        x_readout = self.follow(Readout("x", x(), style="fixed", places=PLACES, font_size=30, theme=t), x)
        self.at_column(x_readout, 1.65)
        y_readout = self.follow(Readout("y", float(self.d(x())[0]), style="fixed", places=PLACES, color=t.output,
                                        font_size=30, theme=t), lambda: float(self.d(x())[0]))
        self.at_column(y_readout, -1.95)
        self.readouts = VGroup(x_readout, *values, y_readout)
        self.say("Point by point: at every x, y is c plus the three terms' values there.",
                 Succession(FadeIn(VGroup(line, dots, self.readouts), run_time=1.0),
                            tracker.animate(rate_func=linear).set_value(SWEEP[1])), least=6.0)
        self.sweep = VGroup(line, dots)
        for mob in [line, *dots, *self.readouts]:
            mob.clear_updaters()

    def follow(self, readout: Readout, value, beside=None) -> Readout:
        """``readout`` showing ``value()`` at every frame, placed right of ``beside`` if given."""

        def update(r: Readout) -> None:
            r.set_in_place(value())
            if beside is not None:
                r.next_to(beside, RIGHT, buff=0.15)

        readout.add_updater(update)
        readout.update()
        return readout

    def the_formula(self) -> None:
        self.beat("The formula")
        t = self.theme
        parts = formula_parts(self.d)
        self.formula = formula = MathTex(*parts, font_size=34)
        formula[0].set_color(t.output)
        formula[1].set_color(t.output)
        for k, term in enumerate(self.d.terms):
            formula[k + 2].set_color(t.unit_color(term.index))
        if formula.width > 13.2:
            formula.scale_to_fit_width(13.2)
        formula.move_to([0, 2.45, 0])
        self.say(f"Written out: c = {words(self.d.bias)} plus one term per unit, coloured as its graph.", FadeOut(self.sweep), FadeOut(self.readouts),
                 *(ReplacementTransform(row, part) for row, part in zip(self.legend_rows, formula[1:])),
                 Write(formula[0]))
        kinks = word_list(self.d.output.breakpoints)
        self.say(f"The output bends exactly at the units' h: x = {kinks}.",
                 *(Indicate(dot, color=t.breakpoint, scale_factor=1.8) for dot in self.kink_dots),
                 *(Indicate(label, color=t.breakpoint) for label in self.h_labels))

    def closing(self) -> None:
        self.beat("Units become terms")
        t = self.theme
        recap = VGroup(
            MathTex(r"\mathrm{ReLU}(wx + b) = |w|\,\mathrm{ReLU}(\pm(x - h))", font_size=30),
            MathTex(r"h = -\frac{b}{w}, \quad \text{flipped when } w < 0", font_size=30, color=t.breakpoint),
            MathTex(r"y = c + \sum_i a_i\,|w_i|\,\mathrm{ReLU}(\pm(x - h_i))", font_size=30, color=t.output),
            MathTex(r"\text{Next: sums that bend}", font_size=32, color=t.accent))
        for mob, y in zip(recap, (1.35, 0.45, -0.65, -1.9)):
            self.at_column(mob, y)
        self.recap = recap
        self.say("Each unit: a ReLU shifted to h = −b/w, scaled by |w|, flipped when w < 0.",
                 Write(recap[0]), Write(recap[1]))
        self.say("Times its output weight, it is one term; the terms plus c are the network.",
                 Write(recap[2]), Indicate(self.output_graph, color=t.output, scale_factor=1.03))
        self.say("Next: what such sums can draw, bending once per term.", Write(recap[3]),
                 *(Indicate(g, color=g.get_color(), scale_factor=1.05) for g in self.term_graphs))

