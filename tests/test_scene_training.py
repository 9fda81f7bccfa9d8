"""The "Training in motion" chapter draws the recorded training runs exactly, as the film renders it.

Probes (:func:`tests.renders.at_beat_end`) look at the live scene of the
suite's render when each beat ends and compare what is drawn with the
package's numbers: the output graph's corners with the network's exact
vertices, the kink dots with its breakpoints, the loss dot with the recorded
loss curve, the readouts (w, b, highest w, kinks, kinks inside and outside)
with the weights, the dashed best levels with :func:`relu_anim.x2.optimal_mse`,
the edge triangles with the kinks that left [0, 2]. Data tests check the
claims the narration makes about the runs.
"""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim.metrics import x2_optimal_mse
from relu_anim.story.history import history_networks, loss_at, playback_state
from relu_anim.story.numbers import words
from relu_anim.story.units import first_layer_kinks
from relu_anim.torch_adapter import train
from relu_anim.visual import current_theme

from .renders import at_beat_end, rendered
from .scenes import assert_narrated, load_chapter, scene_points

tr = load_chapter("training")


def distance_to_polyline(point: np.ndarray, corners: np.ndarray) -> float:
    a, b = corners[:-1], corners[1:]
    ab = b - a
    t = np.clip(np.einsum("ij,ij->i", point - a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-300), 0, 1)
    return float(np.min(np.linalg.norm(a + t[:, None] * ab - point, axis=1)))


def curve_corners(curve) -> np.ndarray:
    anchors = curve.get_anchors()
    return np.vstack([anchors[0::2], anchors[-1:]])


def run_state(scene, name: str) -> dict:
    """What a run's beat leaves on screen: drawn geometry next to the package's."""
    playback = scene.view.playback
    net, step = playback_state(tr.training(name).history, playback.position.get_value())
    f = net.piecewise(*tr.DOMAIN)
    return {
        "name": name,
        "position": playback.position.get_value(),
        "corners": playback.graph.corners(), "expected_corners": scene_points(scene.axes, f.knots, f.knot_values),
        "dots": playback.kink_points, "expected_dots": scene_points(scene.axes, f.breakpoints, f.values),
        "dot_colors": [d.color.to_hex().lower() for d in playback.dots],
        "loss_dot": playback.loss_dot.get_center(),
        "expected_loss_dot": scene.view.axes.point(step, loss_at(tr.training(name).losses, step)),
        "full_curve": curve_corners(scene.view.curve),
        "trail_end": playback.trail.get_anchors()[-1],
        "step_readout": scene.step_readout.value, "loss_readout": scene.loss_readout.value,
        "step": step, "loss": loss_at(tr.training(name).losses, step),
        "decades": scene.view.axes.decades,
        "watch": [r.value for r in scene.watch],
        "best": None if scene.best is None else (scene.best[0].get_start(), scene.best[0].get_end(),
                                                 scene.best[1].value),
        "loss_axes": scene.view.axes,
        "edge_marks": [m.get_center() for m in playback.edge_marks if m.has_points()],
        "axes_x": (scene.axes.c2p(tr.DOMAIN[0], 0)[0], scene.axes.c2p(tr.DOMAIN[1], 0)[0]),
        "inside_breakpoints": len(f.breakpoints),
        "final_kinks": first_layer_kinks(net),
    }


@at_beat_end("training", "One linear layer")
def line_state(scene):
    return run_state(scene, "line")


@at_beat_end("training", "One ReLU unit")
def one_state(scene):
    return run_state(scene, "one")


@at_beat_end("training", "Two units and a linear output")
def two_state(scene):
    return run_state(scene, "two")


@at_beat_end("training", "Twenty units")
def twenty_state(scene):
    return run_state(scene, "twenty")


@at_beat_end("training", "Four runs, one plot")
def summary_state(scene):
    s = scene.summary
    return {"axes": s.axes, "curves": [curve_corners(c) for c in s.curves],
            "levels": [(line.get_start(), line.get_end()) for line in s.levels],
            "tags": [t.tex_string for t in s.tags], "legend_values": [s.legend[0].value, s.legend[2].value],
            "header": scene.label.tex_string}


