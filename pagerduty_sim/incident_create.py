"""Creating incidents: ``POST /incidents`` and the incidents opened by Events triggers."""

from __future__ import annotations

from typing import Any

from .errors import invalid
from .incident_update import bridge_errors
from .lifecycle import ActorRef, _assign, _body_ref, agent_name, log, policy_assignees, sync_open
from .service_rules import service_urgency
from .store import Store


def new_incident(
    store: Store,
    *,
    title: str,
    service: dict[str, Any],
    agent: ActorRef | None,
    channel: dict[str, Any],
    urgency: str,
    incident_key: str | None,
    priority: str | None = None,
    details: str | None = None,
    policy: str | None = None,
    assignees: list[str] | None = None,
    acknowledge_as: str | None = None,
    conference_bridge: dict[str, Any] | None = None,
    record_id: str | None = None,
) -> dict[str, Any]:
    """Create an incident on ``service`` with its trigger and assign log entries.

    ``record_id`` fixes the ID (the demo seed's incidents keep theirs whatever else is seeded).
    """
    incident = _incident_record(
        store,
        service,
        record_id,
        title=title,
        urgency=urgency,
        incident_key=incident_key,
        priority=priority,
        details=details,
        policy=policy,
        conference_bridge=conference_bridge,
    )
    store.table("incidents")[incident["id"]] = incident
    store.index("incident_numbers")[incident["incident_number"]] = incident["id"]
    users = _trigger_and_assign(store, incident, agent, channel, assignees)
    service["last_incident_timestamp"] = incident["created_at"]
    if acknowledge_as is not None and acknowledge_as in users:
        _acknowledge_at_creation(store, incident, acknowledge_as, channel)
    sync_open(store, incident)
    return incident


def _incident_record(
    store: Store,
    service: dict[str, Any],
    record_id: str | None,
    *,
    title: str,
    urgency: str,
    incident_key: str | None,
    priority: str | None,
    details: str | None,
    policy: str | None,
    conference_bridge: dict[str, Any] | None,
) -> dict[str, Any]:
    """A new triggered incident, not yet stored; it takes the next incident number (and ID)."""
    now = store.now()
    number = store.next_number("incident_number")
    return {
        "id": record_id or store.ids.resource_id(),
        "incident_number": number,
        "title": title,
        "status": "triggered",
        "urgency": urgency,
        "incident_key": incident_key,
        "service": service["id"],
        "escalation_policy": policy or service["escalation_policy"],
        "priority": priority,
        "details": details,
        "assignments": [],
        "acknowledgements": [],
        "assigned_via": "escalation_policy",
        "created_at": now,
        "updated_at": now,
        "last_status_change_at": now,
        "last_status_change_by": ("services", service["id"]),
        "resolved_at": None,
        "resolve_reason": None,
        "first_trigger_log_entry": None,
        "teams": list(service.get("teams") or ()),
        "alerts": [],
        "conference_bridge": conference_bridge,
        "escalation_level": 1,
        "snoozed_until": None,
        "notes": [],
        "status_updates": [],
        "responder_requests": [],
        "responders": [],
    }


def _trigger_and_assign(
    store: Store,
    incident: dict[str, Any],
    agent: ActorRef | None,
    channel: dict[str, Any],
    assignees: list[str] | None,
) -> list[str]:
    """Log the trigger, then assign ``assignees`` (else the policy's first level); returns the users."""
    via = "direct_assignment" if assignees else "escalation_policy"
    trigger = log(
        store,
        incident,
        "trigger",
        agent,
        f"Triggered through the {_channel_word(channel)}.",
        channel,
        event_details={"description": incident["title"]},
    )
    incident["first_trigger_log_entry"] = trigger["id"]
    users = assignees if assignees else policy_assignees(store, incident["escalation_policy"])
    _assign(store, incident, users, agent, via)
    return users


def _acknowledge_at_creation(
    store: Store, incident: dict[str, Any], user: str, channel: dict[str, Any]
) -> None:
    """Acknowledge a new incident as ``user``, one of its assignees, at its creation time."""
    incident["status"] = "acknowledged"
    incident["acknowledgements"] = [{"at": incident["created_at"], "acknowledger": ("users", user)}]
    incident["last_status_change_by"] = ("users", user)
    log(
        store,
        incident,
        "acknowledge",
        ("users", user),
        f"Acknowledged by {agent_name(store, ('users', user))}.",
        channel,
    )


