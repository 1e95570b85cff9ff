"""The YAML layer of spec loading: duplicate keys, keys YAML does not read as text, values
that are not JSON data, syntax errors; and a seeded test that mangled specs never crash."""

from __future__ import annotations

import random
import re
import textwrap
from pathlib import Path

import pytest

from actionkit.spec import SpecError, load_spec, parse_spec

SPECS = Path(__file__).resolve().parent / "specs"
BASE = (SPECS / "base.yaml").read_text(encoding="utf-8")  # the required top-level keys


def spec_text(*parts: str) -> str:
    return "".join(textwrap.dedent(part) for part in parts) + BASE


def problems(*parts: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_spec(spec_text(*parts))
    return str(caught.value).splitlines()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "name: again\n",
            ["plugin.spec.yaml:5: name: duplicate key 'name' (first defined on line 1)"],
        ),
        (
            "connection:\n  url: {title: URL, description: U, type: string}\n"
            "  url: {title: URL, description: U, type: string}\n",
            ["plugin.spec.yaml:3: connection.url: duplicate key 'url' (first defined on line 2)"],
        ),
        (
            "connection:\n  url:\n    title: URL\n    description: U\n    type: string\n    title: Again\n",
            ["plugin.spec.yaml:6: connection.url.title: duplicate key 'title' (first defined on line 3)"],
        ),
    ],
    ids=["top-level", "property", "property-key"],
)
def test_duplicate_key_is_reported_with_both_lines(extra, expected):
    assert problems(extra) == expected


def test_key_that_yaml_reads_as_boolean_must_be_quoted():
    prop = "{title: Flag, description: F, type: string}"
    extra = f"connection:\n  yes: {prop}\n  on: {prop}\n"
    assert problems(extra) == [
        "plugin.spec.yaml:2: connection.yes: the key 'yes' is read by YAML as true, not as text: "
        'quote it ("yes")',
        "plugin.spec.yaml:3: connection.on: the key 'on' is read by YAML as true, not as text: "
        'quote it ("on")',
    ]


def test_timestamps_stay_strings():
    prop = "{title: When, description: W, type: date, example: 2024-01-01T00:00:00Z, default: 2024-01-01}"
    spec = parse_spec(spec_text(f"connection:\n  when: {prop}\n"))
    value = spec.connection["when"]
    assert (value.example, value.default) == ("2024-01-01T00:00:00Z", "2024-01-01")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "plugin.spec.yaml:1: the spec is empty"),
        (
            "a: !!binary aGk=\n",
            "plugin.spec.yaml:1: a: tag:yaml.org,2002:binary values are not JSON data: write a string",
        ),
        ("a: .nan\n", "plugin.spec.yaml:1: a: '.nan' is not a JSON number"),
        (
            "base: &b {x: 1}\nother:\n  <<: *b\n",
            "plugin.spec.yaml:3: other: YAML merge keys ('<<') are not supported: write the keys out",
        ),
    ],
    ids=["empty", "binary", "nan", "merge-key"],
)
def test_yaml_that_is_not_plain_json_data_is_reported(text, expected):
    with pytest.raises(SpecError) as caught:
        parse_spec(text)
    assert expected in str(caught.value).splitlines()


def test_yaml_syntax_error_is_one_problem_with_its_line():
    with pytest.raises(SpecError) as caught:
        parse_spec(BASE + "name: [unclosed\n")
    [line] = str(caught.value).splitlines()
    # the wording after the context depends on whether PyYAML uses libyaml
    assert line.startswith("plugin.spec.yaml:15: invalid YAML: while parsing a flow sequence: ")


def test_missing_file_is_one_clear_problem(tmp_path):
    with pytest.raises(SpecError, match=r"\.yaml: cannot read the spec: No such file or directory$"):
        load_spec(tmp_path / "plugin.spec.yaml")


def test_mangled_specs_give_problems_never_tracebacks_and_valid_ones_give_valid_examples():
    """Damage the full fixture at random (seeded): the loader must answer with a SpecError or a
    Spec, and every example of an accepted spec must validate against its schema."""
    from jsonschema import Draft202012Validator

    from actionkit.types import section_example, section_schema

    lines = (SPECS / "full.yaml").read_text().splitlines(keepends=True)
    values = ["null", "[]", "{}", "5", "yes", "'[]'", "[[1]]", "{a: 1}", "integar", "[]node", "[][]int"]
    rng = random.Random(7)
    accepted = 0
    for _ in range(120):
        mangled = list(lines)
        for _ in range(rng.randint(1, 3)):
            index = rng.randrange(len(mangled))
            line = mangled[index]
            if rng.random() < 0.3:
                del mangled[index]
            elif "type: " in line:
                mangled[index] = re.sub(r"type: [^,}\n]+", "type: " + rng.choice(values), line, count=1)
            elif ": " in line:
                mangled[index] = line[: line.index(": ") + 2] + rng.choice(values) + "\n"
        try:
            spec = parse_spec("".join(mangled))
        except SpecError as error:
            assert error.problems
            continue
        accepted += 1
        sections = [spec.raw_connection, *spec.raw_types.values()]
        for component in spec.components():
            sections += [component.section("input"), component.section("state")]
            if component.kind != "task":
                sections.append(component.section("output"))
        for section in sections:
            schema = section_schema(section, spec.raw_types)
            if schema:
                Draft202012Validator(schema).validate(section_example(section, spec.raw_types))
    assert accepted > 0
