"""The ecosystem's plugin validator (``icon-validate``, package insightconnect-integrations-validators),
its offline rules checked on every test run.

The validator itself cannot be installed beside our dependencies (it pins jsonschema 2.3), so each
rule it applies is restated here as it reads the plugin; `/work/tools/icv_each.py`-style runs of
the real validators confirm them (see help.md's note on the runtime for the one rule we do not
follow: the parent image).
"""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache", ".ruff_cache"}


def _files(suffix_test) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(REPO):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        found += [Path(root, name) for name in sorted(files) if suffix_test(name)]
    return found


def _spec() -> dict:
    return yaml.safe_load((REPO / "plugin.spec.yaml").read_text(encoding="utf-8"))


# OutputValidator: every file whose name contains "schema.py", outside a folder named connection,
# is a generated schema; its triple-quoted strings are JSON: input and output (a task: input,
# state, output). It crashed on actionkit/metaschema.py, now specrules.py.
SCHEMA_FILES = [path for path in _files(lambda name: "schema.py" in name) if path.parent.name != "connection"]
TRIPLE = re.compile(r'(?s)"""(.*?)"""')


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=[str(p.relative_to(REPO)) for p in SCHEMA_FILES])
def test_every_schema_py_holds_the_json_schemas_the_output_validator_reads(path):
    text = path.read_text(encoding="utf-8")
    strings = TRIPLE.findall(text.strip())
    kind = path.parent.parent.name  # actions, triggers or tasks
    assert kind in ("actions", "triggers", "tasks"), f"{path}: not a component's generated schema"
    names = ["Input", "State", "Output"] if kind == "tasks" else ["Input", "Output"]
    assert len(strings) == len(names), f"{path}: {len(strings)} triple-quoted strings"
    classes = {node.name: node for node in ast.parse(text).body if isinstance(node, ast.ClassDef)}
    for name, string in zip(names, strings, strict=True):
        schema = json.loads(string)
        if schema:  # an empty section's schema is {}, as the ecosystem's generator writes it
            assert schema["type"] == ("array" if (kind, name) == ("tasks", "Output") else "object")
        # Each string is the JSON attribute of the class in that place (input, [state,] output).
        assigned = [node.value.value for node in classes[name].body
                    if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "JSON"]
        assert assigned == [string], f"{path}: string {names.index(name)} is not {name}.JSON"


# HelpInputOutputValidator: each input and output row, written from the spec as below, is in the
# component's section of help.md; an input without an example is refused.
def _cell(value) -> str:
    return f"{value}".replace("'", '"') if isinstance(value, list) else f"{value}"


def _rows(section: dict, output: bool) -> list[str]:
    rows = []
    for name, raw in section.items():
        if output:
            cells = [name, raw.get("type"), raw.get("required", False), raw.get("description"),
                     _cell(raw.get("example"))]
        else:
            assert raw.get("example") is not None, f"input {name} has no example"
            cells = [name, raw.get("type"), _cell(raw.get("default")), raw.get("required"),
                     raw.get("description"), _cell(raw.get("enum")), _cell(raw.get("example")),
                     raw.get("placeholder"), raw.get("tooltip")]
        rows.append(("|" + "|".join(f"{cell}" for cell in cells) + "|").replace("\n", "\\n"))
    return rows


SPEC = _spec()
COMPONENTS = [(kind, name) for kind in ("actions", "triggers", "tasks") for name in SPEC.get(kind) or {}]


@pytest.mark.parametrize("kind, name", COMPONENTS, ids=[name for _, name in COMPONENTS])
def test_help_md_tables_hold_the_rows_the_help_validator_expects(kind, name):
    component = SPEC[kind][name]
    help_md = (REPO / "help.md").read_text(encoding="utf-8")
    section = re.search(rf"\n#### {re.escape(component['title'])}\n(.*?)(?=\n#### |\n### |\Z)", help_md, re.S)
    assert section, f"no section '#### {component['title']}' in help.md"
    inputs, _, outputs = section[1].partition("##### Output")
    for row in _rows(component.get("input") or {}, output=False):
        assert row in inputs.splitlines(), row
    for row in _rows(component.get("output") or {}, output=True):
        assert row in outputs.splitlines(), row
