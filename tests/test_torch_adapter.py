"""Tests for relu_anim.torch_adapter and relu_anim.story.units: import, export, training."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
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


UNIT_ROUNDOFF = np.finfo(float).eps / 2


def _gamma(k: int) -> float:
    """γ_k = k·u/(1 − k·u): a sum of k terms is off by at most γ_k·Σ|terms| (Higham)."""
    return k * UNIT_ROUNDOFF / (1 - k * UNIT_ROUNDOFF)


def _forward_rounding(net: Network, x: np.ndarray) -> np.ndarray:
    """A bound on |computed − exact| of ``net(x)``, for any summation order.

    Layer l computes W·x + b with an error of at most γ_{k+2}·(|W|·|x| + |b|) (k inputs;
    one more rounding for a leaky slope), and passes earlier errors on through |W| (ReLU
    and leaky ReLU are 1-Lipschitz). So after L layers the error is at most L·γ_{k+2}·A(x),
    A being the network of |W| and |b| on |x| without activations (A bounds every |x_l|);
    1 % on top covers the second-order terms.
    """
    bound = np.abs(x)
    for layer in net.layers:
        bound = bound @ np.abs(layer.weight).T + np.abs(layer.bias)
    widest = max(layer.in_features for layer in net.layers)
    return 1.01 * len(net.layers) * _gamma(widest + 2) * bound


def _agree(net: Network, model: nn.Module, inputs: int = 1, seed: int = 0) -> None:
    """``net`` and ``model`` compute the same function: within rounding of each other."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(257, inputs, dtype=torch.float64, generator=gen) * 3
    with torch.no_grad():
        expected = model.double()(x).numpy()
    got = net.forward(x.numpy())
    assert got.shape == expected.shape
    assert np.all(np.abs(got - expected) <= 2 * _forward_rounding(net, x.numpy()))


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


def test_from_torch_refuses_parameters_without_numbers():
    with torch.device("meta"):
        meta = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1))
    with pytest.raises(ReluAnimError, match=re.escape("module[0].weight: a meta tensor (a shape without numbers)")):
        network_from_torch(meta)
    complex_model = nn.Sequential(nn.Linear(1, 2, dtype=torch.complex64))
    with pytest.raises(ReluAnimError, match=re.escape("module[0].weight: dtype torch.complex64 does not hold real")):
        network_from_torch(complex_model)


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
#
# OneLayer computes the least-squares output layer and the gradient of the projected loss
# with prefix sums; autograd through solve_output computes the same numbers another way.
# Neither is exact, and they differ by what rounding and the conditioning of the normal
# equations allow. So each is compared with the exact values, within an error bound
# computed here from the data. Both solve the ridge-regularised normal equations
# (G + ρI)θ = Hᵀy, ρ = 1e-12·mean(diag G) (solve_normal); "exact" is their exact solution
# θ_ρ. The equations are summed exactly (math.fsum) and each computed θ̂ is bounded a
# posteriori by its residual: ‖θ̂ − θ_ρ‖ ≤ ‖(G + ρI)θ̂ − Hᵀy‖ / (λ_min(G) + ρ).
# The rounding bounds are worst cases (Higham, "Accuracy and Stability of Numerical
# Algorithms": a sum of k terms is off by at most γ_k·Σ|terms|), so the tests hold for any
# summation order, vector width or thread count.

POINTS = 500
#: The training points of the one-layer tests: midpoints of 500 cells of [-1, 1], 0.004 apart.
U = (torch.arange(POINTS, dtype=torch.float64) * 2 + 1) / POINTS - 1
Y = torch.sin(3 * U) + U**2


def _units(kinks, scales, signs) -> tuple[torch.Tensor, torch.Tensor]:
    """First-layer weights and biases of units ReLU(s·c·(u − h))."""
    w = torch.tensor(np.multiply(signs, scales), dtype=torch.float64)
    return w[:, None], -w * torch.tensor(kinks, dtype=torch.float64)


def _both_ways(w: torch.Tensor, b: torch.Tensor):
    """(loss, θ, ∂w, ∂b) from the shortcut and from autograd, as numpy."""
    w1, b1 = w.clone().requires_grad_(), b.clone().requires_grad_()
    loss, theta = OneLayer(U, Y).evaluate(w1, b1, grad=True)
    shortcut = (loss, theta.numpy(), w1.grad.numpy()[:, 0], b1.grad.numpy())
    w2, b2 = w.clone().requires_grad_(), b.clone().requires_grad_()
    h = torch.relu(U[:, None] @ w2.T + b2)
    theta2 = solve_output(h.detach(), Y)
    reference = torch.mean((h @ theta2[:-1] + theta2[-1] - Y) ** 2)
    reference.backward()
    autograd = (float(reference.detach()), theta2.numpy(), w2.grad.numpy()[:, 0], b2.grad.numpy())
    return shortcut, autograd


