"""PyTorch in and out: import ``nn.Sequential`` models and state_dicts, and train networks.

This is the only module of :mod:`relu_anim` that imports torch. It converts
between :class:`~relu_anim.network.Network` and PyTorch (:func:`network_from_torch`,
:func:`network_to_torch`, :func:`network_from_state_dict`, :func:`load_state_dict`)
and trains small scalar networks on a target function (:func:`train`), with the
baseline a user would write for comparison (:func:`plain_adam_baseline`).

How :func:`train` gets close to the best possible fit
-----------------------------------------------------
Plain gradient descent from PyTorch's default initialisation leaves many ReLU
units dead (their kink outside the data, no gradient ever) and crawls towards
the optimum. :func:`train` instead

* puts every first-layer kink inside the data at the start: unit ``j`` is
  ``ReLU(x − h_j)`` with ``h_j`` the midpoint of the ``j``-th of ``n`` equal
  cells of the domain (deeper layers: He-scaled weights and biases putting each
  unit's kink at a quantile of its input on the data);
* solves the output layer exactly by least squares on the training points at
  every step (variable projection). The hidden layers follow the gradient of the
  loss with those output weights held fixed, which by the envelope theorem is the
  gradient of the projected loss; Adam with a cosine learning-rate decay moves them;
* at the end re-solves the output layer by continuous least squares on the
  domain (exact quadrature between the network's breakpoints) and keeps it when
  that lowers the mean squared error.

Everything is float64 and deterministic: same arguments, bit-identical weights.
Training runs on one CPU thread (small problems are faster that way and the
reductions are then always done in the same order).
"""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike
from typing import Any, Callable, Iterator, Sequence, Union

import numpy as np
import torch
from torch import nn

from ..construct import MAX_UNITS, check_units
from ..errors import ReluAnimError
from ..metrics import Function, mse, quadrature
from ..checks import check_domain
from ..network import ACTIVATIONS, Layer, Network
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar,
    TextColumn, TimeRemainingColumn)

__all__ = [
    "MAX_STEPS",
    "TrainResult",
    "network_from_torch",
    "network_to_torch",
    "network_from_state_dict",
    "load_state_dict",
    "train",
    "plain_adam_baseline",
]

#: More training steps than this is refused as a mistake.
MAX_STEPS = 1_000_000

_SUPPORTED = "Linear, ReLU, LeakyReLU, Identity"
_MULTI_KINK = ("ReLU6", "Hardtanh", "Hardshrink", "Softshrink", "Threshold", "RReLU")
_DTYPE = torch.float64

#: ``progress`` argument: None (a bar when stderr is a terminal), True/False, or a callable.
Progress = Union[None, bool, Callable[[int, float], Any]]


# --------------------------------------------------------------------------- import/export
def _numpy(tensor: Any) -> np.ndarray:
    return tensor.detach().to(device="cpu", dtype=_DTYPE).numpy().copy()


def _children(module: nn.Module, path: str) -> Iterator[tuple[str, nn.Module]]:
    """Leaf modules of nested ``nn.Sequential`` containers, with their paths."""
    for name, child in module.named_children():
        where = f"{path}[{name}]"
        if isinstance(child, nn.Sequential):
            yield from _children(child, where)
        else:
            yield where, child


