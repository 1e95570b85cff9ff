"""Triggers (events, dispatchers, state, stop flag) and tasks through Plugin.handle."""

from __future__ import annotations

import io
import json
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from actionkit.errors import TransientError
from actionkit.runtime import Plugin
from actionkit.triggers import HttpDispatcher, MemoryDispatcher

FIRST_LINE = "actionkit/Hello:1.2.3. Step name: greet\n"


def greet(make_message, inp=None, **body):
    return make_message("greet", {"name": "Ada", **(inp or {})}, kind="trigger", **body)


def test_each_send_dispatches_one_event_with_the_log_since_the_last(hello_plugin, make_message):
    events = MemoryDispatcher()
    result = hello_plugin.handle(greet(make_message), dispatcher=events)
    assert events.envelopes == [
        {"body": {"meta": {"jobId": "j1"}, "output": {"message": "Hello, Ada!"},
                  "log": FIRST_LINE + "Connected with greeting 'Hello, {}!'\nSending greeting 1\n"},
         "type": "trigger_event", "version": "v1"},
        {"body": {"meta": {"jobId": "j1"}, "output": {"message": "Hello, Ada!"},
                  "log": "Sending greeting 2\n"},
         "type": "trigger_event", "version": "v1"},
    ]
    assert result.envelope == {
        "body": {"log": "", "status": "ok", "meta": {"jobId": "j1"}, "output": {"sent": 2}},
        "version": "v1",
        "type": "trigger_event",
    }


def test_events_are_newline_delimited_on_the_stream(hello_plugin, make_message):
    stream = io.StringIO()
    hello_plugin.handle(greet(make_message, {"count": 3}), event_stream=stream)
    lines = stream.getvalue().split("\n")
    assert lines[-1] == "" and [json.loads(line)["body"]["output"] for line in lines[:-1]] == [
        {"message": "Hello, Ada!"}
    ] * 3


def test_an_invalid_event_stops_the_trigger(hello_plugin, make_message):
    events = MemoryDispatcher()
    result = hello_plugin.handle(greet(make_message, {"broken": True}), dispatcher=events)
    assert (events.envelopes, result.http_status, result.exit_code) == ([], 500, 1)
    assert result.envelope["body"]["exception"]["cause"] == "output.message: expected string, got integer."
    assert "Sending greeting 1\n" in result.envelope["body"]["log"]


def test_invalid_trigger_input_is_an_input_error(hello_plugin, make_message):
    message = make_message("greet", {"count": "x"}, kind="trigger")
    result = hello_plugin.handle(message, dispatcher=MemoryDispatcher())
    assert result.envelope["body"]["exception"]["cause"] == (
        "input.name: required but missing.\ninput.count: expected integer, got string."
    )


def test_events_are_masked(hello_plugin, make_message, canary):
    events = MemoryDispatcher()
    connection = {"greeting": "Hi {} " + canary, "api_key": {"secretKey": canary}}
    hello_plugin.handle(greet(make_message, connection=connection), dispatcher=events)
    assert canary not in json.dumps(events.envelopes)
    assert events.envelopes[0]["body"]["output"] == {"message": "Hi Ada ********"}


def test_state_persists_per_trigger_id(hello_plugin, make_message, tmp_path):
    message = greet(make_message, meta={"triggerId": "t-123"})
    hello_plugin.handle(message, dispatcher=MemoryDispatcher())
    hello_plugin.handle(message, dispatcher=MemoryDispatcher())
    assert json.loads((tmp_path / "cache" / "t-123.json").read_text()) == {"sent": 4}


def test_the_stop_flag_ends_the_loop_saves_state_and_is_removed(hello_plugin, make_message, tmp_path):
    flag = tmp_path / "terminate.flag"
    flag.write_text("")
    events = MemoryDispatcher()
    result = hello_plugin.handle(greet(make_message, meta={"triggerId": "t-9"}), dispatcher=events)
    assert (events.envelopes, result.ok, flag.exists()) == ([], True, False)
    assert json.loads((tmp_path / "cache" / "t-9.json").read_text()) == {}


def test_trigger_test_mode_uses_the_connection_test(hello_plugin, make_message):
    result = hello_plugin.handle(greet(make_message), test=True, dispatcher=MemoryDispatcher())
    envelope = result.envelope
    assert (envelope["type"], envelope["body"]["output"]) == ("trigger_event", {"success": True})


# -- the HTTP dispatcher ------------------------------------------------------------------------------


