"""Chapter "A random network, in step".

The seed article's experiment, exactly: a one-hidden-layer ReLU network with
random weights, read on [−100, 100]. Three panels share the x axis: the output,
its slope and how many hidden units are inactive. Zoomed to where the kinks
are, a scan line walks from kink to kink: at each ``x = −b/w`` one unit
switches on or off (its dot in the column lights up or goes grey), the slope
jumps by ``±v·w`` and the count of inactive units steps, all at the same x.
Then the same weights with no activation: a straight line, whose slope is the
sum of the two end slopes of the ReLU network, and whose slope and intercept
are the collapsed ``W`` and ``b``.

Every number drawn comes from :mod:`relu_anim`: the network from
:func:`~relu_anim.construct.random_network`, the output's pieces from the exact
analysis (:meth:`~relu_anim.network.Network.piecewise`), the slope and the
inactive count from :mod:`relu_anim.story.steps`, each unit's switch and slope
jump from :mod:`relu_anim.story.switches`, the linear network's ``W`` and ``b``
from :meth:`~relu_anim.network.Network.collapse`. The literals here are
story choices: the domain, the window zoomed into, the width and the seed.

Preview::

    manim -pql scenes/random_net.py       # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Axes, Create, Dot, FadeIn, FadeOut, FadeTransform, GrowFromCenter, Indicate,
                   LaggedStart, Line, MathTex, Rectangle, ReplacementTransform, Tex, VGroup, Write, linear)

from relu_anim.construct import random_network
from relu_anim.network import Network
from relu_anim.piecewise import PiecewiseLinear
from relu_anim.story.steps import StepFunction, inactive_steps, kinks_within, slope_steps
from relu_anim.story.numbers import affine_tex, affine_words, format_tex, words
from relu_anim.story.switches import Switch, end_slopes, unit_switches
from relu_anim.visual import ChapterScene, PiecewiseGraph, Readout, View, breakpoint_dots, make_axes
from relu_anim.visual.steps import StepGraph, nice_range, side_scale
from relu_anim.visual.tracer import Tracer

__all__ = ["RandomNet", "DOMAIN", "WINDOW", "WIDTHS", "SEED", "relu_net", "linear_net", "switches", "Analysis",
           "analysis"]

# --------------------------------------------------------------- the story's choices
#: The article's range of inputs.
DOMAIN = (-100.0, 100.0)
#: Where the kinks are: the window zoomed into (it holds all of this draw's kinks).
WINDOW = (-3.0, 9.0)
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


def switches() -> list[Switch]:
    """Every hidden unit's switch of :func:`relu_net`, left to right."""
    return unit_switches(relu_net())


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
#: The right-hand column: its left edge, and the grid of unit dots (columns, spacing).
COLUMN_X = 3.55
UNIT_COLUMNS, UNIT_SPACING = 6, 0.5


