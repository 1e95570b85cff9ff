"""Merge and snooze (pagerduty-api.md §8.7).

Merge, ``PUT /incidents/{id}/merge`` with an unwrapped ``{"source_incidents": [ref, ...]}``:
the target must be open; each source's alerts move to the target (a source without alerts, one
created by hand, becomes one alert there), then the source is resolved with a
``merge_resolve_reason``. A source merged before gives code 1019; a target would hold at most
1000 alerts. The answer is the target as a reference, as the OpenAPI documents it.

Snooze, ``POST /incidents/{id}/snooze`` with an unwrapped ``{"duration": seconds}``: only an
acknowledged incident (code 1012 otherwise); a duration outside 1..604800 gives code 1013. It
answers 201 with the incident; the incident returns to triggered when the duration ends.
"""

from __future__ import annotations

from typing import Any

from .alerts import new_alert
from .errors import ApiError, invalid
from .lifecycle import OPEN, agent_name, find_incident, set_status, snooze, sync_open, tick
from .store import Store
from .wire import Request, Response

MAX_ALERTS = 1000
MAX_SNOOZE = 604800  # seven days, the OpenAPI's maximum


def merge_incidents(app: Any, request: Request) -> Response:
    store = app.store
    tick(store)
    target = find_incident(store, request.params["id"])
    body = request.json()
    raw = body.get("source_incidents") if isinstance(body, dict) else None
    if not isinstance(raw, list) or not raw:
        raise invalid(
            "Source incidents can't be blank; send "
            '{"source_incidents": [{"id": ..., "type": "incident_reference"}]}'
        )
    sources = _sources(store, target, raw)
    if target["status"] not in OPEN:
        raise invalid(
            f"Incident #{target['incident_number']} is resolved: open incidents cannot be merged into a "
            "resolved incident; merge into an open one"
        )
    total = len(target["alerts"]) + sum(len(s["alerts"]) or 1 for s in sources)
    if total > MAX_ALERTS:
        raise invalid(
            f"An incident cannot have more than {MAX_ALERTS} alerts; this merge would give "
            f"#{target['incident_number']} {total}"
        )
    agent = ("users", request.actor)
    for source in sources:
        _merge_one(store, target, source, agent)
    target["updated_at"] = store.now()
    return Response.json(200, {"incident": store.ref("incidents", target["id"])})


def _sources(store: Store, target: dict[str, Any], raw: list[Any]) -> list[dict[str, Any]]:
    """The source incidents named in the body, checked; 400 naming every bad one."""
    errors, sources = [], []
    incidents = store.table("incidents")
    for item in raw:
        ident = item.get("id") if isinstance(item, dict) else None
        if not isinstance(ident, str):
            errors.append(
                'Each source incident must be a reference: {"id": ..., "type": "incident_reference"}'
            )
        elif ident not in incidents:
            errors.append(f"Source incident {ident} not found")
        elif ident == target["id"]:
            errors.append(f"Incident {ident} cannot be merged into itself")
        elif incidents[ident] not in sources:
            sources.append(incidents[ident])
    if errors:
        raise invalid(*errors)
    merged = [s for s in sources if s["resolve_reason"]]
    if merged:
        raise ApiError(
            400,
            1019,
            "Incident Already Merged",
            [f"Incident #{s['incident_number']} was already merged into another incident" for s in merged],
        )
    return sources


def _merge_one(store: Store, target: dict[str, Any], source: dict[str, Any], agent: tuple[str, str]) -> None:
    alerts = store.table("alerts")
    if not source["alerts"]:
        # A source created by hand has no alert: PagerDuty shows it on the target as one.
        status = "triggered" if source["status"] in OPEN else "resolved"
        severity = "critical" if source["urgency"] == "high" else "warning"
        key = source["incident_key"] or source["id"]
        alert = new_alert(store, source, None, key, source["title"], severity, {"custom_details": {}}, status)
        alert["created_at"] = source["created_at"]
    moved = [a for a in source["alerts"] if a in alerts]
    for alert_id in moved:
        alerts[alert_id]["incident"] = target["id"]
    target["alerts"] = [*target["alerts"], *moved]
    source["alerts"] = []
    if source["status"] in OPEN:
        summary = f"Resolved by {agent_name(store, agent)} by merging into #{target['incident_number']}."
        set_status(store, source, "resolved", agent, summary=summary)
    source["resolve_reason"] = target["id"]
    sync_open(store, source)


def snooze_incident(app: Any, request: Request) -> Response:
    store = app.store
    tick(store)
    incident = find_incident(store, request.params["id"])
    body = request.json()
    duration = body.get("duration") if isinstance(body, dict) else None
    if not isinstance(duration, int) or isinstance(duration, bool) or not 1 <= duration <= MAX_SNOOZE:
        raise ApiError(
            400,
            1013,
            "Snooze Duration is Invalid",
            [f"Duration must be a whole number of seconds from 1 to {MAX_SNOOZE} (7 days)"],
        )
    if incident["status"] != "acknowledged":
        raise ApiError(
            400,
            1012,
            "Incident is not Acknowledged",
            [f"Only an acknowledged incident can be snoozed; this one is {incident['status']}"],
        )
    snooze(store, incident, duration, request.actor)
    return Response.json(201, {"incident": store.render("incidents", incident)})
