"""The clip of a user's network: :class:`NetworkClip`, the scene ``relu-anim render`` renders.

The scene draws a :class:`~relu_anim.story.clip.ClipStory` (every number and
caption comes from there) under the film's rules: every animation plays inside
a narration, colours by theme name, text at least
:data:`~relu_anim.visual.theme.MIN_FONT_SIZE`. What it is fed comes from the
file named by the environment variable :data:`CLIP_ENV`, plain JSON written by
:mod:`relu_anim.render.clip`::

    {"title": "...", "sources": [{"name", "domain", "target", "layers": [
        {"weight", "bias", "activation", "negative_slope"}, ...]}, ...]}

manim renders a subclass defined in a scene file (manim only renders classes
defined in the file it is given): ``class Clip(NetworkClip): pass``.
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circumscribe, Create, DashedLine, Dot, DrawBorderThenFill, FadeIn, FadeOut,
                   GrowFromCenter, Indicate, LaggedStart, Line, ReplacementTransform, Transform, VGroup, VMobject)

from . import hooks  # noqa: F401  (manim made safe and faster first: see hooks)
from ..errors import ReluAnimError
from ..network import Layer, Network
from ..story.clip import MAX_SHOWN_PIECES, ClipSource, ClipStory, clip_story
from ..story.history import decades
from .annotations import slope_labels
from .graphs import ErrorBand, PiecewiseGraph, breakpoint_dots, make_axes, target_graph
from .playback import LossAxes
from .plane import RegionMap
from .readouts import Readout
from .scene import ChapterScene
from .steps import nice_range

__all__ = ["CLIP_ENV", "MAX_STOPS", "NetworkClip", "sources_from_spec", "tex_text"]

#: The environment variable naming the clip's JSON spec.
CLIP_ENV = "RELU_ANIM_CLIP"
#: The tracer visits at most this many places along x.
MAX_STOPS = 16


def sources_from_spec(spec: dict[str, Any]) -> list[ClipSource]:
    """The :class:`~relu_anim.story.clip.ClipSource` list of a clip spec (see the module's docstring).

    Examples
    --------
    >>> layer = {"weight": [[1.0]], "bias": [0.0], "activation": "relu", "negative_slope": 0.01}
    >>> out = {"weight": [[2.0]], "bias": [1.0], "activation": "linear", "negative_slope": 0.01}
    >>> [s.network.widths for s in sources_from_spec({"sources": [{"layers": [layer, out], "domain": [0, 1]}]})]
    [[1, 1, 1]]
    """
    sources = []
    for item in spec["sources"]:
        net = Network(Layer(np.array(l["weight"], dtype=float), np.array(l["bias"], dtype=float),
                            l["activation"], l["negative_slope"]) for l in item["layers"])
        sources.append(ClipSource(net, (float(item["domain"][0]), float(item["domain"][1])),
                                  target=item.get("target"), history=item.get("history"),
                                  name=item.get("name", "network")))
    return sources


class NetworkClip(ChapterScene):
    """A short clip of one network (and more fits of its target), chosen from what it holds."""

    def construct(self) -> None:
        path = os.environ.get(CLIP_ENV)
        if not path:
            raise ReluAnimError(f"{CLIP_ENV}: not set; render a clip with relu-anim render")
        with open(path, encoding="utf-8") as handle:
            spec = json.load(handle)
        self.clip = clip_story(sources_from_spec(spec))
        self.title = self.chapter_title(tex_text(spec.get("title") or self.clip.source.name), font_size=36)
        if self.clip.kind == "plane":
            self.plane()
            return
        self.stage()
        self.output()
        self.walk()
        if self.clip.one_layer:
            self.units()
        elif len(self.clip.switches) > 1:
            self.layers()
        if self.clip.target is not None:
            self.against_target()
            if len(self.clip.fits) > 1:
                self.more_units()
        if self.clip.snapshots:
            self.training()

    # ------------------------------------------------------------------ layout
    def stage(self) -> None:
        """Axes sized to the output (and target, and unit terms), readout slots on the right."""
        s = self.clip
        a, b = s.domain
        f = s.function
        ys = [f.knot_values]
        xs = np.linspace(a, b, 201)
        if s.target is not None:
            ys.append(np.asarray(s.target(xs), dtype=float))
        for fit in s.fits:
            ys.append(fit.function.knot_values)
        for _, _, g in s.snapshots:
            ys.append(g.knot_values)
        for g in (*s.terms, *s.sums):
            ys.append(g.knot_values)
        values = np.concatenate(ys)
        lo, hi, step = nice_range(float(values.min()), float(values.max()), 2)
        x_lo, x_hi, x_step = _x_range(a, b)
        self.axes = make_axes((x_lo, x_hi, x_step), (lo, hi, step), x_length=6.4, y_length=4.6,
                              y_label=None, theme=self.theme)
        self.axes.move_to([-3.0, -0.35, 0])
        self.slots = [np.array([1.2, y, 0]) for y in (2.3, 1.55, 0.8, 0.05, -0.7, -1.45)]
        self.used = 0

    def slot(self, mob: Any) -> Any:
        """Put ``mob`` in the next free readout slot (left-aligned)."""
        mob.move_to(self.slots[self.used], aligned_edge=LEFT)
        self.used += 1
        return mob

    # ------------------------------------------------------------------- beats
    def output(self) -> None:
        s, t = self.clip, self.theme
        self.beat("The output")
        self.graph = PiecewiseGraph(self.axes, s.function, theme=t)
        self.dots = breakpoint_dots(self.axes, s.function, theme=t)
        self.narrate(s.intro(), FadeIn(self.title), Create(self.axes), Create(self.graph))
        kinks = self.slot(Readout(r"\text{kinks}", len(s.function.breakpoints), style="integer", theme=t))
        pieces = self.slot(Readout(r"\text{pieces}", s.function.num_pieces, style="integer", theme=t))
        self.kinks_readout, self.pieces_readout = kinks, pieces
        text = s.kinks_text()
        with self.narrating(text):
            self.play(FadeIn(kinks), FadeIn(pieces),
                      *([LaggedStart(*(GrowFromCenter(d) for d in self.dots), lag_ratio=0.3)] if len(self.dots) else []),
                      run_time=1.5)
            shown = list(self.dots)[:MAX_STOPS] or [self.graph]
            each = max(0.8, (self.reading_time(text) - 2.1) / len(shown))
            for mob in shown:  # point at every kink in turn, as the words say
                self.play(Indicate(mob, scale_factor=2.0, color=t.accent), run_time=each)

    def walk(self) -> None:
        """A tracer walks along x: the slope of the piece it is on and the active units there."""
        s, t, ax = self.clip, self.theme, self.axes
        f = s.function
        self.beat("Slopes and active units")
        edges = np.unique(np.concatenate([[s.domain[0]], f.breakpoints, s.cuts, [s.domain[1]]]))
        stops = (edges[:-1] + edges[1:]) / 2
        if len(stops) > MAX_STOPS:
            stops = stops[np.unique(np.linspace(0, len(stops) - 1, MAX_STOPS).round().astype(int))]
        switch_marks = VGroup(*(
            Line(ax.c2p(x, ax.y_range[0]), ax.c2p(x, ax.y_range[0]) + 0.22 * UP, color=t.layer_color(i),
                 stroke_width=4)
            for i, xs in enumerate(s.switches) for x in xs))
        slope = self.slot(Readout(r"\text{slope}", float(f.slopes[f.piece_index(np.array([stops[0]]))[0]]),
                                  color=t.slope, theme=t))
        active = self.slot(Readout(r"\text{active units}", int(_count_at(s, stops[0])), style="integer",
                                   color=t.active, theme=t))
        tracer = Dot(ax.c2p(stops[0], float(f(np.array([stops[0]]))[0])), radius=0.09, color=t.accent)
        scan = DashedLine(ax.c2p(stops[0], ax.y_range[0]), ax.c2p(stops[0], ax.y_range[1]), color=t.muted,
                          stroke_width=2)
        labels = (slope_labels(ax, f, t.slope, font_size=24, avoid=[ax.x_axis, ax.y_axis], theme=t)
                  if f.num_pieces <= MAX_SHOWN_PIECES else VGroup())
        first, second = s.slopes_text(), s.active_text()
        with self.narrating(first):
            self.play(FadeIn(slope), FadeIn(active), FadeIn(tracer), Create(scan), Create(switch_marks),
                      *([LaggedStart(*(FadeIn(m) for m in labels), lag_ratio=0.2)] if len(labels) else []),
                      run_time=1.5)
            each = max(0.6, (self.reading_time(first) - 2.1) / max(1, len(stops) - 1))
            for x in stops[1:]:  # left to right: the slope of each piece
                self._visit(x, tracer, scan, slope, active, each)
        with self.narrating(second):
            back = stops[::-1][1:]
            each = max(0.6, (self.reading_time(second) - 1.6) / max(1, len(back)))
            for x in back:  # and back: the active units between switches
                self._visit(x, tracer, scan, slope, active, each)
            self.play(Indicate(active, color=t.accent), run_time=1.0)
        self.walkers = VGroup(tracer, scan, labels, switch_marks)
        self.walk_readouts = VGroup(slope, active)

    def clear_walk(self) -> list[Any]:
        """Fade-outs of the walk's tracer, marks and readouts, once (none the second time)."""
        gone, self.walkers, self.walk_readouts = [self.walkers, self.walk_readouts], VGroup(), VGroup()
        return [FadeOut(m) for m in gone if len(m)]

    def _visit(self, x: float, tracer: Dot, scan: DashedLine, slope: Readout, active: Readout,
               run_time: float) -> None:
        s, ax = self.clip, self.axes
        f = s.function
        y = float(f(np.array([x]))[0])
        shift = ax.c2p(x, 0)[0] - scan.get_center()[0]
        self.play(tracer.animate.move_to(ax.c2p(x, y)), scan.animate.shift(shift * RIGHT),
                  slope.change_to(float(f.slopes[f.piece_index(np.array([x]))[0]])),
                  active.change_to(int(_count_at(s, x))), run_time=run_time)

    def units(self) -> None:
        """One hidden layer: each unit's shifted, scaled ReLU, then their running sum."""
        s, t, ax = self.clip, self.theme, self.axes
        self.beat("Unit by unit")
        terms = [PiecewiseGraph(ax, g, t.unit_color(i), theme=t, stroke_width=3) for i, g in enumerate(s.terms)]
        a, b = s.domain
        kinks = VGroup(*(Dot(ax.c2p(h, float(g(np.array([h]))[0])), radius=0.07, color=t.unit_color(i))
                         for i, (h, g) in enumerate(zip(s.unit_kinks, s.terms)) if a < h < b))
        self.narrate(s.units_text(), *self.clear_walk(), self.graph.animate.set_stroke(opacity=0.25),
                     self.dots.animate.set_opacity(0.25),
                     LaggedStart(*(Create(g) for g in terms), lag_ratio=0.5), FadeIn(kinks))
        running = PiecewiseGraph(ax, s.sums[0], t.output, theme=t)
        with self.narrating(s.sum_text()):
            each = max(0.8, (self.reading_time(s.sum_text()) - 1.6) / len(s.sums))
            self.play(Create(running), Indicate(terms[0], scale_factor=1.0, color=t.accent), run_time=each)
            for k in range(1, len(s.sums)):  # one more unit at a time
                self.play(Transform(running, PiecewiseGraph(ax, s.sums[k], t.output, theme=t)),
                          Indicate(terms[k], scale_factor=1.0, color=t.accent), run_time=each)
            self.play(FadeOut(VGroup(*terms), kinks), self.graph.animate.set_stroke(opacity=1),
                      self.dots.animate.set_opacity(1), run_time=1.0)
        self.remove(running)

    def layers(self) -> None:
        """Deeper networks: where each hidden layer's units switch, layer by layer."""
        s, t, ax = self.clip, self.theme, self.axes
        self.beat("Layer by layer")
        rows = VGroup()
        marks = []
        for i, xs in enumerate(s.switches):
            rows.add(Readout(rf"\text{{layer {i + 1} switches}}", len(xs), style="integer",
                             color=t.layer_color(i), font_size=28, theme=t))
            marks.append(VGroup(*(Dot(ax.c2p(x, ax.y_range[0]), radius=0.06, color=t.layer_color(i)) for x in xs)))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.2).next_to(self.slots[self.used], DOWN, buff=0.1,
                                                                aligned_edge=LEFT)
        text = s.layers_text()
        with self.narrating(text):
            self.play(*self.clear_walk(), run_time=0.5)
            each = max(1.0, (self.reading_time(text) - 1.1) / len(rows))
            for row, mark in zip(rows, marks):  # one layer at a time: its count, then where
                self.play(FadeIn(row), run_time=0.3 * each)
                self.play(LaggedStart(*(GrowFromCenter(d) for d in mark), lag_ratio=0.2) if len(mark)
                          else Indicate(row, color=t.accent), run_time=0.7 * each)
        self.layer_rows = rows

    def against_target(self) -> None:
        s, t, ax = self.clip, self.theme, self.axes
        self.beat("Against the target")
        fit = s.fits[0]
        self.curve = target_graph(ax, s.target, s.domain, theme=t)
        self.band = ErrorBand(ax, fit.function, s.target, theme=t)
        rows = [FadeOut(self.layer_rows)] if hasattr(self, "layer_rows") else []
        self.narrate(s.target_text(), Create(self.curve), FadeIn(self.band), *self.clear_walk(), *rows)
        t_max = Readout(r"\text{max error}", fit.metrics["max_error"], color=t.error, theme=t)
        t_mse = Readout(r"\text{mean sq. error}", fit.metrics["mse"], color=t.error, theme=t)
        self.used = 2
        shown = [self.slot(t_max), self.slot(t_mse)]
        if "optimal_max_error" in fit.metrics:
            shown.append(self.slot(Readout(r"\text{best possible}", fit.metrics["optimal_max_error"],
                                           color=t.accent, theme=t)))
        self.metric_readouts = shown
        self.narrate(s.metrics_text(fit), LaggedStart(*(FadeIn(r) for r in shown), lag_ratio=0.4),
                     Circumscribe(VGroup(*shown), color=t.accent))

    def more_units(self) -> None:
        s, t, ax = self.clip, self.theme, self.axes
        self.beat("More units")
        units = self.slot(Readout(r"\text{units}", s.fits[0].network.hidden_units, style="integer", theme=t))
        self.narrate(f"This fit has {s.fits[0].network.hidden_units} units. Now more.", FadeIn(units),
                     Indicate(self.graph))
        for fit in s.fits[1:]:
            graph = PiecewiseGraph(ax, fit.function, theme=t)
            dots = breakpoint_dots(ax, fit.function, theme=t)
            band = ErrorBand(ax, fit.function, s.target, theme=t)
            anims = [ReplacementTransform(self.graph, graph), ReplacementTransform(self.dots, dots),
                     ReplacementTransform(self.band, band), units.change_to(fit.network.hidden_units),
                     self.metric_readouts[0].change_to(fit.metrics["max_error"]),
                     self.metric_readouts[1].change_to(fit.metrics["mse"]),
                     self.kinks_readout.change_to(len(fit.function.breakpoints)),
                     self.pieces_readout.change_to(fit.function.num_pieces)]
            if len(self.metric_readouts) > 2 and "optimal_max_error" in fit.metrics:
                anims.append(self.metric_readouts[2].change_to(fit.metrics["optimal_max_error"]))
            self.narrate(s.more_units_text(fit), *anims)
            self.graph, self.dots, self.band = graph, dots, band

    def training(self) -> None:
        """The training history played back: the graph and its kinks move, the loss curve grows."""
        s, t, ax = self.clip, self.theme, self.axes
        self.beat("Training")
        steps = [step for step, _, _ in s.snapshots]
        losses = [loss for _, loss, _ in s.snapshots]
        gone = [*self.clear_walk(), *([FadeOut(self.layer_rows)] if hasattr(self, "layer_rows") else [])]
        gone += [FadeOut(m) for m in (*getattr(self, "metric_readouts", []), getattr(self, "band", None))
                 if m is not None]
        loss_axes = LossAxes(max(1, steps[-1]), decades(losses), x_length=5.0, y_length=2.0, font_size=24,
                             theme=t).move_to([3.9, -2.2, 0])
        step = Readout(r"\text{step}", steps[0], style="integer", theme=t)
        loss = Readout(r"\text{loss}", losses[0], color=t.error, theme=t)
        step.move_to(self.slots[2], aligned_edge=LEFT)
        loss.move_to(self.slots[3], aligned_edge=LEFT)
        trail = VMobject(color=t.error, stroke_width=4).set_points_as_corners(
            [loss_axes.point(steps[0], losses[0])] * 2)
        marker = Dot(loss_axes.point(steps[0], losses[0]), radius=0.07, color=t.error)
        first = s.snapshots[0][2]
        text = s.training_text()
        with self.narrating(text):
            self.play(*gone, FadeIn(loss_axes), FadeIn(step), FadeIn(loss), FadeIn(trail), FadeIn(marker),
                      Transform(self.graph, PiecewiseGraph(ax, first, theme=t)),
                      Transform(self.dots, breakpoint_dots(ax, first, theme=t)), run_time=1.5)
            each = max(0.5, (self.reading_time(text) - 2.1) / max(1, len(s.snapshots) - 1))
            for k in range(1, len(s.snapshots)):  # snapshot by snapshot, every one exact
                stepped, value, g = s.snapshots[k]
                path = [loss_axes.point(a, b) for a, b in zip(steps[:k + 1], losses[:k + 1])]
                self.play(Transform(self.graph, PiecewiseGraph(ax, g, theme=t)),
                          Transform(self.dots, breakpoint_dots(ax, g, theme=t)),
                          Transform(trail, VMobject(color=t.error, stroke_width=4).set_points_as_corners(path)),
                          marker.animate.move_to(path[-1]), step.change_to(stepped), loss.change_to(value),
                          self.kinks_readout.change_to(len(g.breakpoints)),
                          self.pieces_readout.change_to(g.num_pieces), run_time=each)
        last = s.snapshots[-1][2]  # the morphs' points are aligned copies: keep the exact graph instead
        self.remove(self.graph, self.dots)
        self.graph, self.dots = PiecewiseGraph(ax, last, theme=t), breakpoint_dots(ax, last, theme=t)
        self.add(self.graph, self.dots)
        self.loss_axes, self.step_readout, self.loss_readout = loss_axes, step, loss

    def plane(self) -> None:
        """Two inputs: the output over the square, region by region."""
        s, t = self.clip, self.theme
        a, b = s.domain
        lo, hi, step = _x_range(a, b)
        self.beat("Over the plane")
        axes = make_axes((lo, hi, step), (lo, hi, step), x_length=5.6, y_length=5.6, x_label="x_1",
                         y_label="x_2", theme=t).move_to([-3.0, -0.45, 0])
        regions = RegionMap(axes, s.regions, s.region_values, theme=t)
        regions.set_z_index(-1)  # beneath the axes and their numbers
        self.plane_axes, self.region_map = axes, regions
        count = Readout(r"\text{linear regions}", len(s.regions), style="integer", theme=t)
        count.move_to([1.4, 1.5, 0], aligned_edge=LEFT)
        low = Readout(r"\text{min}", s.extremes[0], color=t.output, theme=t)
        high = Readout(r"\text{max}", s.extremes[1], color=t.output, theme=t)
        low.next_to(count, DOWN, buff=0.4, aligned_edge=LEFT)
        high.next_to(low, DOWN, buff=0.4, aligned_edge=LEFT)
        self.narrate(s.intro(), FadeIn(self.title), Create(axes))
        with self.narrating(s.regions_text()):
            self.play(FadeIn(count), run_time=0.5)
            groups = np.array_split(np.arange(len(regions)), min(len(regions), MAX_STOPS))
            each = max(0.3, (self.reading_time(s.regions_text()) - 1.1) / len(groups))
            for group in groups:  # region by region, its border drawn then filled
                self.play(LaggedStart(*(DrawBorderThenFill(regions[int(i)]) for i in group), lag_ratio=0.3),
                          run_time=each)
        cuts = VGroup(*(VGroup(*(VMobject(color=t.layer_color(i), stroke_width=4).set_points_as_corners(
                                     [axes.c2p(x, y) for x, y in line])
                                 for polys in layer for line in polys))
                        for i, layer in enumerate(s.lines)))
        with self.narrating(s.lines_text()):
            each = max(1.0, (self.reading_time(s.lines_text()) - 0.6) / max(1, len(cuts)))
            for layer in cuts:  # one layer's switching lines at a time
                self.play(Create(layer), run_time=each)
        top = int(np.argmax(s.region_values))
        bottom = int(np.argmin(s.region_values))
        self.narrate(s.range_text(), FadeIn(low), FadeIn(high), FadeOut(cuts),
                     Indicate(regions[bottom], color=t.accent), Indicate(regions[top], color=t.accent))


#: TeX's special characters in text mode, and what writes each one as itself.
_TEX_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
                "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\~{}"}


def tex_text(text: str) -> str:
    """``text`` (a file name, an expression) written as itself in TeX text mode.

    Examples
    --------
    >>> print(tex_text("my_net (50%).pt"))
    my\\_net (50\\%).pt
    """
    return "".join(_TEX_ESCAPES.get(ch, ch) for ch in text)


def _count_at(story: ClipStory, x: float) -> int:
    """Active hidden units at ``x`` (between switch points), from the story's counts."""
    return int(story.active_counts[int(np.searchsorted(story.cuts, x))])


def _x_range(a: float, b: float) -> tuple[float, float, float]:
    """``(a, b, step)`` with about four ticks; the domain's ends are the axis' ends."""
    span = b - a
    power = 10.0 ** np.floor(np.log10(span / 4))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= span / 5)
    return float(a), float(b), float(step)
