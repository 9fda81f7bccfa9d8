"""Chapter "Training in motion".

Real training runs on x² over [0, 2], recorded by :func:`relu_anim.torch_adapter.train`
when the chapter renders (seeded, about a second each) and played back: one
linear layer, one ReLU unit, two units with a linear output, twenty units. Every
frame draws the exact graph of the network whose weights lie between two
recorded snapshots (:mod:`relu_anim.story.history`), with a dot on each of its kinks,
while a dot rides the recorded loss curve (log scale) at the same training step.
Snapshots are log-spaced and every snapshot interval gets the same screen time,
so the fast early changes stay visible. A last beat puts the four loss curves
on one plot, with the best possible error for twenty units.

The literals below are the story's choices (the problem itself, x² on [0, 2],
is :mod:`relu_anim.x2`): for each run its
architecture, number of steps, seed and (for the line, so that it visibly
overshoots) its learning rate. Every number on screen or in the narration comes
from the training results.

Preview::

    manim -pql scenes/training.py            # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, DashedLine, FadeIn, FadeOut, FadeTransform,
                   Indicate, MathTex, Tex, Transform, VGroup, VMobject)

from relu_anim.story.history import decades, history_networks, output_range
from relu_anim.story.numbers import affine_words, words
from relu_anim.story.units import first_layer_kinks
from relu_anim.torch_adapter import TrainResult, train
from relu_anim.visual import ChapterScene, Readout, View, make_axes, target_graph
from relu_anim.visual.playback import LossAxes, TrainingPlayback, loss_curve
from relu_anim.x2 import DOMAIN, optimal_mse, square

__all__ = ["Training", "DOMAIN", "RUNS", "ORDER", "square", "training", "output_axis_range",
           "final_networks", "kinks_outside"]

# --------------------------------------------------------------- the story's choices
#: The four runs, in story order: arguments of :func:`relu_anim.torch_adapter.train`.
#: The ReLU runs train their output layer by gradient descent too (``solve_output=False``),
#: so the curve starts from random output weights and visibly swings into place.
RUNS: dict[str, dict[str, Any]] = {
    "line": dict(widths=[], steps=400, seed=1, lr=0.1, solve_output=False),
    "one": dict(units=1, steps=1500, seed=0, solve_output=False),
    "two": dict(units=2, steps=1500, seed=0, solve_output=False),
    "twenty": dict(units=20, steps=2000, seed=0, solve_output=False),
}
ORDER = ("line", "one", "two", "twenty")
#: Seconds of screen time for each run's playback.
PLAY_SECONDS = {"line": 8.0, "one": 9.0, "two": 9.0, "twenty": 10.0}


# ------------------------------------------------------------- the runs, from relu_anim
@lru_cache(maxsize=None)
def training(name: str) -> TrainResult:
    """Train run ``name`` (seeded: the same weights every time), with its history."""
    return train(square, DOMAIN, history=True, progress=False, **RUNS[name])


def output_axis_range() -> tuple[float, float, float]:
    """``(lo, hi, 1)``: whole numbers holding every frame of every run's output."""
    ranges = [output_range(training(name).history, DOMAIN) for name in ORDER]
    return (float(math.floor(min(r[0] for r in ranges))), float(math.ceil(max(r[1] for r in ranges))), 1.0)


def final_networks(name: str):
    """First and last snapshot networks of a run."""
    nets = history_networks(training(name).history)
    return nets[0], nets[-1]


def kinks_outside(name: str) -> int:
    """How many first-layer units of the trained network have their kink outside the domain."""
    kinks = first_layer_kinks(training(name).network)
    return int(np.sum((kinks <= DOMAIN[0]) | (kinks >= DOMAIN[1])))


# ------------------------------------------------------------------------ drawing
@dataclass(frozen=True, eq=False)
class RunView(View):
    """One run on screen: its loss axes and their labels, the faint full loss curve, the playback."""

    axes: LossAxes
    labels: VGroup
    curve: VMobject
    playback: TrainingPlayback


@dataclass(frozen=True, eq=False)
class SummaryView(View):
    """Every run's loss curve on one plot, each tagged, and the best possible level for the last run."""

    axes: LossAxes
    labels: VGroup
    curves: VGroup
    tags: VGroup
    level: VGroup


