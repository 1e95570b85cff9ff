"""The incident life cycle shared by REST and Events (pagerduty-api.md §8.7, §15.5).

State machine: triggered -> acknowledged -> resolved; a resolved incident reopens to triggered
or acknowledged. Re-resolving gives code 1001, re-acknowledging code 1002
(``settings.reacknowledge_error``), an unknown status code 1003, all with HTTP 400.
``incident_key`` is unique among the open incidents of a service. Every change writes a log
entry with its ``agent`` (a user, or the service for Events) and ``channel``.

Open incidents and open incident keys are indexed (``sync_open``) so that events and status
changes never scan the tables.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .clock import parse_time
from .errors import ApiError, invalid
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
    """``(user, shift start, shift end)`` on ``schedule_id`` at ``when`` (restrictions are ignored)."""
    schedule = store.find("schedules", schedule_id)
    chosen = None
    for layer in (schedule or {}).get("schedule_layers", ()):
        start = parse_time(str(layer.get("rotation_virtual_start") or layer.get("start")))
        end = parse_time(str(layer["end"])) if layer.get("end") else None
        turn = timedelta(seconds=layer.get("rotation_turn_length_seconds") or 86400)
        users = layer.get("users") or []
        if start is None or not users or (end is not None and when >= end) or when < start:
            continue
        index = int((when - start) / turn)
        shift_start = start + index * turn
        chosen = (users[index % len(users)], shift_start, shift_start + turn)
    return chosen


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


# -- updates --------------------------------------------------------------------------------------


def update_from_rest(
    store: Store, incident: dict[str, Any], data: Any, actor: str, apply: bool = True
) -> None:
    """``PUT /incidents/{id}`` body ``incident``; with ``apply=False`` only validate (for all-or-nothing)."""
    if not isinstance(data, dict):
        raise invalid("Incident must be an object")
    if data.get("type") not in (None, "incident", "incident_reference"):
        raise invalid("Type must be incident or incident_reference")
    errors: list[str] = []
    status = data.get("status")
    if status is not None and status not in STATUSES:
        raise ApiError(
            400, 1003, "Invalid Status Provided", [f"Status must be one of: {', '.join(STATUSES)}"]
        )
    if status == "resolved" and incident["status"] == "resolved":
        raise ApiError(400, 1001, "Incident Already Resolved", ["Incident Already Resolved"])
    if (
        status == "acknowledged"
        and incident["status"] == "acknowledged"
        and store.settings.reacknowledge_error
    ):
        raise ApiError(400, 1002, "Incident Already Acknowledged", ["Incident Already Acknowledged"])
    if data.get("resolution") is not None and status != "resolved":
        errors.append("Resolution can only be given when resolving")
    priority = data.get("priority", Ellipsis)
    if priority is not Ellipsis and priority is not None:
        if isinstance(priority, str):
            matches = [p for p in store.table("priorities").values() if p["name"] == priority]
            if not matches:
                raise ApiError(400, 1020, "Invalid Priority", [f"Priority {priority} not found"])
            priority = matches[0]["id"]
        elif isinstance(priority, dict) and priority.get("id") in store.table("priorities"):
            priority = priority["id"]
        else:
            raise ApiError(400, 1020, "Invalid Priority", ["Priority must be a priority reference or name"])
    if data.get("title") is not None and (not isinstance(data["title"], str) or not data["title"].strip()):
        errors.append("Title can't be blank")
    if data.get("urgency") is not None and data["urgency"] not in ("high", "low"):
        errors.append("Urgency must be one of: high, low")
    policy = _body_ref(
        store, data.get("escalation_policy"), "escalation_policies", "Escalation policy", errors
    )
    assignees = None
    if data.get("assignments") is not None:
        assignees = []
        for item in data["assignments"] if isinstance(data["assignments"], list) else [None]:
            user = item.get("assignee") if isinstance(item, dict) else None
            uid = _body_ref(store, user, "users", "Assignee", errors, required=True)
            if uid:
                assignees.append(uid)
    service = _body_ref(store, data.get("service"), "services", "Service", errors)
    if errors:
        raise invalid(*errors)
    reopening = status in OPEN and incident["status"] == "resolved"
    target_service = service or incident["service"]
    if (reopening or service) and incident["incident_key"]:
        holder = store.index("open_incident_keys").get((target_service, incident["incident_key"]))
        if holder not in (None, incident["id"]):
            raise invalid("Open incident with matching dedup key already exists on this service")
    if not apply:
        return
    _apply_update(store, incident, data, actor, status, priority, policy, assignees, service)


def _apply_update(
    store: Store,
    incident: dict[str, Any],
    data: dict[str, Any],
    actor: str,
    status: str | None,
    priority: Any,
    policy: str | None,
    assignees: list[str] | None,
    service: str | None,
) -> None:
    agent = ("users", actor)
    name = agent_name(store, agent)
    now = store.now()
    if data.get("title"):
        incident["title"] = data["title"]
    if data.get("urgency") and data["urgency"] != incident["urgency"]:
        incident["urgency"] = data["urgency"]
        log(store, incident, "urgency_change", agent, f"Urgency changed to {data['urgency']} by {name}.")
    if priority is not Ellipsis:
        incident["priority"] = priority
    if data.get("conference_bridge") is not None:
        incident["conference_bridge"] = data["conference_bridge"]
    if service:
        incident["service"] = service
    if policy:
        incident["escalation_policy"] = policy
        if incident["status"] in OPEN and not assignees:
            _assign(store, incident, policy_assignees(store, policy), agent, "escalation_policy")
    if isinstance(data.get("escalation_level"), int) and incident["status"] in OPEN:
        incident["escalation_level"] = data["escalation_level"]
        users = policy_assignees(store, incident["escalation_policy"], data["escalation_level"])
        log(store, incident, "escalate", agent, f"Escalated to level {data['escalation_level']} by {name}.")
        _assign(store, incident, users, agent, "escalation_policy")
    if assignees is not None and incident["status"] in OPEN:
        _assign(store, incident, assignees, agent, "direct_assignment")
    if status is not None:
        set_status(store, incident, status, agent, data.get("resolution"), reassign_to=actor)
    incident["updated_at"] = now
    sync_open(store, incident)


def set_status(
    store: Store,
    incident: dict[str, Any],
    status: str,
    agent: ActorRef | None,
    resolution: str | None = None,
    reassign_to: str | None = None,
    channel: dict[str, Any] | None = None,
) -> None:
    """Move ``incident`` to ``status`` with its log entries; callers have checked the transition."""
    old = incident["status"]
    now = store.now()
    name = agent_name(store, agent)
    if status == old and status == "triggered":
        return
    if status == "acknowledged":
        if old == "resolved":
            log(store, incident, "trigger", agent, f"Reopened by {name}.", channel)
        incident["status"] = "acknowledged"
        incident["acknowledgements"] = [*incident["acknowledgements"], {"at": now, "acknowledger": agent}]
        log(store, incident, "acknowledge", agent, f"Acknowledged by {name}.", channel)
        if reassign_to is not None:
            current = [a["assignee"] for a in incident["assignments"]]
            if current != [reassign_to]:
                _assign(store, incident, [reassign_to], agent, incident["assigned_via"])
    elif status == "triggered":
        if old == "resolved":
            incident["status"] = "triggered"
            log(store, incident, "trigger", agent, f"Reopened by {name}.", channel)
            _assign(
                store,
                incident,
                policy_assignees(store, incident["escalation_policy"]),
                agent,
                "escalation_policy",
            )
        else:
            incident["status"] = "triggered"
            log(store, incident, "unacknowledge", agent, f"Unacknowledged by {name}.", channel)
        incident["acknowledgements"] = []
    else:
        incident["status"] = "resolved"
        incident["assignments"] = []
        incident["acknowledgements"] = []
        incident["resolved_at"] = now
        log(store, incident, "resolve", agent, f"Resolved by {name}.", channel, note=resolution)
        for alert_id in incident["alerts"]:
            alert = store.table("alerts").get(alert_id)
            if alert and alert["status"] == "triggered":
                close_alert(store, alert)
    if status != "resolved":
        incident["resolved_at"] = None
    incident["last_status_change_at"] = now
    incident["last_status_change_by"] = agent
    incident["updated_at"] = now
    sync_open(store, incident)


def close_alert(store: Store, alert: dict[str, Any]) -> None:
    alert["status"] = "resolved"
    alert["resolved_at"] = store.now()
    key = (alert["service"], alert["alert_key"])
    if store.index("open_alerts").get(key) == alert["id"]:
        del store.index("open_alerts")[key]
