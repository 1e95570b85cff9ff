"""Output shaping in one pass: plain JSON, optional nulls dropped, validated and masked.

What a step returns goes through four rules before it leaves the plugin: ``values.plain``
(Models, tuples and dicts become plain JSON), ``values.drop_optional_nulls`` (the output
leniency of reference §11.3), ``validate`` (the output schema) and masking (no secret leaves).
Applied one after the other they walk the value four times and copy it three times: 10,000
incidents took 2.7 s. ``Shaper`` compiles a schema once into nested functions that do all four
in one walk and one copy.

The walk stops at the first problem and the four rules then run one by one, so a failing output
is reported exactly as before, every problem with its path; only valid output takes the fast
path. A schema outside the validator's subset always takes the slow path.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

from actionkit.errors import InternalError
from actionkit.masking import Masker
from actionkit.model import Model
from actionkit.validate import ANNOTATIONS, BOUNDS, format_path, json_equal, validate
from actionkit.values import NotJSON, drop_optional_nulls, plain

__all__ = ["Shaper", "shape_output", "MAX_LISTED_DROPS"]

log = logging.getLogger("actionkit")

MAX_LISTED_DROPS = 20  # the debug line names this many dropped nulls, then counts the rest
_VALIDATING = frozenset({"type", "properties", "required", "items", "enum", "$ref", *BOUNDS})
_ANNOTATION_PREFIX = "x-"
_SCALAR_TYPES = (str, int, float, bool, type(None))

Node = Callable[[Any, "_Walk"], Any]


class _Mismatch(Exception):
    """The value breaks a rule: leave the fast path and let the separate rules report it."""


class _Unsupported(Exception):
    """The schema uses something the fast path does not implement."""


class _Walk:
    """The state of one shaping: the masker, the nulls dropped and where the walk is."""

    __slots__ = ("mask", "exact", "needle", "mask_declared", "drop", "path", "dropped", "drop_count")

    def __init__(self, masker: Masker | None, mask_declared: bool, drop: bool):
        self.mask = masker.text if masker else None
        # With one secret (the usual case) a string is checked inline, without calling mask():
        # a string without the needle cannot hold the secret, unless it is one too short to search.
        self.exact = masker.exact if masker else frozenset()
        self.needle = masker.needles[0] if masker and len(masker.needles) == 1 else None
        self.mask_declared = mask_declared  # whether a declared key contains a secret (rare)
        self.drop = drop
        self.path: list[Any] = []
        self.dropped: list[tuple[Any, ...]] = []
        self.drop_count = 0

    def text(self, value: str) -> str:
        if self.mask is None or (self.needle is not None and self.needle not in value
                                 and value not in self.exact):
            return value
        return self.mask(value)

    def note_drop(self, key: str) -> None:
        self.drop_count += 1
        if len(self.dropped) < MAX_LISTED_DROPS:
            self.dropped.append((*self.path, key))


def _any(value: Any, walk: _Walk) -> Any:
    """An untyped value: a plain, masked copy; anything JSON cannot carry is a mismatch."""
    kind = type(value)
    if kind is str:
        return walk.text(value)
    if kind is dict or isinstance(value, (dict, Model)):
        if isinstance(value, Model):
            value = value.to_dict()
        text = walk.text
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _Mismatch
            out[text(key)] = _any(item, walk)
        return out
    if kind is list or kind is tuple:
        return [_any(item, walk) for item in value]
    if kind is float and not math.isfinite(value):
        raise _Mismatch
    if kind in _SCALAR_TYPES:
        return value
    raise _Mismatch


def _is_integer(value: Any) -> bool:
    kind = type(value)
    return kind is int or (kind is float and value.is_integer())


def _is_number(value: Any) -> bool:
    kind = type(value)
    return kind is int or (kind is float and math.isfinite(value))


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": lambda value: type(value) is str,
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda value: type(value) is bool,
    "object": lambda value: type(value) is dict or isinstance(value, (dict, Model)),
    "array": lambda value: type(value) is list or type(value) is tuple,
    "null": lambda value: value is None,
}


class Shaper:
    """The shaping of one schema, compiled once (see the module docstring)."""

    def __init__(self, schema: Any):
        self.schema = schema
        definitions = schema.get("definitions", {}) if isinstance(schema, dict) else {}
        self._definitions = definitions if isinstance(definitions, dict) else {}
        self._compiled: dict[str, Node] = {}
        self.declared_keys: set[str] = set()
        try:
            self.root: Node | None = self._compile(schema)
        except _Unsupported:
            self.root = None

    def shape(self, value: Any, root: str, masker: Masker | None, drop_nulls: bool) -> Any:
        """The shaped, masked copy of ``value``; ``InternalError`` naming every problem if invalid."""
        if self.root is not None:
            mask_declared = bool(masker) and any(masker.text(key) != key for key in self.declared_keys)
            walk = _Walk(masker or None, mask_declared, drop_nulls)
            try:
                shaped = self.root(value, walk)
            except (_Mismatch, RecursionError):
                pass
            else:
                if walk.drop_count:
                    _log_drops(root, walk)
                return shaped
        return _shape_slowly(value, self.schema, root, masker, drop_nulls)

    # -- compiling ------------------------------------------------------------------------------

    def _compile(self, schema: Any) -> Node:
        if schema is True:
            return _any
        if not isinstance(schema, dict):
            raise _Unsupported
        keys = {key for key in schema if not key.startswith(_ANNOTATION_PREFIX) and key not in ANNOTATIONS}
        if keys - _VALIDATING:  # a keyword only the validator's fallback knows
            raise _Unsupported
        if not keys:
            return _any
        if "$ref" in schema:
            if keys & _VALIDATING != {"$ref"}:
                raise _Unsupported
            return self._reference(schema["$ref"])
        return self._typed(schema)

    def _reference(self, ref: Any) -> Node:
        prefix = "#/definitions/"
        name = ref[len(prefix):] if isinstance(ref, str) and ref.startswith(prefix) else None
        if name is None or name not in self._definitions:
            raise _Unsupported
        if name not in self._compiled:
            cell: list[Node] = []
            self._compiled[name] = lambda value, walk: cell[0](value, walk)  # recursive types
            node = self._compile(self._definitions[name])
            cell.append(node)
            self._compiled[name] = node
        return self._compiled[name]

    def _typed(self, schema: dict) -> Node:
        names = schema.get("type")
        names = tuple(names) if isinstance(names, list) else ((names,) if names is not None else ())
        if any(name not in _TYPE_TESTS for name in names):
            raise _Unsupported
        value_test = _enum_test(schema.get("enum")) if "enum" in schema else None
        bounds = [(BOUNDS[key][0], schema[key]) for key in BOUNDS if key in schema]
        if any(type(bound) not in (int, float) for _, bound in bounds):
            raise _Unsupported
        enter_object = self._object(schema)
        enter_array = self._array(schema)
        if value_test is None and not bounds and len(names) == 1:  # the common cases, one call each
            return _SINGLE_TYPE_NODES.get(names[0]) or (enter_object if names[0] == "object" else enter_array)
        tests = tuple(_TYPE_TESTS[name] for name in names)

        def node(value: Any, walk: _Walk) -> Any:
            if tests and not any(test(value) for test in tests):
                raise _Mismatch
            if value_test is not None and not value_test(value):
                raise _Mismatch
            if bounds and _is_number(value) and any(outside(value, bound) for outside, bound in bounds):
                raise _Mismatch
            kind = type(value)
            if kind is str:
                return walk.text(value)
            if kind is dict or isinstance(value, (dict, Model)):
                return enter_object(value, walk)
            if kind is list or kind is tuple:
                return enter_array(value, walk)
            return _any(value, walk)

        return node

    def _object(self, schema: dict) -> Node:
        """The node of an object; it checks the type when the schema declares ``object``."""
        strict = schema.get("type") == "object"
        properties = schema.get("properties")
        required = tuple(schema.get("required", ()))
        if not isinstance(properties, dict) or not properties:
            return _object_node({}, required, strict)
        self.declared_keys.update(properties)
        subs = {}
        for name, sub in properties.items():
            node = self._compile(sub)
            droppable = _droppable(sub, self._definitions) and name not in required
            subs[name] = (node, droppable, _LEAVES.get(node))
        return _object_node(subs, required, strict)

    def _array(self, schema: dict) -> Node:
        """The node of an array; it checks the type when the schema declares ``array``."""
        strict = schema.get("type") == "array"
        item_node = self._compile(schema["items"]) if "items" in schema else _any

        def array(value: Any, walk: _Walk) -> Any:
            kind = type(value)
            if kind is not list and kind is not tuple:
                if strict:
                    raise _Mismatch
                return _any(value, walk)
            if not value:
                return []
            path = walk.path
            out = []
            for index, item in enumerate(value):
                path.append(index)
                out.append(item_node(item, walk))
                path.pop()
            return out

        return array


def _string(value: Any, walk: _Walk) -> Any:
    if type(value) is not str:
        raise _Mismatch
    return walk.text(value)


def _integer(value: Any, walk: _Walk) -> Any:
    if not _is_integer(value):
        raise _Mismatch
    return value


def _number(value: Any, walk: _Walk) -> Any:
    if not _is_number(value):
        raise _Mismatch
    return value


def _boolean(value: Any, walk: _Walk) -> Any:
    if type(value) is not bool:
        raise _Mismatch
    return value


def _null(value: Any, walk: _Walk) -> Any:
    if value is not None:
        raise _Mismatch
    return value


_SINGLE_TYPE_NODES: dict[str, Node] = {
    "string": _string, "integer": _integer, "number": _number, "boolean": _boolean, "null": _null,
}
# A field whose value has exactly this Python type is valid as it is: checked inline, no call.
_LEAVES: dict[Node, type] = {_string: str, _integer: int, _number: int, _boolean: bool}


def _object_node(subs: dict[str, tuple[Node, bool, type | None]], required: tuple[str, ...],
                 strict: bool) -> Node:
    def node(value: Any, walk: _Walk) -> Any:
        if type(value) is not dict:
            if isinstance(value, Model):
                value = value.to_dict()
            elif not isinstance(value, dict):
                if strict:
                    raise _Mismatch
                return _any(value, walk)
        for name in required:
            if name not in value:
                raise _Mismatch
        mask, needle, exact, path, out = walk.mask, walk.needle, walk.exact, walk.path, {}
        drop, mask_declared = walk.drop, walk.mask_declared
        for key, item in value.items():
            found = subs.get(key)
            if found is None:
                if type(key) is not str:
                    raise _Mismatch
                out[walk.text(key)] = _any(item, walk)
                continue
            sub, droppable, leaf = found
            if mask_declared:
                key = walk.text(key)
            if type(item) is leaf:  # a valid scalar: masked inline when it may hold a secret
                if leaf is str and mask is not None and (needle is None or needle in item or item in exact):
                    item = mask(item)
                out[key] = item
                continue
            if item is None and droppable and drop:
                walk.note_drop(key)
                continue
            path.append(key)
            out[key] = sub(item, walk)
            path.pop()
        return out

    return node


def _enum_test(options: Any) -> Callable[[Any], bool]:
    if not isinstance(options, list):
        raise _Unsupported
    if options and all(type(option) is str for option in options):
        allowed = frozenset(options)
        return lambda value: type(value) is str and value in allowed
    return lambda value: any(json_equal(value, option) for option in options)


def _droppable(schema: Any, definitions: dict) -> bool:
    """Whether a ``null`` in this optional field is dropped: the field is typed and not nullable."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        schema = definitions.get(schema["$ref"][len("#/definitions/"):], {})
    kind = schema.get("type") if isinstance(schema, dict) else None
    if kind is None:
        return False
    return "null" not in kind if isinstance(kind, list) else kind != "null"


