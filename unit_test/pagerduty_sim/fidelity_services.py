"""Fidelity scenarios for services and their plumbing: integrations, extensions, maintenance
windows, change events and the service custom-fields listing.

No scenario sends an expanding ``include[]``: the documents type those fields as references only
(for example ``Service.integrations`` says "full objects" but lists ``IntegrationReference``), so
expansions are covered by behaviour tests instead.

``test_fidelity.py`` calls ``add(scenario)`` with its decorator, so these scenarios join its
registry (and its route-coverage test) without a second copy of the machinery.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

WEBHOOK_SCHEMA = "P8X2W9Q"  # the seeded Generic V2 Webhook schema


def at(minutes: float) -> str:
    """An ISO 8601 UTC time ``minutes`` from now (the simulator's clock follows real time)."""
    return (datetime.now(timezone.utc) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_body(c: Any, start: float, end: float) -> dict[str, Any]:
    return {
        "maintenance_window": {
            "type": "maintenance_window",
            "start_time": at(start),
            "end_time": at(end),
            "description": "Deploy 1.2.3",
            "services": [{"id": c.service, "type": "service_reference"}],
        }
    }


def new_window(c: Any, start: float = 0, end: float = 60) -> str:
    response = c.api.post("/maintenance_windows", json=window_body(c, start, end))
    assert response.status_code == 201, response.text
    return response.json()["maintenance_window"]["id"]


def extension_body(c: Any, schema: str = WEBHOOK_SCHEMA) -> dict[str, Any]:
    return {
        "extension": {
            "type": "extension",
            "name": "Audit hook",
            "endpoint_url": "https://hooks.example.com/audit",
            "extension_schema": {"id": schema, "type": "extension_schema_reference"},
            "extension_objects": [{"id": c.service, "type": "service_reference"}],
            "config": {"headers": [{"name": "X-Team", "value": "payments"}]},
        }
    }


def seeded_extension(c: Any) -> str:
    return c.api.get("/extensions").json()["extensions"][0]["id"]


def add(scenario) -> None:
    """Register this module's scenarios with ``scenario`` (test_fidelity's decorator)."""

    @scenario("GET", "/services", 200)
    def list_services_of_a_team(c):
        return c.call("GET", f"/services?team_ids[]={c.teams['Payments']}", c.api)

    @scenario("POST", "/services", 201)
    def create_service_with_support_hours(c):
        body = {
            "service": {
                "type": "service",
                "name": "Billing",
                "escalation_policy": {"id": c.policy, "type": "escalation_policy_reference"},
                "acknowledgement_timeout": 600,
                "auto_resolve_timeout": 0,
                "incident_urgency_rule": {
                    "type": "use_support_hours",
                    "during_support_hours": {"type": "constant", "urgency": "high"},
                    "outside_support_hours": {"type": "constant", "urgency": "low"},
                },
                "support_hours": {
                    "type": "fixed_time_per_day",
                    "time_zone": "Europe/Berlin",
                    "start_time": "09:00:00",
                    "end_time": "17:00:00",
                    "days_of_week": [1, 2, 3, 4, 5],
                },
                "alert_grouping_parameters": {"type": "time", "config": {"timeout": 15}},
            }
        }
        return c.call("POST", "/services", c.api, body)

    @scenario("DELETE", "/services/{id}", 400)
    def delete_service_with_open_incident(c):
        c.incident()
        return c.call("DELETE", f"/services/{c.service}", c.api)

    @scenario("POST", "/services/{id}/integrations", 201)
    def create_email_integration(c):
        body = {
            "integration": {
                "type": "generic_email_inbound_integration",
                "name": "Mail alerts",
                "integration_email": "checkout-alerts@pdt-sim.pagerduty.com",
            }
        }
        return c.call("POST", f"/services/{c.service}/integrations", c.api, body)

    @scenario("GET", "/services/custom_fields", 200)
    def service_custom_fields(c):
        return c.call("GET", "/services/custom_fields", c.api)

    # -- maintenance windows ----------------------------------------------------------------------

    @scenario("GET", "/maintenance_windows", 200)
    def list_maintenance_windows(c):
        new_window(c)
        query = f"filter=ongoing&service_ids[]={c.service}&total=true"
        return c.call("GET", f"/maintenance_windows?{query}", c.api)

    @scenario("POST", "/maintenance_windows", 201)
    def create_maintenance_window(c):
        return c.call("POST", "/maintenance_windows", c.api, window_body(c, 60, 120))

    @scenario("POST", "/maintenance_windows", 400)
    def create_maintenance_window_ending_before_start(c):
        return c.call("POST", "/maintenance_windows", c.api, window_body(c, 120, 60))

    @scenario("GET", "/maintenance_windows/{id}", 200)
    def get_maintenance_window(c):
        return c.call("GET", f"/maintenance_windows/{new_window(c)}", c.api)

    @scenario("PUT", "/maintenance_windows/{id}", 200)
    def update_maintenance_window(c):
        body = {"maintenance_window": {"type": "maintenance_window", "end_time": at(90)}}
        return c.call("PUT", f"/maintenance_windows/{new_window(c)}", c.api, body)

    @scenario("DELETE", "/maintenance_windows/{id}", 204)
    def end_maintenance_window(c):
        return c.call("DELETE", f"/maintenance_windows/{new_window(c)}", c.api)

    @scenario("DELETE", "/maintenance_windows/{id}", 405)
    def delete_past_maintenance_window(c):
        past = c.api.get("/maintenance_windows?filter=past").json()["maintenance_windows"][0]["id"]
        return c.call("DELETE", f"/maintenance_windows/{past}", c.api)

    # -- extensions -------------------------------------------------------------------------------

    @scenario("GET", "/extension_schemas", 200)
    def list_extension_schemas(c):
        return c.call("GET", "/extension_schemas", c.api)

    @scenario("GET", "/extension_schemas/{id}", 200)
    def get_extension_schema(c):
        return c.call("GET", f"/extension_schemas/{WEBHOOK_SCHEMA}", c.api)

    @scenario("GET", "/extensions", 200)
    def list_extensions(c):
        query = f"extension_object_id={c.service}&extension_schema_id={WEBHOOK_SCHEMA}&query=deploy"
        return c.call("GET", f"/extensions?{query}", c.api)

    @scenario("POST", "/extensions", 201)
    def create_extension(c):
        return c.call("POST", "/extensions", c.api, extension_body(c))

    @scenario("POST", "/extensions", 400)
    def create_extension_with_unknown_schema(c):
        return c.call("POST", "/extensions", c.api, extension_body(c, schema="PNOPE12"))

    @scenario("GET", "/extensions/{id}", 200)
    def get_extension(c):
        return c.call("GET", f"/extensions/{seeded_extension(c)}", c.api)

    @scenario("PUT", "/extensions/{id}", 200)
    def update_extension(c):
        body = {"extension": {"type": "extension", "name": "Deploy notifier (prod)"}}
        return c.call("PUT", f"/extensions/{seeded_extension(c)}", c.api, body)

    @scenario("DELETE", "/extensions/{id}", 204)
    def delete_extension(c):
        return c.call("DELETE", f"/extensions/{seeded_extension(c)}", c.api)

    @scenario("POST", "/extensions/{id}/enable", 200)
    def enable_extension(c):
        return c.call("POST", f"/extensions/{seeded_extension(c)}/enable", c.api)

    # -- change events ----------------------------------------------------------------------------

    @scenario("GET", "/change_events", 200)
    def list_change_events_in_window(c):
        body = {"routing_key": c.keys["routing_keys"]["Checkout API"], "payload": {"summary": "Deployed"}}
        assert c.events.post(c.sim.url + "/v2/change/enqueue", json=body, timeout=10).status_code == 202
        integration = c.services["Checkout API"]["integrations"][0]["id"]
        query = f"since={at(-60)}&until={at(60)}&integration_ids[]={integration}"
        return c.call("GET", f"/change_events?{query}&team_ids[]={c.teams['Payments']}", c.api)

    @scenario("GET", "/change_events", 400)
    def list_change_events_with_local_time(c):
        return c.call("GET", "/change_events?since=2024-05-01T10:00:00%2B02:00", c.api)
