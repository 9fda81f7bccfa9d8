"""Training small scalar networks on a target function, deterministically.

:func:`train` fits a ReLU network to a target on a domain; :func:`plain_adam_baseline`
is what a user would write instead, for comparison.

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
  every step (variable projection, :mod:`.least_squares`). The hidden layers
  follow the gradient of the loss with those output weights held fixed, which by
  the envelope theorem is the gradient of the projected loss; Adam with a cosine
  learning-rate decay moves them;
* at the end re-solves the output layer by continuous least squares on the
  domain (exact between the network's breakpoints, quadrature only for the
  target) and keeps it when that lowers the mean squared error.

Limits
------
Every run the limits allow takes at most about a minute of one core and well
under 2 GB (measured: at most 40 s of CPU and 0.8 GB), and past them a run is
refused before it starts, in one line: at most :data:`MAX_STEPS` steps,
:data:`MAX_TRAIN_UNITS` hidden units in all, :data:`MAX_TRAIN_WORK` estimated
multiply-adds (``(steps + 1) ×`` :func:`training_work`: big networks get fewer
steps) and :data:`MAX_HISTORY_POINTS` snapshots.

Everything is float64 and deterministic: same arguments, bit-identical weights.
Training runs on one CPU thread (small problems are faster that way and the
reductions are then always done in the same order).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import torch
from torch import nn

from ..checks import check_domain, check_whole
from ..construct import MAX_UNITS
from ..errors import ReluAnimError
from ..metrics import Function, mse
from ..network import Layer, Network
from .convert import network_from_torch
from .least_squares import OneLayer, continuous_output, solve_output
from .progress import Progress, Reporter
from .tensors import DTYPE, to_numpy

__all__ = [
    "MAX_HISTORY_POINTS",
    "MAX_STEPS",
    "MAX_TRAIN_UNITS",
    "MAX_TRAIN_WORK",
    "TrainResult",
    "train",
    "training_work",
    "plain_adam_baseline",
]

#: Most training steps (full-batch updates): about 20 s of one core at one unit.
MAX_STEPS = 20_000
#: Most hidden units, all layers together, that train and plain_adam_baseline fit
#: (:func:`relu_anim.construct.construct` builds up to ``MAX_UNITS``). The training
#: points are ``max(2000, 20 × units)``, so autograd's activations stay under
#: 20,000 × 1,000 numbers a layer.
MAX_TRAIN_UNITS = 1_000
#: Most estimated multiply-adds of a run, ``(steps + 1) ×`` :func:`training_work`:
#: at most about a minute of one core. 3,000 steps (the default) fit up to 291 units
#: with the output solved, 1,000 units get 105 steps, up to 81 units all of MAX_STEPS.
MAX_TRAIN_WORK = 4e10
#: Most snapshots a training history records. With the limits above a history
#: holds at most about 4 million weights and biases (a few hundred MB as JSON).
MAX_HISTORY_POINTS = 1_000


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
    return check_whole(steps, "steps", low=1, high=MAX_STEPS)


def _check_seed(seed: int) -> int:
    return check_whole(seed, "seed", low=0, high=2**63 - 1)


def _check_widths(units: int | None, widths: Sequence[int] | None) -> list[int]:
    if (units is None) == (widths is None):
        raise ReluAnimError(
            "units/widths: give exactly one: units=n (one hidden layer of n units) "
            "or widths=[...] (the hidden widths)"
        )
    if units is not None:
        return [_check_trainable(check_whole(units, "units", low=1), "units")]
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence):
        raise ReluAnimError(f"widths: expected a list of hidden widths (got {widths!r})")
    hidden = [check_whole(w, f"widths[{i}]", low=1) for i, w in enumerate(widths)]
    _check_trainable(sum(hidden), "widths")
    return hidden


def _check_trainable(units: int, name: str) -> int:
    if units > MAX_TRAIN_UNITS:
        raise ReluAnimError(
            f"{name}: {units:,} hidden units are more than the {MAX_TRAIN_UNITS:,} that can be trained "
            f"(construct builds up to {MAX_UNITS:,})"
        )
    return units


def _point_count(hidden: Sequence[int]) -> int:
    """Training points for these hidden widths: 20 per unit, at least 2,000."""
    return max(2000, 20 * sum(hidden))


def training_work(widths: Sequence[int], solve_output: bool = True) -> float:
    """Estimated multiply-adds of one training step of a scalar network with these hidden widths.

    One hidden layer with ``solve_output`` (:class:`~.least_squares.OneLayer`):
    about ``40·n² + n³/3`` (the ``n × n`` normal equations and their Cholesky
    factor) plus ``30·N`` for the ``N`` training points, and a fixed 1.5 million
    (the Python and dispatch of its ~60 tensor operations). Otherwise autograd:
    ``3·N·Σ w_{k−1}·w_k`` for the matrix products forward and backward, ``40·N·Σ w``
    for the elementwise passes over the activations (memory-bound, their memory
    allocated afresh: more than a multiply-add each), with ``solve_output`` the
    last layer's normal equations, and a fixed half a million per layer. A run
    of ``steps`` evaluates ``steps + 1`` losses; :data:`MAX_TRAIN_WORK` bounds
    ``(steps + 1) × training_work(...)``, checked before training starts.

    Examples
    --------
    >>> f"{training_work([1000]):.2e}"
    '3.75e+08'
    """
    hidden = [int(w) for w in widths]
    points = _point_count(hidden)
    if solve_output and len(hidden) == 1:
        n = hidden[0]
        return 1.5e6 + 40 * n**2 + n**3 / 3 + 30 * points
    sizes = [1, *hidden, 1]
    work = 3 * points * sum(a * b for a, b in zip(sizes, sizes[1:])) + 40 * points * sum(hidden)
    if solve_output:
        last = sizes[-2] + 1
        work += points * last**2 + last**3 / 3
    return 5e5 * len(sizes) + work


def _check_work(hidden: list[int], steps: int, solve_output: bool) -> None:
    work = (steps + 1) * training_work(hidden, solve_output)  # step 0 … steps: steps + 1 losses
    if work > MAX_TRAIN_WORK:
        size = f"{hidden[0]:,} units" if len(hidden) == 1 else f"widths {hidden}"
        count = f"{steps:,} step" + ("" if steps == 1 else "s")
        raise ReluAnimError(
            f"steps: training {size} for {count} is about {work:.1e} multiply-adds, more than the "
            f"{MAX_TRAIN_WORK:.0e} (about a minute) a run may take; use fewer steps or units"
        )


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
                weight = torch.ones(width, 1, dtype=DTYPE)
                bias = -(-1.0 + (2.0 * torch.arange(width, dtype=DTYPE) + 1.0) / width)
            else:  # He-scaled weights; each kink at a quantile of its input on the data
                weight = torch.randn(width, fan_in, dtype=DTYPE, generator=generator)
                weight *= math.sqrt(2.0 / fan_in)
                z = h @ weight.T
                q = 0.1 + 0.8 * (torch.arange(width, dtype=DTYPE) + 0.5) / width
                bias = -torch.stack([torch.quantile(z[:, j], q[j]) for j in range(width)])
            self.params.append((weight, bias))
            if k + 1 < len(widths):  # the next layer's initial kinks need this one's output
                h = torch.relu(h @ weight.T + bias)
            fan_in = width
        bound = 1.0 / math.sqrt(fan_in)  # PyTorch's default for a Linear layer
        out_w = (torch.rand(1, fan_in, dtype=DTYPE, generator=generator) * 2 - 1) * bound
        out_b = (torch.rand(1, dtype=DTYPE, generator=generator) * 2 - 1) * bound
        self.output = (out_w, out_b)
        self.solve_output = solve_output
        self.one_layer = OneLayer(u, y) if solve_output and len(widths) == 1 else None
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
                theta = solve_output(h.detach(), self.y)
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
        arrays = [[to_numpy(w), to_numpy(b)] for w, b in self.params + [self.output]]
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



def _refine_output(net: Network, target: Function, a: float, b: float, x: np.ndarray, y: np.ndarray,
                   losses: np.ndarray, records: list[dict[str, Any]], steps: int) -> Network:
    """``net`` with the continuous least-squares output layer if that lowers the MSE on [a, b].

    Updates the last loss and the last snapshot to the returned network.
    """
    candidate = continuous_output(net, target, a, b)
    if candidate is None or not mse(candidate.piecewise(a, b), target) < mse(net.piecewise(a, b), target):
        return net
    losses[-1] = float(np.mean((candidate.piecewise(a, b)(x) - y) ** 2))  # O(N + pieces) memory
    if records and records[-1]["step"] == steps:
        records[-1] = {"step": steps, "loss": float(losses[-1]), "layers": candidate.to_dict()["layers"]}
    return candidate


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
        One hidden layer of ``units`` ReLU units and a linear output, 1 to
        :data:`MAX_TRAIN_UNITS`.
    widths
        Instead of ``units``: the hidden widths, any depth (``[8, 8]``), at most
        :data:`MAX_TRAIN_UNITS` units in all; ``[]`` is a single linear layer.
        Give exactly one of ``units`` and ``widths``.
    steps
        Number of updates (full batch), 1 to :data:`MAX_STEPS`, and at most
        :data:`MAX_TRAIN_WORK` multiply-adds in all (``steps ×``
        :func:`training_work`): big networks get fewer steps.
    seed
        Seeds ``torch.manual_seed`` and the generator drawing the initial
        weights of deeper layers: same arguments, bit-identical weights.
    history, history_points
        Record about ``history_points`` log-spaced snapshots, the first at step
        0 and the last at ``steps`` (the returned network); 2 to
        :data:`MAX_HISTORY_POINTS`.
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
        ``history_points`` or ``progress``, a run over the limits above, or a
        target not finite on the domain.

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
    if lr is None:
        lr = min(0.01, 0.1 / max(hidden)) if (solve_output and hidden) else 0.01
    elif isinstance(lr, bool) or not isinstance(lr, (int, float)) or not (math.isfinite(lr) and lr > 0):
        raise ReluAnimError(f"lr: must be a positive number (got {lr!r})")
    history_points = check_whole(history_points, "history_points", low=2, high=MAX_HISTORY_POINTS)
    _check_work(hidden, steps, solve_output)
    x = _training_points(a, b, _point_count(hidden))
    y = _evaluate(target, x, a, b)
    _evaluate(target, np.array([a, b]), a, b)
    center, scale = 0.5 * (a + b), 0.5 * (b - a)
    mean = float(np.mean(y))
    std = float(np.std(y))
    std = std if std > 1e-300 else 1.0

    snapshots = _snapshot_steps(steps, history_points) if history else set()
    losses = np.empty(steps + 1)
    records: list[dict[str, Any]] = []
    reporter = Reporter(progress, steps, "training")
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
            if solve_output:
                net = _refine_output(net, target, a, b, x, y, losses, records, steps)
    finally:
        reporter.close()
    return TrainResult(net, losses, records, time.perf_counter() - start)


def plain_adam_baseline(target: Function, domain: tuple[float, float], units: int, *,
                        steps: int = 3000, seed: int = 0, lr: float = 1e-3,
                        progress: Progress = False) -> TrainResult:
    """What a user would write: default-initialised 1-n-1 ReLU MLP, Adam, MSE, full batch.

    ``nn.Sequential(nn.Linear(1, n), nn.ReLU(), nn.Linear(n, 1))`` in float64
    after ``torch.manual_seed(seed)``, trained on the same points as
    :func:`train` in the domain's raw coordinates. For the benchmark's baseline.
    The limits of :func:`train` apply (``units`` up to :data:`MAX_TRAIN_UNITS`,
    ``steps`` up to :data:`MAX_STEPS` and :data:`MAX_TRAIN_WORK`).

    Examples
    --------
    >>> result = plain_adam_baseline(lambda x: x**2, (0, 2), 3, steps=50)
    >>> result.network.widths, len(result.losses)
    ([1, 3, 1], 51)
    """
    steps = _check_steps(steps)
    seed = _check_seed(seed)
    n = _check_trainable(check_whole(units, "units", low=1), "units")
    a, b = _check_domain(domain)
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not (math.isfinite(lr) and lr > 0):
        raise ReluAnimError(f"lr: must be a positive number (got {lr!r})")
    _check_work([n], steps, solve_output=False)
    x = _training_points(a, b, _point_count([n]))
    y = _evaluate(target, x, a, b)
    losses = np.empty(steps + 1)
    reporter = Reporter(progress, steps, "plain Adam")
    start = time.perf_counter()
    try:
        with _single_thread():
            torch.manual_seed(seed)
            model = nn.Sequential(nn.Linear(1, n, dtype=DTYPE), nn.ReLU(), nn.Linear(n, 1, dtype=DTYPE))
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