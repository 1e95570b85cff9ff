"""REST routes of incidents, their alerts, notes and log entries (pagerduty-api.md §8.7, §8.10)."""

from __future__ import annotations

from typing import Any

from . import incidents as lifecycle
from .errors import ApiError, invalid, not_found
from .wire import Request, Response, Router

MAX_BATCH = 250
MAX_NOTES = 2000


def list_incidents(app: Any, request: Request) -> Response:
    store = app.store
    includes = store.includes("incidents", request.query)
    page = store.page(request.query)
    records = lifecycle.select_incidents(store, request.query)
    return Response.json(
        200, store.paginate("incidents", records, page, lambda r: store.render("incidents", r, includes))
    )


def get_incident(app: Any, request: Request) -> Response:
    store = app.store
    incident = lifecycle.find_incident(store, request.params["id"])
    includes = store.includes("incidents", request.query)
    return Response.json(200, {"incident": store.render("incidents", incident, includes)})


def create_incident(app: Any, request: Request) -> Response:
    incident = lifecycle.create_from_rest(app.store, request.json(), request.actor)
    return Response.json(201, {"incident": app.store.render("incidents", incident)})


def update_incident(app: Any, request: Request) -> Response:
    store = app.store
    incident = lifecycle.find_incident(store, request.params["id"])
    body = request.json()
    if not isinstance(body, dict) or "incident" not in body:
        raise invalid('Incident can\'t be blank; send {"incident": {...}}')
    lifecycle.update_from_rest(store, incident, body["incident"], request.actor)
    return Response.json(200, {"incident": store.render("incidents", incident)})


def update_incidents(app: Any, request: Request) -> Response:
    """``PUT /incidents``: all items are checked before any is applied (all or nothing)."""
    store = app.store
    body = request.json()
    items = body.get("incidents") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise invalid(
            'Incidents can\'t be blank; send {"incidents": [{"id": ..., "type": "incident_reference", ...}]}'
        )
    if len(items) > MAX_BATCH:
        raise ApiError(
            413, 2001, "Request Entity Too Large", [f"At most {MAX_BATCH} incidents may be updated at once"]
        )
    targets = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise invalid("Each incident needs an id")
        incident = lifecycle.find_incident(store, item["id"])
        lifecycle.update_from_rest(store, incident, item, request.actor, apply=False)
        targets.append((incident, item))
    for incident, item in targets:
        lifecycle.update_from_rest(store, incident, item, request.actor)
    return Response.json(200, {"incidents": [store.render("incidents", i) for i, _ in targets]})


def incident_log_entries(app: Any, request: Request) -> Response:
    store = app.store
    incident = lifecycle.find_incident(store, request.params["id"])
    includes = store.includes("log_entries", request.query)
    page = store.page(request.query)
    records = [r for r in store.table("log_entries").values() if r["incident"] == incident["id"]]
    if request.query.boolean("is_overview"):
        records = [r for r in records if r["type"] not in ("notify_log_entry",)]
    return Response.json(
        200, store.paginate("log_entries", records, page, lambda r: store.render("log_entries", r, includes))
    )


def incident_alerts(app: Any, request: Request) -> Response:
    store = app.store
    incident = lifecycle.find_incident(store, request.params["id"])
    includes = store.includes("alerts", request.query)
    page = store.page(request.query)
    alerts = store.table("alerts")
    records = [alerts[a] for a in incident["alerts"] if a in alerts]
    statuses = request.query.many("statuses")
    if statuses:
        records = [r for r in records if r["status"] in statuses]
    key = request.query.one("alert_key")
    if key is not None:
        records = [r for r in records if r["alert_key"] == key]
    return Response.json(
        200, store.paginate("alerts", records, page, lambda r: store.render("alerts", r, includes))
    )


def incident_alert(app: Any, request: Request) -> Response:
    store = app.store
    incident = lifecycle.find_incident(store, request.params["id"])
    alert = store.find("alerts", request.params["alert_id"])
    if alert is None or alert["incident"] != incident["id"]:
        raise not_found()
    return Response.json(200, {"alert": store.render("alerts", alert)})


def list_notes(app: Any, request: Request) -> Response:
    store = app.store
    incident = lifecycle.find_incident(store, request.params["id"])
    return Response.json(200, {"notes": [_note(store, n) for n in incident.get("notes", [])]})


def create_note(app: Any, request: Request) -> Response:
    store = app.store
    incident = lifecycle.find_incident(store, request.params["id"])
    body = request.json()
    note = body.get("note") if isinstance(body, dict) else None
    content = note.get("content") if isinstance(note, dict) else None
    if not isinstance(content, str) or not content.strip():
        raise invalid("Content can't be blank")
    if len(content) > 25000:
        raise invalid("Content is too long (maximum is 25000 characters)")
    notes = incident.setdefault("notes", [])
    if len(notes) >= MAX_NOTES:
        raise invalid(f"An incident can have at most {MAX_NOTES} notes")
    now = store.now()
    record = {
        "id": store.ids.resource_id(),
        "user": request.actor,
        "content": content,
        "created_at": now,
        "updated_at": now,
    }
    incident["notes"] = [*notes, record]
    agent = ("users", request.actor)
    lifecycle.log(
        store,
        incident,
        "annotate",
        agent,
        f"Note added by {lifecycle.agent_name(store, agent)}.",
        {"type": "note", "summary": content},
        note=content,
    )
    return Response.json(200, {"note": _note(store, record)})


def _note(store: Any, note: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": note["id"],
        "user": store.ref("users", note["user"]),
        "channel": {"summary": "The PagerDuty website or APIs"},
        "content": note["content"],
        "created_at": note["created_at"],
        "updated_at": note["updated_at"],
    }


def register(router: Router) -> None:
    router.add("GET", "/incidents", list_incidents)
    router.add("POST", "/incidents", create_incident, from_required=True, operation="incidents_write")
    router.add("PUT", "/incidents", update_incidents, from_required=True, operation="incidents_write")
    router.add("GET", "/incidents/{id}", get_incident)
    router.add("PUT", "/incidents/{id}", update_incident, from_required=True)
    router.add("GET", "/incidents/{id}/log_entries", incident_log_entries)
    router.add("GET", "/incidents/{id}/alerts", incident_alerts)
    router.add("GET", "/incidents/{id}/alerts/{alert_id}", incident_alert)
    router.add("GET", "/incidents/{id}/notes", list_notes)
    router.add("POST", "/incidents/{id}/notes", create_note, from_required=True)
