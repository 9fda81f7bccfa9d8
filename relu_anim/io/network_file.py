"""The network JSON file, format version 1: save (atomic) and load (validated).

A file holds one object with sorted keys (see DESIGN.md, "Network JSON"):

- ``format``: ``"relu-anim/network"`` and ``version``: ``1``;
- ``layers``: ``[{"weight": [[...]], "bias": [...], "activation": ...}, ...]``
  (plus ``negative_slope`` for ``leaky_relu``);
- for a scalar-input, scalar-output network on a domain: ``domain`` ``[a, b]``,
  ``breakpoints`` ``{"x", "y"}`` (the kinks strictly inside the domain and the
  network's value there) and ``pieces`` ``{"slope", "intercept", "active"}``;
- optionally ``target`` (the expression fitted), ``metrics`` (name → number)
  and ``history`` (training snapshots ``{"step", "loss", "layers"}``).

:func:`save_network` writes it to a temporary file beside the destination and
renames it into place, so a reader never sees half a file; the same input gives
the same bytes. :func:`load_network` checks everything, recomputes the exact
breakpoints from the weights, and fails with a one-line :class:`ReluAnimError`
whose message names the file and the offending key path first, e.g.
``model.json: layers[1].weight: ragged rows (row 0 has 3 numbers, row 2 has 2)``.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, NoReturn, Sequence

import numpy as np

from .atomic import write_atomic
from ..errors import ReluAnimError
from ..checks import check_domain
from ..network import ACTIVATIONS, Layer, Network
from ..piecewise import PiecewiseLinear

__all__ = [
    "FORMAT",
    "VERSION",
    "NetworkFile",
    "load_network",
    "network_from_dict",
    "network_to_dict",
    "save_network",
]

#: The value of the ``format`` key.
FORMAT = "relu-anim/network"
#: The format version this module writes and reads.
VERSION = 1
#: Stored breakpoints and pieces must agree with the ones recomputed from the
#: weights to this, relative to the domain's (for x) or the values' (for y) scale.
MATCH_RTOL = 1e-9

_TOP_REQUIRED = ("format", "version", "layers")
_TOP_OPTIONAL = ("domain", "breakpoints", "pieces", "target", "metrics", "history")


@dataclass(frozen=True, eq=False)
class NetworkFile:
    """What :func:`load_network` and :func:`network_from_dict` return.

    Attributes
    ----------
    network
        The network built from ``layers``.
    domain
        ``(a, b)``, or ``None`` when the file has no domain.
    piecewise
        The exact pieces on ``domain``, recomputed from the weights (the file's
        ``breakpoints`` and ``pieces`` are checked against it), or ``None``.
    target
        The expression the network was fitted to, if recorded.
    metrics
        Name → number, e.g. ``{"mse": ..., "max_error": ...}``.
    history
        Training snapshots ``{"step": int, "loss": float, "layers": Network}``.
    """

    network: Network
    domain: tuple[float, float] | None = None
    piecewise: PiecewiseLinear | None = None
    target: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)


# ---------------------------------------------------------------------- saving
def network_to_dict(
    net: Network,
    domain: tuple[float, float] | None = None,
    *,
    target: str | None = None,
    metrics: Mapping[str, float] | None = None,
    history: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The network file's content as plain JSON-ready data.

    Parameters
    ----------
    net
        The network; its layers go to ``layers``.
    domain
        ``(a, b)``. Only for a network with one input and one output: then the
        exact ``breakpoints`` and ``pieces`` on it are stored as well.
    target
        The expression fitted, stored as ``target``.
    metrics
        Name → finite number, stored as ``metrics``.
    history
        Training snapshots ``{"step": int, "loss": float, "layers": ...}`` where
        ``layers`` is a :class:`Network`, a list of :class:`Layer` or a list of
        layer dicts; each is stored as layer dicts.

    Returns
    -------
    dict
        Valid input for :func:`network_from_dict` (it is checked before returning).

    Raises
    ------
    ReluAnimError
        If any argument would make an invalid file, e.g. a non-finite metric or a
        domain for a network with two inputs.

    Examples
    --------
    >>> net = Network([Layer([[1.0], [1.0]], [0.0, -1.0], "relu"), Layer([[1.0, 1.0]], [0.0])])
    >>> data = network_to_dict(net, (0, 2), target="x**2")
    >>> data["breakpoints"]
    {'x': [1.0], 'y': [1.0]}
    >>> data["pieces"]
    {'slope': [1.0, 2.0], 'intercept': [0.0, -1.0], 'active': [1, 2]}
    >>> data["layers"][1]
    {'weight': [[1.0, 1.0]], 'bias': [0.0], 'activation': 'linear'}
    """
    if not isinstance(net, Network):
        raise ReluAnimError(f"network: expected a Network, got {type(net).__name__}")
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, **net.to_dict()}
    if domain is not None:
        ends = tuple(_plain(domain)) if isinstance(domain, (list, tuple, np.ndarray)) else ()
        if len(ends) != 2:
            raise ReluAnimError(f"domain: must be (a, b), got {domain!r}")
        a, b = check_domain(*ends)
        if net.in_features != 1 or net.out_features != 1:
            raise ReluAnimError(
                "domain: only a network with one input and one output has breakpoints "
                f"(this one maps {net.in_features} -> {net.out_features})"
            )
        f = net.piecewise(a, b)
        data["domain"] = [a, b]
        data["breakpoints"] = {"x": f.breakpoints.tolist(), "y": f.values.tolist()}
        data["pieces"] = {
            "slope": f.slopes.tolist(),
            "intercept": f.intercepts.tolist(),
            "active": f.active.tolist(),
        }
    if target is not None:
        data["target"] = target
    if metrics is not None:
        data["metrics"] = _plain(metrics)
        if isinstance(data["metrics"], dict):
            data["metrics"] = {
                key: float(value) if _is_number(value) else value
                for key, value in data["metrics"].items()
            }
    if history is not None:
        data["history"] = [_history_entry_to_dict(entry) for entry in history]
    network_from_dict(data)  # never hand out (or save) what load_network refuses
    return data


