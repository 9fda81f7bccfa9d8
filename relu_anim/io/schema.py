"""The network file's JSON Schema, and its violations as one-line messages.

The schema, ``network.schema.json`` beside this module (draft 2020-12), is the
declarative half of the file format: types, required and allowed keys, the
activations, counts that are whole numbers. :func:`schema_problem` validates
parsed JSON against it with the ``jsonschema`` library, picks the most relevant
violation (``jsonschema.exceptions.best_match``) and words it as
``<key path>: <problem>``, the key path in the syntax the rest of relu-anim
uses: ``layers[1].weight[0][2]``.

What a schema cannot say (rows of equal length, consecutive layer shapes, finite
numbers, breakpoints increasing and agreeing with the weights) is checked by
:mod:`relu_anim.io.network_file` and by :class:`~relu_anim.network.Layer`.
"""

from __future__ import annotations

import functools
import itertools
import json
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

__all__ = ["SCHEMA_FILE", "key_path", "kind", "network_schema", "schema_problem", "show"]

#: The schema's file name inside this package (``relu_anim/io/network.schema.json``).
SCHEMA_FILE = "network.schema.json"

#: How many violations :func:`schema_problem` looks at to pick the most relevant one.
_ERRORS_CONSIDERED = 100

_ARTICLES = {
    "number": "a number",
    "integer": "a whole number",
    "string": "a string",
    "array": "a list",
    "object": "an object",
    "boolean": "true or false",
    "null": "null",
}


@functools.lru_cache(maxsize=1)
def _schema_text() -> str:
    return resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def network_schema() -> dict[str, Any]:
    """The JSON Schema of the network file, format version 1, as a fresh dict.

    Examples
    --------
    >>> schema = network_schema()
    >>> schema["$schema"], schema["required"]
    ('https://json-schema.org/draft/2020-12/schema', ['format', 'version', 'layers'])
    """
    return json.loads(_schema_text())


