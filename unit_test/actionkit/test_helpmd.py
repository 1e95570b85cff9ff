"""help.md rendering (reference §10.4) and the Python literal formatter of generated code."""

from __future__ import annotations

import ast
import importlib
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from actionkit.codegen import generate
from actionkit.pyliteral import literal

SPECS = Path(__file__).resolve().parent / "specs"
PKG = "icon_widget"


@pytest.fixture
def generated(tmp_path):
    """A plugin root generated from the full fixture spec."""
    shutil.copy(SPECS / "full.yaml", tmp_path / "plugin.spec.yaml")
    generate(tmp_path)
    return tmp_path


@pytest.fixture
def import_generated(generated, monkeypatch):
    """Import a module of the generated plugin; the plugin is forgotten afterwards."""
    monkeypatch.syspath_prepend(str(generated))
    yield lambda name: importlib.import_module(f"{PKG}.{name}")
    for name in [name for name in sys.modules if name == PKG or name.startswith(PKG + ".")]:
        del sys.modules[name]


def test_help_md_matches_the_golden_file(generated):
    golden = (SPECS / "full.help.md").read_text(encoding="utf-8")
    assert (generated / "help.md").read_text(encoding="utf-8") == golden


def _outside_code_blocks(text: str) -> list[str]:
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif not inside:
            lines.append(line)
    return lines


def test_help_md_has_the_layout_of_the_ecosystems_generator(generated):
    """specs/full.insight-plugin.help.md is what insight-plugin 1.11.0 (`insight-plugin create`)
    writes for the same spec. Every line of it outside the example blocks is in ours, in order
    (ours adds lines: the header, a task's schedule and state, the troubleshooting text), and each
    example block is JSON laid out as it lays it out."""
    ecosystem = (SPECS / "full.insight-plugin.help.md").read_text(encoding="utf-8")
    # An output that does not say whether it is required: the ecosystem's validator reads False
    # where its generator prints None, and the validator is what a plugin must pass.
    ecosystem = ecosystem.replace("|finding|finding|None|A finding|", "|finding|finding|False|A finding|")
    ours = (generated / "help.md").read_text(encoding="utf-8")
    remaining = iter(_outside_code_blocks(ours))
    missing = [line for line in _outside_code_blocks(ecosystem) if line not in remaining]
    assert missing == []
    blocks = re.findall(r"```\n(.*?)\n```", ours, re.S)
    assert len(blocks) == ecosystem.count("```") // 2 == 7
    for block in blocks:
        assert block == json.dumps(json.loads(block), indent=2, sort_keys=True)


def test_help_md_examples_are_the_generated_examples(import_generated, generated):
    help_md = (generated / "help.md").read_text()
    blocks = [json.loads(block) for block in re.findall(r"```\n(.*?)\n```", help_md, re.S)]
    connection = import_generated("connection.schema")
    create = import_generated("actions.create_widget.schema")
    assert blocks[:3] == [connection.Input.EXAMPLE, create.Input.EXAMPLE, create.Output.EXAMPLE]


def test_help_md_says_so_when_sections_are_empty(tmp_path):
    text = (SPECS / "full.yaml").read_text()
    text = text[: text.index("key_features:")] + text[text.index("actions:") :]
    text = text[: text.index("  create_widget:")] + text[text.index("  ping:") : text.index("triggers:")]
    (tmp_path / "plugin.spec.yaml").write_text(text.replace("enable_cache: true\n", ""))
    generate(tmp_path)
    help_md = (tmp_path / "help.md").read_text()
    headings = [line for line in help_md.splitlines() if line.startswith("#")]
    assert headings == [
        "# Description", "# Key Features", "# Requirements", "# Supported Product Versions",
        "# Documentation",
        "## Setup", "## Technical Details", "### Actions", "#### Ping", "##### Input", "##### Output",
        "### Triggers", "### Tasks", "### Custom Types", "## Troubleshooting", "# Version History", "# Links",
        "## References",
    ]
    for line in [  # the ecosystem generator's words
        "*This plugin does not contain any key features.*",
        "*This plugin does not contain a connection.*",
        "*This action does not contain any inputs.*",
        "*This plugin does not contain any triggers.*",
        "*This plugin does not contain any tasks.*",
        "*This plugin does not contain any custom output types.*",
        "*This plugin does not contain a version history.*",
    ]:
        assert f"\n{line}\n" in help_md
    assert not (tmp_path / PKG / "connection").exists()