def _history_entry_to_dict(entry: Any) -> Any:
    """A history snapshot as plain data, its layers as layer dicts."""
    if not isinstance(entry, Mapping):
        return entry  # the validator names the problem
    out = dict(entry)
    layers = out.get("layers")
    if isinstance(layers, Network):
        out["layers"] = layers.to_dict()["layers"]
    elif isinstance(layers, (list, tuple)) and layers and all(isinstance(x, Layer) for x in layers):
        out["layers"] = Network(layers).to_dict()["layers"]
    out = _plain(out)
    if _is_number(out.get("loss")):
        out["loss"] = float(out["loss"])
    return out


def save_network(
    path: str | os.PathLike[str],
    net: Network,
    domain: tuple[float, float] | None = None,
    *,
    target: str | None = None,
    metrics: Mapping[str, float] | None = None,
    history: Sequence[Mapping[str, Any]] | None = None,
) -> Path:
    """Write the network file atomically; the arguments are those of :func:`network_to_dict`.

    The JSON (sorted keys, indent 1, no NaN) goes to a temporary file in the
    destination's directory, is flushed to disk and renamed over ``path``. On
    any error the temporary file is removed and ``path`` is left as it was. An
    existing file keeps its permissions; a new one gets the usual ``0o666 & ~umask``.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ReluAnimError
        If the content is invalid or the file cannot be written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> net = Network([Layer([[1.0]], [-1.0], "relu"), Layer([[2.0]], [0.0])])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = save_network(pathlib.Path(tmp) / "net.json", net, (0, 3))
    ...     print(path.read_text().splitlines()[:3])
    ...     loaded = load_network(path)
    ['{', ' "breakpoints": {', '  "x": [']
    >>> loaded.piecewise.breakpoints.tolist()
    [1.0]
    """
    path = Path(path)
    data = network_to_dict(net, domain, target=target, metrics=metrics, history=history)
    text = json.dumps(data, sort_keys=True, indent=1, allow_nan=False) + "\n"
    _write_atomic(path, text.encode("utf-8"))
    return path


