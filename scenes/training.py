"""Chapter "Training in motion".

Real training runs on x² over [0, 2], recorded by :func:`relu_anim.torch_adapter.train`
when the chapter renders (seeded, about a second each) and played back: one
linear layer, one ReLU unit, two units with a linear output, twenty units. Every
frame draws the exact graph of the network at that moment of training
(:mod:`relu_anim.story.history`), with a dot on each of its kinks, while a dot
rides the recorded loss curve (log scale, the same decades for every run) at the
same training step. Readouts follow what the narration names: the line's w and b
and the highest w so far (its overshoot), the kink positions of the small
networks, and for twenty units how many kinks sit inside [0, 2] and how many
have left it (triangles at the edge they left by). The one- and two-unit loss
plots carry the best possible loss for their size as a dashed level
(:func:`relu_anim.x2.optimal_mse`). A last beat puts the four loss curves on one
plot with the three best levels.

The literals below are the story's choices (the problem itself, x² on [0, 2],
is :mod:`relu_anim.x2`): for each run its
architecture, number of steps, seed and (for the line, so that it visibly
overshoots) its learning rate. Every number on screen or in the narration comes
from the training results or from :mod:`relu_anim.x2`.

Preview::

    manim -pql scenes/training.py            # RELU_ANIM_THEME=light for white pages
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circumscribe, Create, DashedLine, FadeIn, FadeOut, FadeTransform,
                   Indicate, MathTex, Tex, Transform, VGroup, VMobject)

from relu_anim.story.history import decades, history_networks, output_range
from relu_anim.story.numbers import affine_words, words
from relu_anim.story.units import first_layer_kinks
from relu_anim.torch_adapter import TrainResult, train
from relu_anim.visual import ChapterScene, Readout, View, make_axes, target_graph
from relu_anim.visual.playback import LossAxes, TrainingPlayback, loss_curve
from relu_anim.x2 import DOMAIN, optimal_mse, square

__all__ = ["Training", "DOMAIN", "RUNS", "ORDER", "square", "training", "output_axis_range",
           "final_networks", "kinks_outside", "loss_decades", "best_loss", "peak_slope"]

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
#: Seconds of screen time for each run's playback (at least: the narration may hold it longer).
PLAY_SECONDS = {"line": 5.0, "one": 5.5, "two": 5.0, "twenty": 8.0}
#: The runs whose best possible loss is drawn while they train.
WITH_BEST = ("one", "two")


# ------------------------------------------------------------- the runs, from relu_anim
@lru_cache(maxsize=None)
def training(name: str) -> TrainResult:
    """Train run ``name`` (seeded: the same weights every time), with its history."""
    return train(square, DOMAIN, history=True, progress=False, **RUNS[name])


def output_axis_range() -> tuple[float, float, float]:
    """``(lo, hi, 1)``: whole numbers holding every frame of every run's output."""
    ranges = [output_range(training(name).history, DOMAIN) for name in ORDER]
    return (float(math.floor(min(r[0] for r in ranges))), float(math.ceil(max(r[1] for r in ranges))), 1.0)


def best_loss(name: str) -> float:
    """The best possible loss (mean squared error) for run ``name``'s number of units."""
    return optimal_mse(training(name).network.hidden_units)


def loss_decades() -> tuple[int, int]:
    """One log range for every loss plot: every run's losses and every ReLU run's best possible."""
    values = [*np.concatenate([training(name).losses for name in ORDER]),
              *(best_loss(name) for name in ORDER[1:])]
    return decades(values)


def final_networks(name: str):
    """First and last snapshot networks of a run."""
    nets = history_networks(training(name).history)
    return nets[0], nets[-1]


def peak_slope(name: str = "line") -> float:
    """The highest slope w the line reaches over its recorded history (its overshoot)."""
    return float(max(net.layers[0].weight[0, 0] for net in history_networks(training(name).history)))


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
    """Every run's loss curve on one plot, each tagged, and the best possible levels of the ReLU runs."""

    axes: LossAxes
    labels: VGroup
    curves: VGroup
    tags: VGroup
    levels: VGroup
    legend: VGroup


