"""Chapter "Linear layers collapse".

Why a network needs its activation: two linear layers f(x) = W₁x + b₁ and
g(x) = W₂x + b₂ compose to one, g(f(x)) = Wx + b, shown with the weights of a
real network rounded to two decimals, so that W = W₂W₁ and b = W₂b₁ + b₂,
written with four, are the exact products of the digits on screen; a deeper linear stack on a scalar
input, drawn unit by unit beside its graph, is still one straight line, the line of the one layer it
collapses to; a linear layer trained on x² settles on the best line and stops there.
Then ReLU goes between the layers, and the same weights bend.

Every number drawn comes from :mod:`relu_anim`: the collapse is
:meth:`~relu_anim.network.Network.collapse`, lines and bends are
:meth:`~relu_anim.network.Network.piecewise`, the training is
:func:`~relu_anim.torch_adapter.train` (seeded, about a second). The literals
here are the story's choices: layer widths, seeds, domains, the example input
and how many training snapshots to show.

Preview::

    manim -pql scenes/linear_collapse.py      # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circumscribe, Create, DashedVMobject, Dot, FadeIn,
                   FadeOut, FadeTransform, GrowFromCenter, Indicate, LaggedStart, MathTex, MoveAlongPath,
                   MoveToTarget, ReplacementTransform, SurroundingRectangle, Tex, Transform, TransformFromCopy, VGroup,
                   Write, linear)

from relu_anim.construct import least_squares_output, random_network
from relu_anim.network import Layer, Network
from relu_anim.piecewise import PiecewiseLinear
from relu_anim.story.collapse import exact_places, round_weights
from relu_anim.story.fit import Fit
from relu_anim.torch_adapter import train
from relu_anim.story.numbers import affine_tex, words
from relu_anim.visual import (ChapterScene, FitView, LayerDiagram, PiecewiseGraph, Readout, breakpoint_dots,
                              fit_view, make_axes, target_graph)
from relu_anim.visual.matrices import AffineEquation, NumberMatrix
from relu_anim.x2 import DOMAIN, square

__all__ = ["LinearCollapse", "LAYER_WIDTHS", "STACK_DEPTHS", "DOMAIN", "STACK_DOMAIN", "square",
           "two_layers", "collapsed", "stack", "stack_function", "linear_training", "line_snapshots",
           "best_line", "relu_fit"]

# --------------------------------------------------------------- the story's choices
#: The two layers of the opening: f takes 2 numbers to 3, g takes 3 back to 2.
LAYER_WIDTHS = (2, 3, 2)
LAYER_SEED = 0
#: Decimal places of the two layers' weights: their products, written with twice as many, are exact.
PLACES = 2
#: An input to push through both routes.
EXAMPLE_INPUT = (1.0, -1.0)
#: The scalar stack: hidden layers of this width, 1, 2 and 3 of them.
STACK_WIDTH = 4
STACK_DEPTHS = (1, 2, 3)
STACK_SEED = 225
STACK_DOMAIN = (-3.0, 3.0)
#: The x² fits (x² on [0, 2], :mod:`relu_anim.x2`): training seed and length, ReLU units, snapshots shown.
TRAIN_SEED = 0
TRAIN_STEPS = 1000
RELU_UNITS = 3
SNAPSHOTS = 6


# ------------------------------------------------------- the numbers, from relu_anim
def two_layers() -> Network:
    """f then g: a seeded random network 2 → 3 → 2 with no activation anywhere, weights of :data:`PLACES` places."""
    return round_weights(random_network(LAYER_WIDTHS, seed=LAYER_SEED, activation="linear"), PLACES)


def collapsed() -> Layer:
    """The single layer equal to f then g: W = W₂W₁, b = W₂b₁ + b₂."""
    return two_layers().collapse()


def stack(depth: int, activation: str = "linear") -> Network:
    """The scalar stack 1 → 4 → … → 4 → 1 with ``depth`` hidden layers (same seed for every depth)."""
    return random_network([1] + [STACK_WIDTH] * depth + [1], seed=STACK_SEED, activation=activation)


def stack_function(depth: int, activation: str = "linear") -> PiecewiseLinear:
    """The stack's exact form on :data:`STACK_DOMAIN`."""
    return stack(depth, activation).piecewise(*STACK_DOMAIN)


