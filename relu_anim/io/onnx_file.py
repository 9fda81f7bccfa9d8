"""Reading an ONNX file of an MLP, without torch: :func:`load_onnx`.

Only a chain is read: one input tensor, then nodes each taking the previous
node's output, among ``Gemm`` (``transA = 0``), ``MatMul`` (optionally followed
by ``Add`` of a bias), ``Relu``, ``LeakyRelu`` and ``Identity``, ending in the
graph's one output. Weights must be initializers stored in the file. Anything
else (another op, a branch, a second input, weights computed at run time or
stored outside the file) is refused with one line naming the node and its op.

The file is read through :func:`~relu_anim.io.reading.read_regular_file` (a
regular file of at most :data:`MAX_FILE_BYTES`); the initializers' sizes are
counted from their declared dims before any is converted
(``onnx.numpy_helper.to_array``), then the layers go to
:func:`~relu_anim.io.state_dict.network_from_arrays` with the graph's own
activations. The ``onnx`` package is optional (``pip install 'relu-anim[clip]'``).

Examples
--------
>>> from onnx import TensorProto, helper, numpy_helper
>>> w = numpy_helper.from_array(np.array([[1.0], [-1.0]], np.float32), "w")
>>> v = numpy_helper.from_array(np.array([[1.0, 1.0]], np.float32), "v")
>>> graph = helper.make_graph(
...     [helper.make_node("Gemm", ["x", "w"], ["h"], transB=1), helper.make_node("Relu", ["h"], ["r"]),
...      helper.make_node("Gemm", ["r", "v"], ["y"], transB=1)], "mlp",
...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 1])],
...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 1])], initializer=[w, v])
>>> network_from_onnx_bytes(helper.make_model(graph).SerializeToString()).widths
[1, 2, 1]
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from ..errors import ReluAnimError
from ..network import Network
from .reading import read_regular_file
from .state_dict import MAX_LAYERS, MAX_PARAMETERS, network_from_arrays

__all__ = ["MAX_FILE_BYTES", "SUPPORTED_OPS", "load_onnx", "looks_like_onnx", "network_from_onnx_bytes"]

#: Largest ONNX file read, in bytes (as for a ``.pt`` file).
MAX_FILE_BYTES = 64 * 2**20
#: The ops an MLP chain may use.
SUPPORTED_OPS = ("Gemm", "MatMul", "Add", "Relu", "LeakyRelu", "Identity")
_ACTIVATIONS = {"Relu": "relu", "LeakyRelu": "leaky_relu"}


def looks_like_onnx(head: bytes) -> bool:
    """Whether a file's first bytes look like an ONNX model (a protobuf starting with ``ir_version``).

    Examples
    --------
    >>> looks_like_onnx(b"\\x08\\x07\\x12\\x07pytorch")
    True
    """
    return len(head) >= 2 and head[0] == 0x08 and 0 < head[1] < 0x80


def _onnx() -> Any:
    try:
        # optional: only ONNX sources need it
        import onnx
        from onnx import numpy_helper
    except ModuleNotFoundError:
        raise ReluAnimError("reading ONNX needs the onnx package; "
                            "install it with: pip install 'relu-anim[clip]'") from None
    return onnx, numpy_helper


def _attributes(node: Any, onnx: Any) -> dict[str, Any]:
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _node_name(node: Any, index: int) -> str:
    return f"node {index} ({node.name!r}, op {node.op_type})" if node.name else f"node {index} (op {node.op_type})"


def network_from_onnx_bytes(data: bytes) -> Network:
    """The network of a serialised ONNX model of an MLP chain (see the module's docstring).

    Raises
    ------
    ReluAnimError
        One line (without a file name): not an ONNX model, an unsupported op
        (named), a branch, more than one input or output tensor, a weight that
        is not an initializer, external data, too many numbers or layers, or
        shapes that do not chain.
    """
    onnx, numpy_helper = _onnx()
    try:
        model = onnx.load_model_from_string(data)
    except Exception as err:  # noqa: BLE001 - protobuf raises its own DecodeError
        raise ReluAnimError(f"not an ONNX model ({type(err).__name__})") from None
    graph = model.graph
    if not graph.node:
        raise ReluAnimError("not an ONNX model of an MLP (its graph has no nodes)")
    initializers = {t.name: t for t in graph.initializer}
    total = 0
    for tensor in graph.initializer:  # declared sizes first: nothing converted yet
        if tensor.data_location == onnx.TensorProto.EXTERNAL or tensor.external_data:
            raise ReluAnimError(f"initializer {tensor.name!r}: stored outside the file (external data); "
                                "save the model with its weights inside")
        total += math.prod(tensor.dims)
        if total > MAX_PARAMETERS:
            raise ReluAnimError(f"holds more than the {MAX_PARAMETERS:,} numbers a network may have "
                                f"(reached at initializer {tensor.name!r})")
    inputs = [i for i in graph.input if i.name not in initializers]
    if len(inputs) != 1:
        names = ", ".join(repr(i.name) for i in inputs) or "none"
        raise ReluAnimError(f"has {len(inputs)} input tensors ({names}); an MLP has exactly one")
    if len(graph.output) != 1:
        raise ReluAnimError(f"has {len(graph.output)} output tensors; an MLP has exactly one")
    if len(graph.node) > 4 * MAX_LAYERS:
        raise ReluAnimError(f"has {len(graph.node):,} nodes, more than an MLP of {MAX_LAYERS:,} layers has")
    current = inputs[0].name
    layers: list[dict[str, Any]] = []

    produced: dict[str, int] = {}  # tensor -> the node that made it

    def weight_of(node: Any, index: int, name: str) -> np.ndarray:
        if name in produced or name == inputs[0].name:
            maker = f"node {produced[name]}" if name in produced else "the graph's input"
            raise ReluAnimError(f"{_node_name(node, index)}: also takes {name!r}, made by {maker}: a branch "
                                "(an MLP is one chain)")
        if name not in initializers:
            raise ReluAnimError(f"{_node_name(node, index)}: its weight {name!r} is not an initializer "
                                "(weights computed at run time are not read)")
        array = numpy_helper.to_array(initializers[name])
        if array.dtype.kind not in "fiu":
            raise ReluAnimError(f"initializer {name!r}: dtype {array.dtype} does not hold real numbers")
        return array

    for index, node in enumerate(graph.node):
        op = node.op_type
        where = _node_name(node, index)
        if node.domain not in ("", "ai.onnx") or op not in SUPPORTED_OPS:
            raise ReluAnimError(f"{where}: op {op} is not supported (an MLP uses {', '.join(SUPPORTED_OPS)})")
        if len(node.output) != 1:
            raise ReluAnimError(f"{where}: has {len(node.output)} outputs; an MLP node has one")
        if current not in node.input:
            raise ReluAnimError(f"{where}: does not take the chain's tensor {current!r} "
                                "(branches are not read: an MLP is one chain)")
        if op in ("Relu", "LeakyRelu", "Identity") and list(node.input) != [current]:
            raise ReluAnimError(f"{where}: takes {list(node.input)}; an activation takes the chain's tensor only")
        attrs = _attributes(node, onnx)
        if op != "Add" and layers:  # only an Add right after a MatMul is its bias
            layers[-1].pop("open", None)
        if op == "Gemm":
            if node.input[0] != current or attrs.get("transA", 0) != 0:
                raise ReluAnimError(f"{where}: only Gemm(x, W, b) with transA = 0 is read")
            weight = weight_of(node, index, node.input[1]).astype(np.float64)
            if weight.ndim != 2:
                raise ReluAnimError(f"{where}: weight of shape {weight.shape}; expected a matrix")
            weight = weight if attrs.get("transB", 0) else weight.T
            weight = weight * _float32_attribute(attrs.get("alpha", 1.0))
            bias = np.zeros(weight.shape[0])
            if len(node.input) > 2 and node.input[2]:
                c = weight_of(node, index, node.input[2]).astype(np.float64) * _float32_attribute(attrs.get("beta", 1.0))
                bias = _bias(where, c, weight.shape[0])
            layers.append({"weight": weight, "bias": bias, "activation": None, "where": where})
        elif op == "MatMul":
            if node.input[0] != current:
                raise ReluAnimError(f"{where}: only MatMul(x, W) with the weight second is read")
            weight = weight_of(node, index, node.input[1]).astype(np.float64)
            if weight.ndim != 2:
                raise ReluAnimError(f"{where}: weight of shape {weight.shape}; expected a matrix")
            layers.append({"weight": weight.T, "bias": np.zeros(weight.shape[1]), "activation": None,
                           "where": where, "open": True})
        elif op == "Add":
            if not layers or not layers[-1].pop("open", False):
                raise ReluAnimError(f"{where}: Add is read only as the bias right after a MatMul")
            other = [name for name in node.input if name != current]
            if len(node.input) != 2 or len(other) != 1:
                raise ReluAnimError(f"{where}: Add must add one initializer (the bias) to the chain's tensor")
            bias = weight_of(node, index, other[0]).astype(np.float64)
            layers[-1]["bias"] = _bias(where, bias, layers[-1]["weight"].shape[0])
        elif op in _ACTIVATIONS:
            if not layers or layers[-1]["activation"] is not None:
                raise ReluAnimError(f"{where}: an activation must follow a Gemm or MatMul layer")
            slope = _float32_attribute(attrs.get("alpha", 0.01)) if op == "LeakyRelu" else 0.01
            layers[-1]["activation"] = (_ACTIVATIONS[op], slope)
        current = node.output[0]
        produced[current] = index
    if current != graph.output[0].name:
        raise ReluAnimError(f"the chain ends in {current!r}, not the graph's output {graph.output[0].name!r}")
    if not layers:
        raise ReluAnimError("has no Gemm or MatMul layer")
    arrays: dict[str, np.ndarray] = {}
    for i, layer in enumerate(layers):
        arrays[f"{i}.weight"], arrays[f"{i}.bias"] = layer["weight"], layer["bias"]
    activations = [layer["activation"] or ("linear", 0.01) for layer in layers]
    net = network_from_arrays(arrays, activations=activations)
    shape = inputs[0].type.tensor_type.shape.dim if inputs[0].type.HasField("tensor_type") else []
    if shape and shape[-1].HasField("dim_value") and shape[-1].dim_value != net.in_features:
        raise ReluAnimError(f"input {inputs[0].name!r} has {shape[-1].dim_value} features but the first layer "
                            f"takes {net.in_features}")
    return net


def _float32_attribute(value: float) -> float:
    """An ONNX float attribute (stored as float32) as the shortest decimal that float32 reads back to it.

    ``LeakyReLU(0.1)`` is exported as the float32 nearest 0.1; this gives back 0.1,
    the slope the model was built with (both are that same float32).

    Examples
    --------
    >>> _float32_attribute(float(np.float32(0.1)))
    0.1
    """
    return float(str(np.float32(value)))


def _bias(where: str, bias: np.ndarray, rows: int) -> np.ndarray:
    """A bias of ``rows`` numbers, from shape ``(rows,)``, ``(1, rows)`` or one number broadcast."""
    if bias.size == rows and bias.ndim <= 2 and (bias.ndim < 2 or bias.shape[0] == 1):
        return bias.reshape(rows)
    if bias.size == 1:
        return np.full(rows, float(bias.reshape(())))
    raise ReluAnimError(f"{where}: bias of shape {bias.shape} does not match the layer's {rows} outputs")


def load_onnx(path: str | os.PathLike[str]) -> Network:
    """Load an ONNX file of an MLP chain as a network (see :func:`network_from_onnx_bytes`).

    Raises
    ------
    ReluAnimError
        One line naming the file: not a regular file or too large, or refused
        by :func:`network_from_onnx_bytes`.
    """
    name = str(path)
    data = read_regular_file(path, MAX_FILE_BYTES, what="ONNX file")
    try:
        return network_from_onnx_bytes(data)
    except ReluAnimError as err:
        raise ReluAnimError(f"{name}: {err}") from None
