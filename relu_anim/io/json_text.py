"""Strict JSON text: any Unicode encoding in, and nothing JSON does not allow out.

:func:`parse_json` reads UTF-8 (with or without a byte order mark), UTF-16 and
UTF-32 as RFC 8259 and :func:`json.loads` detect them, and reports a syntax
error with its line and column. It keeps what a plain ``json.loads`` would hide:
keys given twice in one object, and the non-standard ``NaN``/``Infinity``
literals as written; :func:`check_values` then names them at their key path,
with numbers beyond a double and too many objects.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from typing import Any, NoReturn

from .schema import key_path
from ..errors import ReluAnimError

__all__ = ["check_values", "looks_like_json", "parse_json"]


def parse_json(raw: bytes | str, source: str = "text") -> Any:
    """Parsed JSON, or a one-line :class:`ReluAnimError` starting with ``source``.

    Examples
    --------
    >>> parse_json(b'\\xef\\xbb\\xbf {"a": [1, 2.5]}')
    {'a': [1, 2.5]}
    >>> parse_json('{"a": 1,}', "model.json")
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: model.json: line 1, column 9: invalid JSON (Expecting property name enclosed in double quotes)
    """
    text = _decode(raw, source) if isinstance(raw, bytes) else raw.removeprefix("\ufeff")
    try:
        return json.loads(text, parse_constant=_NonFinite, object_pairs_hook=_JSONObject.from_pairs)
    except json.JSONDecodeError as err:
        raise ReluAnimError(
            f"{source}: line {err.lineno}, column {err.colno}: invalid JSON ({err.msg})"
        ) from None
    except RecursionError:
        raise ReluAnimError(f"{source}: invalid JSON (nested too deeply)") from None
    except ValueError as err:  # e.g. an integer with too many digits
        raise ReluAnimError(f"{source}: invalid JSON ({err})") from None


def looks_like_json(raw: bytes) -> bool:
    """Whether ``raw`` is text (UTF-8, -16 or -32) whose first non-blank character opens JSON.

    How the CLI tells a network file from a PyTorch one: such bytes are
    reported by :func:`parse_json` as bad JSON (with its position), not as
    "not a network file".

    Examples
    --------
    >>> looks_like_json(b'\\xef\\xbb\\xbf  {"format": 1}'), looks_like_json(' [1]'.encode("utf-16"))
    (True, True)
    >>> looks_like_json(b"PK\\x03\\x04"), looks_like_json(b"")
    (False, False)
    """
    # leniently: bad bytes further on are parse_json's to report, with their offset
    text = raw.decode(json.detect_encoding(raw), errors="replace").removeprefix("\ufeff")
    return text.lstrip(" \t\r\n")[:1] in ("{", "[")


def check_values(data: Any, *, max_objects: int, what: str = "a file") -> None:
    """No key twice in one object, every number a finite double (no NaN, 1e400
    or 10**400), at most ``max_objects`` objects.

    Walks parsed JSON in document order without recursion and names the first
    offender's key path; paths are only built for it (a million-row weight
    matrix is walked in well under a second).

    Raises
    ------
    ReluAnimError
        ``<key path>: <problem>``.

    Examples
    --------
    >>> check_values(parse_json('{"a": [1, 2, NaN]}'), max_objects=10)
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: a[2]: not a finite number (got NaN)
    >>> check_values(parse_json('{"a": {"b": 1, "b": 2}}'), max_objects=10)
    Traceback (most recent call last):
    ...
    relu_anim.errors.ReluAnimError: a: duplicate key 'b'
    """
    if not isinstance(data, (dict, list)):
        return  # the schema names the problem
    _check_keys_once(data, None)
    objects = 1
    stack = [(iter(data.items() if isinstance(data, dict) else enumerate(data)), None)]
    while stack:
        entries, parent = stack[-1]
        for key, child in entries:
            kind = type(child)
            if kind is float:
                if not -math.inf < child < math.inf:
                    _fail(_trail_path((parent, key)), f"not a finite number (got {child!r})")
            elif kind is list and _finite_numbers(child):
                continue  # a row of numbers, the bulk of a file: checked in one C loop
            elif kind is list or kind is dict or isinstance(child, (dict, list)):
                trail = (parent, key)
                _check_keys_once(child, trail)
                if isinstance(child, dict):
                    objects += 1
                    if objects > max_objects:
                        _fail(_trail_path(trail), f"more than {max_objects:,} objects in the file; "
                              f"{what} may have at most {max_objects:,}")
                stack.append((iter(child.items() if isinstance(child, dict) else enumerate(child)), trail))
                break
            elif isinstance(child, float) and not math.isfinite(child):  # _NonFinite
                _fail(_trail_path((parent, key)), f"not a finite number (got {child!r})")
            elif isinstance(child, int) and not isinstance(child, bool) and abs(child) > _BIG:
                try:
                    float(child)
                except OverflowError:
                    _fail(_trail_path((parent, key)), "not a finite number (too large for a double)")
        else:
            stack.pop()


#: Integers beyond this may not fit a double; only those are converted to find out.
_BIG = 2**1023


def _finite_numbers(values: list[Any]) -> bool:
    """True if ``values`` holds only finite numbers (booleans count; the schema refuses them).

    ``math.fsum`` is NaN or infinite if any term is, and raises for anything
    that is not a number; False sends the list to the item-by-item walk.
    """
    try:
        return math.isfinite(math.fsum(values))
    except (TypeError, ValueError, OverflowError):  # not numbers, inf - inf, a sum beyond doubles
        return False


def _check_keys_once(value: Any, trail: Any) -> None:
    duplicates = getattr(value, "duplicates", ())
    if duplicates:
        _fail(_trail_path(trail), f"duplicate key {duplicates[0]!r}")


def _trail_path(trail: Any) -> str:
    """``(((None, "layers"), 0), "bias")`` as ``layers[0].bias``."""
    parts: list[str | int] = []
    while trail is not None:
        trail, key = trail
        parts.append(key)
    return key_path(reversed(parts))


class _NonFinite(float):
    """What the parser makes of ``NaN``, ``Infinity`` and ``-Infinity``: the float, shown as written."""

    def __new__(cls, text: str) -> "_NonFinite":
        value = super().__new__(cls, text)
        value.text = text
        return value

    def __repr__(self) -> str:
        return self.text


class _JSONObject(dict):
    """A parsed JSON object that remembers keys it had more than once."""

    duplicates: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> "_JSONObject":
        obj = cls(pairs)
        if len(obj) != len(pairs):
            obj.duplicates = tuple(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
        return obj


def _decode(raw: bytes, source: str) -> str:
    """JSON bytes as text: UTF-8 (BOM allowed), UTF-16 or UTF-32, as RFC 8259's detection."""
    encoding = json.detect_encoding(raw)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as err:
        name = "UTF-8" if encoding.startswith("utf-8") else encoding.upper().replace("-LE", "").replace("-BE", "")
        offset = err.start + (3 if encoding == "utf-8-sig" else 0)
        raise ReluAnimError(f"{source}: not {name} text (byte 0x{raw[offset]:02x} at offset {offset})") from None


def _fail(where: str, message: str) -> NoReturn:
    raise ReluAnimError(f"{where}: {message}")
