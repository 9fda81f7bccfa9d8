"""Chapter "What depth buys".

Width adds kinks one at a time; depth multiplies them. The tent map
g(x) = 2·ReLU(x) − 4·ReLU(x − ½) folds [0, 1] onto itself, and composing it m
times (m layers of 2 units) gives 2^m pieces, while one layer of the same 2m
units can make at most 2m + 1. Yarotsky subtracts those folded tents from x to
approximate x² on [0, 2] with m layers of width 3 and max error 2^(−2m); one
hidden layer needs about 2^m units for the same error.

Every number drawn comes from :mod:`relu_anim` (:mod:`relu_anim.story.depth` builds,
analyses and measures the networks); the only literals here are the story's
choices: the depths shown.

Preview::

    manim -pql scenes/depth.py              # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

from manim import (DOWN, LEFT, UP, Create, FadeIn, FadeOut, FadeTransform, GrowFromCenter, Indicate,
                   Line, MathTex, ReplacementTransform, SurroundingRectangle, Tex, VGroup, Write)

from relu_anim.construct import tent_map
from relu_anim.story.depth import TENT_DOMAIN, DeepX2, TentStep, deep_x2, tent_step
from relu_anim.story.numbers import format_tex, words
from relu_anim.visual import ChapterScene, GraphView, Readout, graph_view, make_axes, relu_sum_tex, target_graph
from relu_anim.x2 import DOMAIN as X2_DOMAIN, square

__all__ = ["Depth", "TENT_DEPTHS", "X2_DEPTHS", "tent", "deep", "tent_formula"]

# --------------------------------------------------------------- the story's choices
#: How many times the tent map is composed, one after another.
TENT_DEPTHS = (1, 2, 3, 4, 5, 6)
#: Depths of Yarotsky's x² shown, one after another.
X2_DEPTHS = (1, 2, 3, 4, 5, 6)


# ------------------------------------------------------------ the numbers, from relu_anim
def tent(m: int) -> TentStep:
    """The m-fold tent map, analysed exactly on [0, 1]."""
    return tent_step(m)


def deep(m: int) -> DeepX2:
    """Yarotsky's m-layer x² on [0, 2], measured, against one hidden layer."""
    return deep_x2(m)


def tent_formula() -> str:
    """TeX of one tent, ``g(x) = …``, with the weights of ``tent_map(1)``."""
    return "g(x) = " + relu_sum_tex(tent_map(1))


# ------------------------------------------------------------------------ drawing
#: Left edges of the right column, and its rows.
COLUMN_X = 0.75


