"""Playing training back: networks between snapshots, steps and losses in step, export round trip."""

from __future__ import annotations

import numpy as np
import pytest

from relu_anim import ReluAnimError
from relu_anim.construct import shifted_relu_sum
from relu_anim.io.network_file import load_network, save_network
from relu_anim.story.history import (check_position, decades, history_losses, history_networks, history_steps,
                               interpolate_layers, loss_at, output_range, playback_state, snapshot_network)
from relu_anim.network import Layer, Network

DOMAIN = (0.0, 2.0)


def square(x):
    return np.asarray(x, dtype=float) ** 2


@pytest.fixture(scope="module")
def run():
    from relu_anim.torch_adapter import train

    return train(square, DOMAIN, units=3, steps=60, seed=3, history=True, history_points=12,
                 solve_output=False, progress=False)


@pytest.fixture(scope="module")
def line_run():
    from relu_anim.torch_adapter import train

    return train(square, DOMAIN, widths=[], steps=40, seed=1, lr=0.1, history=True, history_points=8,
                 solve_output=False, progress=False)


def weights(net: Network) -> list[np.ndarray]:
    return [a for layer in net.layers for a in (layer.weight, layer.bias)]


# ------------------------------------------------------------- interpolation
def test_endpoints_are_the_snapshots_exactly(run):
    a, b = run.history[3], run.history[4]
    for t, snap in ((0.0, a), (1.0, b)):
        net = interpolate_layers(a, b, t)
        expected = Network.from_layers(snap["layers"])
        for got, want in zip(weights(net), weights(expected)):
            assert np.array_equal(got, want)
        assert [layer.activation for layer in net.layers] == [d["activation"] for d in snap["layers"]]


@pytest.mark.parametrize("t", [0.25, 0.5, 0.9])
def test_every_weight_moves_on_the_straight_line(run, t):
    a, b = run.history[1], run.history[6]
    net = interpolate_layers(a, b, t)
    na, nb = Network.from_layers(a["layers"]), Network.from_layers(b["layers"])
    for got, wa, wb in zip(weights(net), weights(na), weights(nb)):
        # (1 − t)·a + t·b rounds three times, each by at most half an ulp of its result
        rounding = 2 * np.finfo(float).eps * ((1 - t) * np.abs(wa) + t * np.abs(wb))
        assert np.all(np.abs(got - ((1 - t) * wa + t * wb)) <= rounding)
        assert not np.allclose(wa, wb) or np.allclose(got, wa)  # the run really moves


def test_interpolated_kink_slides_linearly():
    a, b = shifted_relu_sum([1.0, 2.0], [0.4, 1.0]), shifted_relu_sum([1.0, 2.0], [0.8, 1.6])
    for t in (0.0, 0.3, 0.75, 1.0):
        f = interpolate_layers(a, b, t).piecewise(*DOMAIN)
        np.testing.assert_allclose(f.breakpoints, [0.4 + 0.4 * t, 1.0 + 0.6 * t], rtol=0, atol=1e-12)


def test_interpolated_network_is_between_in_value_for_a_linear_layer(line_run):
    a, b = line_run.history[0], line_run.history[-1]
    x = np.linspace(*DOMAIN, 7)
    ya, yb = Network.from_layers(a["layers"])(x), Network.from_layers(b["layers"])(x)
    np.testing.assert_allclose(interpolate_layers(a, b, 0.4)(x), 0.6 * ya + 0.4 * yb, atol=1e-12)


def test_snapshots_may_be_networks_or_layer_dicts(run):
    snap = run.history[2]
    as_net = {"step": snap["step"], "loss": snap["loss"], "layers": Network.from_layers(snap["layers"])}
    for got, want in zip(weights(interpolate_layers(as_net, run.history[5], 0.3)),
                         weights(interpolate_layers(snap, run.history[5], 0.3))):
        assert np.array_equal(got, want)
    assert snapshot_network(Network.from_layers(snap["layers"]).layers).widths == [1, 3, 1]


def test_mismatched_snapshots_and_bad_t_are_refused():
    one, two = shifted_relu_sum([1.0], [0.5]), shifted_relu_sum([1.0, 1.0], [0.5, 1.0])
    with pytest.raises(ReluAnimError, match=r"layers\[0\]\.weight has shape \(2, 1\)"):
        interpolate_layers(one, two, 0.5)
    linear = Network([Layer([[1.0]], [0.5], "linear"), Layer([[1.0]], [0.0])])
    with pytest.raises(ReluAnimError, match="activation 'linear'"):
        interpolate_layers(one, linear, 0.5)
    with pytest.raises(ReluAnimError, match="has 1 layers but snap_a has 2"):
        interpolate_layers(one, Network([Layer([[1.0]], [0.0])]), 0.5)
    for t in (-0.1, 1.5, "half"):
        with pytest.raises(ReluAnimError, match="t: must be"):
            interpolate_layers(one, one, t)
    with pytest.raises(ReluAnimError, match="snap_a: expected a snapshot"):
        interpolate_layers({"step": 0}, one, 0.5)


