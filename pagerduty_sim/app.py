"""The request pipeline: faults, request log, routing, auth, rate limits, ``From``, handlers.

``App.handle(Request) -> Response`` is transport-neutral; ``server.py`` feeds it from HTTP.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import traceback
from collections import deque
from typing import Any

from . import auth, control, events, rest
from .change_events import CHANGE_EVENTS
from .clock import Clock, IdGenerator
from .errors import ApiError, status_error_body
from .extensions import EXTENSION_SCHEMAS, EXTENSIONS
from .faults import Fault, Faults
from .incidents import ALERTS, INCIDENTS, LOG_ENTRIES
from .maintenance import MAINTENANCE_WINDOWS
from .overrides import OVERRIDES
from .policies import ESCALATION_POLICIES
from .ratelimit import EventsLimiter, RateLimiter
from .resources import PRIORITIES, TEAMS, USERS
from .schedules import SCHEDULES
from .seed import load_seed
from .services import INTEGRATIONS, SERVICES
from .settings import Settings
from .store import Store
from .wire import Request, Response, Router

RESOURCES = [
    USERS,
    TEAMS,
    ESCALATION_POLICIES,
    SCHEDULES,
    OVERRIDES,
    SERVICES,
    INTEGRATIONS,
    PRIORITIES,
    INCIDENTS,
    ALERTS,
    LOG_ENTRIES,
    CHANGE_EVENTS,
    MAINTENANCE_WINDOWS,
    EXTENSION_SCHEMAS,
    EXTENSIONS,
]
NON_JSON_BODY = b"<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>"
SECRET_BODY_FIELDS = ("routing_key", "service_key")


def mask(value: str) -> str:
    """A secret as its last 4 characters, the only form the project ever shows."""
    return "*" + value[-4:] if len(value) >= 8 else "*"


class App:
    """One simulated PagerDuty account and everything that serves it."""

    def __init__(self, seed: str = "demo", settings: Settings | None = None, extra_resources: tuple = ()):
        """``extra_resources``: more ``Resource`` declarations to serve, each with its generic routes."""
        resources = [*RESOURCES, *extra_resources]
        self.seed = seed
        self.settings = settings or Settings()
        self.clock = Clock()
        self.ids = IdGenerator()
        self.store = Store(resources, self.settings, self.clock, self.ids)
        self.faults = Faults()
        self.limiter = RateLimiter(self.settings)
        self.events_limiter = EventsLimiter(self.settings)
        self.log: deque[dict[str, Any]] = deque(maxlen=self.settings.request_log_limit)
        self.log_lock = threading.Lock()
        self.queue = events.EventQueue(self)
        self.router = Router()
        rest.register(self.router, resources)
        events.register(self.router)
        control.register(self.router)
        self.credentials: dict[str, Any] = {}
        self.reset()

    # -- state ----------------------------------------------------------------------------------

    def reset(self) -> None:
        """Restore the seed: same IDs and keys as at start; clears faults, log, limits and queue."""
        self.queue.clear()
        with self.store.lock:
            self.store.clear()
            self.ids.reset()
            self.clock.reset()
            self.credentials = load_seed(self.store, self.seed)
        self.faults.clear()
        self.limiter.reset()
        self.events_limiter.reset()
        with self.log_lock:
            self.log = deque(maxlen=self.settings.request_log_limit)

    def state(self) -> dict[str, Any]:
        """Every table rendered as the API shows it, plus keys, routing keys and counters."""
        store = self.store
        with store.lock:
            tables = {
                plural: [store.render(plural, r) for r in table.values()]
                for plural, table in store.tables.items()
            }
            return {
                **tables,
                "api_keys": [{"key": k, **v} for k, v in store.api_keys.items()],
                "routing_keys": dict(store.routing_keys),
                "counters": dict(store.counters),
                "clock": self.clock.iso(),
                "pending_events": self.queue.pending(),
            }

    def requests(self) -> list[dict[str, Any]]:
        with self.log_lock:
            return list(self.log)

    # -- pipeline -------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        try:
            response = self._handle(request)
        except ApiError as exc:
            response = Response.error(exc)
        except Exception:  # noqa: BLE001 - a simulator bug must still answer PagerDuty's 500 envelope
            traceback.print_exc(file=sys.stderr)
            response = Response.json(500, {"error": {"message": "Internal Error", "code": 2000}})
        if not response.bare:
            response.stamp()
        return response

    def _handle(self, request: Request) -> Response:
        route, params = self.router.match(request.method, request.path)
        if route is not None and route.kind == "control":
            request.params = params
            return route.handler(self, request)
        self._record(request)
        fault = self.faults.take(request.method, request.path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop:
                response = Response.empty(500)
                response.drop = True
                return response
            if fault.status is not None:
                return self._faulted(fault, self._fault_response(fault))
        if route is None:
            raise ApiError(404, 2100, "Not Found")
        request.params = params
        if route.kind == "rest":
            response = self._rest(route, request)
        else:
            response = route.handler(self, request)
        return self._faulted(fault, response) if fault is not None else response

    def _rest(self, route: Any, request: Request) -> Response:
        store = self.store
        with store.lock:
            principal = auth.authenticate(store, request.header("authorization"))
        allowed, headers = self.limiter.check(principal.key, route.operation)
        if not allowed:
            if self.settings.bare_429:
                return Response.bare_status(429)
            return Response.json(429, {"error": {"message": "Rate Limit Exceeded", "code": 2020}}, headers)
        if request.method in ("POST", "PUT", "PATCH") and request.body.strip():
            content_type = (request.header("content-type") or "").lower()
            if not content_type.startswith("application/json"):
                error = ApiError(400, 2001, "Invalid Input Provided", ["params must be a Hash"])
                return Response.json(400, error.body(), headers)
        try:
            with store.lock:
                auth.check_role(store, principal, request.method)
                request.principal = principal
                request.actor = auth.acting_user(
                    store, principal, request.header("from"), route.from_required
                )
                response = route.handler(self, request)
        except ApiError as exc:
            response = Response.error(exc)
        response.headers.update(headers)
        return response

    def _fault_response(self, fault: Fault) -> Response:
        if fault.bare:
            return Response.bare_status(fault.status)
        headers = {}
        if fault.status == 429:
            headers = {
                "ratelimit-limit": str(self.settings.rate_limit),
                "ratelimit-remaining": "0",
                "ratelimit-reset": "1",
            }
        if isinstance(fault.body, str):
            return Response(
                fault.status, fault.body.encode(), {"Content-Type": "text/plain; charset=utf-8", **headers}
            )
        body = fault.body if fault.body is not None else status_error_body(fault.status)
        return Response.json(fault.status, body, headers)

    def _faulted(self, fault: Fault, response: Response) -> Response:
        if fault.non_json:
            response.body = NON_JSON_BODY
            response.headers["Content-Type"] = "text/html"
        if fault.truncate:
            response.truncate = True
        return response

    def _record(self, request: Request) -> None:
        headers = dict(request.headers)
        if "authorization" in headers:
            value = headers["authorization"]
            prefix = next((p for p in ("Token token=", "Bearer ") if value.startswith(p)), "")
            headers["authorization"] = prefix + mask(value[len(prefix) :])
        body: Any = None
        if request.body:
            try:
                body = json.loads(request.body)
            except (ValueError, UnicodeDecodeError):
                body = request.body.decode("utf-8", "replace")
            if isinstance(body, dict):
                body = {
                    k: mask(v) if k in SECRET_BODY_FIELDS and isinstance(v, str) else v
                    for k, v in body.items()
                }
        entry = {
            "method": request.method,
            "path": request.path,
            "query": dict(request.query.values),
            "headers": headers,
            "body": body,
            "at": self.clock.iso(),
        }
        with self.log_lock:
            self.log.append(entry)
        if self.settings.verbose:
            sys.stderr.write(f"pagerduty_sim: {request.method} {request.path}\n")