#: Where the right column's rows sit: model label, step/loss, the run's own readouts (two rows).
ROW_Y = {"head": 2.95, "readouts": 1.6, "watch": 0.98, "watch2": 0.4}
COLUMN_X = 0.75


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
        self.axes = make_axes((DOMAIN[0], DOMAIN[1], 0.5), output_axis_range(), x_length=5.6, y_length=4.8,
                              y_label=None, theme=t,
                              y_axis_config={"decimal_number_config": {"num_decimal_places": 0}})
        self.axes.move_to([-3.2, -0.45, 0])
        self.target_curve = target_graph(self.axes, square, DOMAIN, theme=t)
        top = float(square(np.array([DOMAIN[1]]))[0])
        self.target_label = MathTex("x^2", font_size=36, color=t.target)
        self.target_label.next_to(self.axes.c2p(DOMAIN[1], top), LEFT, buff=0.25).shift(0.2 * UP)
        self.step_readout = Readout(r"\text{step}", 0, style="integer", font_size=32, theme=t)
        self.loss_readout = Readout(r"\text{loss}", training(ORDER[0]).losses[0], color=t.error,
                                    font_size=32, theme=t)
        self.step_readout.move_to([COLUMN_X, ROW_Y["readouts"], 0], aligned_edge=LEFT)
        self.loss_readout.move_to([COLUMN_X + 3.0, ROW_Y["readouts"], 0], aligned_edge=LEFT)
        self.readouts = VGroup(self.step_readout, self.loss_readout)
        self.watch = VGroup()

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
        if formula.width > 6.1:
            formula.scale_to_fit_width(6.1)
        head.move_to([COLUMN_X, ROW_Y["head"], 0], aligned_edge=LEFT)
        formula.next_to(head, DOWN, buff=0.22, aligned_edge=LEFT)
        return VGroup(head, formula)

    def loss_panel(self, steps: int) -> tuple[LossAxes, VGroup]:
        """Loss axes (log scale, the chapter's one range) for ``steps`` steps, with labels."""
        t = self.theme
        span = loss_decades()
        axes = LossAxes(steps, span, x_length=4.9, y_length=2.5, theme=t, font_size=24,
                        label_every=2 if span[1] - span[0] > 4 else 1)
        axes.move_to([4.0, -1.75, 0])
        title = Tex("loss (mean squared error, log scale)", font_size=24, color=t.muted)
        title.next_to(axes, UP, buff=0.16)
        xlabel = Tex("step", font_size=24, color=t.muted)
        xlabel.next_to(axes.x_axis.get_end(), DOWN, buff=0.5).shift(0.1 * LEFT)
        return axes, VGroup(title, xlabel)

    def best_level(self, axes: LossAxes, name: str, color: Any) -> VGroup:
        """A dashed level at run ``name``'s best possible loss, with its value under its right end."""
        best = best_loss(name)
        line = DashedLine(axes.point(0, best), axes.point(axes.steps, best), color=color, stroke_width=2.5)
        units = training(name).network.hidden_units
        tag = Readout(rf"\text{{best possible, {units} unit{'s' if units > 1 else ''}}}", best, color=color,
                      font_size=24, theme=self.theme)
        tag.next_to(line, DOWN, buff=0.08).align_to(line, RIGHT)
        return VGroup(line, tag)

    def watch_readouts(self, name: str) -> tuple[VGroup, Callable[[TrainingPlayback], None]]:
        """The readouts run ``name`` adds below step and loss, and the watcher keeping them current."""
        t = self.theme
        play = training(name)
        first = history_networks(play.history)[0]
        row, row2 = ROW_Y["watch"], ROW_Y["watch2"]
        if name == "line":
            w0, b0 = first.layers[0].weight[0, 0], first.layers[0].bias[0]
            w = Readout("w", w0, font_size=32, color=t.slope, theme=t).move_to([COLUMN_X, row, 0], aligned_edge=LEFT)
            b = Readout("b", b0, font_size=32, color=t.output, theme=t)
            b.move_to([COLUMN_X + 3.0, row, 0], aligned_edge=LEFT)
            peak = Readout(r"\text{highest } w \text{ so far}", w0, font_size=32, color=t.slope, theme=t)
            peak.move_to([COLUMN_X, row2, 0], aligned_edge=LEFT)
            group = VGroup(w, b, peak)
            slopes = [net.layers[0].weight[0, 0] for net in history_networks(play.history)]

            def watch(p: TrainingPlayback) -> None:
                layer = p.network.layers[0]
                w.set_in_place(layer.weight[0, 0])
                b.set_in_place(layer.bias[0])
                # w is straight between snapshots: its highest so far is at a snapshot passed, or now
                passed = slopes[:int(math.floor(p.shown_at)) + 1]
                peak.set_in_place(max(*passed, layer.weight[0, 0]))
            return group, watch
        if name in ("one", "two"):
            kinks = np.sort(first_layer_kinks(first))
            group = VGroup()
            for i, k in enumerate(kinks):
                label = "h" if len(kinks) == 1 else f"h_{i + 1}"
                r = Readout(rf"\text{{kink }} {label}", k, font_size=32, color=t.breakpoint, theme=t)
                r.move_to([COLUMN_X + 3.0 * i, row, 0], aligned_edge=LEFT)
                group.add(r)

            def watch(p: TrainingPlayback) -> None:
                for r, k in zip(group, np.sort(p.kinks)):
                    r.set_in_place(k)
            return group, watch
        units = first.hidden_units
        inside = Readout(rf"\text{{kinks inside }} [{words(DOMAIN[0])}, {words(DOMAIN[1])}]", units,
                         style="integer", font_size=32, color=t.breakpoint, theme=t)
        inside.move_to([COLUMN_X, row, 0], aligned_edge=LEFT)
        outside = Readout(r"\text{left it}", 0, style="integer", font_size=32, color=t.breakpoint, theme=t)
        outside.move_to([COLUMN_X, row2, 0], aligned_edge=LEFT)
        group = VGroup(inside, outside)

        def watch(p: TrainingPlayback) -> None:
            inside.set_in_place(len(p.kinks) - p.outside)
            outside.set_in_place(p.outside)
        return group, watch

    def run_view(self, name: str, start: float = 0.0) -> RunView:
        """Loss axes, their labels, the faint full loss curve and the playback of run ``name``."""
        result = training(name)
        axes, labels = self.loss_panel(RUNS[name]["steps"])
        full = loss_curve(axes, result.losses, color=self.theme.muted, stroke_width=2, theme=self.theme)
        full.set_stroke(opacity=0.6)
        playback = TrainingPlayback(self.axes, axes, result.history, result.losses, DOMAIN,
                                    theme=self.theme, start=start, edge_markers=name == "twenty",
                                    edge_offsets=(0.75, 0.3))
        return RunView(axes, labels, full, playback)

    # ------------------------------------------------------------------- beats
    def introduce(self) -> None:
        self.beat("Watching training")
        self.build_stage()
        with self.narrating("Now real training on x², from zero to two: each step, gradient descent nudges "
                            "every weight; we watch the curve follow.", wait=0.4):
            self.play(FadeIn(self.title), Create(self.axes), run_time=2.5)
            self.play(Create(self.target_curve), FadeIn(self.target_label), run_time=2.5)
            self.play(Indicate(self.target_curve, color=self.theme.accent, scale_factor=1.0), run_time=1.5)
            self.play(Indicate(self.target_label, color=self.theme.accent), run_time=1.2)
        self.view = None

    def start_run(self, name: str, text: str) -> None:
        """Swap in run ``name``: its label, loss panel, readouts and first snapshot, narrated by ``text``."""
        view = self.run_view(name)
        playback = view.playback
        label = self.model_label(name)
        watch, watcher = self.watch_readouts(name)
        animations: list[Any] = [FadeIn(view.axes), FadeIn(view.labels),
                                 self.step_readout.change_to(0),
                                 self.loss_readout.change_to(playback.loss), FadeIn(watch)]
        if self.view is None:
            animations += [FadeIn(label), FadeIn(self.readouts), Create(playback.graph),
                           FadeIn(playback.dots), FadeIn(playback.loss_dot)]
        else:
            old = self.view.playback
            old.clear_updaters()
            animations += [FadeTransform(self.label, label), FadeOut(self.watch),
                           FadeOut(self.view.axes), FadeOut(self.view.labels), FadeOut(self.view.curve),
                           FadeOut(old.trail), FadeOut(old.loss_dot), FadeOut(old.dots), FadeOut(old.edge_marks),
                           Transform(old.graph, playback.graph.copy()),
                           FadeIn(playback.dots), FadeIn(playback.loss_dot)]
            if self.best is not None:
                animations.append(FadeOut(self.best))
        self.best = self.best_level(view.axes, name, self.theme.accent) if name in WITH_BEST else None
        # the swap's animations fit the words: squeezed (never below 60 %) when the text is short
        times = [1.5, 2.0, 1.5, 1.2] + ([1.5] if self.best is not None else [])
        squeeze = min(1.0, max(0.6, (self.reading_time(text) - 0.4) / sum(times)))
        times = [squeeze * x for x in times]
        with self.narrating(text, wait=0.4):
            self.play(*animations, run_time=times[0])
            self.play(Create(view.curve), run_time=times[1])  # the whole run's loss, faint: where the dot will ride
            self.play(Circumscribe(label[1], color=self.theme.accent), run_time=times[2])
            self.play(Indicate(watch, color=self.theme.accent), run_time=times[3])
            if self.best is not None:
                self.play(Create(self.best[0]), FadeIn(self.best[1]), run_time=times[4])
        if self.view is not None:
            self.remove(self.view.playback, self.view.playback.graph, self.watch)
        self.remove(playback.graph, playback.dots, playback.loss_dot, watch)
        self.add(playback)
        self.add(watch)
        self.bring_to_front(self.readouts)  # after the playback, so they redraw while it plays
        playback.readouts = (self.step_readout, self.loss_readout)
        playback.watchers.append(watcher)
        self.label, self.view, self.watch = label, view, watch

    def play_run(self, name: str, text: str) -> None:
        """Play run ``name`` from its first snapshot to its last, narrated by ``text``."""
        playback = self.view.playback
        self.narrate(text, playback.play_through(), run_time=PLAY_SECONDS[name], wait=0.4)
        playback.show(playback.last)

    def linear_layer(self) -> None:
        self.beat("One linear layer")
        self.best = None
        first, last = final_networks("line")
        self.start_run("line", "First, no ReLU: one linear layer, y = w·x + b. Slope w and offset b on the "
                               "right, loss below.")
        self.play_run("line", f"The slope w starts negative. Gradient descent swings it up, overshooting to "
                              f"{words(peak_slope('line'))}, then back down.")
        line = affine_words(last.layers[0].weight[0], last.layers[0].bias[0], ["x"])
        self.narrate(f"It settles on y = {line}; the loss stalls at "
                     f"{words(training('line').losses[-1])}. A line cannot bend.",
                     Circumscribe(self.watch[2], color=self.theme.accent),
                     Indicate(self.view.playback.graph, color=self.theme.output, scale_factor=1.0), run_time=1.5)

    def one_unit(self) -> None:
        self.beat("One ReLU unit")
        first, last = final_networks("one")
        k1 = float(first_layer_kinks(last)[0])
        self.start_run("one", "One ReLU unit and a linear output, random output weights to start. Dashed: "
                              "the best one unit can reach.")
        self.play_run("one", f"The curve drops into place as the loss falls, and the kink h slides to "
                             f"x = {words(k1)}.")
        one = training("one").losses[-1]
        self.narrate(f"Flat, then a ramp: loss {words(one)}, on the dashed line, the best one unit "
                     "can do.", Circumscribe(self.best, color=self.theme.accent), wait=1.0)

    def two_units(self) -> None:
        self.beat("Two units and a linear output")
        first, last = final_networks("two")
        a1, b1 = np.sort(first_layer_kinks(last))
        self.start_run("two", "Two units, added by a linear layer: two kinks to place. Dashed: the best "
                              "two units can do.")
        self.play_run("two", f"Watch the two kinks wander, then settle at x = {words(a1)} and "
                             f"x = {words(b1)}.")
        self.narrate(f"Three straight pieces; loss down to {words(training('two').losses[-1])}, again the best "
                     "possible.",
                     Circumscribe(self.best, color=self.theme.accent), wait=1.0)

    def twenty_units(self) -> None:
        self.beat("Twenty units")
        first, last = final_networks("twenty")
        n = last.hidden_units
        self.start_run("twenty", f"Finally {n} units, their kinks evenly spaced to begin with.")
        self.play_run("twenty", "The curve catches up with x² early; the kinks keep shuffling long after, "
                                "and some walk out of the interval: a triangle marks each.")
        outside = kinks_outside("twenty")
        inside = len(self.view.playback.function.breakpoints)
        self.narrate(f"{outside} of the {n} kinks left [{words(DOMAIN[0])}, {words(DOMAIN[1])}]; the other "
                     f"{inside} build the curve. Loss: {words(training('twenty').losses[-1])}.",
                     Indicate(self.view.playback.edge_marks, color=self.theme.accent, scale_factor=1.6),
                     Circumscribe(self.watch, color=self.theme.accent), wait=1.0)

    def summary_view(self) -> SummaryView:
        """All four loss curves on one log plot, tagged, and the best possible levels of the ReLU runs."""
        t = self.theme
        results = [training(name) for name in ORDER]
        axes, labels = self.loss_panel(max(RUNS[name]["steps"] for name in ORDER))
        curves, tags, levels = VGroup(), VGroup(), VGroup()
        for i, (name, result) in enumerate(zip(ORDER, results)):
            color = t.unit_color(i)
            curves.add(loss_curve(axes, result.losses, color=color, stroke_width=3, theme=t))
            units = result.network.hidden_units
            tag = Tex("line" if units == 0 else f"{units} unit" + ("s" if units > 1 else ""),
                      font_size=24, color=color)
            end = axes.point(len(result.losses) - 1, result.losses[-1])
            tag.next_to(end, UP, buff=0.08).align_to(end, RIGHT)
            tags.add(tag)
            if units:
                best = best_loss(name)
                levels.add(DashedLine(axes.point(0, best), axes.point(axes.steps, best), color=color,
                                      stroke_width=2.5))
        twenty = levels[-1]
        n = results[-1].network.hidden_units
        level_tag = Readout(rf"\text{{best possible, {n} units}}", best_loss(ORDER[-1]), font_size=24,
                            color=t.unit_color(len(ORDER) - 1), theme=t)
        level_tag.next_to(twenty, UP, buff=0.08).align_to(twenty, LEFT).shift(0.15 * RIGHT)
        meaning = Tex("dashed: the best possible loss for that many units", font_size=24, color=t.muted)
        meaning.move_to([COLUMN_X, ROW_Y["readouts"], 0], aligned_edge=LEFT)
        last = Readout(rf"\text{{{n} units, last loss}}", results[-1].losses[-1], font_size=32,
                       color=t.unit_color(len(ORDER) - 1), theme=t)
        last.move_to([COLUMN_X, ROW_Y["watch"], 0], aligned_edge=LEFT)
        legend = VGroup(level_tag, meaning, last)
        return SummaryView(axes, labels, curves, tags, levels, legend)

    def four_runs(self) -> None:
        self.beat("Four runs, one plot")
        old = self.view.playback
        old.clear_updaters()
        summary = self.summary_view()
        header = Tex("four runs compared", font_size=32, color=self.theme.text)
        header.move_to([COLUMN_X, ROW_Y["head"], 0], aligned_edge=LEFT)
        self.narrate("All four loss curves on one plot: each extra unit buys a lower floor.",
                     FadeOut(self.view.axes), FadeOut(self.view.curve), FadeOut(old.trail), FadeOut(old.loss_dot),
                     FadeOut(self.readouts), FadeOut(self.watch), FadeTransform(self.label, header),
                     FadeTransform(self.view.labels[1], summary.labels[1]), FadeIn(summary.axes),
                     *(Create(c) for c in summary.curves), *(FadeIn(tag) for tag in summary.tags), run_time=2.5)
        self.label = header
        twenty = training("twenty")
        n = twenty.network.hidden_units
        ratio = twenty.losses[-1] / best_loss("twenty")
        with self.narrating("Dashed, in each colour: the best possible loss for that many units. One and two "
                            "reach theirs.", wait=0.5):
            self.play(Create(summary.levels[0]), run_time=1.3)
            self.play(Create(summary.levels[1]), run_time=1.3)
            self.play(FadeIn(summary.legend[1]), Indicate(summary.tags[1], scale_factor=1.3), run_time=1.5)
            self.play(Indicate(summary.tags[2], scale_factor=1.3), run_time=1.3)
        above = "over ten times" if ratio > 10 else "above"
        with self.narrating(f"{n} units stop at {words(twenty.losses[-1])}, {above} their best, "
                            f"{words(best_loss('twenty'))}: training does not find the best kinks.", wait=1.0):
            self.play(FadeIn(summary.legend[2]), Indicate(summary.tags[3], scale_factor=1.3), run_time=1.5)
            self.play(Circumscribe(summary.legend[2], color=self.theme.accent), run_time=1.5)
            self.play(Create(summary.levels[2]), FadeIn(summary.legend[0]), run_time=1.5)
            self.play(Indicate(summary.legend[0], color=self.theme.accent), run_time=1.3)
        self.summary = summary