def network_from_torch(module: nn.Module) -> Network:
    """Import an ``nn.Sequential`` of ``Linear``, ``ReLU``, ``LeakyReLU`` and ``Identity``.

    Each ``Linear`` becomes a :class:`~relu_anim.network.Layer`; the activation
    module right after it (if any) becomes that layer's activation. Nested
    ``nn.Sequential`` containers are flattened; ``Identity`` is skipped; a
    ``Linear`` without bias gets a zero bias. A single ``nn.Linear`` is accepted
    too.

    Parameters
    ----------
    module
        The model. Its parameters are copied as float64; the model is not changed.

    Returns
    -------
    Network

    Raises
    ------
    ReluAnimError
        Naming the module by its index (``module[3]``, ``module[1][0]`` when
        nested) for an unsupported module, an activation before any ``Linear``,
        two activations in a row, or a ``Linear`` whose input width does not
        match the previous one's output.

    Examples
    --------
    >>> model = nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1))
    >>> net = network_from_torch(model)
    >>> net.widths, [layer.activation for layer in net.layers]
    ([1, 3, 1], ['relu', 'linear'])
    >>> x = torch.linspace(-1, 1, 5, dtype=torch.float64)[:, None]
    >>> bool(np.allclose(net(x.numpy()), model.double()(x).detach().numpy()))
    True
    """
    if isinstance(module, nn.Linear):
        items: list[tuple[str, nn.Module]] = [("module", module)]
    elif isinstance(module, nn.Sequential):
        items = list(_children(module, "module"))
    else:
        raise ReluAnimError(
            f"module: expected an nn.Sequential of {_SUPPORTED}, got {type(module).__name__}"
        )
    specs: list[dict[str, Any]] = []
    for where, child in items:
        kind = type(child).__name__
        if isinstance(child, nn.Identity):
            continue
        if isinstance(child, nn.Linear):
            weight = _numpy(child.weight)
            bias = np.zeros(weight.shape[0]) if child.bias is None else _numpy(child.bias)
            if specs and weight.shape[1] != specs[-1]["weight"].shape[0]:
                prev = specs[-1]
                raise ReluAnimError(
                    f"{where}: Linear takes {weight.shape[1]} inputs but {prev['where']} "
                    f"has {prev['weight'].shape[0]} outputs"
                )
            specs.append({"where": where, "weight": weight, "bias": bias,
                          "activation": "linear", "negative_slope": 0.01, "act_at": None})
        elif isinstance(child, (nn.ReLU, nn.LeakyReLU)):
            if not specs:
                raise ReluAnimError(
                    f"{where}: {kind} comes before any Linear layer (an activation must follow a Linear)"
                )
            if specs[-1]["act_at"] is not None:
                raise ReluAnimError(
                    f"{where}: {kind} follows another activation ({specs[-1]['act_at']}); "
                    "put a Linear between two activations"
                )
            specs[-1]["act_at"] = where
            if isinstance(child, nn.LeakyReLU):
                specs[-1]["activation"] = "leaky_relu"
                specs[-1]["negative_slope"] = float(child.negative_slope)
            else:
                specs[-1]["activation"] = "relu"
        elif kind in _MULTI_KINK:
            raise ReluAnimError(
                f"{where}: {kind} has more than one kink; only activations with a single kink "
                f"at 0 are supported (supported: {_SUPPORTED})"
            )
        elif child.__class__.__module__ == "torch.nn.modules.activation":
            raise ReluAnimError(f"{where}: {kind} is not piecewise linear (supported: {_SUPPORTED})")
        else:
            raise ReluAnimError(f"{where}: {kind} is not supported (supported: {_SUPPORTED})")
    if not specs:
        raise ReluAnimError(f"module: has no Linear layer (supported: {_SUPPORTED})")
    return Network(
        Layer(s["weight"], s["bias"], s["activation"], s["negative_slope"], name=s["where"])
        for s in specs
    )


def network_to_torch(net: Network) -> nn.Sequential:
    """Export ``net`` as a float64 ``nn.Sequential`` computing the same function.

    Each layer becomes an ``nn.Linear``, followed by ``nn.ReLU()`` or
    ``nn.LeakyReLU(negative_slope)`` when it has that activation. No random
    numbers are drawn (the layers are created uninitialised, then filled).

    Examples
    --------
    >>> from relu_anim.construct import shifted_relu_sum
    >>> model = network_to_torch(shifted_relu_sum([1.0, 2.0], [0.0, 1.0]))
    >>> model
    Sequential(
      (0): Linear(in_features=1, out_features=2, bias=True)
      (1): ReLU()
      (2): Linear(in_features=2, out_features=1, bias=True)
    )
    >>> model(torch.tensor([[2.0]], dtype=torch.float64)).item()
    4.0
    """
    if not isinstance(net, Network):
        raise ReluAnimError(f"network: expected a Network, got {type(net).__name__}")
    modules: list[nn.Module] = []
    for layer in net.layers:
        linear = nn.utils.skip_init(nn.Linear, layer.in_features, layer.out_features, dtype=_DTYPE)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.array(layer.weight)))
            linear.bias.copy_(torch.from_numpy(np.array(layer.bias)))
        modules.append(linear)
        if layer.activation == "relu":
            modules.append(nn.ReLU())
        elif layer.activation == "leaky_relu":
            modules.append(nn.LeakyReLU(layer.negative_slope))
    return nn.Sequential(*modules)


def _check_activation(activation: str, negative_slope: float) -> tuple[str, float]:
    if activation not in ACTIVATIONS:
        raise ReluAnimError(
            f"activation: unknown activation {activation!r} (expected one of {', '.join(ACTIVATIONS)})"
        )
    try:
        slope = float(negative_slope)
    except (TypeError, ValueError):
        raise ReluAnimError(f"negative_slope: must be a number (got {negative_slope!r})") from None
    if not math.isfinite(slope):
        raise ReluAnimError(f"negative_slope: must be finite (got {slope})")
    return activation, slope


