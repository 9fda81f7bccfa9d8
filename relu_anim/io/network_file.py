"""The network JSON file, format version 1: save (atomic) and load (validated).

The format is specified field by field in ``docs/network-file.md``; its
declarative part is the JSON Schema ``relu_anim/io/network.schema.json``
(:mod:`relu_anim.io.schema`). In short, one object with sorted keys:

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
the same bytes. :func:`load_network` reads at most :data:`MAX_FILE_BYTES` from a
regular file, checks the schema, then what a schema cannot say (rectangular
weights, consecutive shapes, finite numbers, breakpoints agreeing with the ones
recomputed from the weights), and fails with a one-line :class:`ReluAnimError`
whose message names the file and the offending key path first, e.g.
``model.json: layers[1].weight: ragged rows (row 0 has 3 numbers, row 2 has 2)``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, NoReturn, Sequence

import numpy as np

from .atomic import write_atomic
from .json_text import check_values, parse_json
from .reading import read_regular_file
from .schema import key_path, schema_problem, show
from ..checks import check_domain
from ..errors import ReluAnimError
from ..network import Layer, Network
from ..piecewise import PiecewiseLinear

__all__ = [
    "FORMAT",
    "MAX_FILE_BYTES",
    "MAX_OBJECTS",
    "VERSION",
    "NetworkFile",
    "load_network",
    "network_from_dict",
    "network_from_json",
    "network_json",
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
#: The largest network file :func:`load_network` reads: 64 MiB, about three
#: million numbers (a 1-1700-1700-1 network, or 200 snapshots of a 1-64-64-1 one).
MAX_FILE_BYTES = 64 * 2**20
#: The most JSON objects (the top level, layers, snapshots, ...) a network file
#: may hold. Validating one layer object costs jsonschema about 0.2 ms; without
#: this bound 64 MiB of tiny layers would take minutes. A 40-snapshot history
#: of a 3-layer network has about 200.
MAX_OBJECTS = 20_000


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
        _check_scalar(net)
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
        data["metrics"] = _plain(metrics, ("metrics",))
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


def network_json(
    net: Network,
    domain: tuple[float, float] | None = None,
    *,
    target: str | None = None,
    metrics: Mapping[str, float] | None = None,
    history: Sequence[Mapping[str, Any]] | None = None,
) -> bytes:
    r"""The network file's bytes; the arguments are those of :func:`network_to_dict`.

    Sorted keys, indent 1, ASCII only (other characters as ``\uXXXX``), no NaN,
    one final newline: the same arguments give the same bytes. A file larger
    than :data:`MAX_FILE_BYTES` is refused, as :func:`load_network` would.

    Examples
    --------
    >>> net = Network([Layer([[1.0]], [-1.0], "relu"), Layer([[2.0]], [0.0])])
    >>> network_json(net, target="x²").decode().splitlines()[-3:]
    [' "target": "x\\u00b2",', ' "version": 1', '}']
    """
    data = network_to_dict(net, domain, target=target, metrics=metrics, history=history)
    payload = (json.dumps(data, sort_keys=True, indent=1, allow_nan=False) + "\n").encode("ascii")
    if len(payload) > MAX_FILE_BYTES:  # never write what load_network refuses
        raise ReluAnimError(f"network: the file would have {len(payload):,} bytes; "
                            f"a network file may have at most {MAX_FILE_BYTES:,} bytes")
    return payload


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

    The bytes of :func:`network_json` go to a temporary file in the
    destination's directory, are flushed to disk and renamed over ``path`` (see
    :func:`relu_anim.io.atomic.atomic_path` for what ``path`` may be: a regular
    file you may write, or a symbolic link to one). On any error the temporary
    file is removed and ``path`` is left as it was. An existing file keeps its
    permissions; a new one gets the usual ``0o666 & ~umask``.

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
    payload = network_json(net, domain, target=target, metrics=metrics, history=history)
    try:
        write_atomic(path, payload)
    except OSError as err:
        raise ReluAnimError(f"{path}: cannot write ({err.strerror or err})") from err
    return path


# --------------------------------------------------------------------- loading
def load_network(path: str | os.PathLike[str]) -> NetworkFile:
    """Read and validate a network file.

    Parameters
    ----------
    path
        The JSON file written by :func:`save_network` (or by hand): a regular
        file (or a symbolic link to one) of at most :data:`MAX_FILE_BYTES`, in
        UTF-8 (a byte order mark is allowed), UTF-16 or UTF-32.

    Returns
    -------
    NetworkFile
        The network, and the domain, recomputed pieces, target, metrics and
        history when present.

    Raises
    ------
    ReluAnimError
        One line, ``<path>: <key path>: <problem>``, if the file is missing,
        not a regular file (a FIFO would block, ``/dev/zero`` never ends), too
        large, unreadable, not text, not JSON, or fails any check of
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
    raw = read_regular_file(path, MAX_FILE_BYTES, what="network file")
    return network_from_json(raw, source=str(path))


