"""Chapter "A random network, in step".

The seed article's experiment, exactly: a one-hidden-layer ReLU network with
random weights, read on [−100, 100]. Three panels share the x axis: the output,
its slope and how many hidden units are inactive. Every kink of the output is a
jump of the slope and a unit switching on or off. Then the same widths with no
activation: a straight line, whose slope and intercept are the collapsed
``W`` and ``b``.

Every number drawn comes from :mod:`relu_anim`: the network from
:func:`~relu_anim.construct.random_network`, the output's pieces from the exact
analysis (:meth:`~relu_anim.network.Network.piecewise`), the slope and the
inactive count from :mod:`relu_anim.story.steps`, the linear network's ``W`` and
``b`` from :meth:`~relu_anim.network.Network.collapse`. The literals here are
story choices: the domain, the window zoomed into, the width and the seed.

Preview::

    manim -pql scenes/random_net.py       # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (DOWN, LEFT, UP, Axes, Create, DashedLine, FadeIn, FadeOut, GrowFromCenter,
                   Indicate, MathTex, ReplacementTransform, Tex, VGroup, Write)

from relu_anim.construct import random_network
from relu_anim.network import Network
from relu_anim.piecewise import PiecewiseLinear
from relu_anim.story.steps import StepFunction, inactive_steps, kinks_within, slope_steps
from relu_anim.story.numbers import affine_tex, affine_words, words
from relu_anim.visual import ChapterScene, PiecewiseGraph, Readout, View, breakpoint_dots, make_axes
from relu_anim.visual.steps import StepGraph, nice_range, side_scale

__all__ = ["RandomNet", "DOMAIN", "WINDOW", "WIDTHS", "SEED", "relu_net", "linear_net", "Analysis", "analysis"]

# --------------------------------------------------------------- the story's choices
#: The article's range of inputs.
DOMAIN = (-100.0, 100.0)
#: Where the kinks crowd: the window zoomed into.
WINDOW = (-4.0, 4.0)
#: One input, 24 hidden units, one output.
WIDTHS = (1, 24, 1)
#: The random draw shown.
SEED = 0


# ------------------------------------------------------------ the data, from relu_anim
def relu_net() -> Network:
    """The random ReLU network of the chapter."""
    return random_network(list(WIDTHS), seed=SEED)


def linear_net() -> Network:
    """The same widths, random too, with no activation between the layers."""
    return random_network(list(WIDTHS), seed=SEED, activation="linear")


@dataclass(frozen=True)
class Analysis:
    """A network's exact output on a domain, with its slope and inactive count."""

    network: Network
    function: PiecewiseLinear
    slope: StepFunction
    inactive: StepFunction


def analysis(net: Network, domain: tuple[float, float]) -> Analysis:
    """``net`` analysed exactly on ``domain``."""
    f = net.piecewise(*domain)
    return Analysis(net, f, slope_steps(f), inactive_steps(f, net))


# ------------------------------------------------------------------------ drawing
@dataclass(frozen=True, eq=False)
class PanelsView(View):
    """The three stacked panels for one analysis.

    Per panel its axes and its frame (axes, side scale, title); then the
    output's exact graph and kink dots, the slope and the inactive count.
    """

    data: Analysis
    axes: list[Axes]
    frames: list[VGroup]
    graph: PiecewiseGraph
    dots: VGroup
    slope: StepGraph
    inactive: StepGraph

    @property
    def graphs(self) -> list:
        """The three graphs, top to bottom: output, slope, inactive units."""
        return [self.graph, self.slope, self.inactive]


#: Left edge and width of the panels, centre height of each, and their height.
PANEL_LEFT, PANEL_WIDTH, PANEL_HEIGHT = -5.9, 8.9, 1.55
PANEL_Y = (2.0, -0.3, -2.6)
PANEL_LABELS = (r"output $y$", r"slope $dy/dx$", r"inactive units")