@pytest.mark.parametrize(
    "value",
    [
        {"quote": 'say "hi"', "backslash": "a\\b", "newline": "a\nb", "unicode": "héllo — ✓", "tab": "\t"},
        {"long": "word " * 60, "url": "https://example.org/" + "x" * 150, "lines": "line one\n" * 30},
        [None, True, False, 0, -1, 1.5, 1e100, [], {}, [[[]]]],
        {"nested": {"deeper": {"deepest": ["a" * 40, "b" * 40, "c" * 40]}}},
    ],
    ids=["escapes", "long-strings", "scalars", "nesting"],
)
def test_python_literal_round_trips_within_the_line_length(value):
    source = "VALUE = " + literal(value, 0, len("VALUE = "))
    assert ast.literal_eval(source[len("VALUE = ") :]) == value
    assert max(len(line) for line in source.splitlines()) <= 110


def test_help_md_says_what_the_spec_extensions_accept():
    from actionkit import helpmd
    from actionkit.spec import parse_spec

    spec = parse_spec("""\
actions:
  assign:
    title: Assign
    description: Assign it
    retired_inputs: {urgency: PagerDuty decides the urgency, note: Use add_note}
    input:
      owner: {title: O, description: Who owns it, type: string, resolve: user, aliases: [owner_id, user_id]}
      teams: {title: T, description: Teams., type: '[]string', resolve: team}
      service: {title: S, description: The service, type: string, resolve: service}
""" + (SPECS / "base.yaml").read_text(encoding="utf-8"))
    text = helpmd.render(spec, "<!-- generated -->")
    # The table holds the spec's own values, which the ecosystem's validator compares ...
    assert "|owner|string|None|None|Who owns it|None|None|None|None|" in text
    assert "|teams|[]string|None|None|Teams.|None|None|None|None|" in text
    # ... and the lines after the example input say what the extensions accept.
    notes = [
        "`owner` may be an email or ID.",
        "`owner` is also accepted as `owner_id`, `user_id` (deprecated).",
        "Each item of `teams` may be a name or ID.",
        "`service` may be a name or ID.",
        "Retired inputs, accepted and ignored: `urgency` (PagerDuty decides the urgency); "
        "`note` (Use add_note).",
    ]
    assert text.split("##### Output")[0].endswith("```\n\n" + "  \n".join(notes) + "\n\n")



def test_upgrading_section_lists_the_spec_text_and_every_old_input():
    from actionkit import helpmd
    from actionkit.spec import parse_spec

    spec = parse_spec("""\
actions:
  assign:
    title: Assign
    description: Assign it
    retired_inputs: {urgency: PagerDuty decides the urgency}
    input:
      owner: {title: O, description: Who owns it, type: string, aliases: [owner_id]}
actionkit:
  help:
    upgrading: ["Workflows of 1.x run unchanged"]
""" + (SPECS / "base.yaml").read_text(encoding="utf-8").replace("version: 1.0.0", "version: 2.3.0"))
    text = helpmd.render(spec, "<!-- generated -->")
    section = text[text.index("## Troubleshooting"):text.index("# Version History")]
    assert "\n## Upgrading from 1.x\n\n* Workflows of 1.x run unchanged\n" in section
    rows = ("|`assign`|`owner_id`|renamed `owner`|\n"
            "|`assign`|`urgency`|ignored: PagerDuty decides the urgency|")
    assert rows in section


def test_no_upgrading_section_without_old_inputs_or_text():
    from actionkit import helpmd
    from actionkit.spec import parse_spec

    text = helpmd.render(parse_spec((SPECS / "base.yaml").read_text(encoding="utf-8")), "<!-- generated -->")
    assert "Upgrading" not in text
