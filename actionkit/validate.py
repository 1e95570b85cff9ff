"""A small, fast JSON Schema validator for exactly the schemas actionkit generates.

The generated schemas use a handful of keywords: ``type``, ``properties``, ``required``,
``items``, ``enum``, ``minimum``, ``exclusiveMinimum``, ``maximum``, ``exclusiveMaximum`` and
``$ref`` to ``#/definitions/<name>``, plus annotations that do not validate (``title``,
``description``, ``default``, ``format``, any ``x-`` extension ...). For those this module
follows Draft 2020-12, the draft the original runtime applies (reference §6.8):

* ``2.0`` is an integer; ``true`` is neither an integer nor a number; ``1 == 1.0`` in enums
  but ``true != 1``; ``Infinity`` and ``NaN`` (which Python's JSON reader accepts) are no number;
* ``null`` fails every typed schema; additional properties are allowed;
* formats are not checked, except ``date-time`` (ISO 8601) when asked (``formats=True``, for
  inputs: a vendor's output dates are its own business);
* a plain string where a credential object belongs is told the object's form, never echoed.

Any schema holding another keyword is handed to ``jsonschema`` (imported only then), so the
answer never depends on which path ran. Problems come back as one line each, led by a JSON
path: ``input.person.age: expected integer, got string``.

Importing jsonschema costs more than the rest of a ``run`` together, which is why this exists.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

from actionkit.patterns import LazyPattern

__all__ = ["SchemaValidator", "validate", "is_valid", "format_path", "json_type", "is_iso_datetime"]

BOUNDS = {  # keyword -> (is the value out of bounds, the message)
    "minimum": (lambda value, bound: value < bound, "must be at least"),
    "exclusiveMinimum": (lambda value, bound: value <= bound, "must be more than"),
    "maximum": (lambda value, bound: value > bound, "must be at most"),
    "exclusiveMaximum": (lambda value, bound: value >= bound, "must be less than"),
}
VALIDATING = frozenset({"type", "properties", "required", "items", "enum", "$ref", *BOUNDS})
ANNOTATIONS = frozenset(
    {
        "title", "description", "default", "order", "format", "displayType", "placeholder",
        "tooltip", "id", "definitions", "example", "examples",
    }
)
DATE_TIME_EXAMPLE = "2024-01-31T13:45:00Z"
_ISO = LazyPattern(
    r"(\d{4})-(\d\d)-(\d\d)"
    r"(?:[Tt ](\d\d):(\d\d)(?::(\d\d)(?:[.,]\d{1,9})?)?(?:[Zz]|[+-](\d\d)(?::?(\d\d))?)?)?\Z"
)
KNOWN_TYPES = frozenset({"string", "integer", "number", "boolean", "object", "array", "null"})

_IDENTIFIER = LazyPattern(r"[A-Za-z_][A-Za-z0-9_]*\Z")
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


def is_iso_datetime(text: str) -> bool:
    """An ISO 8601 date-time (``2024-01-31T13:45:00Z``, with an offset, fractions) or date."""
    found = _ISO.match(text)
    if found is None:
        return False
    year, month, day, hour, minute, second, offset_hours, offset_minutes = (
        int(part) if part else 0 for part in found.groups()
    )
    if offset_hours > 23 or offset_minutes > 59:
        return False
    try:
        datetime(year, month, day, hour, minute, second)
    except ValueError:
        return False
    return True


def _is_type(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        if isinstance(value, float):
            return math.isfinite(value)
        return isinstance(value, int) and not isinstance(value, bool)
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


def _got(value: Any) -> str:
    """What a value is, for "expected X, got Y": its JSON type, or what no JSON number is."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{json.dumps(value)}, which is not a JSON number"
    return json_type(value)


