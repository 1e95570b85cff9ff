"""The spec's ``actionkit:`` section: our extensions written apart from the entries they belong to,
so that the entries hold only the keys the ecosystem's validator allows."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from actionkit import helpmd
from actionkit.spec import SpecError, parse_spec

BASE = (Path(__file__).resolve().parent / "specs" / "base.yaml").read_text(encoding="utf-8")
ENTRIES = """\
connection:
  timeout: {title: T, description: Seconds, type: number, default: 10}
types:
  thing:
    size: {title: S, description: S, type: integer}
actions:
  hello:
    title: Hello
    description: Say hello
    input:
      owner: {title: O, description: Who, type: string, required: true}
    output:
      greeting: {title: G, description: G, type: string}
"""


def parse(extra: str):
    return parse_spec(ENTRIES + textwrap.dedent(extra) + BASE)


def problems(extra: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse(extra)
    return str(caught.value).splitlines()


def test_additions_land_in_the_entries_they_name():
    spec = parse("""\
    actionkit:
      connection:
        timeout: {exclusiveMinimum: 0, maximum: 300}
      types:
        thing:
          size: {minimum: 1}
      actions:
        hello:
          needs: Any API key
          retired_inputs: {urgency: PagerDuty decides}
          input:
            owner: {resolve: user, aliases: [owner_id]}
      help:
        setup: How to get a key
    """)
    assert spec.connection["timeout"].raw == {
        "title": "T", "description": "Seconds", "type": "number", "default": 10,
        "exclusiveMinimum": 0, "maximum": 300,
    }
    assert spec.raw_types["thing"]["size"]["minimum"] == 1
    hello = spec.actions["hello"]
    assert hello.raw["needs"] == "Any API key"
    assert hello.raw["retired_inputs"] == {"urgency": "PagerDuty decides"}
    assert hello.section("input")["owner"]["aliases"] == ["owner_id"]
    text = helpmd.render(spec, "<!-- -->")
    assert "```\n\nHow to get a key\n\n### What Each Action Needs\n\n" in text
    assert "|Hello|Any API key|" in text
    assert "This action is used to say hello\n\nNeeds: Any API key\n" in text


def test_an_addition_is_checked_where_it_lands():
    # The bound is a number property's: the usual rule, reported at the line where it is written.
    assert problems("""\
    actionkit:
      actions:
        hello:
          input:
            owner: {maximum: 3}
    """) == [
        "plugin.spec.yaml:18: actions.hello.input.owner.maximum: maximum applies only to number and integer "
        "properties"
    ]


def test_an_addition_for_an_entry_the_spec_lacks_is_a_problem():
    assert problems("""\
    actionkit:
      connection:
        timeot: {maximum: 3}
      actions:
        helo: {needs: x}
        hello:
          input:
            ownr: {resolve: user}
    """) == [
        "plugin.spec.yaml:16: actionkit.connection.timeot: names no connection field of the spec",
        "plugin.spec.yaml:18: actionkit.actions.helo: names no action of the spec",
        "plugin.spec.yaml:21: actionkit.actions.hello.input.ownr: names no input of action 'hello' "
        "of the spec",
    ]


def test_a_key_set_in_both_places_is_a_problem():
    assert problems("""\
    actionkit:
      connection:
        timeout: {default: 20}
    """) == [
        "plugin.spec.yaml:16: actionkit.connection.timeout.default: is also set at "
        "connection.timeout.default: set it in one place"
    ]
