"""Named weight arrays in, :class:`~relu_anim.network.Network` out: the one home of the state_dict layout.

A PyTorch ``state_dict`` (read by :mod:`relu_anim.torch_adapter`), a
``.safetensors`` file (:mod:`.safetensors_file`) and an ONNX graph
(:mod:`.onnx_file`) all end as a mapping from names such as ``0.weight``,
``0.bias``, ``2.weight`` (or ``fc1.weight``, ``fc2.weight``) to arrays.
:func:`network_from_arrays` turns such a mapping into a network; numpy only, so
neither torch nor any file format is needed here.

The layout: the keys are ``<prefix><index>.weight`` and ``<prefix><index>.bias``,
the Linear layers taken in numeric order of their index; keys without a common
numbered prefix (``fc1.weight``, ``out.weight``) are taken in the mapping's own
order. A missing bias is a zero bias.

Examples
--------
>>> net = network_from_arrays({"0.weight": np.ones((3, 1)), "2.weight": np.ones((1, 3)),
...                            "2.bias": np.zeros(1)})
>>> net.widths, [layer.activation for layer in net.layers]
([1, 3, 1], ['relu', 'linear'])
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Callable, Sequence

import numpy as np

from ..errors import ReluAnimError
from ..network import ACTIVATIONS, Layer, Network

__all__ = [
    "MAX_LAYERS",
    "MAX_PARAMETERS",
    "check_activation",
    "check_entries",
    "exact_float64",
    "network_from_arrays",
]

#: Most Linear layers read from a state_dict (or safetensors file, or ONNX graph).
MAX_LAYERS = 1_000
#: Most numbers (weights and biases, all layers together) read; counted from the
#: shapes before any is copied.
MAX_PARAMETERS = 4_000_000


def check_activation(activation: str, negative_slope: float) -> tuple[str, float]:
    """``(activation, negative_slope)`` checked: a known activation and a finite slope.

    Examples
    --------
    >>> check_activation("leaky_relu", 0.1)
    ('leaky_relu', 0.1)
    """
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


def _array_count(key: str, value: Any) -> int:
    """How many numbers a numpy array holds, refusing anything but real numbers."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        return int(value.size)
    kind = f"dtype {value.dtype}" if isinstance(value, np.ndarray) else type(value).__name__
    raise ReluAnimError(f"{key}: expected an array of real numbers, got {kind}")


def check_entries(state: Any, count: Callable[[str, Any], int] = _array_count) -> None:
    """Check a state_dict's names and sizes before anything is copied.

    ``count(key, value)`` returns how many numbers ``value`` holds (reading its
    shape only) or raises for a value that is not a dense array of real numbers.

    Raises
    ------
    ReluAnimError
        Not a mapping, too many keys, a key that is not a string or not a
        ``.weight``/``.bias``, more numbers than :data:`MAX_PARAMETERS`.

    Examples
    --------
    >>> check_entries({"0.running_mean": np.zeros(3)})
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: 0.running_mean: not a Linear layer's weight or bias (only Linear layers are supported)
    """
    if not isinstance(state, Mapping):
        raise ReluAnimError(f"state_dict: expected a dict of tensors, got {type(state).__name__}")
    if len(state) > 2 * MAX_LAYERS:
        raise ReluAnimError(
            f"state_dict: has {len(state):,} keys, more than a network of {MAX_LAYERS:,} Linear layers has"
        )
    total = 0
    for key, value in state.items():
        if not isinstance(key, str):
            raise ReluAnimError(f"state_dict: keys must be strings (got {key!r})")
        numbers = count(key, value)
        if key.rpartition(".")[2] not in ("weight", "bias"):
            raise ReluAnimError(
                f"{key}: not a Linear layer's weight or bias (only Linear layers are supported)"
            )
        if numbers > MAX_PARAMETERS:
            raise ReluAnimError(
                f"{key}: holds {numbers:,} numbers (shape {tuple(value.shape)}), "
                f"more than the {MAX_PARAMETERS:,} a network may have"
            )
        total += numbers
        if total > MAX_PARAMETERS:
            raise ReluAnimError(
                f"state_dict: holds more than the {MAX_PARAMETERS:,} numbers a network may have "
                f"(reached at {key})"
            )