@pytest.fixture
def receiver():
    """A local dispatcher endpoint; ``answers`` is the list of status codes to give, in order."""
    received: list[dict] = []
    answers: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802  (the name http.server calls)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = answers.pop(0) if answers else 200
            if status == 200:
                received.append(json.loads(body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/events", received, answers
    server.shutdown()
    server.server_close()


def test_events_are_posted_to_the_dispatcher_url(hello_plugin, make_message, receiver):
    url, received, _ = receiver
    result = hello_plugin.handle(greet(make_message, dispatcher={"url": url, "webhook_url": ""}))
    assert result.ok and [event["body"]["output"] for event in received] == [{"message": "Hello, Ada!"}] * 2


def test_delivery_is_retried_in_order(receiver):
    url, received, answers = receiver
    answers.extend([503, 503])
    pauses: list[float] = []
    HttpDispatcher(url, sleep=pauses.append)({"n": 1})
    assert (received, pauses) == ([{"n": 1}], [1.0, 2.0])


def test_delivery_that_keeps_failing_raises_a_transient_error(receiver):
    url, _, answers = receiver
    answers.extend([503] * 3)
    expected = r"/events: could not deliver a trigger event: the dispatcher answered 503 Service Unavailable"
    with pytest.raises(TransientError, match=expected):
        HttpDispatcher(url, attempts=3, sleep=lambda _: None)({"n": 1})


def test_a_refusal_is_not_retried(receiver):
    url, _, answers = receiver
    answers.extend([400, 200])
    pauses: list[float] = []
    with pytest.raises(TransientError, match=r"the dispatcher answered 400 Bad Request\.$"):
        HttpDispatcher(url, sleep=pauses.append)({"n": 1})
    assert pauses == []


# -- tasks (the hello plugin has none: a small task plugin is written per test) -------------------------

TASKY_FILES = {
    "icon_tasky/__init__.py": "",
    "icon_tasky/manifest.py": """
        PLUGIN = {"name": "tasky", "title": "Tasky", "description": "d", "version": "0.1.0", "vendor": "acme",
                  "plugin_spec_version": "v2", "support": "community", "tags": [], "enable_cache": False}
        CONNECTION = False
        ACTIONS = {}
        TRIGGERS = {}
        TASKS = {"monitor": {"title": "Monitor", "description": "Poll"}}
    """,
    "icon_tasky/tasks/__init__.py": "",
    "icon_tasky/tasks/monitor/__init__.py": "",
    "icon_tasky/tasks/monitor/schema.py": """
        from actionkit.model import Model

        class Input(Model):
            SCHEMA = {"type": "object", "properties": {"mode": {"type": "string"}}, "definitions": {}}

        class Output(Model):
            SCHEMA = {"type": "array", "title": "Events", "items": {}, "required": ["events"],
                      "definitions": {}}
    """,
    "icon_tasky/tasks/monitor/task.py": """
        from actionkit import Task, UpstreamError

        class Monitor(Task):
            def run(self, inp, state, custom_config):
                self.logger.info("state=%s config=%s", state, custom_config)
                if inp.mode == "pair":
                    return [], state
                error = UpstreamError("The vendor said no.") if inp.mode == "error" else None
                return [{"e": 1}], {"cursor": "abc"}, True, 200, error
    """,
}


@pytest.fixture
def tasky(tmp_path, monkeypatch):
    for name, text in TASKY_FILES.items():
        path = tmp_path / "tasky" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(tmp_path / "tasky"))
    return Plugin.load("icon_tasky")


def task_message(mode=""):
    body = {"task": "monitor", "meta": {}, "input": {"mode": mode}, "state": {"cursor": "x"},
            "custom_config": {"lookback": "5d"}}
    return {"type": "task_start", "version": "v1", "body": body}


def test_task_event(tasky):
    result = tasky.handle(task_message())
    assert result.envelope == {
        "body": {"log": "acme/Tasky:0.1.0. Step name: monitor\n"
                        "state={'cursor': 'x'} config={'lookback': '5d'}\n",
                 "status": "ok", "meta": {}, "output": [{"e": 1}], "state": {"cursor": "abc"},
                 "has_more_pages": True, "status_code": 200},
        "version": "v1",
        "type": "task_event",
    }


def test_task_error_object_rides_along_an_ok_status(tasky):
    body = tasky.handle(task_message("error")).envelope["body"]
    assert (body["status"], body["exception"]["cause"]) == ("ok", "The vendor said no.")


def test_task_with_the_wrong_arity_is_a_clear_internal_error(tasky):
    result = tasky.handle(task_message("pair"))
    assert (result.http_status, result.envelope["body"]["exception"]["cause"]) == (
        500, "Task 'monitor' must return 5 values (output, state, has_more_pages, status_code, error); "
             "it returned 2 values."
    )


def test_connection_test_without_a_connection_is_501(tasky):
    result = tasky.handle({"type": "connection_test", "version": "v1", "body": {}})
    assert (result.http_status, result.envelope["body"]["exception"]["cause"]) == (
        501, "This plugin has no connection, so there is nothing to test."
    )
