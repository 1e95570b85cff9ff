"""Output shaping in one pass: the same answers as the four rules one after the other, in one walk."""

from __future__ import annotations

import datetime

import pytest

from actionkit.errors import InternalError
from actionkit.logs import capture
from actionkit.masking import Masker
from actionkit.model import Model
from actionkit.shaping import Shaper, _shape_slowly, shape_output
from actionkit.types import section_schema

SECRET = "k3y-9f2c1e0b7a4d"


def prop(spec_type, **keys):
    return {"title": "T", "description": "D", "type": spec_type, **keys}


CUSTOM = {
    "reference": {"id": prop("string", required=True), "summary": prop("string")},
    "incident": {
        "id": prop("string", required=True),
        "number": prop("integer"),
        "urgency": prop("string", enum=["high", "low"]),
        "score": prop("number", minimum=0),
        "open": prop("boolean"),
        "service": prop("reference"),
        "teams": prop("[]reference"),
        "tags": prop("[]string"),
        "body": prop("object"),
        "resolved_at": prop("date"),
    },
}
SCHEMA = section_schema({"incidents": prop("[]incident", required=True), "total": prop("integer")}, CUSTOM)


def incident(**changes):
    base = {"id": "Q1", "number": 7, "urgency": "high", "score": 1.5, "open": True,
            "service": {"id": "PS1", "summary": f"uses {SECRET}"}, "teams": [{"id": "PT1", "summary": None}],
            "tags": ["a"], "body": {"details": None, "n": [1, 2.0]}, "resolved_at": None}
    return {**base, **changes}


class Custom(Model):
    SCHEMA = {"type": "object", "properties": {"id": {"type": "string"}}}


VALUES = {
    "valid": {"incidents": [incident(), incident(id="Q2", number=8.0)], "total": 2},
    "model-and-tuple": {"incidents": (incident(service=Custom({"id": "PS2"})),)},
    "secret-in-a-key": {"incidents": [incident(body={SECRET: 1})]},
    "wrong-type": {"incidents": [incident(number="7")]},
    "enum": {"incidents": [incident(urgency="medium")]},
    "bound": {"incidents": [incident(score=-1)]},
    "missing-required": {"incidents": [incident(service={"summary": "no id"})]},
    "null-required": {"incidents": [incident(id=None)]},
    "not-json": {"incidents": [incident(body={"at": datetime.date(2024, 1, 1)})]},
    "infinity": {"incidents": [incident(body={"x": float("inf")})]},
    "bool-for-integer": {"incidents": [incident(number=True)], "total": False},
    "not-an-object": {"incidents": ["Q1"]},
    "top-not-an-object": ["Q1"],
}


def answer(function):
    try:
        return "ok", function()
    except InternalError as error:
        return "error", str(error)


@pytest.mark.parametrize("name", list(VALUES))
@pytest.mark.parametrize("drop", [True, False], ids=["drop-nulls", "keep-nulls"])
def test_one_pass_answers_as_the_four_rules_do(name, drop):
    masker = Masker({SECRET})
    fast = answer(lambda: Shaper(SCHEMA).shape(VALUES[name], "output", masker, drop))
    slow = answer(lambda: _shape_slowly(VALUES[name], SCHEMA, "output", masker, drop))
    assert fast == slow
    assert SECRET not in repr(fast)


def test_errors_name_every_problem():
    value = {"incidents": [incident(number="7", urgency="medium"), incident(service={})]}
    with pytest.raises(InternalError) as caught:
        shape_output(value, SCHEMA)
    assert str(caught.value) == (
        "output.incidents[0].number: expected integer, got string.\n"
        'output.incidents[0].urgency: must be one of "high", "low"; got "medium".\n'
        "output.incidents[1].service.id: required but missing."
    )


def test_the_nulls_dropped_are_listed_then_counted():
    value = {"incidents": [incident() for _ in range(12)]}
    with capture(debug=True) as lines:
        shaped = shape_output(value, SCHEMA)
    assert shaped["incidents"][0] == {
        "id": "Q1", "number": 7, "urgency": "high", "score": 1.5, "open": True,
        "service": {"id": "PS1", "summary": f"uses {SECRET}"}, "teams": [{"id": "PT1"}], "tags": ["a"],
        "body": {"details": None, "n": [1, 2.0]},
    }
    listed = ", ".join(f"output.incidents[{i}].{field}" for i in range(10) for field in ("teams[0].summary",
                                                                                        "resolved_at"))
    assert lines.text() == f"Dropped null optional output fields: {listed} and 4 more\n"


def test_the_input_is_not_modified():
    value = {"incidents": [incident()]}
    shape_output(value, SCHEMA, masker=Masker({SECRET}))
    assert value == {"incidents": [incident()]}


def test_a_schema_outside_the_subset_takes_the_slow_path():
    schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]+$"}}}
    assert Shaper(schema).root is None
    assert shape_output({"code": "AB", "x": None}, schema) == {"code": "AB", "x": None}
    with pytest.raises(InternalError, match=r"output.code: 'ab' does not match"):
        shape_output({"code": "ab"}, schema)


def test_recursive_types_are_shaped():
    custom = {"node": {"name": prop("string", required=True), "children": prop("[]node")}}
    schema = section_schema({"root": prop("node")}, custom)
    tree = {"root": {"name": "a", "children": [{"name": "b", "children": [{"name": "c", "children": None}]}]}}
    assert shape_output(tree, schema) == {"root": {"name": "a", "children": [{"name": "b", "children": [
        {"name": "c"}]}]}}


def test_a_secret_shorter_than_four_characters_is_masked_where_a_whole_string_equals_it():
    shaped = shape_output({"incidents": [incident(tags=["ab", "abc"])]}, SCHEMA, masker=Masker({"ab"}))
    assert shaped["incidents"][0]["tags"] == ["********", "abc"]