class RandomNet(ChapterScene):
    """A random ReLU network: output, slope, inactive units in step; then a linear one."""

    def construct(self) -> None:
        self.show_output()
        self.show_slope()
        self.show_inactive()
        self.zoom_in()
        self.unit_by_unit()
        self.linear_network()
        self.ends_add_up()
        self.collapse()

    # ------------------------------------------------------------------ layout
    def build_stage(self) -> None:
        """Title and the head of the right-hand column."""
        t = self.theme
        self.title = self.chapter_title("A random network, read exactly", font_size=38, buff=0.3)
        self.column_x = COLUMN_X
        self.net_label = MathTex(rf"1 \to {WIDTHS[1]}\ \mathrm{{ReLU}} \to 1", font_size=32, color=t.unit)
        self.net_label.move_to([self.column_x, 2.5, 0], aligned_edge=LEFT)
        self.seed_label = Tex(f"random weights, seed {SEED}", font_size=24, color=t.muted)
        self.seed_label.next_to(self.net_label, DOWN, buff=0.15, aligned_edge=LEFT)

    def readout_at(self, readout: Readout, y: float) -> Readout:
        return readout.move_to([self.column_x, y, 0], aligned_edge=LEFT)

    def end_readouts(self, data: Analysis) -> VGroup:
        """The slope and the inactive count at both ends of the article's domain (slope, count)."""
        t = self.theme
        s, n = data.slope, data.inactive
        a, b = (format_tex(v, trim=True) for v in data.function.domain)
        return VGroup(
            self.readout_at(Readout(rf"dy/dx \text{{ at }} {a}", s.values[0], color=t.slope, theme=t,
                                    font_size=28), 1.05),
            self.readout_at(Readout(rf"dy/dx \text{{ at }} {b}", s.values[-1], color=t.slope, theme=t,
                                    font_size=28), 0.45),
            self.readout_at(Readout(rf"\text{{inactive at }} {a}", n.values[0], style="integer",
                                    color=t.inactive, theme=t, font_size=28), -0.55),
            self.readout_at(Readout(rf"\text{{inactive at }} {b}", n.values[-1], style="integer",
                                    color=t.inactive, theme=t, font_size=28), -1.15))

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
                ax.x_axis.add_numbers(np.arange(a, b + x_step / 2, x_step), num_decimal_places=0, font_size=24)
                ax.x_axis.numbers.set_color(t.text)
            ax.y_axis.set_opacity(0)  # stands at x = 0; the side scale replaces it
            ax.shift([PANEL_LEFT - ax.c2p(a, 0)[0], y - (ax.c2p(a, lo)[1] + ax.c2p(a, hi)[1]) / 2, 0])
            scale = side_scale(ax, np.arange(lo, hi + step / 2, step), font_size=24, theme=t)
            title = Tex(label, font_size=26, color=t.muted).next_to(ax.c2p(a, hi), UP, buff=0.2)
            title.align_to(scale, LEFT)
            axes.append(ax)
            frames.append(VGroup(ax, scale, title))
        graph = PiecewiseGraph(axes[0], data.function, color=color, theme=t, stroke_width=4)
        dots = breakpoint_dots(axes[0], data.function, theme=t, radius=0.045)
        slope = StepGraph(axes[1], data.slope, color=t.slope, theme=t, stroke_width=3)
        inactive = StepGraph(axes[2], data.inactive, color=t.inactive, theme=t, stroke_width=4)
        return PanelsView(data, axes, frames, graph, dots, slope, inactive)

    @staticmethod
    def swap_frames(old: PanelsView, new: PanelsView) -> list:
        """Animations from ``old``'s panel frames to ``new``'s: the axes morph, the side scales cross-fade.

        Morphing one scale's numbers into another's scrambles their glyphs mid-way; a fade does not.
        """
        animations = []
        for o, n in zip(old.frames, new.frames):
            axes, scale, title = o
            animations += [ReplacementTransform(axes, n[0]), FadeOut(scale), FadeIn(n[1]),
                           ReplacementTransform(title, n[2])]
        return animations

    def window_band(self, panels: PanelsView) -> VGroup:
        """A band over :data:`WINDOW` on all three panels of the article's domain, labelled."""
        t = self.theme
        top = panels.axes[0].c2p(0, panels.axes[0].y_range[1])[1]
        bottom = panels.axes[2].c2p(0, panels.axes[2].y_range[0])[1]
        left, right = (panels.axes[0].c2p(x, 0)[0] for x in WINDOW)
        band = Rectangle(width=max(right - left, 0.04), height=top - bottom, stroke_width=2, stroke_color=t.accent,
                         fill_color=t.accent, fill_opacity=0.15).move_to([(left + right) / 2, (top + bottom) / 2, 0])
        a, b = (format_tex(v, trim=True) for v in WINDOW)
        label = MathTex(f"[{a}, {b}]", font_size=28, color=t.accent)
        label.next_to(band, RIGHT, buff=0.1).align_to(panels.frames[1][2], UP)
        return VGroup(band, label)

    # ---------------------------------------------------------------- the scan
    def build_units(self) -> None:
        """One dot per hidden unit in switching order, coloured by its state left of every kink."""
        t = self.theme
        self.switches = switches()
        self.unit_dots = VGroup()
        for k, sw in enumerate(self.switches):
            row, col = divmod(k, UNIT_COLUMNS)
            on = not sw.turns_on  # left of its kink a unit is on exactly when it switches off there
            self.unit_dots.add(Dot([self.column_x + 0.2 + UNIT_SPACING * col, 1.2 - UNIT_SPACING * row, 0],
                                   radius=0.14, color=t.active if on else t.inactive))
        on_dot = Dot(radius=0.1, color=t.active)
        off_dot = Dot(radius=0.1, color=t.inactive)
        on_text = Tex("on", font_size=24, color=t.text)
        off_text = Tex("off", font_size=24, color=t.text)
        self.unit_legend = VGroup(Tex("units:", font_size=24, color=t.muted), on_dot, on_text, off_dot, off_text)
        self.unit_legend.arrange(RIGHT, buff=0.12).move_to([self.column_x, 1.7, 0], aligned_edge=LEFT)
        f = self.view.data
        self.switch_readout = self.readout_at(Readout(r"-b/w", self.switches[0].kink, theme=t,
                                                      color=t.breakpoint, font_size=28), -0.85)
        self.jump_readout = self.readout_at(Readout(r"\text{jump } \pm v w", 0.0, theme=t, color=t.slope,
                                                    font_size=28), -1.45)
        self.slope_readout = self.readout_at(Readout(r"dy/dx", f.slope.values[0], theme=t, color=t.slope,
                                                     font_size=28), -2.05)
        self.inactive_readout = self.readout_at(Readout(r"\text{inactive}", f.inactive.values[0], style="integer",
                                                        theme=t, color=t.inactive, font_size=28), -2.65)
        self.passed_readout = self.readout_at(Readout(r"\text{kinks passed}", 0, style="integer", theme=t,
                                                      color=t.breakpoint, font_size=28), -3.25)
        self.scan_readouts = VGroup(self.switch_readout, self.jump_readout, self.slope_readout,
                                    self.inactive_readout, self.passed_readout)

    def build_scan(self) -> None:
        """The shared :class:`Tracer`: a dot riding the output, its scan line through all three panels.

        Starts at the left end of the current view; :meth:`sweep` moves it (``scan_x`` is its tracker).
        """
        t = self.theme
        axes = self.view.axes
        f = self.view.data.function
        self.tracer = Tracer(axes[0], f, f.domain[0], t.accent, radius=0.07, stroke_width=2.5, theme=t,
                             through=axes[1:], line_color=t.accent)
        self.scan_x = self.tracer.x
        self.scan_line = self.tracer.line
        self.axis_marks = VGroup()

    def sweep(self, run_time: float) -> None:
        """Move the scan line from the view's left end to its right end, at an even pace."""
        a, b = self.view.data.function.domain
        self.scan_x.set_value(a)
        self.play(self.scan_x.animate.set_value(b), run_time=run_time, rate_func=linear)

    def axis_mark(self, kink: float) -> Line:
        """A short tick on the bottom panel's x axis at ``kink``."""
        p = self.view.axes[2].c2p(kink, 0)
        return Line(p + 0.12 * DOWN, p + 0.12 * UP, color=self.theme.breakpoint, stroke_width=3)

    def pass_switch(self, k: int) -> None:
        """Move the scan to the ``k``-th switch and show what it does there."""
        t = self.theme
        sw = self.switches[k]
        data = self.view.data
        after = sw.kink + 1e-9 * max(1.0, abs(sw.kink))
        self.play(self.scan_x.animate.set_value(sw.kink), run_time=0.3)
        dot = self.unit_dots[k]
        mark = self.axis_mark(sw.kink)
        self.axis_marks.add(mark)
        self.play(dot.animate.set_color(t.active if sw.turns_on else t.inactive).scale(1.35),
                  self.switch_readout.change_to(sw.kink), self.jump_readout.change_to(sw.jump),
                  self.slope_readout.change_to(float(data.slope(np.array([after]))[0])),
                  self.inactive_readout.change_to(float(data.inactive(np.array([after]))[0])),
                  self.passed_readout.change_to(k + 1), Create(mark), run_time=0.3)
        dot.scale(1 / 1.35)

    # ------------------------------------------------------------------- beats
    def show_output(self) -> None:
        self.beat("A random ReLU network")
        self.build_stage()
        self.view = self.panels_view(analysis(relu_net(), DOMAIN))
        self.narrate(f"One input, {WIDTHS[1]} ReLU units, one output, random weights. Three panels share the x "
                     f"axis, {words(DOMAIN[0])} to {words(DOMAIN[1])}; on top, the exact output.",
                     FadeIn(self.title), FadeIn(self.net_label), FadeIn(self.seed_label),
                     *(Create(frame) for frame in self.view.frames), Create(self.view.graph), run_time=2.5)
        with self.narrating("Not straight: it rises, then falls. Its kinks, the dots, crowd so near zero they "
                            "merge into a blob."):
            self.play(GrowFromCenter(self.view.dots), run_time=1.0)
            self.build_scan()
            self.add(self.tracer)
            self.sweep(4.0)
            self.play(Indicate(self.view.dots, color=self.theme.breakpoint), run_time=1.0)

    def show_slope(self) -> None:
        self.beat("Its slope")
        s = self.view.data.slope
        self.ends = self.end_readouts(self.view.data)
        with self.narrating(f"In the middle, the slope: constant between kinks, jumping at each, from "
                            f"{words(s.values[0])} far left to {words(s.values[-1])} far right."):
            self.play(FadeIn(self.ends[0]), run_time=0.6)
            self.scan_x.set_value(DOMAIN[0])
            self.play(Create(self.view.slope, rate_func=linear), self.scan_x.animate.set_value(DOMAIN[1]),
                      run_time=3.8, rate_func=linear)
            self.play(FadeIn(self.ends[1]), run_time=0.5)
            self.play(Indicate(self.ends[1], color=self.theme.slope), run_time=1.0)

    def show_inactive(self) -> None:
        self.beat("Inactive units")
        inactive = self.view.data.inactive
        with self.narrating(f"At the bottom, how many of the {WIDTHS[1]} units output zero: "
                            f"{words(inactive.values[0])} far left, {words(inactive.values[-1])} far right."):
            self.play(FadeIn(self.ends[2]), run_time=0.6)
            self.scan_x.set_value(DOMAIN[0])
            self.play(Create(self.view.inactive, rate_func=linear), self.scan_x.animate.set_value(DOMAIN[1]),
                      run_time=3.2, rate_func=linear)
            self.play(FadeIn(self.ends[3]), run_time=0.5)
            self.play(Indicate(self.ends[3], color=self.theme.inactive), run_time=0.9)

    def zoom_in(self) -> None:
        self.beat("Where the kinks are")
        f = self.view.data.function
        inside = kinks_within(f, *WINDOW)
        band = self.window_band(self.view)
        new = self.panels_view(analysis(relu_net(), WINDOW))
        whole = band[0].copy().stretch_to_fit_width(self.view.axes[0].x_axis.width)
        whole.move_to(self.view.axes[0].x_axis, coor_mask=[1, 0, 0])
        with self.narrating(f"A unit bends at x = −b/w, and two small random numbers rarely have a large ratio: "
                            f"all {inside} kinks lie between {words(WINDOW[0])} and {words(WINDOW[1])}."):
            self.play(FadeOut(self.tracer), FadeIn(whole), run_time=1)
            self.play(ReplacementTransform(whole, band[0]), run_time=3)
            self.play(Write(band[1]), run_time=1)
            self.play(Indicate(band[1], color=self.theme.accent), run_time=1.2)
        self.narrate(f"Let us zoom in on that stretch: x from {words(WINDOW[0])} to {words(WINDOW[1])}.",
                     FadeOut(band), FadeOut(self.ends), *self.swap_frames(self.view, new),
                     *(ReplacementTransform(o, n) for o, n in zip(self.view.graphs, new.graphs)),
                     ReplacementTransform(self.view.dots, new.dots), run_time=2.5)
        self.view = new

    def unit_by_unit(self) -> None:
        self.beat("Unit by unit")
        self.build_units()
        self.build_scan()
        n = len(self.switches)
        with self.narrating("On the right, one dot per unit, lit while on. A scan line walks from kink to kink."):
            self.play(FadeIn(self.unit_legend), run_time=0.6)
            self.play(LaggedStart(*(GrowFromCenter(d) for d in self.unit_dots), lag_ratio=0.15), run_time=2.0)
            self.play(FadeIn(self.scan_readouts, lag_ratio=0.3), run_time=1.0)
            self.play(Create(self.tracer), run_time=0.8)
            self.play(Indicate(self.unit_dots, scale_factor=1.1), run_time=1.0)
        chunks = [range(0, n // 3), range(n // 3, 2 * n // 3), range(2 * n // 3, n)]
        texts = ["At x = −b/w one unit switches: on if its w is positive, off if negative.",
                 "Switching on adds v·ReLU(wx + b), so the slope jumps by +v·w; switching off, by −v·w.",
                 "Each switch also steps the inactive count: slope, count and bend, same x every time."]
        for chunk, text in zip(chunks, texts):
            with self.narrating(text):
                for k in chunk:
                    self.pass_switch(k)
        s, c = self.view.data.slope, self.view.data.inactive
        self.kinks = self.passed_readout
        with self.narrating(f"Past the last kink: {n} kinks counted, slope {words(s.values[-1])}, "
                            f"{words(c.values[-1])} units off."):
            self.play(self.scan_x.animate.set_value(WINDOW[1]), run_time=1.2)
            self.play(Indicate(self.passed_readout), Indicate(self.slope_readout), Indicate(self.inactive_readout),
                      run_time=1.2)

    def linear_network(self) -> None:
        self.beat("A random linear network")
        new = self.panels_view(analysis(linear_net(), DOMAIN))
        label = MathTex(rf"1 \to {WIDTHS[1]}\ \mathrm{{linear}} \to 1", font_size=32, color=self.theme.unit)
        label.move_to(self.net_label, aligned_edge=LEFT)
        f = new.data.function
        self.kinks = self.readout_at(Readout(r"\text{kinks}", len(f.breakpoints), style="integer",
                                             color=self.theme.breakpoint, theme=self.theme, font_size=28), 1.55)
        self.line_slope = self.readout_at(Readout(r"dy/dx", new.data.slope.values[0], color=self.theme.slope,
                                                  theme=self.theme, font_size=28), 0.95)
        # the unit column leaves before the new label and readout come in: no text fades over text
        with self.narrating(f"Now the same weights without the ReLUs, back on {words(DOMAIN[0])} to "
                            f"{words(DOMAIN[1])}: a straight line, {len(f.breakpoints)} kinks."):
            self.play(FadeOut(self.tracer), FadeOut(self.axis_marks), FadeOut(self.unit_dots),
                      FadeOut(self.unit_legend), FadeOut(self.scan_readouts), *self.swap_frames(self.view, new),
                      *(ReplacementTransform(o, n) for o, n in zip(self.view.graphs, new.graphs)),
                      FadeOut(self.view.dots), run_time=2.5)
            self.play(FadeTransform(self.net_label, label), FadeIn(self.kinks), run_time=1.2)
        self.net_label = label
        self.view = new
        with self.narrating(f"Its slope stays {words(new.data.slope.values[0])} and no unit is ever inactive: "
                            "nothing switches, so nothing bends."):
            self.play(FadeIn(self.line_slope), run_time=0.8)
            self.build_scan()
            self.add(self.tracer)
            self.sweep(4.0)
            self.play(FadeOut(self.tracer), run_time=0.6)

    def ends_add_up(self) -> None:
        self.beat("The ends add up")
        t = self.theme
        relu = analysis(relu_net(), DOMAIN)
        left, right = end_slopes(relu_net())
        line_slope = float(self.view.data.slope.values[0])
        n_left, n_right = (int(v) for v in (relu.inactive.values[0], relu.inactive.values[-1]))
        self.slope_sum = MathTex(format_tex(left), "+", f"({format_tex(right)})", "=", format_tex(line_slope),
                                 font_size=30, color=t.slope)
        self.count_sum = MathTex(str(n_left), "+", str(n_right), "=", str(WIDTHS[1]), font_size=30, color=t.text)
        slope_head = Tex("ReLU net's end slopes:", font_size=24, color=t.muted)
        count_head = Tex("units off at each end:", font_size=24, color=t.muted)
        slope_head.move_to([self.column_x, 0.25, 0], aligned_edge=LEFT)
        self.slope_sum.next_to(slope_head, DOWN, buff=0.15, aligned_edge=LEFT)
        count_head.move_to([self.column_x, -0.95, 0], aligned_edge=LEFT)
        self.count_sum.next_to(count_head, DOWN, buff=0.15, aligned_edge=LEFT)
        with self.narrating(f"Why {words(line_slope)}? With ReLU, far left exactly the units with negative w "
                            "are on; far right, the positive ones."):
            self.play(FadeIn(slope_head), run_time=0.8)
            self.play(Write(self.slope_sum[0]), Indicate(self.line_slope, color=t.slope), run_time=2)
            self.play(Write(self.slope_sum[1:3]), run_time=2)
        with self.narrating(f"So the two end slopes, {words(left)} and {words(right)}, add up to every v·w once: "
                            f"{words(line_slope)}, this line's slope."):
            self.play(Write(self.slope_sum[3:]), run_time=1.5)
            self.play(Indicate(self.slope_sum, color=t.slope), run_time=1.5)
            self.play(Indicate(self.view.slope, color=t.slope, scale_factor=1.0), run_time=1.5)
        with self.narrating(f"Every unit is off at exactly one end: {n_left} plus {n_right} is "
                            f"{WIDTHS[1]}."):
            self.play(FadeIn(count_head), run_time=0.8)
            self.play(Write(self.count_sum), run_time=1.5)
            self.play(Indicate(self.count_sum), run_time=1.2)
        self.sums = VGroup(slope_head, self.slope_sum, count_head, self.count_sum)

    def collapse_formula(self, net: Network) -> VGroup:
        """``y = W x + b`` and the collapsed numbers under it."""
        t = self.theme
        layer = net.collapse()
        w, b = float(layer.weight[0, 0]), float(layer.bias[0])
        general = MathTex(r"y = W_2 W_1\,x + (W_2 b_1 + b_2)", font_size=26, color=t.text)
        numbers = MathTex("y = " + affine_tex([w], b, ["x"]), font_size=32, color=t.output)
        general.move_to([self.column_x, 0.1, 0], aligned_edge=LEFT)
        numbers.next_to(general, DOWN, buff=0.3, aligned_edge=LEFT)
        group = VGroup(general, numbers)
        group.layer = layer
        return group

    def collapse(self) -> None:
        self.beat("Two layers, one line")
        formula = self.collapse_formula(self.view.data.network)
        line = affine_words(formula.layer.weight[0], formula.layer.bias[0], ["x"])
        with self.narrating("Two linear layers multiply out into one: W = W₂W₁ and b = W₂b₁ + b₂."):
            self.play(FadeOut(self.sums), run_time=0.8)
            self.play(Write(formula[0]), run_time=2.5)
        with self.narrating(f"For this draw that is y = {line}, the very line on screen.", wait=1.0):
            self.play(Write(formula[1]), run_time=1.6)
            self.play(Indicate(formula[1], color=self.theme.output), run_time=1.2)
            self.play(Indicate(self.view.graph, color=self.theme.output, scale_factor=1.0), run_time=1.2)
        self.formula = formula
