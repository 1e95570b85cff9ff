"""Shaping values on their way in and out of a step.

* ``plain``: turn what a step returned (Models, dicts, tuples) into plain JSON data, naming
  the path of anything that JSON cannot carry.
* ``drop_optional_nulls``: the output leniency of reference §11.3. Vendor APIs answer ``null``
  for optional fields, which typed schemas reject; such ``null``s are dropped, guided by the
  schema, before validation. ``0``, ``false``, ``""``, ``[]`` and ``{}`` are kept, and so is a
  ``null`` in a required or an untyped field (the first is a defect worth reporting, the
  second is valid).
* ``drop_empty_optional_inputs``: the input leniency of §11.3: a top-level optional input sent
  as ``null`` or ``""`` counts as not provided (an unset enum arrives as ``""``).
* ``clean``: the helper plugin code often wants: drop ``None`` and ``""`` recursively.
* ``non_finite_paths``: where a message holds ``Infinity``, ``NaN`` or a number too large for a
  float, which Python's JSON reader accepts and no JSON can carry back.
"""

from __future__ import annotations

import math
from typing import Any

from actionkit.model import Model
from actionkit.validate import format_path, json_type

__all__ = [
    "NotJSON", "plain", "drop_optional_nulls", "drop_empty_optional_inputs", "clean", "non_finite_paths",
]


class NotJSON(ValueError):
    """A value JSON cannot carry; ``path`` says where it was."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path


def plain(value: Any, root: str = "output", _parts: tuple = ()) -> Any:
    """A copy of ``value`` made only of dict, list, str, int, float, bool and None."""
    if isinstance(value, Model):
        value = value.to_dict()
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotJSON(format_path(root, _parts), f"object key {key!r} is not a string")
            out[key] = plain(item, root, _parts + (key,))
        return out
    if isinstance(value, (list, tuple)):
        return [plain(item, root, _parts + (index,)) for index, item in enumerate(value)]
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotJSON(format_path(root, _parts), f"{value} is not a JSON number")
        return value
    raise NotJSON(format_path(root, _parts), f"a value of type {json_type(value)} is not JSON")


def _resolve(schema: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            target = definitions.get(ref[len("#/definitions/"):])
            return target if isinstance(target, dict) else {}
        return schema
    return {}


def drop_optional_nulls(value: Any, schema: Any, root: str = "output") -> tuple[Any, list[str]]:
    """``value`` without the ``null``s of optional typed fields, and the paths it dropped.

    The input is not modified. Only objects described by ``properties`` are entered (directly,
    through ``$ref`` or through array ``items``); free-form objects are left as they are.
    """
    if not isinstance(schema, dict) or not schema:
        return value, []
    definitions = schema.get("definitions", {})
    dropped: list[str] = []
    result = _drop(value, schema, definitions if isinstance(definitions, dict) else {}, root, (), dropped)
    return result, dropped


def _drop(value: Any, schema: Any, definitions: dict, root: str, parts: tuple, dropped: list) -> Any:
    schema = _resolve(schema, definitions)
    if isinstance(value, dict):
        properties = schema.get("properties")
        if not isinstance(properties, dict) or not properties:
            return value
        required = schema.get("required", ())
        out = {}
        for key, item in value.items():
            sub = properties.get(key)
            if item is None and key not in required and _is_typed(sub, definitions):
                dropped.append(format_path(root, parts + (key,)))
                continue
            out[key] = _drop(item, sub, definitions, root, parts + (key,), dropped) if sub else item
        return out
    if isinstance(value, list) and schema.get("items") is not None:
        items = schema["items"]
        return [_drop(item, items, definitions, root, parts + (i,), dropped) for i, item in enumerate(value)]
    return value


def _is_typed(schema: Any, definitions: dict) -> bool:
    resolved = _resolve(schema, definitions)
    kind = resolved.get("type")
    if kind is None:
        return False
    return "null" not in kind if isinstance(kind, list) else kind != "null"


def drop_empty_optional_inputs(value: Any, schema: Any, root: str = "input") -> tuple[Any, list[str]]:
    """``value`` without its top-level optional keys that are ``null`` or ``""``, and their paths."""
    if not isinstance(value, dict) or not isinstance(schema, dict) or not schema:
        return value, []
    required = schema.get("required", ())
    dropped = [key for key, item in value.items() if (item is None or item == "") and key not in required]
    if not dropped:
        return value, []
    return {k: v for k, v in value.items() if k not in dropped}, [format_path(root, (k,)) for k in dropped]


def clean(value: Any) -> Any:
    """Drop ``None`` and ``""`` recursively from dicts and lists; keep ``0``, ``False``, ``[]``, ``{}``."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if v is not None and v != ""}
    if isinstance(value, list):
        return [clean(v) for v in value if v is not None and v != ""]
    return value


def non_finite_paths(value: Any, root: str) -> list[str]:
    """The paths of the floats in ``value`` that are not finite (Infinity, NaN, 1e400)."""
    found: list[str] = []
    _non_finite(value, root, (), found)
    return found


def _non_finite(value: Any, root: str, parts: tuple, found: list[str]) -> None:
    if isinstance(value, float):
        if not math.isfinite(value):
            found.append(format_path(root, parts))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list, float)):
                _non_finite(item, root, (*parts, key), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (dict, list, float)):
                _non_finite(item, root, (*parts, index), found)
