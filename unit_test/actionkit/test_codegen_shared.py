"""Types once: the shared types module, what the schemas publish through it, what a component
costs in generated lines, and the README's table of actions."""

from __future__ import annotations

import importlib
import json
import shutil
import sys
from pathlib import Path

import pytest

from actionkit.codegen import generate, render
from actionkit.spec import load_spec, parse_spec
from actionkit.types import (
    custom_definition,
    definitions,
    section_example,
    section_schema,
    task_output_schema,
)
from bench.synthetic import SYNTHETIC_ACTIONS, synthetic_spec

SPECS = Path(__file__).resolve().parent / "specs"
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def widget(tmp_path, monkeypatch):
    """The full fixture spec, generated as icon_widget and importable; forgotten afterwards."""
    shutil.copy(SPECS / "full.yaml", tmp_path / "plugin.spec.yaml")
    generate(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [name for name in sys.modules if name.startswith("icon_widget")]:
        del sys.modules[name]


def test_the_shared_types_module_defines_each_type_once(widget):
    types = importlib.import_module("icon_widget.custom_types")
    spec = load_spec(widget / "plugin.spec.yaml")
    builtin = ["credential_username_password", "file", "password", "python", "credential_token",
               "credential_asymmetric_key", "credential_secret_key"]
    assert sorted(types.BUILTIN) == sorted(builtin)
    assert list(types.DEFINITIONS) == [*types.BUILTIN, "location", "finding", "node"]
    assert types.DEFINITIONS["finding"] == custom_definition("finding", spec.raw_types)
    assert types.USES == {"finding": ["location"], "node": ["node"]}
    assert types.TYPES.definitions("finding") == definitions({"f": {"type": "finding"}}, spec.raw_types)


def _sections(spec):
    yield "connection", "Input", spec.raw_connection, section_schema
    for component in spec.components():
        folder = f"{component.kind}s.{component.name}"
        retired = component.raw.get("retired_inputs")
        yield folder, "Input", component.section("input"), lambda section, types, retired=retired: (
            section_schema(section, types, retired))
        if component.kind == "task":
            yield folder, "Output", component.section("output"), task_output_schema
            yield folder, "State", component.section("state"), section_schema
        else:
            yield folder, "Output", component.section("output"), section_schema


# The package is named by the case, not by the spec's folder: a checkout may be named anything,
# such as icon-pagerduty, which is no Python identifier.
@pytest.mark.parametrize("root, package", [
    (SPECS / "full.yaml", "icon_gen_full"),
    (REPO_ROOT / "plugin.spec.yaml", "icon_gen_pagerduty"),
    (REPO_ROOT / "unit_test/actionkit/hello_plugin/plugin.spec.yaml", "icon_gen_hello"),
], ids=["full", "icon_pagerduty", "icon_hello"])
def test_schemas_and_examples_are_what_the_spec_defines(tmp_path, monkeypatch, root, package):
    """Published schemas are unchanged by sharing the types: exactly what actionkit.types builds."""
    shutil.copy(root, tmp_path / "plugin.spec.yaml")
    spec = load_spec(tmp_path / "plugin.spec.yaml")
    generate(tmp_path, package)
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        for folder, model, section, build in _sections(spec):
            if folder == "connection" and not spec.connection:
                continue
            cls = getattr(importlib.import_module(f"{package}.{folder}.schema"), model)
            expected = build(section, spec.raw_types)
            assert json.dumps(cls.SCHEMA) == json.dumps(expected), (folder, model)  # key order too
            assert json.loads(cls.JSON) == expected, (folder, model)  # the ecosystem's copy, complete
            if build is not task_output_schema:
                assert cls.EXAMPLE == section_example(section, spec.raw_types), (folder, model)
    finally:
        for name in [name for name in sys.modules if name.startswith(package)]:
            del sys.modules[name]


def test_the_hello_plugin_fixture_is_generated_from_its_spec():
    assert generate(REPO_ROOT / "unit_test/actionkit/hello_plugin", check=True) == []


@pytest.mark.parametrize("actions", [0, SYNTHETIC_ACTIONS], ids=["real-spec", "synthetic-spec"])
def test_generated_python_averages_at_most_120_lines_per_component(actions):
    """Types are generated once, so a component costs its own fields, not the types it uses. Every
    generated Python module counts, the shared ones (types, connection, manifest) included."""
    text = (REPO_ROOT / "plugin.spec.yaml").read_text(encoding="utf-8")
    spec = parse_spec(synthetic_spec(text, actions) if actions else text)
    files = render(spec, spec.package)
    lines = sum(content.count("\n") for path, content in files.items() if path.endswith(".py"))
    assert len(spec.actions) == (actions or len(spec.actions))
    assert lines / len(list(spec.components())) <= 120


README = """# Widget

## Actions

<!-- actions: generated from plugin.spec.yaml by make generate -->
| Action | What it does |
|---|---|
| `ping` | typed by hand |
<!-- end of actions -->

More text.
"""


def test_the_readme_table_of_actions_is_generated_between_its_markers(widget):
    (widget / "README.md").write_text(README)
    assert generate(widget, check=True) == ["README.md"]
    assert generate(widget) == ["README.md"]
    assert (widget / "README.md").read_text() == README.replace(
        "| `ping` | typed by hand |",
        "| `create_widget` | Create a widget |\n| `ping` | Check that the service answers |",
    )
    assert generate(widget, check=True) == []


def test_a_readme_without_the_markers_is_left_alone(widget):
    (widget / "README.md").write_text("# Widget\n\n| `ping` | typed by hand |\n")
    assert generate(widget) == []
