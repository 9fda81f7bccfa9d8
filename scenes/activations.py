"""Chapter "Activations and their gradients".

Four activations side by side with their derivatives: sigmoid and tanh (smooth,
sampled), ReLU and leaky ReLU (piecewise linear, drawn exactly through their
kink, their derivatives exact steps). Then why the smooth ones fade in deep
networks: σ' ≤ 1/4, so a product of one σ' per layer shrinks at least fourfold
per layer, shown for a real random sigmoid network. Then ReLU's own failure: a
unit whose kink lies outside the data is flat zero there and gets no gradient,
and how many units start that way at PyTorch's default initialisation.

Every number drawn comes from :mod:`relu_anim` (:mod:`relu_anim.story.activations`
for the maths); the literals below are story choices: the views, the leaky
slope shown, the depth, widths and seeds.

Preview::

    manim -pql scenes/activations.py        # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UL, UP, Axes, Circle, Create, Cross, Dot, FadeIn, FadeOut, GrowFromCenter,
                   Indicate, Line, MathTex, Rectangle, Tex, ValueTracker, VGroup, VMobject, Write,
                   linear)

from relu_anim import x2
from relu_anim.construct import random_network
from relu_anim.story.activations import (SIGMOID_DERIVATIVE_MAX, DeadUnit, activation_network, dead_share,
                                         dead_unit_example, derivative_steps, sigmoid, sigmoid_derivative,
                                         sigmoid_derivative_bound, sigmoid_derivative_product, tanh,
                                         tanh_derivative, unit_gradient)
from relu_anim.piecewise import PiecewiseLinear
from relu_anim.story.neuron import single_unit
from relu_anim.story.numbers import affine_tex, format_tex, words
from relu_anim.story.units import dead_units, first_layer_kinks
from relu_anim.visual import (ChapterScene, PiecewiseGraph, Readout, View, breakpoint_dots, level_line,
                              make_axes, target_graph)

__all__ = ["Activations", "X_RANGE", "Y_RANGE", "RELU_VIEW", "LEAKY_SLOPE", "DEPTH", "DATA",
           "relu_function", "leaky_function", "derivative_of", "path_products", "depth_bound",
           "the_dead_unit", "data_points", "dead_unit_gradient", "grid_network", "measured_dead_share"]

# --------------------------------------------------------------- the story's choices
#: Where the four activations are shown, and the height of their panels.
X_RANGE = (-3.0, 3.0)
Y_RANGE = (-1.0, 1.5)
#: ReLU and leaky ReLU are drawn up to where they leave the panel's top.
RELU_VIEW = (-3.0, 1.5)
#: The leaky slope shown (PyTorch's default is 0.01: too small to see).
LEAKY_SLOPE = 0.1
#: Layers of the random sigmoid network, its width, seed and input.
DEPTH = 10
WIDTH = 8
SEED = 0
INPUT = 1.0
#: The data interval of the x² story (:mod:`relu_anim.x2`), the view around it, and the data points of the gradient.
DATA = x2.DOMAIN
UNIT_VIEW = (-2.0, 4.0)
DATA_COUNT = 21
#: One freshly initialised layer shown unit by unit.
GRID_UNITS = 20
GRID_SEED = 0
#: The measurement: layers of this many units, this many seeds.
SHARE_UNITS = 100
SHARE_SEEDS = range(1000)


# ------------------------------------------------------------ the numbers, from relu_anim
def relu_function() -> PiecewiseLinear:
    """ReLU as an exact piecewise-linear function on :data:`RELU_VIEW`."""
    return activation_network("relu").piecewise(*RELU_VIEW)


def leaky_function() -> PiecewiseLinear:
    """Leaky ReLU (slope :data:`LEAKY_SLOPE` left of 0), exact, on :data:`RELU_VIEW`."""
    return activation_network("leaky_relu", LEAKY_SLOPE).piecewise(*RELU_VIEW)


def derivative_of(kind: str) -> list[tuple[float, float, float]]:
    """The exact step derivative of ``"relu"`` or ``"leaky_relu"`` across :data:`X_RANGE`."""
    return derivative_steps(activation_network(kind, LEAKY_SLOPE).piecewise(*X_RANGE))


def path_products() -> np.ndarray:
    """Best-path products of σ' through layers 1…DEPTH of a random sigmoid network."""
    return sigmoid_derivative_product(DEPTH, width=WIDTH, seed=SEED, x=INPUT)


