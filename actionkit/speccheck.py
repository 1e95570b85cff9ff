"""What is wrong with a spec's data: the meta-schema's findings, then what a JSON schema
cannot check (property types, enums, defaults and examples against their own type, names,
custom types that contain themselves, the task output shape, triggers and the cache, and where
our extensions ``aliases``, ``resolve``, numeric bounds and ``retired_inputs`` make sense).

``problems(data)`` yields ``(path, message)`` pairs; ``actionkit.spec`` adds the YAML lines.
"""

from __future__ import annotations

import difflib
import json
import keyword
import re
from collections.abc import Iterator
from typing import Any

from actionkit.specrules import META_SCHEMA
from actionkit.types import (
    BOUND_KEYS,
    BUILTIN_TYPES,
    base_schema,
    definitions,
    parse_type,
    property_schema,
    type_problem,
)

KINDS = ("action", "trigger", "task")
SECTION_KEYS = {"action": "actions", "trigger": "triggers", "task": "tasks"}

_COMPONENT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


def problems(data: Any) -> Iterator[tuple[tuple, str]]:
    """Every problem of the spec data, as (path, message); the data need not be well formed."""
    yield from _meta_problems(data)
    if isinstance(data, dict):
        yield from _semantic_problems(data)


def show(value: Any) -> str:
    """A short rendering of a spec value for messages: strings quoted, the rest as JSON."""
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


_BOUND_WORDS = {
    "minimum": "must be at least",
    "exclusiveMinimum": "must be more than",
    "maximum": "must be at most",
    "exclusiveMaximum": "must be less than",
}
_NUMBER_TYPES = frozenset({"number", "integer", "int", "float"})
_RESOLVABLE_TYPES = ("string", "[]string")


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def describe(error: Any) -> str:
    """One clear sentence for a jsonschema ``ValidationError`` (without its location)."""
    kind, instance, expected = error.validator, error.instance, error.validator_value
    if kind == "type":
        wanted = [expected] if isinstance(expected, str) else expected
        return f"expected {' or '.join(_TYPE_WORDS.get(t, t) for t in wanted)}, got {show(instance)}"
    if kind == "enum":
        return f"must be one of {', '.join(show(v) for v in expected)}; got {show(instance)}"
    if kind == "const":
        return f"must be {show(expected)}; got {show(instance)}"
    if kind == "required":
        missing = [key for key in expected if key not in instance]
        return f"missing required key {show(missing[0]) if missing else '?'}"
    if kind == "pattern":
        return f"{show(instance)} is not {error.schema.get('x-hint', 'of the form ' + expected)}"
    if kind in ("minItems", "minLength", "minProperties"):
        return "must not be empty"
    if kind == "contains":
        return f"must contain {show(expected.get('const'))}"
    if kind in _BOUND_WORDS:
        return f"{_BOUND_WORDS[kind]} {expected}; got {show(instance)}"
    return error.message


def _validator(schema: dict) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema)


_META_VALIDATOR = None


