"""The control API under ``/_sim/`` (a path PagerDuty never uses), for tests, demos and benchmarks.

GET /_sim/credentials, POST /_sim/reset, GET /_sim/state, GET|DELETE /_sim/requests,
GET|POST|DELETE /_sim/faults, GET|PUT /_sim/settings, POST /_sim/clock, POST /_sim/drain.
Control requests need no credentials, are never faulted, rate limited or logged.
"""

from __future__ import annotations

from typing import Any

from .clock import parse_time
from .errors import ApiError
from .faults import FAULT_FIELDS, make_fault
from .wire import Request, Response, Router


def _body(request: Request) -> dict[str, Any]:
    body = request.json()
    if not isinstance(body, dict):
        raise ApiError(400, 2001, None, ["The body must be a JSON object"])
    return body


def credentials(app: Any, request: Request) -> Response:
    return Response.json(200, app.credentials)


def reset(app: Any, request: Request) -> Response:
    app.reset()
    return Response.json(200, {"status": "reset", "seed": app.seed})


def state(app: Any, request: Request) -> Response:
    return Response.json(200, app.state())


def requests_log(app: Any, request: Request) -> Response:
    return Response.json(200, {"requests": app.requests()})


def clear_requests(app: Any, request: Request) -> Response:
    with app.log_lock:
        app.log.clear()
    return Response.empty(204)


def list_faults(app: Any, request: Request) -> Response:
    return Response.json(200, {"faults": app.faults.list()})


def add_fault(app: Any, request: Request) -> Response:
    body = _body(request)
    unknown = sorted(set(body) - FAULT_FIELDS)
    if unknown:
        raise ApiError(
            400, 2001, None, [f"Unknown fault field '{unknown[0]}'; known: {', '.join(sorted(FAULT_FIELDS))}"]
        )
    try:
        fault = app.faults.add(make_fault(**body))
    except (TypeError, ValueError) as exc:
        raise ApiError(400, 2001, None, [str(exc)]) from None
    return Response.json(201, {"fault": fault.as_dict()})


def clear_faults(app: Any, request: Request) -> Response:
    app.faults.clear()
    return Response.empty(204)


def get_settings(app: Any, request: Request) -> Response:
    return Response.json(200, {"settings": app.settings.as_dict()})


def put_settings(app: Any, request: Request) -> Response:
    try:
        app.settings.update(_body(request))
    except ValueError as exc:
        raise ApiError(400, 2001, None, [str(exc)]) from None
    return Response.json(200, {"settings": app.settings.as_dict()})


def clock(app: Any, request: Request) -> Response:
    """``{"advance": seconds}`` or ``{"now": "<ISO 8601>", "frozen": true}``."""
    body = _body(request)
    if "advance" in body:
        if not isinstance(body["advance"], (int, float)) or isinstance(body["advance"], bool):
            raise ApiError(400, 2001, None, ["advance must be a number of seconds"])
        app.clock.advance(body["advance"])
    elif "now" in body:
        when = parse_time(body["now"]) if isinstance(body["now"], str) else None
        if when is None:
            raise ApiError(400, 2001, None, ["now must be an ISO 8601 date-time"])
        app.clock.set(when, frozen=bool(body.get("frozen", True)))
    else:
        raise ApiError(400, 2001, None, ['Send {"advance": <seconds>} or {"now": "<ISO 8601>"}'])
    return Response.json(200, {"now": app.clock.iso()})


def drain(app: Any, request: Request) -> Response:
    app.queue.drain()
    return Response.json(200, {"pending": app.queue.pending()})


def register(router: Router) -> None:
    for method, path, handler in (
        ("GET", "/_sim/credentials", credentials),
        ("POST", "/_sim/reset", reset),
        ("GET", "/_sim/state", state),
        ("GET", "/_sim/requests", requests_log),
        ("DELETE", "/_sim/requests", clear_requests),
        ("GET", "/_sim/faults", list_faults),
        ("POST", "/_sim/faults", add_fault),
        ("DELETE", "/_sim/faults", clear_faults),
        ("GET", "/_sim/settings", get_settings),
        ("PUT", "/_sim/settings", put_settings),
        ("POST", "/_sim/clock", clock),
        ("POST", "/_sim/drain", drain),
    ):
        router.add(method, path, handler, kind="control")
