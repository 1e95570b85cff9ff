"""Messages that are JSON no step can use are the sender's error (400 / exit 1), never a defect."""

from __future__ import annotations

import json

import pytest

from actionkit.envelope import parse_json
from actionkit.errors import InputError
from unit_test.actionkit.server_helpers import make_app, wsgi_call

LONE_SURROGATE = (
    '{"type": "action_start", "version": "v1", "body": {"action": "hello", "input": {"name": "\\ud800"}}}'
)
TOO_DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (LONE_SURROGATE,
         "The message holds a \\u escape of half a UTF-16 surrogate pair, which is not a character."),
        (TOO_DEEP, "The message nests arrays or objects too deeply to read."),
        ("{oops", "The message is not valid JSON: Expecting property name enclosed in double quotes: "
                  "line 1 column 2 (char 1)."),
    ],
    ids=["lone-surrogate", "too-deep", "not-json"],
)
def test_unusable_json_is_an_input_error(text, message):
    with pytest.raises(InputError) as caught:
        parse_json(text, "The message")
    assert caught.value.cause == message


def test_a_surrogate_pair_is_an_ordinary_character():
    assert parse_json('{"name": "\\ud83d\\ude00"}', "The message") == {"name": "\U0001F600"}


@pytest.mark.parametrize("text", [LONE_SURROGATE, TOO_DEEP], ids=["lone-surrogate", "too-deep"])
def test_the_runtime_and_http_mode_answer_them_as_input_errors(hello_plugin, text):
    result = hello_plugin.handle(text)
    assert (result.exit_code, result.http_status, result.envelope["body"]["status"]) == (1, 400, "error")
    assert "Traceback" not in result.envelope["body"]["log"]
    reply = wsgi_call(make_app(hello_plugin)[0], "POST", "/api/v1/actions/hello", text.encode())
    assert reply.status == 400
    cause = result.envelope["body"]["exception"]["cause"]
    assert reply.json()["body"]["exception"]["cause"] == cause.replace("The message", "The request body")
    json.dumps(reply.json())  # the answer itself is valid JSON
