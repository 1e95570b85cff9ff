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
    now = store.now()
    number = store.next_number("incident_number")
    incident = {
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
    store.table("incidents")[incident["id"]] = incident
    store.index("incident_numbers")[number] = incident["id"]
    via = "direct_assignment" if assignees else "escalation_policy"
    trigger = log(
        store,
        incident,
        "trigger",
        agent,
        f"Triggered through the {_channel_word(channel)}.",
        channel,
        event_details={"description": title},
    )
    incident["first_trigger_log_entry"] = trigger["id"]
    users = assignees if assignees else policy_assignees(store, incident["escalation_policy"])
    _assign(store, incident, users, agent, via)
    service["last_incident_timestamp"] = now
    if acknowledge_as is not None and acknowledge_as in users:
        incident["status"] = "acknowledged"
        incident["acknowledgements"] = [{"at": now, "acknowledger": ("users", acknowledge_as)}]
        incident["last_status_change_by"] = ("users", acknowledge_as)
        log(
            store,
            incident,
            "acknowledge",
            ("users", acknowledge_as),
            f"Acknowledged by {agent_name(store, ('users', acknowledge_as))}.",
            channel,
        )
    sync_open(store, incident)
    return incident


def _channel_word(channel: dict[str, Any]) -> str:
    return {"web_trigger": "website", "api": "API"}.get(channel.get("type", ""), "API")


def create_from_rest(store: Store, body: Any, actor: str) -> dict[str, Any]:
    """``POST /incidents``: validate the ``incident`` body and create it, acting as ``actor``."""
    if not isinstance(body, dict) or not isinstance(body.get("incident"), dict):
        raise invalid('Incident can\'t be blank; send {"incident": {...}}')
    data = body["incident"]
    errors = []
    if data.get("type") not in ("incident", None):
        errors.append("Type must be incident")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.append("Title can't be blank")
    elif len(title) > 1024:
        errors.append("Title is too long (maximum is 1024 characters)")
    service = _body_ref(store, data.get("service"), "services", "Service", errors, required=True)
    priority = _body_ref(store, data.get("priority"), "priorities", "Priority", errors)
    policy = _body_ref(
        store, data.get("escalation_policy"), "escalation_policies", "Escalation policy", errors
    )
    urgency = data.get("urgency")
    if urgency not in (None, "high", "low"):
        errors.append("Urgency must be one of: high, low")
    details = None
    if data.get("body") is not None:
        if not isinstance(data["body"], dict) or not isinstance(data["body"].get("details", ""), str):
            errors.append("Body details must be a string")
        else:
            details = data["body"].get("details")
    assignees = []
    if data.get("assignments") is not None:
        if policy is not None:
            errors.append("Assignments and escalation_policy cannot both be specified")
        if not isinstance(data["assignments"], list):
            errors.append("Assignments must be a list")
        else:
            for item in data["assignments"]:
                user = item.get("assignee") if isinstance(item, dict) else None
                uid = _body_ref(store, user, "users", "Assignee", errors, required=True)
                if uid:
                    assignees.append(uid)
    key = data.get("incident_key")
    if key is not None and (not isinstance(key, str) or len(key) > 255):
        errors.append("Incident key must be a string of at most 255 characters")
    if data.get("conference_bridge") is not None:
        errors += bridge_errors(data["conference_bridge"])
    if errors:
        raise invalid(*errors)
    record = store.table("services")[service]
    if record["status"] == "disabled":
        raise invalid("Incident could not be created: the service is disabled")
    if key and (service, key) in store.index("open_incident_keys"):
        raise invalid("Open incident with matching dedup key already exists on this service")
    if urgency is None:
        urgency = service_urgency(store, record)
    return new_incident(
        store,
        title=title,
        service=record,
        agent=("users", actor),
        channel={"type": "web_trigger"},
        urgency=urgency,
        incident_key=key,
        priority=priority,
        details=details,
        policy=policy,
        assignees=assignees or None,
        acknowledge_as=actor,
        conference_bridge=data.get("conference_bridge"),
    )
