"""Python source of the generated schema modules and of the one module of shared types.

Each custom type of the spec (and each built-in definition the spec uses, such as
``credential_secret_key``) is written once, into ``<package>/custom_types.py``, as one
``actionkit.typetable.TypeTable`` named ``TYPES``. A schema module's ``SCHEMA`` names only the
types its own fields use (``TYPES.definitions("user")``) and its ``EXAMPLE`` takes a custom type's
example object from the table (``TYPES.example("user")``); at import both give exactly what
``actionkit.types`` builds for the section, which ``SharedTypes`` checks while generating.
"""

from __future__ import annotations

import json
import keyword
import re
import textwrap
from collections.abc import Callable
from typing import Any

from actionkit import pyliteral
from actionkit.model import Model
from actionkit.pyliteral import Call, Expr
from actionkit.spec import Component, Spec
from actionkit.types import (
    ABSENT,
    BUILTIN_DEFINITIONS,
    SCALARS,
    custom_definition,
    definitions,
    example_value,
    object_example,
    parse_type,
    python_annotation,
    section_example,
    section_schema,
    task_output_schema,
)
from actionkit.typetable import TypeTable

# <package>/custom_types.py. Not "...schema.py": the ecosystem's validator reads every file whose
# name contains that as a generated component schema.
TYPES_MODULE = "custom_types"
_RESERVED = set(dir(Model))
_WIDTH = pyliteral.WIDTH


def direct_uses(section: dict[str, Any]) -> list[str]:
    """The non-scalar types the fields of a section use, in order of first use, the fields
    walked alphabetically (the order of ``actionkit.types.referenced_types``)."""
    found: list[str] = []
    for name in sorted(section):
        base = parse_type(section[name]["type"])[1]
        if base not in SCALARS and base not in found:
            found.append(base)
    return found


class SharedTypes:
    """The type table of a spec, and the ``SCHEMA``/``EXAMPLE`` values that refer to it."""

    def __init__(self, spec: Spec, package: str):
        self.spec = spec
        self.module = f"{package}.{TYPES_MODULE}"
        custom = spec.raw_types
        self.custom = custom
        sections = [spec.raw_connection, *custom.values()]
        for component in spec.components():
            sections += [component.section(which) for which in ("input", "output", "state")]
        used_builtins: dict[str, dict[str, Any]] = {}
        for section in sections:
            for name, definition in definitions(section, custom).items():
                if name in BUILTIN_DEFINITIONS:
                    used_builtins.setdefault(name, definition)
        self.builtin = tuple(used_builtins)
        self.definitions = {**used_builtins, **{name: custom_definition(name, custom) for name in custom}}
        self.uses = {name: direct_uses(fields) for name, fields in custom.items() if direct_uses(fields)}
        self.examples = {name: object_example(name, custom) for name in custom}
        self.examples = {name: example for name, example in self.examples.items() if example}
        self.table = TypeTable(self.definitions, self.uses, self.examples, self.builtin)

    def schema(self, section: dict[str, Any], task_output: bool = False,
               retired: dict[str, str] | None = None) -> dict[str, Any]:
        """``section_schema`` (or ``task_output_schema``) with its definitions taken from the table."""
        schema = (task_output_schema(section, self.custom) if task_output
                  else section_schema(section, self.custom, retired))
        if not schema.get("definitions"):
            return schema
        names = direct_uses(section)
        shared = self.table.definitions(*names)
        if list(shared.items()) != list(schema["definitions"].items()):  # a defect of this module
            raise AssertionError(f"the type table gives other definitions than the section's: {names}")
        schema["definitions"] = Call("TYPES.definitions", *names)
        return schema

    def example(self, section: dict[str, Any]) -> dict[str, Any]:
        """``section_example``, where a custom type's example object comes from the table."""
        result = section_example(section, self.custom)
        return {name: self.example_ref(section[name], value) for name, value in result.items()}

    def example_ref(self, prop: dict[str, Any], value: Any, refer: Callable[[str], Any] | None = None
                    ) -> Any:
        """``value``, or the same value as an expression over a custom type's example object when
        it is one: ``refer(type name)`` gives that expression (default ``TYPES.example(name)``)."""
        depth, base = parse_type(prop["type"])
        if base not in self.examples:
            return value
        expected = self.examples[base]
        for _ in range(depth):
            expected = [expected]
        if value != expected:
            return value
        ref: Any = refer(base) if refer else Call("TYPES.example", base)
        for _ in range(depth):
            ref = [ref]
        return ref

    def example_assignments(self) -> list[str]:
        """``EXAMPLES["name"] = {...}`` for each custom type, where a field holding another
        type's example refers to it: those come first."""
        lines: list[str] = []
        seen: set[str] = set()

        def visit(name: str) -> None:
            seen.add(name)  # before its fields, so that a cycle ends here
            fields, used = self.custom[name], []

            def refer(base: str) -> Expr:
                used.append(base)
                return Expr(f"EXAMPLES[{json.dumps(base)}]")

            shaped = {key: self.example_ref(fields[key], value, refer)
                      for key, value in self.examples[name].items()}
            for base in used:
                if base not in seen:
                    visit(base)
            lines.append(py_assign(f"EXAMPLES[{json.dumps(name)}]", shaped))

        for name in self.examples:
            if name not in seen:
                visit(name)
        return lines