@lru_cache(maxsize=1)
def linear_training():
    """One linear layer y = wx + c trained on x² by plain Adam, with snapshots."""
    return train(square, DOMAIN, widths=[], solve_output=False, history=True, steps=TRAIN_STEPS,
                 seed=TRAIN_SEED, progress=False)


def line_snapshots() -> list[tuple[int, Fit]]:
    """``SNAPSHOTS`` of the training history, spread over its (log-spaced) records: (step, fit)."""
    history = linear_training().history
    picks = np.unique(np.linspace(0, len(history) - 1, SNAPSHOTS).round().astype(int))
    return [(history[i]["step"], Fit.of(Network.from_layers(history[i]["layers"]), square, DOMAIN))
            for i in picks]


def best_line() -> Fit:
    """The least-squares line on the domain (one unit ReLU(x − a), linear there)."""
    return Fit.of(least_squares_output(square, [DOMAIN[0]], DOMAIN), square, DOMAIN)


@lru_cache(maxsize=1)
def relu_fit() -> Fit:
    """ReLU between the layers: 1 → 3 → 1 trained on x² (seeded, about half a second)."""
    return Fit.of(train(square, DOMAIN, RELU_UNITS, steps=TRAIN_STEPS, seed=TRAIN_SEED,
                        progress=False).network, square, DOMAIN)


def line_tex(slope: float, intercept: float) -> str:
    """``y = a\\,x ± c`` with the numbers written as the readouts write them."""
    return "y = " + affine_tex([slope], intercept, ["x"], style="fixed")


def widths_tex(depth: int) -> str:
    """``1 \\to 4 \\to … \\to 1`` for a stack of ``depth`` hidden layers."""
    return r" \to ".join(str(w) for w in stack(depth).widths)


