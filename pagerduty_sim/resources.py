"""Declarations of the REST resources the simulator serves (see ``store.py`` for the mechanism).

Business rules that are specific to one resource live in its hooks here; incidents, alerts and
log entries have their life cycle in ``incidents.py``.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import ApiError, invalid, missing_ability
from .store import Field, Resource, Store

USER_ROLES = (
    "admin",
    "limited_user",
    "observer",
    "owner",
    "read_only_user",
    "restricted_access",
    "read_only_limited_user",
    "user",
)
READ_ONLY_ROLES = ("read_only_user", "read_only_limited_user")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
OPEN = ("triggered", "acknowledged")
EP_TARGET_TYPES = {
    "user_reference": "users",
    "user": "users",
    "schedule_reference": "schedules",
    "schedule": "schedules",
    "schedule_v3_reference": "schedules",
}


def _by_name(record: dict[str, Any]) -> str:
    return (record.get("name") or "").lower()


def _in_teams(store: Store, record: dict[str, Any], values: list[str]) -> bool:
    return bool(set(record.get("teams") or ()) & set(values))


def _now(store: Store) -> str:
    return store.now()


# -- users ----------------------------------------------------------------------------------------


def _validate_user(store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any) -> None:
    email = values.get("email")
    if email is not None:
        if not EMAIL_RE.match(email):
            raise invalid("Email is invalid")
        other = store.index("user_email").get(email.lower())
        if other is not None and (existing is None or other != existing["id"]):
            raise invalid("Email has already been taken")
    if values.get("role") in READ_ONLY_ROLES and "read_only_users" not in store.settings.abilities:
        raise missing_ability("read_only_users")
    if existing is not None and email is not None:
        store.index("user_email").pop(existing["email"].lower(), None)
        store.index("user_email")[email.lower()] = existing["id"]
    if existing is None:
        values["created_at"] = store.now()


def _index_user(store: Store, record: dict[str, Any]) -> None:
    store.index("user_email")[record["email"].lower()] = record["id"]


def _refuse_user_delete(store: Store, record: dict[str, Any], ctx: Any) -> None:
    # PagerDuty refuses while incidents are assigned, unless the account has the offboarding
    # feature; the wording is ours (the spec does not document this 400).
    for incident in store.table("incidents").values():
        if incident["status"] in OPEN and any(a["assignee"] == record["id"] for a in incident["assignments"]):
            raise invalid("User cannot be deleted as they have open incidents assigned")


def _forget_user(store: Store, record: dict[str, Any]) -> None:
    store.index("user_email").pop(record["email"].lower(), None)
    for team in store.table("teams").values():
        team["members"] = [m for m in team["members"] if m["user"] != record["id"]]
    for key in [k for k, v in store.api_keys.items() if v.get("user") == record["id"]]:
        del store.api_keys[key]


def _render_user(
    store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    out["avatar_url"] = f"https://secure.gravatar.com/avatar/{record['id'].lower()}.png?d=mm&r=PG"
    out["teams"] = [
        store.render("teams", t) if "teams" in includes else store.ref("teams", t["id"])
        for t in store.table("teams").values()
        if any(m["user"] == record["id"] for m in t["members"])
    ]


USERS = Resource(
    plural="users",
    singular="user",
    fields=(
        Field("name", required=True, max_len=100),
        Field("email", required=True, min_len=6, max_len=100),
        Field("time_zone", default="Etc/UTC", nullable=False),
        Field("color", default="purple", nullable=False),
        Field("role", default="user", enum=USER_ROLES, nullable=False),
        Field("description", default=None),
        Field("job_title", default="", max_len=100, nullable=False),
        Field("invitation_sent", "bool", default=False, writable=False),
        Field("created_via_sso", "bool", default=False, writable=False),
        Field("contact_methods", "list", default=list, writable=False),
        Field("notification_rules", "list", default=list, writable=False),
    ),
    query_fields=("name", "email"),
    filters={
        "team_ids[]": lambda store, r, values: any(
            m["user"] == r["id"]
            for t in values
            if t in store.table("teams")
            for m in store.table("teams")[t]["members"]
        )
    },
    includes={
        "contact_methods": None,
        "notification_rules": None,
        "teams": "teams",
        "subdomains": None,
        "calendar_urls": None,
    },
    html_path="users",
    sort_key=_by_name,
    validate=_validate_user,
    render=_render_user,
    after_create=_index_user,
    before_delete=_refuse_user_delete,
    after_delete=_forget_user,
)

# -- teams ----------------------------------------------------------------------------------------


def _team_in_use(store: Store, record: dict[str, Any], ctx: Any) -> None:
    tid = record["id"]
    used = any(
        tid in (r.get("teams") or ())
        for plural in ("escalation_policies", "services", "schedules")
        for r in store.table(plural).values()
    )
    used = used or any(t.get("parent") == tid for t in store.table("teams").values())
    if used:
        raise ApiError(
            400,
            6006,
            "Team has existing associations",
            ["Team has existing associations with escalation policies, services, schedules or teams"],
        )


def _validate_team(store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any) -> None:
    if "teams" not in store.settings.abilities:
        raise missing_ability("teams")
    if existing is None:
        values["members"] = []


TEAMS = Resource(
    plural="teams",
    singular="team",
    fields=(
        Field("name", required=True, max_len=100),
        Field("description", default="", max_len=1024),
        Field("default_role", default="manager", enum=("manager", "none"), nullable=False),
        Field("parent", "ref", target="teams", default=None),
    ),
    includes={"privileges": None},
    html_path="teams",
    sort_key=_by_name,
    validate=_validate_team,
    before_delete=_team_in_use,
)

# -- escalation policies --------------------------------------------------------------------------


def _rules(store: Store, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise invalid("Escalation rules must be a list")
    rules = []
    for number, rule in enumerate(raw, 1):
        if not isinstance(rule, dict):
            raise invalid(f"Escalation rule {number} must be an object")
        delay = rule.get("escalation_delay_in_minutes", 30)
        if not isinstance(delay, int) or isinstance(delay, bool) or delay < 1:
            raise invalid(f"Escalation rule {number}: escalation_delay_in_minutes must be a positive integer")
        targets = rule.get("targets")
        if not isinstance(targets, list) or not targets:
            raise invalid(f"Escalation rule {number} must have at least one target")
        resolved = []
        for target in targets:
            plural = EP_TARGET_TYPES.get(target.get("type")) if isinstance(target, dict) else None
            if plural is None:
                raise invalid(
                    f"Escalation rule {number}: each target needs an id and a type among "
                    f"{', '.join(EP_TARGET_TYPES)}"
                )
            if target.get("id") not in store.table(plural):
                raise invalid(f"Escalation rule {number}: {plural[:-1]} {target.get('id')} not found")
            resolved.append([plural, target["id"]])
        strategy = rule.get("escalation_rule_assignment_strategy")
        rules.append(
            {
                "id": rule.get("id") or store.ids.resource_id(),
                "escalation_delay_in_minutes": delay,
                "targets": resolved,
                **({"escalation_rule_assignment_strategy": strategy} if strategy else {}),
            }
        )
    return rules


def _validate_ep(store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any) -> None:
    if "escalation_rules" in values:
        if existing is not None and values["escalation_rules"] == []:
            raise invalid("Cannot Delete Only Rule For Escalation Policy")
        values["escalation_rules"] = _rules(store, values["escalation_rules"])
        if not values["escalation_rules"]:
            raise invalid("Escalation policy must have at least one escalation rule")
    name = values.get("name")
    if name is not None:
        for other in store.table("escalation_policies").values():
            if other["name"].lower() == name.lower() and (existing is None or other["id"] != existing["id"]):
                raise invalid("Escalation Policy has already been taken")
    teams = values.get("teams")
    if teams:
        if "teams" not in store.settings.abilities:
            raise missing_ability("teams")
        if len(teams) > 1:
            raise invalid("Only one team may be associated with an escalation policy")


def _ep_in_use(store: Store, record: dict[str, Any], ctx: Any) -> None:
    if any(s["escalation_policy"] == record["id"] for s in store.table("services").values()):
        raise invalid("This escalation policy is used by one or more services and cannot be deleted")


def _render_ep(store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]) -> None:
    expand_targets = "targets" in includes
    out["escalation_rules"] = [
        {
            **{k: v for k, v in rule.items() if k != "targets"},
            "targets": [
                store.render(p, store.table(p)[i])
                if expand_targets and i in store.table(p)
                else store.ref(p, i)
                for p, i in rule["targets"]
            ],
        }
        for rule in record["escalation_rules"]
    ]
    services = [s for s in store.table("services").values() if s["escalation_policy"] == record["id"]]
    out["services"] = [
        store.render("services", s) if "services" in includes else store.ref("services", s["id"])
        for s in services
    ]


ESCALATION_POLICIES = Resource(
    plural="escalation_policies",
    singular="escalation_policy",
    fields=(
        Field("name", required=True, max_len=255),
        Field("description", default=""),
        Field("num_loops", "int", default=0, nullable=False),
        Field("on_call_handoff_notifications", default="if_has_services", enum=("if_has_services", "always")),
        Field("escalation_rules", "list", required=True),
        Field("teams", "refs", target="teams", default=list),
    ),
    filters={
        "team_ids[]": _in_teams,
        "user_ids[]": lambda store, r, values: any(
            p == "users" and i in values for rule in r["escalation_rules"] for p, i in rule["targets"]
        ),
    },
    includes={
        "services": None,
        "teams": "teams",
        "targets": None,
        "escalation_rule_assignment_strategies": None,
    },
    html_path="escalation_policies",
    sort_key=_by_name,
    validate=_validate_ep,
    render=_render_ep,
    before_delete=_ep_in_use,
)

# -- schedules ------------------------------------------------------------------------------------


def _validate_schedule(
    store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any
) -> None:
    layers = values.get("schedule_layers")
    if layers is None:
        return
    if not isinstance(layers, list) or (existing is None and not layers):
        raise invalid("Schedule must have at least one schedule layer")
    checked = []
    for number, layer in enumerate(layers, 1):
        if not isinstance(layer, dict):
            raise invalid(f"Schedule layer {number} must be an object")
        for key in ("start", "rotation_virtual_start", "rotation_turn_length_seconds", "users"):
            if key not in layer:
                raise invalid(f"Schedule layer {number}: {key} can't be blank")
        users = []
        for entry in layer["users"]:
            user = entry.get("user") if isinstance(entry, dict) else None
            if not isinstance(user, dict) or user.get("id") not in store.table("users"):
                raise invalid(
                    f'Schedule layer {number}: each user must be {{"user": <user reference>}} of a known user'
                )
            users.append(user["id"])
        checked.append({**layer, "id": layer.get("id") or store.ids.resource_id(), "users": users})
    values["schedule_layers"] = checked


def _render_schedule(
    store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    out["schedule_layers"] = [
        {
            **layer,
            "users": [{"user": store.ref("users", u)} for u in layer["users"]],
            "rendered_schedule_entries": [],
            "rendered_coverage_percentage": None,
        }
        for layer in record["schedule_layers"]
    ]
    seen: dict[str, None] = {}
    for layer in record["schedule_layers"]:
        seen.update(dict.fromkeys(layer["users"]))
    out["users"] = [store.ref("users", u) for u in seen]
    out["escalation_policies"] = [
        store.ref("escalation_policies", ep["id"])
        for ep in store.table("escalation_policies").values()
        if any(
            p == "schedules" and i == record["id"]
            for rule in ep["escalation_rules"]
            for p, i in rule["targets"]
        )
    ]


SCHEDULES = Resource(
    plural="schedules",
    singular="schedule",
    fields=(
        Field("name", default=None, max_len=255),
        Field("description", default=None),
        Field("time_zone", required=True),
        Field("schedule_layers", "list", default=list),
        Field("teams", "refs", target="teams", default=list),
    ),
    filters={"team_ids[]": _in_teams},
    includes={"schedule_layers": None, "overrides_subschedule": None, "final_schedule": None},
    html_path="schedules",
    sort_key=_by_name,
    validate=_validate_schedule,
    render=_render_schedule,
)

# -- services and integrations --------------------------------------------------------------------


def _validate_service(
    store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any
) -> None:
    if existing is None:
        if values.get("status") not in (None, "active"):
            raise invalid("Status must be active when a service is created")
        values["status"] = "active"
        values["created_at"] = store.now()
        values["integrations"] = []
        if not values.get("name"):
            raise invalid("Name can't be blank")
        if values.get("escalation_policy") is None:
            raise invalid("Escalation policy can't be blank")
    elif values.get("status") not in (None, "active", "disabled"):
        raise invalid("Status must be active or disabled")
    for key in ("auto_resolve_timeout", "acknowledgement_timeout"):
        if values.get(key) == 0:
            values[key] = None
        elif values.get(key) is not None and values[key] < 0:
            raise invalid(f"{key.replace('_', ' ').capitalize()} must not be negative")
    if values.get("teams") and "teams" not in store.settings.abilities:
        raise missing_ability("teams")


def service_status(store: Store, record: dict[str, Any]) -> str:
    """Derived status: disabled, critical (a triggered incident), warning (acknowledged) or active."""
    if record["status"] == "disabled":
        return "disabled"
    statuses = store.index("open_incidents_by_service").get(record["id"], {})
    if "triggered" in statuses.values():
        return "critical"
    if statuses:
        return "warning"
    return "active"


def _render_service(
    store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    out["status"] = service_status(store, record)
    out["created_at"] = record["created_at"]
    out["last_incident_timestamp"] = record.get("last_incident_timestamp")
    table = store.table("integrations")
    out["integrations"] = [
        store.render("integrations", table[i]) if "integrations" in includes else store.ref("integrations", i)
        for i in record["integrations"]
        if i in table
    ]
    out["addons"] = []


def _forget_service(store: Store, record: dict[str, Any]) -> None:
    for integration_id in record["integrations"]:
        integration = store.table("integrations").pop(integration_id, None)
        if integration and integration.get("integration_key"):
            store.routing_keys.pop(integration["integration_key"], None)


SERVICES = Resource(
    plural="services",
    singular="service",
    fields=(
        Field("name", max_len=255),
        Field("description", default=""),
        Field("auto_resolve_timeout", "int", default=None),
        Field("acknowledgement_timeout", "int", default=None),
        Field("status", enum=("active", "warning", "critical", "maintenance", "disabled"), default="active"),
        Field("escalation_policy", "ref", target="escalation_policies", nullable=False),
        Field("teams", "refs", target="teams", default=list),
        Field(
            "incident_urgency_rule",
            "dict",
            default=lambda: {"type": "constant", "urgency": "high"},
            nullable=False,
        ),
        Field("support_hours", "dict", default=None),
        Field("scheduled_actions", "list", default=list, nullable=False),
        Field(
            "alert_creation",
            default="create_alerts_and_incidents",
            enum=("create_incidents", "create_alerts_and_incidents"),
        ),
        Field("alert_grouping_parameters", "dict", default=lambda: {"type": None}),
    ),
    filters={
        "team_ids[]": _in_teams,
        "name": lambda store, r, values: r["name"] == values[-1],
    },
    includes={
        "escalation_policies": "escalation_policy",
        "teams": "teams",
        "integrations": None,
        "auto_pause_notifications_parameters": None,
    },
    html_path="service-directory",
    sort_key=_by_name,
    validate=_validate_service,
    render=_render_service,
    after_delete=_forget_service,
)

INTEGRATION_TYPES = (
    "aws_cloudwatch_inbound_integration",
    "cloudkick_inbound_integration",
    "event_transformer_api_inbound_integration",
    "generic_email_inbound_integration",
    "generic_events_api_inbound_integration",
    "keynote_inbound_integration",
    "nagios_inbound_integration",
    "pingdom_inbound_integration",
    "sql_monitor_inbound_integration",
    "events_api_v2_inbound_integration",
)
EVENTS_V2 = "events_api_v2_inbound_integration"
EVENTS_V1 = "generic_events_api_inbound_integration"


def _validate_integration(
    store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any
) -> None:
    if existing is None:
        values["created_at"] = store.now()
        if values["type"] == "generic_email_inbound_integration" and not values.get("integration_email"):
            raise invalid("Integration email can't be blank")
        if values["type"] != "generic_email_inbound_integration":
            values["integration_key"] = store.ids.integration_key()
    elif "type" in values and values["type"] != existing["type"]:
        raise invalid("Type cannot be changed")


def _register_integration(store: Store, record: dict[str, Any]) -> None:
    if record.get("integration_key"):
        store.routing_keys[record["integration_key"]] = record["id"]
    store.table("services")[record["service"]]["integrations"].append(record["id"])


def _render_integration(
    store: Store, record: dict[str, Any], out: dict[str, Any], includes: tuple[str, ...]
) -> None:
    out["created_at"] = record["created_at"]
    if "services" in includes:
        out["service"] = store.render("services", store.table("services")[record["service"]])
    if record.get("integration_key"):
        out["integration_key"] = record["integration_key"]
    else:
        out.pop("integration_key", None)
    if record["type"] != "generic_email_inbound_integration":
        out.pop("integration_email", None)


INTEGRATIONS = Resource(
    plural="integrations",
    singular="integration",
    fields=(
        Field("type", required=True, enum=INTEGRATION_TYPES),
        Field("name", default=None),
        Field("service", "ref", target="services", writable=False),
        Field("vendor", "dict", default=None),
        Field("integration_email", default=None),
        Field("integration_key", writable=False),
    ),
    endpoints=frozenset(),
    includes={"services": None, "vendors": None},
    self_path=lambda r: f"/services/{r['service']}/integrations/{r['id']}",
    validate=_validate_integration,
    render=_render_integration,
    after_create=_register_integration,
)

# -- priorities -----------------------------------------------------------------------------------

PRIORITIES = Resource(
    plural="priorities",
    singular="priority",
    fields=(Field("name", required=True), Field("description", default="")),
    endpoints=frozenset({"list"}),
)
