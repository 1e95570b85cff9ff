"""The route table of HTTP mode (reference §4.2) and the small admin routes.

Paths are written without the ``/api/v1`` prefix: every route answers with it and without it
(the legacy form). ``{name}`` matches one path segment.
"""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from actionkit.server import inspection
from actionkit.server.messages import EVENT_TYPES, serve_message
from actionkit.server.web import Request, Response, json_response

if TYPE_CHECKING:
    from actionkit.server.wsgi import App

__all__ = ["Route", "ROUTES", "match", "OPEN_PATHS"]

Handler = Callable[..., Response]
OPEN_PATHS = frozenset({"/status"})  # answered without the API token: load balancers probe it


class Route:
    """A path pattern and its handler per method; ``out_type`` marks an envelope route."""

    __slots__ = ("path", "pattern", "methods", "out_type", "refusal")

    def __init__(self, path: str, methods: dict[str, Handler], out_type: str | None = None,
                 refusal: str = ""):
        self.path = path
        self.pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$")
        self.methods = methods
        self.out_type = out_type
        self.refusal = refusal  # why a method is not allowed here, when that needs saying; {path}: the path

    def handler(self, method: str) -> Handler | None:
        if "*" in self.methods:
            return self.methods["*"]
        if method == "HEAD":
            method = "GET"
        return self.methods.get(method)

    @property
    def allowed(self) -> str:
        methods = list(self.methods)
        if "GET" in methods:
            methods.append("HEAD")
        return ", ".join(methods)


def match(path: str) -> tuple[Route | None, dict[str, str]]:
    for route in ROUTES:
        found = route.pattern.match(path)
        if found:
            return route, found.groupdict()
    return None, {}


# -- handlers ----------------------------------------------------------------------------------

def _run(kind: str, *, test: bool) -> Handler:
    def handler(app: App, request: Request, name: str) -> Response:
        return serve_message(app, request, kind, name, test=test)

    return handler


def _connection_test(app: App, request: Request) -> Response:
    return serve_message(app, request, None)


def _connection_test_task(app: App, request: Request) -> Response:
    return serve_message(app, request, None, task_aware=True)


def _connection_other(app: App, request: Request, other: str) -> Response:
    return json_response(404, {
        "error": "The connection routes are /api/v1/connection/test and /api/v1/connection/test_task.",
        "code": 404,
        "method": request.method,
        "name": "Not Found",
    })


def _status(app: App, request: Request) -> Response:
    if app.state.shutdown_initiated:  # a load balancer stops sending here before the process exits
        return json_response(503, {"status": "Shutting down"}, [("Retry-After", "5")])
    return json_response(200, {"status": "Ready"})


def _workers(app: App, request: Request) -> Response:
    return json_response(200, {"num_workers": app.state.workers()})


def _change_workers(step: int) -> Handler:
    def handler(app: App, request: Request) -> Response:
        refused = app.admin_refusal(request)
        if refused is not None:
            return refused
        state = app.state
        if state.master_pid <= 0:
            refusal = "Workers can be added or removed only when served by `http` (gunicorn)."
            return json_response(501, {"error": refusal})
        with state.admin_lock:  # one change at a time across workers, so each report is the truth
            current = state.target_workers
            target = current + step
            if not 1 <= target <= app.max_workers:
                why = (f"The server keeps at most {app.max_workers} workers (PLUGIN_MAX_WORKERS)."
                       if step > 0 else "The server keeps at least 1 worker.")
                return json_response(409, {"error": why, "num_workers": current})
            os.kill(state.master_pid, signal.SIGTTIN if step > 0 else signal.SIGTTOU)
            reached = state.wait_for_target(target, timeout=5.0)
        if not reached:
            return json_response(503, {"error": "The server did not confirm the change in time.",
                                       "num_workers": state.target_workers})
        return json_response(200, {"num_workers": target})

    return handler


def _shutdown(app: App, request: Request) -> Response:
    if app.cloud:
        return app.not_found(request)
    refused = app.admin_refusal(request)
    if refused is not None:
        return refused
    app.begin_shutdown()
    return json_response(200, {"message": "Shutdown request accepted: new action runs get 503, "
                                          "and the server stops once the runs in flight are done."})


def _admin_status(app: App, request: Request) -> Response:
    if not app.track_work:
        return app.not_found(request)
    state = app.state
    active = state.active_work()
    initiated = state.shutdown_initiated
    return json_response(200, {
        "active_work": active, "shutdown_initiated": initiated, "shutdown_safe": initiated and active == 0,
    })


def _routes() -> list[Route]:
    routes = [
        Route("/info", {"GET": inspection.info}),
        Route("/spec", {"GET": inspection.spec}),
        Route("/api", {"GET": inspection.api}),
        Route("/status", {"GET": _status}),
        Route("/workers", {"GET": _workers}),
        Route("/workers/add", {"POST": _change_workers(+1)}),
        Route("/workers/remove", {"POST": _change_workers(-1)}),
        Route("/admin/shutdown", {"POST": _shutdown}),
        Route("/admin/status", {"GET": _admin_status}),
        Route("/definitions/actions", {"GET": inspection.action_definitions}),
        Route("/connection", {"GET": inspection.connection_schema}),
        Route("/connection/test", {"POST": _connection_test}, EVENT_TYPES[None]),
        Route("/connection/test_task", {"POST": _connection_test_task}, EVENT_TYPES[None]),
        Route("/connection/{other}", {"*": _connection_other}),
    ]
    for kind in ("action", "trigger", "task"):
        plural = f"{kind}s"
        runs: dict[str, Any] = {"GET": inspection.detail(kind)}
        refusal = ""
        if kind == "trigger":
            refusal = ("Triggers start only through the CLI (`run` with a trigger_start message); "
                       "POST {path}/test tests one.")
        else:
            runs["POST"] = _run(kind, test=False)
        routes += [
            Route(f"/{plural}", {"GET": inspection.names(kind)}),
            Route(f"/{plural}/{{name}}", runs, EVENT_TYPES[kind], refusal),
            Route(f"/{plural}/{{name}}/test", {"POST": _run(kind, test=True)}, EVENT_TYPES[kind]),
        ]
    return routes


ROUTES = _routes()
