"""help.md, rendered entirely from the spec in the ecosystem's section layout (reference §10.4).

Tables have the ecosystem's columns; a missing value prints ``None``, ``|`` in a cell is
escaped and a newline becomes ``<br>``. Example JSON blocks are the generated ``EXAMPLE``
values, so they are valid inputs and outputs. An empty section says so in one italic line.

Our spec extensions show in the description of an input: ``resolve`` as "(name or ID)" or
"(email or ID)", ``aliases`` as "Also accepted: old_name (deprecated)"; a component's
``retired_inputs`` are listed under its input table. The spec's ``upgrading`` text and every old
input name and retired input, by component, make the section "Upgrading from N.x" (N the previous
major version) after Troubleshooting.
"""

from __future__ import annotations

import json
from typing import Any

from actionkit.spec import Component, Property, Spec
from actionkit.types import ABSENT, example_value, section_example

INPUT_COLUMNS = (
    "Name",
    "Type",
    "Default",
    "Required",
    "Description",
    "Enum",
    "Example",
    "Placeholder",
    "Tooltip",
)
OUTPUT_COLUMNS = ("Name", "Type", "Required", "Description", "Example")
TYPE_COLUMNS = ("Name", "Type", "Default", "Required", "Description", "Example")
# What a person may give for an input declared ``resolve: <kind>``; a name for other kinds.
RESOLVED_BY = {"user": "email or ID", "incident": "number or ID"}


def render(spec: Spec, header_comment: str) -> str:
    """The whole help.md; ``header_comment`` is its first line."""
    data = spec.data
    out = [header_comment, "# Description", data["description"]]
    out += ["# Key Features", _markdown(data.get("key_features"), "key features")]
    out += ["# Requirements", _markdown(data.get("requirements"), "requirements")]
    versions = _markdown(data.get("supported_versions"), "supported product versions")
    out += ["# Supported Product Versions", versions]
    out += ["# Documentation", "## Setup"]
    if spec.connection:
        out += ["The connection configuration accepts the following parameters:"]
        out += [_table(INPUT_COLUMNS, spec.connection, spec), "Example input:"]
        out += [_json_block(section_example(spec.raw_connection, spec.raw_types))]
    else:
        out += ["_This plugin does not contain a connection._"]
    out += ["## Technical Details"]
    for kind, heading in (("action", "Actions"), ("trigger", "Triggers"), ("task", "Tasks")):
        out += [f"### {heading}"]
        found = [component for component in spec.components() if component.kind == kind]
        if not found:
            out += [f"_This plugin does not contain any {heading.lower()}._"]
        for component in found:
            out += _component(component, spec)
    out += ["### Custom Types"]
    if not spec.types:
        out += ["_This plugin does not contain any custom types._"]
    for name, fields in spec.types.items():
        out += [f"**{name}**", _table(TYPE_COLUMNS, fields, spec) if fields else "_This type has no fields._"]
    out += ["## Troubleshooting", _markdown(data.get("troubleshooting"), "troubleshooting information")]
    out += _upgrading(spec)
    out += ["# Version History", _markdown(data.get("version_history"), "version history")]
    out += ["# Links", _markdown(data.get("links"), "links")]
    out += ["## References", _markdown(data.get("references"), "references")]
    return "\n\n".join(out) + "\n"


def _upgrading(spec: Spec) -> list[str]:
    """The section on upgrading from the previous major version; nothing when there is nothing to say."""
    rows = []
    for component in spec.components():
        for prop in component.properties("input").values():
            rows += [(component.name, old, f"renamed `{prop.name}`") for old in prop.raw.get("aliases") or ()]
        for old, why in (component.raw.get("retired_inputs") or {}).items():
            rows.append((component.name, old, f"ignored: {why}"))
    text = spec.data.get("upgrading")
    if not rows and not text:
        return []
    major = int(str(spec.data["version"]).split(".")[0])
    out = [f"## Upgrading from {max(major - 1, 0)}.x"]
    if text:
        out.append(_markdown(text, "upgrade notes"))
    if rows:
        table = ["|Component|Old input|Now|", "| :--- | :--- | :--- |"]
        table += [f"|`{name}`|`{old}`|{_cell(now)}|" for name, old, now in rows]
        intro = ("Old inputs are still accepted: a renamed one with a warning in the step's log, a retired "
                 "one ignored with a log line saying why.")
        out += [intro, "\n".join(table)]
    return out


