"""``PUT /incidents/{id}`` and each item of ``PUT /incidents``: checks first, then the change.

Status moves forward only: triggered -> acknowledged -> resolved. ``triggered`` is accepted only
to reopen a resolved incident, and reopening only when the account can (``settings.reopen_incidents``,
off by default: the OpenAPI documents reopening, but it is a feature not every account has).
Re-resolving gives code 1001, acknowledging a resolved incident 1001 as well, re-acknowledging
1002 (``settings.reacknowledge_error``), an unknown status or a move back to triggered 1003.
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError, invalid
from .lifecycle import (
    OPEN,
    STATUSES,
    _assign,
    _body_ref,
    agent_name,
    log,
    policy_assignees,
    set_status,
    sync_open,
)
from .store import Store

ALLOWED = "PagerDuty moves an incident triggered -> acknowledged -> resolved"


def check_status(store: Store, incident: dict[str, Any], status: Any) -> None:
    """Refuse a status change PagerDuty refuses, with its code and a sentence saying what is allowed."""
    if status not in STATUSES:
        raise ApiError(
            400, 1003, "Invalid Status Provided", [f"Status must be one of: {', '.join(STATUSES)}"]
        )
    current = incident["status"]
    if current == "resolved":
        if status == "resolved":
            raise ApiError(400, 1001, "Incident Already Resolved", ["Incident Already Resolved"])
        if not store.settings.reopen_incidents:
            raise ApiError(
                400,
                1001,
                "Incident Already Resolved",
                [f"Incident Already Resolved: a resolved incident cannot become {status}; {ALLOWED}"],
            )
        return
    if status == "triggered":
        raise ApiError(
            400,
            1003,
            "Invalid Status Provided",
            [f"Status triggered only reopens a resolved incident, and this one is {current}; {ALLOWED}"],
        )
    if status == "acknowledged" and current == "acknowledged" and store.settings.reacknowledge_error:
        raise ApiError(400, 1002, "Incident Already Acknowledged", ["Incident Already Acknowledged"])


def update_from_rest(
    store: Store, incident: dict[str, Any], data: Any, actor: str, apply: bool = True
) -> None:
    """``PUT /incidents/{id}`` body ``incident``; with ``apply=False`` only validate (for all-or-nothing)."""
    if not isinstance(data, dict):
        raise invalid("Incident must be an object")
    if data.get("type") not in (None, "incident", "incident_reference"):
        raise invalid("Type must be incident or incident_reference")
    status = data.get("status")
    if status is not None:
        check_status(store, incident, status)
    errors: list[str] = []
    if data.get("resolution") is not None and status != "resolved":
        errors.append("Resolution can only be given when resolving")
    priority = _priority(store, data.get("priority", Ellipsis))
    if data.get("title") is not None and (not isinstance(data["title"], str) or not data["title"].strip()):
        errors.append("Title can't be blank")
    if data.get("urgency") is not None and data["urgency"] not in ("high", "low"):
        errors.append("Urgency must be one of: high, low")
    bridge = data.get("conference_bridge")
    if bridge is not None:
        errors += bridge_errors(bridge)
    policy = _body_ref(
        store, data.get("escalation_policy"), "escalation_policies", "Escalation policy", errors
    )
    assignees = _assignees(store, data.get("assignments"), errors)
    service = _body_ref(store, data.get("service"), "services", "Service", errors)
    if errors:
        raise invalid(*errors)
    open_after = status in OPEN or (status is None and incident["status"] in OPEN)
    routing = [
        name
        for name in ("escalation_level", "escalation_policy", "assignments")
        if data.get(name) is not None
    ]
    if routing and not open_after:
        raise ApiError(
            400, 1001, "Incident Already Resolved", [f"A resolved incident cannot take {', '.join(routing)}"]
        )
    level = _level(store, incident, data.get("escalation_level"), policy)
    reopening = status in OPEN and incident["status"] == "resolved"
    target_service = service or incident["service"]
    if (reopening or service) and incident["incident_key"]:
        holder = store.index("open_incident_keys").get((target_service, incident["incident_key"]))
        if holder not in (None, incident["id"]):
            raise invalid("Open incident with matching dedup key already exists on this service")
    if apply:
        _apply(store, incident, data, actor, status, priority, policy, assignees, service, level)


def bridge_errors(bridge: Any) -> list[str]:
    """``conference_bridge``: an object with string ``conference_number`` and ``conference_url``."""
    if not isinstance(bridge, dict):
        return ["Conference bridge must be an object with conference_number and conference_url"]
    return [
        f"Conference bridge {name} must be a string"
        for name in ("conference_number", "conference_url")
        if bridge.get(name) is not None and not isinstance(bridge[name], str)
    ]


def _priority(store: Store, priority: Any) -> Any:
    """A priority reference or a name (the highest priority with that name); None clears it."""
    if priority is Ellipsis or priority is None:
        return priority
    if isinstance(priority, str):
        matches = [p for p in store.table("priorities").values() if p["name"] == priority]
        if not matches:
            raise ApiError(400, 1020, "Invalid Priority", [f"Priority {priority} not found"])
        return matches[0]["id"]
    if isinstance(priority, dict) and priority.get("id") in store.table("priorities"):
        return priority["id"]
    raise ApiError(400, 1020, "Invalid Priority", ["Priority must be a priority reference or name"])


def _assignees(store: Store, raw: Any, errors: list[str]) -> list[str] | None:
    if raw is None:
        return None
    found = []
    for item in raw if isinstance(raw, list) else [None]:
        user = item.get("assignee") if isinstance(item, dict) else None
        uid = _body_ref(store, user, "users", "Assignee", errors, required=True)
        if uid and uid not in found:
            found.append(uid)
    if isinstance(raw, list) and not raw:
        errors.append("Assignments can't be empty; give at least one assignee")
    return found


def _level(store: Store, incident: dict[str, Any], level: Any, policy: str | None) -> int | None:
    """``escalation_level``: an integer from 1 to the number of rules of the (new) policy, else 1006."""
    if level is None:
        return None
    if not isinstance(level, int) or isinstance(level, bool):
        raise invalid("Escalation level must be an integer")
    record = store.find("escalation_policies", policy or incident["escalation_policy"] or "")
    rules = len(record["escalation_rules"]) if record else 0
    if not 1 <= level <= rules:
        name = record["name"] if record else "no escalation policy"
        raise ApiError(
            400, 1006, "Cannot Escalate", [f"Escalation level must be between 1 and {rules} for {name}"]
        )
    return level


def _apply(
    store: Store,
    incident: dict[str, Any],
    data: dict[str, Any],
    actor: str,
    status: str | None,
    priority: Any,
    policy: str | None,
    assignees: list[str] | None,
    service: str | None,
    level: int | None,
) -> None:
    agent = ("users", actor)
    name = agent_name(store, agent)
    if data.get("title"):
        incident["title"] = data["title"]
    if data.get("urgency") and data["urgency"] != incident["urgency"]:
        incident["urgency"] = data["urgency"]
        log(store, incident, "urgency_change", agent, f"Urgency changed to {data['urgency']} by {name}.")
    if priority is not Ellipsis and priority != incident["priority"]:
        incident["priority"] = priority
        label = store.table("priorities")[priority]["name"] if priority else "none"
        # The log entry type of a priority change is unverified; field_value_change is the
        # documented type closest to it, with its changeset in the documented wording.
        log(
            store,
            incident,
            "field_value_change",
            agent,
            f"Priority changed to {label} by {name}.",
            changeset=[f"Updated priority to {label}"],
            priority_change=True,
        )
    if data.get("conference_bridge") is not None:
        incident["conference_bridge"] = {
            k: data["conference_bridge"].get(k) for k in ("conference_number", "conference_url")
        }
    if service:
        incident["service"] = service
    if policy:
        incident["escalation_policy"] = policy
        incident["escalation_level"] = 1
    if status is not None and incident["status"] == "resolved":
        # Reopening assigns as the OpenAPI says: the given assignees, else the (new) policy for
        # triggered; the acting user for acknowledged.
        set_status(store, incident, status, agent, reassign_to=actor, reopen_to=assignees)
        status, assignees = None, None
    elif policy and assignees is None and level is None:
        _assign(store, incident, policy_assignees(store, policy), agent, "escalation_policy")
    if level is not None:
        incident["escalation_level"] = level
        log(store, incident, "escalate", agent, f"Escalated to level {level} by {name}.")
        users = policy_assignees(store, incident["escalation_policy"], level)
        _assign(store, incident, users, agent, "escalation_policy")
    if assignees is not None and incident["status"] in OPEN:
        _assign(store, incident, assignees, agent, "direct_assignment")
    if status is not None:
        set_status(store, incident, status, agent, data.get("resolution"), reassign_to=actor)
    incident["updated_at"] = store.now()
    sync_open(store, incident)