def _write_atomic(path: Path, payload: bytes) -> None:
    """Write ``payload`` over ``path`` atomically; an OS error becomes a one-line message."""
    try:
        write_atomic(path, payload)
    except OSError as err:
        raise ReluAnimError(f"{path}: cannot write ({err.strerror or err})") from err


# --------------------------------------------------------------------- loading
def load_network(path: str | os.PathLike[str]) -> NetworkFile:
    """Read and validate a network file.

    Parameters
    ----------
    path
        The JSON file written by :func:`save_network` (or by hand).

    Returns
    -------
    NetworkFile
        The network, and the domain, recomputed pieces, target, metrics and
        history when present.

    Raises
    ------
    ReluAnimError
        One line, ``<path>: <key path>: <problem>``, if the file is missing,
        unreadable, not UTF-8, not JSON, or fails any check of
        :func:`network_from_dict`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "bad.json"
    ...     _ = path.write_text('{"format": "relu-anim/network", "version": 2}')
    ...     try:
    ...         load_network(path)
    ...     except ReluAnimError as err:
    ...         print(str(err).split(": ", 1)[1])
    version: unsupported version 2 (this relu-anim reads version 1)
    """
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ReluAnimError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise ReluAnimError(f"{source}: is a directory, not a network file") from None
    except OSError as err:
        raise ReluAnimError(f"{source}: cannot read ({err.strerror or err})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ReluAnimError(
            f"{source}: not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start})"
        ) from None
    try:
        data = json.loads(text, parse_constant=_NonFinite, object_pairs_hook=_json_object)
    except json.JSONDecodeError as err:
        raise ReluAnimError(
            f"{source}: line {err.lineno}, column {err.colno}: invalid JSON ({err.msg})"
        ) from None
    except (ValueError, RecursionError) as err:  # e.g. an integer with too many digits
        raise ReluAnimError(f"{source}: invalid JSON ({err})") from None
    return network_from_dict(data, source=source)


def network_from_dict(data: Mapping[str, Any], *, source: str = "network") -> NetworkFile:
    """Validate parsed network JSON and build the :class:`NetworkFile`.

    Checks the format and version, the layers (non-empty rectangular weights,
    matching bias lengths and consecutive shapes, finite numbers, known
    activations), the domain, the stored breakpoints and pieces (well formed, and
    agreeing with the ones recomputed from the weights), target, metrics and
    history. Unknown keys are refused.

    Parameters
    ----------
    data
        The parsed JSON object.
    source
        Where the data came from; the first part of every error message.

    Raises
    ------
    ReluAnimError
        ``<source>: <key path>: <problem>``, for the first problem found.

    Examples
    --------
    >>> net = Network([Layer([[1.0], [1.0]], [0.0, -1.0], "relu"), Layer([[1.0, 1.0]], [0.0])])
    >>> data = network_to_dict(net, (0, 2))
    >>> network_from_dict(data).piecewise.slopes.tolist()
    [1.0, 2.0]
    >>> data["layers"][1]["weight"] = [[1.0, 1.0, 1.0]]
    >>> network_from_dict(data, source="model.json")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: model.json: layers[1].weight: takes 3 inputs but layers[0] has 2 units
    """
    try:
        return _parse(data)
    except ReluAnimError as err:
        raise ReluAnimError(f"{source}: {err}") from None