STATES = {"line": line_state, "one": one_state, "two": two_state, "twenty": twenty_state}


# -------------------------------------------------------------------- data
def test_runs_are_real_and_seeded():
    for name in tr.ORDER:  # (their wall-clock time is a benchmark matter, never a test)
        result = tr.training(name)
        assert len(result.history) >= 30 and result.history[-1]["step"] == tr.RUNS[name]["steps"]
        assert len(result.losses) == tr.RUNS[name]["steps"] + 1
    again = train(tr.square, tr.DOMAIN, history=True, progress=False, **tr.RUNS["line"])
    assert again.history == tr.training("line").history  # same seed, same snapshots bit for bit
    assert [tr.training(n).network.hidden_units for n in tr.ORDER] == [0, 1, 2, 20]


def test_the_line_swings_then_settles():
    slopes = [net.layers[0].weight[0, 0] for net in history_networks(tr.training("line").history)]
    final = slopes[-1]
    assert slopes[0] < 0 < final  # "starts negative"
    assert tr.peak_slope("line") == max(slopes) > final + 0.1  # overshoots
    assert np.ptp(slopes[-5:]) < 1e-3  # and settles
    losses = tr.training("line").losses
    assert losses[-1] == pytest.approx(np.min(losses), rel=1e-6)


def test_narrated_claims_hold():
    for name in ("one", "two"):  # "reach the best possible loss for their size"
        result = tr.training(name)
        assert words(result.losses[-1]) == words(tr.best_loss(name)) == words(x2_optimal_mse(
            result.network.hidden_units))
    twenty = tr.training("twenty")
    assert twenty.losses[-1] / x2_optimal_mse(20) > 10  # "more than ten times above their best"
    first, last = tr.final_networks("two")
    assert len(first.piecewise(*tr.DOMAIN).breakpoints) == len(last.piecewise(*tr.DOMAIN).breakpoints) == 2
    assert last.piecewise(*tr.DOMAIN).num_pieces == 3  # "three straight pieces"
    inside = len(twenty.network.piecewise(*tr.DOMAIN).breakpoints)
    assert tr.kinks_outside("twenty") + inside == 20 and tr.kinks_outside("twenty") > 0
    losses = [tr.training(n).losses[-1] for n in tr.ORDER]
    assert losses == sorted(losses, reverse=True)  # "each extra unit buys a lower floor"


def test_one_loss_range_holds_every_run_and_every_best_level():
    lo, hi = tr.loss_decades()
    for name in tr.ORDER:
        losses = tr.training(name).losses
        assert 10.0 ** lo <= losses.min() and losses.max() <= 10.0 ** hi
    assert all(10.0 ** lo <= tr.best_loss(n) for n in tr.ORDER[1:])


def test_output_axes_hold_every_frame():
    lo, hi, _ = tr.output_axis_range()
    for name in tr.ORDER:
        for s in np.linspace(0, len(tr.training(name).history) - 1, 25):
            f = playback_state(tr.training(name).history, s)[0].piecewise(*tr.DOMAIN)
            assert lo <= f.knot_values.min() and f.knot_values.max() <= hi


