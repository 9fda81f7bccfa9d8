"""Tests for relu_anim.torch_adapter and relu_anim.story.units: import, export, training."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from torch import nn

from relu_anim.construct import shifted_relu_sum
from relu_anim.errors import ReluAnimError
from relu_anim.metrics import mse, x2_optimal_mse
from relu_anim.network import Layer, Network
from relu_anim.torch_adapter import (
    TrainResult,
    load_state_dict,
    network_from_state_dict,
    network_from_torch,
    network_to_torch,
    plain_adam_baseline,
    train,
)
from relu_anim.story.units import dead_units, first_layer_kinks
from relu_anim.torch_adapter.least_squares import OneLayer, solve_output


def square(x):
    return x**2


def _seeded(seed: int):
    torch.manual_seed(seed)


def _agree(net: Network, model: nn.Module, inputs: int = 1, seed: int = 0) -> None:
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(257, inputs, dtype=torch.float64, generator=gen) * 3
    with torch.no_grad():
        expected = model.double()(x).numpy()
    np.testing.assert_allclose(net.forward(x.numpy()), expected, rtol=1e-12, atol=1e-12)


# --- network_from_torch ---------------------------------------------------------------

ARCHITECTURES = {
    "relu": lambda: nn.Sequential(nn.Linear(1, 8), nn.ReLU(), nn.Linear(8, 1)),
    "leaky": lambda: nn.Sequential(nn.Linear(2, 5), nn.LeakyReLU(0.2), nn.Linear(5, 4),
                                   nn.LeakyReLU(0.05), nn.Linear(4, 3)),
    "identity": lambda: nn.Sequential(nn.Identity(), nn.Linear(1, 6), nn.Identity(), nn.ReLU(),
                                      nn.Identity(), nn.Linear(6, 1), nn.Identity()),
    "nested": lambda: nn.Sequential(nn.Sequential(nn.Linear(1, 4), nn.ReLU()),
                                    nn.Sequential(nn.Sequential(nn.Linear(4, 4), nn.ReLU()),
                                                  nn.Linear(4, 4)),
                                    nn.ReLU(), nn.Linear(4, 1)),
    "no_bias": lambda: nn.Sequential(nn.Linear(1, 3, bias=False), nn.ReLU(), nn.Linear(3, 1, bias=False)),
    "output_relu": lambda: nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 2), nn.ReLU()),
    "linear_only": lambda: nn.Linear(2, 2),
}


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_from_torch_agrees_with_torch(name):
    _seeded(1)
    model = ARCHITECTURES[name]()
    net = network_from_torch(model)
    _agree(net, model, inputs=net.in_features)
    assert network_from_torch(model).widths == net.widths


def test_from_torch_reads_activations():
    _seeded(0)
    net = network_from_torch(ARCHITECTURES["leaky"]())
    assert [layer.activation for layer in net.layers] == ["leaky_relu", "leaky_relu", "linear"]
    assert [layer.negative_slope for layer in net.layers[:2]] == [0.2, 0.05]
    nested = network_from_torch(ARCHITECTURES["nested"]())
    assert nested.widths == [1, 4, 4, 4, 1]
    assert [layer.activation for layer in nested.layers] == ["relu", "relu", "relu", "linear"]
    no_bias = network_from_torch(ARCHITECTURES["no_bias"]())
    assert all(not layer.bias.any() for layer in no_bias.layers)


def test_to_torch_round_trip():
    net = Network([
        Layer([[1.0], [-2.0], [0.5]], [0.0, 1.0, -0.25], "relu"),
        Layer(np.arange(6.0).reshape(2, 3) - 2, [0.1, -0.1], "leaky_relu", 0.3),
        Layer([[1.5, -0.5]], [2.0]),
    ])
    model = network_to_torch(net)
    assert all(p.dtype == torch.float64 for p in model.parameters())
    assert isinstance(model[1], nn.ReLU) and model[3].negative_slope == 0.3
    _agree(net, model)
    back = network_from_torch(model)
    for a, b in zip(net.layers, back.layers):
        assert np.array_equal(a.weight, b.weight) and np.array_equal(a.bias, b.bias)
        assert (a.activation, a.negative_slope) == (b.activation, b.negative_slope)
    assert isinstance(network_to_torch(net), nn.Sequential)


def test_to_torch_draws_no_random_numbers():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    network_to_torch(shifted_relu_sum([1.0, 2.0], [0.0, 1.0]))
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 3), nn.Sigmoid()),
         "module[3]: Sigmoid is not piecewise linear (supported: Linear, ReLU, LeakyReLU, Identity)"),
        (nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.ReLU(), nn.Linear(3, 1)),
         "module[2]: ReLU follows another activation (module[1])"),
        (nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Identity(), nn.LeakyReLU(), nn.Linear(3, 1)),
         "module[3]: LeakyReLU follows another activation (module[1])"),
        (nn.Sequential(nn.ReLU(), nn.Linear(1, 1)), "module[0]: ReLU comes before any Linear layer"),
        (nn.Sequential(nn.Linear(3, 3), nn.Conv1d(1, 1, 1)), "module[1]: Conv1d is not supported"),
        (nn.Sequential(nn.Linear(1, 3), nn.Sequential(nn.Tanh())), "module[1][0]: Tanh is not piecewise linear"),
        (nn.Sequential(nn.Linear(1, 3), nn.ReLU6()), "module[1]: ReLU6 has more than one kink"),
        (nn.Sequential(nn.Linear(1, 3), nn.Linear(4, 1)), "module[1]: Linear takes 4 inputs but module[0] has 3 outputs"),
        (nn.Sequential(nn.Identity()), "module: has no Linear layer"),
        (nn.ReLU(), "module: expected an nn.Sequential"),
    ],
)
def test_from_torch_refusals(model, message):
    with pytest.raises(ReluAnimError, match="^" + re.escape(message)):
        network_from_torch(model)


def test_from_torch_refuses_nan_weights():
    model = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1))
    with torch.no_grad():
        model[2].weight[0, 1] = float("nan")
    with pytest.raises(ReluAnimError, match=re.escape("module[2].weight: contains non-finite numbers")):
        network_from_torch(model)


# --- state dicts -------------------------------------------------------------------

def _mlp(seed: int = 2) -> nn.Sequential:
    _seeded(seed)
    return nn.Sequential(nn.Linear(1, 6), nn.ReLU(), nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 1))


def test_state_dict_matches_model():
    model = _mlp()
    net = network_from_state_dict(model.state_dict())
    assert net.widths == [1, 6, 5, 1]
    _agree(net, model)


def test_state_dict_prefix_and_numeric_order():
    model = _mlp()
    state = model.state_dict()
    # Keys in a scrambled order, under a prefix, with a two-digit index after a one-digit one.
    prefixed = {f"model.net.{int(k.split('.')[0]) * 5}.{k.split('.')[1]}": v for k, v in state.items()}
    scrambled = dict(sorted(prefixed.items(), key=lambda kv: kv[0]))  # "10" sorts before "5"
    net = network_from_state_dict(scrambled)
    _agree(net, model)


def test_state_dict_named_layers_in_definition_order():
    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nn.Linear(1, 4)
            self.out = nn.Linear(4, 1)

        def forward(self, x):
            return self.out(torch.relu(self.hidden(x)))

    _seeded(3)
    model = MLP()
    _agree(network_from_state_dict(model.state_dict()), model)


def test_state_dict_leaky_and_linear():
    model = _mlp()
    net = network_from_state_dict(model.state_dict(), activation="leaky_relu", negative_slope=0.1)
    assert [layer.activation for layer in net.layers] == ["leaky_relu", "leaky_relu", "linear"]
    assert net.layers[0].negative_slope == 0.1
    leaky = nn.Sequential(model[0], nn.LeakyReLU(0.1), model[2], nn.LeakyReLU(0.1), model[4])
    _agree(net, leaky)
    linear = network_from_state_dict(model.state_dict(), activation="linear")
    assert all(layer.is_linear for layer in linear.layers)


def _state(**changes):
    state = dict(_mlp().state_dict())
    state.update(changes)
    return {k: v for k, v in state.items() if v is not None}


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ([1, 2], "state_dict: expected a dict of tensors, got list"),
        ({"0.weight": [[1.0]]}, "0.weight: expected a tensor of real numbers, got list"),
        ({}, "state_dict: no '.weight' keys"),
        ({"0.running_mean": torch.zeros(3)}, "0.running_mean: not a Linear layer's weight or bias"),
        (lambda: _state(**{"2.weight": torch.zeros(5, 6, 1)}), "2.weight: a Linear weight must be 2-D, got shape (5, 6, 1)"),
        (lambda: _state(**{"2.bias": torch.zeros(4)}), "2.bias: shape (4,) does not match 2.weight's 5 rows"),
        (lambda: _state(**{"2.weight": torch.zeros(5, 7)}), "2.weight: takes 7 inputs but 0.weight has 6 rows"),
        (lambda: _state(**{"2.weight": None}), "2.bias: a bias without a weight (2.weight is missing)"),
        (lambda: _state(**{"2.weight": torch.full((5, 6), float("nan"))}), "2.weight: contains non-finite numbers"),
        (lambda: _state(**{"4.bias": torch.tensor([float("inf")])}), "4.bias: contains non-finite numbers"),
    ],
)
def test_state_dict_refusals(state, message):
    state = state() if callable(state) else state
    with pytest.raises(ReluAnimError, match="^" + re.escape(message)):
        network_from_state_dict(state)


def test_state_dict_bad_activation():
    with pytest.raises(ReluAnimError, match="activation: unknown activation 'tanh'"):
        network_from_state_dict(_mlp().state_dict(), activation="tanh")


def test_load_state_dict_round_trip(tmp_path):
    model = _mlp()
    path = tmp_path / "mlp.pt"
    torch.save(model.state_dict(), path)
    _agree(load_state_dict(path), model)
    wrapped = tmp_path / "checkpoint.pt"
    torch.save({"state_dict": model.state_dict(), "epoch": 3}, wrapped)
    _agree(load_state_dict(str(wrapped)), model)


def test_load_state_dict_refusals(tmp_path):
    missing = tmp_path / "missing.pt"
    with pytest.raises(ReluAnimError, match=f"^{re.escape(str(missing))}: no such file$"):
        load_state_dict(missing)
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"this is not a torch file\n" * 4)
    with pytest.raises(ReluAnimError, match=f"^{re.escape(str(garbage))}: not a torch state_dict file") as err:
        load_state_dict(garbage)
    assert "\n" not in str(err.value)
    whole = tmp_path / "whole.pt"
    torch.save(_mlp(), whole)  # the whole module, not its state_dict: refused by weights_only
    with pytest.raises(ReluAnimError, match=f"^{re.escape(str(whole))}: holds objects other than tensors") as err:
        load_state_dict(whole)
    assert "\n" not in str(err.value)
    bad = tmp_path / "bad.pt"
    torch.save({"0.weight": torch.zeros(3)}, bad)
    with pytest.raises(ReluAnimError, match=f"^{re.escape(str(bad))}: 0.weight: a Linear weight must be 2-D"):
        load_state_dict(bad)
    tensor = tmp_path / "tensor.pt"
    torch.save(torch.zeros(3), tensor)
    with pytest.raises(ReluAnimError, match="holds a Tensor, not a state_dict"):
        load_state_dict(tensor)
    with pytest.raises(ReluAnimError, match="is a directory"):
        load_state_dict(tmp_path)


# --- units ---------------------------------------------------------------------------

def test_dead_units_and_kinks():
    # kinks at 0.5 (alive), 3 (dead: right of [0, 2]), 2 facing right (dead: active only for x > 2),
    # 2 facing left (alive), w = 0 with b ≤ 0 (dead), w = 0 with b > 0 (always on), -1 (alive)
    net = Network([
        Layer([[1.0], [1.0], [1.0], [-1.0], [0.0], [0.0], [2.0]], [-0.5, -3.0, -2.0, 2.0, 0.0, 1.0, 2.0], "relu"),
        Layer([[1.0] * 7], [0.0]),
    ])
    assert dead_units(net, (0, 2)) == 3
    assert dead_units(net, (-10, 10)) == 1  # only the w = 0, b = 0 unit
    kinks = first_layer_kinks(net)
    np.testing.assert_array_equal(kinks[[0, 1, 2, 3, 6]], [0.5, 3.0, 2.0, 2.0, -1.0])
    assert np.isnan(kinks[4]) and np.isnan(kinks[5])
    leaky = Network([Layer([[1.0]], [-5.0], "leaky_relu"), Layer([[1.0]], [0.0])])
    assert dead_units(leaky, (0, 1)) == 0
    with pytest.raises(ReluAnimError, match="one input"):
        dead_units(Network([Layer([[1.0, 1.0]], [0.0], "relu")]), (0, 1))
    with pytest.raises(ReluAnimError, match="domain"):
        dead_units(net, (1, 0))


# --- training internals ------------------------------------------------------------

def test_one_layer_shortcut_matches_autograd():
    gen = torch.Generator().manual_seed(3)
    u = (torch.arange(500, dtype=torch.float64) * 2 + 1) / 500 - 1
    y = torch.sin(3 * u) + u**2
    w = torch.randn(9, 1, dtype=torch.float64, generator=gen)
    b = torch.randn(9, dtype=torch.float64, generator=gen) * 0.8
    w[0], b[0] = 0.0, 0.5  # a constant unit
    w[1], b[1] = 1.0, -5.0  # a dead unit
    w1, b1 = w.clone().requires_grad_(), b.clone().requires_grad_()
    loss, theta = OneLayer(u, y).evaluate(w1, b1, grad=True)
    w2, b2 = w.clone().requires_grad_(), b.clone().requires_grad_()
    h = torch.relu(u[:, None] @ w2.T + b2)
    expected = solve_output(h.detach(), y)
    reference = torch.mean((h @ expected[:-1] + expected[-1] - y) ** 2)
    reference.backward()
    assert loss == pytest.approx(float(reference.detach()), rel=1e-9)
    np.testing.assert_allclose(w1.grad.numpy(), w2.grad.numpy(), rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(b1.grad.numpy(), b2.grad.numpy(), rtol=1e-6, atol=1e-10)


# --- train -----------------------------------------------------------------------------

def _ratio(result: TrainResult, n: int) -> float:
    return mse(result.network.piecewise(0, 2), square) / x2_optimal_mse(n)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_train_x2_near_optimal(n):
    result = train(square, (0, 2), n, steps=600, progress=False)
    assert result.network.widths == [1, n, 1]
    assert _ratio(result, n) <= 1.1
    assert len(result.network.piecewise(0, 2).breakpoints) == n
    # first-layer units read ReLU(x − h)
    np.testing.assert_array_equal(np.abs(result.network.layers[0].weight), 1.0)


def test_train_moves_kinks_from_a_poor_start():
    # The initial kink of n = 1 is at the middle, x = 1; the MSE-optimal one is at 2/3.
    result = train(square, (0, 2), 1, steps=300, progress=False)
    assert result.losses[0] > 3 * x2_optimal_mse(1)
    assert first_layer_kinks(result.network)[0] == pytest.approx(2 / 3, abs=1e-3)


def test_train_is_deterministic():
    runs = [train(square, (0, 2), widths=[4, 3], steps=150, seed=7, progress=False) for _ in range(2)]
    for a, b in zip(runs[0].network.layers, runs[1].network.layers):
        assert np.array_equal(a.weight, b.weight) and np.array_equal(a.bias, b.bias)
    assert np.array_equal(runs[0].losses, runs[1].losses)
    one = [train(np.sin, (-2, 2), 5, steps=150, seed=1, progress=False) for _ in range(2)]
    assert all(np.array_equal(a.weight, b.weight) for a, b in zip(one[0].network.layers, one[1].network.layers))
    other = train(square, (0, 2), widths=[4, 3], steps=150, seed=8, progress=False)
    assert not np.array_equal(other.losses, runs[0].losses)


def test_train_history():
    steps = 400
    result = train(square, (0, 2), 3, steps=steps, history=True, history_points=12, progress=False)
    snaps = result.history
    assert len(snaps) == 12
    got = [s["step"] for s in snaps]
    assert got[0] == 0 and got[-1] == steps and got == sorted(set(got))
    log_spaced = np.linspace(0, np.log(steps), len(got) - 1)
    assert np.allclose(np.log(got[1:]), log_spaced, atol=0.25)
    assert result.losses.shape == (steps + 1,) and result.losses.dtype == np.float64
    for snap in snaps:
        assert snap["loss"] == result.losses[snap["step"]]
        assert [layer["activation"] for layer in snap["layers"]] == ["relu", "linear"]
        assert np.array(snap["layers"][0]["weight"]).shape == (3, 1)
    assert snaps[-1]["layers"] == result.network.to_dict()["layers"]
    assert snaps[0]["layers"][0]["bias"] == pytest.approx([-1 / 3, -1.0, -5 / 3])  # cell midpoints
    assert result.losses[-1] < result.losses[0]
    assert train(square, (0, 2), 1, steps=5, progress=False).history == []


def test_train_progress_callback():
    calls = []
    train(square, (0, 2), 2, steps=20, progress=lambda step, loss: calls.append((step, loss)))
    assert [c[0] for c in calls] == list(range(21))
    assert all(np.isfinite(c[1]) for c in calls)


def test_train_linear_and_plain_adam():
    line = train(square, (0, 2), widths=[], steps=5, progress=False)
    assert line.network.widths == [1, 1] and line.network.layers[0].is_linear
    # least-squares line of x² on [0, 2]: 2x − 2/3
    assert line.network.layers[0].weight[0, 0] == pytest.approx(2.0, abs=1e-5)
    assert line.network.layers[0].bias[0] == pytest.approx(-2 / 3, abs=1e-5)
    swing = train(square, (0, 2), widths=[], steps=800, solve_output=False, history=True, progress=False)
    assert swing.losses[-1] < swing.losses[0]
    assert len(swing.network.piecewise(0, 2).breakpoints) == 0
    assert swing.network.layers[0].weight[0, 0] == pytest.approx(2.0, abs=0.05)
    plain = train(square, (0, 2), 3, steps=200, solve_output=False, progress=False)
    assert plain.losses[-1] < plain.losses[0]


def test_train_other_targets():
    def sin3(x):
        return np.sin(3 * x)

    result = train(sin3, (-2, 2), 12, steps=500, progress=False)
    constant = mse(Network([Layer([[0.0]], [0.0])]).piecewise(-2, 2), sin3)
    assert mse(result.network.piecewise(-2, 2), sin3) < 0.01 * constant
    deep = train(lambda x: np.abs(x - 0.5), (0, 1), widths=[4, 4], steps=300, progress=False)
    assert mse(deep.network.piecewise(0, 1), lambda x: np.abs(x - 0.5)) < 1e-3 * (1 / 48)


def test_plain_adam_baseline():
    result = plain_adam_baseline(square, (0, 2), 4, steps=100)
    assert result.network.widths == [1, 4, 1]
    assert result.losses.shape == (101,) and result.losses[-1] < result.losses[0]
    assert result.seconds >= 0 and result.history == []
    again = plain_adam_baseline(square, (0, 2), 4, steps=100)
    assert np.array_equal(result.losses, again.losses)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(units=3, steps=0), "steps: must be at least 1 (got 0)"),
        (dict(units=3, steps=1_000_001), "steps: must be at most 1,000,000 (got 1,000,001)"),
        (dict(units=3, steps=2.5), "steps: must be a whole number"),
        (dict(units=0), "units: must be at least 1 (got 0)"),
        (dict(units=10**6), "units: must be at most 10,000 (got 1,000,000)"),
        (dict(), "units/widths: give exactly one"),
        (dict(units=2, widths=[2]), "units/widths: give exactly one"),
        (dict(widths=[3, 0]), "widths[1]: must be at least 1 (got 0)"),
        (dict(widths=[-2]), "widths[0]: must be at least 1 (got -2)"),
        (dict(widths="8"), "widths: expected a list of hidden widths"),
        (dict(units=2, domain=(2, 0)), "domain: a must be smaller than b"),
        (dict(units=2, domain=(0, float("inf"))), "domain: ends must be finite"),
        (dict(units=2, domain=3), "domain: expected (a, b)"),
        (dict(units=2, target=np.log), "target: not finite on [0, 2]"),
        (dict(units=2, target=lambda x: np.where(x > 1.5, np.nan, x)), "target: not finite"),
        (dict(units=2, target=3), "target: expected a function of x"),
        (dict(units=2, lr=-1.0), "lr: must be a positive number"),
        (dict(units=2, seed=-1), "seed: must be at least 0 (got -1)"),
        (dict(units=2, seed=1.5), "seed: must be a whole number (got 1.5)"),
        (dict(units=2, target=lambda x: np.ones(3)), "target: does not give one number per x"),
        (dict(units=2, history_points=1), "history_points: must be at least 2 (got 1)"),
        (dict(units=2, progress="yes"), "progress: expected None, True, False or a callable"),
    ],
)
def test_train_refusals(kwargs, message):
    kwargs = {"target": square, "domain": (0, 2), "progress": False, **kwargs}
    with pytest.raises(ReluAnimError, match="^" + re.escape(message)):
        train(kwargs.pop("target"), kwargs.pop("domain"), **kwargs)


def test_baseline_refusals():
    with pytest.raises(ReluAnimError, match="units: must be at least 1"):
        plain_adam_baseline(square, (0, 2), 0)
    with pytest.raises(ReluAnimError, match="lr: must be a positive number"):
        plain_adam_baseline(square, (0, 2), 2, lr=0)
