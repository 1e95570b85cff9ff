"""actionkit.validate: exact messages, Draft 2020-12 semantics, and agreement with jsonschema."""

from __future__ import annotations

import random

import jsonschema
import pytest

from actionkit.validate import SchemaValidator, is_valid, json_equal, validate

PERSON = {
    "type": "object",
    "title": "person",
    "properties": {
        "name": {"type": "string", "title": "Name", "order": 1},
        "tags": {"type": "array", "items": {"type": "string"}, "order": 2},
    },
    "required": ["name"],
}
INPUT = {
    "type": "object",
    "title": "Variables",
    "properties": {
        "count": {"type": "integer", "title": "Count", "order": 2},
        "email": {"type": "string", "title": "Email", "order": 1},
        "odd key": {"type": "boolean", "order": 5},
        "person": {"$ref": "#/definitions/person", "title": "Person", "order": 3},
        "secret": {"$ref": "#/definitions/password", "order": 6},
        "style": {"type": "string", "enum": ["plain", "loud"], "default": "plain", "order": 4},
    },
    "required": ["email"],
    "definitions": {
        "person": PERSON,
        "password": {"type": "string", "format": "password", "displayType": "password"},
    },
}


@pytest.mark.parametrize(
    ("instance", "problems"),
    [
        ({"email": "a@b.c"}, []),
        ({}, ["input.email: required but missing"]),
        ({"email": 5}, ["input.email: expected string, got integer"]),
        ({"email": None}, ["input.email: expected string, got null"]),
        ({"email": "x", "count": "3"}, ["input.count: expected integer, got string"]),
        ({"email": "x", "count": 1.5}, ["input.count: expected integer, got number"]),
        ({"email": "x", "count": True}, ["input.count: expected integer, got boolean"]),
        ({"email": "x", "count": 2.0}, []),
        ({"email": "x", "style": "x"}, ['input.style: must be one of "plain", "loud"; got "x"']),
        ({"email": "x", "style": ""}, ['input.style: must be one of "plain", "loud"; got ""']),
        ({"email": "x", "person": {"tags": ["a", 1]}},
         ["input.person.name: required but missing", "input.person.tags[1]: expected string, got integer"]),
        ({"email": "x", "odd key": "yes"}, ['input["odd key"]: expected boolean, got string']),
        ({"email": "x", "secret": 5}, ["input.secret: expected string, got integer"]),
        ({"email": "x", "unknown": object()}, []),
        ([], ["input: expected object, got array"]),
        ({"email": 1, "count": "1", "style": "no"},
         ["input.count: expected integer, got string", "input.email: expected string, got integer",
          'input.style: must be one of "plain", "loud"; got "no"']),
    ],
    ids=["valid", "missing", "wrong-type", "null", "string-for-int", "fraction", "bool-is-not-int",
         "2.0-is-int", "enum", "empty-enum", "nested-paths", "odd-key", "ref-to-password",
         "extra-keys-allowed", "not-an-object", "all-problems-at-once"],
)
def test_problems_name_the_path(instance, problems):
    assert validate(instance, INPUT, "input") == problems


@pytest.mark.parametrize(
    ("instance", "problems"),
    [
        ({"email": ""}, ["input.email: required but empty"]),
        ({"email": None}, ["input.email: required but empty"]),
        ({"email": "", "count": "x"},
         ["input.email: required but empty", "input.count: expected integer, got string"]),
        ({"email": "x", "count": None}, ["input.count: expected integer, got null"]),
    ],
    ids=["empty-string", "null", "with-other-problems", "optional-null-still-typed"],
)
def test_required_not_empty_rule(instance, problems):
    assert validate(instance, INPUT, "input", required_not_empty=True) == problems


def test_required_empty_passes_without_the_rule():
    assert validate({"email": ""}, INPUT, "input") == []


@pytest.mark.parametrize("value", [False, 0, [], {}], ids=["false", "zero", "empty-list", "empty-object"])
def test_required_not_empty_keeps_falsy_values(value):
    schema = {"type": "object", "properties": {"x": {}}, "required": ["x"]}
    assert validate({"x": value}, schema, "input", required_not_empty=True) == []


def test_empty_schema_accepts_anything():
    assert validate(None, {}, "output") == []


def test_untyped_property_accepts_null():
    schema = {"type": "object", "properties": {"raw": {"title": "Raw", "order": 1}}}
    assert validate({"raw": None}, schema) == []


def test_enum_distinguishes_booleans_from_numbers():
    schema = {"enum": [1, "a"]}
    assert (is_valid(True, schema), is_valid(1.0, schema), is_valid(1, schema)) == (False, True, True)


def test_other_keywords_fall_back_to_jsonschema():
    schema = {"type": "object", "properties": {"name": {"type": "string", "minLength": 3}}}
    validator = SchemaValidator(schema)
    assert not validator.simple
    assert validator.errors({"name": "ab"}, "input") == ["input.name: 'ab' is too short"]


