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
from manim import (DL, LEFT, UP, Axes, Circumscribe, Create, Dot, FadeIn, FadeOut, FadeTransform,
                   GrowFromCenter, Indicate, MathTex, Polygon, ReplacementTransform, ValueTracker, VGroup, Write)

from relu_anim.construct import least_squares_output, shifted_relu_sum
from relu_anim.story.hats import Hat, hat, hat_sum, hats, riemann_cells, split_units
from relu_anim.network import Network
from relu_anim.story.fit import Fit
from relu_anim.story.numbers import word_list, words
from relu_anim.target import parse_target
from relu_anim.visual import (ChapterScene, GraphView, PiecewiseGraph, Readout, View, graph_view,
                              make_axes, relu_sum_tex, target_graph)
from relu_anim.visual.annotations import area_under, slope_labels
from relu_anim.visual.tracer import Tracer

__all__ = ["Bends", "DOMAIN", "TERMS", "CURVE", "CURVE_SHIFTS", "HAT", "BUMP", "BUMP_KNOTS",
           "terms_sum", "curve_fit", "hat_network", "bump_knots", "bump_hats", "bump_cells", "bump_fit",
           "panel_range"]

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


def panel_range(units: list[Network]) -> tuple[float, float, float]:
    """One y range ``(low, high, tick step)`` for the panels of ``units``: every term on one scale.

    It spans every unit's values on :data:`DOMAIN` and zero; the tick step
    (1, 2 or 5) keeps at most a dozen ticks, so equal tick spacing shows the
    panels share their scale.
    """
    values = np.concatenate([u.piecewise(*DOMAIN).knot_values for u in units] + [np.zeros(1)])
    low, high = float(np.floor(values.min())), float(np.ceil(values.max()))
    step = next(s for s in (1.0, 2.0, 5.0, 10.0) if (high - low) / s <= 12)
    return float(np.floor(low / step) * step), float(np.ceil(high / step) * step), step


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
        """Title and main axes (numbered on both axes, "0" at the origin): the parts every beat shares."""
        t = self.theme
        self.title = self.chapter_title("Sums that bend")
        self.axes = make_axes((DOMAIN[0], DOMAIN[1], 1), (-2, 3, 1), x_length=6.6, y_length=4.8,
                              font_size=24, theme=t)
        # manim leaves out the origin's numbers; one "0" below-left of it serves both axes
        self.axes.add(MathTex("0", font_size=24, color=t.text).next_to(self.axes.c2p(0, 0), DL, buff=0.1))
        self.axes.move_to([-3.05, -0.55, 0])
        self.formula_anchor = np.array([-6.3, 2.6, 0])
        #: centres of the right-hand term panels, top to bottom
        self.panel_slots = [np.array([4.3, y, 0]) for y in (1.9, 0.0, -1.9)]
        #: left-centre anchors of the right-hand readouts, top to bottom
        self.readout_slots = [np.array([1.4, y, 0]) for y in (1.7, 1.0, 0.3, -0.4, -1.1, -1.8)]

    def formula(self, tex: str, color=None) -> MathTex:
        """A formula above the main axes, left-aligned."""
        mob = MathTex(tex, font_size=32, color=color or self.theme.output)
        if mob.width > 7.4:
            mob.scale_to_fit_width(7.4)
        return mob.move_to(self.formula_anchor, aligned_edge=LEFT)

    def sum_view(self, network: Network, slopes: bool = True, target=None) -> SumView:
        """Exact graph, kink dots and slope labels (in the slope colour) of ``network`` on the main axes.

        With a ``target`` the view has the error band between the two.
        """
        t = self.theme
        f = network.piecewise(*DOMAIN)
        view = graph_view(self.axes, f, target, theme=t)
        labels = (slope_labels(self.axes, f, t.slope, font_size=24, theme=t,
                               avoid=[self.axes.x_axis, self.axes.y_axis])
                  if slopes else VGroup())
        return SumView(view.band, view.graph, view.dots, labels)

    def term_view(self, network: Network, i: int, slot: int, y_range: tuple[float, float, float]) -> TermView:
        """Unit ``network`` (the ``i``-th term, in the ``i``-th unit colour) in panel ``slot``, on ``y_range``."""
        t = self.theme
        f = network.piecewise(*DOMAIN)
        axes = make_axes((DOMAIN[0], DOMAIN[1], 1), y_range, x_length=3.6, y_length=1.2,
                         numbers=False, x_label=None, theme=t, axis_config={"tick_size": 0.04})
        axes.move_to(self.panel_slots[slot])
        color = t.unit_color(i)
        graph = PiecewiseGraph(axes, f, color=color, theme=t, stroke_width=4)
        dots = VGroup(*(Dot(axes.c2p(x, 0), radius=0.05, color=t.breakpoint) for x in f.breakpoints))
        label = MathTex(relu_sum_tex(network), font_size=28, color=color)
        label.next_to(axes, UP, buff=0.08)
        return TermView(network, axes, graph, dots, label)

    def panels_of(self, units: list[Network], k: int | None = None) -> list[TermView]:
        """The first ``k`` of ``units`` (all by default), one panel each, all on the scale of ``units``."""
        y_range = panel_range(units)
        return [self.term_view(unit, i, i, y_range) for i, unit in enumerate(units[:k])]

    def example_panels(self, k: int) -> list[TermView]:
        """The first ``k`` example terms, one panel each, on the scale of all example terms."""
        return self.panels_of(split_units(terms_sum(len(TERMS))), k)

    def hat_panels(self) -> list[TermView]:
        """The hat's three units, one panel each, on one scale."""
        return self.panels_of(split_units(hat_network()))

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

    def knot_dots(self) -> VGroup:
        """A dot at every knot, on the bump: where the hats peak and the polyline touches the bump."""
        knots = bump_knots()
        return VGroup(*(Dot(self.axes.c2p(x, y), radius=0.06, color=self.theme.accent)
                        for x, y in zip(knots, BUMP(knots))))

    def readout(self, label: str, value: float, style: str, color, slot: int) -> Readout:
        """A readout in the right column, in row ``slot``."""
        r = Readout(label, value, style=style, color=color, font_size=30, theme=self.theme)
        return r.move_to(self.readout_slots[slot], aligned_edge=LEFT)

    def slope_key(self) -> MathTex:
        """What the small numbers on the graph are: a key under the main axes, in the slope colour."""
        return MathTex(r"\text{numbers on the graph: slopes}", font_size=28,
                       color=self.theme.slope).next_to(self.axes, direction=np.array([0, -1.0, 0]), buff=0.15)

    # ------------------------------------------------------------------- beats
    def two_terms(self) -> None:
        self.beat("Two shifted, weighted ReLUs")
        self.build_stage()
        self.panels = self.example_panels(2)
        first, second = (p.network.piecewise(*DOMAIN).breakpoints[0] for p in self.panels)
        with self.narrating("Two ReLU units, shifted and weighted, on one scale: each is flat, then a ramp, "
                            f"turning once, at x = {words(first)} and at x = {words(second)}."):
            self.play(FadeIn(self.title), Create(self.axes), run_time=1.5)
            for p in self.panels:  # a tracer walks each term: flat, then (past its kink) a ramp
                tracer = Tracer(p.axes, p.graph.function, DOMAIN[0], p.graph.get_color(), radius=0.06,
                                theme=self.theme)
                self.play(FadeIn(p.axes), FadeIn(p.label), FadeIn(tracer), run_time=0.5)
                self.play(Create(p.graph), tracer.x.animate.set_value(DOMAIN[1]), rate_func=lambda u: u,
                          run_time=2.0)
                self.play(FadeOut(tracer), GrowFromCenter(p.dots), run_time=0.5)

    def their_sum(self) -> None:
        self.beat("Their sum bends twice")
        net = terms_sum(2)
        self.view = self.sum_view(net)
        self.formula_mob = self.formula("y = " + relu_sum_tex(net))
        f = self.view.graph.function
        self.narrate("Add them: between kinks nothing switches, so the sum is straight, bending "
                     f"exactly at x = {word_list(f.breakpoints)}.",
                     Write(self.formula_mob), Create(self.view.graph), GrowFromCenter(self.view.dots),
                     run_time=2)
        self.slope_legend = self.slope_key()
        self.narrate(f"Its pieces' slopes, written along it: {word_list(f.slopes)}. Each kink "
                     "adds the weight of the term starting there.",
                     *(Write(s) for s in self.view.slopes), FadeIn(self.slope_legend),
                     *(Indicate(p.label, scale_factor=1.1) for p in self.panels), run_time=2.5)

    def third_term(self) -> None:
        self.beat("A third term, another bend")
        net = terms_sum(3)
        panel = self.example_panels(3)[2]
        new = self.sum_view(net)
        formula = self.formula("y = " + relu_sum_tex(net))
        kink = panel.network.piecewise(*DOMAIN).breakpoints[0]
        i = int(np.searchsorted(new.graph.function.breakpoints, kink))
        before, after = new.graph.function.slopes[i], new.graph.function.slopes[i + 1]
        self.narrate(f"A third term adds a bend at x = {words(kink)}: the slope goes from "
                     f"{words(before)} to {words(after)}.",
                     FadeIn(panel.axes), FadeIn(panel.label), Create(panel.graph), GrowFromCenter(panel.dots),
                     ReplacementTransform(self.view.graph, new.graph),
                     ReplacementTransform(self.view.dots, new.dots),
                     ReplacementTransform(self.view.slopes, new.slopes),
                     FadeTransform(self.formula_mob, formula), run_time=2.5)
        self.panels.append(panel)
        self.view, self.formula_mob = new, formula

    def many_terms(self) -> None:
        self.beat("Many terms: a curve")
        t = self.theme
        fit = curve_fit()
        f = fit.function
        new = self.sum_view(fit.network, target=CURVE)
        self.curve = target_graph(self.axes, CURVE, DOMAIN, theme=t, stroke_width=2.5)
        self.curve.set_z_index(2)  # the target over the fit: where they part, the fit shows beneath
        formula = self.formula(r"y = c + \sum_{i=1}^{" + str(fit.units) + r"} a_i\,\mathrm{ReLU}(x - h_i)")
        readouts = VGroup(self.readout(r"\text{terms}", fit.units, "integer", t.unit, 0),
                          self.readout(r"\text{bends}", len(f.breakpoints), "integer", t.breakpoint, 1),
                          self.readout(r"\text{pieces}", f.num_pieces, "integer", t.output, 2),
                          self.readout(r"\text{max gap to curve}", fit.max_error, "auto", t.error, 3))
        self.narrate(f"Now {fit.units} terms, kinks spread out, weights fitted by least squares to a "
                     "smooth curve.",
                     *(FadeOut(p.group) for p in self.panels), Create(self.curve),
                     ReplacementTransform(self.view.graph, new.graph),
                     ReplacementTransform(self.view.dots, new.dots),
                     FadeOut(self.view.slopes), FadeTransform(self.formula_mob, formula),
                     FadeIn(readouts[0]), run_time=3)
        self.view, self.formula_mob = new, formula
        self.narrate(f"{len(f.breakpoints)} bends, {f.num_pieces} straight pieces, each with its slope "
                     "written beside it.",
                     *(Write(s) for s in new.slopes), FadeIn(readouts[1]), FadeIn(readouts[2]),
                     *(Indicate(d, color=t.breakpoint, scale_factor=1.8) for d in new.dots), run_time=3)
        tracer = Tracer(self.axes, f, DOMAIN[0], t.error, theme=t)
        gap = ValueTracker(0.0)
        gap.add_updater(lambda g: g.set_value(abs(float(f(tracer.x.get_value())) -
                                                  float(CURVE(np.array([tracer.x.get_value()]))[0]))))
        gap.update()
        live = self.readout(r"\text{gap here}", gap.get_value(), "fixed", t.error, 4)
        self.add(gap)
        with self.narrating("From afar it reads as a curve; the shaded sliver between them is never wider "
                            f"than {words(fit.max_error)}."):
            self.play(FadeIn(new.band), FadeIn(tracer), FadeIn(readouts[3]), FadeIn(live), run_time=1)
            live.follow(gap)
            self.play(tracer.x.animate.set_value(DOMAIN[1]), run_time=4.2)
            live.clear_updaters()
            self.play(FadeOut(tracer), FadeOut(live), run_time=0.5)
        self.remove(gap)
        self.panel_readouts = readouts

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
                     FadeOut(self.view.band),
                     *(FadeIn(p.axes) for p in self.panels), *(FadeIn(p.label) for p in self.panels),
                     *(Create(p.graph) for p in self.panels), *(FadeIn(p.dots) for p in self.panels),
                     ReplacementTransform(self.view.graph, new.graph),
                     ReplacementTransform(self.view.dots, new.dots),
                     FadeTransform(self.formula_mob, formula), run_time=3)
        self.narrate(f"Its slopes: {word_list(f.slopes)}. Zero outside, a peak of "
                     f"{words(f.values.max())} in the middle.", *(Write(s) for s in new.slopes),
                     *(Indicate(d, color=self.theme.breakpoint, scale_factor=2.0) for d in new.dots), run_time=2.5)
        self.view, self.formula_mob = new, formula

    def riemann_rectangles(self) -> None:
        self.beat("A bump, cut like a Riemann sum")
        t = self.theme
        self.bump = target_graph(self.axes, BUMP, DOMAIN, theme=t, stroke_width=3)
        self.bump.set_z_index(2)
        self.rects = self.rectangles()
        self.knots_readout = self.readout(r"\text{knots}", BUMP_KNOTS, "integer", t.accent, 0)
        self.knots = self.knot_dots()
        with self.narrating("A smooth bump, cut as in a Riemann sum: a thin rectangle on each of "
                            f"{BUMP_KNOTS} equally spaced knots, as tall as the bump there."):
            self.play(*(FadeOut(p.group) for p in self.panels), FadeOut(self.view.group), FadeOut(self.slope_legend),
                      FadeOut(self.formula_mob), Create(self.bump), run_time=2)
            self.play(FadeIn(self.knots_readout), run_time=0.5)
            for rect, dot in zip(self.rects, self.knots):
                self.play(FadeIn(rect), GrowFromCenter(dot), run_time=0.3)

    def rectangles_become_hats(self) -> None:
        self.beat("Rectangles become hats")
        self.tents = self.tent_views()
        self.formula_mob = self.formula(r"\text{each hat} = 3\ \text{ReLUs}", color=self.theme.unit)
        self.narrate("Trade each rectangle for a hat of the same height: twice as wide, but pointed, "
                     "so exactly the same area.",
                     *(ReplacementTransform(r, tent) for r, tent in zip(self.rects, self.tents)),
                     FadeIn(self.formula_mob), run_time=3)

    def hats_add_up(self) -> None:
        self.beat("The hats add up")
        t = self.theme
        fit = bump_fit()
        # its kinks are the inner knots, already dotted: the knot dots stand for both
        plain = self.sum_view(fit.network, slopes=False)
        view = SumView(plain.band, plain.graph, self.knots, plain.slopes)
        readouts = VGroup(self.readout(r"\text{hats}", len(bump_hats()), "integer", t.unit, 1),
                          self.readout(r"\text{ReLU units}", fit.units, "integer", t.unit, 2),
                          self.readout(r"\text{max gap to bump}", fit.max_error, "auto", t.error, 3))
        self.narrate(f"Add the {len(self.tents)} hats. Where two overlap, one falls as the next rises, "
                     "so the sum runs straight from knot to knot.",
                     ReplacementTransform(VGroup(*self.tents), view.graph),
                     FadeIn(readouts[0]), FadeIn(readouts[1]), run_time=3)
        self.narrate(f"It touches the bump at all {BUMP_KNOTS} knots and strays at most "
                     f"{words(fit.max_error)}: {fit.units} ReLU units, three per hat.",
                     *(Indicate(d, color=t.accent, scale_factor=1.8) for d in self.knots), FadeIn(readouts[2]),
                     Circumscribe(readouts[1], color=t.unit), run_time=3)
        self.view, self.panel_readouts = view, VGroup(self.knots_readout, *readouts)

    def closing(self) -> None:
        self.beat("Bends where they are needed")
        t = self.theme
        lines = VGroup(MathTex(r"\text{one ReLU: one bend, at its shift } h_i", font_size=28, color=t.breakpoint),
                       MathTex(r"\text{its weight } a_i\text{: the change of slope there}", font_size=28,
                               color=t.slope),
                       MathTex(r"\text{many of them: bends where needed}", font_size=28,
                               color=t.output))
        for line, y in zip(lines, (-1.3, -2.0, -2.7)):
            line.move_to([1.4, y, 0], aligned_edge=LEFT)
        f = self.view.graph.function
        tracer = Tracer(self.axes, f, DOMAIN[0], theme=t)
        self.narrate("One ReLU bends once, at its shift.",
                     Write(lines[0]), *(Indicate(d, color=t.breakpoint, scale_factor=2.0) for d in self.view.dots), run_time=2)
        with self.narrating("Its weight says how much the slope changes there."):
            self.play(Write(lines[1]), FadeIn(tracer), run_time=0.8)
            self.play(tracer.x.animate.set_value(DOMAIN[1]), run_time=2.0)
        with self.narrating("Shift and weight enough of them, and they bend wherever a curve needs it."):
            self.play(Write(lines[2]), tracer.x.animate.set_value(0.0), run_time=2.5)
            self.play(FadeOut(tracer), Indicate(self.view.graph, color=t.output, scale_factor=1.0), run_time=1.5)
        self.recap = lines
