"""Declarations and rendering of incidents, alerts and log entries (change events: ``change_events.py``).

Their life cycle is in ``lifecycle.py`` (state machine, log entries), ``incident_create.py`` and
``alerts.py`` (Events deduplication).
"""

from __future__ import annotations

from typing import Any

from .store import Resource, Store


def _summary(record: dict[str, Any]) -> str:
    return f"[#{record['incident_number']}] {record['title']}"


def _render_incident(
    store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    def user(uid: str) -> dict[str, Any] | None:
        if ("assignees" in includes or "users" in includes) and uid in store.table("users"):
            return store.render("users", store.table("users")[uid])
        return store.ref("users", uid)

    def full(plural: str, include: str, rid: str | None) -> dict[str, Any] | None:
        if include in includes and rid in store.table(plural):
            return store.render(plural, store.table(plural)[rid])
        return store.ref(plural, rid)

    alerts = [store.table("alerts")[a] for a in record["alerts"] if a in store.table("alerts")]
    triggered = sum(1 for a in alerts if a["status"] == "triggered")
    changed_by = record["last_status_change_by"]
    out.update(
        incident_number=record["incident_number"],
        title=record["title"],
        description=record["title"],
        created_at=record["created_at"],
        updated_at=record["updated_at"],
        status=record["status"],
        incident_key=record["incident_key"],
        service=full("services", "services", record["service"]),
        assignments=[{"at": a["at"], "assignee": user(a["assignee"])} for a in record["assignments"]],
        assigned_via=record["assigned_via"],
        last_status_change_at=record["last_status_change_at"],
        last_status_change_by=store.ref(*changed_by) if changed_by else None,
        resolved_at=record["resolved_at"],
        first_trigger_log_entry=store.ref("log_entries", record["first_trigger_log_entry"]),
        alert_counts={"all": len(alerts), "triggered": triggered, "resolved": len(alerts) - triggered},
        is_mergeable=True,
        escalation_policy=full("escalation_policies", "escalation_policies", record["escalation_policy"]),
        teams=[full("teams", "teams", t) for t in record["teams"]],
        pending_actions=[],
        acknowledgements=[
            {"at": a["at"], "acknowledger": store.ref(*a["acknowledger"])} for a in record["acknowledgements"]
        ],
        alert_grouping=None,
        urgency=record["urgency"],
        priority=full("priorities", "priorities", record["priority"]),
        resolve_reason=record["resolve_reason"],
        incidents_responders=[],
        responder_requests=[],
        incident_type={"name": "incident_default"},
    )
    if "body" in includes:
        out["body"] = {"type": "incident_body", "details": record["details"]}
    if "conference_bridge" in includes:
        out["conference_bridge"] = record["conference_bridge"] or {}


INCIDENTS = Resource(
    plural="incidents",
    singular="incident",
    fields=(),
    endpoints=frozenset(),
    query_fields=("title",),
    includes={
        name: None
        for name in (
            "acknowledgers",
            "agents",
            "assignees",
            "conference_bridge",
            "escalation_policies",
            "first_trigger_log_entries",
            "priorities",
            "services",
            "teams",
            "users",
            "custom_fields",
            "body",
        )
    },
    summary=_summary,
    html_path="incidents",
    render=_render_incident,
)


def _render_alert(
    store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    out.update(
        created_at=record["created_at"],
        status=record["status"],
        alert_key=record["alert_key"],
        service=store.ref("services", record["service"]),
        incident=store.ref("incidents", record["incident"]),
        first_trigger_log_entry=store.ref("log_entries", record["first_trigger_log_entry"]),
        suppressed=False,
        severity=record["severity"],
        integration=store.ref("integrations", record["integration"]),
        body=record["body"],
        resolved_at=record["resolved_at"],
    )
    if "services" in includes and record["service"] in store.table("services"):
        out["service"] = store.render("services", store.table("services")[record["service"]])
    if "incidents" in includes and record["incident"] in store.table("incidents"):
        out["incident"] = store.render("incidents", store.table("incidents")[record["incident"]])


ALERTS = Resource(
    plural="alerts",
    singular="alert",
    fields=(),
    endpoints=frozenset(),
    summary=lambda r: r["title"],
    self_path=lambda r: f"/incidents/{r['incident']}/alerts/{r['id']}",
    includes={"services": None, "first_trigger_log_entries": None, "incidents": None},
    render=_render_alert,
)


def _render_log_entry(
    store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    incident = store.table("incidents").get(record["incident"])
    out.update(
        created_at=record["created_at"],
        channel=record["channel"],
        agent=store.ref(*record["agent"]) if record["agent"] else None,
        contexts=record.get("contexts") or [],
        service=store.ref("services", record["service"]),
        incident=store.ref("incidents", record["incident"]),
        teams=[store.ref("teams", t) for t in (incident or {}).get("teams", [])],
        event_details=record.get("event_details") or {},
    )
    if record.get("note") is not None:
        out["note"] = record["note"]
    if record.get("assignees") is not None:
        out["assignees"] = [store.ref("users", u) for u in record["assignees"]]
    if "incidents" in includes and incident is not None:
        out["incident"] = store.render("incidents", incident)
    if "services" in includes and record["service"] in store.table("services"):
        out["service"] = store.render("services", store.table("services")[record["service"]])


LOG_ENTRIES = Resource(
    plural="log_entries",
    singular="log_entry",
    fields=(),
    id_length=14,
    id_first="R",
    endpoints=frozenset({"list", "get"}),
    filters={
        "team_ids[]": lambda store, r, values: bool(
            set(store.table("incidents").get(r["incident"], {}).get("teams", ())) & set(values)
        )
    },
    includes={"incidents": None, "services": None, "channels": None, "teams": None},
    summary=lambda r: r["summary"],
    html_path=None,
    render=_render_log_entry,
)
