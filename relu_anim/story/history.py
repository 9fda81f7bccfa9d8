"""Training histories in motion: networks between recorded snapshots.

:func:`relu_anim.torch_adapter.train` with ``history=True`` records snapshots
``{"step": k, "loss": …, "layers": […]}`` at log-spaced steps (a loaded network
file gives the same with ``layers`` as a :class:`~relu_anim.network.Network`).
To show training as motion, a frame between two snapshots shows the network
whose weights lie on the straight line between theirs
(:func:`interpolate_layers`); it is an ordinary network, so its exact
piecewise-linear form, kinks included, is known at every frame.

A *playback position* ``s`` runs from ``0`` (the first snapshot) to
``len(history) − 1`` (the last); snapshot ``i`` sits at ``s = i``. Playing ``s``
at constant speed gives every snapshot interval the same screen time, so the
fast early changes of training (where snapshots are dense) stay visible.
:func:`playback_state` gives the network and the training step at ``s``;
:func:`loss_at` reads the recorded loss curve at a fractional step (straight
between recorded steps on a log scale, as the curve is drawn).

numpy only: no manim, no torch.

Examples
--------
>>> from relu_anim.network import Layer, Network
>>> a = {"step": 0, "loss": 1.0, "layers": [{"weight": [[1.0]], "bias": [0.0], "activation": "linear"}]}
>>> b = {"step": 8, "loss": 0.5, "layers": [{"weight": [[3.0]], "bias": [-2.0], "activation": "linear"}]}
>>> net = interpolate_layers(a, b, 0.25)
>>> net.layers[0].weight.tolist(), net.layers[0].bias.tolist()
([[1.5]], [-0.5])
>>> net_s, step = playback_state([a, b], 0.5)
>>> float(step), net_s.layers[0].bias.tolist()
(4.0, [-1.0])
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Sequence

import numpy as np

from ..errors import ReluAnimError
from ..checks import check_domain
from ..network import Layer, Network

__all__ = [
    "snapshot_network",
    "interpolate_layers",
    "history_networks",
    "history_steps",
    "history_losses",
    "check_position",
    "playback_state",
    "loss_at",
    "output_range",
    "decades",
]

Snapshot = Any  # a mapping with "layers", a Network, or a list of layer dicts / Layers


def snapshot_network(snapshot: Snapshot, where: str = "snapshot") -> Network:
    """The network of one snapshot.

    Parameters
    ----------
    snapshot
        A history entry ``{"step", "loss", "layers"}`` whose ``layers`` is a list of
        layer dicts (as :func:`~relu_anim.torch_adapter.train` records them) or a
        :class:`~relu_anim.network.Network` (as
        :func:`~relu_anim.io.network_file.load_network` returns them); or the layers alone.
    where
        Names the snapshot in error messages.
    """
    layers = snapshot.get("layers") if isinstance(snapshot, Mapping) else snapshot
    if isinstance(layers, Network):
        return layers
    if isinstance(layers, (list, tuple)) and layers and all(isinstance(x, Layer) for x in layers):
        return Network(layers)
    if isinstance(layers, (list, tuple)) and layers and all(isinstance(x, Mapping) for x in layers):
        return Network.from_layers(layers)
    raise ReluAnimError(f"{where}: expected a snapshot with 'layers' (a Network or a list of layer dicts)")


def _check_t(t: float) -> float:
    try:
        t = float(t)
    except (TypeError, ValueError):
        raise ReluAnimError(f"t: must be a number from 0 to 1 (got {t!r})") from None
    if not 0.0 <= t <= 1.0:
        raise ReluAnimError(f"t: must be from 0 to 1 (got {t})")
    return t


def interpolate_layers(snap_a: Snapshot, snap_b: Snapshot, t: float) -> Network:
    """The network whose weights lie a fraction ``t`` of the way from ``snap_a`` to ``snap_b``.

    Every weight and bias is ``(1 − t)·a + t·b``; activations are kept. ``t = 0``
    and ``t = 1`` give exactly the snapshots' weights.

    Parameters
    ----------
    snap_a, snap_b
        Two snapshots of the same architecture (see :func:`snapshot_network`).
    t
        From 0 to 1.

    Raises
    ------
    ReluAnimError
        If ``t`` is outside [0, 1], or the two snapshots differ in depth, shapes
        or activations.

    Examples
    --------
    >>> from relu_anim.construct import shifted_relu_sum
    >>> a, b = shifted_relu_sum([1.0], [0.0]), shifted_relu_sum([1.0], [1.0])
    >>> interpolate_layers(a, b, 0.5).piecewise(0, 2).breakpoints.tolist()
    [0.5]
    """
    t = _check_t(t)
    net_a, net_b = snapshot_network(snap_a, "snap_a"), snapshot_network(snap_b, "snap_b")
    if len(net_a.layers) != len(net_b.layers):
        raise ReluAnimError(
            f"snap_b: has {len(net_b.layers)} layers but snap_a has {len(net_a.layers)}"
        )
    layers = []
    for i, (la, lb) in enumerate(zip(net_a.layers, net_b.layers)):
        if la.weight.shape != lb.weight.shape:
            raise ReluAnimError(
                f"snap_b: layers[{i}].weight has shape {lb.weight.shape} but snap_a's has {la.weight.shape}"
            )
        if la.activation != lb.activation or la.slopes != lb.slopes:
            raise ReluAnimError(
                f"snap_b: layers[{i}] has activation {lb.activation!r} but snap_a's has {la.activation!r}"
            )
        if t == 0.0:
            weight, bias = la.weight, la.bias
        elif t == 1.0:
            weight, bias = lb.weight, lb.bias
        else:
            weight = (1.0 - t) * la.weight + t * lb.weight
            bias = (1.0 - t) * la.bias + t * lb.bias
        layers.append(Layer(weight, bias, la.activation, la.negative_slope, name=f"layers[{i}]"))
    return Network(layers)


def _check_history(history: Sequence[Any]) -> Sequence[Any]:
    if isinstance(history, (str, bytes)) or not isinstance(history, Sequence) or len(history) == 0:
        raise ReluAnimError("history: expected a non-empty list of snapshots (train(..., history=True))")
    return history


def history_networks(history: Sequence[Any]) -> list[Network]:
    """The network of every snapshot, in order.

    Examples
    --------
    >>> from relu_anim.construct import shifted_relu_sum
    >>> nets = history_networks([{"step": 0, "loss": 1.0, "layers": shifted_relu_sum([1.0], [0.5])}])
    >>> nets[0].piecewise(0, 1).breakpoints.tolist()
    [0.5]
    """
    history = _check_history(history)
    return [snapshot_network(s, f"history[{i}]") for i, s in enumerate(history)]


def history_steps(history: Sequence[Any]) -> np.ndarray:
    """The recorded steps, as floats (increasing)."""
    history = _check_history(history)
    return np.array([float(s["step"]) for s in history])


def history_losses(history: Sequence[Any]) -> np.ndarray:
    """The recorded losses."""
    history = _check_history(history)
    return np.array([float(s["loss"]) for s in history])


def check_position(history: Sequence[Any], s: float) -> float:
    """``s`` as a float, refused outside ``[0, len(history) − 1]``."""
    history = _check_history(history)
    try:
        s = float(s)
    except (TypeError, ValueError):
        raise ReluAnimError(f"s: must be a number (got {s!r})") from None
    last = len(history) - 1
    if not 0.0 <= s <= last:
        raise ReluAnimError(f"s: must be from 0 to {last} for {len(history)} snapshots (got {s})")
    return s


def _split(history: Sequence[Any], s: float) -> tuple[int, float]:
    """Snapshot index ``i`` and fraction ``t`` with ``s = i + t`` (``t = 1`` at the very end)."""
    s = check_position(history, s)
    last = len(history) - 1
    i = min(int(math.floor(s)), max(last - 1, 0))
    return i, (s - i if last > 0 else 0.0)


def playback_state(history: Sequence[Any], s: float) -> tuple[Network, float]:
    """The network and the training step at playback position ``s``.

    Between snapshots ``i`` and ``i + 1`` (``s = i + t``) the network is
    :func:`interpolate_layers` of the two at ``t`` and the step is
    ``(1 − t)·step_i + t·step_{i+1}``, so the step and the weights move together.

    Examples
    --------
    >>> from relu_anim.construct import shifted_relu_sum
    >>> h = [{"step": k, "loss": 1.0, "layers": shifted_relu_sum([1.0], [x])} for k, x in [(0, 0.0), (10, 1.0)]]
    >>> net, step = playback_state(h, 0.3)
    >>> round(float(step), 9), [round(v, 9) for v in net.piecewise(0, 2).breakpoints.tolist()]
    (3.0, [0.3])
    """
    i, t = _split(history, s)
    if len(history) == 1:
        return snapshot_network(history[0], "history[0]"), float(history[0]["step"])
    a, b = history[i], history[i + 1]
    step = (1.0 - t) * float(a["step"]) + t * float(b["step"])
    return interpolate_layers(a, b, t), step


def loss_at(losses: Sequence[float], step: float) -> float:
    """The loss curve ``losses[k]`` (after ``k`` steps) read at a fractional ``step``.

    Between whole steps the loss is interpolated geometrically (linearly in
    ``log10``): on a log-scaled plot that is the straight segment joining the two
    recorded points, so a dot placed at ``(step, loss_at(losses, step))`` stays
    on the drawn curve.

    Examples
    --------
    >>> loss_at([1.0, 0.01], 0.5)
    0.1
    """
    values = np.asarray(losses, dtype=float)
    if values.ndim != 1 or len(values) == 0:
        raise ReluAnimError("losses: expected a non-empty list of numbers")
    if not np.all(values > 0) or not np.all(np.isfinite(values)):
        raise ReluAnimError("losses: must be positive and finite to be read on a log scale")
    step = float(step)
    if not 0.0 <= step <= len(values) - 1:
        raise ReluAnimError(f"step: must be from 0 to {len(values) - 1} (got {step})")
    k = min(int(math.floor(step)), len(values) - 1)
    if k == len(values) - 1 or step == k:
        return float(values[k])
    t = step - k
    return float(10 ** ((1.0 - t) * math.log10(values[k]) + t * math.log10(values[k + 1])))


def output_range(history: Sequence[Any], domain: tuple[float, float], *,
                 per_interval: int = 8) -> tuple[float, float]:
    """Lowest and highest output on ``domain`` over the whole playback.

    The snapshots and ``per_interval − 1`` evenly spaced states between each two
    are analysed exactly (a piecewise-linear function peaks at a vertex); for
    choosing axes that hold every frame.
    """
    a, b = check_domain(*domain)
    history = _check_history(history)
    count = (len(history) - 1) * max(1, int(per_interval)) + 1
    lo, hi = math.inf, -math.inf
    for s in np.linspace(0.0, len(history) - 1, count):
        f = playback_state(history, float(s))[0].piecewise(a, b)
        lo, hi = min(lo, float(np.min(f.knot_values))), max(hi, float(np.max(f.knot_values)))
    return lo, hi


def decades(values: Sequence[float]) -> tuple[int, int]:
    """Whole exponents ``(lo, hi)`` with ``10^lo ≤ every value ≤ 10^hi`` (positive values).

    Examples
    --------
    >>> decades([0.59, 0.089])
    (-2, 0)
    """
    v = np.asarray(values, dtype=float)
    if v.size == 0 or not np.all(v > 0) or not np.all(np.isfinite(v)):
        raise ReluAnimError("values: must be positive and finite")
    lo = math.floor(math.log10(float(np.min(v))))
    hi = math.ceil(math.log10(float(np.max(v))))
    return lo, max(hi, lo + 1)
