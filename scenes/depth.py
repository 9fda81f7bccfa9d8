"""Chapter "What depth buys".

Width adds kinks one at a time; depth multiplies them. The tent map
g(x) = 2·ReLU(x) − 4·ReLU(x − ½), built on screen from its two units, folds
[0, 1] onto itself, and composing it m times (m layers of 2 units) gives 2^m
pieces, while one layer of the same 2m units can make at most 2m + 1: width
still wins at m = 2 (4 against 5), depth from m = 3 on. When the kinks crowd
(more than :data:`DOT_LIMIT`) the dots give way to the count.

Yarotsky subtracts folded tents to approximate x² on [0, 2] — written in its
[0, 2] form, f_m(x) = 2x − Σ g_s(x/2)/4^(s−1) — with m layers of 3 units (the
tent's 2, and 1 carrying the running sum, never negative so ReLU passes it) and
max error 2^(−2m). Below the fit, the error f_m − x² is drawn magnified 4^m
times, so every depth shows it at the same height. The one-layer rule
2/(2n+1)² is shown where it comes from, on the last piece of the best
one-unit fit (:func:`relu_anim.story.depth.one_layer_piece`): the chord sags
w²/4, the best line lies halfway, w²/8, with pieces of width w = 4/(2n+1).
The table then compares the deep units with the one-layer units for the
same error.

Every number drawn comes from :mod:`relu_anim` (:mod:`relu_anim.story.depth` builds,
analyses and measures the networks); the only literals here are the story's
choices: the depths shown, and when the dots give way to the count.

Preview::

    manim -pql scenes/depth.py              # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, Circumscribe, Create, DashedLine, Dot, FadeIn, FadeOut, FadeTransform,
                   GrowFromCenter, Indicate, Line, MathTex, MoveAlongPath, ReplacementTransform,
                   SurroundingRectangle, Tex, Transform, VGroup, Write)

from relu_anim.construct import optimal_x2, tent_map
from relu_anim.network import Layer, Network
from relu_anim.story.depth import (TENT_DOMAIN, DeepX2, OneLayerPiece, TentStep, deep_x2, error_curve,
                                   one_layer_piece, tent_step)
from relu_anim.story.numbers import format_tex, words
from relu_anim.visual import (AxesPolyline, ChapterScene, GraphView, PiecewiseGraph, Readout, graph_view,
                              make_axes, relu_sum_tex, target_graph)
from relu_anim.x2 import DOMAIN as X2_DOMAIN, square

__all__ = ["Depth", "TENT_DEPTHS", "X2_DEPTHS", "DOT_LIMIT", "RULE_UNITS", "tent", "deep", "tent_formula",
           "tent_units", "yarotsky_tex", "rule_piece"]

# --------------------------------------------------------------- the story's choices
#: How many times the tent map is composed, one after another.
TENT_DEPTHS = (1, 2, 3, 4, 5, 6)
#: Depths of Yarotsky's x² shown, one after another.
X2_DEPTHS = (1, 2, 3, 4, 5, 6)
#: More kinks than this and the tent is drawn without kink dots: they would pile up; the count says it.
DOT_LIMIT = 16
#: The one-layer fit whose last piece shows where 2/(2n+1)² comes from.
RULE_UNITS = 1


# ------------------------------------------------------------ the numbers, from relu_anim
def tent(m: int) -> TentStep:
    """The m-fold tent map, analysed exactly on [0, 1]."""
    return tent_step(m)


def deep(m: int) -> DeepX2:
    """Yarotsky's m-layer x² on [0, 2], measured, against one hidden layer."""
    return deep_x2(m)


def rule_piece() -> OneLayerPiece:
    """The piece that shows the one-layer rule."""
    return one_layer_piece(RULE_UNITS)


def tent_formula() -> str:
    """TeX of one tent, ``g(x) = …``, with the weights of ``tent_map(1)``."""
    return "g(x) = " + relu_sum_tex(tent_map(1))


def tent_units() -> list[Network]:
    """The tent's two units, each alone as a one-unit network with the tent's output weight."""
    net = tent_map(1)
    hidden, output = net.layers
    return [Network([Layer(hidden.weight[i:i + 1], hidden.bias[i:i + 1], "relu"),
                     Layer(output.weight[:, i:i + 1], [0.0])]) for i in range(hidden.weight.shape[0])]


def yarotsky_tex() -> str:
    """Yarotsky's x² in its [0, 2] form: ``4·F(x/2)`` with ``F(u) = u − Σ g_s(u)/4^s`` on [0, 1]."""
    scale = X2_DOMAIN[1]
    return (rf"f_m(x) = {format_tex(scale, trim=True)}x - \sum_{{s=1}}^{{m}} "
            rf"\frac{{g_s(x/{format_tex(scale, trim=True)})}}{{4^{{s-1}}}}")


