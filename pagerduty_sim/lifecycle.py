"""The incident life cycle shared by REST and Events (pagerduty-api.md §8.7, §15.5).

State machine: triggered -> acknowledged -> resolved (the checks on a REST change are in
``incident_update.py``); a snoozed acknowledged incident returns to triggered when its time is up.
``incident_key`` is unique among the open incidents of a service. Every change writes a log
entry with its ``agent`` (a user, or the service for Events) and ``channel``.

Open incidents and open incident keys are indexed (``sync_open``) so that events and status
changes never scan the tables.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .clock import iso
from .errors import ApiError
from .schedules import on_call_at
from .store import Store

STATUSES = ("triggered", "acknowledged", "resolved")
OPEN = ("triggered", "acknowledged")
ActorRef = tuple[str, str]  # (plural, id) of a user, or of the service for Events


# -- indexes --------------------------------------------------------------------------------------


def sync_open(store: Store, incident: dict[str, Any]) -> None:
    """Bring the open-incident and open-key indexes in line with ``incident``'s status and service."""
    by_service = store.index("open_incidents_by_service")
    keys = store.index("open_incident_keys")
    old_service = incident.pop("_indexed_service", None)
    if old_service is not None:
        by_service.get(old_service, {}).pop(incident["id"], None)
    old_key = incident.pop("_indexed_key", None)
    if old_key is not None and keys.get(old_key) == incident["id"]:
        del keys[old_key]
    if incident["status"] in OPEN:
        by_service.setdefault(incident["service"], {})[incident["id"]] = incident["status"]
        incident["_indexed_service"] = incident["service"]
        if incident["incident_key"]:
            key = (incident["service"], incident["incident_key"])
            keys[key] = incident["id"]
            incident["_indexed_key"] = key


def find_incident(store: Store, ident: str) -> dict[str, Any]:
    """An incident by ID or by number, as ``GET /incidents/{id}`` accepts both."""
    incident = store.table("incidents").get(ident)
    if incident is None and ident.isdigit():
        incident = store.table("incidents").get(store.index("incident_numbers").get(int(ident), ""))
    if incident is None:
        raise ApiError(404, 2100, "Not Found")
    return incident


# -- log entries ----------------------------------------------------------------------------------