def _meta_problems(data: Any) -> Iterator[tuple[tuple, str]]:
    global _META_VALIDATOR
    if _META_VALIDATOR is None:
        _META_VALIDATOR = _validator(META_SCHEMA)
    for error in _META_VALIDATOR.iter_errors(data):
        where = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = list(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
                    yield (*where, key), f"unknown key {show(key)}{_did_you_mean(key, allowed)}"
        elif error.validator == "required":
            for key in error.validator_value:
                if key not in error.instance:
                    yield where, f"missing required key {show(key)}"
        else:
            yield where, describe(error)


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _sections(data: dict) -> Iterator[tuple[tuple, dict]]:
    """Every section of properties in the spec, with its path."""
    yield ("connection",), _mapping(data.get("connection"))
    for name, fields in _mapping(data.get("types")).items():
        yield ("types", name), _mapping(fields)
    for kind in KINDS:
        key = SECTION_KEYS[kind]
        for name, component in _mapping(data.get(key)).items():
            for which in ("input", "output", "state"):
                yield (key, name, which), _mapping(_mapping(component).get(which))


def _semantic_problems(data: dict) -> Iterator[tuple[tuple, str]]:
    custom = _mapping(data.get("types"))
    for name in custom:
        if name in BUILTIN_TYPES or name == "array":
            yield ("types", name), f"{show(name)} is a built-in type name: give the custom type another name"
        elif not _TYPE_NAME.match(name):
            yield ("types", name), (
                f"{show(name)} is not a valid type name: use letters, digits and underscores, "
                "starting with a letter"
            )
    custom_names = [name for name in custom if name not in BUILTIN_TYPES and _TYPE_NAME.match(name)]
    sound = _sound_types(custom, custom_names)
    for where, section in _sections(data):
        yield from _section_problems(where, section, custom_names, sound, custom)
        yield from _extension_problems(where, section)
    yield from _cycle_problems(custom, custom_names)
    yield from _component_problems(data)


def _section_problems(where: tuple, section: dict, custom_names: list, sound: set, custom: dict):
    for position, (name, prop) in enumerate(section.items(), 1):
        here = (*where, name)
        if name == "":
            yield here, "a property name must not be empty"
        if not isinstance(prop, dict):
            continue
        spec_type = prop.get("type")
        problem = type_problem(spec_type, custom_names) if isinstance(spec_type, str) and spec_type else None
        if problem:
            yield (*here, "type"), problem
        order = prop.get("order")
        if isinstance(order, int) and not isinstance(order, bool) and order != position:
            yield (*here, "order"), (
                f"{order} is not the position of {show(name)} in its section ({position}); the order "
                "comes from the YAML position: remove 'order' or move the property"
            )
        enum = prop.get("enum")
        if isinstance(enum, list):
            for index, value in enumerate(enum):
                if any(_same(value, earlier) for earlier in enum[:index]):
                    yield (*here, "enum", index), f"duplicate enum value {show(value)}"
        if problem is None and isinstance(spec_type, str) and _is_sound(spec_type, sound):
            yield from _value_problems(here, prop, custom)


def _same(left: Any, right: Any) -> bool:
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


def _is_sound(spec_type: str, sound: set) -> bool:
    _, base = parse_type(spec_type)
    return base in BUILTIN_TYPES or base in sound


def _sound_types(custom: dict, custom_names: list) -> set:
    """The custom types whose fields are all well formed, at any depth: only these can be used
    to check examples and defaults."""

    def well_formed(prop: Any) -> bool:
        return (
            isinstance(prop, dict)
            and isinstance(prop.get("type"), str)
            and type_problem(prop["type"], custom_names) is None
            and isinstance(prop.get("enum", []), list)
        )

    sound = {
        name
        for name in custom_names
        if isinstance(custom[name], (dict, type(None)))
        and all(map(well_formed, _mapping(custom[name]).values()))
    }
    changed = True
    while changed:
        changed = False
        for name in sorted(sound):
            bases = {parse_type(prop["type"])[1] for prop in _mapping(custom[name]).values()}
            if any(base in custom and base not in sound for base in bases):
                sound.discard(name)
                changed = True
    return sound


def _value_problems(here: tuple, prop: dict, custom: dict) -> Iterator[tuple[tuple, str]]:
    """Enum values must be valid values of the property's type (of its items, for a list type);
    the default and the example must be valid values of the property, enum and bounds included."""
    defs = definitions({"value": {"type": prop["type"]}}, custom)
    enum = prop.get("enum")
    if isinstance(enum, list):
        checker = _validator({**base_schema(parse_type(prop["type"])[1]), "definitions": defs})
        for index, value in enumerate(enum):
            for error in checker.iter_errors(value):
                yield (*here, "enum", index, *error.absolute_path), describe(error)
    checked = {key: value for key, value in prop.items() if key not in ("enum", "default")}
    if isinstance(enum, list) and enum:
        checked["enum"] = enum
    full = {**property_schema(checked, 1), "definitions": defs}
    checker = _validator(full)
    for key in ("default", "example"):
        if key in prop:
            for error in checker.iter_errors(prop[key]):
                yield (*here, key, *error.absolute_path), describe(error)


def _cycle_problems(custom: dict, custom_names: list) -> Iterator[tuple[tuple, str]]:
    """A custom type that contains itself through required, non-list fields has no finite value."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for name in custom_names:
        for field, prop in _mapping(custom[name]).items():
            if isinstance(prop, dict) and prop.get("required") is True and isinstance(prop.get("type"), str):
                depth, base = parse_type(prop["type"])
                if depth == 0 and base in custom_names:
                    edges.setdefault(name, []).append((field, base))
    reported: set[frozenset] = set()
    for start in custom_names:
        stack = [(start, [start], None)]
        while stack:
            node, trail, first_field = stack.pop()
            for field, target in edges.get(node, []):
                entry = first_field or field
                if target == start:
                    members = frozenset(trail)
                    if members not in reported:
                        reported.add(members)
                        yield ("types", start, entry), (
                            f"custom type {show(start)} contains itself through required fields "
                            f"({' -> '.join([*trail, start])}); make one of them optional or a list"
                        )
                elif target not in trail:
                    stack.append((target, [*trail, target], entry))


def _extension_problems(where: tuple, section: dict) -> Iterator[tuple[tuple, str]]:
    """``aliases`` (inputs and connection settings), ``resolve`` (string inputs) and numeric
    bounds (numbers) where they make sense; an alias names nothing else in its section."""
    is_input = len(where) == 3 and where[2] == "input"
    owners: dict[str, str] = {}
    for name, prop in section.items():
        if not isinstance(prop, dict):
            continue
        here = (*where, name)
        spec_type = prop.get("type") if isinstance(prop.get("type"), str) else ""
        aliases = prop.get("aliases")
        if aliases is not None and not (is_input or where == ("connection",)):
            yield (*here, "aliases"), "aliases apply only to inputs and connection settings"
        elif isinstance(aliases, list):
            for index, alias in enumerate(aliases):
                if alias in section:
                    yield (*here, "aliases", index), f"{show(alias)} is the name of a property here"
                elif alias in owners:
                    other = show(owners[alias])
                    yield (*here, "aliases", index), f"{show(alias)} is already an alias of {other}"
                elif isinstance(alias, str):
                    owners[alias] = name
        if "resolve" in prop and not is_input:
            yield (*here, "resolve"), "resolve applies only to the inputs of actions, triggers and tasks"
        elif "resolve" in prop and spec_type not in _RESOLVABLE_TYPES:
            yield (*here, "resolve"), f"resolve needs a 'string' or '[]string' input, not {show(spec_type)}"
        bounds = [key for key in BOUND_KEYS if key in prop]
        if bounds and parse_type(spec_type)[1] not in _NUMBER_TYPES:
            yield (*here, bounds[0]), f"{bounds[0]} applies only to number and integer properties"
        low, high = prop.get("minimum", prop.get("exclusiveMinimum")), prop.get("maximum")
        if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
            yield (*here, "maximum"), f"{show(high)} is less than the minimum {show(low)}"


def _retired_problems(where: tuple, component: dict) -> Iterator[tuple[tuple, str]]:
    """A retired input is no longer an input: neither declared nor an alias of one."""
    inputs = _mapping(component.get("input"))
    aliases = {alias for prop in inputs.values() if isinstance(prop, dict)
               for alias in (prop.get("aliases") if isinstance(prop.get("aliases"), list) else [])}
    for name in _mapping(component.get("retired_inputs")):
        if name in inputs:
            yield (*where, name), (
                f"{show(name)} is a declared input: remove it from input or from retired_inputs"
            )
        elif name in aliases:
            yield (*where, name), f"{show(name)} is an alias of an input: remove it from one of the two"


def _component_problems(data: dict) -> Iterator[tuple[tuple, str]]:
    for kind in KINDS:
        key = SECTION_KEYS[kind]
        for name, component in _mapping(data.get(key)).items():
            if not _COMPONENT_NAME.match(name) or keyword.iskeyword(name):
                yield (key, name), (
                    f"{show(name)} is not a valid {kind} name: use lower_snake_case (lowercase letters, "
                    "digits and underscores, starting with a letter; not a Python keyword)"
                )
            if isinstance(component, dict):
                yield from _retired_problems((key, name, "retired_inputs"), component)
            if kind == "task" and isinstance(component, dict):
                yield from _task_output_problems((key, name, "output"), component.get("output"))
    if _mapping(data.get("triggers")) and data.get("enable_cache") is not True:
        where = ("enable_cache",) if "enable_cache" in data else ()
        yield where, "must be true when the plugin has triggers (they keep their state in the cache)"
    history, version = data.get("version_history"), data.get("version")
    if isinstance(history, list) and history and isinstance(history[0], str) and isinstance(version, str):
        if history[0].split(" - ")[0].strip() != version:
            yield ("version_history", 0), (
                f"the newest entry {show(history[0])} is not about the current version {show(version)}"
            )


def _task_output_problems(where: tuple, output: Any) -> Iterator[tuple[tuple, str]]:
    if not isinstance(output, dict):
        return
    if len(output) != 1:
        yield where, f"a task has exactly one output, a list of events (e.g. '[]event'); found {len(output)}"
        return
    name, prop = next(iter(output.items()))
    spec_type = prop.get("type") if isinstance(prop, dict) else None
    if isinstance(spec_type, str) and not spec_type.startswith("[]"):
        message = f"a task output must be a list such as '[]{spec_type}'; got {show(spec_type)}"
        yield (*where, name, "type"), message
