"""Chapter "Folding the plane".

With two inputs a ReLU unit is zero along a straight line and active on one
side of it: it folds the input plane. The first layer's units fold it along
straight lines, one at a time; a second-layer unit adds up those folded pieces,
so its own fold line bends wherever it crosses one of them; together they cut
the plane into convex polygons, on each of which the network is one flat
plane. The last beat draws those exact linear regions, coloured by the
network's output, and takes the ReLUs out: one region is left.

Every number drawn comes from :mod:`relu_anim`: the network from
:func:`~relu_anim.construct.random_network`, the fold lines from
:func:`~relu_anim.regions.first_layer_lines` and
:func:`~relu_anim.regions.unit_lines`, the active sides and the piece counts
from :mod:`relu_anim.story.folds`, the regions from
:func:`~relu_anim.regions.linear_regions`. The literals here are story
choices: the box, the widths and the seed.

Preview::

    manim -pql scenes/feature_plane.py    # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, MathTex, ReplacementTransform,
                   Tex, VGroup, Write)

from relu_anim.construct import random_network
from relu_anim.story.folds import active_side, fold_region_counts
from relu_anim.network import Network
from relu_anim.regions import Region, first_layer_lines, linear_regions, unit_lines
from relu_anim.story.numbers import affine_tex, format_tex, words
from relu_anim.visual import ChapterScene, Readout, make_axes
from relu_anim.visual.plane import ColorBar, RegionMap, fold_line, plane_polygon
from relu_anim.visual.steps import side_scale

__all__ = ["FeaturePlane", "BOX", "WIDTHS", "SEED", "network", "linear_network", "Folds", "folds",
           "regions", "region_values"]

# --------------------------------------------------------------- the story's choices
#: The part of the input plane drawn: x₁ and x₂ from −2 to 2.
BOX = (-2.0, 2.0, -2.0, 2.0)
#: Two inputs, two hidden layers of 8 ReLU units, one output.
WIDTHS = (2, 8, 8, 1)
#: The random draw shown.
SEED = 1


# ------------------------------------------------------------ the data, from relu_anim
def network() -> Network:
    """The chapter's random two-input ReLU network."""
    return random_network(list(WIDTHS), seed=SEED)


def linear_network() -> Network:
    """The same weights with the ReLUs taken out."""
    return random_network(list(WIDTHS), seed=SEED, activation="linear")


@dataclass(frozen=True)
class Folds:
    """The first layer's folds: per unit its line (or None) and active side, and the piece counts."""

    lines: list
    sides: list
    counts: list[int]
    second: list


def folds(net: Network) -> Folds:
    """Fold lines, active sides and piece counts of ``net``'s first layer; its second layer's bent lines."""
    return Folds(first_layer_lines(net, BOX),
                 [active_side(net, j, BOX) for j in range(net.layers[0].out_features)],
                 fold_region_counts(net, BOX),
                 unit_lines(net, BOX)[1])


def regions(net: Network) -> list[Region]:
    """The exact linear regions of ``net`` inside :data:`BOX`."""
    return linear_regions(net, BOX)


def region_values(rs: list[Region]) -> np.ndarray:
    """The network's output at each region's centroid (the colour of the region)."""
    return np.array([float(r(r.centroid)[0]) for r in rs])


def unit_tex(net: Network, j: int) -> str:
    """``ReLU(w₁x₁ + w₂x₂ + b)`` with unit ``j``'s numbers."""
    layer = net.layers[0]
    return rf"\mathrm{{ReLU}}({affine_tex(layer.weight[j], layer.bias[j], ['x_1', 'x_2'])})"