def types_module(spec: Spec, shared: SharedTypes, header: str) -> str:
    """``<package>/custom_types.py``: the type table the schema modules share."""
    doc = _docstring_lines(
        [
            f"The types of the {spec.title} plugin, each defined once: the spec's custom types and the "
            "built-in definitions it uses.",
            "",
            'A schema module takes the definitions its fields need with ``TYPES.definitions("name")`` '
            "(the types those use come along) and a custom type's example object with "
            '``TYPES.example("name")``.',
        ],
        0,
    )
    parts = [
        f"{header}{doc}\n\nfrom actionkit.typetable import TypeTable\n",
        "# name -> JSON schema definition, as a schema's \"definitions\" holds it",
        py_assign("DEFINITIONS", shared.definitions),
        "# custom type -> the types its fields use, in order of first use (fields walked alphabetically)",
        py_assign("USES", shared.uses),
        "# custom type -> example object, built from the examples of its fields",
        "EXAMPLES = {}",
        *shared.example_assignments(),
        "# the names above that are built-in definitions, listed first in a schema's \"definitions\"",
        py_assign("BUILTIN", list(shared.builtin)),
        "TYPES = TypeTable(DEFINITIONS, USES, EXAMPLES, BUILTIN)",
    ]
    return "\n".join(parts) + "\n"


def connection_module(spec: Spec, shared: SharedTypes, header: str) -> str:
    """The connection's schema module: ``class Input(Model)``."""
    title = f"{spec.title} connection"
    model = _model_class("Input", f"Connection of {spec.title}.", spec.raw_connection, shared)
    return _module(header, shared, title, "the settings and credentials every component shares.", [model])


def component_module(component: Component, shared: SharedTypes, header: str) -> str:
    """A component's schema module: ``Input`` and ``Output`` (and ``State`` for a task)."""
    title = component.title
    classes = [_model_class("Input", f"Input of {title}.", component.section("input"), shared,
                            component.raw.get("retired_inputs"))]
    # The ecosystem's tools take a schema.py's triple-quoted strings (each class's JSON) to be the
    # input, then (for a task) the state, then the output schema.
    if component.kind == "task":
        state = component.section("state")
        classes.append(_model_class("State", f"State of {title}, kept between calls.", state, shared))
        classes.append(_task_output_class(component, shared))
    else:
        classes.append(_model_class("Output", f"Output of {title}.", component.section("output"), shared))
    return _module(header, shared, title, component.description, classes)


def _module(header: str, shared: SharedTypes, title: str, description: str, classes: list[str]) -> str:
    """A schema module. Its docstring ("<title>: <description>") and those of its classes are
    plain strings: the ecosystem's validator reads every triple-quoted string of a schema.py as
    one of its JSON schemas, and those are the classes' ``JSON`` (``json_line``)."""
    docstring = pyliteral.literal(f"{title}: {_one_line(description)}")
    body = "\n\n".join(classes)
    imports = "from __future__ import annotations\n\n"
    if re.search(r"\bAny\b", body):
        imports += "from typing import Any\n\n"
    imports += "from actionkit.model import Model\n"
    if re.search(r"\bTYPES\.", body):
        imports += f"from {shared.module} import TYPES\n"
    return f"{header}{docstring}\n\n{imports}\n\n{body}"