def network_from_state_dict(state: Mapping[str, Any], activation: str = "relu",
                            negative_slope: float = 0.01) -> Network:
    """Build a network from the ``state_dict`` of an ``nn.Sequential`` MLP.

    The keys are ``<prefix><index>.weight`` and ``<prefix><index>.bias``
    (``0.weight``, ``2.weight``, … or ``net.0.weight``, ``model.net.2.bias``, …):
    the Linear layers, taken in numeric order of their index. Keys without an
    index (``fc1.weight``, ``fc2.weight``, as in a hand-written module) are taken
    in the state_dict's own order, which is the order the layers were defined in.
    A missing bias is a zero bias. A state_dict does not record activations:
    ``activation`` goes between the layers and the last layer is linear.

    Parameters
    ----------
    state
        Mapping from key to tensor (or numpy array).
    activation
        ``"relu"``, ``"leaky_relu"`` or ``"linear"``, for every hidden layer.
    negative_slope
        For ``leaky_relu``.

    Raises
    ------
    ReluAnimError
        Naming the key: not a mapping of tensors, no ``.weight`` key, a key that
        is not a weight or bias, a weight that is not 2-D, a bias whose length
        does not match, consecutive layers whose shapes do not chain,
        non-finite numbers.

    Examples
    --------
    >>> model = nn.Sequential(nn.Linear(1, 4), nn.ReLU(), nn.Linear(4, 1))
    >>> net = network_from_state_dict(model.state_dict())
    >>> net.widths, [layer.activation for layer in net.layers]
    ([1, 4, 1], ['relu', 'linear'])
    """
    activation, negative_slope = _check_activation(activation, negative_slope)
    if not isinstance(state, Mapping):
        raise ReluAnimError(f"state_dict: expected a dict of tensors, got {type(state).__name__}")
    groups: dict[str, dict[str, tuple[str, np.ndarray]]] = {}
    for key, value in state.items():
        if not isinstance(key, str):
            raise ReluAnimError(f"state_dict: keys must be strings (got {key!r})")
        if isinstance(value, torch.Tensor):
            array = None if value.is_complex() else _numpy(value)
        elif isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
            array = value.astype(float)
        else:
            array = None
        if array is None:
            raise ReluAnimError(
                f"{key}: expected a tensor of real numbers, got {type(value).__name__} "
                "(a state_dict is a dict of tensors)"
            )
        path, _, leaf = key.rpartition(".")
        if leaf not in ("weight", "bias"):
            raise ReluAnimError(
                f"{key}: not a Linear layer's weight or bias (only Linear layers are supported)"
            )
        groups.setdefault(path, {})[leaf] = (key, array)
    if not any("weight" in group for group in groups.values()):
        raise ReluAnimError("state_dict: no '.weight' keys (expected keys like 0.weight, 0.bias, 2.weight)")
    paths = list(groups)
    numbered = {p: re.fullmatch(r"(.*?)(\d+)", p) for p in paths}
    matches = [m for m in numbered.values() if m is not None]
    if len(matches) == len(paths) and len({m.group(1) for m in matches}) == 1:
        paths.sort(key=lambda p: int(numbered[p].group(2)))  # type: ignore[union-attr]
    layers: list[Layer] = []
    previous: tuple[str, np.ndarray] | None = None
    for i, path in enumerate(paths):
        group = groups[path]
        if "weight" not in group:
            key = group["bias"][0]
            missing = f"{path}.weight" if path else "weight"
            raise ReluAnimError(f"{key}: a bias without a weight ({missing} is missing)")
        wkey, weight = group["weight"]
        if weight.ndim != 2:
            raise ReluAnimError(f"{wkey}: a Linear weight must be 2-D, got shape {tuple(weight.shape)}")
        if 0 in weight.shape:
            raise ReluAnimError(f"{wkey}: empty weight of shape {tuple(weight.shape)}")
        if "bias" in group:
            bkey, bias = group["bias"]
            if bias.shape != (weight.shape[0],):
                raise ReluAnimError(
                    f"{bkey}: shape {tuple(bias.shape)} does not match {wkey}'s "
                    f"{weight.shape[0]} rows (expected ({weight.shape[0]},))"
                )
            if not np.all(np.isfinite(bias)):
                raise ReluAnimError(f"{bkey}: contains non-finite numbers")
        else:
            bkey, bias = wkey, np.zeros(weight.shape[0])
        if not np.all(np.isfinite(weight)):
            raise ReluAnimError(f"{wkey}: contains non-finite numbers")
        if previous is not None and weight.shape[1] != previous[1].shape[0]:
            raise ReluAnimError(
                f"{wkey}: takes {weight.shape[1]} inputs but {previous[0]} has "
                f"{previous[1].shape[0]} rows (shapes {tuple(previous[1].shape)} then {tuple(weight.shape)})"
            )
        previous = (wkey, weight)
        last = i == len(paths) - 1
        layers.append(Layer(weight, bias, "linear" if last else activation, negative_slope, name=wkey))
    return Network(layers)