#: Item schemas of long arrays, with a test that a value certainly satisfies
#: them: such items are not handed to jsonschema one by one (15-50 µs each),
#: which makes a million-number file load in a second instead of a quarter hour.
#: Anything else (booleans, strings, NaN, negative counts, empty rows) still is.
_PLAIN_ITEMS = {
    '{"type": "number"}': lambda v: type(v) is float or type(v) is int,
    '{"minimum": 0, "type": "integer"}': lambda v: type(v) is int and v >= 0,
    '{"items": {"type": "number"}, "minItems": 1, "type": "array"}':
        lambda v: type(v) is list and len(v) > 0 and all(type(x) is float or type(x) is int for x in v),
}


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    # Imported here, not at module level: jsonschema takes ~0.15 s to import and
    # `import relu_anim` (every scene, every CLI start) must not pay that.
    from jsonschema import Draft202012Validator, validators

    standard_items = Draft202012Validator.VALIDATORS["items"]
    plain_tests: dict[int, Any] = {}

    def items(validator: Any, item_schema: Any, instance: Any, schema: Any) -> Iterator[Any]:
        """Draft 2020-12 ``items``, skipping items that plainly satisfy a number schema."""
        key = id(item_schema)
        if key not in plain_tests:
            plain_tests[key] = _PLAIN_ITEMS.get(json.dumps(item_schema, sort_keys=True))
        plain = plain_tests[key]
        if plain is None or not isinstance(instance, list) or "prefixItems" in schema:
            yield from standard_items(validator, item_schema, instance, schema)
            return
        for index, value in enumerate(instance):
            if not plain(value):
                yield from validator.descend(value, item_schema, path=index)

    schema = network_schema()
    Draft202012Validator.check_schema(schema)
    fast = validators.extend(Draft202012Validator, {"items": items})
    return fast(_inline_refs(schema, schema["$defs"]))


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """``node`` with every ``{"$ref": "#/$defs/x", ...}`` replaced by ``x``'s content.

    The same schema, minus the reference lookups that cost jsonschema a quarter
    of its time per object. Only local references to definitions without
    validation keywords beside the ``$ref`` occur in this schema.
    """
    if isinstance(node, list):
        return [_inline_refs(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _inline_refs(value, defs) for key, value in node.items() if key != "$ref"}
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        target = _inline_refs(defs[name], defs)
        clash = set(out) & set(target) - {"description", "title", "$comment"}
        assert not clash, f"$ref beside {clash}: cannot inline"
        out = {**target, **out}
    return out


def schema_problem(data: Any) -> str | None:
    """The most relevant schema violation of ``data`` as one line, or ``None``.

    Parameters
    ----------
    data
        Parsed JSON (dicts, lists, str, int, float, bool, None).

    Returns
    -------
    str or None
        ``"<key path>: <problem>"``, e.g. ``"layers[0].weight[1][0]: must be a
        number, got string"``; ``None`` when ``data`` satisfies the schema.

    Examples
    --------
    >>> layer = {"weight": [[1.0]], "bias": [0.0], "activation": "relu"}
    >>> schema_problem({"format": "relu-anim/network", "version": 1, "layers": [layer]}) is None
    True
    >>> layer["weight"] = [[1.0], ["2"]]
    >>> schema_problem({"format": "relu-anim/network", "version": 1, "layers": [layer]})
    'layers[0].weight[1][0]: must be a number, got string'
    """
    from jsonschema.exceptions import best_match  # lazy, as in _validator

    # The shallowest of the first _ERRORS_CONSIDERED: a file with a million wrong
    # numbers must not cost a million error objects.
    errors = itertools.islice(_validator().iter_errors(data), _ERRORS_CONSIDERED)
    error = best_match(errors, key=_relevance)
    return None if error is None else _message(error)


def key_path(parts: Iterable[str | int]) -> str:
    """``["layers", 1, "weight"]`` as ``"layers[1].weight"``; ``[]`` as ``"top level"``.

    Examples
    --------
    >>> key_path(["history", 0, "layers", 2, "bias", 1])
    'history[0].layers[2].bias[1]'
    """
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "top level"


def kind(value: Any) -> str:
    """The JSON name of a value's type, for messages (``list`` for arrays).

    Examples
    --------
    >>> kind(True), kind([1]), kind(2.5), kind(None)
    ('boolean', 'list', 'number', 'null')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


def show(value: Any) -> str:
    """A short rendering of a JSON value for messages: strings quoted, at most 40 characters.

    Examples
    --------
    >>> show("tanh"), show(True), show(1.5)
    ('"tanh"', 'true', '1.5')
    """
    if isinstance(value, (str, bool, type(None))):
        text = json.dumps(value)
    else:
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _message(error: "ValidationError") -> str:
    """One line for one violation, worded by its keyword."""
    path = list(error.absolute_path)
    keyword = error.validator
    value = error.validator_value
    instance = error.instance
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if keyword == "required":
        missing = next(key for key in value if key not in instance)
        return f"{key_path(path + [missing])}: missing"
    if keyword == "additionalProperties":
        allowed = schema.get("properties", {})
        extra = next(key for key in instance if key not in allowed)
        return f"{key_path(path)}: unknown key {extra!r} (allowed: {', '.join(allowed)})"
    if keyword == "dependentRequired":
        for key, needs in value.items():
            for need in needs:
                if f"{need!r} is a dependency of {key!r}" == error.message:
                    return f"{key_path(path + [key])}: needs {need!r} alongside"
    where = key_path(path)
    if keyword in ("type", "minimum") and schema.get("type") == "integer" and "minimum" in schema:
        return f"{where}: must be a whole number >= {schema['minimum']}, got {show(instance)}"
    if keyword == "type":
        return f"{where}: must be {_ARTICLES.get(value, value)}, got {kind(instance)}"
    if keyword == "const":
        because = ""
        schema_path = list(error.relative_schema_path)
        if "dependentSchemas" in schema_path:
            because = f" when {schema_path[schema_path.index('dependentSchemas') + 1]} is given"
        return f"{where}: must be {json.dumps(value)}{because}, got {show(instance)}"
    if keyword == "enum":
        return f"{where}: must be one of {', '.join(map(json.dumps, value))}, got {show(instance)}"
    if keyword == "maxProperties":
        return f"{where}: must have at most {value:,} keys, got {len(instance):,}"
    if keyword in ("minItems", "maxItems"):
        low, high = schema.get("minItems", 0), schema.get("maxItems")
        if low == high:
            return f"{where}: must have exactly {low} entries, got {len(instance)}"
        if keyword == "minItems" and low == 1:
            return f"{where}: must not be empty"
        bound = "at least" if keyword == "minItems" else "at most"
        return f"{where}: must have {bound} {value} entries, got {len(instance)}"
    return f"{where}: {' '.join(error.message.split())}"  # a keyword this schema does not use yet


def _relevance(error: "ValidationError") -> int:
    """Prefer the shallowest violation; among equals ``best_match`` keeps the first found.

    jsonschema's default key prefers the last of sibling violations
    (``weight[2]`` over ``weight[0]``); the first in the document reads better.
    This schema has no ``anyOf``/``oneOf``, the keywords that default weighs.
    """
    return -len(error.path)