def test_fallback_keeps_the_required_not_empty_rule():
    schema = {"type": "object", "properties": {"name": {"type": "string", "minLength": 3}},
              "required": ["name"]}
    problems = validate({"name": ""}, schema, "input", required_not_empty=True)
    assert problems == ["input.name: required but empty"]


def test_unresolvable_ref_falls_back_to_jsonschema():
    assert not SchemaValidator({"$ref": "#/definitions/nope"}).simple


def test_generated_subset_takes_the_fast_path():
    assert SchemaValidator(INPUT).simple


# -- agreement with jsonschema on random schemas and instances --------------------------------

SCALAR_VALUES = [None, True, False, 0, 1, -7, 2.0, 1.5, -0.5, "", "a", "1", "plain", "loud"]
ANNOTATIONS = {"title": "T", "description": "D", "order": 1, "format": "date-time", "displayType": "date",
               "placeholder": "p", "tooltip": "t", "default": "x"}


def random_value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 2 or roll < 0.6:
        return rng.choice(SCALAR_VALUES)
    if roll < 0.8:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice("abcxyz"): random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def random_schema(rng: random.Random, definitions: dict, depth: int = 0) -> dict:
    kinds = ["string", "integer", "number", "boolean", "enum", "free", "any", "ref", "multi"]
    if depth < 3:
        kinds += ["object", "object", "array", "array"]
    kind = rng.choice(kinds)
    if kind in ("string", "integer", "number", "boolean"):
        schema = {"type": kind}
    elif kind == "enum":
        schema = {"enum": [rng.choice(SCALAR_VALUES) for _ in range(rng.randint(1, 3))]}
        if rng.random() < 0.5:
            schema["type"] = rng.choice(["string", "integer", "number", "boolean"])
    elif kind == "free":
        schema = {"type": "object"}
    elif kind == "any":
        schema = {}
    elif kind == "multi":
        schema = {"type": rng.sample(["string", "integer", "null", "boolean", "array"], 2)}
    elif kind == "ref":
        name = rng.choice(sorted(definitions))
        schema = {"$ref": f"#/definitions/{name}"}
    elif kind == "object":
        names = rng.sample(["a", "b", "c", "x", "y"], rng.randint(0, 4))
        properties = {n: random_schema(rng, definitions, depth + 1) for n in names}
        schema = {"type": "object", "properties": properties}
        if names and rng.random() < 0.7:
            schema["required"] = sorted(rng.sample(names, rng.randint(1, len(names))))
    else:
        schema = {"type": "array", "items": random_schema(rng, definitions, depth + 1)}
    for key, value in ANNOTATIONS.items():
        if rng.random() < 0.1:
            schema[key] = value
    return schema


def conforming_value(rng: random.Random, schema: dict, definitions: dict, depth: int = 0):
    """Mostly a valid value, sometimes a random one, so both outcomes are common."""
    if rng.random() < 0.15 or depth > 6:
        return random_value(rng)
    if "$ref" in schema:
        return conforming_value(rng, definitions[schema["$ref"].split("/")[-1]], definitions, depth + 1)
    if "enum" in schema:
        return rng.choice(schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = rng.choice(kind)
    if kind == "object":
        properties = schema.get("properties", {})
        return {n: conforming_value(rng, s, definitions, depth + 1) for n, s in properties.items()
                if n in schema.get("required", []) or rng.random() < 0.6}
    if kind == "array":
        items = schema.get("items", {})
        return [conforming_value(rng, items, definitions, depth + 1) for _ in range(rng.randint(0, 3))]
    by_type = {"string": ["", "s", "plain"], "integer": [0, 3, 2.0], "number": [1.5, 0, -2],
               "boolean": [True, False], "null": [None]}
    return rng.choice(by_type.get(kind, SCALAR_VALUES))


def test_agrees_with_jsonschema_on_random_cases():
    rng = random.Random(20240611)
    outcomes = {True: 0, False: 0}
    for _ in range(400):
        definitions: dict = {"leaf": {"type": "string", "format": "password", "displayType": "password"}}
        definitions["thing"] = random_schema(rng, definitions, 1)
        schema = random_schema(rng, definitions)
        schema["definitions"] = definitions
        reference = jsonschema.Draft202012Validator(schema)
        ours = SchemaValidator(schema)
        assert ours.simple, schema
        for _ in range(8):
            instance = conforming_value(rng, schema, definitions)
            expected = reference.is_valid(instance)
            assert ours.is_valid(instance) == expected, (schema, instance)
            outcomes[expected] += 1
    assert min(outcomes.values()) > 500, outcomes  # both outcomes were exercised


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [(1, 1.0, True), (True, 1, False), (False, 0, False), ([1, True], [1.0, True], True),
     ({"a": 1}, {"a": 1.0}, True), ("1", 1, False), (None, None, True), ({"a": 1}, {"b": 1}, False)],
    ids=["int-float", "true-one", "false-zero", "lists", "objects", "string-number", "nulls", "keys-differ"],
)
def test_json_equal(a, b, equal):
    assert json_equal(a, b) is equal
