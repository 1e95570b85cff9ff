"""Incidents, alerts and log entries: declarations and the life cycle shared by REST and Events.

State machine (pagerduty-api.md §8.7, §15.5): triggered -> acknowledged -> resolved; a resolved
incident reopens to triggered or acknowledged. Re-resolving gives code 1001, re-acknowledging
code 1002 (``settings.reacknowledge_error``), an unknown status code 1003, all with HTTP 400.
``incident_key`` is unique among the open incidents of a service. Every change writes a log
entry with its ``agent`` and ``channel``.

Open incidents, open incident keys and open alert keys are indexed so that events and status
changes never scan the tables.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .clock import parse_time
from .errors import ApiError, invalid
from .store import Resource, Store

STATUSES = ("triggered", "acknowledged", "resolved")
OPEN = ("triggered", "acknowledged")
ActorRef = tuple[str, str]  # (plural, id): a user, or an integration for events


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


def _render_change_event(
    store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    out.update(
        timestamp=record["timestamp"],
        source=record["source"],
        services=[store.ref("services", s) for s in record["services"]],
        integration=store.ref("integrations", record["integration"]),
        routing_key=record["routing_key"],
        links=record["links"],
        images=record["images"],
        custom_details=record["custom_details"],
    )


CHANGE_EVENTS = Resource(
    plural="change_events",
    singular="change_event",
    fields=(),
    id_length=26,
    id_first="0",
    endpoints=frozenset({"list", "get"}),
    filters={
        "team_ids[]": lambda store, r, values: any(
            set(store.table("services").get(s, {}).get("teams", ())) & set(values) for s in r["services"]
        ),
        "integration_ids[]": lambda store, r, values: r["integration"] in values,
    },
    summary=lambda r: r["summary"],
    render=_render_change_event,
)

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
    schedule = store.find("schedules", schedule_id)
    chosen = None
    for layer in (schedule or {}).get("schedule_layers", ()):
        start = parse_time(str(layer.get("rotation_virtual_start") or layer.get("start")))
        end = parse_time(str(layer["end"])) if layer.get("end") else None
        turn = layer.get("rotation_turn_length_seconds") or 86400
        users = layer.get("users") or []
        if start is None or not users or (end is not None and when >= end) or when < start:
            continue
        chosen = users[int((when - start).total_seconds() // turn) % len(users)]
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
) -> dict[str, Any]:
    """Create an incident on ``service`` with its trigger and assign log entries."""
    now = store.now()
    number = store.next_number("incident_number")
    incident = {
        "id": store.ids.resource_id(),
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
    if errors:
        raise invalid(*errors)
    record = store.table("services")[service]
    if record["status"] == "disabled":
        raise invalid("Incident could not be created: the service is disabled")
    if key and (service, key) in store.index("open_incident_keys"):
        raise invalid("Open incident with matching dedup key already exists on this service")
    if urgency is None:
        urgency = (record["incident_urgency_rule"] or {}).get("urgency") or "high"
        urgency = "high" if urgency not in ("high", "low") else urgency
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
                _close_alert(store, alert)
    if status != "resolved":
        incident["resolved_at"] = None
    incident["last_status_change_at"] = now
    incident["last_status_change_by"] = agent
    incident["updated_at"] = now
    sync_open(store, incident)


# -- listing --------------------------------------------------------------------------------------

SORTABLE = ("incident_number", "created_at", "resolved_at", "urgency")
MONTH = timedelta(days=30)
MAX_RANGE = timedelta(days=183)


def select_incidents(store: Store, query: Any) -> list[dict[str, Any]]:
    """``GET /incidents`` filtering: time window (§6.1), statuses, keys, services, teams, users."""
    statuses = query.many("statuses")
    for value in statuses:
        if value not in STATUSES:
            raise invalid(f"Statuses must be among: {', '.join(STATUSES)}")
    urgencies = query.many("urgencies")
    if any(u not in ("high", "low") for u in urgencies):
        raise invalid("Urgencies must be among: high, low")
    records = list(store.table("incidents").values())
    if query.one("date_range") != "all":
        since, until = _window(store, query.one("since"), query.one("until"))
        records = [r for r in records if since <= r["created_at"] <= until]
    if statuses:
        records = [r for r in records if r["status"] in statuses]
    key = query.one("incident_key")
    if key is not None:
        alerts = store.table("alerts")
        records = [
            r
            for r in records
            if r["incident_key"] == key
            or any(alerts[a]["alert_key"] == key for a in r["alerts"] if a in alerts)
        ]
    for name, field in (("service_ids", "service"), ("urgencies", "urgency")):
        values = query.many(name)
        if values:
            records = [r for r in records if r[field] in values]
    teams = query.many("team_ids")
    if teams:
        records = [r for r in records if set(r["teams"]) & set(teams)]
    users = query.many("user_ids")
    if users:
        records = [
            r
            for r in records
            if r["status"] in OPEN and any(a["assignee"] in users for a in r["assignments"])
        ]
    return _sort(records, query.one("sort_by"))


def _window(store: Store, since_raw: str | None, until_raw: str | None) -> tuple[str, str]:
    from .clock import iso

    since = parse_time(since_raw) if since_raw else None
    until = parse_time(until_raw) if until_raw else None
    if since_raw and since is None:
        raise ApiError(400, 2004, "Invalid Input Provided", ["Since is not a valid date"])
    if until_raw and until is None:
        raise ApiError(400, 2004, "Invalid Input Provided", ["Until is not a valid date"])
    if since is None and until is None:
        until = store.clock.now()
        since = until - MONTH
    elif since is None:
        since = until - MONTH
    elif until is None:
        until = since + MONTH
    if until < since:
        raise ApiError(400, 2005, "Invalid Query Date Range", ["Until must be after since"])
    if until - since > MAX_RANGE:
        raise ApiError(400, 2005, "Invalid Query Date Range", ["The date range may not exceed 6 months"])
    return iso(since), iso(until)


def _sort(records: list[dict[str, Any]], sort_by: str | None) -> list[dict[str, Any]]:
    if not sort_by:
        return records
    parts = [p for p in sort_by.split(",") if p]
    if len(parts) > 2:
        raise invalid("Sort by accepts at most 2 fields")
    for part in reversed(parts):
        name, _, direction = part.partition(":")
        if name not in SORTABLE or direction not in ("", "asc", "desc"):
            raise invalid(
                f"Sort by must use fields among {', '.join(SORTABLE)} with an optional :asc or :desc"
            )
        records.sort(key=lambda r, n=name: (r[n] is None, r[n] or ""), reverse=direction == "desc")
    return records


# -- alerts (Events) ------------------------------------------------------------------------------


def _close_alert(store: Store, alert: dict[str, Any]) -> None:
    alert["status"] = "resolved"
    alert["resolved_at"] = store.now()
    key = (alert["service"], alert["alert_key"])
    if store.index("open_alerts").get(key) == alert["id"]:
        del store.index("open_alerts")[key]


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
    agent = ("integrations", integration["id"])
    channel = {"type": "api", "summary": title, "details": details.get("custom_details") or {}}
    holder = store.index("open_incident_keys").get((service["id"], dedup_key))
    if holder is not None:
        incident = store.table("incidents")[holder]
    else:
        rule = service.get("incident_urgency_rule") or {}
        urgency = rule.get("urgency") or "high"
        if urgency == "severity_based":
            urgency = "high" if severity in ("critical", "error") else "low"
        urgency = urgency if urgency in ("high", "low") else "high"
        incident = new_incident(
            store,
            title=title,
            service=service,
            agent=agent,
            channel=channel,
            urgency=urgency,
            incident_key=dedup_key,
        )
    alert = {
        "id": store.ids.resource_id(),
        "incident": incident["id"],
        "service": service["id"],
        "integration": integration["id"],
        "status": "triggered",
        "alert_key": dedup_key,
        "title": title,
        "severity": severity,
        "created_at": store.now(),
        "resolved_at": None,
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
    open_alerts[(service["id"], dedup_key)] = alert["id"]


def alert_action(store: Store, integration: dict[str, Any], dedup_key: str, action: str) -> None:
    """An Events acknowledge or resolve: moves the open alert's incident; dropped when none is open."""
    alert_id = store.index("open_alerts").get((integration["service"], dedup_key))
    if alert_id is None:
        return
    alert = store.table("alerts")[alert_id]
    incident = store.table("incidents")[alert["incident"]]
    agent = ("integrations", integration["id"])
    if action == "acknowledge":
        if incident["status"] == "triggered":
            set_status(store, incident, "acknowledged", agent)
        return
    _close_alert(store, alert)
    alerts = store.table("alerts")
    if incident["status"] in OPEN and all(
        alerts[a]["status"] == "resolved" for a in incident["alerts"] if a in alerts
    ):
        set_status(store, incident, "resolved", agent)
