"""A small, fast JSON Schema validator for exactly the schemas actionkit generates.

The generated schemas use a handful of keywords: ``type``, ``properties``, ``required``,
``items``, ``enum`` and ``$ref`` to ``#/definitions/<name>``, plus annotations that do not
validate (``title``, ``description``, ``default``, ``format`` ...). For those this module
follows Draft 2020-12, the draft the original runtime applies (reference §6.8):

* ``2.0`` is an integer; ``true`` is neither an integer nor a number; ``1 == 1.0`` in enums
  but ``true != 1``;
* ``null`` fails every typed schema; additional properties are allowed; formats are not checked.

Any schema holding another keyword is handed to ``jsonschema`` (imported only then), so the
answer never depends on which path ran. Problems come back as one line each, led by a JSON
path: ``input.person.age: expected integer, got string``.

Importing jsonschema costs more than the rest of a ``run`` together, which is why this exists.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["SchemaValidator", "validate", "is_valid", "format_path", "json_type"]

VALIDATING = frozenset({"type", "properties", "required", "items", "enum", "$ref"})
ANNOTATIONS = frozenset(
    {
        "title", "description", "default", "order", "format", "displayType", "placeholder",
        "tooltip", "id", "definitions", "example", "examples",
    }
)
KNOWN_TYPES = frozenset({"string", "integer", "number", "boolean", "object", "array", "null"})

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MAX_SHOWN = 60


def json_type(value: Any) -> str:
    """The JSON name of a Python value's type (``null``, ``boolean``, ``integer`` ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return type(value).__name__


def _is_type(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "null":
        return value is None
    return False


def json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON Schema's ``enum`` sees it: numbers by value, booleans apart from numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if type(a) is not type(b):
        return False
    return a == b


def format_path(root: str, parts: tuple[Any, ...] | list[Any]) -> str:
    """``("person", "tags", 2)`` under ``input`` → ``input.person.tags[2]``."""
    out = [root]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}")
        else:
            out.append(f"[{json.dumps(part)}]")
    return "".join(out)


def _show(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _schema_is_simple(schema: Any, definitions: dict[str, Any], seen: set[int]) -> bool:
    """True when every keyword reachable from ``schema`` is one this module implements."""
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict) or id(schema) in seen:
        return isinstance(schema, dict)
    seen.add(id(schema))
    for key, value in schema.items():
        if key in ANNOTATIONS:
            continue
        if key not in VALIDATING:
            return False
        if key == "type":
            names = value if isinstance(value, list) else [value]
            if not names or not all(isinstance(n, str) and n in KNOWN_TYPES for n in names):
                return False
        elif key == "properties":
            if not isinstance(value, dict):
                return False
            if not all(_schema_is_simple(sub, definitions, seen) for sub in value.values()):
                return False
        elif key == "required":
            if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
                return False
        elif key == "items":
            if not _schema_is_simple(value, definitions, seen):
                return False
        elif key == "enum":
            if not isinstance(value, list):
                return False
        elif key == "$ref":
            target = _ref_name(value)
            if target is None or target not in definitions:
                return False
            if not _schema_is_simple(definitions[target], definitions, seen):
                return False
    return True


def _ref_name(ref: Any) -> str | None:
    if isinstance(ref, str) and ref.startswith("#/definitions/"):
        name = ref[len("#/definitions/"):]
        if name and "/" not in name and "~" not in name:
            return name
    return None


