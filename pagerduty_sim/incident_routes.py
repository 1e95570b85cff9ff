"""REST routes of incidents and what hangs off them (pagerduty-api.md §8.7, §8.10).

This module holds get, create, update and bulk update, the incident types and custom fields
listings, and the registration of every incident route; listings are in ``incident_listing.py``,
merge and snooze in ``incident_merge.py``, notes and status updates in ``incident_notes.py``,
responder requests in ``responders.py``. Every handler first lets due snoozes end (``tick``).
"""

from __future__ import annotations

from typing import Any

from . import incident_create, incident_listing, incident_merge, incident_notes, responders
from .errors import ApiError, arguments_error, invalid, not_found
from .incident_update import update_from_rest
from .lifecycle import find_incident, tick
from .wire import Request, Response, Router

MAX_BATCH = 250
# The account's one incident type, as PagerDuty lists it for accounts without custom types.
BASE_TYPE = {
    "id": "PINCTYP",
    "type": "incident_type",
    "name": "incident_default",
    "display_name": "Base Incident",
    "description": "The default incident type",
    "enabled": True,
    "parent": None,
    "created_at": "2024-01-01T00:00:00Z",
    "updated_at": "2024-01-01T00:00:00Z",
}


def get_incident(app: Any, request: Request) -> Response:
    store = app.store
    tick(store)
    incident = find_incident(store, request.params["id"])
    includes = store.includes("incidents", request.query)
    return Response.json(200, {"incident": store.render("incidents", incident, includes)})


def create_incident(app: Any, request: Request) -> Response:
    tick(app.store)
    incident = incident_create.create_from_rest(app.store, request.json(), request.actor)
    return Response.json(201, {"incident": app.store.render("incidents", incident)})


def update_incident(app: Any, request: Request) -> Response:
    store = app.store
    tick(store)
    incident = find_incident(store, request.params["id"])
    body = request.json()
    if not isinstance(body, dict) or "incident" not in body:
        raise invalid('Incident can\'t be blank; send {"incident": {...}}')
    update_from_rest(store, incident, body["incident"], request.actor)
    return Response.json(200, {"incident": store.render("incidents", incident)})


def update_incidents(app: Any, request: Request) -> Response:
    """``PUT /incidents``: all items are checked before any is applied (all or nothing).

    PagerDuty answers a bad item with that item's error for the whole request; the simulator
    names the item's ID in the error details (the live wording is unverified), so a client can
    tell the others apart.
    """
    store = app.store
    tick(store)
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
    targets, seen = [], set()
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise invalid("Each incident needs an id")
        if item["id"] in seen:
            raise invalid(f"Incident {item['id']}: appears more than once; give each incident once")
        seen.add(item["id"])
        try:
            incident = find_incident(store, item["id"])
            update_from_rest(store, incident, item, request.actor, apply=False)
        except ApiError as exc:
            details = exc.errors if exc.errors else [exc.message]
            raise ApiError(
                exc.status, exc.code, exc.message, [f"Incident {item['id']}: {d}" for d in details]
            ) from None
        targets.append((incident, item))
    for incident, item in targets:
        update_from_rest(store, incident, item, request.actor)
    return Response.json(200, {"incidents": [store.render("incidents", i) for i, _ in targets]})


def incident_alert(app: Any, request: Request) -> Response:
    store = app.store
    tick(store)
    incident = find_incident(store, request.params["id"])
    alert = store.find("alerts", request.params["alert_id"])
    if alert is None or alert["incident"] != incident["id"]:
        raise not_found()
    includes = store.includes("alerts", request.query)
    return Response.json(200, {"alert": store.render("alerts", alert, includes)})


def incident_types(app: Any, request: Request) -> Response:
    """``GET /incidents/types``: the base type, which is always enabled."""
    wanted = request.query.one("filter", "enabled")
    if wanted not in ("enabled", "disabled", "all"):
        raise arguments_error("Filter must be one of: enabled, disabled, all")
    return Response.json(200, {"incident_types": [] if wanted == "disabled" else [dict(BASE_TYPE)]})


def incident_custom_fields(app: Any, request: Request) -> Response:
    """``GET /incidents/custom_fields``: the demo account defines none."""
    bad = [v for v in request.query.many("include") if v != "field_options"]
    if bad:
        raise invalid(f"Include '{bad[0]}' is not allowed here; allowed values: field_options.")
    return Response.json(200, {"fields": []})


def register(router: Router) -> None:
    listing, notes, merge = incident_listing, incident_notes, incident_merge
    write = {"from_required": True}
    router.add("GET", "/incidents", listing.list_incidents)
    router.add("POST", "/incidents", create_incident, operation="incidents_write", **write)
    router.add("PUT", "/incidents", update_incidents, operation="incidents_write", **write)
    router.add("GET", "/incidents/types", incident_types)
    router.add("GET", "/incidents/custom_fields", incident_custom_fields)
    router.add("GET", "/incidents/{id}", get_incident)
    router.add("PUT", "/incidents/{id}", update_incident, **write)
    router.add("PUT", "/incidents/{id}/merge", merge.merge_incidents, **write)
    router.add("POST", "/incidents/{id}/snooze", merge.snooze_incident, **write)
    router.add("GET", "/incidents/{id}/log_entries", listing.incident_log_entries)
    router.add("GET", "/incidents/{id}/alerts", listing.incident_alerts)
    router.add("GET", "/incidents/{id}/alerts/{alert_id}", incident_alert)
    router.add("GET", "/incidents/{id}/notes", notes.list_notes)
    router.add("POST", "/incidents/{id}/notes", notes.create_note, **write)
    router.add("POST", "/incidents/{id}/status_updates", notes.create_status_update, **write)
    router.add("POST", "/incidents/{id}/responder_requests", responders.create_responder_request)
    router.add("GET", "/log_entries", listing.list_log_entries)
