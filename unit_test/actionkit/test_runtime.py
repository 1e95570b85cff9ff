"""Plugin.handle: the protocol, validation, errors and outputs, on the hello test plugin."""

from __future__ import annotations

import io
import json
import threading

import pytest

from actionkit.runtime import Plugin

FIRST_LINE = "actionkit/Hello:1.2.3. Step name: {}\n"
CONNECTED = "Connected with greeting 'Hello, {}!'\n"
INPUT_HELP = "Correct the input named above and run the step again."
INTERNAL_HELP = "This is a defect in the plugin; please report it together with the log."


def error_of(result) -> tuple[int, str]:
    return result.http_status, result.envelope["body"]["exception"]["cause"]


# -- happy paths ----------------------------------------------------------------------------------


def test_action_envelope(hello_plugin, make_message):
    result = hello_plugin.handle(make_message("hello", {"name": "Ada"}, meta={"jobId": "j1", "x": [1]}))
    assert result.envelope == {
        "body": {
            "log": FIRST_LINE.format("hello") + CONNECTED + "Greeting Ada\n",
            "status": "ok",
            "meta": {"jobId": "j1", "x": [1]},
            "output": {"message": "Hello, Ada!", "count": 1},
        },
        "version": "v1",
        "type": "action_event",
    }
    assert (result.ok, result.http_status, result.exit_code) == (True, 200, 0)


@pytest.mark.parametrize("encode", [json.dumps, lambda m: json.dumps(m).encode()], ids=["text", "bytes"])
def test_message_may_be_json_text(hello_plugin, make_message, encode):
    result = hello_plugin.handle(encode(make_message("hello", {"name": "Ada"})))
    assert result.envelope["body"]["output"] == {"message": "Hello, Ada!", "count": 1}


def test_missing_meta_and_input_default_to_empty(hello_plugin, make_message):
    message = make_message("nulls")
    del message["body"]["meta"], message["body"]["input"]
    body = hello_plugin.handle(message).envelope["body"]
    assert (body["status"], body["meta"]) == ("ok", {})


def test_an_action_may_return_a_plain_dict(hello_plugin, make_message):
    result = hello_plugin.handle(make_message("bad_output", {"how": "valid"}))
    assert result.envelope["body"]["output"] == {"message": "a plain dict works too", "count": 2.0}


def test_debug_captures_debug_lines(hello_plugin, make_message):
    log = hello_plugin.handle(make_message("hello", {"name": "Ada"}), debug=True).envelope["body"]["log"]
    assert "Greeting in detail: {'name': 'Ada'}\n" in log


def test_unknown_keys_are_ignored(hello_plugin, make_message):
    message = make_message("hello", {"name": "Ada"}, surprise=1)
    message["extra"] = True
    assert hello_plugin.handle(message).ok


# -- envelope checks (reference §3.1), all before the connection is built ------------------------


@pytest.mark.parametrize(
    ("message", "cause", "out_type", "meta"),
    [
        ("", "The message is empty.", None, None),
        ("{nope", "The message is not valid JSON: Expecting property name enclosed in double quotes: "
         "line 1 column 2 (char 1).", None, None),
        ([1], "The message must be a JSON object, got array.", None, None),
        ({"type": "action_start", "body": {}}, "The message lacks 'version'.", "action_event", None),
        ({"version": "v1"}, "The message lacks 'type', 'body'.", None, None),
        ({"type": "action_start", "version": "v1", "body": []}, "The body must be a JSON object, got array.",
         "action_event", None),
        ({"type": "action_start", "version": "v2", "body": {}}, "Unsupported message version 'v2'.",
         "action_event", None),
        ({"type": "action_go", "version": "v1", "body": {}}, "Unknown message type 'action_go'.", None, None),
        ({"type": "action_start", "version": "v1", "body": {"meta": {"a": 1}}}, "body.action is missing.",
         "action_event", {"a": 1}),
        ({"type": "action_start", "version": "v1", "body": {"action": 5}}, "body.action must be a string, "
         "got integer.", "action_event", {}),
        ({"type": "action_start", "version": "v1", "body": {"action": "nope", "connection": {"greeting": 1}}},
         "Unknown action 'nope'.", "action_event", {}),
        ({"type": "task_start", "version": "v1", "body": {"task": "t"}}, "Unknown task 't'.",
         "task_event", {}),
        ({"type": "trigger_start", "version": "v1", "body": {"trigger": "x"}}, "Unknown trigger 'x'.",
         "trigger_event", {}),
    ],
    ids=["empty", "not-json", "not-object", "no-version", "no-type-no-body", "body-not-object", "bad-version",
         "bad-type", "no-name", "name-not-string", "unknown-action-before-connection", "unknown-task",
         "unknown-trigger"],
)
def test_envelope_errors(hello_plugin, message, cause, out_type, meta):
    result = hello_plugin.handle(message)
    body = result.envelope["body"]
    assert (result.http_status, result.exit_code, body["status"]) == (400, 1, "error")
    assert (body["exception"]["cause"], result.envelope["type"], body["meta"]) == (cause, out_type, meta)
    assert body["log"] == ""