def _credential_form(definition: dict[str, Any]) -> str | None:
    """``{"secretKey": "..."}`` for a credential definition, else None."""
    if not str(definition.get("id", "")).startswith("credential_"):
        return None
    names = definition.get("required") or list(definition.get("properties", {}))
    return "{" + ", ".join(f'"{name}": "..."' for name in names) + "}"


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
        if key in ANNOTATIONS or key.startswith("x-"):
            continue
        if key not in VALIDATING:
            return False
        if key in BOUNDS:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return False
            continue
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

    def errors(
        self, instance: Any, root: str = "$", *, required_not_empty: bool = False, formats: bool = False
    ) -> list[str]:
        """Every problem of ``instance``, one line each, in a stable order; ``formats`` checks
        ``date-time`` strings."""
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
            self._check(instance, self.schema, (), root, problems, empty, formats)
        else:
            problems.extend(self._fallback_errors(instance, root, empty, formats))
        return problems

    def is_valid(self, instance: Any) -> bool:
        return not self.errors(instance)

    # -- the fast path ------------------------------------------------------------------------

    def _check(
        self, value: Any, schema: Any, path: tuple, root: str, out: list[str], skip: set, formats: bool
    ) -> None:
        if schema is True:
            return
        if schema is False:
            out.append(f"{format_path(root, path)}: no value is allowed here")
            return
        ref = schema.get("$ref")
        if ref is not None:
            target = self.definitions[_ref_name(ref)]
            form = _credential_form(target) if isinstance(value, str) else None
            if form is not None:  # never echo it: a credential sent as a bare string is a secret
                out.append(f"{format_path(root, path)}: expected an object of the form {form}, got a string")
                return
            self._check(value, target, path, root, out, skip, formats)
        expected = schema.get("type")
        if expected is not None:
            names = expected if isinstance(expected, list) else (expected,)
            if not any(_is_type(value, name) for name in names):
                wanted = " or ".join(names)
                out.append(f"{format_path(root, path)}: expected {wanted}, got {_got(value)}")
                return
        enum = schema.get("enum")
        if enum is not None and not any(json_equal(value, option) for option in enum):
            options = ", ".join(_show(option) for option in enum)
            out.append(f"{format_path(root, path)}: must be one of {options}; got {_show(value)}")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            self._check_bounds(value, schema, path, root, out)
        elif formats and isinstance(value, str) and schema.get("format") == "date-time":
            if not is_iso_datetime(value):
                out.append(f"{format_path(root, path)}: {_show(value)} is not an ISO 8601 date-time; use "
                           f"the form {DATE_TIME_EXAMPLE}")
        if isinstance(value, dict):
            for name in schema.get("required", ()):
                if name not in value:
                    out.append(f"{format_path(root, path + (name,))}: required but missing")
            properties = schema.get("properties")
            if properties:
                for name, sub in properties.items():
                    if name in value and not (not path and name in skip):
                        self._check(value[name], sub, path + (name,), root, out, skip, formats)
        elif isinstance(value, list):
            items = schema.get("items")
            if items is not None:
                for index, item in enumerate(value):
                    self._check(item, items, path + (index,), root, out, skip, formats)

    @staticmethod
    def _check_bounds(value: float, schema: dict, path: tuple, root: str, out: list[str]) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            out.append(f"{format_path(root, path)}: {json.dumps(value)} is not a JSON number")
            return
        for keyword, (outside, words) in BOUNDS.items():
            bound = schema.get(keyword)
            if bound is not None and outside(value, bound):
                out.append(f"{format_path(root, path)}: {words} {_show(bound)}; got {_show(value)}")

    # -- everything else ----------------------------------------------------------------------

    def _fallback_errors(self, instance: Any, root: str, skip: set[str], formats: bool) -> list[str]:
        if self._fallback is None:
            import jsonschema  # noqa: PLC0415  (only for schemas outside actionkit's subset)

            checker = jsonschema.FormatChecker(formats=())
            checker.checks("date-time")(lambda value: not isinstance(value, str) or is_iso_datetime(value))
            self._fallback = (jsonschema.Draft202012Validator(self.schema),
                              jsonschema.Draft202012Validator(self.schema, format_checker=checker))
        problems = []
        found = self._fallback[1 if formats else 0].iter_errors(instance)
        for error in sorted(found, key=lambda e: list(e.absolute_path)):
            parts = tuple(error.absolute_path)
            if parts and parts[0] in skip:
                continue
            message = " ".join(error.message.split())
            if error.validator == "format":
                message = (f"{_show(error.instance)} is not an ISO 8601 date-time; use the form "
                           f"{DATE_TIME_EXAMPLE}")
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


def validate(
    instance: Any, schema: Any, root: str = "$", *, required_not_empty: bool = False, formats: bool = False
) -> list[str]:
    """Problems of ``instance`` against ``schema`` (empty list: valid). See ``SchemaValidator``."""
    return _validator(schema).errors(instance, root, required_not_empty=required_not_empty, formats=formats)


def is_valid(instance: Any, schema: Any) -> bool:
    return not validate(instance, schema)
