"""The rules of plugin.spec.yaml's shape (format v2, reference §5): its meta-schema, a JSON schema literal.

Not named ``...schema.py``: the ecosystem's validator reads every file whose name contains that as
a generated component schema.

It checks the shape: required and unknown keys, value types, names and versions. What needs
more than a JSON schema (valid property types, examples, enums, duplicate YAML keys, where
``aliases``, ``resolve`` and the bounds may be used) is checked in ``actionkit.speccheck``.
``x-hint`` is ours: it completes the message of a failed ``pattern``.

Our extensions of the ecosystem's format:

* on an input property: ``aliases: [old_name]`` (old names still accepted), ``resolve: <kind>``
  (a name or email is turned into an ID before ``run``);
* on an input: ``in_example: false`` keeps its example out of the component's example input (for
  an input that excludes another one, so that the example stays a valid message);
* on a number or integer property: ``minimum``, ``exclusiveMinimum``, ``maximum``,
  ``exclusiveMaximum``;
* on a component: ``retired_inputs: {name: why it is ignored}``, ``needs`` (what the component
  needs of the account, for help.md);
* the top-level ``actionkit:`` section, where all of these may be written apart from the entries
  they belong to (``actionkit.specextra``), ``help.setup`` (more of help.md's Setup) and
  ``help.upgrading`` (what changed since the previous major version, for help.md's "Upgrading from N.x").
"""

from __future__ import annotations

_TEXT = {"type": "string", "minLength": 1}
_TEXT_LIST = {"type": "array", "items": _TEXT}
_MARKDOWN = {"type": ["string", "array"], "minLength": 1, "items": _TEXT}
_NAME = {
    "type": "string",
    "pattern": "^[a-z][a-z0-9_]*$",
    "x-hint": "lower_snake_case (lowercase letters, digits and underscores, starting with a letter)",
}
_BOOLEAN = {"type": "boolean"}
_NUMBER = {"type": "number"}
_RETIRED = {"type": "object", "minProperties": 1, "propertyNames": _NAME, "additionalProperties": _TEXT}

PROPERTY_KEYS = (
    "title",
    "description",
    "type",
    "required",
    "default",
    "enum",
    "order",
    "example",
    "placeholder",
    "tooltip",
    "excludeProduct",
    "aliases",
    "resolve",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "in_example",
)

_PROPERTY_VALUES = {
    "title": _TEXT,
    "description": _TEXT,
    "type": _TEXT,
    "required": _BOOLEAN,
    "default": {},
    "enum": {"type": "array", "minItems": 1},
    "order": {"type": "integer", "minimum": 1},
    "example": {},
    "placeholder": {"type": "string"},
    "tooltip": {"type": "string"},
    "excludeProduct": {"type": ["string", "array"], "items": _TEXT},
    "aliases": {"type": "array", "minItems": 1, "items": _NAME},
    "resolve": _NAME,
    "minimum": _NUMBER,
    "exclusiveMinimum": _NUMBER,
    "maximum": _NUMBER,
    "exclusiveMaximum": _NUMBER,
    "in_example": _BOOLEAN,
}

_PROPERTY = {
    "type": "object",
    "required": ["title", "description", "type"],
    "properties": _PROPERTY_VALUES,
    "additionalProperties": False,
}

_TASK_OUTPUT_PROPERTY = {
    **_PROPERTY,
    "properties": {**_PROPERTY_VALUES, "persist_state": _BOOLEAN},
}

_SECTION = {"type": ["object", "null"], "additionalProperties": {"$ref": "#/$defs/property"}}

_COMPONENT_KEYS = {
    "title": _TEXT,
    "description": _TEXT,
    "input": _SECTION,
    "output": _SECTION,
    "action_type": _TEXT,
    "help": _TEXT,
    "retired_inputs": _RETIRED,
    "needs": _TEXT,
}

_COMPONENT = {
    "type": "object",
    "required": ["title", "description"],
    "properties": _COMPONENT_KEYS,
    "additionalProperties": False,
}

