"""Events API v2 (alert and change events) and v1, with PagerDuty's validation and answers.

Validation and the routing-key check happen before the answer (202, or 200 for v1); the event
itself is processed by ``EventQueue``: at once by default, or after ``settings.events_delay``
seconds in a worker thread, as the real service is asynchronous. ``drain()`` processes whatever
is still pending. Deduplication follows pagerduty-api.md §9.3 (see ``incidents.trigger_alert``).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from . import alerts
from .change_events import record_change
from .clock import parse_time
from .services import takes_events
from .wire import Request, Response, Router

MAX_BODY = 512 * 1024
ACTIONS = ("trigger", "acknowledge", "resolve")
SEVERITIES = ("critical", "error", "warning", "info")
UNRECOGNIZED = {
    "status": "Unrecognized object",
    "message": "Event object format is unrecognized",
    "errors": ["JSON parse error"],
}


def _invalid(*errors: str, status: int = 400) -> Response:
    return Response.json(
        status, {"status": "invalid event", "message": "Event object is invalid", "errors": list(errors)}
    )


def _throttled(status: int) -> Response:
    return Response.json(
        status,
        {
            "status": "throttle event",
            "message": "Requests for this integration key are arriving too quickly. Please retry later.",
            "errors": ["Too many requests"],
        },
    )


def _parse(request: Request) -> tuple[dict[str, Any] | None, Response | None]:
    if len(request.body) > MAX_BODY:
        return None, _invalid("Event object is too large (maximum is 512 KB)")
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return None, Response.json(400, UNRECOGNIZED)
    if not isinstance(body, dict):
        return None, Response.json(400, UNRECOGNIZED)
    return body, None


def _key_errors(value: Any, name: str) -> list[str]:
    if not isinstance(value, str) or not value:
        return [f"'{name}' is missing or blank"]
    errors = []
    if len(value) != 32:
        errors.append(f"Length of '{name}' is incorrect (should be 32 characters)")
    if not value.isalnum() or not value.isascii():
        errors.append(f"'{name}' cannot contain non-alphanumeric characters.")
    return errors


def _context_errors(body: dict[str, Any]) -> list[str]:
    """``links`` need an ``href`` and ``images`` a ``src``."""
    errors = []
    for name, required in (("links", "href"), ("images", "src")):
        items = body.get(name)
        if items is None:
            continue
        if not isinstance(items, list) or not all(_has_text(i, required) for i in items):
            errors.append(f"'{name}' must be a list of objects, each with a '{required}'")
    return errors


def _has_text(item: Any, key: str) -> bool:
    return isinstance(item, dict) and isinstance(item.get(key), str)


def _integration(app: Any, key: str) -> dict[str, Any] | None:
    integration_id = app.store.routing_keys.get(key)
    return app.store.find("integrations", integration_id) if integration_id else None


def _text_error(payload: dict[str, Any], name: str, limit: int | None = None) -> list[str]:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip():
        return [f"'payload.{name}' is missing or blank"]
    if limit is not None and len(value) > limit:
        # "maiximum" is PagerDuty's own typo, kept so clients matching on it behave as live.
        return [f"'{name}' is too long (maiximum is {limit} characters)"]
    return []


def enqueue_v2(app: Any, request: Request) -> Response:
    body, failure = _parse(request)
    if failure is not None:
        return failure
    errors = _v2_errors(body)
    if errors:
        return _invalid(*errors)
    key, action, dedup_key = body["routing_key"], body["event_action"], body.get("dedup_key")
    with app.store.lock:
        if not dedup_key:
            dedup_key = app.ids.uuid_like()
        integration = _integration(app, key)
    accepted = Response.json(202, {"status": "success", "message": "Event processed", "dedup_key": dedup_key})
    if integration is None:
        return accepted if app.settings.unknown_routing_key_202 else _invalid("Invalid routing key")
    if not app.events_limiter.allow(key):
        return _throttled(429)
    app.queue.submit(_v2_work(body, key, action, dedup_key))
    return accepted


def _v2_errors(body: dict[str, Any]) -> list[str]:
    """Every reason ``body`` is not a valid v2 alert event, in the order PagerDuty lists them."""
    errors = _key_errors(body.get("routing_key"), "routing_key")
    action = body.get("event_action")
    if action not in ACTIONS:
        errors.append("'event_action' is invalid (must be one of: trigger acknowledge resolve)")
    dedup_key = body.get("dedup_key")
    if dedup_key is not None and not isinstance(dedup_key, str):
        errors.append("'dedup_key' must be a string")
    elif dedup_key is not None and len(dedup_key) > 255:
        errors.append("'dedup_key' is too long (maximum is 255 characters)")
    elif action in ("acknowledge", "resolve") and not dedup_key:
        errors.append("'dedup_key' is missing or blank (required for acknowledge and resolve)")
    if action == "trigger":
        errors += _payload_errors(body.get("payload"))
    return errors + _context_errors(body)


def _payload_errors(payload: Any) -> list[str]:
    """What is wrong with a trigger's ``payload``."""
    if not isinstance(payload, dict):
        return ["'payload' is missing or blank"]
    errors = _text_error(payload, "summary", 1024) + _text_error(payload, "source")
    if payload.get("severity") not in SEVERITIES:
        errors.append("'payload.severity' is invalid (must be one of: critical error warning info)")
    if payload.get("custom_details") is not None and not isinstance(payload["custom_details"], (dict, str)):
        errors.append("'payload.custom_details' must be an object")
    return errors


