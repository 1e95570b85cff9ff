"""Webhook subscriptions v3 (pagerduty-api.md §8.13, §15.8); delivery is in ``webhook_delivery.py``.

A subscription names a URL (``delivery_method``), the event types it wants (``events``) and a
``filter`` (the account, one service or one team). Its signing secret is generated on creation
and shown in that response only: every later answer has ``secret: null``, and custom header
values read ``-- redacted --``. Create answers **200**, not 201, as PagerDuty documents.

Choices where the live API is unverified (README): ``http://`` URLs are accepted (loopback
delivery needs them); a PUT that changes the delivery URL is refused with 400 instead of being
ignored; ``oauth_client_id`` is stored and shown, but no token is fetched.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import arguments_error, invalid
from .store import Query, Resource, Store
from .wire import Request, Response, Router

INCIDENT_EVENTS = tuple(
    f"incident.{name}"
    for name in (
        "acknowledged",
        "annotated",
        "conference_bridge.updated",
        "custom_field_values.updated",
        "delegated",
        "escalated",
        "incident_type.changed",
        "priority_updated",
        "reassigned",
        "reopened",
        "resolved",
        "responder.added",
        "responder.replied",
        "role.assigned",
        "service_updated",
        "status_update_published",
        "task.completed",
        "task.created",
        "task.updated",
        "triggered",
        "unacknowledged",
        "action_invocation.created",
        "action_invocation.terminated",
        "action_invocation.updated",
        "workflow.started",
        "workflow.completed",
    )
)
SERVICE_EVENTS = (
    "service.created",
    "service.deleted",
    "service.updated",
    "service.custom_field_values.updated",
)
EVENT_TYPES = INCIDENT_EVENTS + SERVICE_EVENTS
FILTER_TYPES = {"account_reference": None, "service_reference": "services", "team_reference": "teams"}
REDACTED = "-- redacted --"
URL_RE = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
DEMO_ID = "PWHDEMO"  # the demo subscription's fixed ID (no draw from the seeded ID stream)
DEMO_SECRET = "demo-secret-never-used-the-demo-url-is-not-loopback"


def _render(store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]) -> None:
    # PagerDuty's subscription object has no summary, self or html_url.
    for name in ("summary", "self", "html_url"):
        out.pop(name, None)
    flt: dict[str, Any] = {"type": record["filter_type"]}
    if record["filter_id"] is not None:
        flt["id"] = record["filter_id"]
    if record["description"] is not None:  # the documents type it as a string, never null
        out["description"] = record["description"]
    out.update(
        active=record["active"],
        events=list(record["events"]),
        filter=flt,
        delivery_method={
            "id": record["delivery_id"],
            "type": "http_delivery_method",
            "url": record["url"],
            "custom_headers": [{"name": h["name"], "value": REDACTED} for h in record["custom_headers"]],
            "secret": None,
            "temporarily_disabled": record["temporarily_disabled"],
        },
    )
    if record["oauth_client_id"]:
        out["oauth_client"] = {
            "id": record["oauth_client_id"],
            "type": "oauth_client_reference",
            "summary": "OAuth client",
        }


WEBHOOK_SUBSCRIPTIONS = Resource(
    plural="webhook_subscriptions",
    singular="webhook_subscription",
    fields=(),
    endpoints=frozenset({"get", "delete"}),
    summary=lambda r: r.get("description") or r["url"],
    sort_key=lambda r: r["id"],
    render=_render,
)


# -- validation -----------------------------------------------------------------------------------


def _events(raw: Any, errors: list[str]) -> list[str]:
    if not isinstance(raw, list) or not raw:
        errors.append("Events can't be blank; give at least one event type such as incident.triggered")
        return []
    unknown = [e for e in raw if e not in EVENT_TYPES]
    if unknown:
        errors.append(f"Events contains an unknown event type: {unknown[0]!r}")
    if len(set(map(str, raw))) != len(raw):
        errors.append("Events must not repeat an event type")
    return list(raw)


def _filter(store: Store, raw: Any, errors: list[str]) -> tuple[str, str | None]:
    if not isinstance(raw, dict) or raw.get("type") not in FILTER_TYPES:
        errors.append(f"Filter type must be one of: {', '.join(FILTER_TYPES)}")
        return "", None
    kind, plural = raw["type"], FILTER_TYPES[raw["type"]]
    if plural is None:
        return kind, None
    ident = raw.get("id")
    if not isinstance(ident, str) or not ident:
        errors.append(f"Filter id can't be blank for a {kind} filter")
    elif ident not in store.table(plural):
        errors.append(f"Filter id {ident} is not a {plural[:-1]} of this account")
    return kind, ident if isinstance(ident, str) else None


def _headers(raw: Any, errors: list[str]) -> list[dict[str, str]]:
    if raw is None:
        return []
    ok = isinstance(raw, list) and all(
        isinstance(h, dict)
        and isinstance(h.get("name"), str)
        and h["name"]
        and isinstance(h.get("value"), str)
        for h in raw
    )
    if not ok:
        errors.append("Custom headers must be a list of {name, value} strings")
        return []
    return [{"name": h["name"], "value": h["value"]} for h in raw]


def _common(store: Store, data: dict[str, Any], values: dict[str, Any], errors: list[str]) -> None:
    """The fields a create and an update share: events, filter, description, active, oauth client."""
    if "events" in data:
        values["events"] = _events(data["events"], errors)
    if "filter" in data:
        values["filter_type"], values["filter_id"] = _filter(store, data["filter"], errors)
    if data.get("description") is not None:
        if not isinstance(data["description"], str):
            errors.append("Description must be a string")
        values["description"] = data["description"]
    if "active" in data:
        if not isinstance(data["active"], bool):
            errors.append("Active must be a boolean")
        values["active"] = data["active"]
    if "oauth_client_id" in data:
        if data["oauth_client_id"] is not None and not isinstance(data["oauth_client_id"], str):
            errors.append("Oauth client id must be a string")
        values["oauth_client_id"] = data["oauth_client_id"] or None


def _body(request: Request) -> dict[str, Any]:
    body = request.json()
    data = body.get("webhook_subscription") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise invalid('Webhook subscription can\'t be blank; send {"webhook_subscription": {...}}')
    if data.get("type") not in (None, "webhook_subscription"):
        raise invalid("Type must be webhook_subscription")
    return data


# -- routes ---------------------------------------------------------------------------------------


def list_subscriptions(app: Any, request: Request) -> Response:
    """``GET /webhook_subscriptions``: ``filter_type`` and ``filter_id`` select by filter."""
    store, query = app.store, request.query
    kind, ident = query.one("filter_type"), query.one("filter_id")
    if kind is not None and kind not in ("account", "service", "team"):
        raise arguments_error("Filter type must be one of: account, service, team")
    if kind in ("service", "team") and not ident:
        raise arguments_error(f"Filter id is required when filter_type is {kind}")
    page = store.page(query)
    records = store.select("webhook_subscriptions", Query({}))
    if kind is not None:
        records = [r for r in records if r["filter_type"] == f"{kind}_reference"]
        if kind != "account":
            records = [r for r in records if r["filter_id"] == ident]
    render = lambda r: store.render("webhook_subscriptions", r)  # noqa: E731
    return Response.json(200, store.paginate("webhook_subscriptions", records, page, render))


def create_subscription(app: Any, request: Request) -> Response:
    store = app.store
    data = _body(request)
    errors: list[str] = []
    method = data.get("delivery_method")
    url, headers = None, []
    if not isinstance(method, dict):
        errors.append("Delivery method can't be blank; send {type: http_delivery_method, url}")
    else:
        if method.get("type", "http_delivery_method") != "http_delivery_method":
            errors.append("Delivery method type must be http_delivery_method")
        url = method.get("url")
        if not isinstance(url, str) or not URL_RE.match(url):
            errors.append("Delivery method url must be an http:// or https:// URL")
        headers = _headers(method.get("custom_headers"), errors)
    for name in ("events", "filter"):
        if name not in data:
            errors.append(f"{name.capitalize()} can't be blank")
    values: dict[str, Any] = {"description": None, "active": True, "oauth_client_id": None}
    _common(store, data, values, errors)
    if errors:
        raise invalid(*errors)
    secret = app.webhooks.new_secret()
    record = {
        "id": store.ids.resource_id(),
        **values,
        "url": url,
        "custom_headers": headers,
        "delivery_id": store.ids.resource_id(),
        "secrets": [secret],
        "temporarily_disabled": False,
        "consecutive_drops": 0,
    }
    store.table("webhook_subscriptions")[record["id"]] = record
    out = store.render("webhook_subscriptions", record)
    out["delivery_method"]["secret"] = secret  # shown here, and never again
    return Response.json(200, {"webhook_subscription": out})


def update_subscription(app: Any, request: Request) -> Response:
    store = app.store
    record = store.require("webhook_subscriptions", request.params["id"])
    data = _body(request)
    errors: list[str] = []
    method = data.get("delivery_method")
    if method is not None and (
        not isinstance(method, dict) or method.get("url", record["url"]) != record["url"]
    ):
        errors.append(
            "Delivery method cannot be changed; delete this subscription and create one with the new URL"
        )
    values: dict[str, Any] = {}
    _common(store, data, values, errors)
    if errors:
        raise invalid(*errors)
    record.update(values)
    return Response.json(200, {"webhook_subscription": store.render("webhook_subscriptions", record)})


def enable_subscription(app: Any, request: Request) -> Response:
    """Lift a temporary disable (after repeated dropped deliveries) and forget the drop count."""
    record = app.store.require("webhook_subscriptions", request.params["id"])
    record["temporarily_disabled"] = False
    record["consecutive_drops"] = 0
    return Response.json(200, {"webhook_subscription": app.store.render("webhook_subscriptions", record)})


def ping_subscription(app: Any, request: Request) -> Response:
    """Queue a ``pagey.ping`` to the subscription's URL; 202 with no body, as documented."""
    record = app.store.require("webhook_subscriptions", request.params["id"])
    app.webhooks.ping(record)
    return Response.empty(202)