# ------------------------------------------------------------------------ drawing
#: Left edge of the right column.
COLUMN_X = 0.75


class Depth(ChapterScene):
    """Tent maps fold, pieces double; Yarotsky's deep x² (storyboard: depth)."""

    def construct(self) -> None:
        self.one_tent()
        for m in TENT_DEPTHS[1:]:
            self.fold_again(m)
        self.deep_square()
        self.one_layer_rule()
        self.first_row()
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
        self.pieces_readout = Readout(r"\text{pieces}", first.pieces, style="integer", theme=t, color=t.pieces)
        self.shallow_readout = Readout(r"\text{one layer, same units: at most}", first.one_layer_max_pieces,
                                       style="integer", theme=t, color=t.muted, equals=False, font_size=30)
        self.tent_readouts = VGroup(self.m_readout, self.units_readout, self.pieces_readout, self.shallow_readout)
        for readout, y in zip(self.tent_readouts, (0.55, -0.1, -0.75, -1.55)):
            readout.move_to([COLUMN_X, y, 0], aligned_edge=LEFT)

    def tent_view(self, step: TentStep) -> GraphView:
        """The tent map's exact graph, with kink dots while they do not pile up (no target, no band)."""
        return graph_view(self.tent_axes, step.function, theme=self.theme, stroke_width=4,
                          dots=step.kinks <= DOT_LIMIT)

    def build_x2_stage(self) -> None:
        t = self.theme
        self.x2_axes = make_axes((X2_DOMAIN[0], X2_DOMAIN[1], 0.5), (0, 4, 1), x_length=5.8, y_length=3.3, theme=t)
        self.x2_axes.move_to([-3.55, 0.75, 0])
        self.x2_target = target_graph(self.x2_axes, square, X2_DOMAIN, theme=t)
        self.x2_label = MathTex("x^2", font_size=36, color=t.target)
        self.x2_label.next_to(self.x2_axes.c2p(X2_DOMAIN[1], square(X2_DOMAIN[1])), LEFT, buff=0.2).shift(0.15 * UP)
        # the error, magnified 4^m: every depth fills the same height
        self.err_axes = make_axes((X2_DOMAIN[0], X2_DOMAIN[1], 0.5), (0, 1, 1), x_length=5.8, y_length=1.3,
                                  numbers=False, x_label=None, theme=t)
        self.err_axes.move_to([-3.55, -2.55, 0])
        self.err_title = MathTex(r"\text{error } f_m(x) - x^2 \text{, magnified}", font_size=26, color=t.error)
        self.err_title.next_to(self.err_axes, UP, buff=0.12).align_to(self.err_axes, LEFT)
        self.zoom_readout = Readout(r"\times", 4 ** X2_DEPTHS[0], style="integer", equals=False, font_size=26,
                                    color=t.error, theme=t)
        self.zoom_readout.next_to(self.err_title, RIGHT, buff=0.15)
        self.yarotsky_formula = MathTex(yarotsky_tex(), font_size=32, color=t.output)
        self.yarotsky_formula.move_to([COLUMN_X, 2.9, 0], aligned_edge=LEFT)
        self.width_note = Tex(r"3 units a layer: the tent's 2, and 1 carrying the sum", font_size=24,
                              color=t.muted)
        self.width_note.move_to([COLUMN_X, 2.05, 0], aligned_edge=LEFT)
        self.width_why = Tex(r"(never negative, so ReLU passes it unchanged)", font_size=24, color=t.muted)
        self.width_why.move_to([COLUMN_X, 1.72, 0], aligned_edge=LEFT)
        # the table: m | max error | deep units | one-layer units
        self.columns = [COLUMN_X + 0.25, COLUMN_X + 1.8, COLUMN_X + 3.4, COLUMN_X + 4.85]
        headers = [("m", t.text), (r"\text{max error}", t.error), (r"\text{deep}", t.output),
                   (r"\text{one layer}", t.unit)]
        self.table_header = VGroup(*(MathTex(tex, font_size=28, color=c).move_to([x, 0.2, 0])
                                     for (tex, c), x in zip(headers, self.columns)))
        self.header_rule = Line([COLUMN_X - 0.1, -0.05, 0], [self.columns[-1] + 0.85, -0.05, 0], color=t.muted,
                                stroke_width=1.5)
        self.header_units = Tex("hidden units for the same error", font_size=24, color=t.muted)
        self.header_units.next_to(VGroup(*self.table_header[2:]), UP, buff=0.1)
        self.rows: list[VGroup] = []

    def table_row(self, row: DeepX2, index: int) -> VGroup:
        t = self.theme
        y = -0.38 - 0.42 * index
        cells = [(str(row.depth), t.text), (format_tex(row.max_error), t.error), (str(row.deep_units), t.output),
                 (str(row.shallow_units), t.unit)]
        return VGroup(*(MathTex(tex, font_size=28, color=c).move_to([x, y, 0])
                        for (tex, c), x in zip(cells, self.columns)))

    def x2_view(self, row: DeepX2) -> GraphView:
        """The deep network's exact graph, kinks and error band against x²."""
        return graph_view(self.x2_axes, row.function, square, theme=self.theme, stroke_width=4)

    def error_graph(self, row: DeepX2) -> AxesPolyline:
        """The error f_m − x² of ``row`` on the error axes, magnified 4^m (zero at every kink)."""
        xs, err = error_curve(row)
        zoom = 4 ** row.depth
        return AxesPolyline(self.err_axes, list(zip(xs, err * zoom)), color=self.theme.error, stroke_width=3)

    # ------------------------------------------------------------------- beats
    def one_tent(self) -> None:
        self.beat("One tent")
        t = self.theme
        self.build_title()
        self.build_tent_stage()
        step = tent(TENT_DEPTHS[0])
        self.view = self.tent_view(step)
        up, down = (PiecewiseGraph(self.tent_axes, unit.piecewise(*TENT_DOMAIN), color=t.unit_color(i),
                                   stroke_width=3).set_stroke(opacity=0.8)
                    for i, unit in enumerate(tent_units()))
        self.narrate("Width adds kinks one by one; depth multiplies them.",
                     FadeIn(self.title), Create(self.tent_axes), run_time=2.0)
        w, h = (format_tex(v, trim=True) for v in (abs(tent_map(1).layers[1].weight[0, 0]),
                                                  -tent_map(1).layers[0].bias[1]))
        with self.narrating(f"The tent: {w}·ReLU(x) climbs with slope {w}; from x = {h} a second unit bends it "
                            "down.", wait=0.4):
            self.play(Write(self.tent_formula), Create(up), run_time=1.9)
            self.play(Create(down), run_time=1.7)
            self.play(Create(self.view.graph), run_time=1.7)
        tracer = Dot(self.tent_axes.c2p(*step.function.vertices()[0]), radius=0.09, color=self.theme.accent)
        with self.narrating(f"It rises, then falls: {step.pieces} pieces, {step.kinks} kink, from {step.units} "
                            "units.", wait=0.3):
            self.play(FadeOut(up), FadeOut(down), GrowFromCenter(self.view.dots), FadeIn(self.tent_readouts[:3]),
                      FadeIn(tracer), run_time=1.0)
            self.play(MoveAlongPath(tracer, self.view.graph.copy()), run_time=2.6)
            self.play(FadeOut(tracer), run_time=0.4)

    def fold_again(self, m: int) -> None:
        step = tent(m)
        new = self.tent_view(step)
        animations = [ReplacementTransform(self.view.graph, new.graph),
                      ReplacementTransform(self.view.dots, new.dots) if len(new.dots) else FadeOut(self.view.dots),
                      self.m_readout.change_to(step.depth), self.units_readout.change_to(step.units),
                      self.pieces_readout.change_to(step.pieces)]
        shallow = self.shallow_readout.change_to(step.one_layer_max_pieces)
        if m == TENT_DEPTHS[1]:
            self.beat("Folding doubles the pieces")
            text = (f"Feed the tent into itself: each half folds again, and {tent(m - 1).pieces} pieces "
                    f"become {step.pieces}.")
            with self.narrating(text, wait=0.3):
                self.play(FadeIn(self.compose_formula), run_time=1.0)
                self.play(*animations, shallow, run_time=2.4)
                self.play(Indicate(self.pieces_readout, color=self.theme.accent), run_time=1.0)
            self.narrate(f"Yet {step.units} units in one layer could make {step.one_layer_max_pieces}, one kink "
                         f"each: at {m} layers, width still wins.",
                         FadeIn(self.shallow_readout), Circumscribe(self.shallow_readout, color=self.theme.accent),
                         run_time=2.0)
            self.view = new
            return
        if m == TENT_DEPTHS[2]:
            text = (f"{m} layers: {step.pieces} pieces against at most {step.one_layer_max_pieces}. From here on, "
                    "depth wins.")
            extra = [Indicate(self.pieces_readout, color=self.theme.accent),
                     Indicate(self.shallow_readout, color=self.theme.accent)]
        else:
            if m == TENT_DEPTHS[3]:
                self.beat("Doubling every layer")
            extra = [Indicate(self.pieces_readout, color=self.theme.accent)]
            if m == TENT_DEPTHS[3]:
                text = (f"{m} layers: {step.pieces} pieces against {step.one_layer_max_pieces}. Each layer doubles "
                        "them; a one-layer unit adds one.")
            elif len(new.dots) == 0 and len(self.view.dots):
                text = (f"{m} layers: {step.pieces} against {step.one_layer_max_pieces}. Too close to dot; the "
                        "count says it.")
                extra = [Circumscribe(self.pieces_readout, color=self.theme.accent)]
            else:
                text = (f"{m} layers: {step.pieces} pieces, against at most {step.one_layer_max_pieces}. Doubling "
                        "beats adding.")
                extra = [Indicate(self.pieces_readout, color=self.theme.accent)]
        # the readouts change first, then are pointed at: one animation per mobject at a time
        with self.narrating(text, wait=0.3):
            self.play(*animations, shallow, run_time=max(2.0, self.reading_time(text) - 1.5))
            self.play(*extra, run_time=1.2)
        self.view = new

    def deep_square(self) -> None:
        self.beat("Yarotsky's deep square")
        self.build_x2_stage()
        row = deep(X2_DEPTHS[0])
        tents = VGroup(self.tent_axes, self.view.group, self.tent_readouts, self.compose_formula)
        with self.narrating("Subtract folded tents from 2x, scaled down by fours: the result hugs x², exact "
                            "at the kinks.", wait=0.3):
            self.play(FadeOut(tents), FadeTransform(self.tent_formula, self.yarotsky_formula), run_time=1.5)
            self.play(Create(self.x2_axes), run_time=1.3)
            self.play(Create(self.x2_target), FadeIn(self.x2_label), run_time=1.5)
            self.play(Circumscribe(self.yarotsky_formula, color=self.theme.accent), run_time=1.2)
        self.view = self.x2_view(row)
        self.err_graph = self.error_graph(row)
        self.narrate(f"Depth {row.depth}, {row.deep_units} units. Below, its error magnified "
                     f"{4 ** row.depth} times: zero at each kink, largest midway.",
                     Create(self.view.graph), FadeIn(self.view.band), GrowFromCenter(self.view.dots),
                     Create(self.err_axes), FadeIn(self.err_title), FadeIn(self.zoom_readout),
                     Create(self.err_graph), run_time=2.5)
        with self.narrating("Why 3 units a layer? Two fold; the third carries the sum, never negative, so "
                            "ReLU passes it.", wait=0.3):
            self.play(Write(self.width_note), run_time=1.8)
            self.play(Circumscribe(self.yarotsky_formula, color=self.theme.accent), run_time=1.4)
            self.play(Write(self.width_why), run_time=1.8)
            self.play(Indicate(self.width_why, color=self.theme.accent), run_time=1.1)

    def one_layer_rule(self) -> None:
        self.beat("One layer's best")
        t = self.theme
        piece = rule_piece()
        ax = self.x2_axes
        best = optimal_x2(piece.units).piecewise(*X2_DOMAIN)
        chord = Line(ax.c2p(piece.a, square(piece.a)), ax.c2p(piece.b, square(piece.b)), color=t.unit,
                     stroke_width=3)
        sag = DashedLine(ax.c2p(piece.middle, square(piece.middle)), ax.c2p(piece.middle, piece.chord),
                         color=t.accent, stroke_width=3)
        sag_label = MathTex(r"\tfrac{w^2}{4}", font_size=30, color=t.accent)
        sag_label.move_to(ax.c2p(piece.middle - 0.35, piece.chord + 0.1))  # above the chord, left of the sag
        span = Line(ax.c2p(piece.a, 0), ax.c2p(piece.b, 0), color=t.unit, stroke_width=6)
        w_label = MathTex("w", font_size=30, color=t.unit).next_to(span, UP, buff=0.1)
        lowered = Line(ax.c2p(piece.a, square(piece.a) - piece.best), ax.c2p(piece.b, square(piece.b) - piece.best),
                       color=t.unit, stroke_width=3)
        half_label = MathTex(r"\pm\tfrac{w^2}{8}", font_size=30, color=t.accent).move_to(sag_label)
        fit = PiecewiseGraph(ax, best, color=t.unit, stroke_width=4)
        rule = MathTex(r"n \text{ units: } w = \frac{4}{2n+1},\quad \frac{w^2}{8} = \frac{2}{(2n+1)^2}",
                       font_size=30, color=t.unit)
        rule.move_to([COLUMN_X, 1.12, 0], aligned_edge=LEFT)
        with self.narrating("One layer at its best? On a piece of width w, the chord of x² sags w²/4 "
                            "midway.", wait=0.3):
            self.play(FadeOut(self.view.group), Create(span), FadeIn(w_label), run_time=1.6)
            self.play(Create(chord), run_time=1.6)
            self.play(Create(sag), FadeIn(sag_label), run_time=1.4)
            self.play(Indicate(sag_label, color=self.theme.accent), run_time=1.2)
        with self.narrating("Lowered by half that, it errs at most w²/8 either way: no line does better.",
                            wait=0.3):
            self.play(Transform(chord, lowered), ReplacementTransform(sag_label, half_label), run_time=2.2)
            self.play(Indicate(chord, color=self.theme.accent), run_time=1.4)
            self.play(Indicate(half_label, color=self.theme.accent), run_time=1.4)
        with self.narrating("The best n kinks make pieces of width w = 4/(2n+1), the first half as wide: "
                            "error 2/(2n+1)².", wait=0.3):
            self.play(FadeOut(chord), FadeOut(sag), FadeOut(span), FadeOut(w_label), Create(fit), run_time=2.0)
            self.play(Write(rule), run_time=2.2)
            self.play(Circumscribe(rule, color=self.theme.accent), run_time=1.6)
        self.rule_parts = VGroup(fit, half_label)
        self.rule = rule

    def first_row(self) -> None:
        self.beat("Each layer quarters the error")
        row = deep(X2_DEPTHS[0])
        first = self.table_row(row, 0)
        self.rows.append(first)
        self.view = self.x2_view(row)
        self.narrate(f"Depth {row.depth}, {row.deep_units} units: max error {words(row.max_error)}; one layer "
                     f"needs {row.shallow_units}.",
                     FadeOut(self.rule_parts), FadeIn(self.view.band), Create(self.view.graph),
                     GrowFromCenter(self.view.dots),
                     FadeIn(self.table_header), Create(self.header_rule), FadeIn(self.header_units), FadeIn(first),
                     run_time=2)

    def deeper_square(self, m: int) -> None:
        row = deep(m)
        new = self.x2_view(row)
        line = self.table_row(row, len(self.rows))
        self.rows.append(line)
        previous = deep(m - 1)
        if m == X2_DEPTHS[1]:
            text = (f"Each layer adds {row.deep_units - previous.deep_units} units and divides the error by "
                    f"{words(previous.max_error / row.max_error)}: {words(row.max_error)}. One layer "
                    f"needs {row.shallow_units}.")
        elif m == X2_DEPTHS[-1]:
            text = (f"{m} layers, {row.deep_units} units, error {words(row.max_error)}. One layer needs "
                    f"{row.shallow_units} units.")
        elif row.shallow_units > row.deep_units and previous.shallow_units <= previous.deep_units:
            text = (f"{m} layers: {row.deep_units} units against {row.shallow_units}. Depth pulls ahead, and "
                    "the gap widens.")
        elif m == X2_DEPTHS[2]:
            text = (f"{m} layers: {row.deep_units} units against {row.shallow_units}. Magnified "
                    f"{4 ** m} times, the error keeps its height, twice the arches.")
        else:
            text = f"{m} layers: {row.deep_units} units against {row.shallow_units}, error magnified {4 ** m} times."
        err = self.error_graph(row)
        self.narrate(text,
                     ReplacementTransform(self.view.graph, new.graph),
                     ReplacementTransform(self.view.band, new.band),
                     ReplacementTransform(self.view.dots, new.dots),
                     ReplacementTransform(self.err_graph, err), self.zoom_readout.change_to(4 ** m),
                     FadeIn(line, shift=0.2 * UP), run_time=2.5)
        self.view, self.err_graph = new, err

    def closing(self) -> None:
        self.beat("Depth multiplies")
        last = self.rows[-1]
        box = SurroundingRectangle(VGroup(last[2], last[3]), color=self.theme.accent, buff=0.1)
        last_row = deep(X2_DEPTHS[-1])
        per_layer = last_row.deep_units // last_row.depth
        with self.narrating(f"Deep grows by {per_layer} units a layer; one layer roughly doubles. Depth "
                            "multiplies kinks; width adds them.", wait=0.8):
            self.play(Create(box), run_time=1.0)
            for r in self.rows:
                self.play(Indicate(r[2], color=self.theme.accent), Indicate(r[3], color=self.theme.accent),
                          run_time=0.45)
            self.play(Circumscribe(self.yarotsky_formula, color=self.theme.accent), run_time=1.2)
