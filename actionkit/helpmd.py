"""help.md, rendered entirely from the spec in the layout the ecosystem's generator writes
(insight-plugin 1.11, reference §10.4), which its validator compares with the spec.

Tables have the ecosystem's columns, one row per field in alphabetical order, each cell as that
generator writes it: the spec's own value or ``None``, a list as JSON (booleans as ``True``/
``False``), any other value as Python prints it. Example blocks are sorted, indented JSON; their
values are the generated ``EXAMPLE``s, so they are valid inputs and outputs (where the ecosystem's
generator prints field titles for a custom type, ours prints its example). An empty section says
so in one italic line.

Ours, outside the tables: what the extensions ``resolve`` and ``aliases`` accept, and a
component's ``retired_inputs``, in lines after its example input; a component's ``help`` after
its description, as the ecosystem's generator places it. ``actionkit.help.upgrading`` and every
old input name and retired input, by component, make the section "Upgrading from N.x" (N the
previous major version) after Troubleshooting.
"""

from __future__ import annotations

import json
import re
from typing import Any

from actionkit.spec import Component, Spec
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
        out += ["The connection configuration accepts the following parameters:  "]
        out += [_table(INPUT_COLUMNS, spec.raw_connection), "Example input:"]
        out += [_json_block(section_example(spec.raw_connection, spec.raw_types))]
    else:
        out += ["*This plugin does not contain a connection.*"]
    out += _setup_extras(spec)
    out += ["## Technical Details"]
    for kind, heading in (("action", "Actions"), ("trigger", "Triggers"), ("task", "Tasks")):
        if kind == "action":
            out += [f"### {heading}"]
        else:  # the generator writes these right under the previous line
            out[-1] += f"\n### {heading}"
        # Alphabetically by name, as the ecosystem's generator orders them.
        found = sorted((c for c in spec.components() if c.kind == kind), key=lambda c: c.name)
        if not found:  # the generator's layout: the line right under the heading, after a "  " line
            out[-1] += f"\n  \n*This plugin does not contain any {heading.lower()}.*"
        else:
            out[-1] += "\n"  # the generator's blank line before the first component
        for component in found:
            out += _component(component, spec)
    out += ["### Custom Types"]
    if not spec.types:
        out[-1] += "\n  \n*This plugin does not contain any custom output types.*"
    for name, fields in spec.raw_types.items():
        out[-1] += f"\n  \n**{name}**"  # the generator's layout: a "  " line, then the type's name
        out += [_table(TYPE_COLUMNS, fields) if fields else "*This type has no fields.*"]
    if spec.types:
        out[-1] += "\n"
    out += ["## Troubleshooting", _markdown(data.get("troubleshooting"), "troubleshooting")]
    out += _upgrading(spec)
    out += ["# Version History", _markdown(data.get("version_history"), "version history")]
    out += ["# Links", _markdown(data.get("links"), "links")]
    out += ["## References", _markdown(data.get("references"), "references")]
    return "\n\n".join(out) + "\n"


def _component(component: Component, spec: Spec) -> list[str]:
    kind = component.kind
    out = [f"#### {component.title}", _used_to(kind, component.description)]
    if component.help:
        out[-1] += "  \n" + component.help
    if component.raw.get("needs"):
        out.append(f"Needs: {component.raw['needs']}")
    if component.schedule:
        out.append(f"Schedule: `{json.dumps(component.schedule, ensure_ascii=False)}`")
    inputs = component.section("input")
    out.append("##### Input")
    if inputs:
        out += [_table(INPUT_COLUMNS, inputs) + "\n  \nExample input:"]
        out.append(_json_block(section_example(inputs, spec.raw_types)))
    else:
        out[-1] += f"\n  \n*This {kind} does not contain any inputs.*"
    out += _extension_notes(component)
    outputs = component.section("output")
    out.append("##### Output")
    if outputs:
        out += [_table(OUTPUT_COLUMNS, outputs) + "\n  \nExample output:"]
        if kind == "task":
            value = example_value(next(iter(outputs.values())), spec.raw_types)
            out.append(_json_block([] if value is ABSENT else value))
        else:
            out.append(_json_block(section_example(outputs, spec.raw_types)))
    else:
        out[-1] += f"\n  \n*This {kind} does not contain any outputs.*"
    state = component.section("state")
    if state:
        out += ["##### State", _table(INPUT_COLUMNS, state)]
    return out