def depth_bound() -> np.ndarray:
    """0.25^L for L = 1…DEPTH."""
    return sigmoid_derivative_bound(DEPTH)


def the_dead_unit() -> DeadUnit:
    """A real dead unit of the default initialisation, kink visible in :data:`UNIT_VIEW`."""
    return dead_unit_example(DATA, UNIT_VIEW)


def data_points() -> np.ndarray:
    """The data the gradient is summed over: evenly spread on :data:`DATA`."""
    return np.linspace(*DATA, DATA_COUNT)


def dead_unit_gradient() -> tuple[float, float]:
    """(∂/∂w, ∂/∂b) of the dead unit's output summed over the data."""
    u = the_dead_unit()
    return unit_gradient(u.weight, u.bias, data_points())


def grid_network():
    """One freshly initialised layer of :data:`GRID_UNITS` units."""
    return random_network([1, GRID_UNITS, 1], seed=GRID_SEED)


def measured_dead_share() -> float:
    """Share of units dead on :data:`DATA` at initialisation, averaged over :data:`SHARE_SEEDS`."""
    return dead_share(SHARE_UNITS, DATA, seeds=SHARE_SEEDS)


# ------------------------------------------------------------------------ drawing
@dataclass(frozen=True, eq=False)
class ActivationView(View):
    """One activation's panel: its graph and derivative on small axes, named and labelled.

    Attributes
    ----------
    dots
        The kink of ReLU-like activations (empty for smooth ones).
    bound
        The sigmoid's bound on its derivative, a dashed line and its value (empty otherwise).
    """

    axes: Axes
    title: Tex
    graph: VMobject
    derivative: VGroup
    labels: VGroup
    dots: VGroup
    bound: VGroup


#: Centres of the four panels: sigmoid, tanh (top), ReLU, leaky ReLU (bottom).
PANEL_CENTRES = [np.array([-3.5, 1.05, 0]), np.array([3.5, 1.05, 0]),
                 np.array([-3.5, -2.45, 0]), np.array([3.5, -2.45, 0])]


