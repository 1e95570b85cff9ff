"""Declarations of services and their integrations (pagerduty-api.md §8.5).

A service needs a name (unique in the account) and an existing escalation policy; its urgency
rule, support hours and alert grouping are checked in ``service_rules.py``. Its rendered
``status`` is derived: disabled, maintenance (inside an ongoing window), critical (a triggered
incident), warning (an acknowledged one) or active. A service with open incidents cannot be
deleted; deleting one forgets its integrations' routing keys and drops it from extensions and
maintenance windows. Creating an Events integration registers its 32-character
``integration_key`` as a routing key bound to the service, usable at once.
"""

from __future__ import annotations

import re
from typing import Any

from . import change_events, extensions, maintenance
from .errors import invalid, missing_ability
from .resources import by_name, in_teams
from .service_rules import check_service_settings
from .store import HTML_BASE, Field, Resource, Store
from .wire import Request, Response, Router

# -- services -------------------------------------------------------------------------------------


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
    if "name" in values:
        if not (values["name"] or "").strip():
            raise invalid("Name can't be blank")
        for other in store.table("services").values():
            same = other["name"].lower() == values["name"].lower()
            if same and (existing is None or other["id"] != existing["id"]):
                raise invalid("Name has already been taken")
    for key in ("auto_resolve_timeout", "acknowledgement_timeout"):
        if values.get(key) == 0:
            values[key] = None  # PagerDuty: 0 (or null) disables the timeout
        elif values.get(key) is not None and values[key] < 0:
            raise invalid(f"{key.replace('_', ' ').capitalize()} must not be negative")
    if values.get("teams") and "teams" not in store.settings.abilities:
        raise missing_ability("teams")
    check_service_settings(store, values, existing)


def service_status(store: Store, record: dict[str, Any]) -> str:
    """Derived status: disabled, maintenance, critical (a triggered incident), warning or active."""
    if record["status"] == "disabled":
        return "disabled"
    if maintenance.in_maintenance(store, record["id"]):
        return "maintenance"
    statuses = store.index("open_incidents_by_service").get(record["id"], {})
    if "triggered" in statuses.values():
        return "critical"
    if statuses:
        return "warning"
    return "active"


def takes_events(store: Store, service_id: str) -> bool:
    """Whether events may act on the service: not disabled and not in a maintenance window."""
    record = store.find("services", service_id)
    return record is not None and service_status(store, record) not in ("disabled", "maintenance")


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


def _refuse_service_delete(store: Store, record: dict[str, Any], ctx: Any) -> None:
    # The wording is ours (the spec documents no 400 here, reference §14 quirk 6); PagerDuty
    # answers schedule deletes blocked by open incidents the same way (400, code 2001).
    count = len(store.index("open_incidents_by_service").get(record["id"], {}))
    if count:
        raise invalid(
            f"Service can't be deleted while it has open incidents ({count}); "
            "resolve them first, or disable the service instead"
        )


def _forget_service(store: Store, record: dict[str, Any]) -> None:
    for integration_id in record["integrations"]:
        integration = store.table("integrations").pop(integration_id, None)
        if integration and integration.get("integration_key"):
            store.routing_keys.pop(integration["integration_key"], None)
    extensions.forget_service(store, record["id"])
    maintenance.forget_service(store, record["id"])


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
    before_delete=_refuse_service_delete,
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


EMAIL = "generic_email_inbound_integration"
DEFAULT_NAMES = {
    EVENTS_V2: "Events API V2",
    EVENTS_V1: "Events API V1",
    EMAIL: "Email",
}
# An email integration's address lives under the account's subdomain, as PagerDuty requires.
INTEGRATION_EMAIL_RE = re.compile(r"^[A-Za-z0-9._+-]+@[a-z0-9-]+\.pagerduty\.com$")


def _validate_integration(
    store: Store, values: dict[str, Any], existing: dict[str, Any] | None, ctx: Any
) -> None:
    if existing is not None:
        if "type" in values and values["type"] != existing["type"]:
            raise invalid("Type cannot be changed; create a new integration of the other type")
        if "name" in values and not (values["name"] or "").strip():
            raise invalid("Name can't be blank")
    else:
        values["created_at"] = store.now()
        if not (values.get("name") or "").strip():
            values["name"] = DEFAULT_NAMES.get(values["type"], values["type"].replace("_", " ").capitalize())
        if values["type"] != EMAIL:
            values["integration_key"] = store.ids.integration_key()
    kind = values.get("type") or existing["type"]
    email = values.get("integration_email")
    if kind == EMAIL and (existing is None or "integration_email" in values):
        subdomain = HTML_BASE.split("//", 1)[1]
        if not email:
            raise invalid(f"Integration email can't be blank; use an address such as alerts@{subdomain}")
        if not INTEGRATION_EMAIL_RE.match(email):
            raise invalid(
                f"Integration email must be an address at your subdomain, such as alerts@{subdomain}"
            )
        for other in store.table("integrations").values():
            if (other.get("integration_email") or "").lower() == email.lower() and other is not existing:
                raise invalid("Integration email has already been taken")


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
    if record["type"] != EMAIL:
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
    html_of=lambda r: f"services/{r['service']}/integrations/{r['id']}",
    validate=_validate_integration,
    render=_render_integration,
    after_create=_register_integration,
)


# -- routes ---------------------------------------------------------------------------------------


def service_custom_fields(app: Any, request: Request) -> Response:
    """The account defines no custom fields for services; served so the {id} route never sees it."""
    return Response.json(200, {"fields": []})


def register(router: Router) -> None:
    """Routes of the service plumbing beyond the generic CRUD ones (integrations are in rest.py)."""
    router.add("GET", "/services/custom_fields", service_custom_fields)
    maintenance.register(router)
    extensions.register(router)
    change_events.register(router)
