"""Chapter "Two inputs: creasing the plane".

With two inputs a ReLU unit is zero on one side of a straight line and rises
linearly on the other: it creases the plane along its zero line
``w₁x₁ + w₂x₂ + b = 0``, a hinge between two flat pieces. The first layer's
units crease it along straight lines, one at a time; a second-layer unit adds
up those creased outputs, so its own zero line bends wherever it crosses one of
them. The network's output is then a continuous surface of flat, tilted facets
meeting at creases: drawn here by its value at every point (an exact colour
gradient on each region) with contour lines that bend at the creases. The
picture counts *activation* regions (one per on/off pattern of the units) and
says how many different facets they make. Taking the ReLUs out leaves one
tilted plane.

Every number drawn comes from :mod:`relu_anim`: the network from
:func:`~relu_anim.construct.random_network`, the crease lines from
:func:`~relu_anim.regions.first_layer_lines` and
:func:`~relu_anim.regions.unit_lines`, the pieces, the units' own outputs and
the contour levels from :mod:`relu_anim.story.folds`, the regions from
:func:`~relu_anim.regions.linear_regions` and their facets from
:func:`~relu_anim.regions.affine_pieces`, the contour lines from
:func:`~relu_anim.regions.level_segments`. The literals here are story choices:
the box, the widths, the seed, the tracer's paths.

Preview::

    manim -pql scenes/feature_plane.py    # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circumscribe, Create, Dot, FadeIn, FadeOut, Indicate, LaggedStart,
                   MathTex, ReplacementTransform, Tex, ValueTracker, VGroup, Write, linear)

from relu_anim.construct import random_network
from relu_anim.network import Network
from relu_anim.regions import (Region, affine_pieces, first_layer_lines, level_segments, linear_regions,
                               unit_lines)
from relu_anim.story.folds import (contour_levels, first_layer_network, fold_region_counts, unit_network,
                                   value_range)
from relu_anim.story.numbers import affine_tex, format_tex
from relu_anim.visual import ChapterScene, LayerDiagram, Readout, make_axes
from relu_anim.visual.plane import ColorBar, RegionMap, contour_lines, fold_line, plane_polygon
from relu_anim.visual.steps import side_scale

__all__ = ["FeaturePlane", "BOX", "WIDTHS", "SEED", "CONTOURS", "network", "linear_network", "Creases",
           "creases", "regions", "Surface", "surface", "unit_surface", "facets"]

# --------------------------------------------------------------- the story's choices
#: The part of the input plane drawn: x₁ and x₂ from −2 to 2.
BOX = (-2.0, 2.0, -2.0, 2.0)
#: Two inputs, 6 ReLU units, then 4, one output: few enough regions to see each.
WIDTHS = (2, 6, 4, 1)
#: The random draw shown: every first-layer line crosses the whole square.
SEED = 3
#: About this many contour lines on each surface.
CONTOURS = 8
#: The tracer's walk across the output surface, corner to corner (x₁, x₂).
WALK = ((-1.8, -1.5), (1.8, 1.6))


# ------------------------------------------------------------ the data, from relu_anim
def network() -> Network:
    """The chapter's random two-input ReLU network."""
    return random_network(list(WIDTHS), seed=SEED)


def linear_network() -> Network:
    """The same weights with the ReLUs taken out."""
    return random_network(list(WIDTHS), seed=SEED, activation="linear")


@dataclass(frozen=True)
class Creases:
    """The first layer's crease lines and piece counts; the second layer's bent lines."""

    lines: list
    counts: list[int]
    pieces: list[Region]
    second: list


def creases(net: Network) -> Creases:
    """Crease lines and piece counts of ``net``'s first layer; its second layer's bent lines."""
    return Creases(first_layer_lines(net, BOX), fold_region_counts(net, BOX),
                   linear_regions(first_layer_network(net), BOX), unit_lines(net, BOX)[1])


def regions(net: Network) -> list[Region]:
    """The activation regions of ``net`` inside :data:`BOX` (one per on/off pattern)."""
    return linear_regions(net, BOX)


def facets(rs: list[Region]) -> list[list[int]]:
    """The regions grouped into the surface's flat facets (touching regions with one affine map)."""
    return affine_pieces(rs)


@dataclass(frozen=True)
class Surface:
    """A piecewise-affine value over the box: its regions, range and contour lines."""

    net: Network
    regions: list[Region]
    limits: tuple[float, float]
    levels: list[float]
    contours: list


