"""Chapter "Sums that bend".

Why a sum of shifted ReLUs is not a straight line: each term is flat, then a
ramp, so each one changes the slope of the sum once, at its own shift. Two terms
give two bends, a third term one more, ten terms fitted to a smooth curve look
curved. Three terms make a hat; hats on equal knots, as high as a bump, are a
Riemann sum with tents instead of rectangles, and add up to the bump's
polyline.

Every number drawn comes from :mod:`relu_anim`: the networks are built by
:func:`~relu_anim.construct.shifted_relu_sum`,
:func:`~relu_anim.construct.least_squares_output`, :func:`~relu_anim.story.hats.hat`
and :func:`~relu_anim.story.hats.hat_sum`, and every kink, slope and error is read
from their exact :class:`~relu_anim.piecewise.PiecewiseLinear` form. The
literals here are the story's choices: the domain, the example terms, the
kinks of the ten-term fit, the hat, the targets and the number of knots.

Preview::

    manim -pql scenes/bends.py            # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (LEFT, UP, Axes, Create, Dot, FadeIn, FadeOut, FadeTransform, GrowFromCenter,
                   Indicate, MathTex, Polygon, ReplacementTransform, VGroup, Write)

from relu_anim.construct import least_squares_output, shifted_relu_sum
from relu_anim.story.hats import Hat, hat, hat_sum, hats, riemann_cells, split_units
from relu_anim.network import Network
from relu_anim.story.fit import Fit
from relu_anim.story.numbers import word_list, words
from relu_anim.target import parse_target
from relu_anim.visual import (ChapterScene, GraphView, PiecewiseGraph, Readout, View, graph_view, make_axes,
                              relu_sum_tex, target_graph)
from relu_anim.visual.annotations import area_under, slope_labels

__all__ = ["Bends", "DOMAIN", "TERMS", "CURVE", "CURVE_SHIFTS", "HAT", "BUMP", "BUMP_KNOTS",
           "terms_sum", "curve_fit", "hat_network", "bump_knots", "bump_hats", "bump_cells", "bump_fit"]

# --------------------------------------------------------------- the story's choices
#: The view.
DOMAIN = (-3.0, 3.0)
#: The example terms, ``(weight, shift)``: weight · ReLU(x − shift).
TERMS = ((1.0, -2.0), (-1.5, 0.0), (1.0, 1.5))
#: The smooth curve the ten-term sum is fitted to, and the ten kinks it gets.
CURVE = parse_target("sin(1.6*x) + x/3 + 1.5")
CURVE_SHIFTS = tuple(np.linspace(-2.7, 2.7, 10))
#: The hat: centre, half width, height.
HAT = (0.0, 1.0, 2.0)
#: The bump built from hats, and how many equally spaced knots carry a hat.
BUMP = parse_target("2*exp(-x**2/2)")
BUMP_KNOTS = 13


# ------------------------------------------------------------ the data, from relu_anim
def terms_sum(k: int) -> Network:
    """The sum of the first ``k`` example terms."""
    weights, shifts = zip(*TERMS[:k])
    return shifted_relu_sum(weights, shifts)


def curve_fit() -> Fit:
    """Ten terms with kinks at :data:`CURVE_SHIFTS`, weights fitted to :data:`CURVE` by least squares."""
    return Fit.of(least_squares_output(CURVE, CURVE_SHIFTS, DOMAIN), CURVE, DOMAIN)


def hat_network() -> Network:
    """The hat of :data:`HAT`, three shifted ReLUs."""
    return hat(*HAT)


def bump_knots() -> np.ndarray:
    """:data:`BUMP_KNOTS` equally spaced knots across the view."""
    return np.linspace(*DOMAIN, BUMP_KNOTS)


def bump_hats() -> list[Hat]:
    """One hat per knot, as high as the bump there."""
    knots = bump_knots()
    return hats(knots, BUMP(knots))


def bump_cells() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Riemann rectangles of the same knots and heights."""
    knots = bump_knots()
    return riemann_cells(knots, BUMP(knots))