_TASK = {
    "type": "object",
    "required": ["title", "description", "output"],
    "properties": {
        "title": _TEXT,
        "description": _TEXT,
        "input": _SECTION,
        "output": {"type": "object", "additionalProperties": {"$ref": "#/$defs/task_output_property"}},
        "state": _SECTION,
        "retired_inputs": _RETIRED,
        "schedule": {
            "type": "object",
            "required": ["type"],
            "properties": {
                "title": _TEXT,
                "description": _TEXT,
                "type": _TEXT,
                "enum": {"type": "array", "minItems": 1},
                "default": {},
            },
            "additionalProperties": False,
        },
        "help": _TEXT,
        "needs": _TEXT,
    },
    "additionalProperties": False,
}

# The actionkit: section (``actionkit.specextra``): additions by path, each checked where it lands.
_ADDED_FIELDS = {"type": "object", "additionalProperties": {"type": "object"}}
_ADDED_COMPONENTS = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "properties": {"input": _ADDED_FIELDS, "output": _ADDED_FIELDS, "state": _ADDED_FIELDS},
    },
}
_ACTIONKIT = {
    "type": "object",
    "properties": {
        "connection": _ADDED_FIELDS,
        "types": {"type": "object", "additionalProperties": _ADDED_FIELDS},
        "actions": _ADDED_COMPONENTS,
        "triggers": _ADDED_COMPONENTS,
        "tasks": _ADDED_COMPONENTS,
        "help": {"type": "object", "properties": {"setup": _MARKDOWN, "upgrading": _MARKDOWN},
                 "additionalProperties": False},
    },
    "additionalProperties": False,
}

META_SCHEMA = {
    "type": "object",
    "required": [
        "plugin_spec_version",
        "extension",
        "products",
        "name",
        "title",
        "description",
        "version",
        "vendor",
        "support",
        "status",
        "tags",
        "hub_tags",
        "resources",
    ],
    "properties": {
        "plugin_spec_version": {"const": "v2"},
        "extension": {"const": "plugin"},
        "products": {"type": "array", "items": _TEXT, "contains": {"const": "insightconnect"}},
        "name": _NAME,
        "title": _TEXT,
        "description": _TEXT,
        "version": {
            "type": "string",
            "pattern": r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$",
            "x-hint": "a semantic version such as '1.2.3'",
        },
        "vendor": {
            "type": "string",
            "pattern": "^[a-z0-9][a-z0-9_.-]*$",
            "x-hint": "a lowercase image namespace such as 'rapid7'",
        },
        "support": {"enum": ["rapid7", "community", "partner"]},
        "status": _TEXT_LIST,
        "tags": _TEXT_LIST,
        "hub_tags": {
            "type": "object",
            "required": ["use_cases", "keywords", "features"],
            "properties": {"use_cases": _TEXT_LIST, "keywords": _TEXT_LIST, "features": _TEXT_LIST},
            "additionalProperties": False,
        },
        "resources": {"type": "object", "additionalProperties": _TEXT},
        "connection": _SECTION,
        "connection_version": {"type": "integer", "minimum": 1},
        "types": {"type": ["object", "null"], "additionalProperties": _SECTION},
        "actions": {"type": ["object", "null"], "additionalProperties": _COMPONENT},
        "triggers": {"type": ["object", "null"], "additionalProperties": _COMPONENT},
        "tasks": {"type": ["object", "null"], "additionalProperties": _TASK},
        "sdk": {
            "type": "object",
            "properties": {
                "type": {"enum": ["slim", "full"]},
                "version": _TEXT,
                "user": {"enum": ["nobody", "root"]},
                "custom_cmd": _TEXT_LIST,
                "packages": _TEXT_LIST,
            },
            "additionalProperties": False,
        },
        "enable_cache": _BOOLEAN,
        "cloud_ready": _BOOLEAN,
        "fedramp_ready": _BOOLEAN,
        "supported_versions": _TEXT_LIST,
        "key_features": _MARKDOWN,
        "requirements": _MARKDOWN,
        "troubleshooting": _MARKDOWN,
        "links": _MARKDOWN,
        "references": _MARKDOWN,
        "version_history": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "string",
                "pattern": r"^\d+\.\d+\.\d+\S* - \S",
                "x-hint": "of the form 'x.y.z - change | change'",
            },
        },
        "language": _TEXT,
        "actionkit": _ACTIONKIT,
    },
    "additionalProperties": False,
    "$defs": {"property": _PROPERTY, "task_output_property": _TASK_OUTPUT_PROPERTY},
}
