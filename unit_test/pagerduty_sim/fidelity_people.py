"""Fidelity scenarios for people: contact methods, notification rules, the owner, team deletion
with ``reassignment_team`` and the read-only account key.

Notification rules are listed without ``include[]=contact_methods``: the documents type a rule's
``contact_method`` as a reference only, so the expansion is covered by a behaviour test.

``test_fidelity.py`` calls ``add(scenario)`` with its decorator, so these scenarios join its
registry (and its route-coverage test).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_RECORDED: list[tuple[str, str, int, Callable[[Any], Any]]] = []
CM = "/users/{id}/contact_methods"
NR = "/users/{id}/notification_rules"
PHONE = {"type": "phone_contact_method", "label": "Mobile", "address": "1706543210", "country_code": 49}


def _scenario(method: str, template: str, status: int):
    def record(run: Callable[[Any], Any]) -> Callable[[Any], Any]:
        _RECORDED.append((method, template, status, run))
        return run

    return record


def add(scenario) -> None:
    """Register this module's scenarios with ``scenario`` (test_fidelity's decorator)."""
    for method, template, status, run in _RECORDED:
        scenario(method, template, status)(run)


def uma(c: Any) -> str:
    return c.users["Uma User"]


def methods(c: Any, user: str) -> list[dict[str, Any]]:
    return c.api.get(f"/users/{user}/contact_methods").json()["contact_methods"]


def new_method(c: Any, user: str, body: dict[str, Any] = PHONE) -> str:
    response = c.api.post(f"/users/{user}/contact_methods", json={"contact_method": body})
    assert response.status_code == 201, response.text
    return response.json()["contact_method"]["id"]


def rules(c: Any, user: str) -> list[dict[str, Any]]:
    return c.api.get(f"/users/{user}/notification_rules?urgency=all").json()["notification_rules"]


def read_only(c: Any) -> dict[str, str]:
    return {"Authorization": f"Token token={c.keys['read_only_token']}"}


# -- contact methods ------------------------------------------------------------------------------


@_scenario("GET", CM, 200)
def list_contact_methods(c):
    return c.call("GET", f"/users/{uma(c)}/contact_methods", c.api)


@_scenario("GET", CM, 200)
def list_push_and_email_contact_methods(c):
    return c.call("GET", f"/users/{c.users['Ulf User']}/contact_methods", c.api)


@_scenario("POST", CM, 201)
def create_phone_contact_method(c):
    return c.call("POST", f"/users/{uma(c)}/contact_methods", c.api, {"contact_method": PHONE})


@_scenario("POST", CM, 201)
def create_email_contact_method(c):
    body = {"type": "email_contact_method", "label": "Pager", "address": "uma@pager.example.net"}
    return c.call("POST", f"/users/{uma(c)}/contact_methods", c.api, {"contact_method": body})


@_scenario("POST", CM, 400)
def create_duplicate_contact_method(c):
    new_method(c, uma(c))
    return c.call("POST", f"/users/{uma(c)}/contact_methods", c.api, {"contact_method": PHONE})


@_scenario("GET", CM + "/{contact_method_id}", 200)
def get_contact_method(c):
    method = methods(c, uma(c))[1]["id"]
    return c.call("GET", f"/users/{uma(c)}/contact_methods/{method}", c.api)


@_scenario("GET", CM + "/{contact_method_id}", 404)
def get_contact_method_of_another_user(c):
    method = methods(c, c.users["Ada Admin"])[0]["id"]
    return c.call("GET", f"/users/{uma(c)}/contact_methods/{method}", c.api)


@_scenario("PUT", CM + "/{contact_method_id}", 200)
def update_contact_method(c):
    method = new_method(c, uma(c))
    body = {"contact_method": {**PHONE, "label": "Old mobile"}}
    return c.call("PUT", f"/users/{uma(c)}/contact_methods/{method}", c.api, body)


@_scenario("DELETE", CM + "/{contact_method_id}", 204)
def delete_contact_method(c):
    method = new_method(c, uma(c))
    return c.call("DELETE", f"/users/{uma(c)}/contact_methods/{method}", c.api)


@_scenario("DELETE", CM + "/{contact_method_id}", 400)
def delete_primary_contact_method(c):
    method = methods(c, uma(c))[0]["id"]
    return c.call("DELETE", f"/users/{uma(c)}/contact_methods/{method}", c.api)


# -- notification rules ---------------------------------------------------------------------------


def rule_body(method: str, urgency: str = "high", delay: int = 3) -> dict[str, Any]:
    return {
        "notification_rule": {
            "type": "assignment_notification_rule",
            "start_delay_in_minutes": delay,
            "urgency": urgency,
            "contact_method": {"id": method, "type": "phone_contact_method_reference"},
        }
    }


@_scenario("GET", NR, 200)
def list_notification_rules(c):
    return c.call("GET", f"/users/{uma(c)}/notification_rules?urgency=all", c.api)


@_scenario("POST", NR, 201)
def create_notification_rule(c):
    return c.call("POST", f"/users/{uma(c)}/notification_rules", c.api, rule_body(new_method(c, uma(c))))


@_scenario("POST", NR, 402)
def create_low_urgency_rule_without_the_ability(c):
    method = new_method(c, uma(c))
    c.sim.settings.abilities = ["teams"]
    return c.call("POST", f"/users/{uma(c)}/notification_rules", c.api, rule_body(method, "low"))


@_scenario("GET", NR + "/{notification_rule_id}", 200)
def get_notification_rule(c):
    rule = rules(c, uma(c))[0]["id"]
    return c.call("GET", f"/users/{uma(c)}/notification_rules/{rule}", c.api)


@_scenario("PUT", NR + "/{notification_rule_id}", 200)
def update_notification_rule(c):
    rule = rules(c, uma(c))[0]
    body = rule_body(rule["contact_method"]["id"], delay=1)
    body["notification_rule"]["contact_method"]["type"] = rule["contact_method"]["type"]
    return c.call("PUT", f"/users/{uma(c)}/notification_rules/{rule['id']}", c.api, body)


@_scenario("DELETE", NR + "/{notification_rule_id}", 204)
def delete_notification_rule(c):
    rule = rules(c, uma(c))[0]["id"]
    return c.call("DELETE", f"/users/{uma(c)}/notification_rules/{rule}", c.api)


# -- the owner, teams, the read-only key -------------------------------------------------------------


@_scenario("DELETE", "/users/{id}", 400)
def delete_the_owner(c):
    return c.call("DELETE", f"/users/{c.users['Olivia Owner']}", c.api)


@_scenario("DELETE", "/teams/{id}", 204)
def delete_team_reassigning_incidents(c):
    team = c.api.post("/teams", json={"team": {"type": "team", "name": "Search"}}).json()["team"]["id"]
    return c.call("DELETE", f"/teams/{team}?reassignment_team={c.teams['Payments']}", c.api)


@_scenario("POST", "/users", 403)
def create_user_with_read_only_key(c):
    body = {"user": {"type": "user", "name": "Nia New", "email": "nia.new@example.com"}}
    return c.call("POST", "/users", c.api, body, headers=read_only(c))


@_scenario("PUT", "/teams/{id}/users/{user_id}", 403)
def add_team_member_with_read_only_key(c):
    path = f"/teams/{c.teams['Platform']}/users/{c.users['Lee Limited']}"
    return c.call("PUT", path, c.api, {"role": "responder"}, headers=read_only(c))


@_scenario("GET", "/users/me", 400)
def users_me_with_read_only_key(c):
    return c.call("GET", "/users/me", c.api, headers=read_only(c))
