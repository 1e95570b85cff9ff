"""Change events (pagerduty-api.md §8.12, §10): recorded from ``/v2/change/enqueue``, read over REST.

``GET /change_events`` and ``GET /services/{id}/change_events`` list them newest first, with
``since``/``until`` (UTC only: PagerDuty answers 400 for other offsets), ``team_ids[]`` and
``integration_ids[]``. Change events never open incidents, so a disabled service or one in
maintenance still records them (a deploy recorded during its own maintenance window).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .clock import iso, parse_time
from .errors import arguments_error
from .store import Resource, Store
from .wire import Request, Response, Router


def _render(store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]) -> None:
    out.update(
        timestamp=record["timestamp"],
        source=record["source"],
        services=[store.ref("services", s) for s in record["services"]],
        integration=store.ref("integrations", record["integration"]),
        routing_key=record["routing_key"],
        links=record["links"],
        images=record["images"],
        custom_details=record["custom_details"],
    )


def _newest_first(record: dict[str, Any]) -> tuple[float, int]:
    return (-parse_time(record["timestamp"]).timestamp(), -record["sequence"])


CHANGE_EVENTS = Resource(
    plural="change_events",
    singular="change_event",
    fields=(),
    id_length=26,
    id_first="0",
    endpoints=frozenset({"get"}),
    filters={
        "team_ids[]": lambda store, r, values: any(
            set(store.table("services").get(s, {}).get("teams", ())) & set(values) for s in r["services"]
        ),
        "integration_ids[]": lambda store, r, values: r["integration"] in values,
    },
    summary=lambda r: r["summary"],
    html_path="change_events",
    sort_key=_newest_first,
    render=_render,
)


def record_change(store: Store, integration: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Store the change event ``body`` (already validated) sent through ``integration``."""
    payload = body["payload"]
    when = parse_time(payload["timestamp"]) if payload.get("timestamp") else None
    change = {
        "id": store.ids.resource_id(26, "0"),
        "sequence": store.next_number("change_events"),
        "summary": payload["summary"],
        "timestamp": iso(when) if when is not None else store.now(),
        "source": payload.get("source"),
        "services": [integration["service"]],
        "integration": integration["id"],
        "routing_key": body["routing_key"],
        "links": body.get("links") or [],
        "images": body.get("images") or [],
        "custom_details": payload.get("custom_details") or {},
    }
    store.table("change_events")[change["id"]] = change
    return change


def _bound(request: Request, name: str) -> datetime | None:
    raw = request.query.one(name)
    if not raw:
        return None
    when = parse_time(raw)
    if when is None or when.utcoffset().total_seconds() != 0:
        raise arguments_error(
            f"{name.capitalize()} must be a UTC ISO 8601 date-time such as 2024-05-01T20:00:00Z"
        )
    return when


def _listing(app: Any, request: Request, service_id: str | None) -> Response:
    store = app.store
    since, until = _bound(request, "since"), _bound(request, "until")
    page = store.page(request.query)
    records = []
    for record in store.select("change_events", request.query):
        when = parse_time(record["timestamp"])
        if service_id is not None and service_id not in record["services"]:
            continue
        if (since is None or when >= since) and (until is None or when < until):
            records.append(record)
    return Response.json(
        200, store.paginate("change_events", records, page, lambda r: store.render("change_events", r))
    )


def list_change_events(app: Any, request: Request) -> Response:
    return _listing(app, request, None)


def service_change_events(app: Any, request: Request) -> Response:
    app.store.require("services", request.params["id"])
    return _listing(app, request, request.params["id"])


def register(router: Router) -> None:
    router.add("GET", "/change_events", list_change_events)
    router.add("GET", "/services/{id}/change_events", service_change_events)