def load_state_dict(path: str | PathLike[str], activation: str = "relu",
                    negative_slope: float = 0.01) -> Network:
    """Load a file written by ``torch.save(model.state_dict(), path)`` as a network.

    The file is read with ``torch.load(path, map_location="cpu", weights_only=True)``:
    no code in it runs. A checkpoint ``{"state_dict": ...}`` or ``{"model": ...}``
    holding the state_dict is unwrapped. See :func:`network_from_state_dict` for
    the layout and the activation.

    Raises
    ------
    ReluAnimError
        One line naming the file when it is missing, not a torch file, holds
        something other than weights (a whole pickled model: save
        ``model.state_dict()`` instead), or is not a valid MLP state_dict.

    Examples
    --------
    >>> import tempfile, os
    >>> model = nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     file = os.path.join(tmp, "mlp.pt")
    ...     torch.save(model.state_dict(), file)
    ...     load_state_dict(file).widths
    [1, 2, 1]
    """
    activation, negative_slope = _check_activation(activation, negative_slope)
    name = str(path)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise ReluAnimError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise ReluAnimError(f"{name}: is a directory, not a state_dict file") from None
    except Exception as err:  # noqa: BLE001 - torch raises many kinds for a bad file
        text = str(err).strip()
        if "Weights only load failed" in text or "weights_only" in text:
            reason = ("holds objects other than tensors (save model.state_dict(), "
                      "not the model, and load it with weights only)")
        else:
            first = text.splitlines()[0] if text else type(err).__name__
            reason = f"not a torch state_dict file ({first})"
        raise ReluAnimError(f"{name}: {reason}") from None
    if isinstance(state, Mapping) and len(state) >= 1:
        for wrapper in ("state_dict", "model"):
            if wrapper in state and isinstance(state[wrapper], Mapping):
                state = state[wrapper]
                break
    if not isinstance(state, Mapping):
        raise ReluAnimError(f"{name}: holds a {type(state).__name__}, not a state_dict")
    try:
        return network_from_state_dict(state, activation, negative_slope)
    except ReluAnimError as err:
        raise ReluAnimError(f"{name}: {err}") from None


# --------------------------------------------------------------------------------- training
@dataclass(frozen=True, eq=False)
class TrainResult:
    """What :func:`train` and :func:`plain_adam_baseline` return.

    Attributes
    ----------
    network
        The trained network, in the domain's own coordinates.
    losses
        ``losses[k]`` is the mean squared error on the training points after
        ``k`` updates, for ``k = 0 … steps`` (``steps + 1`` entries, float64);
        the last entry is the returned network's.
    history
        Snapshots ``{"step": k, "loss": …, "layers": [...]}`` (layers as
        :meth:`Layer.to_dict <relu_anim.network.Layer.to_dict>`), steps
        increasing from 0 to ``steps``; empty unless asked for.
    seconds
        Wall-clock time of the training.
    """

    network: Network
    losses: np.ndarray
    history: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


class _Reporter:
    """Calls ``progress(step, loss)``, or drives a rich bar on stderr, or nothing."""

    def __init__(self, progress: Progress, steps: int, label: str) -> None:
        self.callback: Callable[[int, float], Any] | None = None
        self.bar: Any = None
        self.every = max(1, steps // 200)
        self.steps = steps
        if callable(progress):
            self.callback = progress
        elif progress is True or (progress is None and sys.stderr.isatty()):
            self.bar = Bar(TextColumn(label), BarColumn(), MofNCompleteColumn(),
                           TextColumn("loss {task.fields[loss]:.3e}"), TimeRemainingColumn(),
                           console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task(label, total=steps, loss=float("nan"))
            self.bar.start()
        elif progress not in (None, False):
            raise ReluAnimError(f"progress: expected None, True, False or a callable (got {progress!r})")

    def __call__(self, step: int, loss: float) -> None:
        if self.callback is not None:
            self.callback(step, loss)
        elif self.bar is not None and (step % self.every == 0 or step == self.steps):
            self.bar.update(self.task, completed=step, loss=loss)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


class _Adam:
    """Adam (Kingma & Ba), as ``torch.optim.Adam`` with default betas and eps.

    Written out because constructing ``torch.optim.Adam`` imports ``torch._dynamo``,
    which takes seconds, once per process: too long for a command-line fit.
    """

    def __init__(self, params: list[torch.Tensor], betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:
        self.params = params
        self.betas, self.eps = betas, eps
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.t = 0

    @torch.no_grad()
    def step(self, lr: float) -> None:
        self.t += 1
        beta1, beta2 = self.betas
        correction1 = 1 - beta1**self.t
        correction2 = 1 - beta2**self.t
        for p, m, v in zip(self.params, self.m, self.v):
            if p.grad is None:
                continue
            m.lerp_(p.grad, 1 - beta1)
            v.mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
            denom = (v / correction2).sqrt_().add_(self.eps)
            p.addcdiv_(m, denom, value=-lr / correction1)


class _single_thread:
    """Run torch on one thread inside the block (deterministic reductions, less overhead)."""

    def __enter__(self) -> None:
        self.threads = torch.get_num_threads()
        torch.set_num_threads(1)

    def __exit__(self, *exc: object) -> None:
        torch.set_num_threads(self.threads)


def _check_steps(steps: int) -> int:
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)):
        raise ReluAnimError(f"steps: must be a whole number (got {steps!r})")
    if not 1 <= steps <= MAX_STEPS:
        raise ReluAnimError(f"steps: must be from 1 to {MAX_STEPS:,} (got {steps})")
    return int(steps)


def _check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
        raise ReluAnimError(f"seed: must be a whole number from 0 to 2**63 - 1 (got {seed!r})")
    return int(seed)


def _check_widths(units: int | None, widths: Sequence[int] | None) -> list[int]:
    if (units is None) == (widths is None):
        raise ReluAnimError(
            "units/widths: give exactly one: units=n (one hidden layer of n units) "
            "or widths=[...] (the hidden widths)"
        )
    if units is not None:
        return [check_units(units)]
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence):
        raise ReluAnimError(f"widths: expected a list of hidden widths (got {widths!r})")
    out = []
    for i, w in enumerate(widths):
        if isinstance(w, bool) or not isinstance(w, (int, np.integer)) or w < 1:
            raise ReluAnimError(f"widths[{i}]: must be a positive whole number (got {w!r})")
        if w > MAX_UNITS:
            raise ReluAnimError(f"widths[{i}]: {w} is more than the {MAX_UNITS} supported")
        out.append(int(w))
    return out