# -------------------------------------------------------------- the render
@pytest.mark.parametrize("name", tr.ORDER)
def test_each_run_ends_drawn_exactly_on_its_last_snapshot(name):
    state = rendered("training").probe(STATES[name])
    assert state["position"] == len(tr.training(name).history) - 1  # played to the end
    np.testing.assert_allclose(state["corners"], state["expected_corners"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(state["dots"], state["expected_dots"], rtol=0, atol=1e-9)
    assert all(c == current_theme().breakpoint.lower() for c in state["dot_colors"])
    np.testing.assert_allclose(state["loss_dot"], state["expected_loss_dot"], atol=1e-9)
    assert distance_to_polyline(state["loss_dot"], state["full_curve"]) < 1e-9
    np.testing.assert_allclose(state["trail_end"], state["loss_dot"], atol=1e-9)
    assert state["step_readout"] == round(state["step"]) == tr.RUNS[name]["steps"]
    assert state["loss_readout"] == state["loss"] == tr.training(name).losses[-1]
    assert state["decades"] == tr.loss_decades()  # one range for every run


def test_the_line_readouts_are_its_weights_and_its_overshoot():
    state = rendered("training").probe(line_state)
    _, last = tr.final_networks("line")
    assert state["watch"] == [last.layers[0].weight[0, 0], last.layers[0].bias[0], tr.peak_slope("line")]


@pytest.mark.parametrize("name", ["one", "two"])
def test_kink_readouts_and_best_level(name):
    state = rendered("training").probe(STATES[name])
    _, last = tr.final_networks(name)
    assert state["watch"] == sorted(first_layer_kinks(last).tolist())
    start, end, value = state["best"]
    axes = state["loss_axes"]
    best = x2_optimal_mse(last.hidden_units)
    assert value == best
    np.testing.assert_allclose(start, axes.point(0, best), atol=1e-9)
    np.testing.assert_allclose(end, axes.point(axes.steps, best), atol=1e-9)


def test_kinks_that_left_the_interval_are_marked_at_their_edge():
    state = rendered("training").probe(twenty_state)
    kinks = first_layer_kinks(tr.training("twenty").network)
    left, right = int(np.sum(kinks <= tr.DOMAIN[0])), int(np.sum(kinks >= tr.DOMAIN[1]))
    assert left + right == tr.kinks_outside("twenty") == len(state["edge_marks"])
    xs = [p[0] for p in state["edge_marks"]]
    assert sum(x < state["axes_x"][0] for x in xs) == left and sum(x > state["axes_x"][1] for x in xs) == right
    assert state["watch"] == [20 - left - right, left + right]
    assert state["inside_breakpoints"] == 20 - left - right  # every unit inside makes one kink of the curve


def test_summary_plots_every_run_and_every_best_level():
    s = rendered("training").probe(summary_state)
    axes = s["axes"]
    for name, corners in zip(tr.ORDER, s["curves"]):
        losses = tr.training(name).losses
        np.testing.assert_allclose(corners, [axes.point(k, v) for k, v in enumerate(losses)], atol=1e-9)
    for name, (start, end) in zip(tr.ORDER[1:], s["levels"]):
        np.testing.assert_allclose(start, axes.point(0, tr.best_loss(name)), atol=1e-9)
        np.testing.assert_allclose(end, axes.point(axes.steps, tr.best_loss(name)), atol=1e-9)
    assert s["tags"] == ["line", "1 unit", "2 units", "20 units"]
    assert s["legend_values"] == [x2_optimal_mse(20), tr.training("twenty").losses[-1]]
    assert "20 ReLU units" not in s["header"]


def test_the_playback_draws_the_interpolated_network_between_snapshots():
    """On the rendered scene's last playback: any position shows the network interpolated there."""
    scene = rendered("training").scene
    playback = scene.view.playback
    history = tr.training("twenty").history
    for s in (0.0, 7.5, 25.3):
        playback.show(s)
        net, step = playback_state(history, s)
        f = net.piecewise(*tr.DOMAIN)
        np.testing.assert_allclose(playback.graph.corners(), scene_points(scene.axes, f.knots, f.knot_values),
                                   atol=1e-9)
        assert len(playback.dots) == len(f.breakpoints) == len(playback.graph.corners()) - 2
        assert playback.step == step
    assert step < history[-1]["step"] / 4  # log-spaced snapshots: early steps get most of the time


def test_every_beat_is_narrated():
    scene = rendered("training").scene
    assert scene.beats == ["Watching training", "One linear layer", "One ReLU unit",
                           "Two units and a linear output", "Twenty units", "Four runs, one plot"]
    assert_narrated(scene)
    texts = " ".join(text for _, _, text in scene.narration)
    assert "snapshot" not in texts  # production detail stays off the narration
    narrated = sum(d for _, d, _ in scene.narration)
    assert narrated == pytest.approx(scene.time, abs=0.1)  # never silent
    assert 60 <= scene.time <= 150