def _fsum_rows(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    return np.array([math.fsum(row * vector) for row in matrix])


class _Exact:
    """The normal equations Gθ = Hᵀy of units (w, b) plus the constant feature, summed exactly.

    ``h_ij = ReLU(w_j·u_i + b_j)`` is off by at most 2u·size_j (size_j = |w_j| + |b_j|, as
    |u| ≤ 1), each product by u, and fsum rounds once: so G and Hᵀy here are within
    ``gram_error`` and ``rhs_error`` (Frobenius/2-norm) of the exact ones.
    """

    def __init__(self, w: torch.Tensor, b: torch.Tensor) -> None:
        u, self.y = U.numpy(), Y.numpy()
        weights = np.append(w.numpy()[:, 0], 0.0)  # the constant feature: a unit with w = 0, b = 1
        biases = np.append(b.numpy(), 1.0)
        self.h = np.maximum(np.outer(u, weights) + biases, 0.0)
        self.size = np.abs(weights) + np.abs(biases)
        n = len(self.size)
        self.gram = np.array([[math.fsum(self.h[:, j] * self.h[:, k]) for k in range(n)] for j in range(n)])
        self.rhs = _fsum_rows(self.h.T, self.y)
        self.gram_error = 7 * UNIT_ROUNDOFF * POINTS * np.sum(self.size**2)
        self.rhs_error = 5 * UNIT_ROUNDOFF * POINTS * np.max(np.abs(self.y)) * np.linalg.norm(self.size)
        # eigvalsh is backward stable: its eigenvalues are those of a matrix within c·n·u·‖G‖
        self.smallest = (np.linalg.eigvalsh(self.gram)[0] - self.gram_error
                         - 10 * n * UNIT_ROUNDOFF * np.linalg.norm(self.gram))
        self.ridge = 1e-12 * np.mean(np.diag(self.gram))

    def equation_error(self, theta: np.ndarray, ridge: float = 0.0) -> float:
        """A bound on ‖(G + ridge·I)θ − Hᵀy‖ for the exact G and Hᵀy, at a given θ."""
        residual = _fsum_rows(self.gram + ridge * np.eye(len(theta)), theta) - self.rhs
        rounding = 2 * UNIT_ROUNDOFF * np.linalg.norm(np.abs(self.gram) @ np.abs(theta) + np.abs(self.rhs))
        return (np.linalg.norm(residual) + rounding + self.gram_error * np.linalg.norm(theta)
                + self.rhs_error + ridge * 1e-6 * np.linalg.norm(theta))

    def residual_rounding(self, theta: np.ndarray) -> np.ndarray:
        """How far either way's r_i = (Hθ)_i − y_i (or A(u)·u + B(u) − y) is from the exact one at θ."""
        return 3 * _gamma(len(theta) + 4) * (np.abs(theta) @ self.size + np.abs(self.y))


def _error_bounds(exact: _Exact, theta: np.ndarray, units: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Bounds on |computed − exact| of ∂w, ∂b and the loss (at θ_ρ), for a way that computed θ̂."""
    assert exact.smallest > 0, "this case is not well conditioned: no bound on θ"
    dtheta = exact.equation_error(theta, exact.ridge) / (exact.smallest + exact.ridge)  # ‖θ̂ − θ_ρ‖
    dr = np.linalg.norm(exact.h, axis=1) * dtheta + exact.residual_rounding(theta)  # |r̂_i − r_i|
    r = np.abs(exact.h @ theta - exact.y) + exact.residual_rounding(theta)  # ≥ |r̂_i|
    active = exact.h[:, :units] > 0
    bounds = []
    for x in (np.abs(U.numpy()), np.ones(POINTS)):  # ∂w_j = (2/N)·θ_j·Σ_run r·u, ∂b_j = (2/N)·θ_j·Σ_run r
        # the run's sum as a difference of prefix sums, and the products scaling it
        rounding = 2 * _gamma(POINTS) * np.sum(r * x) + 4 * UNIT_ROUNDOFF * (active.T @ (x * r))
        bounds.append((2 / POINTS) * (np.abs(theta[:units]) * (active.T @ (x * dr) + rounding)
                                      + dtheta * (active.T @ (x * (r + dr)))))
    loss = np.mean(2 * r * dr + dr**2) + _gamma(POINTS) * np.mean(r * r)
    return bounds[0], bounds[1], loss


def _assert_within_bounds(w: torch.Tensor, b: torch.Tensor) -> tuple:
    """Shortcut and autograd each within their bound of the exact loss and gradient."""
    shortcut, autograd = _both_ways(w, b)
    exact = _Exact(w, b)
    (sw, sb, sl), (aw, ab, al) = (_error_bounds(exact, way[1], len(b)) for way in (shortcut, autograd))
    assert abs(shortcut[0] - autograd[0]) <= sl + al
    assert np.all(np.abs(shortcut[2] - autograd[2]) <= sw + aw)
    assert np.all(np.abs(shortcut[3] - autograd[3]) <= sb + ab)
    return autograd, (sw + aw, sb + ab, sl + al)


def test_one_layer_kinks_fall_between_training_points():
    """The cases below put kinks on multiples of 0.1, halfway between two training points."""
    for kink in np.arange(-10, 11) / 10:
        assert np.min(np.abs(U.numpy() - kink)) >= 0.002 - 1e-12


def test_one_layer_shortcut_matches_autograd():
    w, b = _units([-0.9, -0.5, -0.2, 0.2, 0.4, 0.7], [1.0, 0.6, 1.4, 0.8, 1.2, 2.0], [-1, 1, -1, 1, 1, -1])
    autograd, (bound_w, bound_b, bound_loss) = _assert_within_bounds(w, b)
    # the bounds are tight enough that a wrong gradient (a sign, a factor, a wrong run) fails
    assert np.all(bound_w < 1e-3 * np.abs(autograd[2])) and np.all(bound_b < 1e-3 * np.abs(autograd[3]))
    assert bound_loss < 1e-3 * autograd[0]


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    cells=st.lists(st.integers(-9, 9), min_size=1, max_size=8, unique=True),
    scales=st.lists(st.floats(0.25, 4.0), min_size=8, max_size=8),
    signs=st.lists(st.sampled_from([-1, 1]), min_size=8, max_size=8),
)
def test_one_layer_shortcut_matches_autograd_for_any_kinks(cells, scales, signs):
    n = len(cells)
    _assert_within_bounds(*_units(np.array(cells) / 10, scales[:n], signs[:n]))


def test_one_layer_shortcut_dead_and_constant_units():
    w, b = _units([-0.6, -0.1, 0.3, 0.5], [1.0, 2.0, 0.5, 1.5], [1, -1, 1, -1])
    # constant (w = 0, b > 0), dead (w = 0, b = 0), dead right of the data, dead left of it
    w = torch.cat([w, torch.tensor([[0.0], [0.0], [1.0], [-2.0]], dtype=torch.float64)])
    b = torch.cat([b, torch.tensor([0.5, 0.0, -5.0, -3.0], dtype=torch.float64)])
    lo, hi = OneLayer(U, Y).runs(w[:, 0], b)
    positive = (U[None, :] * w + b[:, None]) > 0  # run j: the points where unit j is positive
    for j in range(len(b)):
        assert torch.equal(torch.arange(lo[j], hi[j]), torch.nonzero(positive[j])[:, 0])
    assert (lo[4], hi[4]) == (0, POINTS) and all(lo[j] == hi[j] for j in (5, 6, 7))
    shortcut, autograd = _both_ways(w, b)
    for _, theta, grad_w, grad_b in (shortcut, autograd):  # a dead unit: no weight, no gradient
        assert np.all(theta[5:8] == 0) and np.all(grad_w[5:8] == 0) and np.all(grad_b[5:8] == 0)
    # The constant unit duplicates the output bias: G is singular, the ridge ρ splits the
    # constant between the two, and θ is ill-determined there. The fitted values are not:
    # H(θ̂ − θ_ρ) = H(G + ρI)⁻¹((G + ρI)θ̂ − Hᵀy), and ‖H(G + ρI)⁻¹‖ ≤ 1/(2√ρ).
    exact = _Exact(w, b)
    bounds = []
    for way in (shortcut, autograd):
        theta = way[1]
        off = (exact.equation_error(theta, exact.ridge) / (2 * np.sqrt(exact.ridge))
               + np.linalg.norm(exact.residual_rounding(theta)))  # ‖r̂ − r_ρ‖
        norm = np.linalg.norm(exact.h @ theta - exact.y) + off
        bounds.append((2 * norm * off + off**2) / POINTS + _gamma(POINTS) * way[0])
    assert abs(shortcut[0] - autograd[0]) <= sum(bounds)
    assert sum(bounds) < 1e-3 * autograd[0]


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
        (dict(units=3, steps=20_001), "steps: must be at most 20,000 (got 20,001)"),
        (dict(units=3, steps=2.5), "steps: must be a whole number"),
        (dict(units=0), "units: must be at least 1 (got 0)"),
        (dict(units=10**6), "units: 1,000,000 hidden units are more than the 1,000 that can be trained"),
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