def surface(net: Network, *, floor: float | None = None) -> Surface:
    """``net``'s output over :data:`BOX`; ``floor`` pins the low end (0 for a ReLU unit)."""
    rs = regions(net)
    low, high = value_range(rs)
    if floor is not None:
        low = floor  # a ReLU's output is ≥ 0: a rounding residue below it is not a value
    levels = contour_levels(low, high, CONTOURS)
    return Surface(net, rs, (low, high), levels, [s for v in levels for s in level_segments(rs, v)])


def unit_surface(net: Network, layer: int, unit: int) -> Surface:
    """Hidden unit ``unit`` of layer ``layer``: its own output over :data:`BOX`."""
    return surface(unit_network(net, layer, unit), floor=0.0)


def bendiest_unit(data: Creases) -> int:
    """The second-layer unit whose zero line bends most inside the box (the one shown alone)."""
    return int(np.argmax([sum(len(p) for p in polys) for polys in data.second]))


def unit_tex(net: Network, j: int) -> str:
    """``h_j = ReLU(w₁x₁ + w₂x₂ + b)`` with unit ``j``'s numbers."""
    layer = net.layers[0]
    return rf"h_{{{j + 1}}} = \mathrm{{ReLU}}({affine_tex(layer.weight[j], layer.bias[j], ['x_1', 'x_2'])})"


