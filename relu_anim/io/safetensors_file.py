"""Reading a ``.safetensors`` file of an MLP's weights, without torch: :func:`load_safetensors`.

A safetensors file is an 8-byte little-endian header length ``N``, ``N`` bytes
of JSON (``{name: {"dtype", "shape", "data_offsets"}, "__metadata__": {...}}``)
and the tensors' bytes. The file is read through
:func:`~relu_anim.io.reading.read_regular_file` (a regular file of at most
:data:`MAX_FILE_BYTES`: no FIFO, device or huge file), its header is checked
here (length, JSON, every tensor's dtype, shape and byte range inside the data,
the number count within :data:`~relu_anim.io.state_dict.MAX_PARAMETERS`) before
``safetensors.numpy`` unpacks it, and the arrays go to
:func:`~relu_anim.io.state_dict.network_from_arrays`, the same layout as a
PyTorch state_dict (``0.weight``, ``fc1.weight``, …).

The ``safetensors`` package is optional (``pip install 'relu-anim[clip]'``).

Examples
--------
>>> import os, tempfile
>>> from safetensors.numpy import save_file
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = os.path.join(tmp, "mlp.safetensors")
...     save_file({"0.weight": np.ones((2, 1), np.float32), "2.weight": np.ones((1, 2), np.float32)}, path)
...     load_safetensors(path).widths
[1, 2, 1]
"""

from __future__ import annotations

import json
import math
import os
import struct
from typing import Any

import numpy as np

from ..errors import ReluAnimError
from ..network import Network
from .reading import read_regular_file
from .state_dict import MAX_PARAMETERS, check_activation, network_from_arrays

__all__ = ["MAX_FILE_BYTES", "MAX_HEADER_BYTES", "MAGIC_CHECK", "load_safetensors", "looks_like_safetensors"]

#: Largest ``.safetensors`` file read, in bytes (as for a ``.pt`` file).
MAX_FILE_BYTES = 64 * 2**20
#: Largest JSON header read, in bytes (2,000 tensors need about 200 kB).
MAX_HEADER_BYTES = 4 * 2**20
#: How many leading bytes :func:`looks_like_safetensors` needs.
MAGIC_CHECK = 9

#: The dtypes read, with their item sizes; safetensors names them like this.
_DTYPES = {"F64": 8, "F32": 4, "F16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
           "U64": 8, "U32": 4, "U16": 2, "U8": 1}


def looks_like_safetensors(head: bytes) -> bool:
    """Whether the first bytes of a file look like a safetensors header.

    Examples
    --------
    >>> looks_like_safetensors(struct.pack("<Q", 2) + b"{}")
    True
    >>> looks_like_safetensors(b"PK\\x03\\x04....")
    False
    """
    if len(head) < MAGIC_CHECK:
        return False
    size = struct.unpack_from("<Q", head)[0]
    return 2 <= size <= MAX_HEADER_BYTES and head[8:9] == b"{"


def _header(data: bytes) -> dict[str, Any]:
    """The checked header: every tensor's dtype, shape and byte range inside the data."""
    if len(data) < 8:
        raise ReluAnimError("not a safetensors file (shorter than its 8-byte header length)")
    size = struct.unpack_from("<Q", data)[0]
    if size > MAX_HEADER_BYTES:
        raise ReluAnimError(f"its header declares {size:,} bytes, more than the {MAX_HEADER_BYTES:,} read")
    if 8 + size > len(data):
        raise ReluAnimError(f"truncated (its header declares {size:,} bytes; the file has {len(data) - 8:,} after it)")
    try:
        header = json.loads(data[8:8 + size].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ReluAnimError("not a safetensors file (its header is not JSON)") from None
    if not isinstance(header, dict):
        raise ReluAnimError("not a safetensors file (its header is not a JSON object)")
    available = len(data) - 8 - size
    total = 0
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    for name, spec in tensors.items():
        if not isinstance(spec, dict) or not {"dtype", "shape", "data_offsets"} <= set(spec):
            raise ReluAnimError(f"{name}: not a tensor entry (expected dtype, shape and data_offsets)")
        dtype, shape, offsets = spec["dtype"], spec["shape"], spec["data_offsets"]
        if dtype not in _DTYPES:
            raise ReluAnimError(
                f"{name}: dtype {dtype} is not read (save float32 or float64 tensors: "
                f"one of {', '.join(_DTYPES)})"
            )
        if not (isinstance(shape, list) and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                                                for d in shape)):
            raise ReluAnimError(f"{name}: shape {shape!r} is not a list of sizes")
        if not (isinstance(offsets, list) and len(offsets) == 2
                and all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
                and 0 <= offsets[0] <= offsets[1] <= available):
            raise ReluAnimError(f"{name}: data_offsets {offsets!r} are not inside the file's {available:,} data bytes")
        count = math.prod(shape)
        if count > MAX_PARAMETERS:
            raise ReluAnimError(f"{name}: holds {count:,} numbers (shape {tuple(shape)}), "
                                f"more than the {MAX_PARAMETERS:,} a network may have")
        if offsets[1] - offsets[0] != count * _DTYPES[dtype]:
            raise ReluAnimError(f"{name}: shape {tuple(shape)} of {dtype} needs {count * _DTYPES[dtype]:,} bytes, "
                                f"data_offsets give {offsets[1] - offsets[0]:,}")
        total += count
        if total > MAX_PARAMETERS:
            raise ReluAnimError(f"holds more than the {MAX_PARAMETERS:,} numbers a network may have (reached at {name})")
    return tensors


def load_safetensors(path: str | os.PathLike[str], activation: str = "relu",
                     negative_slope: float = 0.01) -> Network:
    """Load a ``.safetensors`` file holding an MLP's state_dict as a network.

    Parameters
    ----------
    path
        The file (symbolic links followed; a regular file of at most :data:`MAX_FILE_BYTES`).
    activation, negative_slope
        Between the layers (the file does not record activations); the last layer is linear.

    Raises
    ------
    ReluAnimError
        One line naming the file: not a regular file or too large, not a
        safetensors file, a header that is not as the format says, a dtype not
        read (bfloat16, bool), missing or mis-shaped tensors (see
        :func:`~relu_anim.io.state_dict.network_from_arrays`), or the optional
        ``safetensors`` package missing.
    """
    activation, negative_slope = check_activation(activation, negative_slope)
    name = str(path)
    data = read_regular_file(path, MAX_FILE_BYTES, what="safetensors file")
    try:
        order = list(_header(data))
    except ReluAnimError as err:
        raise ReluAnimError(f"{name}: {err}") from None
    try:
        # optional: only .safetensors sources need it
        from safetensors.numpy import load
    except ModuleNotFoundError:
        raise ReluAnimError(f"{name}: reading .safetensors needs the safetensors package; "
                            "install it with: pip install 'relu-anim[clip]'") from None
    try:
        loaded = load(data)
    except Exception as err:  # noqa: BLE001 - the Rust reader raises its own error types
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise ReluAnimError(f"{name}: not a valid safetensors file ({first})") from None
    arrays = {key: np.asarray(loaded[key]) for key in order}  # the header's order, not the loader's
    try:
        return network_from_arrays(arrays, activation, negative_slope)
    except ReluAnimError as err:
        raise ReluAnimError(f"{name}: {err}") from None