def log(
    store: Store,
    incident: dict[str, Any],
    kind: str,
    agent: ActorRef | None,
    summary: str,
    channel: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Append a ``<kind>_log_entry`` to ``incident``."""
    record = {
        "id": store.ids.resource_id(14, "R"),
        "type": f"{kind}_log_entry",
        "created_at": store.now(),
        "incident": incident["id"],
        "service": incident["service"],
        "agent": agent,
        "channel": channel or {"type": "api"},
        "summary": summary,
        **extra,
    }
    store.table("log_entries")[record["id"]] = record
    for listener in store.log_listeners:
        listener(record)
    return record


def agent_name(store: Store, agent: ActorRef | None) -> str:
    if agent is None:
        return "PagerDuty"
    record = store.find(*agent)
    return (record or {}).get("name") or agent[1]


# -- assignment -----------------------------------------------------------------------------------


def on_call(store: Store, schedule_id: str, when: datetime) -> str | None:
    """The user on call on ``schedule_id`` at ``when``: the last layer covering that time wins."""
    shift = on_call_shift(store, schedule_id, when)
    return shift[0] if shift else None


def on_call_shift(store: Store, schedule_id: str, when: datetime) -> tuple[str, datetime, datetime] | None:
    """``(user, start, end)`` of the final schedule at ``when``: layers, restrictions, overrides."""
    entry = on_call_at(store, schedule_id, when)
    return (entry.user, entry.start, entry.end) if entry else None


def policy_assignees(store: Store, policy_id: str | None, level: int = 1) -> list[str]:
    policy = store.find("escalation_policies", policy_id) if policy_id else None
    if not policy or not policy["escalation_rules"]:
        return []
    rule = policy["escalation_rules"][min(level, len(policy["escalation_rules"])) - 1]
    users: list[str] = []
    for plural, target in rule["targets"]:
        user = target if plural == "users" else on_call(store, target, store.clock.now())
        if user and user not in users:
            users.append(user)
    return users


def _assign(
    store: Store, incident: dict[str, Any], users: list[str], agent: ActorRef | None, via: str
) -> None:
    now = store.now()
    incident["assignments"] = [{"at": now, "assignee": u} for u in users]
    incident["assigned_via"] = via
    if users:
        names = ", ".join(agent_name(store, ("users", u)) for u in users)
        log(store, incident, "assign", agent, f"Assigned to {names}.", assignees=list(users))


# -- creation -------------------------------------------------------------------------------------


def _body_ref(
    store: Store, raw: Any, plural: str, label: str, errors: list[str], required: bool = False
) -> Any:
    if raw is None:
        if required:
            errors.append(f"{label} can't be blank")
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        errors.append(f"{label} must be a reference with an id")
        return None
    if raw["id"] not in store.table(plural):
        errors.append(f"{label} {raw['id']} not found")
        return None
    return raw["id"]


# -- status ---------------------------------------------------------------------------------------


def set_status(
    store: Store,
    incident: dict[str, Any],
    status: str,
    agent: ActorRef | None,
    resolution: str | None = None,
    reassign_to: str | None = None,
    channel: dict[str, Any] | None = None,
    reopen_to: list[str] | None = None,
    summary: str | None = None,
) -> None:
    """Move ``incident`` to ``status`` with its log entries; callers have checked the transition.

    ``reopen_to``: the assignees of a resolved incident reopened to triggered (else its policy's);
    ``summary`` replaces the wording of the status log entry.
    """
    if status == incident["status"] and status == "triggered":
        return
    now = store.now()
    _unsnooze(store, incident)
    if status == "acknowledged":
        _acknowledge(store, incident, agent, now, channel, summary, reassign_to)
    elif status == "triggered":
        _retrigger(store, incident, agent, channel, summary, reopen_to)
    else:
        _resolve(store, incident, agent, now, channel, summary, resolution)
    if status != "resolved":
        incident["resolved_at"] = None
    incident["last_status_change_at"] = now
    incident["last_status_change_by"] = agent
    incident["updated_at"] = now
    sync_open(store, incident)


def _acknowledge(
    store: Store,
    incident: dict[str, Any],
    agent: ActorRef | None,
    now: str,
    channel: dict[str, Any] | None,
    summary: str | None,
    reassign_to: str | None,
) -> None:
    """Acknowledge as ``agent`` (a resolved incident is reopened first), then reassign if asked."""
    name = agent_name(store, agent)
    if incident["status"] == "resolved":
        log(store, incident, "trigger", agent, f"Reopened by {name}.", channel)
    incident["status"] = "acknowledged"
    incident["acknowledgements"] = [*incident["acknowledgements"], {"at": now, "acknowledger": agent}]
    log(store, incident, "acknowledge", agent, summary or f"Acknowledged by {name}.", channel)
    if reassign_to is not None:
        current = [a["assignee"] for a in incident["assignments"]]
        if current != [reassign_to]:
            _assign(store, incident, [reassign_to], agent, incident["assigned_via"])


def _retrigger(
    store: Store,
    incident: dict[str, Any],
    agent: ActorRef | None,
    channel: dict[str, Any] | None,
    summary: str | None,
    reopen_to: list[str] | None,
) -> None:
    """Back to triggered: reopen and reassign a resolved incident, or unacknowledge an acknowledged one."""
    name = agent_name(store, agent)
    reopened = incident["status"] == "resolved"
    incident["status"] = "triggered"
    if reopened:
        log(store, incident, "trigger", agent, summary or f"Reopened by {name}.", channel)
        if reopen_to:
            _assign(store, incident, reopen_to, agent, "direct_assignment")
        else:
            users = policy_assignees(store, incident["escalation_policy"])
            _assign(store, incident, users, agent, "escalation_policy")
    else:
        log(store, incident, "unacknowledge", agent, summary or f"Unacknowledged by {name}.", channel)
    incident["acknowledgements"] = []


def _resolve(
    store: Store,
    incident: dict[str, Any],
    agent: ActorRef | None,
    now: str,
    channel: dict[str, Any] | None,
    summary: str | None,
    resolution: str | None,
) -> None:
    """Resolve with the ``resolution`` note, clearing assignments, and close its triggered alerts."""
    incident["status"] = "resolved"
    incident["assignments"] = []
    incident["acknowledgements"] = []
    incident["resolved_at"] = now
    name = agent_name(store, agent)
    log(store, incident, "resolve", agent, summary or f"Resolved by {name}.", channel, note=resolution)
    for alert_id in incident["alerts"]:
        alert = store.table("alerts").get(alert_id)
        if alert and alert["status"] == "triggered":
            close_alert(store, alert)


def close_alert(store: Store, alert: dict[str, Any]) -> None:
    alert["status"] = "resolved"
    alert["resolved_at"] = store.now()
    key = (alert["service"], alert["alert_key"])
    if store.index("open_alerts").get(key) == alert["id"]:
        del store.index("open_alerts")[key]


# -- snooze ---------------------------------------------------------------------------------------


def snooze(store: Store, incident: dict[str, Any], seconds: int, actor: str) -> None:
    """Keep an acknowledged incident quiet for ``seconds``; it then returns to triggered (``tick``)."""
    until = iso(store.clock.now() + timedelta(seconds=seconds))
    incident["snoozed_until"] = until
    store.index("snoozed")[incident["id"]] = until
    agent = ("users", actor)
    log(
        store,
        incident,
        "snooze",
        agent,
        f"Snoozed for {_duration(seconds)} by {agent_name(store, agent)}.",
        changed_actions=[{"type": "unacknowledge", "at": until}],
    )
    incident["updated_at"] = store.now()


def tick(store: Store) -> None:
    """Return the snoozed incidents whose time is up to triggered, as PagerDuty does on its own.

    Called before every incident route, so a moved clock shows at the next request.
    """
    due = store.index("snoozed")
    if not due:
        return
    now = store.now()
    for incident_id, until in sorted(due.items(), key=lambda item: item[1]):
        if until > now:
            continue
        incident = store.table("incidents").get(incident_id)
        if incident is None or incident["status"] != "acknowledged":
            due.pop(incident_id, None)
            continue
        set_status(
            store,
            incident,
            "triggered",
            ("services", incident["service"]),
            channel={"type": "timeout"},
            summary="Unacknowledged: the snooze ended.",
        )


def _unsnooze(store: Store, incident: dict[str, Any]) -> None:
    if incident.get("snoozed_until"):
        incident["snoozed_until"] = None
        store.index("snoozed").pop(incident["id"], None)


def _duration(seconds: int) -> str:
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"