def _check_domain(domain: Any) -> tuple[float, float]:
    try:
        a, b = domain
    except (TypeError, ValueError):
        raise ReluAnimError(f"domain: expected (a, b) (got {domain!r})") from None
    return check_domain(a, b)


def _evaluate(target: Function, x: np.ndarray, a: float, b: float) -> np.ndarray:
    """``target(x)`` as a float array of x's shape, refusing non-finite values."""
    if not callable(target):
        raise ReluAnimError(f"target: expected a function of x (got {type(target).__name__})")
    with np.errstate(all="ignore"):
        try:
            y = np.broadcast_to(np.asarray(target(x), dtype=float), x.shape).copy()
        except (TypeError, ValueError) as err:
            if isinstance(err, ReluAnimError):
                raise
            raise ReluAnimError(f"target: does not give one number per x ({err})") from None
    if not np.all(np.isfinite(y)):
        raise ReluAnimError(f"target: not finite on [{a:g}, {b:g}]")
    return y


def _training_points(a: float, b: float, count: int) -> np.ndarray:
    """Midpoints of ``count`` equal cells: equal weights give the midpoint rule for ∫."""
    return a + (b - a) * (np.arange(count) + 0.5) / count


def _snapshot_steps(steps: int, points: int) -> set[int]:
    """About ``points`` log-spaced steps from 0 to ``steps``, both included."""
    want = min(points, steps + 1)
    if want <= 2:
        return {0, steps}
    count = want - 1  # geomspace(1, steps, ·) ends at steps; 0 comes on top
    while True:  # small steps coincide after rounding: ask for more until there are enough
        chosen = {0, steps, *np.round(np.geomspace(1, steps, count)).astype(int).tolist()}
        if len(chosen) >= want:
            return chosen
        count += want - len(chosen)


def _solve_normal(gram: torch.Tensor, rhs: torch.Tensor) -> torch.Tensor | None:
    """Solve ``gram @ θ = rhs`` by Cholesky with a relative ridge of 1e-12 (dead units)."""
    ridge = 1e-12 * (torch.diagonal(gram).mean() + 1e-300)
    gram = gram + ridge * torch.eye(gram.shape[0], dtype=gram.dtype)
    chol, info = torch.linalg.cholesky_ex(gram)
    if int(info) != 0:
        return None
    return torch.cholesky_solve(rhs[:, None], chol)[:, 0]