def seed_demo(store: Store) -> None:
    """The demo account's subscription: Platform Gateway incidents to an outside URL (so never
    delivered: the simulator only delivers to loopback addresses)."""
    gateway = next(s for s in store.table("services").values() if s["name"] == "Platform Gateway")
    store.table("webhook_subscriptions")[DEMO_ID] = {
        "id": DEMO_ID,
        "active": True,
        "description": "Gateway incidents to the status page",
        "events": ["incident.triggered", "incident.acknowledged", "incident.resolved"],
        "filter_type": "service_reference",
        "filter_id": gateway["id"],
        "oauth_client_id": None,
        "url": "https://status.example.com/pagerduty",
        "custom_headers": [{"name": "X-Status-Page", "value": "gateway"}],
        "delivery_id": "PWHDLV1",
        "secrets": [DEMO_SECRET],
        "temporarily_disabled": False,
        "consecutive_drops": 0,
    }


def rotate_secret(app: Any, request: Request) -> Response:
    """Control: start a secret rotation (deliveries then carry two ``v1=`` signatures, old and new)
    and answer the new secret; ``{"finish": true}`` ends it, keeping only the newest secret."""
    with app.store.lock:
        record = app.store.require("webhook_subscriptions", request.params["id"])
        body = request.json() if request.body.strip() else {}
        if isinstance(body, dict) and body.get("finish"):
            record["secrets"] = record["secrets"][-1:]
        else:
            record["secrets"] = [record["secrets"][-1], app.webhooks.new_secret()]
        return Response.json(200, {"secret": record["secrets"][-1], "signatures": len(record["secrets"])})


def deliveries(app: Any, request: Request) -> Response:
    """Control: every delivery attempt (outcome, status, webhook and event IDs) and the queue size."""
    return Response.json(200, app.webhooks.snapshot())


def register(router: Router) -> None:
    router.add("GET", "/webhook_subscriptions", list_subscriptions)
    router.add("POST", "/webhook_subscriptions", create_subscription)
    router.add("PUT", "/webhook_subscriptions/{id}", update_subscription)
    router.add("POST", "/webhook_subscriptions/{id}/enable", enable_subscription)
    router.add("POST", "/webhook_subscriptions/{id}/ping", ping_subscription)
    router.add("GET", "/_sim/webhooks", deliveries, kind="control")
    router.add("POST", "/_sim/webhook_subscriptions/{id}/rotate", rotate_secret, kind="control")
