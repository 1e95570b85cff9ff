"""Spec types to JSON schema (reference §6), Python annotations and example values.

Everything here works on plain spec data: a *section* is a mapping of property name to the
property's mapping as written in the YAML (``{"title": ..., "type": ..., ...}``), and
``custom`` is the spec's ``types:`` mapping (type name to a section). The functions assume
a spec that ``actionkit.spec`` has validated; ``type_problem`` is the check it uses.

A type is a base type with any number of ``[]`` prefixes, each one a level of array:
``[][]integer`` is a list of lists of integers.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Mapping
from typing import Any

Section = Mapping[str, Mapping[str, Any]]
CustomTypes = Mapping[str, Section]

SCALARS: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "int": {"type": "integer"},
    "number": {"type": "number"},
    "float": {"type": "number"},
    "boolean": {"type": "boolean"},
    "bool": {"type": "boolean"},
    "object": {"type": "object"},
    "date": {"type": "string", "format": "date-time", "displayType": "date"},
    "bytes": {"type": "string", "format": "bytes", "displayType": "bytes"},
}


def _secret(title: str, description: str, order: int | None = None) -> dict[str, Any]:
    field = {"type": "string", "format": "password", "displayType": "password"}
    field.update(title=title, description=description)
    if order is not None:
        field["order"] = order
    return field


def _credential(name: str, title: str, description: str, properties: dict, required: list) -> dict:
    return {
        "id": name,
        "type": "object",
        "title": title,
        "description": description,
        "properties": properties,
        "required": required,
    }


# Types that are emitted as {"$ref": "#/definitions/<name>"} with these definitions (§6.4).
BUILTIN_DEFINITIONS: dict[str, dict[str, Any]] = {
    "password": {"type": "string", "format": "password", "displayType": "password"},
    "python": {"type": "string", "format": "python", "displayType": "python"},
    "file": {
        "id": "file",
        "type": "object",
        "title": "File",
        "description": "File Object",
        "properties": {
            "filename": {"type": "string", "title": "Filename", "description": "Name of file"},
            "content": {
                "type": "string",
                "format": "bytes",
                "title": "Content",
                "description": "File contents",
            },
        },
    },
    "credential_secret_key": _credential(
        "credential_secret_key",
        "Credential: Secret Key",
        "A shared secret key",
        {"secretKey": _secret("Secret Key", "The shared secret key")},
        ["secretKey"],
    ),
    "credential_username_password": _credential(
        "credential_username_password",
        "Credential: Username and Password",
        "A username and password combination",
        {
            "username": {
                "type": "string",
                "title": "Username",
                "description": "The username to log in with",
                "order": 1,
            },
            "password": _secret("Password", "The password", 2),
        },
        ["username", "password"],
    ),
    "credential_token": _credential(
        "credential_token",
        "Credential: Token",
        "A pair of a token, and an optional domain",
        {
            "domain": {
                "type": "string",
                "title": "Domain",
                "description": "The domain for the token",
                "order": 1,
            },
            "token": _secret("Token", "The shared token", 2),
        },
        ["token"],
    ),
    "credential_asymmetric_key": _credential(
        "credential_asymmetric_key",
        "Credential: Asymmetric key",
        "A shared key",
        {"privateKey": _secret("Private Key", "The private key")},
        ["privateKey"],
    ),
}

BUILTIN_TYPES: tuple[str, ...] = (*SCALARS, *BUILTIN_DEFINITIONS)

_ANNOTATIONS = {
    "string": "str",
    "integer": "int",
    "int": "int",
    "number": "float",
    "float": "float",
    "boolean": "bool",
    "bool": "bool",
    "date": "str",
    "bytes": "str",
    "password": "str",
    "python": "str",
}

_FALLBACKS: dict[str, Any] = {"integer": 0, "int": 0, "number": 0, "float": 0, "boolean": False}
_FALLBACKS["bool"] = False


def parse_type(spec_type: str) -> tuple[int, str]:
    """Split a type into (array depth, base type): ``"[][]int"`` gives ``(2, "int")``."""
    depth = 0
    while spec_type.startswith("[]"):
        depth += 1
        spec_type = spec_type[2:]
    return depth, spec_type


def type_problem(spec_type: str, custom_names: list[str]) -> str | None:
    """Say what is wrong with a property type, or return None when it is valid.

    Valid are the built-in types, the custom type names, and ``[]T`` for any valid T.
    """
    depth, base = parse_type(spec_type)
    known = [*BUILTIN_TYPES, *custom_names]
    if base in known:
        return None
    shown = repr(spec_type)
    if base == "array":
        return f"{shown} is not a known type: say what the list holds, e.g. '[]string' or '[]object'"
    squeezed = "".join(spec_type.split())
    if squeezed != spec_type and type_problem(squeezed, custom_names) is None:
        return f"{shown} is not a known type (no spaces inside a type: did you mean {squeezed!r}?)"
    close = difflib.get_close_matches(base, known, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(base.lower(), known, n=1, cutoff=0.6)
    if close:
        return f"{shown} is not a known type (did you mean {'[]' * depth + close[0]!r}?)"
    customs = f", custom types: {', '.join(custom_names)}" if custom_names else ""
    return (
        f"{shown} is not a known type (built-in types: {', '.join(BUILTIN_TYPES)}{customs}; "
        "'[]T' is a list of T)"
    )


def base_schema(base: str) -> dict[str, Any]:
    """The schema of a base type: a scalar schema or a ``$ref`` into the definitions."""
    if base in SCALARS:
        return dict(SCALARS[base])
    return {"$ref": f"#/definitions/{base}"}


BOUND_KEYS = ("minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum")
# Spec keys carried into the property schema as extensions JSON Schema ignores, for the runtime
# and the generated docs: ``aliases`` (old names of the input) and ``resolve`` (names to IDs).
EXTENSION_KEYS = {"aliases": "x-aliases", "resolve": "x-resolve"}


def property_schema(prop: Mapping[str, Any], order: int) -> dict[str, Any]:
    """The schema of one property, keys in the order of §6.2, then our extensions.

    On a list type, ``enum`` and numeric bounds restrict the items (``[]string`` with
    ``enum: [a, b]`` takes ``["a", "b", "a"]``), so they sit on the innermost ``items``.
    """
    depth, base = parse_type(prop["type"])
    leaf = base_schema(base)
    inner = leaf
    for _ in range(depth - 1):
        inner = {"type": "array", "items": inner}
    schema = {"type": "array"} if depth else inner
    for key in ("title", "description", "default", "placeholder", "tooltip"):
        if key in prop:
            schema[key] = copy.deepcopy(prop[key])
    if depth:
        schema["items"] = inner
    for key in ("enum", *BOUND_KEYS):
        if key in prop:
            leaf[key] = copy.deepcopy(prop[key])
    schema["order"] = order
    for key, extension in EXTENSION_KEYS.items():
        if key in prop:
            schema[extension] = copy.deepcopy(prop[key])
    return schema


def properties_schema(section: Section) -> dict[str, dict[str, Any]]:
    """The ``properties`` of a section: alphabetical keys, ``order`` from the YAML position."""
    positions = {name: index for index, name in enumerate(section, start=1)}
    return {name: property_schema(section[name], positions[name]) for name in sorted(section)}


def required_names(section: Section) -> list[str]:
    return sorted(name for name, prop in section.items() if prop.get("required") is True)


def custom_definition(name: str, custom: CustomTypes) -> dict[str, Any]:
    """The definition of a custom type (§6.5)."""
    fields = custom[name] or {}
    definition: dict[str, Any] = {"type": "object", "title": name, "properties": properties_schema(fields)}
    required = required_names(fields)
    if required:
        definition["required"] = required
    return definition


def referenced_types(section: Section, custom: CustomTypes) -> list[str]:
    """Every built-in definition and custom type the section uses, at any depth.

    Built-in definitions come first, then custom types, each in order of first use when the
    properties are walked alphabetically (as the reference's example shows).
    """
    seen: list[str] = []

    def visit(fields: Section) -> None:
        for name in sorted(fields):
            _, base = parse_type(fields[name]["type"])
            if base in SCALARS or base in seen:
                continue
            seen.append(base)
            if base in custom:
                visit(custom[base] or {})

    visit(section)
    return [name for name in seen if name in BUILTIN_DEFINITIONS] + [name for name in seen if name in custom]


def definitions(section: Section, custom: CustomTypes) -> dict[str, dict[str, Any]]:
    """The flat ``definitions`` map of a section."""
    result = {}
    for name in referenced_types(section, custom):
        if name in BUILTIN_DEFINITIONS:
            result[name] = copy.deepcopy(BUILTIN_DEFINITIONS[name])
        else:
            result[name] = custom_definition(name, custom)
    return result


def section_schema(
    section: Section | None, custom: CustomTypes, retired: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The JSON schema of a connection, input, output or state section (§6.1).

    ``retired`` (a component's ``retired_inputs``: name to why it is ignored) becomes the
    extension ``x-retired``, which the runtime reads to accept and ignore those inputs.
    """
    if not section and not retired:
        return {}
    schema: dict[str, Any] = {"type": "object", "title": "Variables"}
    schema["properties"] = properties_schema(section or {})
    required = required_names(section or {})
    if required:
        schema["required"] = required
    schema["definitions"] = definitions(section or {}, custom)
    if retired:
        schema["x-retired"] = dict(retired)
    return schema


def task_output_schema(section: Section | None, custom: CustomTypes) -> dict[str, Any]:
    """The schema of a task's output (§6.6): an array of anything, titled after the one output."""
    if not section:
        return {}
    prop = next(iter(section.values()))
    return {
        "type": "array",
        "title": prop["title"],
        "description": prop["description"],
        "items": {},
        "required": sorted(section),
        "definitions": definitions(section, custom),
    }


def python_annotation(spec_type: str) -> str:
    """The annotation of a field: ``str``, ``int``, ``list[...]``; objects are ``dict[str, Any]``."""
    depth, base = parse_type(spec_type)
    annotation = _ANNOTATIONS.get(base, "dict[str, Any]")
    for _ in range(depth):
        annotation = f"list[{annotation}]"
    return annotation


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


def example_value(prop: Mapping[str, Any], custom: CustomTypes, stack: tuple[str, ...] = ()) -> Any:
    """The example of a property: its ``example``, else ``default``, else first ``enum`` value
    (in a list, for a list type), else one built from a custom type's fields; ``ABSENT`` when
    there is nothing to show."""
    for key in ("example", "default"):
        if key in prop:
            return copy.deepcopy(prop[key])
    depth, base = parse_type(prop["type"])
    if prop.get("enum"):  # the values of the items, for a list type
        value = copy.deepcopy(prop["enum"][0])
        for _ in range(depth):
            value = [value]
        return value
    if base not in custom or base in stack:
        return ABSENT
    built = object_example(base, custom, stack)
    if not built:
        return ABSENT
    for _ in range(depth):
        built = [built]
    return built


def fallback_value(spec_type: str, custom: CustomTypes, stack: tuple[str, ...] = ()) -> Any:
    """The plainest valid value of a type: ``""``, ``0``, ``False``, ``[]`` or an object."""
    depth, base = parse_type(spec_type)
    if depth:
        return []
    if base in _FALLBACKS:
        return _FALLBACKS[base]
    if base == "object":
        return {}
    if base in custom:
        return {} if base in stack else object_example(base, custom, stack)
    if base in BUILTIN_DEFINITIONS and "properties" in BUILTIN_DEFINITIONS[base]:
        return {name: "" for name in BUILTIN_DEFINITIONS[base]["properties"]}
    return ""


def object_example(type_name: str, custom: CustomTypes, stack: tuple[str, ...] = ()) -> dict[str, Any]:
    """An example object of a custom type, built from its fields as ``section_example`` does."""
    return section_example(custom[type_name] or {}, custom, (*stack, type_name))


def section_example(
    section: Section | None, custom: CustomTypes, stack: tuple[str, ...] = ()
) -> dict[str, Any]:
    """An example value of a section: every property that has an example (see ``example_value``)
    and every required property, the latter falling back to ``fallback_value``. A property declared
    ``in_example: false`` is left out: its example shows in its own row of help.md only."""
    result = {}
    for name, prop in (section or {}).items():
        if prop.get("in_example") is False:
            continue
        value = example_value(prop, custom, stack)
        if value is ABSENT and prop.get("required") is True:
            value = fallback_value(prop["type"], custom, stack)
        if value is not ABSENT:
            result[name] = value
    return result
