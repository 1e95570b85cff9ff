"""Fidelity scenarios for incidents and what hangs off them: state changes, bulk updates, merge,
snooze, notes, status updates, responder requests, log entries, alerts, types and custom fields.

``test_fidelity.py`` calls ``add(scenario)`` with its decorator, so these scenarios join its
registry (and its route-coverage test). Several read the demo seed's incidents: PDEMO01
(triggered, with an alert and a note), PDEMO02 (acknowledged), PDEMO03 (resolved).

Alerts and log entries are listed without expanding ``include[]``: the documents type their
``incident``, ``service``, ``teams`` and ``first_trigger_log_entry`` as references only, so the
expansions are covered by behaviour tests instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _ref(kind: str, ident: str) -> dict[str, str]:
    return {"id": ident, "type": f"{kind}_reference"}


def _update(c: Any, ident: str, **fields: Any) -> Any:
    return c.call("PUT", f"/incidents/{ident}", c.api, {"incident": {"type": "incident_reference", **fields}})


_RECORDED: list[tuple[str, str, int, Callable[[Any], Any]]] = []


def _scenario(
    method: str, template: str, status: int
) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Record a scenario here; ``add`` hands them to test_fidelity's registry."""

    def record(run: Callable[[Any], Any]) -> Callable[[Any], Any]:
        _RECORDED.append((method, template, status, run))
        return run

    return record


def add(scenario) -> None:
    """Register this module's scenarios with ``scenario`` (test_fidelity's decorator)."""
    for method, template, status, run in _RECORDED:
        scenario(method, template, status)(run)


# -- listing and reading --------------------------------------------------------------------------


@_scenario("GET", "/incidents", 200)
def list_incidents_expanded(c):
    query = (
        "date_range=all&total=true&limit=2&include[]=acknowledgers&include[]=agents"
        "&include[]=first_trigger_log_entries&include[]=priorities&include[]=services&include[]=teams"
    )
    return c.call("GET", f"/incidents?{query}", c.api)


@_scenario("GET", "/incidents", 200)
def list_incidents_in_a_window(c):
    window = "since=2020-01-01T00:00:00Z&until=2020-06-01T00:00:00Z"
    query = f"{window}&service_ids[]={c.service}&urgencies[]=high"
    return c.call("GET", f"/incidents?{query}", c.api)


@_scenario("GET", "/incidents", 400)
def list_incidents_past_the_ceiling(c):
    return c.call("GET", "/incidents?date_range=all&offset=9950&limit=100", c.api)


@_scenario("GET", "/incidents", 400)
def list_incidents_over_six_months(c):
    return c.call("GET", "/incidents?since=2024-01-01T00:00:00Z&until=2024-12-01T00:00:00Z", c.api)


@_scenario("GET", "/incidents/{id}", 200)
def get_incident_by_number_with_bridge(c):
    return c.call("GET", "/incidents/1?include[]=conference_bridge&include[]=assignees", c.api)


@_scenario("GET", "/incidents/{id}", 404)
def get_unknown_incident(c):
    return c.call("GET", "/incidents/PNOPE12", c.api)


# -- creating and changing ------------------------------------------------------------------------


@_scenario("POST", "/incidents", 201)
def create_assigned_incident_with_bridge(c):
    body = {
        "incident": {
            "type": "incident",
            "title": "Checkout refunds fail",
            "service": _ref("service", c.service),
            "priority": _ref("priority", c.sim.state()["priorities"][0]["id"]),
            "assignments": [{"assignee": _ref("user", c.users["Uma User"])}],
            "conference_bridge": {
                "conference_number": "+1 415-555-0100,,,,1234#",
                "conference_url": "https://meet.example.com/refunds",
            },
        }
    }
    return c.call("POST", "/incidents", c.api, body)


@_scenario("PUT", "/incidents/{id}", 200)
def escalate_incident(c):
    return _update(c, c.incident()["id"], escalation_level=2)


@_scenario("PUT", "/incidents/{id}", 200)
def reassign_incident_and_set_priority(c):
    assignments = [{"assignee": _ref("user", c.users["Ulf User"])}]
    return _update(c, c.incident()["id"], assignments=assignments, priority="P2", urgency="low")


@_scenario("PUT", "/incidents/{id}", 400)
def acknowledge_resolved_incident(c):
    return _update(c, "PDEMO03", status="acknowledged")


@_scenario("PUT", "/incidents/{id}", 400)
def set_acknowledged_incident_back_to_triggered(c):
    return _update(c, "PDEMO02", status="triggered")


@_scenario("PUT", "/incidents", 400)
def update_incidents_with_one_resolved(c):
    items = [
        {"id": c.incident()["id"], "type": "incident_reference", "status": "acknowledged"},
        {"id": "PDEMO03", "type": "incident_reference", "status": "resolved"},
    ]
    return c.call("PUT", "/incidents", c.api, {"incidents": items})


@_scenario("PUT", "/incidents", 413)
def update_too_many_incidents(c):
    items = [{"id": f"P{n:06d}", "type": "incident_reference", "status": "acknowledged"} for n in range(251)]
    return c.call("PUT", "/incidents", c.api, {"incidents": items})