def _v2_work(body: dict[str, Any], key: str, action: str, dedup_key: str) -> Callable[[Any], None]:
    """The processing of an accepted v2 event, for ``EventQueue.submit``.

    A trigger's details are taken from ``body`` now, not when the queue gets to it.
    """
    if action != "trigger":
        return lambda store: _with(store, key, lambda i: alerts.alert_action(store, i, dedup_key, action))
    payload = body["payload"]
    details = _trigger_details(body, payload)
    title, severity = payload["summary"], payload["severity"]
    return lambda store: _with(
        store, key, lambda i: alerts.trigger_alert(store, i, dedup_key, title, severity, details)
    )


def _trigger_details(body: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """The alert's details: custom details, links and images as contexts, and the CEF fields."""
    return {
        "custom_details": payload.get("custom_details"),
        "contexts": [{"type": "link", **link} for link in body.get("links") or [] if isinstance(link, dict)]
        + [{"type": "image", **image} for image in body.get("images") or [] if isinstance(image, dict)],
        "cef_details": {
            k: payload.get(k)
            for k in ("summary", "source", "severity", "component", "group", "class", "timestamp")
        },
    }


def _with(store: Any, key: str, work: Callable[[dict[str, Any]], None], alerting: bool = True) -> None:
    """Run ``work`` with the integration behind ``key``, if it still exists when processing.

    Alert events (``alerting``) are dropped when the service is disabled or inside a maintenance
    window: PagerDuty accepts them (202) but they open, acknowledge and resolve nothing there.
    """
    integration_id = store.routing_keys.get(key)
    integration = store.find("integrations", integration_id) if integration_id else None
    if integration is None or (alerting and not takes_events(store, integration["service"])):
        return
    work(integration)


def enqueue_change(app: Any, request: Request) -> Response:
    body, failure = _parse(request)
    if failure is not None:
        return failure
    key = body.get("routing_key")
    errors = _key_errors(key, "routing_key")
    if isinstance(key, str) and key.startswith("R"):
        errors.append("Change events cannot be sent to a ruleset routing key")
    payload = body.get("payload")
    if not isinstance(payload, dict):
        errors.append("'payload' is missing or blank")
    else:
        errors += _text_error(payload, "summary", 1024)
        stamp = payload.get("timestamp")
        if stamp is not None and (not isinstance(stamp, str) or parse_time(stamp) is None):
            errors.append("'payload.timestamp' must be an ISO 8601 date-time string")
        if payload.get("custom_details") is not None and not isinstance(payload["custom_details"], dict):
            errors.append("'payload.custom_details' must be an object")
    errors += _context_errors(body)
    if errors:
        return _invalid(*errors)
    with app.store.lock:
        integration = _integration(app, key)
    accepted = Response.json(202, {"status": "success", "message": "Change event processed"})
    if integration is None:
        return accepted if app.settings.unknown_routing_key_202 else _invalid("Invalid routing key")
    if not app.events_limiter.allow(key):
        return _throttled(429)

    def record(store: Any) -> None:
        _with(store, key, lambda integration: record_change(store, integration, body), alerting=False)

    app.queue.submit(record)
    return accepted


def create_event_v1(app: Any, request: Request) -> Response:
    body, failure = _parse(request)
    if failure is not None:
        return failure
    errors = _key_errors(body.get("service_key"), "service_key")
    event_type = body.get("event_type")
    if event_type not in ACTIONS:
        errors.append("event_type is invalid (must be one of: trigger acknowledge resolve)")
    incident_key = body.get("incident_key")
    if incident_key is not None and (not isinstance(incident_key, str) or len(incident_key) > 255):
        errors.append("incident_key must be a string of at most 255 characters")
    elif event_type in ("acknowledge", "resolve") and not incident_key:
        errors.append("incident_key is required for acknowledge and resolve events")
    description = body.get("description")
    if event_type == "trigger":
        if not isinstance(description, str) or not description.strip():
            errors.append("Description is missing or blank")
        elif len(description) > 1024:
            errors.append("Description is too long (maximum is 1024 characters)")
    if body.get("details") is not None and not isinstance(body["details"], dict):
        errors.append("details must be an object")
    contexts = body.get("contexts")
    if contexts is not None and (
        not isinstance(contexts, list) or not all(isinstance(c, dict) for c in contexts)
    ):
        errors.append("contexts must be a list of objects")
    if errors:
        return _invalid(*errors)
    key = body["service_key"]
    with app.store.lock:
        if not incident_key:
            incident_key = app.ids.uuid_like().replace("-", "")
        integration = _integration(app, key)
    accepted = Response.json(
        200, {"status": "success", "message": "Event processed", "incident_key": incident_key}
    )
    if integration is None:
        return accepted if app.settings.unknown_routing_key_202 else _invalid("Service key is invalid")
    if not app.events_limiter.allow(key):
        return _throttled(403)
    if event_type == "trigger":
        details = {
            "custom_details": body.get("details"),
            "contexts": body.get("contexts") or [],
            "cef_details": {"description": description, "client": body.get("client")},
        }
        app.queue.submit(
            lambda store: _with(
                store,
                key,
                lambda i: alerts.trigger_alert(store, i, incident_key, description, "error", details),
            )
        )
    else:
        app.queue.submit(
            lambda store: _with(store, key, lambda i: alerts.alert_action(store, i, incident_key, event_type))
        )
    return accepted


class EventQueue:
    """Runs accepted events against the store, at once or after ``settings.events_delay``."""

    def __init__(self, app: Any):
        self.app = app
        self._pending: deque[tuple[float, Callable[[Any], None]]] = deque()
        self._cond = threading.Condition()
        self._worker: threading.Thread | None = None

    def submit(self, work: Callable[[Any], None]) -> None:
        delay = self.app.settings.events_delay
        if delay <= 0 and not self._pending:
            self._apply(work)
            return
        with self._cond:
            self._pending.append((time.monotonic() + delay, work))
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="pagerduty_sim-events", daemon=True)
                self._worker.start()
            self._cond.notify_all()

    def _apply(self, work: Callable[[Any], None]) -> None:
        with self.app.store.lock:
            try:
                work(self.app.store)
            finally:
                self.app.webhooks.collect()  # the event's changes are complete: queue their webhooks

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending:
                    if not self._cond.wait(timeout=5.0):
                        self._worker = None
                        return
                due, work = self._pending[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._cond.wait(timeout=wait)
                    continue
                self._pending.popleft()
                self._apply(work)
                self._cond.notify_all()

    def drain(self) -> None:
        """Process every pending event now, in order."""
        with self._cond:
            while self._pending:
                _, work = self._pending.popleft()
                self._apply(work)
            self._cond.notify_all()

    def pending(self) -> int:
        return len(self._pending)

    def clear(self) -> None:
        with self._cond:
            self._pending.clear()
            self._cond.notify_all()


def register(router: Router) -> None:
    router.add("POST", "/v2/enqueue", enqueue_v2, kind="events")
    router.add("POST", "/v2/change/enqueue", enqueue_change, kind="events")
    router.add("POST", "/generic/2010-04-15/create_event.json", create_event_v1, kind="events")
