"""Chapter "Fitting x² with 1 to 100 units".

The article's demo, then where it leads: x² on [0, 2] fitted by ReLU(x) alone,
by ReLU(x) + ReLU(x − 1), by the same two units with least-squares weights; then
the two kinks move to their best places, and the chapter shows why the best
possible max error of n units is 2/(2n+1)² before sweeping n through 3, 5, 10,
20, 50 and 100. The error band, the kinks (the one at the domain's edge too),
the readouts, a zoomed residual strip and a log–log inset follow every step; a
zoom into the hundred-unit curve shows its straight pieces.

Every number drawn comes from :mod:`relu_anim`: the functions below build the
:class:`~relu_anim.story.fit.Fit` of each beat, and the scene only draws them. The
literals here are the story's choices: the shifts of the article's example, the
list of unit counts, the strip's window and the zoom's window; the problem itself
(target, domain, optimum) is :mod:`relu_anim.x2`.

Preview::

    manim -pql scenes/x2.py            # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Axes, Circumscribe, Create, DashedLine, DashedVMobject, Dot, FadeIn,
                   FadeOut, FadeTransform, GrowFromCenter, Indicate, Line, MathTex, MoveAlongPath, Rectangle,
                   ReplacementTransform, Tex, VGroup, VMobject, linear)

from relu_anim.construct import least_squares_output, optimal_x2, shifted_relu_sum
from relu_anim.story.fit import Fit
from relu_anim.story.numbers import format_tex, words
from relu_anim.story.units import first_layer_kinks
from relu_anim.visual import (ChapterScene, ErrorBand, FitView, LogLogAxes, PiecewiseGraph, Readout, View,
                              breakpoint_dots, fit_view, level_line, make_axes, relu_sum_tex, target_graph)
from relu_anim.x2 import DOMAIN, optimal_max_error, square

__all__ = ["X2Fit", "DOMAIN", "SHIFTS", "BEST_FIRST", "UNITS", "STRIP_PERIODS", "ZOOM", "square",
           "relu_alone", "second_unit", "two_relus", "adjusted", "best_fit", "unit_kinks", "strip_window",
           "worst_x"]

# --------------------------------------------------------------- the story's choices
#: Kinks of the article's two units: ReLU(x) and ReLU(x − 1).
SHIFTS = (0.0, 1.0)
#: The unit count whose kinks first move to their best places (the article's two units).
BEST_FIRST = 2
#: Unit counts swept after the bound is explained.
UNITS = (3, 5, 10, 20, 50, 100)
#: The residual strip shows at most about this many pieces (more would blur into moiré).
STRIP_PERIODS = 20
#: The window of the zoom into the hundred-unit curve.
ZOOM = (1.0, 1.1)


# ------------------------------------------------------------ the fits, from relu_anim
def relu_alone() -> Fit:
    """ReLU(x) by itself."""
    return Fit.of(shifted_relu_sum([1.0], SHIFTS[:1]), square, DOMAIN)


def second_unit() -> Fit:
    """The second unit by itself, ReLU(x − 1)."""
    return Fit.of(shifted_relu_sum([1.0], SHIFTS[1:]), square, DOMAIN)


def two_relus() -> Fit:
    """ReLU(x) + ReLU(x − 1), the article's first sum."""
    return Fit.of(shifted_relu_sum([1.0, 1.0], SHIFTS), square, DOMAIN)


def adjusted() -> Fit:
    """The same two kinks with least-squares output weights and bias."""
    return Fit.of(least_squares_output(square, SHIFTS, DOMAIN), square, DOMAIN)


def best_fit(n: int) -> Fit:
    """The best possible n-unit fit (smallest max error), with the bound it reaches."""
    return Fit.of(optimal_x2(n), square, DOMAIN, best_max_error=optimal_max_error(n))


def unit_kinks(fit: Fit) -> np.ndarray:
    """Where the fit's units bend inside the domain, its edges included, sorted.

    Examples
    --------
    >>> unit_kinks(two_relus()).tolist()
    [0.0, 1.0]
    """
    kinks = first_layer_kinks(fit.network)
    return np.sort(kinks[(kinks >= DOMAIN[0]) & (kinks <= DOMAIN[1])])