def _upgrading(spec: Spec) -> list[str]:
    """The section on upgrading from the previous major version; nothing when there is nothing to say."""
    rows = []
    for component in spec.components():
        for prop in component.properties("input").values():
            rows += [(component.name, old, f"renamed `{prop.name}`") for old in prop.raw.get("aliases") or ()]
        for old, why in (component.raw.get("retired_inputs") or {}).items():
            rows.append((component.name, old, f"ignored: {why}"))
    text = ((spec.data.get("actionkit") or {}).get("help") or {}).get("upgrading")
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

def _setup_extras(spec: Spec) -> list[str]:
    """Ours, at the end of Setup: ``actionkit.help.setup``, then what each component ``needs``."""
    extra = spec.data.get("actionkit") or {}
    out = []
    setup = (extra.get("help") or {}).get("setup")
    if setup:
        out.append(_markdown(setup, "setup notes"))
    needs = [(c.kind, c.title, c.raw["needs"]) for c in spec.components() if c.raw.get("needs")]
    if needs:
        what = "Action" if all(kind == "action" for kind, _, _ in needs) else "Component"
        rows = [f"|{what}|What it needs|", "| :--- | :--- |"]
        rows += [f"|{title}|{' '.join(str(text).split())}|" for _, title, text in needs]
        out += [f"### What Each {what} Needs", "\n".join(rows)]
    return out


def _used_to(kind: str, description: str) -> str:
    """"This action is used to <description>", as the ecosystem's generator words it."""
    text = " ".join(str(description).split())
    if f"this {kind} is used to" in text.lower():
        return text
    if text[:1].isupper() and not text[1:2].isupper():  # keep an acronym such as "REST" as it is
        text = text[0].lower() + text[1:]
    return f"This {kind} is used to {text}"


def _extension_notes(component: Component) -> list[str]:
    """Lines on the inputs' ``resolve`` and ``aliases`` and the component's ``retired_inputs``:
    the table's cells are the spec's own values, as the ecosystem's validator expects."""
    notes = []
    for name, raw in component.section("input").items():
        kind = raw.get("resolve")
        if kind:
            accepted = RESOLVED_BY.get(kind, "name or ID")
            accepted = f"{'an' if accepted[0] in 'aeiou' else 'a'} {accepted}"
            if str(raw["type"]).startswith("[]"):
                notes.append(f"Each item of `{name}` may be {accepted}.")
            else:
                notes.append(f"`{name}` may be {accepted}.")
        if raw.get("aliases"):
            old = ", ".join(f"`{alias}`" for alias in raw["aliases"])
            notes.append(f"`{name}` is also accepted as {old} (deprecated).")
    retired = component.raw.get("retired_inputs")
    if retired:
        listed = "; ".join(f"`{name}` ({why})" for name, why in retired.items())
        notes.append(f"Retired inputs, accepted and ignored: {listed}.")
    return ["  \n".join(notes)] if notes else []


def _table(columns: tuple[str, ...], section: dict[str, Any]) -> str:
    rows = ["|" + "|".join(columns) + "|", "|" + "|".join(" :--- " for _ in columns) + "|"]
    for name in sorted(section):
        raw = section[name]
        rows.append("|" + "|".join(_cell(_value(column, name, raw, columns)) for column in columns) + "|")
    return "\n".join(rows)


def _value(column: str, name: str, raw: dict[str, Any], columns: tuple[str, ...]) -> Any:
    if column == "Name":  # a custom type's table names its fields by title
        return raw.get("title", name) if columns is TYPE_COLUMNS else name
    if column == "Required" and columns is OUTPUT_COLUMNS:
        return raw.get("required", False)  # what the validator reads for an output that says nothing
    return raw.get(column.lower())


def _cell(value: Any) -> str:
    """A value as the ecosystem's generator writes it into a table: lists as JSON with Python's
    booleans, anything else as Python prints it (a dict with single quotes), nothing as ``None``.
    A ``|`` or a line break is kept: the validator compares the spec's text as it is."""
    if isinstance(value, list):
        text = json.dumps(value)
        text = re.sub(r"\btrue\b(?!\s\w)", "True", text)
        return re.sub(r"\bfalse\b(?!\s\w)", "False", text)
    return str(value)


def _json_block(value: Any) -> str:
    return "```\n" + json.dumps(value, indent=2, sort_keys=True) + "\n```"


def _markdown(value: Any, what: str) -> str:
    """A markdown string as is, a list as bullets, nothing as the italic 'none' line."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, list) and value:
        return "\n".join(f"* {item}" for item in value)
    article = "any" if what.endswith("s") else "an" if what[0] in "aeiou" else "a"  # the generator's rule
    return f"*This plugin does not contain {article} {what}.*"