class SchemaValidator:
    """Validates instances against one (root) schema; build once, use many times.

    ``required_not_empty`` applies the input rule of reference §6.8: a top-level key that is
    required and present must not be ``null`` or ``""`` (reported as ``required but empty``).
    """

    def __init__(self, schema: dict[str, Any] | bool):
        self.schema = schema
        definitions = schema.get("definitions", {}) if isinstance(schema, dict) else {}
        self.definitions = definitions if isinstance(definitions, dict) else {}
        self.simple = _schema_is_simple(schema, self.definitions, set())
        self._fallback: Any = None

    def errors(self, instance: Any, root: str = "$", *, required_not_empty: bool = False) -> list[str]:
        """Every problem of ``instance``, one line each, in a stable order."""
        if self.schema == {} or self.schema is True:
            return []
        empty: set[str] = set()
        problems: list[str] = []
        if required_not_empty and isinstance(instance, dict) and isinstance(self.schema, dict):
            for name in self.schema.get("required", []):
                if name in instance and (instance[name] is None or instance[name] == ""):
                    empty.add(name)
                    problems.append(f"{format_path(root, (name,))}: required but empty")
        if self.simple:
            self._check(instance, self.schema, (), root, problems, empty)
        else:
            problems.extend(self._fallback_errors(instance, root, empty))
        return problems

    def is_valid(self, instance: Any) -> bool:
        return not self.errors(instance)

    # -- the fast path ------------------------------------------------------------------------

    def _check(self, value: Any, schema: Any, path: tuple, root: str, out: list[str], skip: set) -> None:
        if schema is True:
            return
        if schema is False:
            out.append(f"{format_path(root, path)}: no value is allowed here")
            return
        ref = schema.get("$ref")
        if ref is not None:
            self._check(value, self.definitions[_ref_name(ref)], path, root, out, skip)
        expected = schema.get("type")
        if expected is not None:
            names = expected if isinstance(expected, list) else (expected,)
            if not any(_is_type(value, name) for name in names):
                wanted = " or ".join(names)
                out.append(f"{format_path(root, path)}: expected {wanted}, got {json_type(value)}")
                return
        enum = schema.get("enum")
        if enum is not None and not any(json_equal(value, option) for option in enum):
            options = ", ".join(_show(option) for option in enum)
            out.append(f"{format_path(root, path)}: must be one of {options}; got {_show(value)}")
        if isinstance(value, dict):
            for name in schema.get("required", ()):
                if name not in value:
                    out.append(f"{format_path(root, path + (name,))}: required but missing")
            properties = schema.get("properties")
            if properties:
                for name, sub in properties.items():
                    if name in value and not (not path and name in skip):
                        self._check(value[name], sub, path + (name,), root, out, skip)
        elif isinstance(value, list):
            items = schema.get("items")
            if items is not None:
                for index, item in enumerate(value):
                    self._check(item, items, path + (index,), root, out, skip)

    # -- everything else ----------------------------------------------------------------------

    def _fallback_errors(self, instance: Any, root: str, skip: set[str]) -> list[str]:
        if self._fallback is None:
            import jsonschema  # noqa: PLC0415  (only for schemas outside actionkit's subset)

            self._fallback = jsonschema.Draft202012Validator(self.schema)
        problems = []
        for error in sorted(self._fallback.iter_errors(instance), key=lambda e: list(e.absolute_path)):
            parts = tuple(error.absolute_path)
            if parts and parts[0] in skip:
                continue
            message = " ".join(error.message.split())
            if len(message) > 200:
                message = message[:197] + "..."
            problems.append(f"{format_path(root, parts)}: {message}")
        return problems


_CACHE: dict[int, tuple[Any, SchemaValidator]] = {}


def _validator(schema: Any) -> SchemaValidator:
    # Generated schemas are module-level constants, so their identity is a stable cache key;
    # keeping the schema itself alongside guards against a recycled id().
    hit = _CACHE.get(id(schema))
    if hit is not None and hit[0] is schema:
        return hit[1]
    validator = SchemaValidator(schema)
    if len(_CACHE) > 1024:
        _CACHE.clear()
    _CACHE[id(schema)] = (schema, validator)
    return validator


def validate(instance: Any, schema: Any, root: str = "$", *, required_not_empty: bool = False) -> list[str]:
    """Problems of ``instance`` against ``schema`` (empty list: valid). See ``SchemaValidator``."""
    return _validator(schema).errors(instance, root, required_not_empty=required_not_empty)


def is_valid(instance: Any, schema: Any) -> bool:
    return not validate(instance, schema)
