"""Declarations of services and their integrations (pagerduty-api.md §8.5).

Creating an Events integration registers its 32-character ``integration_key`` as a routing key
bound to the service; deleting the service forgets its keys.
"""

from __future__ import annotations

from typing import Any

from .errors import invalid, missing_ability
from .resources import by_name, in_teams
from .store import Field, Resource, Store

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
        Field("alert_grouping_parameters", "dict", default=None),
    ),
    filters={
        "team_ids[]": in_teams,
        "name": lambda store, r, values: r["name"] == values[-1],
    },
    includes={
        "escalation_policies": "escalation_policy",
        "teams": "teams",
        "integrations": None,
        "auto_pause_notifications_parameters": None,
    },
    html_path="service-directory",
    sort_key=by_name,
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