def strip_window(n: int) -> tuple[float, float]:
    """The x range of the residual strip for n units: the domain, or its first ~:data:`STRIP_PERIODS` pieces.

    Examples
    --------
    >>> strip_window(5), strip_window(100)
    ((0.0, 2.0), (0.0, 0.4))
    """
    width = DOMAIN[1] - DOMAIN[0]
    return (DOMAIN[0], DOMAIN[0] + round(width * min(1.0, STRIP_PERIODS / n), 1))


def worst_x(fit: Fit) -> float:
    """Where the fit misses x² most: a knot, or a piece's point of slope 2x (the chord's farthest point)."""
    f = fit.function
    inner = f.slopes / 2
    inside = inner[(inner > DOMAIN[0]) & (inner < DOMAIN[1])]
    xs = np.concatenate([f.knots, inside])
    return float(xs[np.argmax(np.abs(f(xs) - square(xs)))])


# ------------------------------------------------------------------------ drawing
@dataclass(frozen=True, eq=False)
class StripView(View):
    """The zoomed residual strip for one fit: f − x² on axes spanning ±1.3 × its bound.

    The strip's axes only place the rest (the frame drawn is the panel's own).
    """

    drawn = ("bounds", "band", "label", "title")

    axes: Axes
    band: ErrorBand
    bounds: VGroup
    label: MathTex
    title: Tex


def sweep(axes: Axes, path: VMobject, color) -> tuple[Dot, Line]:
    """A tracer dot at the start of ``path`` and a vertical scan line across ``axes`` that follows it."""
    dot = Dot(path.get_start(), radius=0.07, color=color)
    bottom, top = axes.c2p(axes.x_range[0], axes.y_range[0])[1], axes.c2p(axes.x_range[0], axes.y_range[1])[1]
    line = Line([0, bottom, 0], [0, top, 0], color=color, stroke_width=2, stroke_opacity=0.6)
    line.add_updater(lambda m: m.set_x(dot.get_x()))
    line.set_x(dot.get_x())
    return dot, line