def network_from_json(raw: bytes | str, *, source: str = "network") -> NetworkFile:
    """Parse network JSON text and validate it like :func:`network_from_dict`.

    Bytes may be UTF-8 (with or without a byte order mark), UTF-16 or UTF-32,
    told apart as RFC 8259 and :func:`json.loads` do. Keys given twice in one
    object and the non-standard ``NaN``/``Infinity`` literals are reported at
    their key path.

    Examples
    --------
    >>> network_from_json('{"format": "relu-anim/network", "version": 1, "layers": []}')
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: network: layers: must not be empty
    """
    return _validated(parse_json(raw, source), source)


def network_from_dict(data: Mapping[str, Any], *, source: str = "network") -> NetworkFile:
    """Validate parsed network JSON and build the :class:`NetworkFile`.

    First the format and version (a reader refuses any version but
    :data:`VERSION`); then every value (:func:`relu_anim.io.json_text.check_values`:
    finite numbers, no duplicate keys, at most :data:`MAX_OBJECTS` objects);
    then the JSON Schema (:mod:`relu_anim.io.schema`: keys, types, activations,
    whole numbers); then what a schema cannot say: rectangular weights, bias
    lengths and consecutive shapes (checked by :class:`Layer` and
    :class:`Network`), ``a < b`` (:func:`~relu_anim.checks.check_domain`),
    breakpoints increasing inside the domain and agreeing with the ones
    recomputed from the weights, one piece more than breakpoints, history
    steps increasing.

    Parameters
    ----------
    data
        The parsed JSON object (numpy arrays and scalars, tuples are accepted).
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
        plain = _plain(data)
    except RecursionError:
        raise ReluAnimError(f"{source}: nested too deeply") from None
    except ReluAnimError as err:
        raise ReluAnimError(f"{source}: {err}") from None
    return _validated(plain, source)


def _validated(data: Any, source: str) -> NetworkFile:
    try:
        return _parse(data)
    except ReluAnimError as err:
        raise ReluAnimError(f"{source}: {err}") from None


def _parse(data: Any) -> NetworkFile:
    _check_version(data)
    check_values(data, max_objects=MAX_OBJECTS, what="a network file")
    problem = schema_problem(data)
    if problem is not None:
        raise ReluAnimError(problem)
    net = _network(data["layers"], ["layers"])
    domain = piecewise = None
    if "domain" in data:
        domain = check_domain(*data["domain"])
        _check_scalar(net)
        piecewise = net.piecewise(*domain)
        if "breakpoints" in data:
            kinks = _agree_breakpoints(data["breakpoints"], piecewise)
            if "pieces" in data:
                _agree_pieces(data["pieces"], kinks, piecewise)
    history: list[dict[str, Any]] = []
    for i, entry in enumerate(data.get("history", [])):
        step = int(entry["step"])
        if history and step <= history[-1]["step"]:
            _fail(f"history[{i}].step",
                  f"{step} does not come after the previous snapshot's step {history[-1]['step']}")
        layers = _network(entry["layers"], ["history", i, "layers"])
        history.append({"step": step, "loss": float(entry["loss"]), "layers": layers})
    metrics = {name: float(value) for name, value in data.get("metrics", {}).items()}
    return NetworkFile(net, domain, piecewise, data.get("target"), metrics, history)


# ------------------------------------------------------- what a schema cannot say
def _check_version(data: Any) -> None:
    """Refuse another format or version before validating against version 1's schema."""
    if not isinstance(data, Mapping):
        return  # the schema names the problem
    if "format" not in data:
        _fail("format", f"missing (expected {FORMAT!r})")
    if data["format"] != FORMAT:
        _fail("format", f"expected {FORMAT!r}, got {show(data['format'])}")
    if "version" not in data:
        _fail("version", f"missing (this relu-anim reads version {VERSION})")
    version = data["version"]
    if not (type(version) is int and version == VERSION):  # 1.0 and true are not version 1
        _fail("version", f"unsupported version {show(version)} (this relu-anim reads version {VERSION})")


