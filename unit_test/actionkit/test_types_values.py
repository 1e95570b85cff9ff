"""Values of spec types: Draft 2020-12 validation of generated schemas (reference §6.8),
Python annotations, and the example values the generator builds."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from actionkit.types import fallback_value, python_annotation, section_example, section_schema


def prop(spec_type: str, **keys) -> dict:
    return {"title": "T", "description": "D", "type": spec_type, **keys}


CUSTOM = {
    "finding": {"id": prop("string", required=True), "where": prop("[][]location")},
    "location": {"host": prop("string"), "owner": prop("credential_token")},
}


SEMANTICS = section_schema(
    {
        "count": prop("integer"),
        "ratio": prop("number"),
        "name": prop("string"),
        "when": prop("date"),
        "mode": prop("string", enum=["a", "b"]),
        "raw": prop("object"),
        "key": prop("credential_secret_key"),
        "grid": prop("[][]int"),
        "item": prop("finding"),
    },
    CUSTOM,
)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ({"count": 2.0}, True),
        ({"count": "1"}, False),
        ({"count": 1.5}, False),
        ({"count": True}, False),
        ({"ratio": 1}, True),
        ({"ratio": False}, False),
        ({"name": None}, False),
        ({"when": "not a date at all"}, True),
        ({"mode": ""}, False),
        ({"mode": "b"}, True),
        ({"raw": {"anything": [1, None]}}, True),
        ({"raw": []}, False),
        ({"key": {"secretKey": "s"}}, True),
        ({"key": {}}, False),
        ({"grid": [[1, 2], []]}, True),
        ({"grid": [1]}, False),
        ({"item": {"id": "x", "where": [[{"host": "h", "owner": {"token": "t"}}]]}}, True),
        ({"item": {"id": "x", "where": [[{"owner": {"domain": "d"}}]]}}, False),
        ({"unknown": 1}, True),
    ],
    ids=[
        "integral-float-is-integer",
        "string-is-not-integer",
        "fraction-is-not-integer",
        "bool-is-not-integer",
        "integer-is-number",
        "bool-is-not-number",
        "null-fails-typed-optional",
        "format-not-enforced",
        "empty-string-fails-enum",
        "enum-member",
        "free-form-object",
        "list-is-not-object",
        "credential",
        "credential-missing-secret",
        "nested-arrays",
        "nested-array-depth",
        "deep-custom",
        "deep-custom-missing-token",
        "additional-properties-allowed",
    ],
)
def test_generated_schemas_validate_as_draft_2020_12(value, valid):
    assert Draft202012Validator(SEMANTICS).is_valid(value) is valid


@pytest.mark.parametrize(
    ("spec_type", "annotation"),
    [
        ("string", "str"),
        ("int", "int"),
        ("float", "float"),
        ("bool", "bool"),
        ("date", "str"),
        ("bytes", "str"),
        ("password", "str"),
        ("python", "str"),
        ("object", "dict[str, Any]"),
        ("file", "dict[str, Any]"),
        ("credential_token", "dict[str, Any]"),
        ("finding", "dict[str, Any]"),
        ("[]string", "list[str]"),
        ("[][]finding", "list[list[dict[str, Any]]]"),
    ],
)
def test_python_annotation(spec_type, annotation):
    assert python_annotation(spec_type) == annotation


def test_example_prefers_example_then_default_then_first_enum_value():
    section = {
        "a": prop("string", example="ex", default="def"),
        "b": prop("integer", default=3, enum=[1, 3]),
        "c": prop("string", enum=["x", "y"]),
        "d": prop("string"),
    }
    assert section_example(section, {}) == {"a": "ex", "b": 3, "c": "x"}


@pytest.mark.parametrize(
    ("spec_type", "fallback"),
    [
        ("string", ""),
        ("date", ""),
        ("integer", 0),
        ("number", 0),
        ("boolean", False),
        ("object", {}),
        ("[]integer", []),
        ("password", ""),
        ("file", {"filename": "", "content": ""}),
        ("credential_username_password", {"username": "", "password": ""}),
    ],
)
def test_required_properties_without_example_get_a_plain_value(spec_type, fallback):
    assert fallback_value(spec_type, {}) == fallback
    assert section_example({"value": prop(spec_type, required=True)}, {}) == {"value": fallback}


def test_examples_are_built_through_custom_types():
    custom = {
        "finding": {"id": prop("string", required=True), "where": prop("location"), "note": prop("string")},
        "location": {"host": prop("string", example="web-01"), "port": prop("integer")},
        "node": {"name": prop("string", required=True), "children": prop("[]node", required=True)},
    }
    section = {
        "finding": prop("finding"),
        "findings": prop("[]finding"),
        "tree": prop("node", required=True),
        "empty": prop("location", required=False, example={"port": 1}),
    }
    example = section_example(section, custom)
    assert example == {
        "finding": {"id": "", "where": {"host": "web-01"}},
        "findings": [{"id": "", "where": {"host": "web-01"}}],
        "tree": {"name": "", "children": []},
        "empty": {"port": 1},
    }
    assert Draft202012Validator(section_schema(section, custom)).is_valid(example)
