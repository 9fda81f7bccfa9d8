"""The "Training in motion" chapter draws the recorded training runs exactly.

Structural tests pose the scene at playback positions and compare what is drawn
with the package's numbers: the output graph's corners with the interpolated
network's exact vertices, the kink dots with its breakpoints, the loss dot with
the recorded loss curve at the same step. The storyboard test runs the whole
chapter with animations skipped. Golden frames: tests/golden.py
(regenerate with RELU_ANIM_UPDATE_GOLDEN=1).
"""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim.story.history import history_networks, loss_at, playback_state
from relu_anim.metrics import x2_optimal_mse
from relu_anim.story.numbers import words
from relu_anim.torch_adapter import train
from relu_anim.visual import current_theme

from .golden import (CONTROL_DIR, PIXEL_FRACTION_TOLERANCE, assert_frame_matches,
                     frame_difference, render_frame)
from .renders import rendered
from .scenes import assert_narrated, load_chapter, posed, scene_points


@pytest.fixture(scope="module")
def tr():
    """scenes/training.py as a module."""
    return load_chapter("training")


@pytest.fixture(scope="module")
def posed_run(tr):
    """Each run posed once (scene, playback), by name; tests move the playback with ``show(s)``."""
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = posed(tr.Training, lambda s: s.pose_run(name, 0.0))
        return cache[name]

    return get


def distance_to_polyline(point: np.ndarray, corners: np.ndarray) -> float:
    a, b = corners[:-1], corners[1:]
    ab = b - a
    t = np.clip(np.einsum("ij,ij->i", point - a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-300), 0, 1)
    return float(np.min(np.linalg.norm(a + t[:, None] * ab - point, axis=1)))


# -------------------------------------------------------------------- data
def test_runs_are_real_and_seeded(tr):
    for name in tr.ORDER:  # (their wall-clock time is a benchmark matter, never a test)
        result = tr.training(name)
        assert len(result.history) >= 30 and result.history[-1]["step"] == tr.RUNS[name]["steps"]
        assert len(result.losses) == tr.RUNS[name]["steps"] + 1
    again = train(tr.square, tr.DOMAIN, history=True, progress=False, **tr.RUNS["line"])
    assert again.history == tr.training("line").history  # same seed, same snapshots bit for bit
    assert [tr.training(n).network.hidden_units for n in tr.ORDER] == [0, 1, 2, 20]


def test_the_line_swings_then_settles(tr):
    slopes = [net.layers[0].weight[0, 0] for net in history_networks(tr.training("line").history)]
    final = slopes[-1]
    assert slopes[0] < 0 < final  # it starts tilted the wrong way
    assert max(slopes) > final + 0.1  # overshoots
    assert np.ptp(slopes[-5:]) < 1e-3  # and settles
    losses = tr.training("line").losses
    assert losses[-1] == pytest.approx(np.min(losses), rel=1e-6)


def test_narrated_claims_hold(tr):
    for name in ("one", "two"):  # "reach the best possible loss for their size"
        result = tr.training(name)
        best = x2_optimal_mse(result.network.hidden_units)
        assert words(result.losses[-1]) == words(best)
    twenty = tr.training("twenty")
    assert twenty.losses[-1] / x2_optimal_mse(20) > 2  # "training does not find the best kinks"
    first, last = tr.final_networks("two")
    assert len(first.piecewise(*tr.DOMAIN).breakpoints) == len(last.piecewise(*tr.DOMAIN).breakpoints) == 2
    assert len(last.piecewise(*tr.DOMAIN).breakpoints) + 1 == last.piecewise(*tr.DOMAIN).num_pieces
    inside = len(twenty.network.piecewise(*tr.DOMAIN).breakpoints)
    assert tr.kinks_outside("twenty") + inside == 20 and tr.kinks_outside("twenty") > 0
    losses = [tr.training(n).losses[-1] for n in tr.ORDER]
    assert losses == sorted(losses, reverse=True)  # "each extra unit buys a lower floor"


# -------------------------------------------------------------- structure
@pytest.mark.parametrize("name,s", [("line", 7.5), ("one", 20.5), ("two", 0.0), ("twenty", 25.3),
                                    ("twenty", None)])
def test_drawn_state_is_the_interpolated_network(tr, posed_run, name, s):
    scene, playback = posed_run(name)
    result = tr.training(name)
    s = len(result.history) - 1 if s is None else s
    playback.show(s)
    net, step = playback_state(result.history, s)
    f = net.piecewise(*tr.DOMAIN)
    np.testing.assert_allclose(playback.graph.corners(), scene_points(scene.axes, f.knots, f.knot_values),
                               rtol=0, atol=1e-9)
    np.testing.assert_allclose(playback.kink_points, scene_points(scene.axes, f.breakpoints, f.values),
                               rtol=0, atol=1e-9)
    assert len(playback.dots) == len(f.breakpoints) == len(playback.graph.corners()) - 2
    assert all(d.color.to_hex().lower() == current_theme().breakpoint.lower() for d in playback.dots)
    # the loss dot sits on the recorded curve, at the same step as the weights
    loss = loss_at(result.losses, step)
    loss_axes, full = scene.view.axes, scene.view.curve
    np.testing.assert_allclose(playback.loss_dot.get_center(), loss_axes.point(step, loss), atol=1e-9)
    full_corners = np.vstack([full.get_anchors()[0::2], full.get_anchors()[-1:]])
    assert distance_to_polyline(playback.loss_dot.get_center(), full_corners) < 1e-9
    assert np.allclose(playback.trail.get_anchors()[-1], playback.loss_dot.get_center(), atol=1e-9)
    assert scene.step_readout.value == round(step) and scene.loss_readout.value == loss
    assert playback in scene.mobjects