def _parse(data: Any) -> NetworkFile:
    if not isinstance(data, Mapping):
        _fail("top level", f"must be an object, got {_kind(data)}")
    if "format" not in data:
        _fail("format", f"missing (expected {FORMAT!r})")
    if data["format"] != FORMAT:
        _fail("format", f"expected {FORMAT!r}, got {_show(data['format'])}")
    if "version" not in data:
        _fail("version", f"missing (this relu-anim reads version {VERSION})")
    version = data["version"]
    if not (type(version) is int and version == VERSION):
        _fail("version", f"unsupported version {_show(version)} (this relu-anim reads version {VERSION})")
    _object(data, "", _TOP_REQUIRED, _TOP_OPTIONAL)

    net = _network(data["layers"], "layers")
    domain = piecewise = None
    for key in ("breakpoints", "pieces"):
        if key in data and "domain" not in data:
            _fail(key, "needs 'domain' alongside")
    if "pieces" in data and "breakpoints" not in data:
        _fail("pieces", "needs 'breakpoints' alongside")
    if "domain" in data:
        domain = _domain(data["domain"], "domain")
        if net.in_features != 1 or net.out_features != 1:
            _fail("domain", "only a network with one input and one output has one "
                  f"(this one maps {net.in_features} -> {net.out_features})")
        piecewise = net.piecewise(*domain)
        if "breakpoints" in data:
            x, y = _breakpoints(data["breakpoints"], "breakpoints", domain)
            _agree_breakpoints(x, y, piecewise)
            if "pieces" in data:
                slope, intercept, active = _pieces(data["pieces"], "pieces", len(x))
                _agree_pieces(slope, intercept, active, piecewise)

    target = None
    if "target" in data:
        target = data["target"]
        if not isinstance(target, str):
            _fail("target", f"must be a string, got {_kind(target)}")
    metrics: dict[str, float] = {}
    if "metrics" in data:
        for key, value in _object(data["metrics"], "metrics").items():
            if not isinstance(key, str):
                _fail("metrics", f"names must be strings, got {_show(key)}")
            metrics[key] = _number(value, f"metrics.{key}")
    history = _history(data["history"], "history") if "history" in data else []
    return NetworkFile(net, domain, piecewise, target, metrics, history)


