"""actionkit.masking: which values are secrets, and how they are hidden."""

from __future__ import annotations

import json

import pytest

from actionkit.masking import MASK, Masker, collect_secrets, last4

CONNECTION_SCHEMA = {
    "type": "object",
    "properties": {
        "api_key": {"$ref": "#/definitions/credential_secret_key"},
        "admin": {"$ref": "#/definitions/password"},
        "login": {"$ref": "#/definitions/credential_username_password"},
        "region": {"type": "string"},
    },
    "definitions": {
        "credential_secret_key": {
            "type": "object",
            "properties": {"secretKey": {"type": "string", "format": "password"}},
        },
        "credential_username_password": {
            "type": "object",
            "properties": {
                "username": {"type": "string"},
                "password": {"type": "string", "format": "password"},
            },
        },
        "password": {"type": "string", "format": "password", "displayType": "password"},
    },
}


def test_collects_credential_and_password_fields():
    connection = {
        "api_key": {"secretKey": "s3cr3t-key-value"},
        "admin": "admin-password",
        "login": {"username": "ada", "password": "pw-of-ada"},
        "region": "eu",
    }
    secrets = collect_secrets(connection, CONNECTION_SCHEMA)
    assert secrets == {"s3cr3t-key-value", "admin-password", "pw-of-ada"}


def test_collects_well_known_key_names_at_any_depth_without_a_schema():
    connection = {"nested": {"token": "tok-123456", "list": [{"privateKey": "-----BEGIN"}]}, "key": "k-99999",
                  "name": "not secret", "password": ""}
    assert collect_secrets(connection) == {"tok-123456", "-----BEGIN", "k-99999"}


def test_input_secrets_come_from_password_fields_only():
    schema = {
        "type": "object",
        "properties": {"key": {"type": "string"}, "pw": {"$ref": "#/definitions/password"}},
        "definitions": {"password": {"type": "string", "format": "password"}},
    }
    secrets = collect_secrets({"key": "incident-key", "pw": "hunter2pass"}, schema, by_key_name=False)
    assert secrets == {"hunter2pass"}


def test_masks_every_occurrence_in_text():
    masker = Masker({"hunter2pass"})
    assert masker.text("Hello, World hunter2pass! again:hunter2pass") == f"Hello, World {MASK}! again:{MASK}"


def test_masks_a_truncated_secret_of_at_least_80_percent():
    masker = Masker({"0123456789"})
    assert masker.text("a=01234567 b=0123456") == f"a={MASK} b=0123456"


def test_masks_the_json_escaped_form():
    secret = 'quote"and\\slash'
    masker = Masker({secret})
    assert masker.text(json.dumps({"k": secret})) == '{"k": "' + MASK + '"}'


def test_masks_strings_and_keys_in_structures():
    masker = Masker({"s3cr3t-key"})
    data = {"out": ["x s3cr3t-key y", {"s3cr3t-key": 1}], "n": 5}
    assert masker.data(data) == {"out": [f"x {MASK} y", {MASK: 1}], "n": 5}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ab", MASK), ("grab a cab", "grab a cab"), ("ab ab", "ab ab")],
    ids=["whole-value", "inside-words", "free-text"],
)
def test_short_secrets_are_masked_only_as_whole_values(text, expected):
    assert Masker({"ab"}).text(text) == expected


def test_four_character_secrets_are_searched():
    assert Masker({"abcd"}).text("x abcd y") == f"x {MASK} y"


@pytest.mark.parametrize(
    ("secret", "shown"),
    [("u+abcdefgh1234", "****1234"), ("abcdefgh123", MASK), ("", MASK)],
    ids=["long", "short", "empty"],
)
def test_last4(secret, shown):
    assert last4(secret) == shown


def test_no_secrets_changes_nothing():
    data = {"a": ["b"]}
    assert Masker().data(data) is data