def test_output_axes_hold_every_frame(tr):
    lo, hi, _ = tr.output_axis_range()
    for name in tr.ORDER:
        for s in np.linspace(0, len(tr.training(name).history) - 1, 25):
            f = playback_state(tr.training(name).history, s)[0].piecewise(*tr.DOMAIN)
            assert lo <= f.knot_values.min() and f.knot_values.max() <= hi


def test_playing_moves_the_drawing_in_step(tr, posed_run):
    """Halfway through the animation the scene shows the state at the middle playback position."""
    scene, playback = posed_run("two")
    playback.position.set_value(0.0)
    animation = playback.play_through(run_time=4)
    animation.begin()
    animation.interpolate(0.5)
    playback.update(0)
    history = tr.training("two").history
    net, step = playback_state(history, (len(history) - 1) / 2)
    f = net.piecewise(*tr.DOMAIN)
    np.testing.assert_allclose(playback.graph.corners(), scene_points(scene.axes, f.knots, f.knot_values), atol=1e-9)
    assert playback.step == step and scene.step_readout.value == round(step)
    assert step < history[-1]["step"] / 4  # log-spaced snapshots: early steps get half the time


# ------------------------------------------------------------- storyboard
def test_every_beat_is_narrated(tr):
    """The chapter as rendered: beats, narration, duration."""
    scene = rendered("training").scene
    assert scene.beats == ["Watching training", "One linear layer", "One ReLU unit",
                           "Two units and a linear output", "Twenty units", "Four runs, one plot"]
    assert_narrated(scene)
    starts = [start for start, _, _ in scene.narration]
    ends = [*scene.beat_starts[1:], scene.time]
    for title, begin, end in zip(scene.beats, scene.beat_starts, ends):
        assert any(begin <= s < end for s in starts), f"beat {title!r} has no narration"
    narrated = sum(d for _, d, _ in scene.narration)
    assert narrated == pytest.approx(scene.time, abs=0.1)  # never silent
    # each run is played for its full history: the playback ended on the last snapshot
    assert scene.view.playback.position.get_value() == len(tr.training("twenty").history) - 1


# ------------------------------------------------------------ golden frames
def test_nothing_drawn_during_a_play_goes_stale(tr, posed_run):
    """The renderer lists the moving family when a play begins and draws that list every frame:
    no part of the playback or of the readouts may be swapped for a new mobject meanwhile."""
    from manim.utils.family import extract_mobject_family_members

    scene, playback = posed_run("twenty")
    playback.show(0.0)
    playback.readouts = (scene.step_readout, scene.loss_readout)
    scene.bring_to_front(scene.readouts)
    animation = playback.play_through(run_time=4)
    listed = extract_mobject_family_members(scene.get_moving_mobjects(animation), only_those_with_points=True)
    assert playback.graph in listed
    assert all(m in listed for m in scene.step_readout.number.family_members_with_points())
    animation.begin()
    for alpha in (0.3, 0.7, 1.0):
        animation.interpolate(alpha)
        playback.update(0)
        current = set(extract_mobject_family_members([playback, scene.readouts]))
        stale = [m for m in listed if m not in current and len(m.points) > 0]
        assert not stale, f"{len(stale)} stale mobjects still drawn at alpha={alpha}"
    assert len(playback.dots) == len(playback.function.breakpoints)
    shown = scene.loss_readout.copy()
    assert scene.loss_readout.value == playback.loss and shown.tex == scene.loss_readout.tex


def test_golden_one_unit_midway(tr):
    assert_frame_matches("training", "one_midway", tr.Training, lambda s: s.pose_run("one", 20.5))


def test_golden_four_runs_and_summary_plots_every_run(tr):
    posed = {}
    assert_frame_matches("training", "four_runs", tr.Training,
                         lambda s: posed.setdefault("summary", s.pose_four_runs()))
    summary = posed["summary"]
    axes, curves, tags, level = summary.axes, summary.curves, summary.tags, summary.level
    for name, curve in zip(tr.ORDER, curves):
        losses = tr.training(name).losses
        corners = np.vstack([curve.get_anchors()[0::2], curve.get_anchors()[-1:]])
        np.testing.assert_allclose(corners, [axes.point(k, v) for k, v in enumerate(losses)], atol=1e-9)
    best = x2_optimal_mse(20)
    assert level[0].get_start()[1] == pytest.approx(axes.point(0, best)[1], abs=1e-6)
    assert [t.tex_string for t in tags] == ["line", "1 unit", "2 units", "20 units"]


def test_golden_comparison_sees_the_playback_move(tr):
    """One snapshot interval later the curve, kink and loss dot have moved visibly."""
    with np.load(CONTROL_DIR / "training" / "one_midway.npz") as data:
        base = data["frame_data"]
    later = render_frame(tr.Training, lambda s: s.pose_run("one", 21.5))
    assert frame_difference(base, base) == 0.0
    assert frame_difference(later, base) > PIXEL_FRACTION_TOLERANCE