def test_unknown_action_lists_the_actions(hello_plugin, make_message):
    result = hello_plugin.handle(make_message("nope"))
    assert result.envelope["body"]["error"] == (
        "Unknown action 'nope'. "
        "This plugin's actions are 'hello', 'fail', 'bad_output', 'nulls', 'log_secret', 'lookup'."
    )


def test_unknown_task_says_there_are_none(hello_plugin, make_message):
    result = hello_plugin.handle(make_message("monitor", kind="task"))
    assert result.envelope["body"]["exception"]["assistance"] == "This plugin has no tasks."


# -- connection ------------------------------------------------------------------------------------


def test_connection_errors_name_each_field(hello_plugin, make_message):
    result = hello_plugin.handle(make_message("hello", connection={"greeting": 5}))
    body = result.envelope["body"]
    assert (result.http_status, body["exception"]["cause"]) == (
        400, "connection.api_key: required but missing.\nconnection.greeting: expected string, got integer."
    )
    assert body["exception"]["assistance"] == "Check the connection settings of this plugin."


def test_connect_may_raise_a_config_error(hello_plugin, make_message):
    connection = {"greeting": "Hi", "api_key": {"secretKey": "k"}}
    result = hello_plugin.handle(make_message("hello", connection=connection))
    assert error_of(result) == (400, "connection.greeting: the template has no {} for the name.")


def test_a_crash_in_connect_is_internal(hello_plugin, make_message):
    connection = {"greeting": "crash {}", "api_key": {"secretKey": "k"}}
    result = hello_plugin.handle(make_message("hello", connection=connection))
    cause = "Connecting failed unexpectedly: RuntimeError: the greeting service is down"
    assert error_of(result) == (500, cause)
    assert result.envelope["body"]["log"].endswith("ERROR: Connecting failed unexpectedly\n")


# -- input validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("inp", "cause"),
    [
        ({}, "input.name: required but missing."),
        ({"name": ""}, "input.name: required but empty."),
        ({"name": None}, "input.name: required but empty."),
        ({"name": "A", "times": "2"}, "input.times: expected integer, got string."),
        ({"name": "A", "person": {"age": 3.5, "tags": ["x", 2]}},
         "input.person.name: required but missing.\ninput.person.age: expected integer, got number.\n"
         "input.person.tags[1]: expected string, got integer."),
        ({"name": "A", "style": "quiet"}, 'input.style: must be one of "plain", "loud"; got "quiet".'),
        ({"name": 1, "times": True}, "input.name: expected string, got integer.\n"
         "input.times: expected integer, got boolean."),
    ],
    ids=["missing", "empty", "null", "wrong-type", "nested", "enum", "all-at-once"],
)
def test_input_errors_name_each_field(hello_plugin, make_message, inp, cause):
    result = hello_plugin.handle(make_message("hello", inp))
    assert error_of(result) == (400, cause)
    assert result.envelope["body"]["error"] == f"{cause} {INPUT_HELP}"


@pytest.mark.parametrize("empty", ["", None], ids=["empty-string", "null"])
def test_empty_optional_inputs_count_as_not_provided(hello_plugin, make_message, empty):
    message = make_message("hello", {"name": "Ada", "style": empty, "times": empty})
    result = hello_plugin.handle(message, debug=True)
    assert result.envelope["body"]["output"] == {"message": "Hello, Ada!", "count": 1}
    assert "Optional inputs sent empty, treated as not provided: input.style, input.times\n" in (
        result.envelope["body"]["log"]
    )


