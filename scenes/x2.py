"""Chapter "Fitting x² with 1 to 100 units".

The article's demo, then where it leads: x² on [0, 2] fitted by ReLU(x) alone,
by ReLU(x) + ReLU(x − 1), by the same two units with least-squares weights, and
then by the best possible networks of 1, 2, 3, 5, 10, 20, 50 and 100 units, whose
max error is known exactly, 2/(2n+1)². The error band, the kinks, the readouts,
a zoomed residual strip and a log–log inset follow every step.

Every number drawn comes from :mod:`relu_anim`: the functions below build the
:class:`~relu_anim.story.fit.Fit` of each beat, and the scene only draws them. The
literals here are the story's choices: the shifts of the article's example and
the list of unit counts; the problem itself (target, domain, optimum) is
:mod:`relu_anim.x2`.

Preview::

    manim -pql scenes/x2.py            # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (LEFT, RIGHT, UP, Axes, Create, DashedLine, Dot, FadeIn, FadeOut, FadeTransform,
                   GrowFromCenter, Indicate, MathTex, ReplacementTransform, Tex, VGroup, Write)

from relu_anim.construct import least_squares_output, optimal_x2, shifted_relu_sum
from relu_anim.story.fit import Fit
from relu_anim.story.numbers import format_tex, words
from relu_anim.story.units import first_layer_kinks
from relu_anim.visual import (ChapterScene, ErrorBand, FitView, LogLogAxes, PiecewiseGraph, Readout, View,
                              fit_view, level_line, make_axes, relu_sum_tex, target_graph)
from relu_anim.x2 import DOMAIN, optimal_max_error, square

__all__ = ["X2Fit", "DOMAIN", "SHIFTS", "UNITS", "square", "relu_alone", "second_unit",
           "two_relus", "adjusted", "best_fit"]

# --------------------------------------------------------------- the story's choices
#: Kinks of the article's two units: ReLU(x) and ReLU(x − 1).
SHIFTS = (0.0, 1.0)
#: Unit counts shown one after another.
UNITS = (1, 2, 3, 5, 10, 20, 50, 100)


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


# ------------------------------------------------------------------------ drawing
@dataclass(frozen=True, eq=False)
class StripView(View):
    """The zoomed residual strip for one fit: f − x² on axes spanning ±1.3 × its bound.

    The strip's axes only place the rest (the frame drawn is the panel's own).
    """

    drawn = ("bounds", "band", "label")

    axes: Axes
    band: ErrorBand
    bounds: VGroup
    label: MathTex


class X2Fit(ChapterScene):
    """x² on [0, 2], from one ReLU to a hundred (DESIGN.md storyboard, chapter x2)."""

    def construct(self) -> None:
        self.show_target()
        self.one_relu()
        self.two_relus()
        self.adjust_weights()
        self.let_kinks_move()
        for n in UNITS:
            self.show_units(n)
        self.slope_of_the_error()
        self.closing()

    # ------------------------------------------------------------------ layout
    def build_stage(self) -> None:
        """Title, main axes and the target: the parts every beat shares."""
        t = self.theme
        self.title = self.chapter_title(r"Fitting $x^2$ with ReLU units")
        self.axes = make_axes((DOMAIN[0], DOMAIN[1], 0.5), (0, 4, 1), x_length=6.2, y_length=4.3,
                              y_label=None, theme=t)
        self.axes.move_to([-3.25, 0.45, 0])
        self.target_curve = target_graph(self.axes, square, DOMAIN, theme=t)
        self.target_label = MathTex("x^2", font_size=36, color=t.target)
        self.target_label.next_to(self.axes.c2p(DOMAIN[1], square(np.array([DOMAIN[1]]))[0]), LEFT, buff=0.2)
        self.target_label.shift(0.15 * UP)
        self.formula_anchor = np.array([0.9, 2.85, 0])
        #: left-centre anchors of the readouts n, max error, best possible
        self.readout_slots = [np.array([0.9, y, 0]) for y in (1.9, 1.35, 0.8)]

    def formula(self, tex: str) -> MathTex:
        """The network's formula at the top of the right column, in the output colour."""
        mob = MathTex(tex, font_size=34, color=self.theme.output)
        if mob.width > 5.9:
            mob.scale_to_fit_width(5.9)
        return mob.move_to(self.formula_anchor, aligned_edge=LEFT)

    def general_formula(self) -> MathTex:
        """The shape of every one-hidden-layer fit, ``y = c + Σ aᵢ ReLU(x − hᵢ)``."""
        return self.formula(r"y = c + \sum_{i=1}^{n} a_i\,\mathrm{ReLU}(x - h_i)")

    def free_error_readout(self, fit: Fit) -> Readout:
        """The max-error readout of the article's fits (before the panel appears)."""
        readout = Readout(r"\text{max error}", fit.max_error, color=self.theme.error, theme=self.theme)
        return readout.move_to(self.readout_slots[1], aligned_edge=LEFT)

    def fit_view(self, fit: Fit, dots: bool = True) -> FitView:
        """Band, exact graph and kink dots of ``fit`` on the main axes."""
        return fit_view(self.axes, fit, square, dots=dots, theme=self.theme)

    def build_panel(self) -> None:
        """Readouts (n, max error, best possible), the residual strip's frame, the inset."""
        t = self.theme
        first = best_fit(UNITS[0])
        self.n_readout = Readout("n", first.units, style="integer", theme=t)
        self.error_readout = Readout(r"\text{max error}", first.max_error, color=t.error, theme=t)
        self.best_readout = Readout(r"\text{best possible}", first.best_max_error, color=t.accent, theme=t)
        self.readouts = VGroup(self.n_readout, self.error_readout, self.best_readout)
        for readout, slot in zip(self.readouts, self.readout_slots):
            readout.move_to(slot, aligned_edge=LEFT)

        self.strip_frame = make_axes(DOMAIN, (-1.3, 1.3, 1.3), x_length=6.2, y_length=1.15,
                                     numbers=False, x_label=None, theme=t,
                                     axis_config={"include_ticks": False})
        self.strip_frame.move_to([self.axes.c2p(1, 0)[0], -3.05, 0])
        self.strip_title = Tex(r"gap $f(x)-x^2$, zoomed", font_size=24, color=t.muted)
        self.strip_title.next_to(self.strip_frame, UP, buff=0.06).align_to(self.strip_frame, LEFT)

        self.inset = LogLogAxes((0, 2), (-5, 0), x_length=3.9, y_length=2.45, plain_x=True, theme=t)
        self.inset.move_to([4.55, -1.85, 0])
        self.inset_title = Tex(r"max error vs.\ $n$ (log--log)", font_size=24, color=t.muted)
        self.inset_title.next_to(self.inset, UP, buff=0.12)
        self.inset_points = VGroup()

    def strip_view(self, fit: Fit) -> StripView:
        """f − x² on strip axes spanning ±1.3 × the fit's best max error, and the ± bound."""
        t = self.theme
        bound = fit.best_max_error
        axes = make_axes(DOMAIN, (-1.3 * bound, 1.3 * bound, bound), x_length=6.2, y_length=1.15,
                         numbers=False, x_label=None, theme=t)
        axes.move_to(self.strip_frame)
        band = ErrorBand(axes, fit.function, square, relative=True, theme=t, fill_opacity=0.6)
        bounds = VGroup(level_line(axes, bound, theme=t), level_line(axes, -bound, theme=t))
        label = MathTex(r"\pm\," + format_tex(bound), font_size=24, color=t.accent)
        label.next_to(axes.c2p(DOMAIN[1], 0), RIGHT, buff=0.15)
        return StripView(axes, band, bounds, label)

    def inset_point(self, fit: Fit):
        """The inset's dot for ``fit``: (units, max error) on log–log axes."""
        return Dot(self.inset.point(fit.units, fit.max_error), radius=0.05, color=self.theme.error)

    def slope_line(self) -> VGroup:
        """Reference line ∝ n⁻² through the last fit's point, with its label."""
        last = best_fit(UNITS[-1])
        n0, n1 = UNITS[0], UNITS[-1]
        start = self.inset.point(n0, last.max_error * (n0 / n1) ** -2)
        end = self.inset.point(n1, last.max_error)
        line = DashedLine(start, end, color=self.theme.muted, stroke_width=2.5)
        label = MathTex(r"\propto n^{-2}", font_size=26, color=self.theme.muted)
        label.next_to(start + 0.35 * (end - start), UP + RIGHT, buff=0.08)
        return VGroup(line, label)

    # ------------------------------------------------------------------- beats
    def show_target(self) -> None:
        self.beat("The target: x squared")
        self.build_stage()
        a, b = (words(v) for v in DOMAIN)
        self.narrate(f"Our target: y = x² on [{a}, {b}]. A ReLU network only adds up straight pieces; "
                     "how close can it get to a curve?",
                     FadeIn(self.title), Create(self.axes), Create(self.target_curve),
                     FadeIn(self.target_label), run_time=2.5)

    def one_relu(self) -> None:
        self.beat("One ReLU")
        fit = relu_alone()
        self.view = self.fit_view(fit)
        self.formula_mob = self.formula("y = " + relu_sum_tex(fit.network))
        self.narrate("Start with one unit, ReLU(x). Here it is just the line y = x; its kink sits at "
                     f"{words(first_layer_kinks(fit.network)[0])}, at the edge.",
                     Write(self.formula_mob), Create(self.view.graph), run_time=2)
        self.error_readout_free = self.free_error_readout(fit)
        worst = fit.function.knots[np.argmax(np.abs(fit.function.knot_values - square(fit.function.knots)))]
        self.narrate(f"The shaded gap is the error. The worst miss, at x = {words(worst)}, "
                     f"is {words(fit.max_error)}.",
                     FadeIn(self.view.band), FadeIn(self.error_readout_free), run_time=1.5)

    def two_relus(self) -> None:
        self.beat("Two ReLUs")
        unit, fit = second_unit(), two_relus()
        unit_graph = PiecewiseGraph(self.axes, unit.function, color=self.theme.unit, theme=self.theme,
                                    stroke_width=4)
        unit_label = MathTex(relu_sum_tex(unit.network), font_size=30, color=self.theme.unit)
        unit_label.move_to(self.axes.c2p(1.72, 0.27))
        kink = words(unit.function.breakpoints[0])
        self.narrate(f"A second unit, ReLU(x − {kink}), is zero until x = {kink} and rises after it.",
                     Create(unit_graph), FadeIn(unit_label), run_time=1.5)
        new = self.fit_view(fit)
        formula = self.formula("y = " + relu_sum_tex(fit.network))
        slopes = fit.function.slopes
        self.narrate(f"Add the two: the sum bends at x = {words(fit.function.breakpoints[0])}, where its "
                     f"slope jumps from {words(slopes[0])} to {words(slopes[1])}. The worst miss halves, "
                     f"to {words(fit.max_error)}.",
                     ReplacementTransform(self.view.graph, new.graph),
                     ReplacementTransform(self.view.band, new.band),
                     FadeOut(unit_graph), FadeOut(unit_label),
                     FadeTransform(self.formula_mob, formula),
                     self.error_readout_free.change_to(fit.max_error),
                     GrowFromCenter(new.dots), run_time=2)
        self.formula_mob = formula
        self.view = new

    def adjust_weights(self) -> None:
        self.beat("Adjusting the weights")
        fit = adjusted()
        new = self.fit_view(fit)
        formula = self.formula("y = " + relu_sum_tex(fit.network, show_unit_weights=True))
        self.narrate("Keep both kinks, but choose the output weights and a bias by least squares: "
                     f"the error drops to {words(fit.max_error)}.",
                     ReplacementTransform(self.view.graph, new.graph),
                     ReplacementTransform(self.view.band, new.band),
                     ReplacementTransform(self.view.dots, new.dots),
                     FadeTransform(self.formula_mob, formula),
                     self.error_readout_free.change_to(fit.max_error), run_time=2)
        self.formula_mob = formula
        self.view = new

    def let_kinks_move(self) -> None:
        self.beat("Letting the kinks move")
        self.build_panel()
        fit = best_fit(UNITS[0])
        new = self.fit_view(fit)
        strip = self.strip_view(fit)
        general = self.general_formula()
        self.narrate("Now let the kinks move too. For each number of units n, the best possible "
                     "max error is known exactly.",
                     FadeTransform(self.formula_mob, general),
                     ReplacementTransform(self.error_readout_free, self.error_readout),
                     FadeIn(self.n_readout), FadeIn(self.best_readout),
                     ReplacementTransform(self.view.graph, new.graph),
                     ReplacementTransform(self.view.band, new.band),
                     ReplacementTransform(self.view.dots, new.dots), run_time=2)
        self.formula_mob = general
        self.narrate("Below, the gap is zoomed to fill its strip; on the right, each error goes onto "
                     "a log–log plot.",
                     Create(self.strip_frame), FadeIn(self.strip_title), *(FadeIn(m) for m in strip.group),
                     Create(self.inset), FadeIn(self.inset_title), run_time=2)
        self.view, self.strip = new, strip
        self.shown_units = 0

    def show_units(self, n: int) -> None:
        """Morph to the best n-unit fit; update readouts, strip and inset."""
        fit = best_fit(n)
        point = self.inset_point(fit)
        self.inset_points.add(point)
        error = words(fit.max_error)
        lines = {
            1: f"One unit, placed as well as possible: a flat piece, then a ramp. Error {error}, "
               "exactly the bound.",
            5: "Five units. The gap swings between plus and minus the bound, touching it again and "
               "again: the mark of a best fit.",
            10: f"Ten units: {error}. The kinks are getting hard to see.",
            100: f"A hundred units: error {error}. It looks curved, yet it is "
                 f"{fit.function.num_pieces} straight pieces.",
        }
        text = lines.get(n, f"{n} units: {error}.")
        if self.shown_units == 0:  # the first fit is already drawn
            self.shown_units = n
            self.narrate(text, GrowFromCenter(point), Indicate(self.error_readout), run_time=1.2)
            return
        self.beat(f"{n} units")
        new = self.fit_view(fit)
        strip = self.strip_view(fit)
        self.narrate(text,
                     ReplacementTransform(self.view.graph, new.graph),
                     ReplacementTransform(self.view.band, new.band),
                     ReplacementTransform(self.view.dots, new.dots),
                     ReplacementTransform(self.strip.band, strip.band),
                     ReplacementTransform(self.strip.bounds, strip.bounds),
                     ReplacementTransform(self.strip.label, strip.label),
                     self.n_readout.change_to(n),
                     self.error_readout.change_to(fit.max_error),
                     self.best_readout.change_to(fit.best_max_error),
                     GrowFromCenter(point), run_time=1.5)
        self.view, self.strip = new, strip
        self.shown_units = n

    def slope_of_the_error(self) -> None:
        self.beat("The n to the minus 2 law")
        slope = self.slope_line()
        self.narrate("On the log–log plot the errors line up along slope −2: double the units, and "
                     "the error drops fourfold.", Create(slope[0]), FadeIn(slope[1]), run_time=1.5)
        self.slope = slope

    def closing(self) -> None:
        self.beat("Straight pieces all the way down")
        self.narrate("No single ReLU curves. The curve is made of kinks, one per unit: piecewise "
                     "linear, yet as close to x² as we like.",
                     Indicate(self.view.graph, color=self.theme.output, scale_factor=1.0), run_time=1.5,
                     wait=1.5)

    # ------------------------------------------------------------------ stills
    # Final states of key beats, built with the same builders and added without
    # animation: for golden-frame tests and stills.
    def pose_two_relus(self) -> FitView:
        """The end of the "Two ReLUs" beat."""
        self.build_stage()
        fit = two_relus()
        view = self.fit_view(fit)
        self.add(self.title, self.axes, self.target_curve, self.target_label,
                 self.formula("y = " + relu_sum_tex(fit.network)), *view.group, self.free_error_readout(fit))
        return view

    def pose_units(self, n: int) -> FitView:
        """The end of the beat showing the best ``n``-unit fit (``n`` in :data:`UNITS`)."""
        self.build_stage()
        self.build_panel()
        fit = best_fit(n)
        view = self.fit_view(fit)
        strip = self.strip_view(fit)
        self.n_readout.set_value(n)
        self.error_readout.set_value(fit.max_error)
        self.best_readout.set_value(fit.best_max_error)
        points = [self.inset_point(best_fit(k)) for k in UNITS if k <= n]
        self.add(self.title, self.axes, self.target_curve, self.target_label,
                 self.general_formula(),
                 self.readouts, self.strip_frame, self.strip_title, *strip.group, self.inset,
                 self.inset_title, *points, *view.group)
        return view