class Depth(ChapterScene):
    """Tent maps fold, pieces double; Yarotsky's deep x² (storyboard: depth)."""

    def construct(self) -> None:
        self.one_tent()
        for m in TENT_DEPTHS[1:]:
            self.fold_again(m)
        self.deep_square()
        for m in X2_DEPTHS[1:]:
            self.deeper_square(m)
        self.closing()

    # ------------------------------------------------------------------ layout
    def build_title(self) -> None:
        self.title = self.chapter_title("What depth buys")

    def build_tent_stage(self) -> None:
        t = self.theme
        self.tent_axes = make_axes((TENT_DOMAIN[0], TENT_DOMAIN[1], 0.25), (0, 1, 0.5), x_length=6.2, y_length=4.3,
                                   theme=t)
        self.tent_axes.move_to([-3.3, -0.2, 0])
        self.tent_formula = MathTex(tent_formula(), font_size=32, color=t.output)
        self.tent_formula.move_to([COLUMN_X, 2.55, 0], aligned_edge=LEFT)
        self.compose_formula = MathTex(r"g_m = \underbrace{g \circ g \circ \cdots \circ g}_{m\ \text{layers}}",
                                       font_size=32, color=t.text)
        self.compose_formula.move_to([COLUMN_X, 1.55, 0], aligned_edge=LEFT)
        first = tent(TENT_DEPTHS[0])
        self.m_readout = Readout(r"\text{layers } m", first.depth, style="integer", theme=t)
        self.units_readout = Readout(r"\text{units}", first.units, style="integer", theme=t, color=t.unit)
        self.pieces_readout = Readout(r"\text{pieces}", first.pieces, style="integer", theme=t, color=t.output)
        self.shallow_readout = Readout(r"\text{one layer, same units: at most}", first.one_layer_max_pieces,
                                       style="integer", theme=t, color=t.muted, equals=False, font_size=30)
        self.tent_readouts = VGroup(self.m_readout, self.units_readout, self.pieces_readout, self.shallow_readout)
        for readout, y in zip(self.tent_readouts, (0.55, -0.1, -0.75, -1.55)):
            readout.move_to([COLUMN_X, y, 0], aligned_edge=LEFT)

    def tent_view(self, step: TentStep) -> GraphView:
        """The tent map's exact graph and kinks (no target, no band)."""
        return graph_view(self.tent_axes, step.function, theme=self.theme, stroke_width=4)

    def set_tent_readouts(self, step: TentStep) -> None:
        self.m_readout.set_value(step.depth)
        self.units_readout.set_value(step.units)
        self.pieces_readout.set_value(step.pieces)
        self.shallow_readout.set_value(step.one_layer_max_pieces)

    def build_x2_stage(self) -> None:
        t = self.theme
        self.x2_axes = make_axes((X2_DOMAIN[0], X2_DOMAIN[1], 0.5), (0, 4, 1), x_length=6.2, y_length=4.3, theme=t)
        self.x2_axes.move_to([-3.3, -0.2, 0])
        self.x2_target = target_graph(self.x2_axes, square, X2_DOMAIN, theme=t)
        self.x2_label = MathTex("x^2", font_size=36, color=t.target)
        self.x2_label.next_to(self.x2_axes.c2p(X2_DOMAIN[1], square(X2_DOMAIN[1])), LEFT, buff=0.2).shift(0.15 * UP)
        self.yarotsky_formula = MathTex(r"f_m(x) = x - \sum_{s=1}^{m} \frac{g_s(x)}{4^{s}}", font_size=34,
                                        color=t.output)
        self.yarotsky_formula.move_to([COLUMN_X, 2.6, 0], aligned_edge=LEFT)
        self.formula_note = Tex(r"on $[0, 1]$, rescaled to $[0, 2]$; width 3 per layer", font_size=24,
                                color=t.muted)
        self.formula_note.next_to(self.yarotsky_formula, DOWN, buff=0.15).align_to(self.yarotsky_formula, LEFT)
        # the table: m | max error | deep units | one-layer units
        self.columns = [COLUMN_X + 0.25, COLUMN_X + 1.8, COLUMN_X + 3.4, COLUMN_X + 4.85]
        headers = [("m", t.text), (r"\text{max error}", t.error), (r"\text{deep}", t.output),
                   (r"\text{one layer}", t.unit)]
        self.table_header = VGroup(*(MathTex(tex, font_size=28, color=c).move_to([x, 0.8, 0])
                                     for (tex, c), x in zip(headers, self.columns)))
        self.header_rule = Line([COLUMN_X - 0.1, 0.5, 0], [self.columns[-1] + 0.85, 0.5, 0], color=t.muted,
                                stroke_width=1.5)
        self.header_units = Tex("hidden units for the same error", font_size=22, color=t.muted)
        self.header_units.next_to(VGroup(*self.table_header[2:]), UP, buff=0.12)
        self.rows: list[VGroup] = []

    def table_row(self, row: DeepX2, index: int) -> VGroup:
        t = self.theme
        y = 0.15 - 0.5 * index
        cells = [(str(row.depth), t.text), (format_tex(row.max_error), t.error), (str(row.deep_units), t.output),
                 (str(row.shallow_units), t.unit)]
        return VGroup(*(MathTex(tex, font_size=28, color=c).move_to([x, y, 0])
                        for (tex, c), x in zip(cells, self.columns)))

    def x2_view(self, row: DeepX2) -> GraphView:
        """The deep network's exact graph, kinks and error band against x²."""
        return graph_view(self.x2_axes, row.function, square, theme=self.theme, stroke_width=4)

    # ------------------------------------------------------------------- beats
    def one_tent(self) -> None:
        self.beat("One tent")
        self.build_title()
        self.build_tent_stage()
        step = tent(TENT_DEPTHS[0])
        self.view = self.tent_view(step)
        self.narrate("Width adds kinks one unit at a time. Depth can multiply them. Meet the tent: two ReLU "
                     "units that fold the interval onto itself.",
                     FadeIn(self.title), Create(self.tent_axes), Write(self.tent_formula), run_time=2.5)
        self.narrate(f"It rises, then falls: {step.pieces} pieces, {step.kinks} kink, from {step.units} units.",
                     Create(self.view.graph), GrowFromCenter(self.view.dots), FadeIn(self.tent_readouts[:3]),
                     run_time=1.5)

    def fold_again(self, m: int) -> None:
        step = tent(m)
        new = self.tent_view(step)
        animations = [ReplacementTransform(self.view.graph, new.graph),
                      ReplacementTransform(self.view.dots, new.dots),
                      self.m_readout.change_to(step.depth), self.units_readout.change_to(step.units),
                      self.pieces_readout.change_to(step.pieces)]
        shallow = self.shallow_readout.change_to(step.one_layer_max_pieces)
        if m == TENT_DEPTHS[1]:
            self.beat("Folding doubles the pieces")
            text = (f"Feed the tent into itself: each half is folded again, and {tent(m - 1).pieces} pieces "
                    f"become {step.pieces}.")
            animations += [FadeIn(self.compose_formula), shallow]
        elif m == TENT_DEPTHS[2]:
            text = (f"{m} layers, {step.pieces} pieces. One layer of the same {step.units} units could make at "
                    f"most {step.one_layer_max_pieces}: each unit adds one kink.")
            animations += [FadeIn(self.shallow_readout), shallow]
        else:
            if m == TENT_DEPTHS[3]:
                self.beat("Doubling every layer")
            text = f"{m} layers: {step.pieces} pieces, against at most {step.one_layer_max_pieces}."
            animations.append(shallow)
        self.narrate(text, *animations, run_time=1.5 if m <= TENT_DEPTHS[2] else 1.0)
        self.view = new

    def deep_square(self) -> None:
        self.beat("Yarotsky's deep square")
        self.build_x2_stage()
        row = deep(X2_DEPTHS[0])
        tents = VGroup(self.tent_axes, self.view.group, self.tent_readouts, self.compose_formula)
        self.narrate("Folded tents are useful. Subtract them from x, scaled down by fours, and the result hugs "
                     "x², exactly at the kinks.",
                     FadeOut(tents), FadeTransform(self.tent_formula, self.yarotsky_formula), FadeIn(self.formula_note),
                     Create(self.x2_axes), Create(self.x2_target), FadeIn(self.x2_label), run_time=2.5)
        self.view = self.x2_view(row)
        first = self.table_row(row, 0)
        self.rows.append(first)
        self.narrate(f"Depth {row.depth}, {row.deep_units} units: max error {words(row.max_error)}. The best "
                     f"single layer gets there with just {row.shallow_units}.",
                     Create(self.view.graph), FadeIn(self.view.band), GrowFromCenter(self.view.dots),
                     FadeIn(self.table_header), Create(self.header_rule), FadeIn(self.header_units), FadeIn(first),
                     run_time=2)

    def deeper_square(self, m: int) -> None:
        row = deep(m)
        new = self.x2_view(row)
        line = self.table_row(row, len(self.rows))
        self.rows.append(line)
        previous = deep(m - 1)
        if m == X2_DEPTHS[1]:
            self.beat("Each layer quarters the error")
            text = (f"Each extra layer adds {row.deep_units - previous.deep_units} units and divides the error by "
                    f"{words(previous.max_error / row.max_error)}: {words(row.max_error)}. A single layer now "
                    f"needs {row.shallow_units} units.")
        elif m == X2_DEPTHS[-1]:
            text = (f"{m} layers, {row.deep_units} units, error {words(row.max_error)}. One layer needs "
                    f"{row.shallow_units} units.")
        elif row.shallow_units > row.deep_units and previous.shallow_units <= previous.deep_units:
            text = f"{m} layers: {row.deep_units} units against {row.shallow_units}. Depth pulls ahead."
        else:
            text = f"{m} layers: {row.deep_units} units against {row.shallow_units}."
        self.narrate(text,
                     ReplacementTransform(self.view.graph, new.graph),
                     ReplacementTransform(self.view.band, new.band),
                     ReplacementTransform(self.view.dots, new.dots),
                     FadeIn(line, shift=0.2 * UP), run_time=1.2)
        self.view = new

    def closing(self) -> None:
        self.beat("Depth multiplies")
        last = self.rows[-1]
        box = SurroundingRectangle(VGroup(last[2], last[3]), color=self.theme.accent, buff=0.12)
        last_row = deep(X2_DEPTHS[-1])
        per_layer = last_row.deep_units // last_row.depth
        self.narrate(f"The deep network grows by {per_layer} units a layer; a single layer must roughly double "
                     "for every step. Depth multiplies kinks; width only adds them.",
                     Create(box), Indicate(self.view.graph, color=self.theme.output, scale_factor=1.0),
                     run_time=1.5, wait=1.2)

    # ------------------------------------------------------------------ stills
    def pose_tent(self, m: int) -> GraphView:
        """The end of the beat showing the ``m``-fold tent map."""
        self.build_title()
        self.build_tent_stage()
        step = tent(m)
        view = self.tent_view(step)
        self.set_tent_readouts(step)
        self.add(self.title, self.tent_axes, self.tent_formula, self.compose_formula, self.tent_readouts,
                 *view.group)
        return view

    def pose_square(self, m: int) -> GraphView:
        """The end of the beat showing Yarotsky's ``m``-layer x², with the table so far."""
        self.build_title()
        self.build_x2_stage()
        view = self.x2_view(deep(m))
        self.rows = [self.table_row(deep(k), i) for i, k in enumerate(X2_DEPTHS) if k <= m]
        self.add(self.title, self.x2_axes, self.x2_target, self.x2_label, self.yarotsky_formula, self.formula_note,
                 self.table_header, self.header_rule, self.header_units, *self.rows, *view.group)
        return view
