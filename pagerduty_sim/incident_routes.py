"""REST routes of incidents, their alerts, notes and log entries (pagerduty-api.md §8.7, §8.10)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from . import incident_create, lifecycle
from .clock import iso, parse_time
from .errors import ApiError, invalid, not_found
from .lifecycle import OPEN, STATUSES
from .store import Store
from .wire import Request, Response, Router

MAX_BATCH = 250
MAX_NOTES = 2000


def list_incidents(app: Any, request: Request) -> Response:
    store = app.store
    includes = store.includes("incidents", request.query)
    page = store.page(request.query)
    records = select_incidents(store, request.query)
    return Response.json(
        200, store.paginate("incidents", records, page, lambda r: store.render("incidents", r, includes))
    )


def get_incident(app: Any, request: Request) -> Response:
    store = app.store
    incident = lifecycle.find_incident(store, request.params["id"])
    includes = store.includes("incidents", request.query)
    return Response.json(200, {"incident": store.render("incidents", incident, includes)})


def create_incident(app: Any, request: Request) -> Response:
    incident = incident_create.create_from_rest(app.store, request.json(), request.actor)
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


# -- listing (GET /incidents) ----------------------------------------------------------------------

SORTABLE = ("incident_number", "created_at", "resolved_at", "urgency")
MONTH = timedelta(days=30)
MAX_RANGE = timedelta(days=183)


def select_incidents(store: Store, query: Any) -> list[dict[str, Any]]:
    """``GET /incidents`` filtering: time window (§6.1), statuses, keys, services, teams, users."""
    statuses = query.many("statuses")
    for value in statuses:
        if value not in STATUSES:
            raise invalid(f"Statuses must be among: {', '.join(STATUSES)}")
    urgencies = query.many("urgencies")
    if any(u not in ("high", "low") for u in urgencies):
        raise invalid("Urgencies must be among: high, low")
    records = list(store.table("incidents").values())
    if query.one("date_range") != "all":
        since, until = _window(store, query.one("since"), query.one("until"))
        records = [r for r in records if since <= r["created_at"] <= until]
    if statuses:
        records = [r for r in records if r["status"] in statuses]
    key = query.one("incident_key")
    if key is not None:
        alerts = store.table("alerts")
        records = [
            r
            for r in records
            if r["incident_key"] == key
            or any(alerts[a]["alert_key"] == key for a in r["alerts"] if a in alerts)
        ]
    for name, field in (("service_ids", "service"), ("urgencies", "urgency")):
        values = query.many(name)
        if values:
            records = [r for r in records if r[field] in values]
    teams = query.many("team_ids")
    if teams:
        records = [r for r in records if set(r["teams"]) & set(teams)]
    users = query.many("user_ids")
    if users:
        records = [
            r
            for r in records
            if r["status"] in OPEN and any(a["assignee"] in users for a in r["assignments"])
        ]
    return _sort(records, query.one("sort_by"))


def _window(store: Store, since_raw: str | None, until_raw: str | None) -> tuple[str, str]:
    since = parse_time(since_raw) if since_raw else None
    until = parse_time(until_raw) if until_raw else None
    if since_raw and since is None:
        raise ApiError(400, 2004, "Invalid Input Provided", ["Since is not a valid date"])
    if until_raw and until is None:
        raise ApiError(400, 2004, "Invalid Input Provided", ["Until is not a valid date"])
    if since is None and until is None:
        until = store.clock.now()
        since = until - MONTH
    elif since is None:
        since = until - MONTH
    elif until is None:
        until = since + MONTH
    if until < since:
        raise ApiError(400, 2005, "Invalid Query Date Range", ["Until must be after since"])
    if until - since > MAX_RANGE:
        raise ApiError(400, 2005, "Invalid Query Date Range", ["The date range may not exceed 6 months"])
    return iso(since), iso(until)


def _sort(records: list[dict[str, Any]], sort_by: str | None) -> list[dict[str, Any]]:
    if not sort_by:
        return records
    parts = [p for p in sort_by.split(",") if p]
    if len(parts) > 2:
        raise invalid("Sort by accepts at most 2 fields")
    for part in reversed(parts):
        name, _, direction = part.partition(":")
        if name not in SORTABLE or direction not in ("", "asc", "desc"):
            raise invalid(
                f"Sort by must use fields among {', '.join(SORTABLE)} with an optional :asc or :desc"
            )
        records.sort(key=lambda r, n=name: (r[n] is None, r[n] or ""), reverse=direction == "desc")
    return records