def _log_drops(root: str, walk: _Walk) -> None:
    shown = ", ".join(format_path(root, parts) for parts in walk.dropped)
    more = walk.drop_count - len(walk.dropped)
    if more:
        shown += f" and {more} more"
    log.debug("Dropped null optional output fields: %s", shown)


def _shape_slowly(value: Any, schema: Any, root: str, masker: Masker | None, drop_nulls: bool) -> Any:
    """The four rules one after the other: the reference behaviour, with every problem named."""
    try:
        value = plain(value, root)
    except NotJSON as exc:
        raise InternalError(f"{exc}.") from None
    if drop_nulls:
        value, dropped = drop_optional_nulls(value, schema, root)
        if dropped:
            log.debug("Dropped null optional output fields: %s", ", ".join(dropped))
    problems = validate(value, schema, root)
    if problems:
        raise InternalError("\n".join(f"{problem}." for problem in problems))
    return masker.data(value) if masker else value


_SHAPERS: dict[int, tuple[Any, Shaper]] = {}


def shape_output(value: Any, schema: Any, root: str = "output", masker: Masker | None = None,
                 drop_nulls: bool = True) -> Any:
    """``value`` made plain, its optional nulls dropped (``drop_nulls``), validated against
    ``schema`` and masked with ``masker``: ``InternalError`` naming every problem if invalid."""
    hit = _SHAPERS.get(id(schema))  # generated schemas are module constants: their id is stable
    if hit is None or hit[0] is not schema:
        if len(_SHAPERS) > 1024:
            _SHAPERS.clear()
        hit = _SHAPERS[id(schema)] = (schema, Shaper(schema))
    return hit[1].shape(value, root, masker, drop_nulls)
