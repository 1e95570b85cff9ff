"""HTTP mode, in process: the envelope routes (run, test, connection test) and their status codes."""

from __future__ import annotations

import json

import pytest

from unit_test.actionkit.server_helpers import connection_test_message, make_app, wsgi_call


@pytest.fixture
def app(hello_plugin):
    return make_app(hello_plugin)[0]


@pytest.mark.parametrize("path", ["/api/v1/actions/hello", "/actions/hello"], ids=["v1", "legacy"])
def test_an_action_run_answers_200_with_its_envelope(app, make_message, path):
    reply = wsgi_call(app, "POST", path, make_message("hello", {"name": "Ada"}))
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/json"
    body = reply.json()["body"]
    assert (body["status"], body["output"], body["meta"]) == ("ok", {"message": "Hello, Ada!", "count": 1},
                                                              {"jobId": "j1"})
    assert body["log"].startswith("actionkit/Hello:1.2.3. Step name: hello\n")
    assert reply.json()["type"] == "action_event"


def test_response_keys_are_sorted(app, make_message):
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", make_message("hello", {"name": "Ada"}))
    assert reply.body == (json.dumps(reply.json(), sort_keys=True, separators=(",", ":")) + "\n").encode()


def test_the_body_is_json_whatever_the_content_type(app, make_message):
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", make_message("hello", {"name": "Ada"}),
                      headers={"Content-Type": "text/plain"})
    assert reply.status == 200


@pytest.mark.parametrize(
    ("path", "kind", "name", "event"),
    [
        ("/api/v1/actions/hello/test", "action", "hello", "action_event"),
        ("/triggers/greet/test", "trigger", "greet", "trigger_event"),
    ],
    ids=["action", "trigger-legacy"],
)
def test_a_component_test_runs_the_connection_test(app, make_message, path, kind, name, event):
    reply = wsgi_call(app, "POST", path, make_message(name, {"name": "Ada"}, kind=kind))
    assert reply.status == 200
    assert (reply.json()["type"], reply.json()["body"]["output"]) == (event, {"success": True})


def test_the_connection_test_answers_its_output(app, hello_connection):
    reply = wsgi_call(app, "POST", "/api/v1/connection/test", connection_test_message(hello_connection))
    assert reply.status == 200
    assert reply.json()["type"] == "connection_test"
    assert reply.json()["body"]["output"] == {"success": True}


def test_a_connection_test_returning_null_answers_204_without_a_body(app, hello_connection):
    hello_connection["api_key"]["secretKey"] = "none"
    reply = wsgi_call(app, "POST", "/api/v1/connection/test", connection_test_message(hello_connection))
    assert (reply.status, reply.body) == (204, b"")
    assert "content-length" not in reply.headers


def test_a_rejected_connection_answers_400_with_the_exception(app, hello_connection):
    hello_connection["api_key"]["secretKey"] = "bad"
    reply = wsgi_call(app, "POST", "/api/v1/connection/test", connection_test_message(hello_connection))
    assert reply.status == 400
    assert reply.json()["body"]["exception"] == {
        "cause": "The API key was rejected.", "assistance": "Check the API key in the connection.",
        "data": "401 from server",
    }


def test_the_task_aware_connection_test_is_a_clear_501(app, hello_connection):
    reply = wsgi_call(app, "POST", "/api/v1/connection/test_task", connection_test_message(hello_connection))
    assert reply.status == 501
    assert reply.json()["type"] == "connection_test"
    assert reply.json()["body"]["error"] == (
        "This plugin has no tasks, so it has no task-aware connection test. "
        "Test the connection with POST /api/v1/connection/test instead."
    )


@pytest.mark.parametrize("path", ["/api/v1/tasks/nope", "/tasks/nope/test"], ids=["run", "test-legacy"])
def test_a_task_that_does_not_exist_is_a_clear_400(app, make_message, path):
    reply = wsgi_call(app, "POST", path, make_message("nope", kind="task"))
    assert reply.status == 400
    assert reply.json()["type"] == "task_event"
    assert reply.json()["body"]["error"] == "Unknown task 'nope'. This plugin has no tasks."


def test_an_unknown_action_is_400(app, make_message):
    reply = wsgi_call(app, "POST", "/api/v1/actions/nope", make_message("nope"))
    assert reply.status == 400
    assert reply.json()["body"]["exception"]["cause"] == "Unknown action 'nope'."


def test_the_body_must_name_the_action_of_the_path(app, make_message):
    reply = wsgi_call(app, "POST", "/api/v1/actions/fail", make_message("hello", {"name": "Ada"}))
    assert reply.status == 400
    body = reply.json()["body"]
    assert body["error"] == (
        "The path names action 'fail' but body.action is \"hello\". "
        "Post the message to /api/v1/actions/<body.action>, or set body.action to 'fail'."
    )
    assert body["meta"] == {"jobId": "j1"}


def test_a_body_without_the_component_name_is_a_mismatch(app, make_message):
    message = make_message("hello", {"name": "Ada"})
    del message["body"]["action"]
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", message)
    assert reply.status == 400
    cause = reply.json()["body"]["exception"]["cause"]
    assert cause == "The path names action 'hello' but body.action is missing."


def test_the_message_type_must_suit_the_route(app, make_message):
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", make_message("hello", kind="task"))
    assert reply.status == 400
    assert reply.json()["body"]["exception"]["cause"] == (
        "POST /api/v1/actions/hello takes messages of type 'action_start', not 'task_start'."
    )