# ----------------------------------------------------------- checks, one each
class _NonFinite:
    """What the JSON parser makes of ``NaN``, ``Infinity`` and ``-Infinity``."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class _JSONObject(dict):
    """A parsed JSON object that remembers keys it had more than once."""

    duplicates: tuple[str, ...] = ()


def _json_object(pairs: list[tuple[str, Any]]) -> _JSONObject:
    obj = _JSONObject(pairs)
    if len(obj) != len(pairs):
        obj.duplicates = tuple(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
    return obj


def _fail(where: str, message: str) -> NoReturn:
    raise ReluAnimError(f"{where}: {message}" if where else message)


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _kind(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, _NonFinite) or _is_number(value):
        return "number"
    return type(value).__name__


def _show(value: Any) -> str:
    """A short rendering of a value for messages."""
    text = json.dumps(value) if isinstance(value, (str, bool, type(None))) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _fmt(x: float) -> str:
    return repr(float(x))


def _is_number(value: Any) -> bool:
    """True for ints and floats (numpy's too), false for booleans."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _number(value: Any, where: str) -> float:
    """A finite number as a float; booleans are not numbers."""
    if isinstance(value, _NonFinite):
        _fail(where, f"not a finite number (got {value!r})")
    if not _is_number(value):
        _fail(where, f"must be a number, got {_kind(value)}")
    try:
        x = float(value)
    except OverflowError:
        _fail(where, "not a finite number (too large)")
    if not math.isfinite(x):
        _fail(where, f"not a finite number (got {x!r})")
    return x


def _count(value: Any, where: str) -> int:
    """A whole number >= 0 (a JSON integer, not 2.0 and not true)."""
    if not (isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
            and value >= 0):
        _fail(where, f"must be a whole number >= 0, got {_show(value)}")
    return int(value)


def _list(value: Any, where: str) -> Sequence[Any]:
    if not isinstance(value, (list, tuple)):
        _fail(where, f"must be a list, got {_kind(value)}")
    return value


def _vector(value: Any, where: str) -> np.ndarray:
    """A list of finite numbers as a float array (possibly empty)."""
    items = _list(value, where)
    return np.array([_number(v, f"{where}[{i}]") for i, v in enumerate(items)], dtype=float)


def _matrix(value: Any, where: str) -> np.ndarray:
    """A non-empty rectangular list of non-empty rows of finite numbers."""
    rows = _list(value, where)
    if not rows:
        _fail(where, "must be a non-empty list of rows, got an empty list")
    width = None
    out = []
    for i, row in enumerate(rows):
        row = _list(row, f"{where}[{i}]")
        if not row:
            _fail(f"{where}[{i}]", "empty row")
        if width is None:
            width = len(row)
        elif len(row) != width:
            _fail(where, f"ragged rows (row 0 has {width} numbers, row {i} has {len(row)})")
        out.append(_vector(row, f"{where}[{i}]"))
    return np.array(out)


def _object(value: Any, where: str, required: Sequence[str] = (),
            optional: Sequence[str] | None = None) -> Mapping[str, Any]:
    """An object with the ``required`` keys and no others than ``optional``
    (any others when ``optional`` is None)."""
    if not isinstance(value, Mapping):
        _fail(where or "top level", f"must be an object, got {_kind(value)}")
    duplicates = getattr(value, "duplicates", ())
    if duplicates:
        _fail(where or "top level", f"duplicate key {duplicates[0]!r}")
    if optional is not None:
        for key in value:
            if key not in required and key not in optional:
                _fail(where, f"unknown key {key!r}")
    for key in required:
        if key not in value:
            _fail(_join(where, key), "missing")
    return value


def _layer(value: Any, where: str) -> Layer:
    obj = _object(value, where, ("weight", "bias", "activation"), ("negative_slope",))
    weight = _matrix(obj["weight"], f"{where}.weight")
    bias = _vector(obj["bias"], f"{where}.bias")
    if len(bias) != len(weight):
        _fail(f"{where}.bias", f"has {len(bias)} numbers but {where}.weight has {len(weight)} rows")
    activation = obj["activation"]
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        _fail(f"{where}.activation",
              f"unknown activation {_show(activation)} (expected one of {', '.join(ACTIVATIONS)})")
    extra: dict[str, float] = {}
    if "negative_slope" in obj:
        if activation != "leaky_relu":
            _fail(f"{where}.negative_slope",
                  f"only allowed with activation 'leaky_relu' (this layer is {activation!r})")
        extra["negative_slope"] = _number(obj["negative_slope"], f"{where}.negative_slope")
    return Layer(weight, bias, activation, **extra, name=where)


def _network(value: Any, where: str) -> Network:
    items = _list(value, where)
    if not items:
        _fail(where, "must list at least one layer, got an empty list")
    layers = [_layer(item, f"{where}[{i}]") for i, item in enumerate(items)]
    for i in range(1, len(layers)):
        if layers[i].in_features != layers[i - 1].out_features:
            _fail(f"{where}[{i}].weight", f"takes {layers[i].in_features} inputs but "
                  f"{where}[{i - 1}] has {layers[i - 1].out_features} units")
    return Network(layers)


def _domain(value: Any, where: str) -> tuple[float, float]:
    ends = _list(value, where)
    if len(ends) != 2:
        _fail(where, f"must be [a, b], got a list of {len(ends)}")
    a, b = (_number(v, f"{where}[{i}]") for i, v in enumerate(ends))
    if not a < b:
        _fail(where, f"a must be smaller than b (got {_fmt(a)} >= {_fmt(b)})")
    return a, b


def _breakpoints(value: Any, where: str, domain: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    obj = _object(value, where, ("x", "y"), ())
    x = _vector(obj["x"], f"{where}.x")
    y = _vector(obj["y"], f"{where}.y")
    if len(y) != len(x):
        _fail(f"{where}.y", f"has {len(y)} numbers but {where}.x has {len(x)}")
    a, b = domain
    for i in range(len(x)):
        if i and not x[i] > x[i - 1]:
            _fail(f"{where}.x[{i}]", f"not strictly increasing ({_fmt(x[i])} after {_fmt(x[i - 1])})")
        if not a < x[i] < b:
            _fail(f"{where}.x[{i}]",
                  f"{_fmt(x[i])} is not strictly inside the domain ({_fmt(a)}, {_fmt(b)})")
    return x, y


def _pieces(value: Any, where: str, kinks: int) -> tuple[np.ndarray, np.ndarray, list[int]]:
    obj = _object(value, where, ("slope", "intercept", "active"), ())
    slope = _vector(obj["slope"], f"{where}.slope")
    intercept = _vector(obj["intercept"], f"{where}.intercept")
    active = [_count(v, f"{where}.active[{i}]") for i, v in enumerate(_list(obj["active"], f"{where}.active"))]
    for key, entries in (("slope", slope), ("intercept", intercept), ("active", active)):
        if len(entries) != kinks + 1:
            _fail(f"{where}.{key}", f"has {len(entries)} entries but {kinks} breakpoints "
                  f"make {kinks + 1} pieces")
    return slope, intercept, active


def _agree_breakpoints(x: np.ndarray, y: np.ndarray, f: PiecewiseLinear) -> None:
    """The stored kinks are the network's, up to :data:`MATCH_RTOL`."""
    if len(x) != len(f.breakpoints):
        _fail("breakpoints.x", f"do not match the network's kinks "
              f"(file has {len(x)}, network has {len(f.breakpoints)})")
    a, b = f.domain
    x_tol = MATCH_RTOL * max(abs(a), abs(b))
    y_tol = MATCH_RTOL * _scale(f.knot_values)
    for i in range(len(x)):
        if abs(x[i] - f.breakpoints[i]) > x_tol:
            _fail(f"breakpoints.x[{i}]",
                  f"{_fmt(x[i])} does not match the network's kink at {_fmt(f.breakpoints[i])}")
        if abs(y[i] - f.values[i]) > y_tol:
            _fail(f"breakpoints.y[{i}]",
                  f"{_fmt(y[i])} does not match the network's value {_fmt(f.values[i])} there")


def _agree_pieces(slope: np.ndarray, intercept: np.ndarray, active: list[int],
                  f: PiecewiseLinear) -> None:
    """The stored pieces are the network's, up to :data:`MATCH_RTOL`."""
    a, b = f.domain
    slope_tol = MATCH_RTOL * _scale(f.slopes)
    intercept_tol = MATCH_RTOL * max(
        _scale(f.intercepts), _scale(f.knot_values), _scale(f.slopes) * max(abs(a), abs(b))
    )
    for i in range(len(slope)):
        if abs(slope[i] - f.slopes[i]) > slope_tol:
            _fail(f"pieces.slope[{i}]",
                  f"{_fmt(slope[i])} does not match the network's slope {_fmt(f.slopes[i])}")
        if abs(intercept[i] - f.intercepts[i]) > intercept_tol:
            _fail(f"pieces.intercept[{i}]", f"{_fmt(intercept[i])} does not match the "
                  f"network's intercept {_fmt(f.intercepts[i])}")
        if active[i] != f.active[i]:
            _fail(f"pieces.active[{i}]",
                  f"{active[i]} does not match the network's {int(f.active[i])} active units")


def _scale(values: np.ndarray) -> float:
    return max(float(np.max(np.abs(values))), np.finfo(float).tiny) if len(values) else 1.0


def _history(value: Any, where: str) -> list[dict[str, Any]]:
    snapshots: list[dict[str, Any]] = []
    for i, entry in enumerate(_list(value, where)):
        at = f"{where}[{i}]"
        obj = _object(entry, at, ("step", "loss", "layers"), ())
        step = _count(obj["step"], f"{at}.step")
        if snapshots and step <= snapshots[-1]["step"]:
            _fail(f"{at}.step",
                  f"{step} does not come after the previous snapshot's step {snapshots[-1]['step']}")
        loss = _number(obj["loss"], f"{at}.loss")
        snapshots.append({"step": step, "loss": loss, "layers": _network(obj["layers"], f"{at}.layers")})
    return snapshots


def _plain(value: Any) -> Any:
    """numpy arrays and scalars, tuples and mappings as plain JSON-ready Python."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