# ------------------------------------------------------------------------ drawing
class FeaturePlane(ChapterScene):
    """Two inputs: creases along lines, bent creases, the output surface, one plane without ReLU."""

    def construct(self) -> None:
        self.show_plane()
        self.first_crease()
        self.more_creases()
        self.second_layer()
        self.output_surface()
        self.without_relu()

    # ------------------------------------------------------------------ layout
    def build_stage(self) -> None:
        """Title, the plane (box, scales, axis names), the network diagram and the right column."""
        t = self.theme
        self.title = self.chapter_title("Two inputs: creasing the plane", font_size=38, buff=0.3)
        x0, x1, y0, y1 = BOX
        self.plane = make_axes((x0, x1, 1), (y0, y1, 1), x_length=6.0, y_length=6.0, numbers=False,
                               x_label=None, theme=t)
        self.plane.move_to([-3.3, -0.45, 0])
        self.plane.set_opacity(0)
        self.box = plane_polygon(self.plane, [[x0, y0], [x1, y0], [x1, y1], [x0, y1]], t.axis,
                                 fill_opacity=0, stroke_width=2.5, theme=t)
        ticks = [y0, 0.0, y1]
        left = side_scale(self.plane, ticks, font_size=24, theme=t)[1:]  # ticks and numbers; the box is the spine
        bottom = VGroup(*(MathTex(format_tex(x, "fixed", 1), font_size=24, color=t.text)
                          .next_to(self.plane.c2p(x, y0), DOWN, buff=0.12) for x in ticks))
        names = VGroup(MathTex("x_1", font_size=30, color=t.text).next_to(bottom[-1], RIGHT, buff=0.3),
                       MathTex("x_2", font_size=30, color=t.text).next_to(left[-1], UP, buff=0.15))
        self.frame = VGroup(self.box, left, bottom, names)
        self.diagram = LayerDiagram(WIDTHS, width=3.4, height=1.7, input_labels=["x_1", "x_2"],
                                    output_labels=["y"], theme=t).move_to([3.5, 2.1, 0])
        self.net_label = MathTex(r" \to ".join(str(w) for w in WIDTHS), font_size=30, color=t.unit)
        self.net_label.move_to([2.6, 0.95, 0])
        self.net_note = Tex("random weights", font_size=26, color=t.muted).next_to(self.net_label, RIGHT, buff=0.3)
        self.column_x = 0.3

    def at_column(self, mob, y: float):
        return mob.move_to([self.column_x, y, 0], aligned_edge=LEFT)

    def formula(self, tex: str, color=None) -> MathTex:
        mob = MathTex(tex, font_size=30, color=color or self.theme.text)
        if mob.width > 6.4:
            mob.scale_to_fit_width(6.4)
        return self.at_column(mob, 0.15)

    def count_readout(self, label: str, value: int, y: float = -0.65) -> Readout:
        return self.at_column(Readout(rf"\text{{{label}}}", value, style="integer", color=self.theme.pieces,
                                      font_size=30, theme=self.theme), y)

    def crease(self, seg, color=None, width: float = 3.5):
        return fold_line(self.plane, seg, color or self.theme.breakpoint, theme=self.theme,
                         stroke_width=width).set_z_index(1)

    def shaded(self, s: Surface, stroke_width: float = 1.0) -> RegionMap:
        """The value of ``s`` at every point: an exact gradient per region."""
        values = np.array([float(r(r.centroid)[0]) for r in s.regions])
        return RegionMap(self.plane, s.regions, values, limits=s.limits, shading="linear",
                         stroke_width=stroke_width, theme=self.theme).set_z_index(-2)

    def contours(self, s: Surface) -> "VGroup":
        return contour_lines(self.plane, s.contours, theme=self.theme).set_z_index(-1)

    def color_bar(self, s: Surface, label: str) -> ColorBar:
        bar = ColorBar(s.limits[0], s.limits[1], label=label, height=2.2, font_size=28, theme=self.theme)
        return bar.move_to([4.35, -2.2, 0], aligned_edge=LEFT)

    def tracer(self, net: Network, path, label: str) -> tuple[ValueTracker, Dot, Readout]:
        """A dot walking ``path`` (two points of the plane) and a readout of ``net`` where it stands."""
        a, b = (np.asarray(p, dtype=float) for p in path)
        s = ValueTracker(0.0)

        def where(t: float) -> np.ndarray:
            return a + t * (b - a)

        dot = Dot(self.plane.c2p(*a), radius=0.11, color=self.theme.accent).set_z_index(2)
        dot.add_updater(lambda d: d.move_to(self.plane.c2p(*where(s.get_value()))))
        value = Readout(label, float(net(where(0.0)[None, :])[0, 0]), digits=3, font_size=30, theme=self.theme)
        self.at_column(value, -1.45)
        value.follow(s, lambda t: float(net(where(t)[None, :])[0, 0]))
        return s, dot, value

    # ------------------------------------------------------------------- beats
    def show_plane(self) -> None:
        self.beat("Two inputs")
        self.build_stage()
        self.net = network()
        self.data = creases(self.net)
        d = self.diagram
        self.narrate("Now two inputs, x₁ and x₂, and one output y: a height over every point of the "
                     "plane.",
                     FadeIn(self.title), Create(self.frame),
                     LaggedStart(*(Create(e) for e in d.edges), *(Create(n) for n in d.nodes), Write(d.labels),
                                 lag_ratio=0.25))
        w = WIDTHS
        self.narrate(f"{w[1]} ReLU units in a first layer, {w[2]} in a second, random weights; we watch both "
                     "inputs from −2 to 2.",
                     Write(self.net_label), FadeIn(self.net_note),
                     LaggedStart(Indicate(d.nodes[1], color=self.theme.accent),
                                 Indicate(d.nodes[2], color=self.theme.accent), lag_ratio=0.6),
                     Circumscribe(self.box, color=self.theme.accent))

    def first_crease(self) -> None:
        self.beat("One unit, one crease")
        t, net = self.theme, self.net
        node = self.diagram.nodes[1][0]
        self.unit_formula = self.formula(unit_tex(net, 0))
        self.narrate("The first unit adds up w₁x₁ + w₂x₂ + b and passes it on only where "
                     "positive.",
                     Indicate(node, color=t.accent, scale_factor=1.6),
                     self.diagram.into(1, 0).animate.set_stroke(t.accent, opacity=1, width=2.5),
                     Write(self.unit_formula))
        unit = unit_surface(net, 0, 0)
        line = self.crease(self.data.lines[0])
        s, dot, value = self.tracer(unit.net, self.first_walk(net), "h_1")
        self.add(value)  # not faded in: its glyphs change under the updater, an animation would lose count
        with self.narrating("The sum is zero along a straight line. On one side, the unit gives zero "
                            "everywhere."):
            self.play(Create(line), FadeIn(dot), run_time=1.3)
            self.play(s.animate(rate_func=linear).set_value(0.45), Circumscribe(value, color=t.accent), run_time=3.2)
        self.unit_map, self.unit_lines = self.shaded(unit), self.contours(unit)
        self.bar = self.color_bar(unit, "h_1")
        self.narrate("On the other side it rises steadily: the colour grows, contour lines parallel "
                     "to the crease.",
                     FadeIn(self.unit_map), FadeIn(self.bar), Create(self.unit_lines, lag_ratio=0.3),
                     s.animate(rate_func=linear).set_value(1.0))
        self.narrate("Two flat pieces meeting at a crease, like a hinge: all one ReLU unit does to the "
                     "plane.",
                     Indicate(line, color=t.accent, scale_factor=1.05),
                     s.animate(rate_func=linear).set_value(0.0))
        self.first_tracer = VGroup(dot, value)
        self.lines = VGroup(line)
        self.line_of = {0: line}
        dot.clear_updaters()
        value.clear_updaters()

    def first_walk(self, net: Network) -> tuple[np.ndarray, np.ndarray]:
        """Across unit 1's crease at its middle, from its zero side to its rising side."""
        seg = self.data.lines[0]
        w = net.layers[0].weight[0]
        n = w / np.hypot(*w)
        m = seg.mean(axis=0)
        reach = 1.4
        while not all(BOX[0] <= c <= BOX[1] for c in (*(m - reach * n), *(m + reach * n))):
            reach *= 0.9
        return m - reach * n, m + reach * n

    def more_creases(self) -> None:
        self.beat("Six creases")
        t, data = self.theme, self.data
        self.count = self.count_readout("pieces", data.counts[0])
        self.narrate(f"One crease cuts the square into {data.counts[0]} pieces.",
                     FadeOut(self.unit_map), FadeOut(self.unit_lines), FadeOut(self.bar), FadeOut(self.first_tracer),
                     FadeIn(self.count), Indicate(self.lines[0], color=t.accent, scale_factor=1.05))
        steps, formula = [], self.unit_formula
        for j in range(1, len(data.lines)):
            if data.lines[j] is None:
                continue
            new = self.formula(unit_tex(self.net, j))
            line = self.crease(data.lines[j])
            self.lines.add(line)
            self.line_of[j] = line
            steps.append([ReplacementTransform(formula, new), Create(line), self.count.change_to(data.counts[j]),
                          Indicate(self.diagram.nodes[1][j], color=t.accent, scale_factor=1.6),
                          self.diagram.into(1, j).animate.set_stroke(t.accent, opacity=1, width=2.5)])
            formula = new
        self.unit_formula = formula
        with self.narrating("Every first-layer unit creases the plane along its own straight line."):
            for animations in steps:
                self.play(*animations, run_time=0.7)
        pieces = RegionMap(self.plane, data.pieces, np.arange(len(data.pieces), dtype=float), fill_opacity=0.55,
                           stroke_width=0, theme=t).set_z_index(-2)
        for k, poly in enumerate(pieces):
            poly.set_fill(t.piece_color(k), opacity=0.55)
        drawn = len(self.lines)
        with self.narrating(f"{drawn} lines cut it into {data.counts[-1]} pieces; on each, every unit stays on "
                            "or off, so it is linear there."):
            self.play(LaggedStart(*(FadeIn(p) for p in pieces), lag_ratio=0.5), run_time=4)
            self.play(Circumscribe(self.count, color=t.accent), run_time=1.5)
        with self.narrating("The first layer's output is flat on each piece and creased along the lines."):
            self.play(LaggedStart(*(FadeOut(p) for p in pieces), lag_ratio=0.5),
                      self.diagram.edges[0].animate.set_stroke(t.muted, opacity=0.7, width=1.2), run_time=1.6)
            self.play(LaggedStart(*(Indicate(line, color=t.accent, scale_factor=1.03) for line in self.lines),
                                  lag_ratio=0.4), run_time=2.6)

    def second_layer(self) -> None:
        self.beat("The second layer bends")
        t, data, net = self.theme, self.data, self.net
        k = bendiest_unit(data)
        unit = unit_surface(net, 1, k)
        bent = VGroup(*(self.crease(p, width=4.5) for p in data.second[k]))
        formula = self.formula(rf"g_{{{k + 1}}} = \mathrm{{ReLU}}\big(\textstyle\sum_j v_{{{k + 1}j}}\,h_j"
                               rf" + c_{{{k + 1}}}\big)")
        self.narrate("A second-layer unit adds up those creased outputs: linear on each piece, so its zero "
                     "line is straight inside a piece and bends at every crease.",
                     ReplacementTransform(self.unit_formula, formula),
                     Indicate(self.diagram.nodes[2][k], color=t.accent, scale_factor=1.6),
                     self.diagram.into(2, k).animate.set_stroke(t.accent, opacity=1, width=2.5),
                     self.lines.animate.set_stroke(opacity=0.45, width=2.5), Create(bent))
        self.unit_formula = formula
        shade, lines = self.shaded(unit, stroke_width=0), self.contours(unit)
        self.bar = self.color_bar(unit, f"g_{{{k + 1}}}")
        with self.narrating("Where on, it rises, tilted differently on each piece: its contours bend "
                            "at the creases. Where off, it is flat zero."):
            self.play(FadeIn(shade), FadeIn(self.bar), run_time=1.5)
            self.play(Create(lines, lag_ratio=0.5), run_time=3)
            self.play(Indicate(bent, color=t.accent, scale_factor=1.03), run_time=2)
        others = VGroup(*(self.crease(p, width=4.5) for j, polys in enumerate(data.second) if j != k
                          for p in polys))
        rs = regions(net)
        self.regions = rs
        label = self.count_readout("regions", len(rs))
        self.narrate(f"With the other bent lines: {len(rs)} regions, one for each pattern of units on and "
                     "off.",
                     FadeOut(shade), FadeOut(lines), FadeOut(self.bar),
                     LaggedStart(*(Create(o) for o in others),
                                 *(Indicate(n, color=t.accent, scale_factor=1.6) for n in self.diagram.nodes[2]),
                                 lag_ratio=0.3),
                     ReplacementTransform(self.count, label))
        self.count = label
        self.bent = VGroup(bent, others)

    def output_surface(self) -> None:
        self.beat("The output surface")
        t, net, rs = self.theme, self.net, self.regions
        out = surface(net)
        self.out = out
        self.map = self.shaded(out)
        self.out_lines = self.contours(out)
        self.bar = self.color_bar(out, "y")
        formula = self.formula(r"y = \textstyle\sum_k u_k\, g_k + d", color=t.output)
        self.narrate("The output y adds up the second layer: on each region, one flat tilted facet; colour "
                     "is height, contours show the tilt.",
                     ReplacementTransform(self.unit_formula, formula),
                     Indicate(self.diagram.nodes[-1], color=t.accent, scale_factor=1.6),
                     FadeIn(self.map), FadeIn(self.bar), FadeOut(self.lines), FadeOut(self.bent),
                     Circumscribe(self.count, color=t.accent),
                     self.diagram.edges[1].animate.set_stroke(t.muted, opacity=0.7, width=1.2),
                     Create(self.out_lines, lag_ratio=0.15))
        self.unit_formula = formula
        s, dot, value = self.tracer(net, WALK, "y")
        self.add(value)
        self.narrate("Walk across: the height changes steadily in a facet and changes rate at each crease, "
                     "never jumps: one continuous surface.",
                     FadeIn(dot), s.animate(rate_func=linear).set_value(1.0))
        dot.clear_updaters()
        value.clear_updaters()
        groups = facets(rs)
        self.facet_count = self.count_readout("facets", len(groups), y=-2.25)
        same = len(groups) == len(rs)
        tail = (f"here none do: {len(rs)} regions, {len(groups)} facets." if same else
                f"here some do: {len(rs)} regions make {len(groups)} facets.")
        self.narrate("Neighbours could share one formula and merge into one facet; " + tail,
                     FadeIn(self.facet_count), FadeOut(VGroup(dot, value)),
                     LaggedStart(*(Indicate(self.map[i], color=t.accent, scale_factor=1.0)
                                   for i in range(0, len(rs), max(1, len(rs) // 8))), lag_ratio=0.3))

    def without_relu(self) -> None:
        self.beat("Without ReLU")
        t = self.theme
        net = linear_network()
        flat = surface(net)
        new_map, new_lines = self.shaded(flat), self.contours(flat)
        bar = self.color_bar(flat, "y")
        layer = net.collapse()
        formula = self.formula("y = " + affine_tex(layer.weight[0], layer.bias[0], ["x_1", "x_2"]), color=t.output)
        formula.layer = layer
        note = Tex("no ReLU", font_size=26, color=t.muted)
        note.move_to(self.net_note, aligned_edge=LEFT)
        self.narrate("Take the ReLUs out, keep the weights: every crease disappears.",
                     ReplacementTransform(self.map, new_map), FadeOut(self.out_lines),
                     ReplacementTransform(self.bar, bar), ReplacementTransform(self.net_note, note),
                     self.count.change_to(len(flat.regions)), self.facet_count.change_to(len(facets(flat.regions))))
        self.narrate(f"{len(flat.regions)} region: a single tilted plane, with straight parallel contours and "
                     "one formula.",
                     Create(new_lines, lag_ratio=0.3), ReplacementTransform(self.unit_formula, formula))
        self.narrate("Every crease, every bend and every facet came from the ReLUs.",
                     Circumscribe(formula, color=t.accent), Indicate(self.count, color=t.accent), wait=1.0)
        self.map, self.bar, self.net_note, self.linear, self.lines_now = new_map, bar, note, formula, new_lines
