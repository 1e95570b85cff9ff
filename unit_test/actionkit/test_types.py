"""Spec type to JSON schema mapping (reference §6), annotations and example values."""

from __future__ import annotations

import pytest

from actionkit.types import (
    BUILTIN_DEFINITIONS,
    property_schema,
    section_schema,
    task_output_schema,
)


def prop(spec_type: str, **keys) -> dict:
    return {"title": "T", "description": "D", "type": spec_type, **keys}


def schema_of(spec_type: str, custom=None, **keys) -> dict:
    return section_schema({"value": prop(spec_type, **keys)}, custom or {})


@pytest.mark.parametrize(
    ("spec_type", "type_part"),
    [
        ("string", {"type": "string"}),
        ("integer", {"type": "integer"}),
        ("int", {"type": "integer"}),
        ("number", {"type": "number"}),
        ("float", {"type": "number"}),
        ("boolean", {"type": "boolean"}),
        ("bool", {"type": "boolean"}),
        ("object", {"type": "object"}),
        ("date", {"type": "string", "format": "date-time", "displayType": "date"}),
        ("bytes", {"type": "string", "format": "bytes", "displayType": "bytes"}),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_scalar_types_map_to_inline_schemas(spec_type, type_part):
    assert schema_of(spec_type) == {
        "type": "object",
        "title": "Variables",
        "properties": {"value": {**type_part, "title": "T", "description": "D", "order": 1}},
        "definitions": {},
    }


@pytest.mark.parametrize(
    "spec_type",
    [
        "password",
        "python",
        "file",
        "credential_secret_key",
        "credential_username_password",
        "credential_token",
        "credential_asymmetric_key",
    ],
)
def test_definition_types_are_refs_with_their_definition(spec_type):
    schema = schema_of(spec_type)
    assert schema["properties"]["value"] == {
        "$ref": f"#/definitions/{spec_type}",
        "title": "T",
        "description": "D",
        "order": 1,
    }
    assert schema["definitions"] == {spec_type: BUILTIN_DEFINITIONS[spec_type]}


def test_password_and_python_definitions():
    assert BUILTIN_DEFINITIONS["password"] == {**SECRET}
    assert BUILTIN_DEFINITIONS["python"] == {"type": "string", "format": "python", "displayType": "python"}


def test_file_definition():
    assert BUILTIN_DEFINITIONS["file"] == {
        "id": "file",
        "type": "object",
        "title": "File",
        "description": "File Object",
        "properties": {
            "filename": {"type": "string", "title": "Filename", "description": "Name of file"},
            "content": {
                "type": "string",
                "format": "bytes",
                "title": "Content",
                "description": "File contents",
            },
        },
    }


SECRET = {"type": "string", "format": "password", "displayType": "password"}


@pytest.mark.parametrize(
    ("name", "title", "description", "properties", "required"),
    [
        (
            "credential_secret_key",
            "Credential: Secret Key",
            "A shared secret key",
            {"secretKey": {**SECRET, "title": "Secret Key", "description": "The shared secret key"}},
            ["secretKey"],
        ),
        (
            "credential_username_password",
            "Credential: Username and Password",
            "A username and password combination",
            {
                "username": {
                    "type": "string",
                    "title": "Username",
                    "description": "The username to log in with",
                    "order": 1,
                },
                "password": {**SECRET, "title": "Password", "description": "The password", "order": 2},
            },
            ["username", "password"],
        ),
        (
            "credential_token",
            "Credential: Token",
            "A pair of a token, and an optional domain",
            {
                "domain": {
                    "type": "string",
                    "title": "Domain",
                    "description": "The domain for the token",
                    "order": 1,
                },
                "token": {**SECRET, "title": "Token", "description": "The shared token", "order": 2},
            },
            ["token"],
        ),
        (
            "credential_asymmetric_key",
            "Credential: Asymmetric key",
            "A shared key",
            {"privateKey": {**SECRET, "title": "Private Key", "description": "The private key"}},
            ["privateKey"],
        ),
    ],
    ids=["secret_key", "username_password", "token", "asymmetric_key"],
)
def test_credential_definitions(name, title, description, properties, required):
    definition = BUILTIN_DEFINITIONS[name]
    assert definition == {
        "id": name,
        "type": "object",
        "title": title,
        "description": description,
        "properties": properties,
        "required": required,
    }
    assert list(definition["properties"]) == list(properties)


@pytest.mark.parametrize(
    ("spec_type", "items"),
    [
        ("[]string", {"type": "string"}),
        ("[]date", {"type": "string", "format": "date-time", "displayType": "date"}),
        ("[]file", {"$ref": "#/definitions/file"}),
        ("[][]integer", {"type": "array", "items": {"type": "integer"}}),
        ("[][][]bool", {"type": "array", "items": {"type": "array", "items": {"type": "boolean"}}}),
        ("[][]password", {"type": "array", "items": {"$ref": "#/definitions/password"}}),
    ],
    ids=["strings", "dates", "files", "nested", "three-deep", "nested-refs"],
)
def test_arrays_nest_at_any_depth(spec_type, items):
    schema = schema_of(spec_type)["properties"]["value"]
    assert schema == {"type": "array", "title": "T", "description": "D", "items": items, "order": 1}


def test_property_keys_come_in_reference_order():
    full = prop("string", default="a", enum=["a", "b"], placeholder="P", tooltip="Tip", example="b")
    full = {"enum": full.pop("enum"), **full}  # spec order must not matter
    schema = property_schema(full, 3)
    assert list(schema) == [
        "type", "title", "description", "default", "placeholder", "tooltip", "enum", "order"
    ]
    assert "example" not in schema


@pytest.mark.parametrize(
    ("spec_type", "schema"),
    [
        ("[]string", {"type": "array", "title": "T", "description": "D",
                      "items": {"type": "string", "enum": ["a", "b"], "minimum": 1}, "order": 1}),
        ("[][]string", {"type": "array", "title": "T", "description": "D", "order": 1, "items": {
            "type": "array", "items": {"type": "string", "enum": ["a", "b"], "minimum": 1}}}),
    ],
    ids=["list", "list-of-lists"],
)
def test_enum_and_bounds_of_a_list_restrict_its_items(spec_type, schema):
    assert property_schema(prop(spec_type, enum=["a", "b"], minimum=1), 1) == schema


def test_aliases_and_resolve_become_extensions_json_schema_ignores():
    schema = property_schema(prop("[]string", aliases=["service_ids"], resolve="service"), 2)
    assert schema == {"type": "array", "title": "T", "description": "D", "items": {"type": "string"},
                      "order": 2, "x-aliases": ["service_ids"], "x-resolve": "service"}


def test_retired_inputs_become_an_extension_of_the_section():
    assert section_schema({}, {}, {"urgency": "PagerDuty decides it"}) == {
        "type": "object", "title": "Variables", "properties": {}, "definitions": {},
        "x-retired": {"urgency": "PagerDuty decides it"},
    }
    assert section_schema({"a": prop("string")}, {}, None)["properties"]["a"]["type"] == "string"


def test_section_wrapper_sorts_properties_and_required_and_keeps_yaml_order():
    section = {
        "zeta": prop("string", required=True),
        "alpha": prop("integer"),
        "mid": prop("boolean", required=True),
    }
    schema = section_schema(section, {})
    assert list(schema) == ["type", "title", "properties", "required", "definitions"]
    assert list(schema["properties"]) == ["alpha", "mid", "zeta"]
    assert [schema["properties"][name]["order"] for name in ("zeta", "alpha", "mid")] == [1, 2, 3]
    assert schema["required"] == ["mid", "zeta"]


def test_required_is_omitted_when_empty_and_definitions_always_present():
    assert list(schema_of("string")) == ["type", "title", "properties", "definitions"]


@pytest.mark.parametrize("section", [{}, None], ids=["empty", "missing"])
def test_empty_section_is_an_empty_schema(section):
    assert section_schema(section, {}) == {}


CUSTOM = {
    "finding": {
        "id": prop("string", required=True),
        "tags": prop("[]string"),
        "where": prop("[][]location"),
    },
    "location": {"host": prop("string"), "owner": prop("credential_token")},
    "unused": {"x": prop("string")},
}


def test_custom_types_at_any_depth_share_one_flat_definitions_map():
    schema = section_schema({"findings": prop("[]finding"), "file": prop("file")}, CUSTOM)
    assert schema["properties"]["findings"]["items"] == {"$ref": "#/definitions/finding"}
    assert list(schema["definitions"]) == ["file", "credential_token", "finding", "location"]
    assert schema["definitions"]["finding"] == {
        "type": "object",
        "title": "finding",
        "properties": {
            "id": {"type": "string", "title": "T", "description": "D", "order": 1},
            "tags": {
                "type": "array", "title": "T", "description": "D", "items": {"type": "string"}, "order": 2
            },
            "where": {
                "type": "array",
                "title": "T",
                "description": "D",
                "items": {"type": "array", "items": {"$ref": "#/definitions/location"}},
                "order": 3,
            },
        },
        "required": ["id"],
    }
    assert schema["definitions"]["location"] == {
        "type": "object",
        "title": "location",
        "properties": {
            "host": {"type": "string", "title": "T", "description": "D", "order": 1},
            "owner": {"$ref": "#/definitions/credential_token", "title": "T", "description": "D", "order": 2},
        },
    }


def test_recursive_custom_type_is_defined_once():
    custom = {"node": {"children": prop("[]node")}}
    schema = section_schema({"tree": prop("node")}, custom)
    assert list(schema["definitions"]) == ["node"]
    assert schema["definitions"]["node"]["properties"]["children"]["items"] == {"$ref": "#/definitions/node"}


def test_reference_example_is_reproduced():
    """Reference §6.7, without its untyped ``raw`` property (a bare ``array`` is an error here)."""
    section = {
        "when": {"title": "When", "description": "Start time", "type": "date"},
        "blob": {"title": "Blob", "description": "Raw bytes", "type": "bytes", "required": True},
        "attachment": {"title": "Attachment", "description": "File", "type": "file"},
        "secret": {"title": "Secret", "description": "A password", "type": "password"},
        "severity": {
            "title": "Severity",
            "description": "Severity",
            "type": "string",
            "required": True,
            "default": "low",
            "placeholder": "Pick one",
            "tooltip": "Severity level",
            "enum": ["low", "high"],
        },
        "ids": {"title": "IDs", "description": "IDs", "type": "[]integer"},
        "findings": {"title": "Findings", "description": "Findings", "type": "[]finding"},
    }
    custom = {
        "finding": {
            "id": {"title": "ID", "description": "Finding ID", "type": "string", "required": True},
            "tags": {"title": "Tags", "description": "Tags", "type": "[]string"},
        }
    }
    expected_properties = {
        "attachment": {
            "$ref": "#/definitions/file", "title": "Attachment", "description": "File", "order": 3
        },
        "blob": {
            "type": "string",
            "format": "bytes",
            "displayType": "bytes",
            "title": "Blob",
            "description": "Raw bytes",
            "order": 2,
        },
        "findings": {
            "type": "array",
            "title": "Findings",
            "description": "Findings",
            "items": {"$ref": "#/definitions/finding"},
            "order": 7,
        },
        "ids": {
            "type": "array", "title": "IDs", "description": "IDs", "items": {"type": "integer"}, "order": 6
        },
        "secret": {
            "$ref": "#/definitions/password", "title": "Secret", "description": "A password", "order": 4
        },
        "severity": {
            "type": "string",
            "title": "Severity",
            "description": "Severity",
            "default": "low",
            "placeholder": "Pick one",
            "tooltip": "Severity level",
            "enum": ["low", "high"],
            "order": 5,
        },
        "when": {
            "type": "string",
            "format": "date-time",
            "displayType": "date",
            "title": "When",
            "description": "Start time",
            "order": 1,
        },
    }
    schema = section_schema(section, custom)
    assert schema["properties"] == expected_properties
    assert list(schema["properties"]) == list(expected_properties)
    assert schema["required"] == ["blob", "severity"]
    assert list(schema["definitions"]) == ["file", "password", "finding"]
    assert schema["definitions"]["finding"] == {
        "type": "object",
        "title": "finding",
        "properties": {
            "id": {"type": "string", "title": "ID", "description": "Finding ID", "order": 1},
            "tags": {
                "type": "array",
                "title": "Tags",
                "description": "Tags",
                "items": {"type": "string"},
                "order": 2,
            },
        },
        "required": ["id"],
    }


def test_task_output_is_an_array_of_anything():
    section = {"findings": {"title": "Findings", "description": "New findings", "type": "[]finding"}}
    assert task_output_schema(section, CUSTOM) == {
        "type": "array",
        "title": "Findings",
        "description": "New findings",
        "items": {},
        "required": ["findings"],
        "definitions": section_schema(section, CUSTOM)["definitions"],
    }
