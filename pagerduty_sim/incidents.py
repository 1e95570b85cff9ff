"""Declarations and rendering of incidents, alerts and log entries (change events: ``change_events.py``).

Their life cycle is in ``lifecycle.py`` (state machine, log entries), ``incident_create.py`` and
``alerts.py`` (Events deduplication).
"""

from __future__ import annotations

from typing import Any

from .responders import render_request, render_responder
from .store import HTML_BASE, Resource, Store


def _summary(record: dict[str, Any]) -> str:
    return f"[#{record['incident_number']}] {record['title']}"


def log_ref(store: Store, entry_id: str | None) -> dict[str, Any] | None:
    """A reference to a log entry, with its web address under its incident as PagerDuty gives it."""
    out = store.ref("log_entries", entry_id)
    record = store.table("log_entries").get(entry_id or "")
    if out is not None and record is not None:
        out["html_url"] = _log_html(record)
    return out


def _log_html(record: dict[str, Any]) -> str:
    return f"{HTML_BASE}/incidents/{record['incident']}/log_entries/{record['id']}"


def _render_incident(
    store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    def full(plural: str, include: str, rid: str | None) -> dict[str, Any] | None:
        if include in includes and rid in store.table(plural):
            return store.render(plural, store.table(plural)[rid])
        return store.ref(plural, rid)

    def user(uid: str, include: str) -> dict[str, Any] | None:
        return full("users", "users" if "users" in includes else include, uid)

    def agent(ref: tuple[str, str] | None, include: str) -> dict[str, Any] | None:
        if ref is None:
            return None
        return user(ref[1], include) if ref[0] == "users" else full(ref[0], include, ref[1])

    alerts = [store.table("alerts")[a] for a in record["alerts"] if a in store.table("alerts")]
    triggered = sum(1 for a in alerts if a["status"] == "triggered")
    first = record["first_trigger_log_entry"]
    out.update(
        incident_number=record["incident_number"],
        title=record["title"],
        description=record["title"],
        created_at=record["created_at"],
        updated_at=record["updated_at"],
        status=record["status"],
        incident_key=record["incident_key"],
        service=full("services", "services", record["service"]),
        assignments=[
            {"at": a["at"], "assignee": user(a["assignee"], "assignees")} for a in record["assignments"]
        ],
        assigned_via=record["assigned_via"],
        last_status_change_at=record["last_status_change_at"],
        last_status_change_by=agent(record["last_status_change_by"], "agents"),
        resolved_at=record["resolved_at"],
        first_trigger_log_entry=(
            store.render("log_entries", store.table("log_entries")[first])
            if "first_trigger_log_entries" in includes and first in store.table("log_entries")
            else log_ref(store, first)
        ),
        alert_counts={"all": len(alerts), "triggered": triggered, "resolved": len(alerts) - triggered},
        is_mergeable=True,
        escalation_policy=full("escalation_policies", "escalation_policies", record["escalation_policy"]),
        teams=[full("teams", "teams", t) for t in record["teams"]],
        pending_actions=(
            [{"type": "unacknowledge", "at": record["snoozed_until"]}] if record.get("snoozed_until") else []
        ),
        acknowledgements=[
            {"at": a["at"], "acknowledger": agent(a["acknowledger"], "acknowledgers")}
            for a in record["acknowledgements"]
        ],
        alert_grouping=None,
        urgency=record["urgency"],
        priority=full("priorities", "priorities", record["priority"]),
        incident_type={"name": "incident_default"},
    )
    _render_extras(store, record, out, includes)


def _render_extras(
    store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    """The merge reason, responders, and the fields shown only on request (body, bridge)."""
    merged_into = record["resolve_reason"]
    out["resolve_reason"] = (
        {"type": "merge_resolve_reason", "incident": store.ref("incidents", merged_into)}
        if merged_into
        else None
    )
    out["incidents_responders"] = [render_responder(store, record, r) for r in record.get("responders", ())]
    out["responder_requests"] = [
        render_request(store, record, r) for r in record.get("responder_requests", ())
    ]
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
        first_trigger_log_entry=log_ref(store, record["first_trigger_log_entry"]),
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
    first = record["first_trigger_log_entry"]
    if "first_trigger_log_entries" in includes and first in store.table("log_entries"):
        out["first_trigger_log_entry"] = store.render("log_entries", store.table("log_entries")[first])


ALERTS = Resource(
    plural="alerts",
    singular="alert",
    fields=(),
    endpoints=frozenset(),
    summary=lambda r: r["title"],
    html_path="alerts",
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
        html_url=_log_html(record),
    )
    if record.get("note") is not None:
        out["note"] = record["note"]
    if record.get("assignees") is not None:
        out["assignees"] = [store.ref("users", u) for u in record["assignees"]]
    if record.get("changed_actions") is not None:
        out["changed_actions"] = record["changed_actions"]
    if record.get("changeset") is not None:
        out["changeset"] = record["changeset"]
    if "incidents" in includes and incident is not None:
        out["incident"] = store.render("incidents", incident)
    if "services" in includes and record["service"] in store.table("services"):
        out["service"] = store.render("services", store.table("services")[record["service"]])
    if "teams" in includes:
        teams = store.table("teams")
        out["teams"] = [
            store.render("teams", teams[t]) for t in (incident or {}).get("teams", []) if t in teams
        ]


LOG_ENTRIES = Resource(
    plural="log_entries",
    singular="log_entry",
    fields=(),
    id_length=14,
    id_first="R",
    endpoints=frozenset({"get"}),  # the listing is in incident_listing.py (since/until, is_overview)
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