def _channel_word(channel: dict[str, Any]) -> str:
    return {"web_trigger": "website", "api": "API"}.get(channel.get("type", ""), "API")


def create_from_rest(store: Store, body: Any, actor: str) -> dict[str, Any]:
    """``POST /incidents``: validate the ``incident`` body and create it, acting as ``actor``."""
    fields = _checked_body(store, body)
    service, key = fields["service"], fields["incident_key"]
    record = store.table("services")[service]
    if record["status"] == "disabled":
        raise invalid("Incident could not be created: the service is disabled")
    if key and (service, key) in store.index("open_incident_keys"):
        raise invalid("Open incident with matching dedup key already exists on this service")
    urgency = fields["urgency"]
    if urgency is None:
        urgency = service_urgency(store, record)
    return new_incident(
        store,
        title=fields["title"],
        service=record,
        agent=("users", actor),
        channel={"type": "web_trigger"},
        urgency=urgency,
        incident_key=key,
        priority=fields["priority"],
        details=fields["details"],
        policy=fields["policy"],
        assignees=fields["assignees"] or None,
        acknowledge_as=actor,
        conference_bridge=fields["conference_bridge"],
    )


def _checked_body(store: Store, body: Any) -> dict[str, Any]:
    """The fields of a ``POST /incidents`` body; one 400 lists every error found, in this order."""
    if not isinstance(body, dict) or not isinstance(body.get("incident"), dict):
        raise invalid('Incident can\'t be blank; send {"incident": {...}}')
    data = body["incident"]
    errors = []
    if data.get("type") not in ("incident", None):
        errors.append("Type must be incident")
    errors += _title_errors(data.get("title"))
    service = _body_ref(store, data.get("service"), "services", "Service", errors, required=True)
    priority = _body_ref(store, data.get("priority"), "priorities", "Priority", errors)
    policy = _body_ref(
        store, data.get("escalation_policy"), "escalation_policies", "Escalation policy", errors
    )
    if data.get("urgency") not in (None, "high", "low"):
        errors.append("Urgency must be one of: high, low")
    details = _details(data, errors)
    assignees = _assignees(store, data, policy, errors)
    key = data.get("incident_key")
    if key is not None and (not isinstance(key, str) or len(key) > 255):
        errors.append("Incident key must be a string of at most 255 characters")
    if data.get("conference_bridge") is not None:
        errors += bridge_errors(data["conference_bridge"])
    if errors:
        raise invalid(*errors)
    return {
        "title": data["title"],
        "service": service,
        "priority": priority,
        "policy": policy,
        "urgency": data.get("urgency"),
        "details": details,
        "assignees": assignees,
        "incident_key": key,
        "conference_bridge": data.get("conference_bridge"),
    }


def _title_errors(title: Any) -> list[str]:
    if not isinstance(title, str) or not title.strip():
        return ["Title can't be blank"]
    if len(title) > 1024:
        return ["Title is too long (maximum is 1024 characters)"]
    return []


def _details(data: dict[str, Any], errors: list[str]) -> str | None:
    """``body.details``, the incident's details; a wrong shape adds to ``errors``."""
    if data.get("body") is None:
        return None
    if not isinstance(data["body"], dict) or not isinstance(data["body"].get("details", ""), str):
        errors.append("Body details must be a string")
        return None
    return data["body"].get("details")


def _assignees(store: Store, data: dict[str, Any], policy: str | None, errors: list[str]) -> list[str]:
    """The user IDs of ``assignments``; wrong ones, or ones beside a policy, add to ``errors``."""
    assignees: list[str] = []
    if data.get("assignments") is None:
        return assignees
    if policy is not None:
        errors.append("Assignments and escalation_policy cannot both be specified")
    if not isinstance(data["assignments"], list):
        errors.append("Assignments must be a list")
        return assignees
    for item in data["assignments"]:
        user = item.get("assignee") if isinstance(item, dict) else None
        uid = _body_ref(store, user, "users", "Assignee", errors, required=True)
        if uid:
            assignees.append(uid)
    return assignees