def bump_fit() -> Fit:
    """The sum of the hats, against the bump."""
    knots = bump_knots()
    return Fit.of(hat_sum(knots, BUMP(knots)), BUMP, DOMAIN)


# ------------------------------------------------------------------------ drawing
@dataclass(frozen=True, eq=False)
class SumView(GraphView):
    """The sum on the main axes: exact graph, kink dots, and each piece's slope written beside it."""

    slopes: VGroup


@dataclass(frozen=True, eq=False)
class TermView(View):
    """One term on its own small axes: its graph, a dot at its kink, its formula."""

    network: Network
    axes: Axes
    graph: PiecewiseGraph
    dots: VGroup
    label: MathTex


class Bends(ChapterScene):
    """Sums of shifted ReLUs bend once per term; hats and the Riemann picture (chapter "bends")."""

    def construct(self) -> None:
        self.two_terms()
        self.their_sum()
        self.third_term()
        self.many_terms()
        self.a_hat()
        self.riemann_rectangles()
        self.rectangles_become_hats()
        self.hats_add_up()
        self.closing()

    # ------------------------------------------------------------------ layout
    def build_stage(self) -> None:
        """Title and main axes: the parts every beat shares."""
        t = self.theme
        self.title = self.chapter_title("Sums that bend")
        # no numbers on the y axis: they would sit inside the graphs; the kinks'
        # positions (x) and the slopes are what the chapter reads
        self.axes = make_axes((DOMAIN[0], DOMAIN[1], 1), (-2, 3, 1), x_length=6.6, y_length=4.8,
                              font_size=22, theme=t, y_axis_config={"include_numbers": False})
        self.axes.move_to([-3.05, -0.55, 0])
        self.formula_anchor = np.array([-6.3, 2.6, 0])
        #: centres of the right-hand term panels, top to bottom
        self.panel_slots = [np.array([4.3, y, 0]) for y in (1.9, 0.0, -1.9)]
        #: left-centre anchors of the right-hand readouts
        self.readout_slots = [np.array([1.6, y, 0]) for y in (1.2, 0.5, -0.2)]

    def formula(self, tex: str, color=None) -> MathTex:
        """A formula above the main axes, left-aligned."""
        mob = MathTex(tex, font_size=32, color=color or self.theme.output)
        if mob.width > 7.4:
            mob.scale_to_fit_width(7.4)
        return mob.move_to(self.formula_anchor, aligned_edge=LEFT)

    def sum_view(self, network: Network, slopes: bool = True) -> SumView:
        """Exact graph, kink dots and slope labels of ``network`` on the main axes (no band)."""
        t = self.theme
        f = network.piecewise(*DOMAIN)
        view = graph_view(self.axes, f, theme=t)
        labels = (slope_labels(self.axes, f, theme=t, avoid=[self.axes.x_axis, self.axes.y_axis])
                  if slopes else VGroup())
        return SumView(view.band, view.graph, view.dots, labels)

    def term_view(self, network: Network, i: int, slot: int) -> TermView:
        """Unit ``network`` (the ``i``-th term, in the ``i``-th unit colour) in panel ``slot``."""
        t = self.theme
        f = network.piecewise(*DOMAIN)
        lo, hi = min(0.0, float(f.knot_values.min())), max(0.0, float(f.knot_values.max()))
        axes = make_axes((DOMAIN[0], DOMAIN[1], 1), (lo, hi, hi - lo), x_length=3.6, y_length=0.95,
                         numbers=False, x_label=None, theme=t, axis_config={"tick_size": 0.04})
        axes.move_to(self.panel_slots[slot])
        color = t.unit_color(i)
        graph = PiecewiseGraph(axes, f, color=color, theme=t, stroke_width=4)
        dots = VGroup(*(Dot(axes.c2p(x, 0), radius=0.05, color=t.breakpoint) for x in f.breakpoints))
        label = MathTex(relu_sum_tex(network), font_size=28, color=color)
        label.next_to(axes, UP, buff=0.12)
        return TermView(network, axes, graph, dots, label)

    def example_panels(self, k: int) -> list[TermView]:
        """The first ``k`` example terms, one panel each."""
        return [self.term_view(unit, i, i) for i, unit in enumerate(split_units(terms_sum(k)))]

    def hat_panels(self) -> list[TermView]:
        """The hat's three units, one panel each."""
        return [self.term_view(unit, i, i) for i, unit in enumerate(split_units(hat_network()))]

    def tent_views(self) -> list[VGroup]:
        """Each bump hat on the main axes: its area and its exact outline, in the unit colours."""
        t = self.theme
        views = []
        for i, h in enumerate(bump_hats()):
            f = h.network.piecewise(*h.support(DOMAIN))
            color = t.unit_color(i)
            views.append(VGroup(area_under(self.axes, f, color, opacity=0.3, theme=t),
                                PiecewiseGraph(self.axes, f, color=color, theme=t, stroke_width=2.5)))
        return views

    def rectangles(self) -> list[Polygon]:
        """The Riemann rectangles on the main axes, in the unit colours."""
        t = self.theme
        left, right, height = bump_cells()
        return [Polygon(self.axes.c2p(l, 0), self.axes.c2p(l, y), self.axes.c2p(r, y), self.axes.c2p(r, 0),
                        color=t.unit_color(i), fill_opacity=0.3, stroke_width=2.5)
                for i, (l, r, y) in enumerate(zip(left, right, height))]

    def readouts(self, rows) -> VGroup:
        """Readouts ``(label, value, style, colour)`` stacked in the right column."""
        group = VGroup()
        for (label, value, style, color), slot in zip(rows, self.readout_slots):
            r = Readout(label, value, style=style, color=color, font_size=32, theme=self.theme)
            group.add(r.move_to(slot, aligned_edge=LEFT))
        return group

    def curve_readouts(self, fit: Fit) -> VGroup:
        t = self.theme
        return self.readouts([(r"\text{terms}", fit.units, "integer", t.unit),
                              (r"\text{bends}", len(fit.function.breakpoints), "integer", t.breakpoint),
                              (r"\text{max gap to curve}", fit.max_error, "auto", t.error)])

    def bump_readouts(self, fit: Fit) -> VGroup:
        t = self.theme
        return self.readouts([(r"\text{hats}", len(bump_hats()), "integer", t.unit),
                              (r"\text{ReLU units}", fit.units, "integer", t.unit),
                              (r"\text{max gap to bump}", fit.max_error, "auto", t.error)])

    # ------------------------------------------------------------------- beats
    def two_terms(self) -> None:
        self.beat("Two shifted, weighted ReLUs")
        self.build_stage()
        self.panels = self.example_panels(2)
        first, second = (p.network.piecewise(*DOMAIN).breakpoints[0] for p in self.panels)
        self.narrate("Two ReLU units, each shifted and weighted. Each is flat, then a ramp, and turns "
                     f"just once: at x = {words(first)} and at x = {words(second)}.",
                     FadeIn(self.title), Create(self.axes),
                     *(FadeIn(p.group) for p in self.panels), run_time=2.5)

    def their_sum(self) -> None:
        self.beat("Their sum bends twice")
        net = terms_sum(2)
        self.view = self.sum_view(net)
        self.formula_mob = self.formula("y = " + relu_sum_tex(net))
        f = self.view.graph.function
        self.narrate("Add them. Between kinks nothing switches, so the sum is straight; it bends "
                     f"exactly at x = {word_list(f.breakpoints)}.",
                     Write(self.formula_mob), Create(self.view.graph), GrowFromCenter(self.view.dots),
                     run_time=2)
        self.narrate(f"The slopes read {word_list(f.slopes)}: each kink adds the weight of the term "
                     "that starts there.",
                     *(FadeIn(s) for s in self.view.slopes), run_time=1.2)

    def third_term(self) -> None:
        self.beat("A third term, another bend")
        net = terms_sum(3)
        panel = self.example_panels(3)[2]
        new = self.sum_view(net)
        formula = self.formula("y = " + relu_sum_tex(net))
        kink = panel.network.piecewise(*DOMAIN).breakpoints[0]
        i = int(np.searchsorted(new.graph.function.breakpoints, kink))
        before, after = new.graph.function.slopes[i], new.graph.function.slopes[i + 1]
        self.narrate(f"A third term adds one more bend, at x = {words(kink)}, where the slope goes from "
                     f"{words(before)} to {words(after)}.",
                     FadeIn(panel.group),
                     ReplacementTransform(self.view.graph, new.graph),
                     ReplacementTransform(self.view.dots, new.dots),
                     ReplacementTransform(self.view.slopes, new.slopes),
                     FadeTransform(self.formula_mob, formula), run_time=2)
        self.panels.append(panel)
        self.view, self.formula_mob = new, formula

    def many_terms(self) -> None:
        self.beat("Many terms: a curve")
        fit = curve_fit()
        new = self.sum_view(fit.network)
        self.curve = target_graph(self.axes, CURVE, DOMAIN, theme=self.theme, stroke_width=3,
                                  stroke_opacity=0.6)
        formula = self.formula(r"y = c + \sum_{i=1}^{" + str(fit.units) + r"} a_i\,\mathrm{ReLU}(x - h_i)")
        self.panel_readouts = self.curve_readouts(fit)
        self.narrate(f"Now {fit.units} terms, kinks spread out, weights fitted by least squares to a "
                     "smooth curve.",
                     *(FadeOut(p.group) for p in self.panels), FadeIn(self.curve),
                     ReplacementTransform(self.view.graph, new.graph),
                     ReplacementTransform(self.view.dots, new.dots),
                     FadeOut(self.view.slopes), FadeTransform(self.formula_mob, formula), run_time=2.5)
        self.view, self.formula_mob = new, formula
        self.narrate(f"{len(fit.function.breakpoints)} bends, {fit.function.num_pieces} straight pieces; "
                     f"yet from afar it reads as a curve, never more than {words(fit.max_error)} away.",
                     *(FadeIn(s) for s in new.slopes), FadeIn(self.panel_readouts), run_time=1.5)

    def a_hat(self) -> None:
        self.beat("A hat from three ReLUs")
        net = hat_network()
        self.panels = self.hat_panels()
        new = self.sum_view(net)
        formula = self.formula("y = " + relu_sum_tex(net))
        f = new.graph.function
        self.narrate("Three terms make a hat: one starts a climb, one turns it into a descent, one "
                     "stops it at zero.",
                     FadeOut(self.curve), FadeOut(self.panel_readouts), FadeOut(self.view.slopes),
                     *(FadeIn(p.group) for p in self.panels),
                     ReplacementTransform(self.view.graph, new.graph),
                     ReplacementTransform(self.view.dots, new.dots),
                     FadeTransform(self.formula_mob, formula), run_time=2.5)
        self.narrate(f"Its slopes: {word_list(f.slopes)}. Zero outside, a peak of "
                     f"{words(f.values.max())} in the middle.", *(FadeIn(s) for s in new.slopes), run_time=1)
        self.view, self.formula_mob = new, formula

    def riemann_rectangles(self) -> None:
        self.beat("A bump, cut like a Riemann sum")
        self.bump = target_graph(self.axes, BUMP, DOMAIN, theme=self.theme)
        self.rects = self.rectangles()
        self.narrate("A smooth bump, cut as in a Riemann sum: a thin rectangle on each of "
                     f"{BUMP_KNOTS} equally spaced points, as tall as the bump.",
                     *(FadeOut(p.group) for p in self.panels), FadeOut(self.view.group),
                     FadeOut(self.formula_mob), Create(self.bump),
                     *(FadeIn(r) for r in self.rects), run_time=2.5)

    def rectangles_become_hats(self) -> None:
        self.beat("Rectangles become hats")
        self.tents = self.tent_views()
        self.formula_mob = self.formula(r"\text{each hat} = 3\ \text{ReLUs}", color=self.theme.unit)
        self.narrate("Trade each rectangle for a hat of the same height: twice as wide, but pointed, "
                     "so exactly the same area.",
                     *(ReplacementTransform(r, tent) for r, tent in zip(self.rects, self.tents)),
                     FadeIn(self.formula_mob), run_time=2.5)

    def hats_add_up(self) -> None:
        self.beat("The hats add up")
        fit = bump_fit()
        view = self.sum_view(fit.network, slopes=False)
        readouts = self.bump_readouts(fit)
        self.narrate(f"Add the {len(self.tents)} hats. Where two overlap, one falls as the next rises, "
                     "so the sum runs straight from peak to peak.",
                     ReplacementTransform(VGroup(*self.tents), view.graph), GrowFromCenter(view.dots),
                     FadeIn(readouts), run_time=2.5)
        self.narrate(f"That polyline touches the bump at every knot and strays at most "
                     f"{words(fit.max_error)} from it: {fit.units} ReLU units, drawn exactly.",
                     Indicate(view.dots, color=self.theme.breakpoint), run_time=1.2)
        self.view, self.panel_readouts = view, readouts

    def closing(self) -> None:
        self.beat("Bends where they are needed")
        self.narrate("One ReLU bends once. Shift and weight enough of them, and they bend wherever a "
                     "curve needs it.",
                     Indicate(self.view.graph, color=self.theme.output, scale_factor=1.0), run_time=1.5,
                     wait=1.5)

    # ------------------------------------------------------------------ stills
    # Final states of key beats, built with the same builders and added without
    # animation: for golden-frame tests and stills.
    def pose_terms(self, k: int) -> tuple[SumView, list[TermView]]:
        """The end of the beat with ``k`` example terms (2 or 3)."""
        self.build_stage()
        net = terms_sum(k)
        view = self.sum_view(net)
        panels = self.example_panels(k)
        self.add(self.title, self.axes, self.formula("y = " + relu_sum_tex(net)),
                 *(p.group for p in panels), view.group)
        return view, panels

    def pose_many_terms(self) -> tuple[SumView, VGroup]:
        """The end of the "Many terms" beat."""
        self.build_stage()
        fit = curve_fit()
        view = self.sum_view(fit.network)
        readouts = self.curve_readouts(fit)
        self.add(self.title, self.axes, target_graph(self.axes, CURVE, DOMAIN, theme=self.theme,
                                                     stroke_width=3, stroke_opacity=0.6),
                 self.formula(r"y = c + \sum_{i=1}^{" + str(fit.units) + r"} a_i\,\mathrm{ReLU}(x - h_i)"),
                 readouts, view.group)
        return view, readouts

    def pose_hat(self) -> tuple[SumView, list[TermView]]:
        """The end of the "A hat" beat."""
        self.build_stage()
        net = hat_network()
        view = self.sum_view(net)
        panels = self.hat_panels()
        self.add(self.title, self.axes, self.formula("y = " + relu_sum_tex(net)),
                 *(p.group for p in panels), view.group)
        return view, panels

    def pose_tents(self) -> list[VGroup]:
        """The end of "Rectangles become hats"."""
        self.build_stage()
        tents = self.tent_views()
        self.add(self.title, self.axes, target_graph(self.axes, BUMP, DOMAIN, theme=self.theme),
                 self.formula(r"\text{each hat} = 3\ \text{ReLUs}", color=self.theme.unit), *tents)
        return tents

    def pose_hat_sum(self) -> tuple[SumView, VGroup]:
        """The end of "The hats add up"."""
        self.build_stage()
        fit = bump_fit()
        view = self.sum_view(fit.network, slopes=False)
        readouts = self.bump_readouts(fit)
        self.add(self.title, self.axes, target_graph(self.axes, BUMP, DOMAIN, theme=self.theme),
                 self.formula(r"\text{each hat} = 3\ \text{ReLUs}", color=self.theme.unit),
                 readouts, view.group)
        return view, readouts