class X2Fit(ChapterScene):
    """x² on [0, 2], from one ReLU to a hundred (DESIGN.md storyboard, chapter x2)."""

    def construct(self) -> None:
        self.show_target()
        self.one_relu()
        self.two_relus()
        self.adjust_weights()
        self.let_kinks_move()
        self.why_the_bound()
        self.log_log_plot()
        for n in UNITS:
            self.show_units(n)
        self.slope_of_the_error()
        self.zoom_in()
        self.closing()

    # ------------------------------------------------------------------ layout
    def build_stage(self) -> None:
        """Title, main axes and the target: the parts every beat shares."""
        t = self.theme
        self.title = self.chapter_title(r"Fitting $x^2$ with ReLU units")
        self.axes = make_axes((DOMAIN[0], DOMAIN[1], 0.5), (0, 4, 1), x_length=6.2, y_length=4.3,
                              y_label=None, theme=t)
        self.axes.move_to([-3.25, 0.45, 0])
        # the axes number their ticks but not the origin, where the story starts (x = 0, the first kink)
        self.axes.add(MathTex(format_tex(DOMAIN[0], trim=True), font_size=24, color=t.text)
                      .next_to(self.axes.c2p(DOMAIN[0], 0), DOWN + LEFT, buff=0.1))
        self.target_curve = target_graph(self.axes, square, DOMAIN, theme=t)
        self.target_label = MathTex("x^2", font_size=36, color=t.target)
        self.target_label.next_to(self.axes.c2p(DOMAIN[1], square(np.array([DOMAIN[1]]))[0]), LEFT, buff=0.2)
        self.target_label.shift(0.15 * UP)
        self.formula_anchor = np.array([0.6, 2.85, 0])
        #: left-centre anchors of the readouts n, max error, best possible
        self.readout_slots = [np.array([0.6, y, 0]) for y in (1.9, 1.35, 0.8)]

    def formula(self, tex: str) -> MathTex:
        """The network's formula at the top of the right column, in the output colour."""
        mob = MathTex(tex, font_size=34, color=self.theme.output)
        if mob.width > 5.9:
            mob.scale_to_fit_width(5.9)
        return mob.move_to(self.formula_anchor, aligned_edge=LEFT)

    def general_formula(self) -> MathTex:
        """The shape of every one-hidden-layer fit, ``y = c + Σ aᵢ ReLU(x − hᵢ)``."""
        return self.formula(r"y = c + \sum_{i=1}^{n} a_i\,\mathrm{ReLU}(x - h_i)")

    def error_readout_for(self, fit: Fit) -> Readout:
        """The max-error readout, in its row: the fit's own largest gap."""
        readout = Readout(r"\text{max error}", fit.max_error, color=self.theme.error, theme=self.theme)
        return readout.move_to(self.readout_slots[1], aligned_edge=LEFT)

    def bound_row(self, n: int) -> MathTex:
        """Third row: the formula of the best possible max error, worked out for this n."""
        bound = optimal_max_error(n)
        mob = MathTex(r"\text{best possible } \tfrac{2}{(2n+1)^2} = \tfrac{2}{" + f"{2 * n + 1}" + r"^2} = "
                      + format_tex(bound), font_size=30, color=self.theme.accent)
        return mob.move_to(self.readout_slots[2], aligned_edge=LEFT)

    def fit_view(self, fit: Fit) -> FitView:
        """Band, exact graph and kink dots of ``fit`` on the main axes (a kink on the domain's edge too)."""
        view = fit_view(self.axes, fit, square, theme=self.theme)
        kinks = unit_kinks(fit)
        if len(kinks) == len(view.dots):
            return view
        # a unit bending at the domain's edge: its kink is no corner of the graph there, but it is a kink
        edge = PiecewiseGraph(self.axes, fit.network.piecewise(DOMAIN[0] - 1, DOMAIN[1]), theme=self.theme)
        dots = breakpoint_dots(self.axes, edge.function, theme=self.theme)
        return FitView(view.band, view.graph, dots, fit)

    def worst_gap(self, fit: Fit) -> Line:
        """A segment from the fit to x² where the fit misses most, in the error colour."""
        x = worst_x(fit)
        y0, y1 = fit.function(np.array([x]))[0], square(np.array([x]))[0]
        return Line(self.axes.c2p(x, y0), self.axes.c2p(x, y1), color=self.theme.error, stroke_width=6)

    def build_panel(self) -> None:
        """Readouts (n, max error) and the bound row, and the residual strip's frame."""
        t = self.theme
        self.n_readout = Readout("n", BEST_FIRST, style="integer", theme=t)
        self.n_readout.move_to(self.readout_slots[0], aligned_edge=LEFT)
        self.bound = self.bound_row(BEST_FIRST)
        self.strip_frame = make_axes(DOMAIN, (-1.3, 1.3, 1.3), x_length=6.2, y_length=1.15,
                                     numbers=False, x_label=None, theme=t,
                                     axis_config={"include_ticks": False})
        self.strip_frame.move_to([self.axes.c2p(1, 0)[0], -3.05, 0])

    def build_inset(self) -> None:
        """The log–log inset of max error against n."""
        t = self.theme
        self.inset = LogLogAxes((0, 2), (-5, 0), x_length=3.9, y_length=2.45, plain_x=True, font_size=24, theme=t)
        self.inset.move_to([4.55, -1.85, 0])
        self.inset_title = Tex(r"max error vs.\ $n$ (log--log)", font_size=24, color=t.muted)
        self.inset_title.next_to(self.inset, UP, buff=0.12)
        self.inset_points = VGroup()

    def strip_view(self, fit: Fit) -> StripView:
        """f − x² on the strip's window, on axes spanning ±1.3 × the fit's best max error, and the ± bound."""
        t = self.theme
        bound = fit.best_max_error
        window = strip_window(fit.units)
        axes = make_axes(window, (-1.3 * bound, 1.3 * bound, bound), x_length=6.2, y_length=1.15,
                         numbers=False, x_label=None, theme=t)
        axes.move_to(self.strip_frame)
        function = fit.network.piecewise(*window)
        band = ErrorBand(axes, function, square, relative=True, theme=t, fill_opacity=0.6)
        bounds = VGroup(level_line(axes, bound, theme=t), level_line(axes, -bound, theme=t))
        label = MathTex(r"\pm\," + format_tex(bound), font_size=24, color=t.accent)
        label.next_to(axes.c2p(window[1], 0), RIGHT, buff=0.15)
        where = rf"on $[{format_tex(window[0], trim=True)}, {format_tex(window[1], trim=True)}]$"
        title = Tex(rf"gap $f(x)-x^2$ {where}, zoomed", font_size=24, color=t.muted)
        title.next_to(self.strip_frame, UP, buff=0.06).align_to(self.strip_frame, LEFT)
        return StripView(axes, band, bounds, label, title)

    def inset_point(self, fit: Fit) -> Dot:
        """The inset's dot for ``fit``: (units, max error) on log–log axes."""
        return Dot(self.inset.point(fit.units, fit.max_error), radius=0.05, color=self.theme.error)

    def slope_line(self) -> VGroup:
        """Reference line ∝ n⁻² through the last fit's point, with its label."""
        last = best_fit(UNITS[-1])
        n0, n1 = BEST_FIRST, UNITS[-1]
        start = self.inset.point(n0, last.max_error * (n0 / n1) ** -2)
        end = self.inset.point(n1, last.max_error)
        line = DashedLine(start, end, color=self.theme.muted, stroke_width=2.5)
        label = MathTex(r"\propto n^{-2}", font_size=26, color=self.theme.muted)
        label.next_to(start + 0.35 * (end - start), UP + RIGHT, buff=0.08)
        return VGroup(line, label)

    def morph(self, new: FitView) -> list:
        """Graph, band and kink dots of the current view morphing into ``new``."""
        old = self.view
        return [ReplacementTransform(old.graph, new.graph), ReplacementTransform(old.band, new.band),
                ReplacementTransform(old.dots, new.dots)]

    # ------------------------------------------------------------------- beats
    def show_target(self) -> None:
        self.beat("The target: x squared")
        self.build_stage()
        a, b = (words(v) for v in DOMAIN)
        self.narrate(f"Our target: y = x² on [{a}, {b}]. How close can straight ReLU pieces "
                     "get?",
                     FadeIn(self.title), Create(self.axes), Create(self.target_curve),
                     FadeIn(self.target_label), run_time=2.5)

    def one_relu(self) -> None:
        self.beat("One ReLU")
        fit = relu_alone()
        self.view = self.fit_view(fit)
        self.formula_mob = self.formula("y = " + relu_sum_tex(fit.network))
        with self.narrating(f"One unit, ReLU(x): the line y = x, kinked at "
                            f"{words(unit_kinks(fit)[0])} (the dot)."):
            self.play(FadeIn(self.formula_mob, shift=0.2 * DOWN), Create(self.view.graph), run_time=2.0)
            self.play(GrowFromCenter(self.view.dots), run_time=0.6)
            self.play(Indicate(self.view.dots, scale_factor=2.5), run_time=0.8)
        self.error_readout = self.error_readout_for(fit)
        self.gap = self.worst_gap(fit)
        self.narrate(f"The shaded gap is the error: {words(fit.max_error)} at worst, "
                     f"at x = {words(worst_x(fit))}.",
                     FadeIn(self.view.band), Create(self.gap), FadeIn(self.error_readout), run_time=1.5)

    def two_relus(self) -> None:
        self.beat("Two ReLUs")
        unit, fit = second_unit(), two_relus()
        unit_graph = PiecewiseGraph(self.axes, unit.function, color=self.theme.unit, theme=self.theme,
                                    stroke_width=4)
        # beside the unit's end, clear of the axes and of the other curves
        unit_label = MathTex(relu_sum_tex(unit.network), font_size=30, color=self.theme.unit)
        unit_label.next_to(self.axes.c2p(DOMAIN[1], unit.function(np.array([DOMAIN[1]]))[0]), RIGHT, buff=0.2)
        kink = words(unit.function.breakpoints[0])
        self.narrate(f"A second unit, ReLU(x − {kink}): zero until x = {kink}, then rising.",
                     Create(unit_graph), FadeIn(unit_label), run_time=1.5)
        new = self.fit_view(fit)
        gap = self.worst_gap(fit)
        formula = self.formula("y = " + relu_sum_tex(fit.network))
        slopes = fit.function.slopes
        self.narrate(f"Their sum bends at x = {words(fit.function.breakpoints[0])}, slope "
                     f"{words(slopes[0])} to {words(slopes[1])}; the worst miss halves, to {words(fit.max_error)}.",
                     *self.morph(new), ReplacementTransform(self.gap, gap),
                     FadeOut(unit_graph), FadeOut(unit_label),
                     FadeTransform(self.formula_mob, formula),
                     self.error_readout.change_to(fit.max_error), run_time=2)
        self.formula_mob, self.view, self.gap = formula, new, gap

    def adjust_weights(self) -> None:
        self.beat("Adjusting the weights")
        fit = adjusted()
        new = self.fit_view(fit)
        gap = self.worst_gap(fit)
        formula = self.formula("y = " + relu_sum_tex(fit.network, show_unit_weights=True))
        self.narrate("Keep the kinks; least-squares output weights and bias cut the error "
                     f"to {words(fit.max_error)}.",
                     *self.morph(new), ReplacementTransform(self.gap, gap),
                     FadeTransform(self.formula_mob, formula),
                     self.error_readout.change_to(fit.max_error), run_time=2)
        self.formula_mob, self.view, self.gap = formula, new, gap

    def let_kinks_move(self) -> None:
        self.beat("Let the kinks move")
        self.build_panel()
        fit = best_fit(BEST_FIRST)
        new = self.fit_view(fit)
        gap = self.worst_gap(fit)
        formula = self.formula("y = " + relu_sum_tex(fit.network, show_unit_weights=True))
        kinks = unit_kinks(fit)
        self.narrate(f"Let the kinks move: at x = {words(kinks[0])} and {words(kinks[1])}, "
                     f"the same two units miss by only {words(fit.max_error)}.",
                     *self.morph(new), ReplacementTransform(self.gap, gap),
                     FadeTransform(self.formula_mob, formula), FadeIn(self.n_readout),
                     self.error_readout.change_to(fit.max_error), run_time=3)
        self.formula_mob, self.view, self.gap = formula, new, gap
        # the kinks' places, written under the x axis while the dots are pointed at
        self.kink_marks = VGroup(*(MathTex(format_tex(h, trim=True), font_size=26, color=self.theme.breakpoint)
                                   .move_to(self.axes.c2p(h, y) + 0.55 * UP)
                                   for h, y in zip(kinks, fit.function(kinks))))
        self.strip = self.strip_view(fit)
        with self.narrating(f"Below, the gap f − x², zoomed, swings between ± {words(fit.max_error)}, "
                            "touching each bound in turn."):
            self.play(FadeIn(self.kink_marks), Indicate(new.dots, scale_factor=2), run_time=1.0)
            self.play(Create(self.strip_frame), FadeIn(self.strip.title), run_time=0.8)
            self.play(Create(self.strip.band), Create(self.strip.bounds), FadeIn(self.strip.label), run_time=1.8)
            self.play(FadeOut(self.gap), Circumscribe(self.strip.bounds, color=self.theme.accent), run_time=1.2)

    def why_the_bound(self) -> None:
        self.beat("Why the best is 2/(2n+1)²")
        t = self.theme
        fit = best_fit(BEST_FIRST)
        rows = [Tex(r"$n$ kinks: $n+1$ pieces, the first half as wide", font_size=28),
                MathTex(r"(n + \tfrac{1}{2})\,h = 2 \;\Rightarrow\; h = \frac{4}{2n+1}", font_size=32),
                Tex(r"$x^2$ sags up to $h^2/4$ below each chord", font_size=28),
                MathTex(r"\text{chord} - \tfrac{h^2}{8}:\ \text{gap} = \pm\tfrac{h^2}{8} = \frac{2}{(2n+1)^2}",
                        font_size=32)]
        y = 0.15
        for row in rows:
            row.move_to([0.6, y, 0], aligned_edge=LEFT + UP)
            y = row.get_bottom()[1] - 0.22
        self.derivation = VGroup(*rows)
        # the chords of x² between the fit's knots: the fit lifted by its bound
        f, bound = fit.function, fit.best_max_error
        chord = VMobject(color=t.muted, stroke_width=3).set_points_as_corners(
            [self.axes.c2p(x, y + bound) for x, y in zip(f.knots, f.knot_values)])
        chords = DashedVMobject(chord, num_dashes=40)
        with self.narrating("Why? n kinks make n + 1 pieces; x² mirrors at 0, so the first "
                            "is half as wide."):
            self.play(Create(rows[0]), run_time=1.5)
            self.play(Indicate(self.view.dots, scale_factor=2), Indicate(self.kink_marks), run_time=1.5)
        with self.narrating("Together they cover [0, 2]: that fixes h."):
            self.play(Create(rows[1]), run_time=1.0)
            self.play(Circumscribe(self.strip_frame, color=t.breakpoint), run_time=0.9)
        with self.narrating("Over each piece, x² sags below its chord by up to h²/4."):
            self.play(Create(rows[2]), run_time=1.2)
            self.play(Create(chords), run_time=2)
        with self.narrating("Lower the chords by h²/8: the gap swings between ± h²/8 = 2/(2n+1)²."):
            self.play(Create(rows[3]), run_time=1.5)
            self.play(chords.animate.shift(self.axes.c2p(0, 0) - self.axes.c2p(0, bound)), run_time=1.5)
            self.play(FadeOut(chords), Indicate(self.strip.bounds), run_time=1)
        self.narrate("Touching each bound in turn marks the best: for n = 2, 2/5² = 0.08.",
                     FadeIn(self.bound, shift=0.2 * DOWN),
                     Circumscribe(self.strip.band, color=t.accent), run_time=2.5)

    def log_log_plot(self) -> None:
        self.beat("Errors on a log–log plot")
        self.build_inset()
        fit = best_fit(BEST_FIRST)
        point = self.inset_point(fit)
        self.inset_points.add(point)
        general = self.general_formula()
        self.narrate("Now n grows, kinks at their best; each max error goes on a "
                     "log–log plot.",
                     FadeOut(self.derivation, shift=0.3 * DOWN), FadeOut(self.kink_marks),
                     FadeTransform(self.formula_mob, general), Create(self.inset), FadeIn(self.inset_title),
                     GrowFromCenter(point), run_time=3)
        self.formula_mob = general

    def show_units(self, n: int) -> None:
        """Morph to the best n-unit fit; update readouts, bound row, strip and inset."""
        fit = best_fit(n)
        point = self.inset_point(fit)
        self.inset_points.add(point)
        error = words(fit.max_error)
        window = strip_window(n)
        lines = {
            3: f"{n} units: error {error}; the kinks spread out evenly.",
            5: f"{n} units: {error}, still touching both bounds in turn.",
            10: f"{n} units: {error}; the kinks blur together.",
            20: f"{n} units: {error}.",
            50: f"{n} units: {error}. The strip now shows only [{words(window[0])}, {words(window[1])}], "
                "or it would blur.",
            100: f"{n} units: {error}. It looks like a curve.",
        }
        self.beat(f"{n} units")
        new = self.fit_view(fit)
        strip = self.strip_view(fit)
        bound = self.bound_row(n)
        self.narrate(lines[n], *self.morph(new),
                     ReplacementTransform(self.strip.band, strip.band),
                     ReplacementTransform(self.strip.bounds, strip.bounds),
                     ReplacementTransform(self.strip.label, strip.label),
                     (FadeTransform if self.strip.title.tex_string != strip.title.tex_string
                      else ReplacementTransform)(self.strip.title, strip.title),
                     FadeTransform(self.bound, bound),
                     self.n_readout.change_to(n), self.error_readout.change_to(fit.max_error),
                     GrowFromCenter(point), run_time=2)
        self.view, self.strip, self.bound = new, strip, bound

    def slope_of_the_error(self) -> None:
        self.beat("The n to the minus 2 law")
        slope = self.slope_line()
        with self.narrating("The errors fall along slope −2: double the units, quarter the error, "
                            "as 2/(2n+1)² says."):
            self.play(Create(slope[0]), FadeIn(slope[1]), run_time=2)
            self.play(Indicate(self.inset_points, scale_factor=1.8), Indicate(self.bound), run_time=2)
        self.slope = slope

    def zoom_in(self) -> None:
        self.beat("Zooming into a hundred units")
        t = self.theme
        fit = best_fit(UNITS[-1])
        a, b = ZOOM
        inside = fit.network.piecewise(a, b)
        low, high = np.floor(square(np.array([a]))[0] * 10) / 10, np.ceil(square(np.array([b]))[0] * 10) / 10
        zoom = make_axes((a, b, round((b - a) / 2, 9)), (low, high, 0.1), x_length=3.9, y_length=2.3, theme=t)
        zoom.move_to([4.55, -1.75, 0])
        box = Rectangle(width=self.axes.c2p(b, 0)[0] - self.axes.c2p(a, 0)[0],
                        height=self.axes.c2p(0, high)[1] - self.axes.c2p(0, low)[1],
                        color=t.accent, stroke_width=2.5)
        box.move_to((self.axes.c2p(a, low) + self.axes.c2p(b, high)) / 2)
        rays = VGroup(DashedLine(box.get_corner(UP + RIGHT), zoom.c2p(a, high), color=t.muted, stroke_width=1.5),
                      DashedLine(box.get_corner(DOWN + RIGHT), zoom.c2p(a, low), color=t.muted, stroke_width=1.5))
        curve = target_graph(zoom, square, (a, b), theme=t)
        graph = PiecewiseGraph(zoom, inside, theme=t)
        dots = breakpoint_dots(zoom, inside, theme=t)
        self.zoom = VGroup(zoom, curve, graph, dots)
        with self.narrating(f"Zoom into x from {words(a)} to {words(b)}: straight between kinks, one dot "
                            "per kink."):
            self.play(FadeOut(self.inset), FadeOut(self.inset_title), FadeOut(self.inset_points),
                      FadeOut(self.slope), Create(box), run_time=0.9)
            self.play(Create(rays), Create(zoom), run_time=1.1)
            self.play(Create(curve), Create(graph), run_time=1.2)
            self.play(GrowFromCenter(dots), run_time=0.8)
        tracer, scan = sweep(zoom, graph, t.accent)
        self.add(scan)
        self.narrate("Each piece is a line; the gap to x² is invisibly thin.",
                     MoveAlongPath(tracer, graph, rate_func=linear), Indicate(self.strip.band), run_time=4)
        scan.clear_updaters()
        self.remove(scan)
        self.remove(tracer)
        self.box, self.rays = box, rays

    def closing(self) -> None:
        self.beat("Straight pieces all the way down")
        t = self.theme
        tracer, scan = sweep(self.axes, self.view.graph, t.accent)
        self.add(scan)
        self.narrate("No ReLU curves: just kinks, one per unit, straight in between.",
                     MoveAlongPath(tracer, self.view.graph, rate_func=linear),
                     Indicate(self.view.dots, scale_factor=1.5), run_time=3.3)
        scan.clear_updaters()
        self.remove(scan, tracer)
        self.narrate("Piecewise linear, yet as close to x² as we like.",
                     Circumscribe(self.bound, color=t.accent), Circumscribe(self.zoom, color=t.accent),
                     Indicate(self.error_readout), run_time=2.6, wait=1.0)