# ------------------------------------------------------------------------ drawing
class FeaturePlane(ChapterScene):
    """Two inputs: folds along lines, bent lines, then the exact polygons."""

    def construct(self) -> None:
        self.show_plane()
        self.first_fold()
        self.more_folds()
        self.second_layer()
        self.exact_regions()
        self.without_relu()

    # ------------------------------------------------------------------ layout
    def build_stage(self) -> None:
        """Title, the plane (box, scales, axis names) and the right column's anchors."""
        t = self.theme
        self.title = self.chapter_title("Two inputs: folding the plane", font_size=38, buff=0.3)
        x0, x1, y0, y1 = BOX
        self.plane = make_axes((x0, x1, 1), (y0, y1, 1), x_length=6.0, y_length=6.0, numbers=False,
                               x_label=None, theme=t)
        self.plane.move_to([-3.2, -0.35, 0])
        self.plane.set_opacity(0.35)
        self.box = plane_polygon(self.plane, [[x0, y0], [x1, y0], [x1, y1], [x0, y1]], t.axis,
                                 fill_opacity=0, stroke_width=2.5, theme=t)
        ticks = [y0, 0.0, y1]
        left = side_scale(self.plane, ticks, theme=t)[1:]  # ticks and numbers; the box is the spine
        bottom = VGroup(*(MathTex(format_tex(x, "fixed", 1), font_size=20, color=t.text)
                          .next_to(self.plane.c2p(x, y0), DOWN, buff=0.12) for x in ticks))
        names = VGroup(MathTex("x_1", font_size=30, color=t.text).next_to(bottom[-1], RIGHT, buff=0.3),
                       MathTex("x_2", font_size=30, color=t.text).next_to(left[-1], UP, buff=0.15))
        self.frame = VGroup(self.plane, self.box, left, bottom, names)
        self.column_x = 0.55
        widths = r" \to ".join(str(w) for w in WIDTHS)
        self.net_label = MathTex(widths, font_size=32, color=t.unit).move_to([self.column_x, 2.55, 0], aligned_edge=LEFT)
        self.net_note = Tex("ReLU network, random weights, seed " + str(SEED), font_size=24, color=t.muted)
        self.net_note.next_to(self.net_label, DOWN, buff=0.12, aligned_edge=LEFT)

    def at_column(self, mob, y: float):
        return mob.move_to([self.column_x, y, 0], aligned_edge=LEFT)

    def unit_formula(self, net: Network, j: int) -> MathTex:
        mob = MathTex(rf"h_{{{j + 1}}} = " + unit_tex(net, j), font_size=30, color=self.theme.text)
        if mob.width > 6.3:
            mob.scale_to_fit_width(6.3)
        return self.at_column(mob, 1.45)

    def pieces_readout(self, label: str, value: int) -> Readout:
        return self.at_column(Readout(rf"\text{{{label}}}", value, style="integer", color=self.theme.accent,
                                      theme=self.theme), 0.6)

    def first_line(self, data: Folds, j: int):
        seg = data.lines[j]
        return None if seg is None else fold_line(self.plane, seg, theme=self.theme, stroke_width=3.5)

    def side(self, data: Folds, j: int):
        poly = data.sides[j]
        return None if poly is None else plane_polygon(self.plane, poly, self.theme.unit, fill_opacity=0.3,
                                                       theme=self.theme)

    def second_lines(self, data: Folds) -> VGroup:
        color = self.theme.unit_color(1)
        return VGroup(*(fold_line(self.plane, poly, color, theme=self.theme, stroke_width=3.5)
                        for unit in data.second for poly in unit))

    def region_map(self, rs: list[Region]) -> RegionMap:
        return RegionMap(self.plane, rs, region_values(rs), theme=self.theme)

    def color_bar(self, values: np.ndarray) -> ColorBar:
        bar = ColorBar(float(values.min()), float(values.max()), label="y", height=2.2, theme=self.theme)
        return self.at_column(bar, -1.75)

    # ------------------------------------------------------------------- beats
    def show_plane(self) -> None:
        self.beat("Two inputs")
        self.build_stage()
        self.net = network()
        self.data = folds(self.net)
        self.narrate("Now give the network two inputs, x₁ and x₂. Its output is a number over every point "
                     f"of the plane; we look at the square where both run from {words(BOX[0])} "
                     f"to {words(BOX[1])}.",
                     FadeIn(self.title), Create(self.frame), FadeIn(self.net_label), FadeIn(self.net_note),
                     run_time=2.5)

    def first_fold(self) -> None:
        self.beat("One unit, one fold")
        self.lines = VGroup()
        line, side = self.first_line(self.data, 0), self.side(self.data, 0)
        self.formula = self.unit_formula(self.net, 0)
        self.pieces = self.pieces_readout("pieces", self.data.counts[0])
        self.narrate("A first-layer unit adds up w₁x₁ + w₂x₂ + b. That sum is zero along a straight line: "
                     "on the shaded side the unit passes it on, on the other side it outputs zero.",
                     Write(self.formula), Create(line), FadeIn(side), run_time=2.5)
        self.narrate(f"So each unit folds the plane along its line, into {self.data.counts[0]} pieces.",
                     FadeIn(self.pieces), FadeOut(side), run_time=1.2)
        self.lines.add(line)

    def more_folds(self) -> None:
        self.beat("Eight folds")
        steps, shown = [], None
        for j in range(1, len(self.data.lines)):
            line, side = self.first_line(self.data, j), self.side(self.data, j)
            formula = self.unit_formula(self.net, j)
            step = [ReplacementTransform(self.formula, formula), self.pieces.change_to(self.data.counts[j])]
            step += [Create(line)] if line is not None else []
            step += [FadeIn(side)] if side is not None else []
            step += [FadeOut(shown)] if shown is not None else []
            if line is not None:
                self.lines.add(line)
            steps.append(step)
            self.formula, shown = formula, side
        if shown is not None:
            steps.append([FadeOut(shown)])
        drawn = sum(line is not None for line in self.data.lines)
        self.narrate_steps(f"The other units do the same, each along its own line. {drawn} straight lines cut "
                           f"the square into {self.data.counts[-1]} pieces; on each, every unit is either on "
                           "or off.", steps, step_time=1.1)

    def narrate_steps(self, text: str, steps: list[list], *, step_time: float, wait: float = 0.6) -> None:
        """Like :meth:`narrate`, but plays ``steps`` one after another under one subcaption."""
        with self.narrating(text, wait=wait):
            for animations in steps:
                self.play(*animations, run_time=step_time)

    def second_layer(self) -> None:
        self.beat("The second layer bends")
        bent = self.second_lines(self.data)
        self.regions = regions(self.net)
        self.narrate("A second-layer unit adds up the first layer's outputs, whose formula changes at every "
                     "fold. So its own zero line is straight only inside a piece, and bends where it "
                     "crosses a fold.",
                     FadeOut(self.formula), self.lines.animate.set_stroke(opacity=0.55), Create(bent),
                     run_time=2.5)
        self.narrate(f"Straight lines and bent lines together cut the square into "
                     f"{len(self.regions)} convex polygons.",
                     self.pieces.change_to(len(self.regions)), run_time=1.2)
        self.bent = bent

    def exact_regions(self) -> None:
        self.beat("The exact linear regions")
        rs = self.regions
        self.map = self.region_map(rs)
        self.bar = self.color_bar(self.map.values)
        label = self.pieces_readout("regions", len(rs))
        self.narrate(f"These are the network's exact linear regions, all {len(rs)} of them. On each polygon "
                     "the output is one flat, tilted plane; the colour shows its value at the polygon's centre.",
                     FadeIn(self.map), FadeOut(self.lines), FadeOut(self.bent),
                     ReplacementTransform(self.pieces, label), FadeIn(self.bar), run_time=2.5)
        self.pieces = label

    def linear_formula(self, net: Network) -> MathTex:
        """``y = w₁x₁ + w₂x₂ + b`` with the numbers of the collapsed linear network."""
        layer = net.collapse()
        mob = MathTex("y = " + affine_tex(layer.weight[0], layer.bias[0], ["x_1", "x_2"]), font_size=30,
                      color=self.theme.output)
        if mob.width > 6.3:
            mob.scale_to_fit_width(6.3)
        mob.layer = layer
        return self.at_column(mob, -0.4)

    def without_relu(self) -> None:
        self.beat("Without ReLU")
        net = linear_network()
        rs = regions(net)
        values = self.map.values
        new = RegionMap(self.plane, rs, region_values(rs), limits=(float(values.min()), float(values.max())),
                        theme=self.theme)
        formula = self.linear_formula(net)
        note = Tex("the same weights, no ReLU", font_size=24, color=self.theme.muted)
        note.move_to(self.net_note, aligned_edge=LEFT)
        self.narrate(f"Take the ReLUs out and every fold disappears: {len(rs)} region, a single tilted "
                     "plane over the whole square, with one formula. The bends are what ReLU adds.",
                     ReplacementTransform(self.map, new), FadeOut(self.bar), Write(formula),
                     self.pieces.change_to(len(rs)), ReplacementTransform(self.net_note, note),
                     run_time=2, wait=1.5)
        self.map, self.net_note, self.linear = new, note, formula

    # ------------------------------------------------------------------ stills
    def pose_folds(self) -> VGroup:
        """The end of "Eight folds": every first-layer line, the last unit's formula, the count."""
        self.build_stage()
        self.net = network()
        self.data = folds(self.net)
        lines = VGroup(*(m for m in (self.first_line(self.data, j) for j in range(len(self.data.lines)))
                         if m is not None))
        self.formula = self.unit_formula(self.net, len(self.data.lines) - 1)
        self.pieces = self.pieces_readout("pieces", self.data.counts[-1])
        self.add(self.title, self.frame, self.net_label, self.net_note, lines, self.formula, self.pieces)
        self.lines = lines
        return lines

    def pose_regions(self) -> RegionMap:
        """The end of "The exact linear regions"."""
        self.build_stage()
        self.net = network()
        self.map = self.region_map(regions(self.net))
        self.bar = self.color_bar(self.map.values)
        self.pieces = self.pieces_readout("regions", len(self.map))
        self.add(self.title, self.frame, self.map, self.net_label, self.net_note, self.pieces, self.bar)
        return self.map
