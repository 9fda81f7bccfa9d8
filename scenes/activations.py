"""Chapter "Activations and their gradients".

Four activations side by side with their derivatives: sigmoid and tanh (smooth,
sampled), ReLU and leaky ReLU (piecewise linear, drawn exactly through their
kink, their derivatives exact steps), each derivative on its own axes from 0
to 1 so that σ' ≤ 1/4 can be read. Then why the smooth ones fade in deep
networks: the chain rule through a random chain of one sigmoid unit per layer,
∂h_L/∂x = ∏ wₗ·σ'(zₗ), factor by factor, against the bound 0.25^L that holds
while every |w| ≤ 1. Then ReLU's own failure: a unit whose kink lies outside the
data is flat zero there, and the loss's gradient with respect to its w and b is
exactly zero; two remedies shown on that unit (a leaky slope, a kink placed
inside the data); and how many units start dead at PyTorch's default
initialisation.

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
                   Indicate, Line, MathTex, Rectangle, ReplacementTransform, Tex, ValueTracker, VGroup, VMobject, Write,
                   linear)

from relu_anim import x2
from relu_anim.construct import random_network
from relu_anim.story.activations import (SIGMOID_DERIVATIVE_MAX, ChainGradient, DeadUnit, activation_network,
                                         dead_share, dead_unit_example, derivative_steps, sigmoid,
                                         sigmoid_chain_gradient, sigmoid_derivative, sigmoid_derivative_bound,
                                         tanh, tanh_derivative, unit_loss_gradient)
from relu_anim.piecewise import PiecewiseLinear
from relu_anim.story.neuron import single_unit, unit_network
from relu_anim.story.numbers import affine_tex, format_tex, words
from relu_anim.story.units import dead_units, first_layer_kinks
from relu_anim.visual import (ChapterScene, PiecewiseGraph, Readout, View, breakpoint_dots, level_line,
                              make_axes, target_graph)
from relu_anim.visual.steps import side_scale

__all__ = ["Activations", "X_RANGE", "Y_RANGE", "RELU_VIEW", "LEAKY_SLOPE", "DEPTH", "DATA",
           "relu_function", "leaky_function", "derivative_of", "chain", "depth_bound", "the_dead_unit",
           "data_points", "targets", "dead_unit_gradient", "leaky_unit_gradient", "inside_unit",
           "inside_unit_gradient", "grid_network", "measured_dead_share"]

# --------------------------------------------------------------- the story's choices
#: Where the four activations are shown, the height of their panels, and of their derivatives' panels.
X_RANGE = (-3.0, 3.0)
Y_RANGE = (-1.0, 1.5)
DERIVATIVE_RANGE = (0.0, 1.1)
#: ReLU and leaky ReLU are drawn up to where they leave the panel's top.
RELU_VIEW = (-3.0, 1.5)
#: The leaky slope shown (PyTorch's default is 0.01: too small to see).
LEAKY_SLOPE = 0.1
#: Layers of the random sigmoid chain (one unit per layer), its seed and input.
DEPTH = 10
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


def chain() -> ChainGradient:
    """The chain rule, factor by factor, through a random chain of :data:`DEPTH` sigmoid units."""
    return sigmoid_chain_gradient(DEPTH, seed=SEED, x=INPUT)


def depth_bound() -> np.ndarray:
    """0.25^L for L = 1…DEPTH."""
    return sigmoid_derivative_bound(DEPTH)


def the_dead_unit() -> DeadUnit:
    """A real dead unit of the default initialisation, kink visible in :data:`UNIT_VIEW`."""
    return dead_unit_example(DATA, UNIT_VIEW)


def data_points() -> np.ndarray:
    """The data the gradient is summed over: evenly spread on :data:`DATA`."""
    return np.linspace(*DATA, DATA_COUNT)


def targets() -> np.ndarray:
    """The x² targets at :func:`data_points` (:mod:`relu_anim.x2`'s story)."""
    return np.asarray(x2.square(data_points()), dtype=float)


def dead_unit_gradient() -> tuple[float, float]:
    """(∂ℒ/∂w, ∂ℒ/∂b) for the dead unit alone, ℒ = ½ Σ (unit(x) − x²)² over the data: exactly zero."""
    u = the_dead_unit()
    return unit_loss_gradient(u.weight, u.bias, data_points(), targets())


def leaky_unit_gradient() -> tuple[float, float]:
    """The same gradient for the same w and b through leaky ReLU (slope :data:`LEAKY_SLOPE`)."""
    u = the_dead_unit()
    return unit_loss_gradient(u.weight, u.bias, data_points(), targets(), negative_slope=LEAKY_SLOPE)


def inside_unit() -> tuple[float, float]:
    """The dead unit's w with b chosen to put its kink at the data's midpoint: (w, b)."""
    w = the_dead_unit().weight
    return w, -w * (DATA[0] + DATA[1]) / 2


def inside_unit_gradient() -> tuple[float, float]:
    """The same gradient for :func:`inside_unit`."""
    w, b = inside_unit()
    return unit_loss_gradient(w, b, data_points(), targets())


def grid_network():
    """One freshly initialised layer of :data:`GRID_UNITS` units."""
    return random_network([1, GRID_UNITS, 1], seed=GRID_SEED)


def measured_dead_share() -> float:
    """Share of units dead on :data:`DATA` at initialisation, averaged over :data:`SHARE_SEEDS`."""
    return dead_share(SHARE_UNITS, DATA, seeds=SHARE_SEEDS)


# ------------------------------------------------------------------------ drawing
@dataclass(frozen=True, eq=False)
class ActivationView(View):
    """One activation's panel: its graph on small axes, its derivative on axes of its own beside.

    Attributes
    ----------
    axes, derivative_axes
        The activation's axes (y in :data:`Y_RANGE`) and its derivative's (y in
        :data:`DERIVATIVE_RANGE`, x numbered), each with a scale at its left edge.
    dots
        The kink of ReLU-like activations (empty for smooth ones).
    bound
        The sigmoid's bound on its derivative, a dashed line and its value (empty otherwise).
    """

    axes: VGroup
    derivative_axes: VGroup
    title: Tex
    graph: VMobject
    derivative: VGroup
    labels: VGroup
    dots: VGroup
    bound: VGroup


#: Centres of the four panels: sigmoid, tanh (top), ReLU, leaky ReLU (bottom); each holds two axes.
PANEL_CENTRES = [np.array([-3.55, 1.2, 0]), np.array([3.55, 1.2, 0]),
                 np.array([-3.55, -2.3, 0]), np.array([3.55, -2.3, 0])]
PANEL_AXIS_WIDTH, PANEL_HEIGHT, PANEL_GAP = 2.45, 2.3, 1.0


class Activations(ChapterScene):
    """Sigmoid, tanh, ReLU, leaky ReLU; the vanishing chain rule; dead units and their remedies."""

    def construct(self) -> None:
        self.sigmoid_panel()
        self.tanh_panel()
        self.relu_panel()
        self.leaky_panel()
        self.vanishing_product()
        self.relu_factor()
        self.dead_unit()
        self.remedies()
        self.dead_share()

    # ------------------------------------------------------------------ layout
    def build_title(self) -> None:
        self.title = self.chapter_title("Activations and their gradients")

    def panel_axes(self, slot: int) -> tuple[VGroup, VGroup]:
        """The activation's axes and its derivative's, side by side, each with its scale at the left."""
        t = self.theme
        f = make_axes((X_RANGE[0], X_RANGE[1], 1), (Y_RANGE[0], Y_RANGE[1], 1), x_length=PANEL_AXIS_WIDTH,
                      y_length=PANEL_HEIGHT, numbers=False, x_label=None, theme=t)
        df = make_axes((X_RANGE[0], X_RANGE[1], 1), (DERIVATIVE_RANGE[0], DERIVATIVE_RANGE[1], 1),
                       x_length=PANEL_AXIS_WIDTH, y_length=PANEL_HEIGHT, numbers=False, x_label=None, theme=t)
        df.x_axis.add_numbers(range(int(X_RANGE[0]), int(X_RANGE[1]) + 1, 3), font_size=24)
        df.x_axis.numbers.set_color(t.text)
        centre = PANEL_CENTRES[slot]
        half = (PANEL_AXIS_WIDTH + PANEL_GAP) / 2
        for ax, dx in ((f, 0.25 - half), (df, 0.25 + half)):
            ax.y_axis.set_opacity(0)  # would stand at x = 0, through the curves: a scale at the left instead
            ax.move_to(centre + dx * RIGHT)
        f_group = VGroup(f, side_scale(f, [-1, 0, 1], font_size=24, theme=t))
        df_group = VGroup(df, side_scale(df, [0, 0.5, 1], digits=1, font_size=24, theme=t))
        f_group.axes, df_group.axes = f, df
        return f_group, df_group

    def labels(self, axes: Axes, derivative_axes: Axes, f_tex: str, df_tex: str) -> VGroup:
        """``f(x)`` in its colour inside its axes' top left, ``f'(x)`` just above its own axes."""
        t = self.theme
        f = MathTex(f_tex, font_size=28, color=t.unit)
        df = MathTex(df_tex, font_size=28, color=t.slope)
        f.move_to(axes.c2p(X_RANGE[0], Y_RANGE[1]), aligned_edge=UL).shift(0.1 * RIGHT)
        # above its axes: inside, the label would touch the steps' open dots at (0, 1)
        df.next_to(derivative_axes.c2p(X_RANGE[0], DERIVATIVE_RANGE[1]), UP, buff=0.08, aligned_edge=LEFT)
        df.shift(0.1 * RIGHT)
        return VGroup(f, df)

    def panel_title(self, axes: VGroup, text: str) -> Tex:
        return Tex(text, font_size=30, color=self.theme.text).next_to(axes, UP, buff=0.08).align_to(axes, LEFT)

    def smooth_panel(self, slot: int, title: str, f: Callable, df: Callable, f_tex: str,
                     df_tex: str) -> ActivationView:
        t = self.theme
        axes, d_axes = self.panel_axes(slot)
        graph = target_graph(axes.axes, f, X_RANGE, color=t.unit, theme=t, stroke_width=4)
        derivative = VGroup(target_graph(d_axes.axes, df, X_RANGE, color=t.slope, theme=t, stroke_width=4))
        return ActivationView(axes, d_axes, self.panel_title(axes, title), graph, derivative,
                              self.labels(axes.axes, d_axes.axes, f_tex, df_tex), VGroup(), VGroup())

    def step_graph(self, axes: Axes, steps: list[tuple[float, float, float]]) -> VGroup:
        """The derivative as what it is: one flat segment per piece, open at the jump."""
        t = self.theme
        group = VGroup()
        for a, b, s in steps:
            group.add(Line(axes.c2p(a, s), axes.c2p(b, s), color=t.slope, stroke_width=5))
        for (_, b, s), (_, _, s_next) in zip(steps, steps[1:]):
            for level in (s, s_next):
                group.add(Dot(axes.c2p(b, level), radius=0.06, color=t.background, stroke_color=t.slope,
                              stroke_width=3, fill_opacity=1))
        return group

    def relu_like_panel(self, slot: int, title: str, f: PiecewiseLinear, kind: str, f_tex: str,
                        df_tex: str) -> ActivationView:
        t = self.theme
        axes, d_axes = self.panel_axes(slot)
        graph = PiecewiseGraph(axes.axes, f, color=t.unit, theme=t, stroke_width=4)
        return ActivationView(axes, d_axes, self.panel_title(axes, title), graph,
                              self.step_graph(d_axes.axes, derivative_of(kind)),
                              self.labels(axes.axes, d_axes.axes, f_tex, df_tex),
                              breakpoint_dots(axes.axes, f, theme=t), VGroup())

    def build_sigmoid(self) -> ActivationView:
        panel = self.smooth_panel(0, "sigmoid", sigmoid, sigmoid_derivative, r"\sigma(x)", r"\sigma'(x)")
        axes = panel.derivative_axes.axes
        bound = level_line(axes, SIGMOID_DERIVATIVE_MAX, theme=self.theme)
        label = MathTex(format_tex(SIGMOID_DERIVATIVE_MAX, digits=2), font_size=26, color=self.theme.slope)
        label.next_to(axes.c2p(X_RANGE[1], SIGMOID_DERIVATIVE_MAX), UP, buff=0.08).align_to(bound, RIGHT)
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
        return [Create(p.axes), Create(p.derivative_axes), FadeIn(p.title), Create(p.graph), *kink,
                Create(p.derivative), FadeIn(p.labels)]

    # -- the vanishing chain rule
    def build_depth_plot(self) -> None:
        """Axes with layers L across and log₁₀ |∂h_L/∂x| up; the formula, factors and legend beside."""
        t = self.theme
        c = chain()
        gradient, bound = np.abs(c.gradient), depth_bound()
        low = int(np.floor(np.log10(min(gradient.min(), bound.min()))))
        self.depth_low = low
        # y coordinate: log10(value) − low, so the L axis runs along the bottom
        self.depth_axes = make_axes((0, DEPTH, 1), (0, -low, 1), x_length=6.0, y_length=5.4, numbers=False,
                                    x_label=None, theme=t)
        self.depth_axes.move_to([-3.3, -0.35, 0])
        ticks = VGroup()
        for k in range(1, DEPTH + 1):
            ticks.add(MathTex(str(k), font_size=24, color=t.text).next_to(self.depth_axes.c2p(k, 0), DOWN, 0.12))
        for k in range(low + (-low) % 2, 1, 2):
            ticks.add(MathTex(f"10^{{{k}}}", font_size=24, color=t.text)
                      .next_to(self.depth_axes.c2p(0, k - low), LEFT, buff=0.12))
        ticks.add(Tex("layers $L$", font_size=26, color=t.muted)
                  .next_to(self.depth_axes.c2p(DEPTH / 2, 0), DOWN, buff=0.5))
        self.depth_ticks = ticks
        self.bound_dots = VGroup(*(Circle(radius=0.11, color=t.muted, stroke_width=3).move_to(self.depth_point(L, v))
                                   for L, v in enumerate(bound, start=1)))
        self.product_dots = VGroup(*(Dot(self.depth_point(L, v), radius=0.08, color=t.error)
                                     for L, v in enumerate(gradient, start=1)))

        x = 0.9
        self.chain_rule = MathTex(r"\frac{\partial h_L}{\partial x} = \prod_{\ell=1}^{L} w_\ell\,\sigma'(z_\ell)",
                                  font_size=34, color=t.text).move_to([x, 2.35, 0], aligned_edge=LEFT)
        self.chain_note = VGroup(
            Tex(r"one sigmoid unit per layer:", font_size=24, color=t.muted),
            MathTex(r"z_\ell = w_\ell h_{\ell-1} + b_\ell,\ h_\ell = \sigma(z_\ell),\ h_0 = x", font_size=26,
                    color=t.muted),
            Tex(r"random, so every $|w_\ell| \le 1$", font_size=24, color=t.muted),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1).move_to([x, 1.05, 0], aligned_edge=LEFT)
        self.layer_readout = Readout("L", DEPTH, style="integer", theme=t, font_size=30)
        self.weight_readout = Readout(r"w_L", c.weights[-1], theme=t, font_size=30)
        self.slope_readout = Readout(r"\sigma'(z_L)", c.slopes[-1], theme=t, color=t.slope, font_size=30)
        self.product_readout = Readout(r"|\partial h_L / \partial x|", gradient[-1], theme=t, color=t.error,
                                       font_size=30)
        self.bound_readout = Readout(r"0.25^{L}", bound[-1], theme=t, color=t.muted, font_size=30)
        self.depth_readouts = VGroup(self.layer_readout, self.weight_readout, self.slope_readout,
                                     self.product_readout, self.bound_readout)
        for readout, y in zip(self.depth_readouts, (-0.05, -0.6, -1.15, -1.8, -2.45)):
            readout.move_to([x + 0.4, y, 0], aligned_edge=LEFT)
        # the legend: the dot and the ring beside the readouts they plot
        self.legend = VGroup(Dot(radius=0.08, color=t.error).next_to(self.product_readout, LEFT, buff=0.18),
                             Circle(radius=0.11, color=t.muted, stroke_width=3)
                             .next_to(self.bound_readout, LEFT, buff=0.15))

    def depth_point(self, layer: float, value: float) -> np.ndarray:
        return self.depth_axes.c2p(layer, np.log10(value) - self.depth_low)

    def show_layer(self, layer: int) -> None:
        """Readouts for layer ``layer`` (1-based), changed in place (safe inside a play's updaters)."""
        c = chain()
        values = (layer, c.weights[layer - 1], c.slopes[layer - 1], abs(c.gradient[layer - 1]),
                  depth_bound()[layer - 1])
        for readout, value in zip(self.depth_readouts, values):
            readout.set_in_place(value)

    def build_relu_line(self) -> None:
        t = self.theme
        slope = self.relu_line_slope = activation_network("relu").piecewise(*X_RANGE).slopes[-1]
        self.relu_line = Line(self.depth_point(1, slope), self.depth_point(DEPTH, slope ** DEPTH),
                              color=t.unit, stroke_width=5)
        self.relu_label = MathTex(r"\prod \mathrm{ReLU}'(z_\ell) = 1", font_size=28, color=t.unit)
        self.relu_label.next_to(self.relu_line, DOWN, buff=0.15).align_to(self.relu_line, RIGHT)
        self.relu_note = Tex(r"ReLU, active path: $\frac{\partial h_L}{\partial x} = \prod w_\ell$",
                             font_size=28, color=t.unit).move_to([0.9, -3.2, 0], aligned_edge=LEFT)

    # -- the dead unit
    def build_dead_unit(self) -> None:
        t = self.theme
        u = the_dead_unit()
        f = u.network().piecewise(*UNIT_VIEW)
        # tall enough for the unit and both remedies
        w, b = inside_unit()
        shown = (f, unit_network(u.weight, u.bias, "leaky_relu", LEAKY_SLOPE).piecewise(*UNIT_VIEW),
                 unit_network(w, b).piecewise(*UNIT_VIEW))
        top = float(np.ceil(max(max(g.knot_values.max() for g in shown), 1.0)))
        bottom = float(np.floor(2 * min(min(g.knot_values.min() for g in shown), -0.5)) / 2)
        self.unit_axes = make_axes((UNIT_VIEW[0], UNIT_VIEW[1], 1), (bottom, top, 1), x_length=6.4, y_length=4.4,
                                   font_size=24, theme=t)
        self.unit_axes.move_to([-3.2, -0.75, 0])
        lo, hi = self.unit_axes.c2p(DATA[0], bottom), self.unit_axes.c2p(DATA[1], top)
        self.data_band = Rectangle(width=hi[0] - lo[0], height=hi[1] - lo[1], stroke_width=0,
                                   fill_color=t.muted, fill_opacity=0.22).move_to((lo + hi) / 2)
        a, b = (format_tex(v, trim=True) for v in DATA)
        self.data_label = Tex(f"data $[{a}, {b}]$", font_size=26, color=t.muted)
        self.data_label.next_to(self.data_band, UP, buff=0.08)
        self.unit_graph = PiecewiseGraph(self.unit_axes, f, color=t.unit, theme=t)
        self.unit_kink = breakpoint_dots(self.unit_axes, f, theme=t)
        self.unit_formula = MathTex(r"\mathrm{ReLU}(" + affine_tex([u.weight], u.bias, ["x"]) + ")",
                                    font_size=32, color=t.unit)
        self.unit_formula.move_to([0.9, 2.45, 0], aligned_edge=LEFT)
        self.kink_readout = Readout(r"\text{kink at } x", u.kink, theme=t, color=t.breakpoint, font_size=30)
        self.loss = MathTex(r"\mathcal{L} = \tfrac12 \sum_x (\mathrm{unit}(x) - x^2)^2", font_size=30,
                            color=t.text)
        self.loss_note = Tex(f"over the {DATA_COUNT} data points", font_size=24, color=t.muted)
        dw, db = dead_unit_gradient()
        self.dw_readout = Readout(r"\partial\mathcal{L}/\partial w", dw, style="fixed", digits=3, theme=t,
                                  color=t.error, font_size=30)
        self.db_readout = Readout(r"\partial\mathcal{L}/\partial b", db, style="fixed", digits=3, theme=t,
                                  color=t.error, font_size=30)
        for mob, y in zip((self.kink_readout, self.loss, self.loss_note, self.dw_readout, self.db_readout),
                          (1.75, 0.95, 0.4, -0.3, -0.95)):
            mob.move_to([0.9, y, 0], aligned_edge=LEFT)
        self.gradient_note = VGroup(
            Tex(r"every data point's term has the factor", font_size=24, color=t.muted),
            MathTex(r"\mathrm{ReLU}'(w x + b) = 0", font_size=28, color=t.slope),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.1).move_to([0.9, -1.95, 0], aligned_edge=LEFT)

    def remedy_graph(self, w: float, b: float, negative_slope: float = 0.0) -> tuple[PiecewiseGraph, VGroup]:
        """The unit ``act(w x + b)`` on the dead unit's axes, exactly, with its kink."""
        kind = "leaky_relu" if negative_slope else "relu"
        f = unit_network(w, b, kind, negative_slope).piecewise(*UNIT_VIEW)
        return (PiecewiseGraph(self.unit_axes, f, color=self.theme.unit, theme=self.theme),
                breakpoint_dots(self.unit_axes, f, theme=self.theme))

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
            graph = PiecewiseGraph(axes, f, color=t.inactive if dead else t.unit, theme=t, stroke_width=3.5)
            cell = VGroup(axes, graph)
            cell.function = f
            cell.kink = kinks[i]
            cell.dead = dead
            self.grid.add(cell)
            if dead:
                self.grid_dead.add(cell)
                self.grid_crosses.add(Cross(axes, stroke_color=t.error, stroke_width=4, scale_factor=0.55))
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
        self.narrate("Four activations beside their slopes. The sigmoid: an S squashing any input into "
                     "a narrow band.",
                     FadeIn(self.title), Create(p.axes), FadeIn(p.title), Create(p.graph), FadeIn(p.labels[0]),
                     run_time=2.5)
        self.narrate(f"Its slope is a low bump, only {words(SIGMOID_DERIVATIVE_MAX)} at its peak, x = 0.",
                     Create(p.derivative_axes), Create(p.derivative), FadeIn(p.labels[1]), Create(p.bound[0]),
                     FadeIn(p.bound[1]), run_time=2)

    def tanh_panel(self) -> None:
        self.beat("Tanh")
        self.tanh = self.build_tanh()
        p = self.tanh
        self.narrate(f"tanh: the same S, centred on zero. Its slope reaches {words(tanh_derivative(0.0))} there, but "
                     "flattens far away too.",
                     *self.panel_drawn(p), run_time=2.5)

    def relu_panel(self) -> None:
        self.beat("ReLU")
        self.relu = self.build_relu()
        p = self.relu
        slopes = p.graph.function.slopes
        self.narrate(f"ReLU: two straight pieces and a kink. Its slope steps from exactly {words(slopes[0])} to "
                     f"exactly {words(slopes[1])}.", *self.panel_drawn(p), run_time=2.5)

    def leaky_panel(self) -> None:
        self.beat("Leaky ReLU")
        self.leaky = self.build_leaky()
        p = self.leaky
        slopes = p.graph.function.slopes
        self.narrate(f"Leaky ReLU tilts the left piece, here to slope {words(slopes[0])}: its slope is never "
                     "zero.", *self.panel_drawn(p), run_time=2.5)

    def vanishing_product(self) -> None:
        self.beat("Vanishing gradients")
        panels = VGroup(self.tanh.group, self.relu.group, self.leaky.group, self.sigmoid.group)
        self.build_depth_plot()
        self.show_layer(1)
        with self.narrating("Now stack sigmoids, one unit per layer. By the chain rule, each layer multiplies "
                            "the gradient by w times σ′."):
            self.play(FadeOut(panels), run_time=0.8)
            self.play(Write(self.chain_rule), run_time=2)
            self.play(FadeIn(self.chain_note, lag_ratio=0.5), run_time=1.5)
            self.play(Indicate(self.chain_rule, color=self.theme.slope, scale_factor=1.05), run_time=1.2)
        q = words(SIGMOID_DERIVATIVE_MAX)
        with self.narrating(f"Weights here are at most 1 in size, σ′ at most {q}, so each factor is at "
                            f"most {q}. Ring: {q} to the L. Dot: this chain's gradient."):
            self.play(Create(self.depth_axes), FadeIn(self.depth_ticks), run_time=1.5)
            self.play(FadeIn(self.depth_readouts, lag_ratio=0.3), run_time=1.2)
            self.play(Indicate(self.weight_readout), Indicate(self.slope_readout), run_time=1.2)
            self.play(GrowFromCenter(self.legend[1]), Indicate(self.bound_readout), run_time=1.2)
            self.play(GrowFromCenter(self.legend[0]), Indicate(self.product_readout), run_time=1.2)
        tracker = ValueTracker(1)
        gradient = np.abs(chain().gradient)

        def layer_now() -> int:
            return int(np.clip(np.floor(tracker.get_value() + 1e-9), 1, DEPTH))

        for L, (ring, dot) in enumerate(zip(self.bound_dots, self.product_dots), start=1):
            ring.add_updater(lambda m, L=L: m.set_stroke(opacity=float(layer_now() >= L)))
            dot.add_updater(lambda m, L=L: m.set_opacity(float(layer_now() >= L)))
        self.depth_readouts.add_updater(lambda _: self.show_layer(layer_now()))
        self.add(self.bound_dots, self.product_dots)
        self.narrate(f"Layer by layer: times w, times σ′. After {DEPTH} layers the gradient is "
                     f"{words(gradient[-1])}: vanished, so the first layers barely learn.",
                     tracker.animate.set_value(DEPTH), run_time=7, rate_func=linear)
        for dot in (*self.bound_dots, *self.product_dots):
            dot.clear_updaters()
        self.depth_readouts.clear_updaters()
        self.show_layer(DEPTH)

    def relu_factor(self) -> None:
        self.beat("ReLU's factor")
        self.build_relu_line()
        t = self.theme
        with self.narrating(f"ReLU's factor on an active path is exactly {words(self.relu_line_slope)}, however "
                            "deep: the gradient is just the weights' product."):
            self.play(Create(self.relu_line), run_time=1.5)
            self.play(FadeIn(self.relu_label), Indicate(self.relu_line, color=t.unit), run_time=1.2)
            self.play(FadeIn(self.relu_note, shift=0.2 * UP), run_time=1)
            self.play(Indicate(self.relu_note, color=t.unit), run_time=1.2)
        self.depth_scene = VGroup(self.depth_axes, self.depth_ticks, self.depth_readouts, self.chain_rule,
                                  self.chain_note, self.legend, self.bound_dots, self.product_dots,
                                  self.relu_line, self.relu_label, self.relu_note)

    def dead_unit(self) -> None:
        self.beat("A dead ReLU unit")
        self.build_dead_unit()
        u = the_dead_unit()
        a, b = (words(v) for v in DATA)
        with self.narrating(f"ReLU fails differently. One unit of a fresh network; our data lives "
                            f"on [{a}, {b}]."):
            self.play(FadeOut(self.depth_scene), run_time=0.8)
            self.play(Create(self.unit_axes), run_time=1.5)
            self.play(FadeIn(self.data_band), FadeIn(self.data_label), run_time=1)
            self.play(Write(self.unit_formula), run_time=1.5)
        with self.narrating(f"Its kink, x = {words(u.kink)}, lies outside the data: on every data point it "
                            "outputs 0."):
            self.play(Create(self.unit_graph), run_time=1.8)
            self.play(GrowFromCenter(self.unit_kink), FadeIn(self.kink_readout), run_time=0.9)
            self.play(Indicate(self.unit_kink), Indicate(self.kink_readout), run_time=1.0)
            self.play(Indicate(self.data_band, color=self.theme.muted, scale_factor=1.0), run_time=1.0)
        with self.narrating("Train it to fit x squared: the loss's gradient with respect to its w and b, "
                            "summed over the data, is exactly zero."):
            self.play(Write(self.loss), run_time=1.5)
            self.play(FadeIn(self.loss_note), run_time=0.8)
            self.play(FadeIn(self.dw_readout, shift=0.2 * LEFT), FadeIn(self.db_readout, shift=0.2 * LEFT),
                      run_time=1)
            self.play(Indicate(self.dw_readout), Indicate(self.db_readout), run_time=1.2)
        with self.narrating("Every term carries ReLU's slope there, zero. Training never moves it: the unit is "
                            "dead."):
            self.play(FadeIn(self.gradient_note, shift=0.2 * UP), run_time=1)
            self.play(Indicate(self.gradient_note[1]), run_time=1.2)
            self.play(Indicate(self.unit_graph, color=self.theme.error, scale_factor=1.0), run_time=1.2)

    def remedies(self) -> None:
        self.beat("Two remedies")
        t = self.theme
        u = the_dead_unit()
        leaky, leaky_kink = self.remedy_graph(u.weight, u.bias, LEAKY_SLOPE)
        lw, lb = leaky_unit_gradient()
        leaky_formula = MathTex(r"\mathrm{leaky}(" + affine_tex([u.weight], u.bias, ["x"]) + ")", font_size=32,
                                color=t.unit).move_to(self.unit_formula, aligned_edge=LEFT)
        leaky_note = VGroup(Tex(r"every data point's term has the factor", font_size=24, color=t.muted),
                            MathTex(rf"\mathrm{{leaky}}'(w x + b) = {format_tex(LEAKY_SLOPE, digits=1)}",
                                    font_size=28, color=t.slope)
                            ).arrange(DOWN, aligned_edge=LEFT, buff=0.1).move_to(self.gradient_note, aligned_edge=LEFT)
        with self.narrating(f"Remedy one: leaky ReLU. Same w and b, but the slope on the data is "
                            f"{words(LEAKY_SLOPE)} times w, so the gradient is not zero."):
            self.play(ReplacementTransform(self.unit_graph, leaky),
                      ReplacementTransform(self.unit_formula, leaky_formula), run_time=2)
            self.play(ReplacementTransform(self.gradient_note, leaky_note), run_time=1.2)
            self.play(self.dw_readout.change_to(lw), self.db_readout.change_to(lb), run_time=1)
            self.play(Indicate(self.dw_readout), Indicate(self.db_readout), run_time=1.2)
        self.unit_graph, self.unit_formula, self.gradient_note = leaky, leaky_formula, leaky_note
        w, b = inside_unit()
        inside, inside_kink = self.remedy_graph(w, b)
        iw, ib = inside_unit_gradient()
        inside_formula = MathTex(r"\mathrm{ReLU}(" + affine_tex([w], b, ["x"]) + ")", font_size=32,
                                 color=t.unit).move_to(self.unit_formula, aligned_edge=LEFT)
        middle = (DATA[0] + DATA[1]) / 2
        inside_note = VGroup(Tex(r"active on the data left of the kink:", font_size=24, color=t.muted),
                             MathTex(r"\mathrm{ReLU}'(w x + b) = 1", font_size=28, color=t.slope)
                             ).arrange(DOWN, aligned_edge=LEFT, buff=0.1).move_to(self.gradient_note,
                                                                                 aligned_edge=LEFT)
        with self.narrating(f"Remedy two: a kink inside the data, here x = {words(middle)}: active on part of "
                            "it, so the gradient flows."):
            self.play(ReplacementTransform(self.unit_graph, inside), ReplacementTransform(self.unit_kink, inside_kink),
                      ReplacementTransform(self.unit_formula, inside_formula), self.kink_readout.change_to(middle),
                      run_time=2)
            self.play(ReplacementTransform(self.gradient_note, inside_note), run_time=1.2)
            self.play(self.dw_readout.change_to(iw), self.db_readout.change_to(ib), run_time=1)
            self.play(Indicate(self.dw_readout), Indicate(self.db_readout), run_time=1.2)
        self.unit_graph, self.unit_kink, self.unit_formula, self.gradient_note = (inside, inside_kink,
                                                                                  inside_formula, inside_note)
        self.dead_scene = VGroup(self.unit_axes, self.data_band, self.data_label, self.unit_formula,
                                 self.unit_graph, self.unit_kink, self.kink_readout, self.loss, self.loss_note,
                                 self.dw_readout, self.db_readout, self.gradient_note)

    def dead_share(self) -> None:
        self.beat("How many start dead")
        self.build_grid()
        dead_here = len(self.grid_dead)
        with self.narrating(f"How common are dead units? The {GRID_UNITS} units of one new layer, as PyTorch "
                            f"initialises them: {dead_here} are flat."):
            self.play(FadeOut(self.dead_scene), run_time=0.8)
            self.play(FadeIn(self.grid_title), FadeIn(self.grid, lag_ratio=0.05), run_time=2.5)
            self.play(*(Indicate(c) for c in self.grid_dead), FadeIn(self.grid_readout), run_time=1.5)
        self.narrate("Crossed out: dead before training begins.",
                     *(Create(c) for c in self.grid_crosses), run_time=1.5)
        share = measured_dead_share()
        with self.narrating(f"Over {len(SHARE_SEEDS)} such layers of {SHARE_UNITS} units, "
                            f"{words(100 * share, 'fixed')} percent start dead: about one in three.", wait=1.0):
            self.play(FadeIn(self.share_group, shift=0.2 * UP), run_time=1)
            self.play(Indicate(self.share_group, color=self.theme.error), run_time=1.5)
            self.play(*(Indicate(c, color=self.theme.error) for c in self.grid_crosses), run_time=1.5)