class Activations(ChapterScene):
    """Sigmoid, tanh, ReLU, leaky ReLU; vanishing products; dead units (storyboard: activations)."""

    def construct(self) -> None:
        self.sigmoid_panel()
        self.tanh_panel()
        self.relu_panel()
        self.leaky_panel()
        self.vanishing_product()
        self.dead_unit()
        self.dead_share()

    # ------------------------------------------------------------------ layout
    def build_title(self) -> None:
        self.title = self.chapter_title("Activations and their gradients")

    def panel_axes(self, slot: int) -> Axes:
        axes = make_axes((X_RANGE[0], X_RANGE[1], 1), (Y_RANGE[0], Y_RANGE[1], 1), x_length=5.6,
                         y_length=2.45, font_size=20, x_label=None, theme=self.theme)
        return axes.move_to(PANEL_CENTRES[slot])

    def labels(self, axes: Axes, f_tex: str, df_tex: str) -> VGroup:
        """``f(x)`` and ``f'(x)`` in their colours, at the panel's top left."""
        t = self.theme
        f = MathTex(f_tex, font_size=28, color=t.unit)
        df = MathTex(df_tex, font_size=28, color=t.accent)
        group = VGroup(f, df).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
        return group.move_to(axes.c2p(X_RANGE[0], Y_RANGE[1]), aligned_edge=UL).shift(0.1 * RIGHT)

    def panel_title(self, axes: Axes, text: str) -> Tex:
        return Tex(text, font_size=30, color=self.theme.text).next_to(axes, UP, buff=0.05).align_to(axes, RIGHT)

    def smooth_panel(self, slot: int, title: str, f: Callable, df: Callable, f_tex: str,
                     df_tex: str) -> ActivationView:
        t = self.theme
        axes = self.panel_axes(slot)
        graph = target_graph(axes, f, X_RANGE, color=t.unit, theme=t, stroke_width=4)
        derivative = VGroup(target_graph(axes, df, X_RANGE, color=t.accent, theme=t, stroke_width=4))
        return ActivationView(axes, self.panel_title(axes, title), graph, derivative,
                              self.labels(axes, f_tex, df_tex), VGroup(), VGroup())

    def step_graph(self, axes: Axes, steps: list[tuple[float, float, float]]) -> VGroup:
        """The derivative as what it is: one flat segment per piece, open at the jump."""
        t = self.theme
        group = VGroup()
        for a, b, s in steps:
            group.add(Line(axes.c2p(a, s), axes.c2p(b, s), color=t.accent, stroke_width=5))
        for (_, b, s), (_, _, s_next) in zip(steps, steps[1:]):
            for level in (s, s_next):
                group.add(Dot(axes.c2p(b, level), radius=0.06, color=t.background, stroke_color=t.accent,
                              stroke_width=3, fill_opacity=1))
        return group

    def relu_like_panel(self, slot: int, title: str, f: PiecewiseLinear, kind: str, f_tex: str,
                        df_tex: str) -> ActivationView:
        t = self.theme
        axes = self.panel_axes(slot)
        graph = PiecewiseGraph(axes, f, color=t.unit, theme=t, stroke_width=4)
        return ActivationView(axes, self.panel_title(axes, title), graph,
                              self.step_graph(axes, derivative_of(kind)), self.labels(axes, f_tex, df_tex),
                              breakpoint_dots(axes, f, theme=t), VGroup())

    def build_sigmoid(self) -> ActivationView:
        panel = self.smooth_panel(0, "sigmoid", sigmoid, sigmoid_derivative, r"\sigma(x)", r"\sigma'(x)")
        bound = level_line(panel.axes, SIGMOID_DERIVATIVE_MAX, theme=self.theme)
        label = MathTex(format_tex(SIGMOID_DERIVATIVE_MAX, digits=2), font_size=24, color=self.theme.accent)
        label.next_to(panel.axes.c2p(X_RANGE[1], SIGMOID_DERIVATIVE_MAX), RIGHT, buff=0.1)
        panel.bound.add(bound, label)
        return panel

    def build_tanh(self) -> ActivationView:
        return self.smooth_panel(1, "tanh", tanh, tanh_derivative, r"\tanh(x)", r"\tanh'(x)")

    def build_relu(self) -> ActivationView:
        return self.relu_like_panel(2, "ReLU", relu_function(), "relu", r"\mathrm{ReLU}(x)",
                                    r"\mathrm{ReLU}'(x)")

    def build_leaky(self) -> ActivationView:
        return self.relu_like_panel(3, f"leaky ReLU, slope {format_tex(LEAKY_SLOPE, digits=1)}",
                                    leaky_function(), "leaky_relu", r"\mathrm{leaky}(x)",
                                    r"\mathrm{leaky}'(x)")

    def panel_drawn(self, p: ActivationView) -> list:
        """The animations drawing a whole panel: axes, title, graph, kink (if any), derivative, labels."""
        kink = [GrowFromCenter(p.dots)] if len(p.dots) else []
        return [Create(p.axes), FadeIn(p.title), Create(p.graph), *kink, Create(p.derivative), FadeIn(p.labels)]

    # -- the vanishing product
    def build_depth_plot(self) -> None:
        """Axes with layers L across and log₁₀ of the product up, readouts beside."""
        t = self.theme
        products, bound = path_products(), depth_bound()
        low = int(np.floor(np.log10(min(products.min(), bound.min()))))
        self.depth_low = low
        # y coordinate: log10(value) − low, so the L axis runs along the bottom
        self.depth_axes = make_axes((0, DEPTH, 1), (0, -low, 1), x_length=6.6, y_length=4.6, numbers=False,
                                    x_label=None, theme=t)
        self.depth_axes.move_to([-2.6, -0.35, 0])
        ticks = VGroup()
        for k in range(1, DEPTH + 1):
            ticks.add(MathTex(str(k), font_size=22, color=t.text).next_to(self.depth_axes.c2p(k, 0), DOWN, 0.12))
        for k in range(low, 1):
            ticks.add(MathTex(f"10^{{{k}}}", font_size=22, color=t.text)
                      .next_to(self.depth_axes.c2p(0, k - low), LEFT, buff=0.12))
        ticks.add(Tex("layers $L$", font_size=26, color=t.muted)
                  .next_to(self.depth_axes.c2p(DEPTH / 2, 0), DOWN, buff=0.5))
        self.depth_ticks = ticks
        self.bound_dots = VGroup(*(Circle(radius=0.11, color=t.muted, stroke_width=3).move_to(self.depth_point(L, v))
                                   for L, v in enumerate(bound, start=1)))
        self.product_dots = VGroup(*(Dot(self.depth_point(L, v), radius=0.06, color=t.error)
                                     for L, v in enumerate(products, start=1)))
        relu_slope = self.relu_line_slope = activation_network("relu").piecewise(*X_RANGE).slopes[-1]
        self.relu_line = Line(self.depth_point(1, relu_slope), self.depth_point(DEPTH, relu_slope ** DEPTH),
                              color=t.unit, stroke_width=4)
        self.relu_label = Tex("ReLU, active path", font_size=24, color=t.unit)
        self.relu_label.next_to(self.relu_line, DOWN, buff=0.12).align_to(self.relu_line, RIGHT)

        self.layer_readout = Readout("L", DEPTH, style="integer", theme=t, font_size=32)
        self.bound_readout = Readout(r"0.25^{L}", bound[-1], theme=t, color=t.muted, font_size=32)
        self.product_readout = Readout(r"\text{best path }\textstyle\prod\sigma'", products[-1], theme=t, color=t.error,
                                       font_size=32)
        self.depth_readouts = VGroup(self.layer_readout, self.bound_readout, self.product_readout)
        for readout, y in zip(self.depth_readouts, (1.6, 0.9, 0.2)):
            readout.move_to([1.6, y, 0], aligned_edge=LEFT)
        self.depth_note = Tex(rf"random sigmoid net: {DEPTH} layers of {WIDTH} units", font_size=24,
                              color=t.muted).move_to([1.6, -0.5, 0], aligned_edge=LEFT)

    def depth_point(self, layer: float, value: float) -> np.ndarray:
        return self.depth_axes.c2p(layer, np.log10(value) - self.depth_low)

    def show_layer(self, readouts_at: int) -> None:
        """Readouts for the first ``readouts_at`` layers (1-based)."""
        products, bound = path_products(), depth_bound()
        self.layer_readout.set_value(readouts_at)
        self.bound_readout.set_value(bound[readouts_at - 1])
        self.product_readout.set_value(products[readouts_at - 1])

    # -- the dead unit
    def build_dead_unit(self) -> None:
        t = self.theme
        u = the_dead_unit()
        f = u.network().piecewise(*UNIT_VIEW)
        top = float(np.ceil(max(f.knot_values.max(), 1.0)))
        self.unit_axes = make_axes((UNIT_VIEW[0], UNIT_VIEW[1], 1), (-0.5, top, 1), x_length=6.6, y_length=3.8,
                                   font_size=22, theme=t)
        self.unit_axes.move_to([-2.7, -0.2, 0])
        lo, hi = self.unit_axes.c2p(DATA[0], -0.5), self.unit_axes.c2p(DATA[1], top)
        self.data_band = Rectangle(width=hi[0] - lo[0], height=hi[1] - lo[1], stroke_width=0,
                                   fill_color=t.muted, fill_opacity=0.22).move_to((lo + hi) / 2)
        a, b = (format_tex(v, trim=True) for v in DATA)
        self.data_label = Tex(f"data $[{a}, {b}]$", font_size=26, color=t.muted)
        self.data_label.next_to(self.data_band, UP, buff=0.08)
        self.unit_graph = PiecewiseGraph(self.unit_axes, f, color=t.unit, theme=t)
        self.unit_kink = breakpoint_dots(self.unit_axes, f, theme=t)
        self.unit_formula = MathTex(r"\mathrm{ReLU}(" + affine_tex([u.weight], u.bias, ["x"]) + ")",
                                    font_size=32, color=t.unit)
        self.unit_formula.move_to([1.6, 1.7, 0], aligned_edge=LEFT)
        self.kink_readout = Readout(r"\text{kink at } x", u.kink, theme=t, color=t.breakpoint, font_size=32)
        dw, db = dead_unit_gradient()
        self.dw_readout = Readout(r"\partial/\partial w", dw, style="fixed", digits=1, theme=t, color=t.error,
                                  font_size=32)
        self.db_readout = Readout(r"\partial/\partial b", db, style="fixed", digits=1, theme=t, color=t.error,
                                  font_size=32)
        for readout, y in zip((self.kink_readout, self.dw_readout, self.db_readout), (0.95, 0.1, -0.6)):
            readout.move_to([1.6, y, 0], aligned_edge=LEFT)
        self.gradient_note = Tex(f"summed over {DATA_COUNT} data points", font_size=24, color=t.muted)
        self.gradient_note.next_to(self.db_readout, DOWN, buff=0.3).align_to(self.db_readout, LEFT)

    # -- the share of dead units
    def build_grid(self) -> None:
        """Every unit of one fresh layer, drawn exactly on the data; dead ones crossed out."""
        t = self.theme
        net = grid_network()
        kinks = first_layer_kinks(net)
        columns = 5
        self.grid = VGroup()
        self.grid_dead = VGroup()
        self.grid_crosses = VGroup()
        for i in range(GRID_UNITS):
            unit = single_unit(net, i)
            f = unit.piecewise(*DATA)
            axes = make_axes((DATA[0], DATA[1], 1), (0, 3, 1), x_length=1.7, y_length=0.8, numbers=False,
                             x_label=None, theme=t, axis_config={"include_ticks": False, "stroke_width": 1.5})
            row, col = divmod(i, columns)
            axes.move_to([-4.6 + 2.3 * col, 1.35 - 1.25 * row, 0])
            dead = bool(np.all(f.knot_values <= 0))
            graph = PiecewiseGraph(axes, f, color=t.error if dead else t.unit, theme=t, stroke_width=3.5)
            cell = VGroup(axes, graph)
            cell.function = f
            cell.kink = kinks[i]
            cell.dead = dead
            self.grid.add(cell)
            if dead:
                self.grid_dead.add(cell)
                self.grid_crosses.add(Cross(axes, stroke_color=t.error, stroke_width=3, scale_factor=0.55))
        a, b = (format_tex(v, trim=True) for v in DATA)
        self.grid_title = Tex(f"each unit $\\mathrm{{ReLU}}(w x + b)$ of one new layer, on the data $[{a}, {b}]$",
                              font_size=28, color=t.muted).move_to([0, 2.45, 0])
        dead_here = dead_units(net, DATA)
        self.grid_count = Readout(r"\text{dead in this layer}", dead_here, style="integer", theme=t,
                                  color=t.error, font_size=30)
        of = Tex(f"of {GRID_UNITS}", font_size=30, color=t.text).next_to(self.grid_count, RIGHT, buff=0.15)
        of.align_to(self.grid_count.number, DOWN)
        self.grid_readout = VGroup(self.grid_count, of).move_to([-6.6, -3.55, 0], aligned_edge=LEFT)
        self.share_readout = Readout(rf"\text{{average over {len(SHARE_SEEDS)} layers of {SHARE_UNITS}}}",
                                     100 * measured_dead_share(), style="fixed", digits=3, theme=t,
                                     color=t.error, font_size=30)
        percent_sign = MathTex(r"\%", font_size=30, color=t.error)
        percent_sign.next_to(self.share_readout, RIGHT, buff=0.08)
        self.share_group = VGroup(self.share_readout, percent_sign)
        self.share_group.move_to([0.9, -3.55, 0], aligned_edge=LEFT)

    # ------------------------------------------------------------------- beats
    def sigmoid_panel(self) -> None:
        self.beat("Sigmoid")
        self.build_title()
        self.sigmoid = self.build_sigmoid()
        p = self.sigmoid
        self.narrate("Four activations, each beside its slope. First the sigmoid, an S that squashes any input "
                     "into a narrow band.",
                     FadeIn(self.title), Create(p.axes), FadeIn(p.title), Create(p.graph), FadeIn(p.labels[0]),
                     run_time=2.5)
        self.narrate(f"Its slope is a low bump: even at its peak, x = 0, it is only {words(SIGMOID_DERIVATIVE_MAX)}.",
                     Create(p.derivative), FadeIn(p.labels[1]), Create(p.bound[0]), FadeIn(p.bound[1]),
                     run_time=2)

    def tanh_panel(self) -> None:
        self.beat("Tanh")
        self.tanh = self.build_tanh()
        p = self.tanh
        self.narrate(f"tanh is the same S, centred on zero. Its slope reaches {words(tanh_derivative(0.0))} at the "
                     "centre, but it too flattens out far away.",
                     *self.panel_drawn(p), run_time=2.5)

    def relu_panel(self) -> None:
        self.beat("ReLU")
        self.relu = self.build_relu()
        p = self.relu
        slopes = p.graph.function.slopes
        self.narrate(f"ReLU: two straight pieces and a kink. Its slope is a step, exactly {words(slopes[0])} on the "
                     f"left and exactly {words(slopes[1])} on the right.", *self.panel_drawn(p), run_time=2.5)

    def leaky_panel(self) -> None:
        self.beat("Leaky ReLU")
        self.leaky = self.build_leaky()
        p = self.leaky
        slopes = p.graph.function.slopes
        self.narrate(f"Leaky ReLU tilts the left piece slightly, here to slope {words(slopes[0])}, so its "
                     "slope is never zero.", *self.panel_drawn(p), run_time=2.5)

    def vanishing_product(self) -> None:
        self.beat("Vanishing products")
        panels = VGroup(self.tanh.group, self.relu.group, self.leaky.group, self.sigmoid.group)
        self.build_depth_plot()
        self.show_layer(1)
        self.narrate(f"Backpropagation multiplies one such slope per layer; with sigmoids, each factor is at most "
                     f"{words(SIGMOID_DERIVATIVE_MAX)}.",
                     FadeOut(panels), Create(self.depth_axes), FadeIn(self.depth_ticks),
                     FadeIn(self.depth_readouts), FadeIn(self.depth_note), run_time=2)
        tracker = ValueTracker(1)
        products = path_products()

        def layer_now() -> int:
            return int(np.clip(np.floor(tracker.get_value() + 1e-9), 1, DEPTH))

        for L, (ring, dot) in enumerate(zip(self.bound_dots, self.product_dots), start=1):
            ring.add_updater(lambda m, L=L: m.set_stroke(opacity=float(layer_now() >= L)))
            dot.add_updater(lambda m, L=L: m.set_opacity(float(layer_now() >= L)))
        self.depth_readouts.add_updater(lambda _: self.show_layer(layer_now()))
        self.add(self.bound_dots, self.product_dots)
        self.narrate(f"Layer by layer, in a real random network of sigmoids: the bound "
                     f"{words(SIGMOID_DERIVATIVE_MAX)} to the L, and the "
                     f"best path's product. After {DEPTH} layers, {words(products[-1])}: the gradient has "
                     "vanished.",
                     tracker.animate.set_value(DEPTH), run_time=5, rate_func=linear)
        for dot in (*self.bound_dots, *self.product_dots):
            dot.clear_updaters()
        self.depth_readouts.clear_updaters()
        self.show_layer(DEPTH)
        one = words(self.relu_line_slope)
        self.narrate(f"ReLU's slope on an active path is exactly {one}, so the product stays {one}, however deep.",
                     Create(self.relu_line), FadeIn(self.relu_label), run_time=1.5)
        self.depth_scene = VGroup(self.depth_axes, self.depth_ticks, self.depth_readouts, self.depth_note,
                                  self.bound_dots, self.product_dots, self.relu_line, self.relu_label)

    def dead_unit(self) -> None:
        self.beat("A dead ReLU unit")
        self.build_dead_unit()
        u = the_dead_unit()
        a, b = (words(v) for v in DATA)
        self.narrate(f"ReLU fails differently. Here is one real unit of a freshly initialised network; our data "
                     f"lives on [{a}, {b}].",
                     FadeOut(self.depth_scene), Create(self.unit_axes), FadeIn(self.data_band),
                     FadeIn(self.data_label), Write(self.unit_formula), run_time=2)
        self.narrate(f"Its kink sits at x = {words(u.kink)}, outside the data, so on every data point it outputs "
                     "0, flat.",
                     Create(self.unit_graph), GrowFromCenter(self.unit_kink), FadeIn(self.kink_readout),
                     run_time=2)
        self.narrate("Flat means slope zero: the gradients of its weight and bias are exactly zero, so training "
                     "never moves it. The unit is dead.",
                     FadeIn(self.dw_readout), FadeIn(self.db_readout), FadeIn(self.gradient_note),
                     Indicate(self.unit_graph, color=self.theme.error, scale_factor=1.0), run_time=2)
        self.dead_scene = VGroup(self.unit_axes, self.data_band, self.data_label, self.unit_formula,
                                 self.unit_graph, self.unit_kink, self.kink_readout, self.dw_readout,
                                 self.db_readout, self.gradient_note)

    def dead_share(self) -> None:
        self.beat("How many start dead")
        self.build_grid()
        dead_here = len(self.grid_dead)
        self.narrate(f"How common is that? Here are the {GRID_UNITS} units of one new layer as PyTorch "
                     f"initialises them, drawn on the data. {dead_here} are flat.",
                     FadeOut(self.dead_scene), FadeIn(self.grid_title), FadeIn(self.grid, lag_ratio=0.05),
                     run_time=2.5)
        self.narrate("Crossed out: dead before training even begins.",
                     *(Create(c) for c in self.grid_crosses), FadeIn(self.grid_readout), run_time=1.5)
        share = measured_dead_share()
        self.narrate(f"Over {len(SHARE_SEEDS)} such layers of {SHARE_UNITS} units, {words(100 * share, 'fixed')} percent "
                     f"start dead on [{words(DATA[0])}, {words(DATA[1])}]. Leaky slopes, or kinks placed inside "
                     "the data, avoid this.",
                     FadeIn(self.share_group), run_time=1.5, wait=1.0)

    # ------------------------------------------------------------------ stills
    def pose_activations(self) -> list[ActivationView]:
        """The four panels, as at the end of the "Leaky ReLU" beat."""
        self.build_title()
        panels = [self.build_sigmoid(), self.build_tanh(), self.build_relu(), self.build_leaky()]
        self.add(self.title, *(p.group for p in panels))
        return panels

    def pose_vanishing(self) -> None:
        """The end of the "Vanishing products" beat."""
        self.build_title()
        self.build_depth_plot()
        self.show_layer(DEPTH)
        self.add(self.title, self.depth_axes, self.depth_ticks, self.depth_readouts, self.depth_note,
                 self.bound_dots, self.product_dots, self.relu_line, self.relu_label)

    def pose_dead_unit(self) -> None:
        """The end of the "A dead ReLU unit" beat."""
        self.build_title()
        self.build_dead_unit()
        self.add(self.title, self.unit_axes, self.data_band, self.data_label, self.unit_formula,
                 self.unit_graph, self.unit_kink, self.kink_readout, self.dw_readout, self.db_readout,
                 self.gradient_note)

    def pose_dead_share(self) -> None:
        """The end of the chapter."""
        self.build_title()
        self.build_grid()
        self.add(self.title, self.grid_title, self.grid, self.grid_crosses, self.grid_readout, self.share_group)