def _network(items: list[Any], where: list[str | int]) -> Network:
    """The layers at ``where`` as a Network; Layer and Network check shapes and values."""
    layers = []
    for i, item in enumerate(items):
        at = key_path(where + [i])
        rows = item["weight"]
        for r, row in enumerate(rows):
            if len(row) != len(rows[0]):
                _fail(f"{at}.weight", f"ragged rows (row 0 has {len(rows[0])} numbers, row {r} has {len(row)})")
        extra = {"negative_slope": item["negative_slope"]} if "negative_slope" in item else {}
        layers.append(Layer(rows, item["bias"], item["activation"], **extra, name=at))
    try:
        return Network(layers)
    except ReluAnimError as err:  # Network names layers[i]; say whose layers
        prefix = key_path(where[:-1]) + "." if len(where) > 1 else ""
        raise ReluAnimError(f"{prefix}{err}") from None


def _check_scalar(net: Network) -> None:
    if net.in_features != 1 or net.out_features != 1:
        _fail("domain", "only a network with one input and one output has one "
              f"(this one maps {net.in_features} -> {net.out_features})")


def _agree_breakpoints(stored: Mapping[str, list[float]], f: PiecewiseLinear) -> int:
    """The stored kinks are increasing, inside the domain and the network's, up to :data:`MATCH_RTOL`.

    Returns the number of kinks.
    """
    x, y = np.array(stored["x"], dtype=float), np.array(stored["y"], dtype=float)
    if len(y) != len(x):
        _fail("breakpoints.y", f"has {len(y)} numbers but breakpoints.x has {len(x)}")
    a, b = f.domain
    for i in range(len(x)):
        if i and not x[i] > x[i - 1]:
            _fail(f"breakpoints.x[{i}]", f"not strictly increasing ({_fmt(x[i])} after {_fmt(x[i - 1])})")
        if not a < x[i] < b:
            _fail(f"breakpoints.x[{i}]",
                  f"{_fmt(x[i])} is not strictly inside the domain ({_fmt(a)}, {_fmt(b)})")
    if len(x) != len(f.breakpoints):
        _fail("breakpoints.x", f"do not match the network's kinks "
              f"(file has {len(x)}, network has {len(f.breakpoints)})")
    x_tol = MATCH_RTOL * max(abs(a), abs(b))
    y_tol = MATCH_RTOL * _scale(f.knot_values)
    for i in range(len(x)):
        if abs(x[i] - f.breakpoints[i]) > x_tol:
            _fail(f"breakpoints.x[{i}]",
                  f"{_fmt(x[i])} does not match the network's kink at {_fmt(f.breakpoints[i])}")
        if abs(y[i] - f.values[i]) > y_tol:
            _fail(f"breakpoints.y[{i}]",
                  f"{_fmt(y[i])} does not match the network's value {_fmt(f.values[i])} there")
    return len(x)


def _agree_pieces(stored: Mapping[str, list[Any]], kinks: int, f: PiecewiseLinear) -> None:
    """One piece more than kinks, each the network's, up to :data:`MATCH_RTOL`."""
    for key in ("slope", "intercept", "active"):
        if len(stored[key]) != kinks + 1:
            _fail(f"pieces.{key}", f"has {len(stored[key])} entries but {kinks} breakpoints "
                  f"make {kinks + 1} pieces")
    slope = np.array(stored["slope"], dtype=float)
    intercept = np.array(stored["intercept"], dtype=float)
    active = [int(n) for n in stored["active"]]
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


# ------------------------------------------------------------------ messages
def _fail(where: str, message: str) -> NoReturn:
    raise ReluAnimError(f"{where}: {message}")


def _fmt(x: float) -> str:
    return repr(float(x))


def _is_number(value: Any) -> bool:
    """True for ints and floats (numpy's too), false for booleans."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


_JSON_SCALARS = frozenset({float, int, str, bool, type(None)})


def _plain(value: Any, where: tuple[str | int, ...] = ()) -> Any:
    """numpy arrays and scalars, tuples and mappings as plain JSON-ready Python."""
    if type(value) in _JSON_SCALARS:  # most values: answer before the slower isinstance tests
        return value
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        for key in value:
            if not isinstance(key, str):
                raise ReluAnimError(f"{key_path(where)}: keys must be strings, got {key!r}")
        return {key: _plain(v, where + (key,)) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, where + (i,)) for i, v in enumerate(value)]
    return value
