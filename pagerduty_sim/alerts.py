"""Alerts from Events: deduplication and the incidents they open or move (pagerduty-api.md §9.3).

A trigger whose ``dedup_key`` matches an open alert of the service adds to that alert; otherwise
a new alert opens, on the open incident with that key if there is one, else on a new incident
(no grouping). Acknowledge and resolve act on the open alert with the key, and are dropped when
there is none. Open alert keys are indexed per service.
"""

from __future__ import annotations

from typing import Any

from .incident_create import new_incident
from .lifecycle import OPEN, close_alert, set_status
from .service_rules import grouping_incident, service_urgency
from .store import Store


def trigger_alert(
    store: Store,
    integration: dict[str, Any],
    dedup_key: str,
    title: str,
    severity: str,
    details: dict[str, Any],
) -> None:
    """An Events trigger: add to the open alert with this key, else open a new alert and incident."""
    service = store.table("services")[integration["service"]]
    if service["status"] == "disabled":
        return
    open_alerts = store.index("open_alerts")
    existing = open_alerts.get((service["id"], dedup_key))
    if existing is not None:
        store.table("alerts")[existing]["event_count"] += 1
        return
    agent = ("services", integration["service"])
    channel = {"type": "api", "summary": title, "details": details.get("custom_details") or {}}
    holder = store.index("open_incident_keys").get((service["id"], dedup_key))
    if holder is not None:
        incident = store.table("incidents")[holder]
    elif (grouped := grouping_incident(store, service, details)) is not None:
        incident = grouped
    else:
        urgency = service_urgency(store, service, severity)
        incident = new_incident(
            store,
            title=title,
            service=service,
            agent=agent,
            channel=channel,
            urgency=urgency,
            incident_key=dedup_key,
        )
    new_alert(store, incident, integration, dedup_key, title, severity, details)


def new_alert(
    store: Store,
    incident: dict[str, Any],
    integration: dict[str, Any] | None,
    dedup_key: str,
    title: str,
    severity: str,
    details: dict[str, Any],
    status: str = "triggered",
) -> dict[str, Any]:
    """Add an alert to ``incident``; a triggered one is indexed as its service's open ``dedup_key``."""
    alert = {
        "id": store.ids.resource_id(),
        "incident": incident["id"],
        "service": incident["service"] if integration is None else integration["service"],
        "integration": None if integration is None else integration["id"],
        "status": status,
        "alert_key": dedup_key,
        "title": title,
        "severity": severity,
        "created_at": store.now(),
        "resolved_at": None if status == "triggered" else store.now(),
        "first_trigger_log_entry": incident["first_trigger_log_entry"],
        "body": {
            "type": "alert_body",
            "contexts": details.get("contexts") or [],
            "details": details.get("custom_details") or {},
            "cef_details": details.get("cef_details") or {},
        },
        "event_count": 1,
    }
    store.table("alerts")[alert["id"]] = alert
    incident["alerts"] = [*incident["alerts"], alert["id"]]
    if status == "triggered":
        store.index("open_alerts").setdefault((alert["service"], dedup_key), alert["id"])
    return alert


def alert_action(store: Store, integration: dict[str, Any], dedup_key: str, action: str) -> None:
    """An Events acknowledge or resolve: moves the open alert's incident; dropped when none is open."""
    alert_id = store.index("open_alerts").get((integration["service"], dedup_key))
    if alert_id is None:
        return
    alert = store.table("alerts")[alert_id]
    incident = store.table("incidents")[alert["incident"]]
    agent = ("services", integration["service"])
    if action == "acknowledge":
        if incident["status"] == "triggered":
            set_status(store, incident, "acknowledged", agent)
        return
    close_alert(store, alert)
    alerts = store.table("alerts")
    if incident["status"] in OPEN and all(
        alerts[a]["status"] == "resolved" for a in incident["alerts"] if a in alerts
    ):
        set_status(store, incident, "resolved", agent)
