"""Fidelity scenarios for on-call: escalation policies, schedules (rendered for a window), overrides
and ``GET /oncalls``.

``test_fidelity.py`` calls ``add(scenario)`` with its decorator, so these scenarios join its
registry (and its route-coverage test). Expanding ``include[]`` values are left to behaviour tests:
the documents type the expanded fields (targets, teams, users) as references only.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any


def at(hours: float) -> str:
    """An ISO 8601 UTC time ``hours`` from now (the simulator's clock follows real time)."""
    return (datetime.now(timezone.utc) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def ref(kind: str, rid: str) -> dict[str, str]:
    return {"id": rid, "type": f"{kind}_reference"}


def policy_body(c: Any, name: str, target: dict[str, str] | None = None) -> dict[str, Any]:
    rule = {"escalation_delay_in_minutes": 10, "targets": [target or ref("user", c.users["Uma User"])]}
    return {"escalation_policy": {"type": "escalation_policy", "name": name, "escalation_rules": [rule]}}


def schedule_body(c: Any, name: str = "Nights", **layer: Any) -> dict[str, Any]:
    base = {
        "name": "Night shift",
        "start": "2024-01-01T00:00:00Z",
        "rotation_virtual_start": "2024-01-01T00:00:00Z",
        "rotation_turn_length_seconds": 86400,
        "users": [{"user": ref("user", c.users["Uma User"])}, {"user": ref("user", c.users["Ulf User"])}],
    }
    return {
        "schedule": {
            "type": "schedule",
            "name": name,
            "time_zone": "Europe/Berlin",
            "description": "Nights",
            "schedule_layers": [{**base, **layer}],
        }
    }


def new_schedule(c: Any) -> str:
    response = c.api.post("/schedules", json=schedule_body(c, "Temp"))
    assert response.status_code == 200, response.text
    return response.json()["schedule"]["id"]


def override(c: Any, start: float, end: float, user: str = "Ada Admin") -> dict[str, Any]:
    return {"start": at(start), "end": at(end), "user": ref("user", c.users[user]), "time_zone": "UTC"}


def new_override(c: Any, start: float, end: float) -> str:
    body = {"overrides": [override(c, start, end)]}
    response = c.api.post(f"/schedules/{c.schedule}/overrides", json=body)
    assert response.status_code == 201, response.text
    return response.json()[0]["override"]["id"]


def add(scenario) -> None:
    """Register this module's scenarios with ``scenario`` (test_fidelity's decorator)."""
    _policies(scenario)
    _schedules(scenario)
    _overrides(scenario)
    _oncalls(scenario)


def _policies(scenario) -> None:
    @scenario("GET", "/escalation_policies", 200)
    def list_policies(c):
        return c.call("GET", f"/escalation_policies?query=plat&user_ids[]={c.users['Ada Admin']}", c.api)

    @scenario("GET", "/escalation_policies", 200)
    def list_policies_of_a_team(c):
        return c.call("GET", f"/escalation_policies?team_ids[]={c.teams['Payments']}", c.api)

    @scenario("GET", "/escalation_policies/{id}", 200)
    def get_policy(c):
        return c.call("GET", f"/escalation_policies/{c.policy}", c.api)

    @scenario("GET", "/escalation_policies/{id}", 404)
    def get_unknown_policy(c):
        return c.call("GET", "/escalation_policies/PNOPE12", c.api)

    @scenario("POST", "/escalation_policies", 201)
    def create_policy(c):
        return c.call("POST", "/escalation_policies", c.api, policy_body(c, "Search EP"))

    @scenario("POST", "/escalation_policies", 201)
    def create_policy_on_a_schedule(c):
        body = policy_body(c, "Search EP", ref("schedule", c.schedule))
        body["escalation_policy"].update(num_loops=2, teams=[ref("team", c.teams["Platform"])])
        return c.call("POST", "/escalation_policies", c.api, body)

    @scenario("POST", "/escalation_policies", 400)
    def create_policy_duplicate(c):
        return c.call("POST", "/escalation_policies", c.api, policy_body(c, "Platform Escalation"))

    @scenario("POST", "/escalation_policies", 400)
    def create_policy_for_an_unknown_user(c):
        return c.call("POST", "/escalation_policies", c.api, policy_body(c, "X", ref("user", "PNOPE12")))

    @scenario("PUT", "/escalation_policies/{id}", 200)
    def update_policy(c):
        body = {"escalation_policy": {"type": "escalation_policy", "description": "Updated"}}
        return c.call("PUT", f"/escalation_policies/{c.policy}", c.api, body)

    @scenario("PUT", "/escalation_policies/{id}", 400)
    def update_policy_without_rules(c):
        body = {"escalation_policy": {"type": "escalation_policy", "escalation_rules": []}}
        return c.call("PUT", f"/escalation_policies/{c.policy}", c.api, body)

    @scenario("DELETE", "/escalation_policies/{id}", 204)
    def delete_policy(c):
        policy = c.api.post("/escalation_policies", json=policy_body(c, "Temp")).json()["escalation_policy"]
        return c.call("DELETE", f"/escalation_policies/{policy['id']}", c.api)

    @scenario("DELETE", "/escalation_policies/{id}", 400)
    def delete_policy_in_use(c):
        return c.call("DELETE", f"/escalation_policies/{c.policy}", c.api)


def _schedules(scenario) -> None:
    @scenario("GET", "/schedules", 200)
    def list_schedules(c):
        return c.call("GET", "/schedules?query=plat", c.api)

    @scenario("GET", "/schedules", 200)
    def list_schedules_rendered(c):
        query = "include[]=final_schedule&include[]=schedule_layers&since=2024-03-25T00:00:00Z"
        return c.call("GET", f"/schedules?{query}&time_zone=UTC&team_ids[]={c.teams['Platform']}", c.api)

    @scenario("GET", "/schedules/{id}", 200)
    def get_schedule(c):
        return c.call("GET", f"/schedules/{c.schedule}", c.api)

    @scenario("GET", "/schedules/{id}", 200)
    def get_schedule_rendered(c):
        new_override(c, 1, 3)
        window = f"since={at(-24)}&until={at(24)}&time_zone=America/New_York"
        return c.call("GET", f"/schedules/{c.schedule}?{window}&overflow=true", c.api)

    @scenario("GET", "/schedules/{id}", 404)
    def get_unknown_schedule(c):
        return c.call("GET", "/schedules/PNOPE12", c.api)

    @scenario("GET", "/schedules/{id}", 400)
    def get_schedule_with_until_before_since(c):
        return c.call("GET", f"/schedules/{c.schedule}?since={at(0)}&until={at(-1)}", c.api)

    @scenario("GET", "/schedules/{id}/users", 200)
    def schedule_users(c):
        return c.call("GET", f"/schedules/{c.schedule}/users", c.api)

    @scenario("GET", "/schedules/{id}/users", 200)
    def schedule_users_on_call_in_a_window(c):
        return c.call("GET", f"/schedules/{c.schedule}/users?since={at(0)}&until={at(1)}", c.api)

    @scenario("POST", "/schedules", 200)
    def create_schedule(c):
        return c.call("POST", "/schedules", c.api, schedule_body(c))

    @scenario("POST", "/schedules", 200)
    def create_schedule_with_restrictions(c):
        restrictions = [
            {"type": "daily_restriction", "start_time_of_day": "20:00:00", "duration_seconds": 43200},
            {
                "type": "weekly_restriction",
                "start_day_of_week": 6,
                "start_time_of_day": "00:00:00",
                "duration_seconds": 172800,
            },
        ]
        return c.call("POST", "/schedules", c.api, schedule_body(c, restrictions=restrictions))

    @scenario("POST", "/schedules", 400)
    def create_schedule_with_an_unknown_zone(c):
        body = schedule_body(c)
        body["schedule"]["time_zone"] = "Mars/Olympus"
        return c.call("POST", "/schedules", c.api, body)

    @scenario("PUT", "/schedules/{id}", 200)
    def update_schedule(c):
        body = {"schedule": {"type": "schedule", "name": "Platform Primary 2", "time_zone": "Europe/Berlin"}}
        return c.call("PUT", f"/schedules/{c.schedule}", c.api, body)

    @scenario("PUT", "/schedules/{id}", 200)
    def update_schedule_layers(c):
        body = schedule_body(c, "Platform Primary", rotation_turn_length_seconds=43200)
        return c.call("PUT", f"/schedules/{c.schedule}", c.api, body)

    @scenario("DELETE", "/schedules/{id}", 204)
    def delete_schedule(c):
        return c.call("DELETE", f"/schedules/{new_schedule(c)}", c.api)

    @scenario("DELETE", "/schedules/{id}", 400)
    def delete_schedule_in_use(c):
        return c.call("DELETE", f"/schedules/{c.schedule}", c.api)


def _overrides(scenario) -> None:
    @scenario("GET", "/schedules/{id}/overrides", 200)
    def list_overrides(c):
        new_override(c, 2, 4)
        return c.call("GET", f"/schedules/{c.schedule}/overrides?since={at(0)}&until={at(3)}", c.api)

    @scenario("GET", "/schedules/{id}/overrides", 400, valid_request=False)
    def list_overrides_without_a_window(c):
        return c.call("GET", f"/schedules/{c.schedule}/overrides", c.api)

    @scenario("POST", "/schedules/{id}/overrides", 201)
    def create_overrides(c):
        body = {"overrides": [override(c, 1, 2), override(c, 3, 2)]}
        return c.call("POST", f"/schedules/{c.schedule}/overrides", c.api, body)

    @scenario("POST", "/schedules/{id}/overrides", 404)
    def create_overrides_on_an_unknown_schedule(c):
        return c.call("POST", "/schedules/PNOPE12/overrides", c.api, {"overrides": [override(c, 1, 2)]})

    @scenario("DELETE", "/schedules/{id}/overrides/{override_id}", 204)
    def delete_future_override(c):
        return c.call("DELETE", f"/schedules/{c.schedule}/overrides/{new_override(c, 1, 2)}", c.api)

    @scenario("DELETE", "/schedules/{id}/overrides/{override_id}", 200)
    def delete_override_in_progress(c):
        return c.call("DELETE", f"/schedules/{c.schedule}/overrides/{new_override(c, -1, 2)}", c.api)

    @scenario("DELETE", "/schedules/{id}/overrides/{override_id}", 404)
    def delete_unknown_override(c):
        return c.call("DELETE", f"/schedules/{c.schedule}/overrides/Q0NOPE0NOPE0NO", c.api)


def _oncalls(scenario) -> None:
    @scenario("GET", "/oncalls", 200)
    def list_oncalls(c):
        return c.call("GET", f"/oncalls?escalation_policy_ids[]={c.policy}&earliest=true", c.api)

    @scenario("GET", "/oncalls", 200)
    def list_oncalls_over_a_window(c):
        query = f"since={at(0)}&until={at(24 * 14)}&schedule_ids[]={c.schedule}&time_zone=Europe/Berlin"
        return c.call("GET", f"/oncalls?{query}&user_ids[]={c.users['Uma User']}", c.api)

    @scenario("GET", "/oncalls", 400)
    def list_oncalls_too_far_ahead(c):
        return c.call("GET", f"/oncalls?until={at(24 * 100)}", c.api)