def test_an_empty_object_gets_an_error_envelope(app):
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", {})
    envelope = reply.json()
    assert (reply.status, envelope["type"], envelope["body"]["status"]) == (400, "action_event", "error")
    assert envelope["body"]["exception"]["cause"] == "The message is an empty object."


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        ("", "The request body is empty."),
        ("{nope", "The request body is not valid JSON: Expecting property name enclosed in double quotes: "
                  "line 1 column 2 (char 1)."),
    ],
    ids=["empty", "not-json"],
)
def test_a_body_that_is_no_message_gets_an_error_envelope(app, body, cause):
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", body)
    assert reply.status == 400
    assert reply.json()["type"] == "action_event"
    assert reply.json()["body"]["exception"]["cause"] == cause


def test_a_message_that_is_not_an_object_is_400(app):
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", [1])
    assert reply.status == 400
    assert reply.json()["body"]["exception"]["cause"] == "The message must be a JSON object, got array."


def test_invalid_input_is_400(app, make_message):
    message = make_message("hello", {"name": "Ada", "times": "x"})
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", message)
    assert reply.status == 400
    assert reply.json()["body"]["exception"]["cause"] == "input.times: expected integer, got string."


def test_a_bad_connection_is_400(app, make_message, hello_connection):
    del hello_connection["greeting"]
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello",
                      make_message("hello", {"name": "Ada"}, connection=hello_connection))
    assert reply.status == 400
    assert reply.json()["body"]["exception"]["cause"] == "connection.greeting: required but missing."


@pytest.mark.parametrize("kind", ["input", "config", "not_found", "upstream", "transient"])
def test_every_error_raised_on_purpose_is_400_and_says_which(app, make_message, kind):
    reply = wsgi_call(app, "POST", "/api/v1/actions/fail", make_message("fail", {"kind": kind}))
    assert reply.status == 400
    assert reply.json()["body"]["exception"]["cause"] == f"Failing with {kind} as asked."


@pytest.mark.parametrize(
    ("name", "inp", "cause"),
    [
        ("fail", {"kind": "internal"}, "Failing with internal as asked."),
        ("fail", {"kind": "unexpected"},
         "Action 'fail' failed unexpectedly: ValueError: because I can second line"),
        ("bad_output", {"how": "wrong_type"}, "output.count: expected integer, got string."),
    ],
    ids=["internal", "crash", "bad-output"],
)
def test_plugin_defects_are_500_with_an_envelope(app, make_message, name, inp, cause):
    reply = wsgi_call(app, "POST", f"/api/v1/actions/{name}", make_message(name, inp))
    assert reply.status == 500
    assert reply.json()["body"]["status"] == "error"
    assert reply.json()["body"]["exception"]["cause"] == cause


def test_a_defect_of_the_server_is_a_500_envelope(app, make_message, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(app.plugin, "handle", broken)
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", make_message("hello", {"name": "Ada"}))
    assert reply.status == 500
    assert reply.json()["type"] == "action_event"
    assert reply.json()["body"]["exception"]["cause"] == (
        "The plugin server failed unexpectedly; its log has the details (look for this request's ID)."
    )


def test_after_shutdown_action_runs_get_503_but_tests_still_run(hello_plugin, make_message):
    app = make_app(hello_plugin, api_token="t0ken")[0]
    auth = {"Authorization": "Bearer t0ken"}
    accepted = wsgi_call(app, "POST", "/api/v1/admin/shutdown", headers=auth)
    assert accepted.json()["message"].startswith("Shutdown request accepted")
    message = make_message("hello", {"name": "Ada"})
    refused = wsgi_call(app, "POST", "/api/v1/actions/hello", message, headers=auth)
    assert refused.status == 503
    cause = refused.json()["body"]["exception"]["cause"]
    assert cause == "The plugin is shutting down and accepts no new action runs."
    tested = wsgi_call(app, "POST", "/api/v1/actions/hello/test", make_message("hello"), headers=auth)
    assert tested.status == 200


def test_warm_calls_reuse_the_connection_of_their_org(app, make_message):
    from icon_hello.connection.connection import Connection

    message = make_message("hello", {"name": "Ada"})
    before = Connection.connects
    for org in ("org-a", "org-a", "org-b", "org-a"):
        reply = wsgi_call(app, "POST", "/api/v1/actions/hello", message, headers={"X-IPIMS-ORGID": org})
        assert reply.status == 200
    assert Connection.connects - before == 2


@pytest.mark.parametrize("body", [b"[null, null]", b"7"], ids=["array", "number"])
def test_a_message_that_is_not_an_object_is_a_400_on_every_connection_route(app, body):
    """make fuzz found the task-aware route answering 500 to a JSON array."""
    for path in ("/api/v1/connection/test", "/api/v1/connection/test_task"):
        reply = wsgi_call(app, "POST", path, body)
        assert reply.status == 400, (path, reply.json())
        cause = reply.json()["body"]["exception"]["cause"]
        assert cause.startswith("The message must be a JSON object"), path


def test_the_task_aware_test_echoes_meta_only_when_it_is_an_object(app, hello_connection):
    message = connection_test_message(hello_connection)
    message["body"]["meta"] = [None, None]
    reply = wsgi_call(app, "POST", "/api/v1/connection/test_task", message)
    assert reply.status == 501
    assert reply.json()["body"]["meta"] == {}


def test_a_route_mismatch_does_not_echo_a_meta_that_is_not_an_object(app, make_message):
    message = make_message("hello")
    message["body"].update(action="", meta=3080161467878302)
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", message)
    assert reply.status == 400
    assert reply.json()["body"]["meta"] is None
