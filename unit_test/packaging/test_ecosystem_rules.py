"""The ecosystem's plugin validator (``icon-validate``, package insightconnect-integrations-validators),
its offline rules checked on every test run.

The validator itself cannot be installed beside our dependencies (it pins jsonschema 2.3), so each
rule it applies is restated here as it reads the plugin; `/work/tools/icv_each.py`-style runs of
the real validators confirm them (see help.md's note on the runtime for the one rule we do not
follow: the parent image).
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import tarfile
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


# SpecPropertiesValidator: a connection field, an input or output and a component hold only these
# keys. Ours (aliases, resolve, bounds, retired_inputs, needs, help) go in the actionkit: section.
PROPERTY_KEYS = {"title", "type", "description", "required", "default", "enum", "order", "example",
                 "excludeProduct", "placeholder", "tooltip"}
COMPONENT_KEYS = {"input", "output", "title", "description", "action_type"}


def test_entries_hold_only_the_keys_the_ecosystem_allows():
    offences = []
    for field, raw in (SPEC.get("connection") or {}).items():
        offences += [f"connection.{field}.{key}" for key in sorted(set(raw) - PROPERTY_KEYS)]
    for kind in ("actions", "triggers"):
        for name, component in (SPEC.get(kind) or {}).items():
            offences += [f"{kind}.{name}.{key}" for key in sorted(set(component) - COMPONENT_KEYS)]
            for section in ("input", "output"):
                for field, raw in (component.get(section) or {}).items():
                    extra = sorted(set(raw) - PROPERTY_KEYS)
                    offences += [f"{kind}.{name}.{section}.{field}.{key}" for key in extra]
    assert offences == [], "move these under the spec's actionkit: section (see actionkit/specextra.py)"


# PasswordValidator: no connection field is a bare password; secrets are credential types.
def test_no_connection_field_is_a_password_string():
    assert [name for name, raw in SPEC["connection"].items() if raw.get("type") == "password"] == []


# EncodingValidator: every value is ASCII, and each mapping's Python repr is read back as YAML (so
# no text under a mapping may hold both kinds of quotes).
def _encoding_problems(mapping: dict, where: str) -> list[str]:
    found = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            try:
                value = yaml.safe_load(str(value))
            except yaml.YAMLError as error:
                found.append(f"{where}{key}: its repr is not YAML ({str(error).splitlines()[0]})")
                continue
            found += _encoding_problems(value, f"{where}{key}.")
        elif not str(value).isascii():
            found.append(f"{where}{key}: {sorted({c for c in str(value) if not c.isascii()})}")
    return found


def test_the_spec_passes_the_encoding_validator():
    assert _encoding_problems(SPEC, "") == []


# The ecosystem's rule for connection_version (its VersionBumpValidator): a changed connection
# takes the released version's connection_version plus one. 3.0.1 had connection_version 3 and a
# connection of api_key alone; 4.0.0 changed it (service_key, from_email, URLs, timeouts).
def test_connection_version_follows_the_rule_for_a_changed_connection():
    assert sorted(SPEC["connection"]) != ["api_key"]
    assert SPEC["connection_version"] == 3 + 1


# CloudReadyValidator, all but its parent-image rule (we ship our own runtime on a slim Python base,
# as help.md says): no .py file of the plugin launches a process, the Dockerfile runs as nobody and
# installs no OS packages, and the cache is off without triggers. The plugin is its source archive
# (`git archive`): .gitattributes leaves out the tests, the simulator, the benchmarks and the demo,
# which launch the plugin's own CLI.
LAUNCHES = [r".*os.system\s*\(", r".*exec\s*\(", r".*subprocess.run"]


def _archived() -> list[str]:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout: no source archive to check")
    listing = subprocess.check_output(["git", "archive", "--worktree-attributes", "--format=tar", "HEAD"],
                                      cwd=REPO, timeout=60)
    with tarfile.open(fileobj=io.BytesIO(listing)) as archive:
        return [member.name for member in archive.getmembers() if member.isfile()]


def test_the_source_archive_is_the_plugin_without_what_launches_processes():
    names = _archived()
    for needed in ("plugin.spec.yaml", "help.md", "icon.png", "extension.png", "Dockerfile", "Makefile",
                   "setup.py", "requirements.txt", "bin/icon_pagerduty", "icon_pagerduty/__init__.py"):
        assert needed in names, needed
    assert not [name for name in names if name.split("/")[0] in ("unit_test", "pagerduty_sim", "bench")]
    launching = [name for name in names if name.endswith(".py") and (REPO / name).exists()
                 and any(re.match(pattern, (REPO / name).read_text(encoding="utf-8"), re.DOTALL)
                         for pattern in LAUNCHES)]
    assert launching == []


def test_the_image_runs_as_nobody_without_os_packages():
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert "USER nobody" in dockerfile
    assert not any(word in dockerfile for word in ("apt", "apk", "dpkg"))
    assert SPEC.get("enable_cache") is False or SPEC.get("triggers")


def _properties(spec: dict):
    """(where, name, property) of every input and output of every component, and task state."""
    for kind in ("actions", "triggers", "tasks"):
        for component, entry in (spec.get(kind) or {}).items():
            for section in ("input", "output", "state"):
                for name, prop in (entry.get(section) or {}).items():
                    yield f"{kind}.{component}.{section}", name, prop


# RequiredValidator: every input and output says whether it is required; SpecPropertiesValidator:
# a task's state properties must not.
def test_inputs_and_outputs_say_whether_they_are_required():
    missing = [f"{where}.{name}" for where, name, prop in _properties(_spec())
               if ("required" in prop) == where.endswith(".state")]
    assert missing == []


# DescriptionValidator: no description of an input or output starts with a lower-case letter.
def test_descriptions_start_with_a_capital():
    lower = [f"{where}.{name}" for where, name, prop in _properties(_spec())
             if str(prop.get("description", "A"))[:1].islower()]
    assert lower == []


# TitleValidator: short articles and conjunctions are lower-case inside a component's title.
SMALL_WORDS = {"a", "an", "as", "also", "and", "of", "the", "but", "from", "when", "in", "out", "if", "than",
               "where", "while", "that", "by", "with", "to", "so", "for", "or", "nor", "then", "after",
               "before", "is", "on", "at"}


def test_titles_keep_small_words_lower_case():
    spec = _spec()
    titles = [entry["title"] for kind in ("actions", "triggers", "tasks")
              for entry in (spec.get(kind) or {}).values()]
    wrong = [title for title in titles
             if any(word.lower() in SMALL_WORDS and word != word.lower() for word in title.split()[1:])]
    assert wrong == []


# AcronymValidator: known acronyms are written in capitals in titles and descriptions.
@pytest.mark.parametrize("acronym", ["sms", "https", "api", "url", "json"])
def test_acronyms_are_capitalised_in_descriptions(acronym):
    offenders = [f"{where}.{name}" for where, name, prop in _properties(_spec())
                 if acronym in str(prop.get("description", "")).split()]
    assert offenders == []
