"""PyTorch models and state_dicts in, ``nn.Sequential`` out.

:func:`network_from_torch` reads an ``nn.Sequential`` of ``Linear``, ``ReLU``,
``LeakyReLU`` and ``Identity``; :func:`network_to_torch` writes one;
:func:`network_from_state_dict` reads the ``state_dict`` of such a model and
:func:`load_state_dict` a file written by ``torch.save(model.state_dict(), path)``.
All numbers cross over as float64, so a float32 model is read exactly. The
state_dict layout (which keys make which layer) has its one home in
:mod:`relu_anim.io.state_dict`, shared with the safetensors and ONNX readers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from os import PathLike
from typing import Any, Iterator

import numpy as np
import torch
from torch import nn

from ..errors import ReluAnimError
from ..io.state_dict import (MAX_LAYERS, MAX_PARAMETERS, check_activation, check_entries, exact_float64,
                             network_from_arrays)
from ..network import Layer, Network
from .tensors import DTYPE, to_numpy
from .torch_file import load_torch_file

__all__ = [
    "MAX_LAYERS",
    "MAX_PARAMETERS",
    "network_from_torch",
    "network_to_torch",
    "network_from_state_dict",
    "load_state_dict",
]

_SUPPORTED = "Linear, ReLU, LeakyReLU, Identity"
_INTEGER_DTYPES = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
                   torch.uint16, torch.uint32, torch.uint64)
_MULTI_KINK = ("ReLU6", "Hardtanh", "Hardshrink", "Softshrink", "Threshold", "RReLU")


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
        nested) for an unsupported module, a parameter that holds no real numbers
        (on the meta device, sparse, quantized, complex), an activation before any ``Linear``,
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
            for name in ("weight", "bias"):  # a meta or quantized parameter: one line, not a traceback
                if getattr(child, name) is not None:
                    _check_values(f"{where}.{name}", getattr(child, name))
            weight = to_numpy(child.weight)
            bias = np.zeros(weight.shape[0]) if child.bias is None else to_numpy(child.bias)
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
        linear = nn.utils.skip_init(nn.Linear, layer.in_features, layer.out_features, dtype=DTYPE)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.array(layer.weight)))
            linear.bias.copy_(torch.from_numpy(np.array(layer.bias)))
        modules.append(linear)
        if layer.activation == "relu":
            modules.append(nn.ReLU())
        elif layer.activation == "leaky_relu":
            modules.append(nn.LeakyReLU(layer.negative_slope))
    return nn.Sequential(*modules)


def _check_values(key: str, value: Any) -> int:
    """How many numbers ``value`` holds, refusing anything but a dense real tensor or array.

    Reads the shape, layout and dtype only: a view may declare far more numbers
    than its storage holds (a stride-0 expand), and nothing is copied here.
    """
    if isinstance(value, torch.Tensor):
        if value.is_sparse or value.layout != torch.strided:
            raise ReluAnimError(
                f"{key}: a sparse tensor (layout {value.layout}); save dense tensors (tensor.to_dense())"
            )
        if value.is_nested:
            raise ReluAnimError(f"{key}: a nested tensor; a Linear layer's weight is one dense matrix")
        if value.is_quantized:
            raise ReluAnimError(
                f"{key}: a quantized tensor (dtype {value.dtype}); save the state_dict of the "
                "dequantized model (tensor.dequantize())"
            )
        if value.is_meta:
            raise ReluAnimError(
                f"{key}: a meta tensor (a shape without numbers); save the state_dict of a model "
                "that holds its weights"
            )
        if not (value.is_floating_point() or value.dtype in _INTEGER_DTYPES):
            raise ReluAnimError(f"{key}: dtype {value.dtype} does not hold real numbers; expected a float tensor")
        return math.prod(value.shape)
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        return int(value.size)
    raise ReluAnimError(
        f"{key}: expected a tensor of real numbers, got {type(value).__name__} "
        "(a state_dict is a dict of tensors)"
    )


def _exact_float64(key: str, value: torch.Tensor | np.ndarray) -> np.ndarray:
    """``value`` as float64, refusing numbers float64 cannot hold exactly (integers past 2**53)."""
    if isinstance(value, torch.Tensor):
        if value.is_floating_point():
            return to_numpy(value)
        return exact_float64(key, value.detach().to("cpu").numpy())
    return exact_float64(key, value)


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

    Only dense tensors (or numpy arrays) of real numbers are read. Their shapes
    are checked before any is copied: at most :data:`MAX_PARAMETERS` numbers in
    all and :data:`MAX_LAYERS` layers, so a view declaring a huge shape over a
    small storage (``torch.zeros(1).expand(10**6, 10**6)``) is refused unread.

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
        Naming the key: not a mapping of tensors; a sparse, nested, quantized or
        meta tensor; a dtype without real numbers (bool, complex) or integers
        float64 cannot hold exactly; more numbers or layers than the limits; no
        ``.weight`` key, a key that is not a weight or bias, a weight that is not
        2-D, a bias whose length does not match, consecutive layers whose shapes
        do not chain, non-finite numbers.

    Examples
    --------
    >>> model = nn.Sequential(nn.Linear(1, 4), nn.ReLU(), nn.Linear(4, 1))
    >>> net = network_from_state_dict(model.state_dict())
    >>> net.widths, [layer.activation for layer in net.layers]
    ([1, 4, 1], ['relu', 'linear'])
    """
    activation, negative_slope = check_activation(activation, negative_slope)
    check_entries(state, _check_values)  # names, shapes and kinds only: nothing is copied yet
    arrays = {key: _exact_float64(key, value) for key, value in state.items()}
    return network_from_arrays(arrays, activation, negative_slope)


def load_state_dict(path: str | PathLike[str], activation: str = "relu",
                    negative_slope: float = 0.01, *, scalar: bool = False) -> Network:
    """Load a file written by ``torch.save(model.state_dict(), path)`` as a network.

    The file is read by :func:`~.torch_file.load_torch_file`: a regular file of at
    most :data:`~.torch_file.MAX_FILE_BYTES`, its zip entries' sizes checked
    before anything is unpacked, then ``torch.load(..., map_location="cpu",
    weights_only=True)``, so no code in it runs. A checkpoint ``{"state_dict": ...}``
    or ``{"model": ...}`` holding the state_dict is unwrapped. See
    :func:`network_from_state_dict` for the layout, the activation and the
    limits on the tensors.

    Parameters
    ----------
    path
        The file.
    activation, negative_slope
        As for :func:`network_from_state_dict`.
    scalar
        Refuse a network that does not map one input to one output (what the
        exact breakpoint analysis needs), naming the file.

    Raises
    ------
    ReluAnimError
        One line naming the file when it is missing, not a regular file, too
        large, not a torch file (or a TorchScript or legacy-format one), holds
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
    activation, negative_slope = check_activation(activation, negative_slope)
    name = str(path)
    state = load_torch_file(path)
    if isinstance(state, Mapping) and len(state) >= 1:
        for wrapper in ("state_dict", "model"):
            if wrapper in state and isinstance(state[wrapper], Mapping):
                state = state[wrapper]
                break
    if not isinstance(state, Mapping):
        raise ReluAnimError(f"{name}: holds a {type(state).__name__}, not a state_dict")
    try:
        net = network_from_state_dict(state, activation, negative_slope)
    except ReluAnimError as err:
        raise ReluAnimError(f"{name}: {err}") from None
    if scalar and (net.in_features, net.out_features) != (1, 1):
        raise ReluAnimError(
            f"{name}: the exact analysis needs one input and one output "
            f"(this network maps {net.in_features} -> {net.out_features})"
        )
    return net