def _component(component: Component, spec: Spec) -> list[str]:
    kind = component.kind
    out = [f"#### {component.title}", component.description]
    if component.help:
        out.append(component.help)
    if component.schedule:
        out.append(f"Schedule: `{json.dumps(component.schedule, ensure_ascii=False)}`")
    inputs = component.properties("input")
    out.append("##### Input")
    if inputs:
        out += [_table(INPUT_COLUMNS, inputs, spec), "Example input:"]
        out.append(_json_block(section_example(component.section("input"), spec.raw_types)))
    else:
        out.append(f"_This {kind} does not contain any inputs._")
    retired = component.raw.get("retired_inputs")
    if retired:
        listed = "; ".join(f"`{name}` ({why})" for name, why in retired.items())
        out.append(f"Retired inputs, accepted and ignored: {listed}.")
    outputs = component.properties("output")
    out.append("##### Output")
    if outputs:
        out += [_table(OUTPUT_COLUMNS, outputs, spec), "Example output:"]
        if kind == "task":
            value = example_value(next(iter(component.section("output").values())), spec.raw_types)
            out.append(_json_block([] if value is ABSENT else value))
        else:
            out.append(_json_block(section_example(component.section("output"), spec.raw_types)))
    else:
        out.append(f"_This {kind} does not contain any outputs._")
    state = component.properties("state")
    if state:
        out += ["##### State", _table(INPUT_COLUMNS, state, spec)]
    return out


def _table(columns: tuple[str, ...], section: dict[str, Property], spec: Spec) -> str:
    rows = ["|" + "|".join(columns) + "|", "|" + "|".join(" :--- " for _ in columns) + "|"]
    for prop in section.values():
        rows.append("|" + "|".join(_cell(_value(column, prop, spec)) for column in columns) + "|")
    return "\n".join(rows)


def _value(column: str, prop: Property, spec: Spec) -> Any:
    if column == "Name":
        return prop.name
    if column == "Type":
        return prop.type
    if column == "Required":
        return prop.required
    if column == "Example":
        value = example_value(prop.raw, spec.raw_types)
        return None if value is ABSENT else value
    if column == "Description":
        return _description(prop)
    key = column.lower()
    return prop.raw.get(key)


def _description(prop: Property) -> str:
    """The description, then what the extensions ``resolve`` and ``aliases`` mean for the input."""
    text = prop.description
    stop = "." if text.endswith(".") else ""
    text = text[: len(text) - len(stop)]
    kind = prop.raw.get("resolve")
    if kind:
        accepted = RESOLVED_BY.get(kind, "name or ID")
        if prop.type.startswith("[]"):
            accepted = f"each {'an' if accepted[0] in 'aeiou' else 'a'} {accepted}"
        text += f" ({accepted})"
    aliases = prop.raw.get("aliases")
    if aliases:
        return f"{text}. Also accepted: {', '.join(aliases)} (deprecated){stop}"
    return text + stop


def _cell(value: Any) -> str:
    if isinstance(value, str):
        text = value
    elif value is None or isinstance(value, bool):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False)
    return text.replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def _json_block(value: Any) -> str:
    return "```\n" + json.dumps(value, indent=2, ensure_ascii=False) + "\n```"


def _markdown(value: Any, what: str) -> str:
    """A markdown string as is, a list as bullets, nothing as the italic 'none' line."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, list) and value:
        return "\n".join(f"* {item}" for item in value)
    return f"_This plugin does not contain any {what}._"