class RandomNet(ChapterScene):
    """A random ReLU network: output, slope, inactive units in step; then a linear one."""

    def construct(self) -> None:
        self.show_output()
        self.show_slope()
        self.show_inactive()
        self.zoom_in()
        self.in_step()
        self.linear_network()
        self.collapse()

    # ------------------------------------------------------------------ layout
    def build_stage(self) -> None:
        """Title and the right-hand column of readouts."""
        t = self.theme
        self.title = self.chapter_title("A random network, read exactly", font_size=38, buff=0.3)
        self.column_x = 3.55
        self.net_label = MathTex(rf"1 \to {WIDTHS[1]}\ \mathrm{{ReLU}} \to 1", font_size=32, color=t.unit)
        self.net_label.move_to([self.column_x, 2.5, 0], aligned_edge=LEFT)
        self.seed_label = Tex(f"random weights, seed {SEED}", font_size=24, color=t.muted)
        self.seed_label.next_to(self.net_label, DOWN, buff=0.15, aligned_edge=LEFT)

    def readout_at(self, readout: Readout, y: float) -> Readout:
        return readout.move_to([self.column_x, y, 0], aligned_edge=LEFT)

    def kinks_readout(self, count: int) -> Readout:
        """``kinks = count``: all kinks of the output on the article's domain."""
        return self.readout_at(Readout(r"\text{kinks}", count, style="integer", color=self.theme.breakpoint,
                                       theme=self.theme), 1.2)

    def in_view_readout(self, count: int) -> Readout:
        """``in view = count``: the kinks inside the zoomed window."""
        return self.readout_at(Readout(r"\text{in view}", count, style="integer", color=self.theme.breakpoint,
                                       theme=self.theme, font_size=30), 0.55)

    def panels_view(self, data: Analysis, color=None) -> PanelsView:
        """Axes, side scales, labels and the exact graphs of ``data`` (x range from its domain)."""
        t = self.theme
        a, b = data.function.domain
        x_step = (b - a) / 4
        units = sum(data.network.widths[1:-1])
        ranges = [
            nice_range(data.function.knot_values.min(), data.function.knot_values.max()),
            nice_range(data.slope.low, data.slope.high),
            (0.0, float(units), units / 2),  # the count, out of all hidden units
        ]
        axes, frames = [], []
        for i, ((lo, hi, step), y, label) in enumerate(zip(ranges, PANEL_Y, PANEL_LABELS)):
            bottom = i == len(PANEL_Y) - 1
            ax = make_axes((a, b, x_step), (lo, hi, step), x_length=PANEL_WIDTH, y_length=PANEL_HEIGHT,
                           numbers=False, x_label=None, theme=t)
            if bottom:
                ax.x_axis.add_numbers(np.arange(a, b + x_step / 2, x_step), num_decimal_places=0, font_size=22)
                ax.x_axis.numbers.set_color(t.text)
            ax.y_axis.set_opacity(0)  # stands at x = 0; the side scale replaces it
            ax.shift([PANEL_LEFT - ax.c2p(a, 0)[0], y - (ax.c2p(a, lo)[1] + ax.c2p(a, hi)[1]) / 2, 0])
            scale = side_scale(ax, np.arange(lo, hi + step / 2, step), theme=t)
            title = Tex(label, font_size=26, color=t.muted).next_to(ax.c2p(a, hi), UP, buff=0.2)
            title.align_to(scale, LEFT)
            axes.append(ax)
            frames.append(VGroup(ax, scale, title))
        graph = PiecewiseGraph(axes[0], data.function, color=color, theme=t, stroke_width=4)
        dots = breakpoint_dots(axes[0], data.function, theme=t, radius=0.045)
        slope = StepGraph(axes[1], data.slope, color=t.breakpoint, theme=t, stroke_width=3)
        inactive = StepGraph(axes[2], data.inactive, color=t.unit, theme=t, stroke_width=3)
        return PanelsView(data, axes, frames, graph, dots, slope, inactive)

    def guides(self, panels: PanelsView) -> VGroup:
        """Dashed verticals through all three panels at every kink of the output."""
        top = panels.axes[0].c2p(0, panels.axes[0].y_range[1])[1]
        bottom = panels.axes[2].c2p(0, panels.axes[2].y_range[0])[1]
        xs = [panels.axes[0].c2p(k, 0)[0] for k in panels.data.function.breakpoints]
        return VGroup(*(DashedLine([x, top, 0], [x, bottom, 0], color=self.theme.muted, stroke_width=1.5,
                                   dash_length=0.06).set_opacity(0.7) for x in xs))

    # ------------------------------------------------------------------- beats
    def show_output(self) -> None:
        self.beat("A random ReLU network")
        self.build_stage()
        self.view = self.panels_view(analysis(relu_net(), DOMAIN))
        f = self.view.data.function
        self.kinks = self.kinks_readout(len(f.breakpoints))
        self.narrate(f"One input, {WIDTHS[1]} ReLU units, one output, and every weight drawn at random. "
                     f"Here is its exact output for x from {words(DOMAIN[0])} to {words(DOMAIN[1])}.",
                     FadeIn(self.title), FadeIn(self.net_label), FadeIn(self.seed_label),
                     Create(self.view.frames[0]), Create(self.view.graph), run_time=2.5)
        self.narrate(f"Not a straight line: it rises, then falls. The exact analysis finds "
                     f"{len(f.breakpoints)} kinks, one per unit.",
                     GrowFromCenter(self.view.dots), FadeIn(self.kinks), run_time=1.5)

    def show_slope(self) -> None:
        self.beat("Its slope")
        s = self.view.data.slope
        self.narrate(f"Below it, the slope. It is constant between kinks and jumps at each one, "
                     f"from {words(s.values[0])} on the far left to {words(s.values[-1])} on the far right.",
                     Create(self.view.frames[1]), Create(self.view.slope), run_time=2)

    def show_inactive(self) -> None:
        self.beat("Inactive units")
        inactive = self.view.data.inactive
        self.narrate(f"At the bottom, how many of the {WIDTHS[1]} units output zero: "
                     f"{words(inactive.values[0])} at the far left, {words(inactive.values[-1])} at the far right.",
                     Create(self.view.frames[2]), Create(self.view.inactive), run_time=2)

    def zoom_in(self) -> None:
        self.beat("Where the kinks are")
        f = self.view.data.function
        inside = kinks_within(f, *WINDOW)
        new = self.panels_view(analysis(relu_net(), WINDOW))
        self.in_view = self.in_view_readout(inside)
        self.narrate(f"All the action is near zero. A unit bends at x = −b/w, and two small random "
                     f"numbers rarely have a large ratio: {inside} of the {len(f.breakpoints)} kinks "
                     f"lie between {words(WINDOW[0])} and {words(WINDOW[1])}. Let us zoom in.",
                     *(ReplacementTransform(o, n) for o, n in zip(self.view.frames, new.frames)),
                     *(ReplacementTransform(o, n) for o, n in zip(self.view.graphs, new.graphs)),
                     ReplacementTransform(self.view.dots, new.dots), FadeIn(self.in_view), run_time=2.5)
        self.view = new

    def in_step(self) -> None:
        self.beat("In step")
        guides = self.guides(self.view)
        changes = len(self.view.data.inactive.jumps)
        self.narrate(f"Line them up. Each of the {changes} times the count of inactive units goes up or "
                     "down, the slope jumps and the output bends, at the same x.",
                     Create(guides), run_time=2)
        self.narrate("A unit switching on or off changes which terms are added, and so the slope. "
                     "That is the whole trick: the output is straight pieces, joined at bends.",
                     Indicate(self.view.graph, color=self.theme.output, scale_factor=1.0), run_time=1.5)
        self.guide_lines = guides

    def linear_network(self) -> None:
        self.beat("A random linear network")
        new = self.panels_view(analysis(linear_net(), DOMAIN))
        label = MathTex(rf"1 \to {WIDTHS[1]}\ \mathrm{{linear}} \to 1", font_size=32, color=self.theme.unit)
        label.move_to(self.net_label, aligned_edge=LEFT)
        f = new.data.function
        self.narrate(f"Now the very same weights with the ReLUs taken out, back on "
                     f"{words(DOMAIN[0])} to {words(DOMAIN[1])}. The output is a straight line: "
                     f"{len(f.breakpoints)} kinks.",
                     FadeOut(self.guide_lines), FadeOut(self.in_view),
                     *(ReplacementTransform(o, n) for o, n in zip(self.view.frames, new.frames)),
                     *(ReplacementTransform(o, n) for o, n in zip(self.view.graphs, new.graphs)),
                     FadeOut(self.view.dots), ReplacementTransform(self.net_label, label),
                     self.kinks.change_to(len(f.breakpoints)), run_time=2.5)
        self.net_label = label
        self.narrate(f"Its slope never moves from {words(new.data.slope.values[0])}, and no unit is ever "
                     "inactive: nothing can switch, so nothing can bend.",
                     Indicate(new.slope, color=self.theme.breakpoint, scale_factor=1.0), run_time=1.5)
        self.view = new

    def collapse_formula(self, net: Network) -> VGroup:
        """``y = W x + b`` and the collapsed numbers under it."""
        t = self.theme
        layer = net.collapse()
        w, b = float(layer.weight[0, 0]), float(layer.bias[0])
        general = MathTex(r"y = W_2 W_1\,x + (W_2 b_1 + b_2)", font_size=26, color=t.text)
        numbers = MathTex("y = " + affine_tex([w], b, ["x"]), font_size=34, color=t.output)
        general.move_to([self.column_x, 0.2, 0], aligned_edge=LEFT)
        numbers.next_to(general, DOWN, buff=0.3, aligned_edge=LEFT)
        group = VGroup(general, numbers)
        group.layer = layer
        return group

    def collapse(self) -> None:
        self.beat("Two layers, one line")
        formula = self.collapse_formula(self.view.data.network)
        line = affine_words(formula.layer.weight[0], formula.layer.bias[0], ["x"])
        self.narrate(f"Two linear layers multiply out into one: W = W₂W₁ and b = W₂b₁ + b₂. "
                     f"For this draw that is y = {line}, the very line on screen.",
                     Write(formula), run_time=2, wait=1.5)
        self.formula = formula

    # ------------------------------------------------------------------ stills
    # Final states of key beats, built with the same builders, added without animation.
    def pose_in_step(self) -> PanelsView:
        """The end of the "In step" beat: the zoomed panels with the guides."""
        self.build_stage()
        view = self.panels_view(analysis(relu_net(), WINDOW))
        kinks = self.kinks_readout(len(analysis(relu_net(), DOMAIN).function.breakpoints))
        in_view = self.in_view_readout(len(view.data.function.breakpoints))
        self.add(self.title, self.net_label, self.seed_label, kinks, in_view, *view.frames, self.guides(view),
                 *view.graphs, view.dots)
        self.view, self.kinks, self.in_view = view, kinks, in_view
        return view

    def pose_output(self) -> PanelsView:
        """The end of the "Inactive units" beat: all three panels on the article's domain."""
        self.build_stage()
        view = self.panels_view(analysis(relu_net(), DOMAIN))
        kinks = self.kinks_readout(len(view.data.function.breakpoints))
        self.add(self.title, self.net_label, self.seed_label, kinks, *view.frames, *view.graphs, view.dots)
        self.view, self.kinks = view, kinks
        return view

    def pose_linear(self) -> PanelsView:
        """The end of the chapter: the linear network and its collapsed formula."""
        self.build_stage()
        view = self.panels_view(analysis(linear_net(), DOMAIN))
        label = MathTex(rf"1 \to {WIDTHS[1]}\ \mathrm{{linear}} \to 1", font_size=32, color=self.theme.unit)
        label.move_to(self.net_label, aligned_edge=LEFT)
        kinks = self.kinks_readout(len(view.data.function.breakpoints))
        formula = self.collapse_formula(view.data.network)
        self.add(self.title, label, self.seed_label, kinks, *view.frames, *view.graphs, formula)
        self.view, self.kinks, self.formula = view, kinks, formula
        return view