def test_strict_inputs_reject_empty_optional_values(make_message):
    strict = Plugin.load("icon_hello", lenient_inputs=False)
    result = strict.handle(make_message("hello", {"name": "Ada", "style": ""}))
    assert error_of(result) == (400, 'input.style: must be one of "plain", "loud"; got "".')


# -- errors from plugin code -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status"),
    [("input", 400), ("config", 400), ("not_found", 400), ("upstream", 400), ("transient", 400),
     ("internal", 500)],
    ids=["input", "config", "not_found", "upstream", "transient", "internal"],
)
def test_plugin_errors_keep_their_kind(hello_plugin, make_message, kind, status):
    result = hello_plugin.handle(make_message("fail", {"kind": kind, "data": {"code": 7}}))
    exception = result.envelope["body"]["exception"]
    assert (result.http_status, result.error.kind) == (status, kind)
    assert (exception["cause"], exception["data"]) == (f"Failing with {kind} as asked.", '{"code": 7}')
    assert result.envelope["body"]["error"] == result.error.error_text()


def test_unexpected_exception_is_one_clean_line(hello_plugin, make_message):
    result = hello_plugin.handle(make_message("fail", {"kind": "unexpected"}))
    body = result.envelope["body"]
    assert (result.http_status, body["error"]) == (
        500, f"Action 'fail' failed unexpectedly: ValueError: because I can second line. {INTERNAL_HELP}"
    )
    assert body["exception"] == {
        "cause": "Action 'fail' failed unexpectedly: ValueError: because I can second line",
        "assistance": INTERNAL_HELP,
        "data": "",
    }
    assert body["log"] == (
        FIRST_LINE.format("fail") + CONNECTED + "About to fail with unexpected\n"
        "ERROR: Action 'fail' failed unexpectedly\n"
    )


@pytest.mark.parametrize("kind", ["unexpected", "upstream"])
def test_tracebacks_go_to_the_debug_mirror_never_into_the_envelope(hello_plugin, make_message, kind):
    mirror = io.StringIO()
    result = hello_plugin.handle(make_message("fail", {"kind": kind}), debug=True, log_mirror=mirror)
    assert "Traceback" not in json.dumps(result.envelope)
    assert "Traceback (most recent call last):\n" in mirror.getvalue()


def test_exit_in_plugin_code_is_internal(hello_plugin, make_message):
    result = hello_plugin.handle(make_message("fail", {"kind": "exit"}))
    assert error_of(result) == (500, "Action 'fail' failed unexpectedly: SystemExit: 3")


# -- outputs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "cause"),
    [
        ("wrong_type", "output.count: expected integer, got string."),
        ("missing_required", "output.message: required but missing."),
        ("nested", "output.people[1].name: required but missing."),
        ("null_required", "output.message: expected string, got null."),
        ("not_json", "output.people[0].born: a value of type date is not JSON."),
        ("many", "output.count: expected integer, got number.\n"
         "output.message: expected string, got integer.\n"
         "output.people[0].tags[0]: expected string, got integer."),
    ],
    ids=["wrong-type", "missing-required", "nested", "null-required", "not-json", "many"],
)
def test_invalid_output_is_internal(hello_plugin, make_message, how, cause):
    result = hello_plugin.handle(make_message("bad_output", {"how": how}))
    assert error_of(result) == (500, cause)
    assert result.error.kind == "internal"


def test_nulls_of_optional_outputs_are_dropped(hello_plugin, make_message):
    result = hello_plugin.handle(make_message("nulls"), debug=True)
    body = result.envelope["body"]
    assert body["output"] == {
        "message": "kept",
        "zero": 0,
        "flag": False,
        "empty_list": [],
        "person": {"name": "Ada", "tags": []},
        "people": [{"name": "Ada"}, {"name": "Grace", "age": 85}],
        "extra": {"free": None, "form": {}},
    }
    dropped = "output.note, output.person.nickname, output.people[0].age"
    assert f"Dropped null optional output fields: {dropped}\n" in body["log"]


