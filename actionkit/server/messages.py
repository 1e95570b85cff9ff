"""The envelope routes: run or test a component, test the connection (reference §4.2, §4.3).

Every answer here is a full output envelope, whatever went wrong (the reference answers a body
of ``{}`` with ``400 {"error": "Empty input provided"}``, outside its own schema; we do not).
The checks of §4.2 run before the message reaches ``Plugin.handle``: the body is parsed as JSON
whatever the Content-Type, the message type must suit the route, and the component named in the
body must be the one in the path.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from actionkit.envelope import ENVELOPE_HELP, MESSAGE_TYPES, error_result, parse_json
from actionkit.errors import InputError, PluginError, TransientError
from actionkit.runtime import NoTestError
from actionkit.server.web import Request, Response, json_response
from actionkit.validate import json_type

if TYPE_CHECKING:
    from actionkit.server.wsgi import App

__all__ = ["serve_message", "START_TYPES", "EVENT_TYPES"]

# component kind (None: the connection) -> the message type a route takes, and the one it answers
START_TYPES = {
    "action": "action_start", "trigger": "trigger_start", "task": "task_start", None: "connection_test",
}
EVENT_TYPES = {kind: MESSAGE_TYPES[start][1] for kind, start in START_TYPES.items()}


def serve_message(app: App, request: Request, kind: str | None, name: str | None = None, *,
                  test: bool = False, task_aware: bool = False) -> Response:
    """Check the message posted to a component's route and hand it to ``Plugin.handle``."""
    out_type = EVENT_TYPES[kind]
    is_run = kind in ("action", "task") and not test
    if kind == "action" and is_run and app.state.shutdown_initiated:
        refusal = TransientError(
            "The plugin is shutting down and accepts no new action runs.",
            "Send the request to another instance of the plugin.",
        )
        return _envelope(error_result(refusal, out_type), status=503)
    raw = request.read_body(app.max_body_bytes)
    if not raw.strip():
        return _envelope(error_result(InputError("The request body is empty.", ENVELOPE_HELP), out_type))
    try:
        message = parse_json(raw, "The request body")
    except InputError as problem:
        return _envelope(error_result(problem, out_type))
    if message == {}:
        return _envelope(error_result(InputError("The message is an empty object.", ENVELOPE_HELP), out_type))
    if not isinstance(message, dict):  # make fuzz: an array posted to a task's route was a 500
        problem = InputError(f"The message must be a JSON object, got {json_type(message)}.", ENVELOPE_HELP)
        return _envelope(error_result(problem, out_type))
    try:
        _check_route(request, message, kind, name)
    except PluginError as error:
        body = message.get("body") if isinstance(message, dict) else None
        meta = body.get("meta", {}) if isinstance(body, dict) else None
        # Echoed only when it is what the envelope's schema allows (make fuzz found a number echoed).
        return _envelope(error_result(error, out_type, meta if isinstance(meta, dict) else None))
    if task_aware:
        return _no_task_aware_test(app, message)
    if kind == "task" and is_run and isinstance(message.get("body"), dict):
        message["body"]["custom_config"] = {}  # injected by the server; only cloud mode fills it
    track = is_run and app.track_work
    if track:
        app.state.begin_work()
    try:
        result = app.plugin.handle(
            message,
            test=test,
            debug=app.debug,
            org_id=request.header("X-IPIMS-ORGID"),
            log_mirror=app.step_log_mirror(request) if app.debug else None,
        )
    finally:
        if track:
            app.state.end_work()
    if result.http_status == 204:
        return Response(204)
    return _envelope(result)


def _check_route(request: Request, message: Any, kind: str | None, name: str | None) -> None:
    """The route must suit the message: its type, then the component it names (§4.2, check 3)."""
    if not isinstance(message, dict):
        return  # Plugin.handle explains what a message is
    expected = START_TYPES[kind]
    given = message.get("type")
    if isinstance(given, str) and given in MESSAGE_TYPES and given != expected:
        raise InputError(
            f"POST {request.full_path} takes messages of type '{expected}', not '{given}'.",
            f'Send "type": "{expected}", or post the message to the route of its type.',
        )
    body = message.get("body")
    if kind is None or not isinstance(body, dict):
        return
    named = body.get(kind)
    if named != name:
        found = "is missing" if named is None else f"is {json.dumps(named)}"
        raise InputError(
            f"The path names {kind} '{name}' but body.{kind} {found}.",
            f"Post the message to /api/v1/{kind}s/<body.{kind}>, or set body.{kind} to '{name}'.",
        )


def _no_task_aware_test(app: App, message: Any) -> Response:
    if not isinstance(message, dict):  # found by make fuzz: a JSON array here was a 500
        problem = InputError(f"The message must be a JSON object, got {json_type(message)}.", ENVELOPE_HELP)
        return _envelope(error_result(problem, EVENT_TYPES[None]))
    body = message.get("body") if isinstance(message.get("body"), dict) else {}
    tasks = app.plugin.names("task")
    cause = (
        "This plugin has no tasks, so it has no task-aware connection test."
        if not tasks else "actionkit connections define no task-aware test (test_task)."
    )
    error = NoTestError(cause, "Test the connection with POST /api/v1/connection/test instead.")
    meta = body.get("meta")  # echoed only when it is what the envelope's schema allows
    return _envelope(error_result(error, EVENT_TYPES[None], meta if isinstance(meta, dict) else {}))


def _envelope(result: Any, status: int | None = None) -> Response:
    return json_response(status or result.http_status, result.envelope)