def _model_class(name: str, summary: str, section: dict[str, dict[str, Any]], shared: SharedTypes,
                 retired: dict[str, str] | None = None) -> str:
    names = python_names(list(section))
    # The fields' descriptions are in SCHEMA, right below: the docstring does not repeat them.
    doc = pyliteral.literal(summary if section else f"{summary} No fields.", 4)
    out = [f"class {name}(Model):", f"    {doc}"]
    out.append(py_assign("SCHEMA", shared.schema(section, retired=retired), 4))
    out.append(py_assign("EXAMPLE", shared.example(section), 4))
    aliases = {python: key for key, python in names.items() if python != key}
    if aliases:  # Model's default is none
        out.append(py_assign("ALIASES", aliases, 4))
    out.append(json_line(section_schema(section, shared.custom, retired)))
    if section:
        out.append("")
    for key, prop in section.items():
        annotation = python_annotation(prop["type"])
        if prop.get("required") is not True:
            annotation += " | None"
        out.append(f"    {names[key]}: {annotation}")
    return "\n".join(out) + "\n"


def _task_output_class(component: Component, shared: SharedTypes) -> str:
    section = component.section("output")
    prop = next(iter(section.values()), None)
    example = [] if prop is None else example_value(prop, shared.custom)
    example = [] if example is ABSENT else shared.example_ref(prop, example)
    doc = f"Output of {component.title}: the list of events the task returns."
    return "\n".join(
        [
            "class Output(Model):",
            "    " + pyliteral.literal(doc, 4),
            py_assign("SCHEMA", shared.schema(section, task_output=True), 4),
            py_assign("EXAMPLE", example, 4),
            json_line(task_output_schema(section, shared.custom)),
        ]
    ) + "\n"


def json_line(schema: dict[str, Any]) -> str:
    """``JSON``: the class's schema complete with its definitions, as the ecosystem's generator
    writes it into a schema.py (a triple-quoted JSON string), on one line: ``SCHEMA`` is the
    readable form, and the two are equal (a test keeps them so)."""
    line = f'    JSON = r"""{json.dumps(schema, ensure_ascii=True, separators=(",", ":"))}"""'
    return line + ("  # noqa: E501" if len(line) > _WIDTH else "")


def python_names(keys: list[str]) -> dict[str, str]:
    """A Python attribute name for each key: the key itself when it can be, otherwise a close
    name (``class`` gives ``class_``, ``incident-key`` gives ``incident_key``)."""
    taken = {key for key in keys if _usable(key)}
    names = {}
    for key in keys:
        if _usable(key):
            names[key] = key
            continue
        name = re.sub(r"\W", "_", key) or "field"
        if name[0].isdigit() or name[0] == "_":
            name = f"f{name}" if name[0] == "_" else f"f_{name}"
        while not _usable(name) or name in taken:
            name += "_"
        taken.add(name)
        names[key] = name
    return names


def _usable(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and name not in _RESERVED and name[:1] != "_"


def py_assign(name: str, value: Any, indent: int = 0) -> str:
    prefix = f"{' ' * indent}{name} = "
    return prefix + pyliteral.literal(value, indent, len(prefix))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _escape_doc(text: str) -> str:
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return text[:-1] + '\\"' if text.endswith('"') else text


def py_docstring(text: str, indent: int = 0) -> str:
    return _docstring_lines([text], indent)


def _docstring_lines(paragraphs: list[str | tuple[str, str, str]], indent: int) -> str:
    """A docstring whose paragraphs are wrapped to the line length; one line when it fits.
    A paragraph is a text, or (text, first-line indent, next-lines indent)."""
    pad = " " * indent
    lines = []
    for paragraph in paragraphs:
        text, first, rest = (paragraph, "", "") if isinstance(paragraph, str) else paragraph
        wrapped = textwrap.wrap(
            _escape_doc(_one_line(text)),
            _WIDTH - indent - 3,
            initial_indent=first,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines += wrapped or [""]
    if len(lines) == 1 and len(pad) + len(lines[0]) + 6 <= _WIDTH:
        return f'{pad}"""{lines[0]}"""'
    body = "\n".join(f"{pad}{line}" if line else "" for line in lines[1:])
    return f'{pad}"""{lines[0]}\n{body}\n{pad}"""' if body else f'{pad}"""{lines[0]}\n{pad}"""'