# -- merge and snooze -----------------------------------------------------------------------------


@_scenario("PUT", "/incidents/{id}/merge", 200)
def merge_incidents(c):
    source = c.trigger("disk-db2")
    body = {"source_incidents": [_ref("incident", source["id"]), _ref("incident", c.incident()["id"])]}
    return c.call("PUT", "/incidents/PDEMO01/merge", c.api, body)


@_scenario("PUT", "/incidents/{id}/merge", 400)
def merge_already_merged_incident(c):
    source = c.incident()
    body = {"source_incidents": [_ref("incident", source["id"])]}
    assert c.api.put("/incidents/PDEMO01/merge", json=body).status_code == 200
    return c.call("PUT", "/incidents/PDEMO02/merge", c.api, body)


@_scenario("POST", "/incidents/{id}/snooze", 201)
def snooze_incident(c):
    return c.call("POST", "/incidents/PDEMO02/snooze", c.api, {"duration": 3600})


@_scenario("POST", "/incidents/{id}/snooze", 400)
def snooze_triggered_incident(c):
    return c.call("POST", "/incidents/PDEMO01/snooze", c.api, {"duration": 3600})


# -- notes, status updates, responders ------------------------------------------------------------


@_scenario("POST", "/incidents/{id}/notes", 400)
def create_blank_note(c):
    return c.call("POST", "/incidents/PDEMO01/notes", c.api, {"note": {"content": ""}})


@_scenario("GET", "/incidents/{id}/notes", 200)
def list_seeded_notes(c):
    return c.call("GET", "/incidents/PDEMO01/notes", c.api)


@_scenario("POST", "/incidents/{id}/status_updates", 200)
def create_status_update(c):
    body = {
        "message": "Rollback done; error rate back under 1%",
        "subject": "Gateway",
        "html_message": "<p>Done</p>",
    }
    return c.call("POST", "/incidents/PDEMO01/status_updates", c.api, body)


@_scenario("POST", "/incidents/{id}/status_updates", 400)
def create_blank_status_update(c):
    return c.call("POST", "/incidents/PDEMO01/status_updates", c.api, {"message": " "})


@_scenario("POST", "/incidents/{id}/responder_requests", 200)
def request_responders(c):
    body = {
        "requester_id": c.users["Ada Admin"],
        "message": "Please join the bridge",
        "responder_request_targets": [
            {"responder_request_target": _ref("user", c.users["Arun Admin"])},
            {"responder_request_target": _ref("escalation_policy", c.policy)},
        ],
    }
    return c.call("POST", "/incidents/PDEMO01/responder_requests", c.api, body)


@_scenario("POST", "/incidents/{id}/responder_requests", 402)
def request_responders_without_the_ability(c):
    c.sim.settings.abilities = ["teams", "urgencies"]
    body = {
        "requester_id": c.users["Ada Admin"],
        "message": "Please join",
        "responder_request_targets": [{"responder_request_target": _ref("user", c.users["Arun Admin"])}],
    }
    return c.call("POST", "/incidents/PDEMO01/responder_requests", c.api, body)


@_scenario("GET", "/incidents/{id}", 200)
def get_incident_with_responders(c):
    body = {
        "requester_id": c.users["Ada Admin"],
        "message": "Please join",
        "responder_request_targets": [{"responder_request_target": _ref("user", c.users["Arun Admin"])}],
    }
    assert c.api.post("/incidents/PDEMO01/responder_requests", json=body).status_code == 200
    return c.call("GET", "/incidents/PDEMO01", c.api)


# -- log entries and alerts -----------------------------------------------------------------------


@_scenario("GET", "/log_entries", 200)
def list_log_entries_overview(c):
    query = "since=2020-01-01T00:00:00Z&is_overview=true&include[]=channels&total=true"
    return c.call("GET", f"/log_entries?{query}", c.api)


@_scenario("GET", "/incidents/{id}/log_entries", 200)
def snoozed_incident_log_entries(c):
    assert c.api.post("/incidents/PDEMO02/snooze", json={"duration": 600}).status_code == 201
    return c.call("GET", "/incidents/PDEMO02/log_entries?include[]=channels", c.api)


@_scenario("GET", "/incidents/{id}/alerts", 200)
def merged_incident_alerts(c):
    body = {"source_incidents": [_ref("incident", c.incident()["id"])]}
    assert c.api.put("/incidents/PDEMO01/merge", json=body).status_code == 200
    query = "sort_by=created_at:desc&statuses[]=triggered&statuses[]=resolved"
    return c.call("GET", f"/incidents/PDEMO01/alerts?{query}", c.api)


@_scenario("GET", "/incidents/types", 200)
def list_incident_types(c):
    return c.call("GET", "/incidents/types?filter=all", c.api)


@_scenario("GET", "/incidents/custom_fields", 200)
def list_incident_custom_fields(c):
    return c.call("GET", "/incidents/custom_fields?include[]=field_options", c.api)