def test_strict_outputs_reject_nulls(make_message):
    strict = Plugin.load("icon_hello", drop_null_outputs=False)
    result = strict.handle(make_message("nulls"))
    assert error_of(result) == (500, "output.note: expected string, got null.\n"
                                     "output.people[0].age: expected integer, got null.\n"
                                     "output.person.nickname: expected string, got null.")


# -- tests (connection_test and test mode) ------------------------------------------------------------


def connection_test(connection):
    return {"type": "connection_test", "version": "v1", "body": {"connection": connection}}


def test_connection_test_ok(hello_plugin, hello_connection):
    result = hello_plugin.handle(connection_test(hello_connection))
    assert result.envelope == {
        "body": {"log": "actionkit/Hello:1.2.3\n" + CONNECTED + "Testing the connection\n", "status": "ok",
                 "meta": {}, "output": {"success": True}},
        "version": "v1",
        "type": "connection_test",
    }


def test_connection_test_failure_carries_the_evidence(hello_plugin):
    result = hello_plugin.handle(connection_test({"greeting": "Hi {}", "api_key": {"secretKey": "bad"}}))
    assert (result.http_status, result.envelope["body"]["exception"]) == (400, {
        "cause": "The API key was rejected.",
        "assistance": "Check the API key in the connection.",
        "data": "401 from server",
    })


def test_connection_test_returning_null_is_204(hello_plugin):
    result = hello_plugin.handle(connection_test({"greeting": "Hi {}", "api_key": {"secretKey": "none"}}))
    assert (result.http_status, result.envelope["body"]["output"]) == (204, None)


def test_test_mode_runs_the_connection_test_without_validating_input(hello_plugin, make_message):
    result = hello_plugin.handle(make_message("hello", {"times": "not validated"}), test=True)
    assert (result.envelope["type"], result.envelope["body"]["output"]) == ("action_event", {"success": True})


def test_no_test_at_all_is_501(hello_plugin, make_message, monkeypatch):
    from icon_hello.connection.connection import Connection

    monkeypatch.delattr(Connection, "test")
    result = hello_plugin.handle(make_message("hello"), test=True)
    assert (result.http_status, result.envelope["body"]["exception"]["cause"]) == (
        501, "Neither the connection nor action 'hello' defines a test."
    )


# -- secrets -----------------------------------------------------------------------------------------


def test_canary_never_appears_in_log_or_output(hello_plugin, make_message, canary):
    result = hello_plugin.handle(make_message("log_secret"), debug=True)
    body = result.envelope["body"]
    assert canary not in json.dumps(result.envelope)
    assert body["output"] == {"echo": "secret=********"}
    assert 'The secret is ********\nWARNING: Sending headers {"Authorization": "********"}\n' in body["log"]


def test_canary_never_appears_in_errors(hello_plugin, make_message, canary):
    message = make_message("fail", {"kind": "upstream", "data": {"echo": f"key={canary}"}})
    result = hello_plugin.handle(message)
    assert canary not in json.dumps(result.envelope)
    assert result.envelope["body"]["exception"]["data"] == '{"echo": "key=********"}'


def test_canary_never_appears_in_the_debug_mirror(hello_plugin, make_message, canary):
    mirror = io.StringIO()
    hello_plugin.handle(make_message("log_secret"), debug=True, log_mirror=mirror)
    assert "The secret is ********\n" in mirror.getvalue() and canary not in mirror.getvalue()


def test_password_fields_are_masked_too(hello_plugin, make_message, canary):
    connection = {"greeting": "Hello, {}!", "api_key": {"secretKey": canary}, "password": "pw-5150-opal"}
    log = hello_plugin.handle(make_message("log_secret", connection=connection)).envelope["body"]["log"]
    assert "The password is ******** and a prefix is ********\n" in log


# -- concurrency -------------------------------------------------------------------------------------


def test_concurrent_calls_keep_their_own_logs(hello_plugin, make_message):
    workers = 6
    barrier = threading.Barrier(workers)
    logs: dict[int, list[str]] = {}

    def work(number: int) -> None:
        barrier.wait()
        logs[number] = [
            hello_plugin.handle(make_message("hello", {"name": f"w{number}"})).envelope["body"]["log"]
            for _ in range(20)
        ]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for number, texts in logs.items():
        lines = {line for text in texts for line in text.splitlines() if line.startswith("Greeting")}
        assert lines == {f"Greeting w{number}"}
