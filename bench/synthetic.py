"""A synthetic plugin of about 70 actions, to measure what grows with the number of actions.

``synthetic_spec(text)`` is the real plugin.spec.yaml plus made-up resource types
(sixteen fields each, with references and a nested part) and the list/get/create/update/delete
actions of each, until the spec has ``actions`` actions: the shape the plugin takes as its
sixty planned REST actions arrive. ``synthetic_plugin(dest)`` copies the plugin (its spec, the
``icon_pagerduty`` package and ``bin/``) to ``dest``, writes the synthetic spec there and
generates; the real actions keep their code, the made-up ones get stubs. Benchmarks and tests
use it to compare the real plugin with a larger one; it is never shipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from actionkit.codegen import generate
from actionkit.yamlmarks import parse

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "icon_pagerduty"
RESOURCES = (
    "widget", "gadget", "gizmo", "sprocket", "bracket", "flange",
    "gasket", "spindle", "rotor", "valve", "piston", "nozzle", "bearing", "axle",
)
FIELDS = 16


def _field(title: str, description: str, type_: str, **extra: Any) -> dict[str, Any]:
    return {"title": title, "description": description, "type": type_, **extra}


def _resource_type(name: str) -> dict[str, Any]:
    """A PagerDuty-like object: identity, a few scalars, references to others, a nested part."""
    label = name.replace("_", " ")
    fields = {
        "id": _field("ID", f"ID of the {label}", "string", example="PXPGF42"),
        "type": _field("Type", f"Object type, always {name}", "string", example=name),
        "summary": _field("Summary", f"Short summary of the {label}", "string", example="Edge"),
        "self": _field("Self", f"API URL of the {label}", "string",
                       example=f"https://api.pagerduty.com/{name}s/PXPGF42"),
        "html_url": _field("HTML URL", f"Web URL of the {label}", "string",
                           example=f"https://example.pagerduty.com/{name}s/PXPGF42"),
        "name": _field("Name", f"Name of the {label}", "string", example=f"Main {label}"),
        "description": _field("Description", f"What the {label} is for", "string", example="Serves the edge"),
        "status": _field("Status", f"Status of the {label}", "string", enum=["active", "disabled"],
                         example="active"),
        "created_at": _field("Created At", f"When the {label} was created", "date",
                             example="2024-01-01T09:00:00Z"),
        "count": _field("Count", f"How many things the {label} holds", "integer", example=3),
        "enabled": _field("Enabled", f"Whether the {label} is enabled", "boolean", example=True),
        "teams": _field("Teams", f"Teams the {label} belongs to", "[]reference"),
        "owner": _field("Owner", f"User who owns the {label}", "reference"),
        "parts": _field("Parts", f"Parts of the {label}", f"[]{name}_part"),
    }
    for number in range(len(fields), FIELDS):
        fields[f"extra_{number}"] = _field(f"Extra {number}", f"Another property of the {label}", "string",
                                           example=f"value {number}")
    return fields


def _part_type(name: str) -> dict[str, Any]:
    return {
        "key": _field("Key", "Key of the part", "string", required=True, example="size"),
        "value": _field("Value", "Value of the part", "string", example="large"),
    }


def _actions(name: str) -> dict[str, dict[str, Any]]:
    label = name.replace("_", " ")
    ident = {"id": _field("ID", f"ID or name of the {label}", "string", required=True, example="PXPGF42")}
    writable = {
        "name": _field("Name", f"Name of the {label}", "string", example=f"Main {label}"),
        "description": _field("Description", f"What the {label} is for", "string", example="Serves the edge"),
        "status": _field("Status", f"Status of the {label}", "string", enum=["active", "disabled"]),
        "teams": _field("Teams", "Names or IDs of teams", "[]string", example=["Platform"]),
        "owner": _field("Owner", "Email or ID of the owning user", "string", example="ada.admin@example.com"),
        "enabled": _field("Enabled", f"Whether the {label} is enabled", "boolean", example=True),
    }
    one = {name: _field(label.title(), f"The {label}", name)}
    return {
        f"list_{name}s": {
            "title": f"List {label.title()}s", "description": f"List {label}s, filtered",
            "input": {
                "query": _field("Query", "Only those whose name contains this", "string", example="edge"),
                "teams": _field("Teams", "Only those of these teams (names or IDs)", "[]string"),
                "statuses": _field("Statuses", "Only these statuses", "[]string", example=["active"]),
                "since": _field("Since", "Start of the time window", "date", example="2024-01-01T00:00:00Z"),
                "until": _field("Until", "End of the time window", "date", example="2024-02-01T00:00:00Z"),
                "sort_by": _field("Sort By", "Field to sort by", "string", enum=["name", "created_at"]),
                "include": _field("Include", "Related objects to include", "[]string", example=["teams"]),
                "limit": _field("Limit", "At most this many; 0 means all", "integer", default=100),
            },
            "output": {
                f"{name}s": _field(f"{label.title()}s", f"The {label}s", f"[]{name}", required=True),
                "count": _field("Count", "How many were returned", "integer", required=True, example=1),
                "truncated": _field("Truncated", "Whether the limit cut the list", "boolean", example=False),
            },
        },
        f"get_{name}": {
            "title": f"Get {label.title()}", "description": f"Get a {label} by ID or name",
            "input": ident,
            "output": {"found": _field("Found", f"Whether the {label} exists", "boolean", required=True),
                       **one},
        },
        f"create_{name}": {
            "title": f"Create {label.title()}", "description": f"Create a {label}",
            "input": {**writable, "name": {**writable["name"], "required": True}},
            "output": {name: {**one[name], "required": True}},
        },
        f"update_{name}": {
            "title": f"Update {label.title()}", "description": f"Change a {label}",
            "input": {**ident, **writable},
            "output": {**one, "changed": _field("Changed", "Whether anything changed", "boolean",
                                                required=True)},
        },
        f"delete_{name}": {
            "title": f"Delete {label.title()}", "description": f"Delete a {label}",
            "input": ident,
            "output": {"success": _field("Success", "Whether it is gone", "boolean", required=True), **one},
        },
    }


# Nearly twice the real spec's actions (81 at the time of writing): the scale the tests and the
# cold-start bench compare against.
SYNTHETIC_ACTIONS = 150


def synthetic_spec(text: str, actions: int = SYNTHETIC_ACTIONS) -> str:
    """The spec ``text`` with made-up types and actions added until it has ``actions`` actions."""
    data = parse(text).data
    types = data.setdefault("types", {})
    types.setdefault("reference", {"id": _field("ID", "ID of the referenced object", "string")})
    added = data["actions"]
    for name in RESOURCES:
        if len(added) >= actions:
            break
        types[f"{name}_part"] = _part_type(name)
        types[name] = _resource_type(name)
        for action, entry in _actions(name).items():
            if len(added) < actions:
                added[action] = entry
    if len(added) < actions:
        raise ValueError(f"cannot make up {actions} actions; at most {len(added)}")
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def synthetic_plugin(dest: Path, actions: int = SYNTHETIC_ACTIONS, root: Path = ROOT) -> Path:
    """A generated copy of the plugin in ``root``, with the synthetic spec, under ``dest`` (returned)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(root / PACKAGE, dest / PACKAGE, ignore=ignore, dirs_exist_ok=True)
    shutil.copytree(root / "bin", dest / "bin", ignore=ignore, dirs_exist_ok=True)
    spec = synthetic_spec((root / "plugin.spec.yaml").read_text(encoding="utf-8"), actions)
    (dest / "plugin.spec.yaml").write_text(spec, encoding="utf-8")
    generate(dest, PACKAGE)
    return dest