# ---------------------------------------------------------------- playback
def test_history_networks_are_the_snapshots(run):
    nets = history_networks(run.history)
    assert len(nets) == len(run.history) == 12
    for net, snap in zip(nets, run.history):
        assert net.to_dict()["layers"] == snap["layers"]
    assert history_steps(run.history).tolist() == [s["step"] for s in run.history]
    assert history_losses(run.history).tolist() == [s["loss"] for s in run.history]
    with pytest.raises(ReluAnimError, match="non-empty list"):
        history_networks([])


def test_playback_position_moves_weights_and_step_together(run):
    h = run.history
    for i in range(len(h)):
        net, step = playback_state(h, i)
        assert step == h[i]["step"]
        assert net.to_dict()["layers"] == h[i]["layers"]
    net, step = playback_state(h, 5.25)
    assert step == pytest.approx(0.75 * h[5]["step"] + 0.25 * h[6]["step"])
    for got, want in zip(weights(net), weights(interpolate_layers(h[5], h[6], 0.25))):
        np.testing.assert_allclose(got, want, rtol=0, atol=0)
    last = len(h) - 1
    assert check_position(h, last) == last
    for bad in (-0.01, last + 0.01):
        with pytest.raises(ReluAnimError, match=rf"s: must be from 0 to {last}"):
            playback_state(h, bad)


def test_log_spaced_snapshots_give_early_steps_equal_screen_time(run):
    """Constant speed in s: the first half of the playback covers far fewer steps than the second."""
    h = run.history
    middle = playback_state(h, (len(h) - 1) / 2)[1]
    assert middle < 0.25 * h[-1]["step"]


def test_loss_at_reads_the_curve_geometrically(run):
    losses = run.losses
    for k in (0, 7, len(losses) - 1):
        assert loss_at(losses, k) == losses[k]
    mid = loss_at(losses, 3.5)
    assert mid == pytest.approx(np.sqrt(losses[3] * losses[4]), rel=1e-12)
    assert min(losses[3], losses[4]) <= mid <= max(losses[3], losses[4])
    for snap in run.history:  # the snapshots' losses are points of the curve
        assert loss_at(losses, snap["step"]) == snap["loss"]
    with pytest.raises(ReluAnimError, match="step: must be from 0 to 60"):
        loss_at(losses, 61)
    with pytest.raises(ReluAnimError, match="positive"):
        loss_at([1.0, 0.0], 0.5)


def test_output_range_holds_every_snapshot_and_state_between(run):
    lo, hi = output_range(run.history, DOMAIN)
    for s in np.linspace(0, len(run.history) - 1, 37):
        f = playback_state(run.history, s)[0].piecewise(*DOMAIN)
        assert lo - 1e-9 <= f.knot_values.min() and f.knot_values.max() <= hi + 1e-9
    values = [v for net in history_networks(run.history) for v in net.piecewise(*DOMAIN).knot_values]
    assert lo == pytest.approx(min(values), abs=0.05) and hi == pytest.approx(max(values), abs=0.05)


def test_decades():
    assert decades([0.59, 0.089]) == (-2, 0)
    assert decades([8.1e-6, 1.02]) == (-6, 1)
    assert decades([1.0]) == (0, 1)
    with pytest.raises(ReluAnimError):
        decades([0.0, 1.0])


# ------------------------------------------------------------ export round trip
@pytest.mark.parametrize("which", ["run", "line_run"])
def test_saved_history_round_trips(which, request, tmp_path):
    result = request.getfixturevalue(which)
    path = save_network(tmp_path / "net.json", result.network, DOMAIN, target="x**2", history=result.history)
    loaded = load_network(path)
    assert len(loaded.history) == len(result.history)
    for got, want in zip(loaded.history, result.history):
        assert got["step"] == want["step"] and got["loss"] == want["loss"]
        assert got["layers"].to_dict()["layers"] == want["layers"]
    for s in (0.0, 2.5, len(result.history) - 1.0):
        (a, sa), (b, sb) = playback_state(loaded.history, s), playback_state(result.history, s)
        assert sa == sb
        for got, want in zip(weights(a), weights(b)):
            assert np.array_equal(got, want)
    # saving what was loaded gives the same bytes: nothing is lost on the way
    again = save_network(tmp_path / "again.json", loaded.network, DOMAIN, target="x**2", history=loaded.history)
    assert again.read_bytes() == path.read_bytes()