def _solve_output(features: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Least-squares output weights and bias (last entry) for ``features``, exactly.

    Normal equations solved by Cholesky; a rank-revealing solver if that fails.
    """
    design = torch.cat([features, torch.ones_like(features[:, :1])], dim=1)
    theta = _solve_normal(design.T @ design, design.T @ y)
    if theta is None:
        theta = torch.linalg.lstsq(design, y[:, None], driver="gelsd").solution[:, 0]
    return theta


class _OneLayer:
    """Exact least squares and gradient for one hidden layer in O(N + n²), not O(N·n²).

    On sorted points each unit ``ReLU(w·u + b)`` is active on a run of consecutive
    points (one side of its kink), and so is any product of two units. So every
    entry of the normal equations is ``w_j w_k Σu² + (w_j b_k + w_k b_j) Σu + b_j b_k Σ1``
    over a run, read off prefix sums; the prediction is ``A(u)·u + B(u)`` with
    ``A, B`` changing only at run ends (a cumulative sum); and the gradient of the
    loss for unit ``j`` is ``θ_j`` times the sums of ``r`` and ``r·u`` over its run.
    The constant feature is a unit with ``w = 0, b = 1``.
    """

    def __init__(self, u: torch.Tensor, y: torch.Tensor) -> None:
        self.u, self.y = u, y
        self.p = [_prefix(torch.ones_like(u)), _prefix(u), _prefix(u * u)]
        self.q = [_prefix(y), _prefix(u * y)]

    def runs(self, w: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``[lo, hi)``: the points where ``w·u + b > 0``, per unit."""
        n = len(self.u)
        kink = -b / torch.where(w != 0, w, torch.ones_like(w))
        after = torch.searchsorted(self.u, kink, right=True)  # first point with u > kink
        before = torch.searchsorted(self.u, kink)  # number of points with u < kink
        lo = torch.where(w > 0, after, torch.zeros_like(after))
        hi = torch.where(w > 0, torch.full_like(after, n),
                         torch.where(w < 0, before, torch.where(b > 0, n, 0)))
        return lo, torch.maximum(hi, lo)

    def evaluate(self, weight: torch.Tensor, bias: torch.Tensor,
                 grad: bool) -> tuple[float, torch.Tensor] | None:
        """Loss with the exact LS output; sets the gradients; returns (loss, θ) or None."""
        n = len(self.u)
        w = torch.cat([weight.detach()[:, 0], torch.zeros(1, dtype=_DTYPE)])
        b = torch.cat([bias.detach(), torch.ones(1, dtype=_DTYPE)])
        lo, hi = self.runs(w, b)
        lo2 = torch.maximum(lo[:, None], lo[None, :])
        hi2 = torch.maximum(torch.minimum(hi[:, None], hi[None, :]), lo2)
        s0, s1, s2 = (p[hi2] - p[lo2] for p in self.p)
        wb = w[:, None] * b[None, :]
        gram = (w[:, None] * w[None, :]) * s2 + (wb + wb.T) * s1 + (b[:, None] * b[None, :]) * s0
        rhs = w * (self.q[1][hi] - self.q[1][lo]) + b * (self.q[0][hi] - self.q[0][lo])
        theta = _solve_normal(gram, rhs)
        if theta is None:
            return None
        slope = torch.zeros(n + 1, dtype=_DTYPE)
        slope.index_add_(0, lo, theta * w).index_add_(0, hi, -theta * w)
        offset = torch.zeros(n + 1, dtype=_DTYPE)
        offset.index_add_(0, lo, theta * b).index_add_(0, hi, -theta * b)
        residual = torch.cumsum(slope, 0)[:n] * self.u + torch.cumsum(offset, 0)[:n] - self.y
        loss = float(torch.mean(residual * residual))
        if grad:
            r0, r1 = _prefix(residual), _prefix(residual * self.u)
            scale = (2.0 / n) * theta[:-1]
            lo, hi = lo[:-1], hi[:-1]
            weight.grad = (scale * (r1[hi] - r1[lo]))[:, None]
            bias.grad = scale * (r0[hi] - r0[lo])
        return loss, theta


def _prefix(values: torch.Tensor) -> torch.Tensor:
    """``[0, v₀, v₀+v₁, …]``: sums over runs ``[lo, hi)`` are ``p[hi] − p[lo]``."""
    return torch.cat([torch.zeros(1, dtype=values.dtype), torch.cumsum(values, 0)])


class _Model:
    """The network being trained, in normalised coordinates.

    Input ``u = (x − c)/s`` spans [−1, 1]; the output is the target standardised,
    ``(y − μ)/σ``. :meth:`network` folds both back into the weights.
    """

    def __init__(self, widths: list[int], u: torch.Tensor, y: torch.Tensor, solve_output: bool,
                 generator: torch.Generator) -> None:
        self.u, self.y = u, y
        self.params: list[tuple[torch.Tensor, torch.Tensor]] = []
        h = u[:, None]
        fan_in = 1
        for k, width in enumerate(widths):
            if k == 0:  # ReLU(u − h_j), h_j the midpoints of `width` equal cells
                weight = torch.ones(width, 1, dtype=_DTYPE)
                bias = -(-1.0 + (2.0 * torch.arange(width, dtype=_DTYPE) + 1.0) / width)
            else:  # He-scaled weights; each kink at a quantile of its input on the data
                weight = torch.randn(width, fan_in, dtype=_DTYPE, generator=generator)
                weight *= math.sqrt(2.0 / fan_in)
                z = h @ weight.T
                q = 0.1 + 0.8 * (torch.arange(width, dtype=_DTYPE) + 0.5) / width
                bias = -torch.stack([torch.quantile(z[:, j], q[j]) for j in range(width)])
            self.params.append((weight, bias))
            h = torch.relu(h @ weight.T + bias)
            fan_in = width
        bound = 1.0 / math.sqrt(fan_in)  # PyTorch's default for a Linear layer
        out_w = (torch.rand(1, fan_in, dtype=_DTYPE, generator=generator) * 2 - 1) * bound
        out_b = (torch.rand(1, dtype=_DTYPE, generator=generator) * 2 - 1) * bound
        self.output = (out_w, out_b)
        self.solve_output = solve_output
        self.one_layer = _OneLayer(u, y) if solve_output and len(widths) == 1 else None
        for weight, bias in self.trainable():
            weight.requires_grad_(True)
            bias.requires_grad_(True)

    def trainable(self) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """The parameters Adam moves: hidden layers, and the output unless it is solved."""
        return self.params if self.solve_output else self.params + [self.output]

    def evaluate(self, grad: bool) -> float:
        """Loss at the current parameters (output solved first if asked); sets gradients."""
        if self.one_layer is not None:
            found = self.one_layer.evaluate(*self.params[0], grad)
            if found is not None:
                loss, theta = found
                self.output = (theta[None, :-1], theta[-1:])
                return loss
        with torch.set_grad_enabled(grad):
            h = self.u[:, None]
            for weight, bias in self.params:
                h = torch.relu(h @ weight.T + bias)
            if self.solve_output:  # θ held fixed (detached): envelope theorem
                theta = _solve_output(h.detach(), self.y)
                self.output = (theta[None, :-1], theta[-1:])
            weight, bias = self.output
            loss = torch.mean(((h @ weight.T + bias)[:, 0] - self.y) ** 2)
            if grad:
                for pair in self.trainable():
                    for p in pair:
                        p.grad = None
                loss.backward()
        return float(loss.detach())

    def network(self, center: float, scale: float, mean: float, std: float) -> Network:
        """The model in the domain's coordinates, first-layer units as ReLU(±(x − h))."""
        arrays = [[_numpy(w), _numpy(b)] for w, b in self.params + [self.output]]
        w0, b0 = arrays[0]
        arrays[0] = [w0 / scale, b0 - w0[:, 0] * center / scale]
        wl, bl = arrays[-1]
        arrays[-1] = [wl * std, bl * std + mean]
        if len(arrays) > 1:  # |w| = 1 in the first layer, the scale moved into the next
            w0, b0 = arrays[0]
            size = np.abs(w0[:, 0])
            size = np.where(size > 0, size, 1.0)
            arrays[0] = [w0 / size[:, None], b0 / size]
            arrays[1][0] = arrays[1][0] * size[None, :]
        last = len(arrays) - 1
        return Network(
            Layer(w, b + 0.0, "linear" if k == last else "relu", name=f"layers[{k}]")
            for k, (w, b) in enumerate(arrays)
        )


def _continuous_output(net: Network, target: Function, a: float, b: float) -> Network | None:
    """``net`` with its output layer the continuous least-squares best on [a, b].

    Every hidden feature is linear between the network's activation-region
    breakpoints, so Gauss–Legendre panels that do not straddle them integrate
    exactly for polynomial targets. None if the target misbehaves at the nodes.
    """
    f = net.piecewise(a, b)
    knots = np.concatenate([[a], f.region_breakpoints, [b]])
    x, w, _ = quadrature(knots, panels=max(256, 4 * len(knots)))
    with np.errstate(all="ignore"):
        y = np.asarray(target(x), dtype=float) * np.ones_like(x)
    if not np.all(np.isfinite(y)):
        return None
    h = x[:, None]
    for layer in net.layers[:-1]:
        h = layer(h)
    design = np.column_stack([h, np.ones_like(x)]) * np.sqrt(w)[:, None]
    theta = np.linalg.lstsq(design, y * np.sqrt(w), rcond=None)[0]
    output = Layer(theta[None, :-1], theta[-1:], "linear", name=f"layers[{len(net.layers) - 1}]")
    return Network(net.layers[:-1] + (output,))


def train(target: Function, domain: tuple[float, float], units: int | None = None, *,
          widths: Sequence[int] | None = None, steps: int = 3000, seed: int = 0,
          history: bool = False, history_points: int = 40, solve_output: bool = True,
          lr: float | None = None, progress: Progress = None) -> TrainResult:
    """Fit a ReLU network to ``target`` on ``domain`` by training, deterministically.

    Parameters
    ----------
    target
        A vectorised function of a float array (``lambda x: x**2``, a parsed
        :class:`~relu_anim.target.Target`).
    domain
        ``(a, b)``, ``a < b``.
    units
        One hidden layer of ``units`` ReLU units and a linear output.
    widths
        Instead of ``units``: the hidden widths, any depth (``[8, 8]``); ``[]``
        is a single linear layer. Give exactly one of ``units`` and ``widths``.
    steps
        Number of updates (full batch), 1 to 1,000,000.
    seed
        Seeds ``torch.manual_seed`` and the generator drawing the initial
        weights of deeper layers: same arguments, bit-identical weights.
    history, history_points
        Record about ``history_points`` log-spaced snapshots, the first at step
        0 and the last at ``steps`` (the returned network).
    solve_output
        True: the output layer is solved exactly by least squares at every step
        and only the hidden layers are trained (Adam, cosine decay), then the
        output layer is re-solved in the continuous L² sense if that is better.
        False: plain Adam on all parameters (a linear layer swinging on x²).
    lr
        Adam's initial learning rate, in coordinates where the domain is
        [−1, 1] and the target is standardised. Default: ``0.1/(largest width)``
        capped at 0.01 with ``solve_output``, 0.01 without.
    progress
        None: a rich progress bar on stderr when it is a terminal. False: quiet.
        True: always a bar. A callable: called as ``progress(step, loss)`` for
        ``step = 0 … steps``.

    Returns
    -------
    TrainResult
        The network in the domain's coordinates, with first-layer units written
        ``ReLU(±(x − h))`` (``|w| = 1``, the scale moved into the next layer).

    Raises
    ------
    ReluAnimError
        For bad ``steps``, ``seed``, ``units``, ``widths``, ``domain``, ``lr``,
        ``history_points`` or ``progress``, or a target not finite on the domain.

    Examples
    --------
    >>> from relu_anim.metrics import mse, x2_optimal_mse
    >>> result = train(lambda x: x**2, (0, 2), 2, steps=300, progress=False)
    >>> f = result.network.piecewise(0, 2)
    >>> len(f.breakpoints), bool(mse(f, lambda x: x**2) < 1.1 * x2_optimal_mse(2))
    (2, True)
    """
    steps = _check_steps(steps)
    seed = _check_seed(seed)
    hidden = _check_widths(units, widths)
    a, b = _check_domain(domain)
    if isinstance(history_points, bool) or not isinstance(history_points, (int, np.integer)) \
            or not 2 <= history_points <= 100_000:
        raise ReluAnimError(f"history_points: must be a whole number from 2 to 100000 (got {history_points!r})")
    if lr is None:
        lr = min(0.01, 0.1 / max(hidden)) if (solve_output and hidden) else 0.01
    elif isinstance(lr, bool) or not isinstance(lr, (int, float)) or not (math.isfinite(lr) and lr > 0):
        raise ReluAnimError(f"lr: must be a positive number (got {lr!r})")
    count = int(min(max(2000, 20 * sum(hidden)), 200_000))
    x = _training_points(a, b, count)
    y = _evaluate(target, x, a, b)
    _evaluate(target, np.array([a, b]), a, b)
    center, scale = 0.5 * (a + b), 0.5 * (b - a)
    mean = float(np.mean(y))
    std = float(np.std(y))
    std = std if std > 1e-300 else 1.0

    snapshots = _snapshot_steps(steps, history_points) if history else set()
    losses = np.empty(steps + 1)
    records: list[dict[str, Any]] = []
    reporter = _Reporter(progress, steps, "training")
    start = time.perf_counter()
    try:
        with _single_thread():
            torch.manual_seed(seed)
            generator = torch.Generator().manual_seed(seed)
            u = torch.from_numpy((x - center) / scale)
            yn = torch.from_numpy((y - mean) / std)
            model = _Model(hidden, u, yn, solve_output, generator)
            params = [p for pair in model.trainable() for p in pair]
            optimiser = _Adam(params) if params else None
            for step in range(steps + 1):
                if optimiser is None and step > 0:  # nothing to train: the LS line stays
                    value = float(losses[0])
                else:
                    value = model.evaluate(grad=optimiser is not None and step < steps) * std * std
                losses[step] = value
                if step in snapshots:
                    records.append({"step": step, "loss": value,
                                    "layers": model.network(center, scale, mean, std).to_dict()["layers"]})
                reporter(step, value)
                if step == steps or optimiser is None:
                    continue
                # cosine decay from lr to 1 % of lr
                optimiser.step(lr * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * step / steps))))
            net = model.network(center, scale, mean, std)
    finally:
        reporter.close()
    if solve_output:
        best = mse(net.piecewise(a, b), target)
        candidate = _continuous_output(net, target, a, b)
        if candidate is not None and mse(candidate.piecewise(a, b), target) < best:
            net = candidate
            losses[-1] = float(np.mean((net(x) - y) ** 2))
            if records and records[-1]["step"] == steps:
                records[-1] = {"step": steps, "loss": float(losses[-1]),
                               "layers": net.to_dict()["layers"]}
    return TrainResult(net, losses, records, time.perf_counter() - start)