# ------------------------------------------------------------------------ drawing
class LinearCollapse(ChapterScene):
    """Linear layers collapse; ReLU between them bends (DESIGN.md storyboard, chapter linear_collapse)."""

    def construct(self) -> None:
        self.first_layer()
        self.second_layer()
        self.two_are_one()
        self.deeper_stacks()
        self.line_on_x2()
        self.relu_between()
        self.closing()

    # ------------------------------------------------------------------ layout
    def build_title(self) -> None:
        self.title = self.chapter_title("Linear layers collapse")

    def build_equations(self) -> None:
        """f and g with their matrices and names, the algebra, the collapsed layer W, b, and a check."""
        t = self.theme
        net, one = two_layers(), collapsed()
        f, g = net.layers
        c1, c2, c0 = t.layer_color(0), t.layer_color(1), t.layer_color(-1)
        places = exact_places(PLACES)
        self.f_eq = self.named_equation("f(x)", f, ("W_1", "b_1"), c1, PLACES)
        self.g_eq = self.named_equation("g(x)", g, ("W_2", "b_2"), c2, PLACES)
        # f alone first, large in the middle; it moves to its place when g arrives
        self.f_slot = self.f_eq.copy().scale(0.82)
        g_slot = self.g_eq.copy().scale(0.82)
        VGroup(self.f_slot, g_slot).arrange(RIGHT, buff=1.0, aligned_edge=UP).move_to([0, 2.05, 0])
        self.g_eq.scale(0.82).move_to(g_slot)
        self.f_eq.scale(1.3).move_to([0, 0.6, 0])  # alone on the page, at a size that fills it
        colours = {"W_1": c1, "b_1": c1, "W_2": c2, "b_2": c2, "W": c0, "b": c0}
        self.algebra = MathTex(r"g(f(x))", r"=", r"W_2", r"(", r"W_1", r"x+", r"b_1", r")+", r"b_2",
                               r"=", r"(", r"W_2", r"W_1", r")x+(", r"W_2", r"b_1", r"+", r"b_2", r")",
                               font_size=36, color=t.text)
        self.algebra.move_to([0, 0.3, 0])
        self.naming = MathTex(r"W", r"=", r"W_2", r"W_1", r",\qquad", r"b", r"=", r"W_2", r"b_1",
                              r"+", r"b_2", font_size=36, color=t.text)
        self.naming.next_to(self.algebra, DOWN, buff=0.25)
        for tex in (self.algebra, self.naming):
            for part in tex:
                if part.tex_string in colours:
                    part.set_color(colours[part.tex_string])
        self.one_eq = self.named_equation("g(f(x))", one, ("W", "b"), c0, places, font_size=26)
        self.one_eq.move_to([0, -1.7, 0])
        x = np.array(EXAMPLE_INPUT)
        tex = dict(font_size=30, color=t.text)
        self.check = VGroup(MathTex("x =", **tex),
                            NumberMatrix(x, digits=0, font_size=24, theme=t),
                            MathTex(r":\quad g(f(x)) =", **tex),
                            NumberMatrix(net(x)[0], digits=places, font_size=24, color=c2, theme=t),
                            MathTex(r",\quad Wx + b =", **tex),
                            NumberMatrix(Network([one])(x)[0], digits=places, font_size=24, color=c0, theme=t))
        self.check.arrange(RIGHT, buff=0.15).move_to([0, -3.35, 0])

    def named_equation(self, label: str, layer: Layer, names: tuple[str, str], color: str, digits: int,
                       font_size: float = 30) -> AffineEquation:
        """``label = W x + b`` with the layer's numbers, each matrix named (and sized) underneath."""
        t = self.theme
        eq = AffineEquation(label, layer.weight, layer.bias, variable="x", digits=digits, color=color,
                            font_size=font_size, theme=t)
        rows, cols = layer.weight.shape
        eq.names = VGroup(
            MathTex(names[0] + rf":\ {rows}\times{cols}", font_size=30, color=color).next_to(eq.weight, DOWN, 0.12),
            MathTex(names[1], font_size=30, color=color).next_to(eq.bias, DOWN, 0.12))
        eq.add(eq.names)
        return eq

    def entry_highlight(self, i: int, j: int) -> tuple[SurroundingRectangle, ...]:
        """Row i of W₂, column j of W₁ and entry W[i, j]: the boxes that show how W is multiplied."""
        t = self.theme
        row = self.g_eq.weight.get_rows()[i]
        column = self.f_eq.weight.get_columns()[j]
        entry = self.one_eq.weight.get_rows()[i][j]
        return tuple(SurroundingRectangle(m, color=t.accent, buff=0.06) for m in (row, column, entry))

    def build_panels(self) -> None:
        """Left: the scalar stack's axes and readouts. Right: x² on [0, 2] with its readouts."""
        t = self.theme
        # the y range holds every stack shown, linear and ReLU
        values = np.concatenate([stack_function(d, a).knot_values for d in STACK_DEPTHS
                                 for a in ("linear", "relu")])
        lo, hi = np.floor(values.min() * 2) / 2, np.ceil(values.max() * 2) / 2
        # no numbers on its x axis: the lines cross it, and where they do is not the story
        self.stack_axes = make_axes((*STACK_DOMAIN, 1), (lo, hi, 0.5), x_length=5.6, y_length=3.4,
                                    font_size=24, theme=t, x_axis_config={"include_numbers": False})
        self.stack_axes.move_to([-3.55, 0.45, 0])
        self.x2_axes = make_axes((DOMAIN[0], DOMAIN[1], 0.5), (-1, 4, 1), x_length=5.6, y_length=3.4,
                                 font_size=24, theme=t)
        self.x2_axes.move_to([3.55, 0.45, 0])
        self.stack_caption = self.caption_for_stack(STACK_DEPTHS[0])
        self.x2_caption = Tex(r"one linear layer fitted to $x^2$", font_size=28, color=t.muted)
        self.x2_caption.next_to(self.x2_axes, UP, buff=0.25)
        self.target_curve = target_graph(self.x2_axes, square, DOMAIN, theme=t)
        end = DOMAIN[1]
        self.target_label = MathTex("x^2", font_size=32, color=t.target)
        self.target_label.next_to(self.x2_axes.c2p(end, square(np.array([end]))[0]), LEFT, buff=0.2)

        first = stack(STACK_DEPTHS[0]).collapse()
        self.kinks_readout = Readout(r"\text{kinks}", 0, style="integer", theme=t)
        self.line_formula = self.stack_formula(first)
        step, fit = line_snapshots()[0]
        self.step_readout = Readout(r"\text{step}", step, style="integer", theme=t)
        self.mse_readout = Readout(r"\text{MSE}", fit.mse, color=t.error, theme=t)
        self.best_readout = Readout(r"\text{best line MSE}", best_line().mse, color=t.accent, theme=t)
        self.place(self.kinks_readout, -3.55, 0)
        self.place(self.step_readout, 3.55, 0)
        self.place(self.mse_readout, 3.55, 1)
        self.place(self.best_readout, 3.55, 2)

    def place(self, mob, x: float, row: int):
        """Put a readout in row ``row`` under the panel centred at ``x`` (left edges aligned)."""
        return mob.move_to([x - 2.6, -2.05 - 0.55 * row, 0], aligned_edge=LEFT)

    def caption_for_stack(self, depth: int, activation: str = "linear") -> Tex:
        between = "ReLU between" if activation == "relu" else "all linear"
        cap = Tex(f"{depth} hidden layers, ${widths_tex(depth)}$, {between}", font_size=26, color=self.theme.muted)
        return cap.next_to(self.stack_axes, UP, buff=0.25)

    def stack_formula(self, layer: Layer) -> MathTex:
        """The collapsed stack as ``y = a x + c`` in the output colour, row 1 of the left panel."""
        mob = MathTex(r"\text{one layer: }" + line_tex(layer.weight[0, 0], layer.bias[0]),
                      font_size=34, color=self.theme.output)
        return self.place(mob, -3.55, 1)

    def stack_diagram(self, depth: int) -> LayerDiagram:
        """The stack of ``depth`` hidden layers drawn unit by unit, on the right half (empty until x² comes)."""
        diagram = LayerDiagram(stack(depth).widths, width=3.6, height=2.2, input_labels=["x"],
                               output_labels=["y"], theme=self.theme)
        return diagram.move_to([3.55, 1.15, 0])

    def one_layer_diagram(self) -> VGroup:
        """``=``, the one layer 1 → 1 every linear stack collapses to, and its name: under :meth:`stack_diagram`."""
        t = self.theme
        one = LayerDiagram([1, 1], width=1.4, height=0.5, input_labels=["x"], output_labels=["y"], theme=t)
        one.move_to([3.2, -1.05, 0])
        equals = MathTex("=", font_size=40, color=t.text).next_to(one, LEFT, buff=0.45)
        caption = Tex("one layer", font_size=28, color=t.muted).next_to(one, RIGHT, buff=0.45)
        return VGroup(equals, one, caption)

    def stack_graph(self, depth: int, activation: str = "linear") -> PiecewiseGraph:
        return PiecewiseGraph(self.stack_axes, stack_function(depth, activation), theme=self.theme)

    def line_view(self, fit: Fit) -> FitView:
        """Band, exact graph and kink dots of an x² fit on the x² axes."""
        return fit_view(self.x2_axes, fit, square, theme=self.theme)

    # ------------------------------------------------------------------- beats
    def first_layer(self) -> None:
        self.beat("A linear layer")
        self.build_title()
        self.build_equations()
        f = two_layers().layers[0]
        rows, cols = f.weight.shape
        eq = self.f_eq
        self.narrate("A layer without activation: f(x) = W₁x + b₁, a matrix times x plus a vector.",
                     FadeIn(self.title), FadeIn(eq.label), FadeIn(eq.variable), FadeIn(eq.plus),
                     Create(eq.weight), Create(eq.bias), run_time=2.5)
        with self.narrating(f"W₁, {rows} × {cols}, from a real network, takes {cols} numbers to {rows}; "
                            "b₁ adds one to each."):
            self.play(Write(eq.names[0]), Indicate(eq.weight, color=self.theme.layer_color(0)), run_time=1.5)
            row = SurroundingRectangle(eq.weight.get_rows()[0], color=self.theme.accent, buff=0.06)
            self.play(Create(row), run_time=0.6)
            self.play(row.animate.move_to(SurroundingRectangle(eq.weight.get_rows()[-1], buff=0.06)), run_time=1.2)
            self.play(FadeOut(row), run_time=0.4)
            self.play(Write(eq.names[1]), Indicate(eq.bias, color=self.theme.layer_color(0)), run_time=1.2)

    def second_layer(self) -> None:
        self.beat("A second linear layer")
        rows, cols = two_layers().layers[1].weight.shape
        self.f_eq.generate_target()
        self.f_eq.target.scale(0.82 / 1.3).move_to(self.f_slot)
        with self.narrating(f"A second layer, g(x) = W₂x + b₂, takes those {cols} numbers back to {rows}."):
            self.play(MoveToTarget(self.f_eq), run_time=1.2)
            self.play(FadeIn(self.g_eq, shift=0.3 * LEFT), run_time=1.6)
            self.play(Indicate(self.g_eq.names), run_time=1.0)

    def two_are_one(self) -> None:
        self.beat("Two layers are one")
        t = self.theme
        self.narrate("Feed f into g and multiply out: g(f(x)) = W₂(W₁x + b₁) + b₂.",
                     Write(self.algebra[:9]), run_time=3)
        with self.narrating("Regroup: W₂W₁ is one matrix, W₂b₁ + b₂ one vector; call them W and b."):
            self.play(Write(self.algebra[9:]), run_time=2.2)
            self.play(FadeIn(self.naming, shift=0.2 * DOWN), run_time=0.8)
            self.play(Indicate(self.naming[0]), Indicate(self.naming[5]), run_time=0.8)
        rows, cols = self.one_eq.weight.values.shape
        boxes = [self.entry_highlight(i, j) for i in range(rows) for j in range(cols)]
        with self.narrating("Each entry of W is a row of W₂ times a column of W₁."):
            self.play(FadeIn(self.one_eq, shift=0.2 * DOWN), run_time=1.0)
            self.play(*(Create(box) for box in boxes[0]), run_time=0.7)
            for box in boxes[1:]:
                self.play(*(Transform(a, b) for a, b in zip(boxes[0], box)), run_time=0.7)
            self.play(*(FadeOut(box) for box in boxes[0]), run_time=0.4)
        with self.narrating("Two-decimal products have four decimals, so every entry of W and b checks by "
                            "hand."):
            self.play(Circumscribe(self.one_eq.weight, color=t.layer_color(-1)), run_time=1.5)
            self.play(Circumscribe(self.one_eq.bias, color=t.layer_color(-1)), run_time=1.5)
        x = ", ".join(words(v) for v in EXAMPLE_INPUT)
        with self.narrating(f"Check with x = ({x}): both layers, or the single one, give the same output."):
            self.play(FadeIn(self.check, shift=0.2 * UP), run_time=1.5)
            self.play(Indicate(self.check[3]), run_time=1.2)
            self.play(Indicate(self.check[5]), run_time=1.2)
        with self.narrating("Two linear layers do exactly the work of one."):
            self.play(Circumscribe(VGroup(self.f_eq, self.g_eq), color=t.accent), run_time=1.2)
            self.play(Circumscribe(self.one_eq, color=t.layer_color(-1)), run_time=1.2)

    def deeper_stacks(self) -> None:
        self.beat("Deeper stacks stay straight")
        self.build_panels()
        first = STACK_DEPTHS[0]
        self.stack_line = self.stack_graph(first)
        self.diagram = self.stack_diagram(first)
        equations = VGroup(self.f_eq, self.g_eq, self.algebra, self.naming, self.one_eq, self.check)
        self.narrate(f"Now one input, one output, and hidden layers of {STACK_WIDTH} linear units. One hidden "
                     "layer: a straight line.",
                     FadeOut(equations), Create(self.stack_axes), FadeIn(self.stack_caption),
                     Create(self.stack_line), FadeIn(self.kinks_readout), FadeIn(self.line_formula),
                     Create(self.diagram), run_time=2.5)
        for depth in STACK_DEPTHS[1:]:
            graph, caption = self.stack_graph(depth), self.caption_for_stack(depth)
            formula = self.stack_formula(stack(depth).collapse())
            last = depth == STACK_DEPTHS[-1]
            kinks = len(graph.function.breakpoints)
            text = (f"With {depth} hidden layers: another straight line." if not last else
                    f"With {depth}: still straight, {'no' if kinks == 0 else kinks} kinks; its slope and "
                    "intercept are the collapsed layer's W and b.")
            diagram = self.stack_diagram(depth)
            if not last:
                self.narrate(text, ReplacementTransform(self.stack_line, graph),
                             FadeTransform(self.stack_caption, caption), ReplacementTransform(self.diagram, diagram),
                             FadeTransform(self.line_formula, formula), run_time=1.5)
            else:  # the deepest stack, then the one layer it collapses to, beside it
                self.one_layer = self.one_layer_diagram()
                with self.narrating(text):
                    self.play(ReplacementTransform(self.stack_line, graph), FadeTransform(self.stack_caption, caption),
                              ReplacementTransform(self.diagram, diagram), run_time=1.5)
                    self.play(FadeIn(self.one_layer[0]), TransformFromCopy(diagram, self.one_layer[1]),
                              FadeTransform(self.line_formula, formula), run_time=1.8)
                    self.play(FadeIn(self.one_layer[2], shift=0.2 * UP), Indicate(formula), run_time=1.2)
            self.stack_line, self.stack_caption, self.line_formula, self.diagram = graph, caption, formula, diagram

    def line_on_x2(self) -> None:
        self.beat("A linear layer meets x squared")
        snapshots = line_snapshots()
        step, fit = snapshots[0]
        self.x2_view = self.line_view(fit)
        self.narrate(f"On the right, train one linear layer on x² over [{words(DOMAIN[0])}, {words(DOMAIN[1])}], "
                     "from a random line.",
                     FadeOut(self.diagram), *(FadeOut(part) for part in self.one_layer),
                     Create(self.x2_axes), FadeIn(self.x2_caption), Create(self.target_curve),
                     FadeIn(self.target_label), Create(self.x2_view.graph), FadeIn(self.x2_view.band),
                     FadeIn(self.step_readout), FadeIn(self.mse_readout), run_time=2.5)
        # one mobject per part, transformed snapshot after snapshot, one play each (a chain of
        # transforms of the same readout inside one Succession leaves copies on screen)
        views = [self.line_view(fit) for _, fit in snapshots[1:]]
        last = snapshots[-1][1]
        with self.narrating(f"It swings into place and settles at MSE {words(last.mse)}, "
                            "the best straight line there is."):
            for (step, fit), view in zip(snapshots[1:], views):  # one play per snapshot: no stray copies
                self.play(Transform(self.x2_view.graph, view.graph), Transform(self.x2_view.band, view.band),
                          self.step_readout.change_to(step), self.mse_readout.change_to(fit.mse), run_time=0.8)
        # swap in the last snapshot's own mobjects (same points): what is on screen is what it says
        self.remove(self.x2_view.band, self.x2_view.graph)
        self.x2_view = views[-1]
        self.add(self.x2_view.band, self.x2_view.graph)
        self.narrate("A line cannot bend, so no amount of training does better.",
                     FadeIn(self.best_readout), run_time=1)

    def relu_between(self) -> None:
        self.beat("ReLU between the layers")
        t = self.theme
        depth = STACK_DEPTHS[-1]
        bent = self.stack_graph(depth, "relu")
        dots = breakpoint_dots(self.stack_axes, bent.function, theme=t)
        caption = self.caption_for_stack(depth, "relu")
        pieces = Readout(r"\text{pieces}", bent.function.num_pieces, style="integer", theme=t)
        self.place(pieces, -3.55, 1)
        kinks = len(bent.function.breakpoints)
        self.narrate(f"Keep every weight of the {depth}-layer stack, put ReLU between the layers: the line "
                     f"breaks into {bent.function.num_pieces} pieces, {kinks} kinks.",
                     ReplacementTransform(self.stack_line, bent), FadeTransform(self.stack_caption, caption),
                     self.kinks_readout.change_to(kinks), FadeTransform(self.line_formula, pieces),
                     GrowFromCenter(dots), run_time=2.5)
        self.stack_line, self.stack_caption, self.stack_dots = bent, caption, dots
        units = sum(stack(depth).widths[1:-1])
        stack_units = Readout(r"\text{ReLU units}", units, style="integer", theme=t)
        self.place(stack_units, -3.55, 2)
        self.narrate(f"Why only {kinks} kinks from {units} ReLU units? Each unit switches where its input "
                     "crosses zero; that bends the output only if later units pass it on, and only switches "
                     "inside this window show.",
                     FadeIn(stack_units, shift=0.2 * UP),
                     LaggedStart(*(Indicate(d, scale_factor=2.5) for d in dots), lag_ratio=0.5), run_time=4)
        fit = relu_fit()
        new = self.line_view(fit)
        x2_units = Readout(r"\text{ReLU units}", fit.units, style="integer", theme=t)
        self.place(x2_units, 3.55, 0)
        self.x2_caption_relu = Tex(rf"$1 \to {fit.units} \to 1$ with ReLU, fitted to $x^2$", font_size=28,
                                   color=t.muted).move_to(self.x2_caption)
        self.narrate(f"On x², {fit.units} ReLU units bend {len(fit.function.breakpoints)} "
                     f"times, and the MSE falls from {words(best_line().mse)} to {words(fit.mse)}.",
                     ReplacementTransform(self.x2_view.graph, new.graph),
                     ReplacementTransform(self.x2_view.band, new.band), GrowFromCenter(new.dots),
                     FadeTransform(self.step_readout, x2_units), FadeTransform(self.x2_caption, self.x2_caption_relu),
                     self.mse_readout.change_to(fit.mse), run_time=2.5)
        self.x2_view = new

    def closing(self) -> None:
        self.beat("Why the activation matters")
        t = self.theme
        depth = STACK_DEPTHS[-1]
        lines = [self.stack_graph(depth).set_color(t.muted), self.line_view(best_line()).graph.set_color(t.muted)]
        ghosts = VGroup(*(DashedVMobject(line, num_dashes=40) for line in lines))
        ghost_tracers = [Dot(line.get_start(), radius=0.08, color=t.muted) for line in lines]
        self.narrate("Without an activation, depth buys nothing: any linear stack is one layer in "
                     "disguise.", Create(ghosts),
                     *(MoveAlongPath(d, line, rate_func=linear) for d, line in zip(ghost_tracers, lines)), run_time=3)
        self.remove(*ghost_tracers)
        tracers = [Dot(graph.get_start(), radius=0.08, color=t.accent)
                   for graph in (self.stack_line, self.x2_view.graph)]
        self.narrate("ReLU's single kink, repeated, is what lets a network bend.",
                     *(MoveAlongPath(dot, graph, rate_func=linear)
                       for dot, graph in zip(tracers, (self.stack_line, self.x2_view.graph))),
                     LaggedStart(*(Indicate(d, scale_factor=2) for d in [*self.stack_dots, *self.x2_view.dots]),
                                 lag_ratio=0.4), FadeOut(ghosts), run_time=2.8, wait=0.8)