def exact_float64(key: str, array: np.ndarray) -> np.ndarray:
    """``array`` as float64, refusing numbers float64 cannot hold exactly (integers past 2**53).

    Examples
    --------
    >>> exact_float64("w", np.array([2**53 + 1], dtype=np.int64))
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: w: holds numbers float64 cannot represent exactly (dtype int64)
    """
    converted = np.asarray(array).astype(np.float64)
    if array.dtype.kind == "f":
        return converted
    with np.errstate(invalid="ignore", over="ignore"):  # compared in the original dtype
        exact = bool(np.all(converted.astype(array.dtype) == array))
    if not exact:
        raise ReluAnimError(f"{key}: holds numbers float64 cannot represent exactly (dtype {array.dtype})")
    return converted


def network_from_arrays(arrays: Mapping[str, np.ndarray], activation: str = "relu",
                        negative_slope: float = 0.01, *,
                        activations: Sequence[tuple[str, float]] | None = None) -> Network:
    """Build a network from named weight arrays (a state_dict as numpy).

    Parameters
    ----------
    arrays
        Mapping from ``<path>.weight`` / ``<path>.bias`` to numpy arrays of real numbers.
    activation, negative_slope
        The activation between the layers (a state_dict does not record it);
        the last layer is linear.
    activations
        Instead, ``(activation, negative_slope)`` of every layer, in order (an
        ONNX graph records them); must have one entry per layer.

    Raises
    ------
    ReluAnimError
        Naming the key: see :func:`check_entries`; integers float64 cannot hold
        exactly; more layers than :data:`MAX_LAYERS`; no ``.weight`` key, a bias
        without a weight, a weight that is not 2-D or empty, a bias whose length
        does not match, consecutive layers whose shapes do not chain, non-finite numbers.

    Examples
    --------
    >>> network_from_arrays({"fc1.weight": np.ones((2, 1)), "fc2.weight": np.ones((2, 3))})
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: fc2.weight: takes 3 inputs but fc1.weight has 2 rows (shapes (2, 1) then (2, 3))
    """
    activation, negative_slope = check_activation(activation, negative_slope)
    check_entries(arrays)
    groups: dict[str, dict[str, tuple[str, np.ndarray]]] = {}
    for key in arrays:
        path, _, leaf = key.rpartition(".")
        groups.setdefault(path, {})
    if len(groups) > MAX_LAYERS:
        raise ReluAnimError(f"state_dict: has {len(groups):,} Linear layers, more than the {MAX_LAYERS:,} read")
    for key, value in arrays.items():
        path, _, leaf = key.rpartition(".")
        groups[path][leaf] = (key, exact_float64(key, value))
    if not any("weight" in group for group in groups.values()):
        raise ReluAnimError("state_dict: no '.weight' keys (expected keys like 0.weight, 0.bias, 2.weight)")
    paths = list(groups)
    numbered = {p: re.fullmatch(r"(.*?)(\d+)", p) for p in paths}
    matches = [m for m in numbered.values() if m is not None]
    if len(matches) == len(paths) and len({m.group(1) for m in matches}) == 1:
        paths.sort(key=lambda p: int(numbered[p].group(2)))  # type: ignore[union-attr]
    if activations is not None and len(activations) != len(paths):
        raise ReluAnimError(f"state_dict: {len(paths)} layers but {len(activations)} activations")
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
            bias = np.zeros(weight.shape[0])
        if not np.all(np.isfinite(weight)):
            raise ReluAnimError(f"{wkey}: contains non-finite numbers")
        if previous is not None and weight.shape[1] != previous[1].shape[0]:
            raise ReluAnimError(
                f"{wkey}: takes {weight.shape[1]} inputs but {previous[0]} has "
                f"{previous[1].shape[0]} rows (shapes {tuple(previous[1].shape)} then {tuple(weight.shape)})"
            )
        previous = (wkey, weight)
        if activations is not None:
            kind, slope = check_activation(*activations[i])
        else:
            kind, slope = ("linear" if i == len(paths) - 1 else activation), negative_slope
        layers.append(Layer(weight, bias, kind, slope, name=wkey))
    return Network(layers)