def plain_adam_baseline(target: Function, domain: tuple[float, float], units: int, *,
                        steps: int = 3000, seed: int = 0, lr: float = 1e-3,
                        progress: Progress = False) -> TrainResult:
    """What a user would write: default-initialised 1-n-1 ReLU MLP, Adam, MSE, full batch.

    ``nn.Sequential(nn.Linear(1, n), nn.ReLU(), nn.Linear(n, 1))`` in float64
    after ``torch.manual_seed(seed)``, trained on the same points as
    :func:`train` in the domain's raw coordinates. For the benchmark's baseline.

    Examples
    --------
    >>> result = plain_adam_baseline(lambda x: x**2, (0, 2), 3, steps=50)
    >>> result.network.widths, len(result.losses)
    ([1, 3, 1], 51)
    """
    steps = _check_steps(steps)
    seed = _check_seed(seed)
    n = check_units(units)
    a, b = _check_domain(domain)
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not (math.isfinite(lr) and lr > 0):
        raise ReluAnimError(f"lr: must be a positive number (got {lr!r})")
    count = int(min(max(2000, 20 * n), 200_000))
    x = _training_points(a, b, count)
    y = _evaluate(target, x, a, b)
    losses = np.empty(steps + 1)
    reporter = _Reporter(progress, steps, "plain Adam")
    start = time.perf_counter()
    try:
        with _single_thread():
            torch.manual_seed(seed)
            model = nn.Sequential(nn.Linear(1, n, dtype=_DTYPE), nn.ReLU(), nn.Linear(n, 1, dtype=_DTYPE))
            xt = torch.from_numpy(x)[:, None]
            yt = torch.from_numpy(y)[:, None]
            optimiser = torch.optim.Adam(model.parameters(), lr=lr)
            for step in range(steps + 1):
                loss = nn.functional.mse_loss(model(xt), yt)
                losses[step] = float(loss.detach())
                reporter(step, losses[step])
                if step == steps:
                    break
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                optimiser.step()
    finally:
        reporter.close()
    return TrainResult(network_from_torch(model), losses, [], time.perf_counter() - start)