class Training(ChapterScene):
    """Training in motion (DESIGN.md storyboard, chapter training)."""

    def construct(self) -> None:
        self.introduce()
        self.linear_layer()
        self.one_unit()
        self.two_units()
        self.twenty_units()
        self.four_runs()

    # ------------------------------------------------------------------ layout
    def build_stage(self) -> None:
        """Title, output axes with the target, readouts: the parts every beat shares."""
        t = self.theme
        self.title = self.chapter_title("Training in motion")
        self.axes = make_axes((DOMAIN[0], DOMAIN[1], 0.5), output_axis_range(), x_length=6.2, y_length=4.8,
                              y_label=None, theme=t,
                              y_axis_config={"decimal_number_config": {"num_decimal_places": 0}})
        self.axes.move_to([-3.35, -0.45, 0])
        self.target_curve = target_graph(self.axes, square, DOMAIN, theme=t)
        top = float(square(np.array([DOMAIN[1]]))[0])
        self.target_label = MathTex("x^2", font_size=36, color=t.target)
        self.target_label.next_to(self.axes.c2p(DOMAIN[1], top), LEFT, buff=0.25).shift(0.2 * UP)
        self.step_readout = Readout(r"\text{step}", 0, style="integer", font_size=32, theme=t)
        self.loss_readout = Readout(r"\text{loss}", training(ORDER[0]).losses[0], color=t.error,
                                    font_size=32, theme=t)
        self.step_readout.move_to([0.9, 1.55, 0], aligned_edge=LEFT)
        self.loss_readout.move_to([3.7, 1.55, 0], aligned_edge=LEFT)
        self.readouts = VGroup(self.step_readout, self.loss_readout)

    def model_label(self, name: str) -> VGroup:
        """What is being trained: a name and the network's form, top of the right column."""
        t = self.theme
        net = training(name).network
        n = net.hidden_units
        title = "one linear layer" if n == 0 else f"{n} ReLU unit{'s' if n > 1 else ''}, linear output"
        if n == 0:
            form = r"y = w\,x + b"
        elif n == 1:
            form = r"y = a\,\mathrm{ReLU}(w\,x + b) + c"
        elif n == 2:
            form = r"y = a_1\mathrm{ReLU}(w_1x + b_1) + a_2\mathrm{ReLU}(w_2x + b_2) + c"
        else:
            form = rf"y = c + \textstyle\sum_{{i=1}}^{{{n}}} a_i\,\mathrm{{ReLU}}(w_i x + b_i)"
        head = Tex(title, font_size=32, color=t.text)
        formula = MathTex(form, font_size=32, color=t.output)
        if formula.width > 5.7:
            formula.scale_to_fit_width(5.7)
        head.move_to([0.9, 2.95, 0], aligned_edge=LEFT)
        formula.next_to(head, DOWN, buff=0.22, aligned_edge=LEFT)
        return VGroup(head, formula)

    def loss_panel(self, steps: int, span: tuple[int, int]) -> tuple[LossAxes, VGroup]:
        """Loss axes (log scale) for ``steps`` steps over the decades ``span``, with labels."""
        t = self.theme
        axes = LossAxes(steps, span, x_length=4.9, y_length=2.75, theme=t,
                        label_every=2 if span[1] - span[0] > 4 else 1)
        axes.move_to([4.15, -1.45, 0])
        title = Tex("loss (mean squared error, log scale)", font_size=24, color=t.muted)
        title.next_to(axes, UP, buff=0.2)
        xlabel = Tex("step", font_size=24, color=t.muted)
        xlabel.next_to(axes.x_axis.get_end(), DOWN, buff=0.45).shift(0.1 * LEFT)
        return axes, VGroup(title, xlabel)

    def run_view(self, name: str, start: float = 0.0) -> RunView:
        """Loss axes, their labels, the faint full loss curve and the playback of run ``name``."""
        result = training(name)
        axes, labels = self.loss_panel(RUNS[name]["steps"], decades(result.losses))
        full = loss_curve(axes, result.losses, color=self.theme.muted, stroke_width=2, theme=self.theme)
        full.set_stroke(opacity=0.6)
        playback = TrainingPlayback(self.axes, axes, result.history, result.losses, DOMAIN,
                                    theme=self.theme, start=start)
        return RunView(axes, labels, full, playback)

    # ------------------------------------------------------------------- beats
    def introduce(self) -> None:
        self.beat("Watching training")
        self.build_stage()
        a, b = (words(v) for v in DOMAIN)
        self.narrate(f"Now, real training runs on x² over [{a}, {b}]. Every frame is a network whose "
                     "weights lie between two recorded snapshots.",
                     FadeIn(self.title), Create(self.axes), Create(self.target_curve),
                     FadeIn(self.target_label), run_time=2.5)
        self.view = None

    def start_run(self, name: str, text: str) -> None:
        """Swap in run ``name``: its label, loss panel and first snapshot, narrated by ``text``."""
        view = self.run_view(name)
        playback = view.playback
        label = self.model_label(name)
        animations: list[Any] = [FadeIn(view.axes), FadeIn(view.labels), Create(view.curve),
                                 self.step_readout.change_to(0),
                                 self.loss_readout.change_to(playback.loss)]
        if self.view is None:
            animations += [FadeIn(label), FadeIn(self.readouts), Create(playback.graph),
                           FadeIn(playback.dots), FadeIn(playback.loss_dot)]
        else:
            old = self.view.playback
            old.clear_updaters()
            animations += [FadeTransform(self.label, label),
                           FadeOut(self.view.axes), FadeOut(self.view.labels), FadeOut(self.view.curve),
                           FadeOut(old.trail), FadeOut(old.loss_dot), FadeOut(old.dots),
                           Transform(old.graph, playback.graph.copy()),
                           FadeIn(playback.dots), FadeIn(playback.loss_dot)]
        self.narrate(text, *animations, run_time=1.5)
        if self.view is not None:
            self.remove(self.view.playback, self.view.playback.graph)
        self.remove(playback.graph, playback.dots, playback.loss_dot)
        self.add(playback)
        self.bring_to_front(self.readouts)  # after the playback, so they redraw while it plays
        playback.readouts = (self.step_readout, self.loss_readout)
        self.label, self.view = label, view

    def play_run(self, name: str, text: str) -> None:
        """Play run ``name`` from its first snapshot to its last, narrated by ``text``."""
        playback = self.view.playback
        self.narrate(text, playback.play_through(), run_time=PLAY_SECONDS[name], wait=0.4)
        playback.show(playback.last)

    def linear_layer(self) -> None:
        self.beat("One linear layer")
        first, last = final_networks("line")
        slopes = [net.layers[0].weight[0, 0] for net in history_networks(training("line").history)]
        self.start_run("line", "First, no ReLU: one linear layer, y = w·x + b. Its loss goes on the right.")
        self.play_run("line", f"The slope starts at {words(slopes[0])}. Gradient descent swings it up, "
                              f"past {words(max(slopes))}, then back down.")
        line = affine_words(last.layers[0].weight[0], last.layers[0].bias[0], ["x"])
        self.narrate(f"It settles on y = {line}; the loss stalls at "
                     f"{words(training('line').losses[-1])}. A line cannot bend.",
                     Indicate(self.view.playback.graph, color=self.theme.output, scale_factor=1.0), run_time=1.2)

    def one_unit(self) -> None:
        self.beat("One ReLU unit")
        first, last = final_networks("one")
        k0, k1 = (net.piecewise(*DOMAIN).breakpoints[0] for net in (first, last))
        self.start_run("one", "One ReLU unit and a linear output, with random output weights to start.")
        self.play_run("one", f"The curve drops into place as the loss falls, and the kink slides from "
                             f"x = {words(k0)} to x = {words(k1)}.")
        line, one = training("line").losses[-1], training("one").losses[-1]
        self.narrate(f"Flat, then a ramp: loss {words(one)}, {words(line / one)} times below the line's.",
                     wait=1.0)

    def two_units(self) -> None:
        self.beat("Two units and a linear output")
        first, last = final_networks("two")
        a0, b0 = first.piecewise(*DOMAIN).breakpoints
        a1, b1 = last.piecewise(*DOMAIN).breakpoints
        self.start_run("two", "Two units whose outputs a linear layer adds up: two kinks to place.")
        self.play_run("two", f"They start at x = {words(a0)} and x = {words(b0)}. Watch them wander, "
                             f"then settle at {words(a1)} and {words(b1)}.")
        pieces = last.piecewise(*DOMAIN).num_pieces
        self.narrate(f"{pieces} straight pieces now, and the loss is down to "
                     f"{words(training('two').losses[-1])}.", wait=1.0)

    def twenty_units(self) -> None:
        self.beat("Twenty units")
        first, last = final_networks("twenty")
        n = last.hidden_units
        self.start_run("twenty", f"Finally {n} units, their kinks evenly spaced to begin with.")
        self.play_run("twenty", "The curve catches up with x² early on; the kinks keep shuffling "
                                "long after that, while the loss creeps down.")
        outside = kinks_outside("twenty")
        inside = len(self.view.playback.function.breakpoints)
        self.narrate(f"{outside} of the {n} kinks left [{words(DOMAIN[0])}, {words(DOMAIN[1])}]; the other "
                     f"{inside} build the curve. Loss: {words(training('twenty').losses[-1])}.", wait=1.0)

    def summary_view(self) -> SummaryView:
        """All four loss curves on one log plot, labelled, and the best possible for the last run."""
        t = self.theme
        results = [training(name) for name in ORDER]
        n = results[-1].network.hidden_units
        best = optimal_mse(n)
        span = decades([*np.concatenate([r.losses for r in results]), best])
        axes, labels = self.loss_panel(max(RUNS[name]["steps"] for name in ORDER), span)
        curves, tags = VGroup(), VGroup()
        for i, (name, result) in enumerate(zip(ORDER, results)):
            color = t.unit_color(i)
            curves.add(loss_curve(axes, result.losses, color=color, stroke_width=3, theme=t))
            units = result.network.hidden_units
            tag = Tex("line" if units == 0 else f"{units} unit" + ("s" if units > 1 else ""),
                      font_size=22, color=color)
            end = axes.point(len(result.losses) - 1, result.losses[-1])
            tag.next_to(end, UP, buff=0.08).align_to(end, RIGHT)
            tags.add(tag)
        level = DashedLine(axes.point(0, best), axes.point(axes.steps, best), color=t.accent, stroke_width=2.5)
        level_tag = Tex(f"best possible, {n} units", font_size=22, color=t.accent)
        level_tag.next_to(level, UP, buff=0.08).align_to(level, RIGHT)
        return SummaryView(axes, labels, curves, tags, VGroup(level, level_tag))

    def four_runs(self) -> None:
        self.beat("Four runs, one plot")
        old = self.view.playback
        old.clear_updaters()
        summary = self.summary_view()
        results = {name: training(name) for name in ORDER}
        self.narrate("All four loss curves on one plot: each extra unit buys a lower floor.",
                     FadeOut(self.view.axes), FadeOut(self.view.curve), FadeOut(old.trail), FadeOut(old.loss_dot),
                     FadeOut(self.readouts), FadeTransform(self.view.labels, summary.labels), FadeIn(summary.axes),
                     *(Create(c) for c in summary.curves), *(FadeIn(tag) for tag in summary.tags), run_time=2.5)
        twenty = results["twenty"]
        n = twenty.network.hidden_units
        ratio = twenty.losses[-1] / optimal_mse(n)
        self.narrate(f"One and two units reach the best possible loss for their size. {n} units stop "
                     f"{words(ratio)} times above theirs (dashed): training does not find the best kinks.",
                     Create(summary.level[0]), FadeIn(summary.level[1]), run_time=1.5, wait=1.5)
        self.summary = summary

    # ------------------------------------------------------------------ stills
    # Final states of key beats, built with the same builders and added without
    # animation: for golden-frame tests and stills.
    def pose_run(self, name: str, s: float | None = None) -> TrainingPlayback:
        """Run ``name`` at playback position ``s`` (its last snapshot when omitted)."""
        self.build_stage()
        result = training(name)
        s = float(len(result.history) - 1) if s is None else s
        view = self.run_view(name, start=s)
        playback = view.playback
        playback.readouts = (self.step_readout, self.loss_readout)
        playback.show(s)
        self.label = self.model_label(name)
        self.add(self.title, self.axes, self.target_curve, self.target_label, self.label, self.readouts,
                 *view.group)
        self.view = view
        return playback

    def pose_four_runs(self) -> SummaryView:
        """The end of the last beat: the twenty-unit fit and the four loss curves."""
        playback = self.pose_run(ORDER[-1])
        self.remove(self.view.axes, self.view.curve, self.readouts)
        playback.remove(playback.trail, playback.loss_dot)
        self.remove(self.view.labels)
        summary = self.summary_view()
        self.add(*summary.group)
        self.summary = summary
        return summary
