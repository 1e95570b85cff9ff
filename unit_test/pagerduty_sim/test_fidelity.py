"""Every operation the simulator serves answers as PagerDuty's official OpenAPI documents say.

Each scenario makes its setup calls unchecked, then one checked call: the request must conform
(so the simulator is tested with what real clients send) and the response must conform, with
the expected status. A coverage test keeps the scenarios in step with the simulator's routes.
The documents' quirks are all handled in one place, ``unit_test.openapi_contract``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from unit_test.openapi_contract import contract
from unit_test.pagerduty_sim import fidelity_incidents, fidelity_oncall
from unit_test.pagerduty_sim import fidelity_services as services_scenarios

JSON = {"Content-Type": "application/json"}


class Ctx:
    """Setup helpers and the one checked call of a scenario."""

    def __init__(self, sim: Any, api: Any, user_api: Any, events: Any):
        self.sim, self.api, self.user_api, self.events = sim, api, user_api, events
        state = sim.state()
        self.users = {u["name"]: u["id"] for u in state["users"]}
        self.teams = {t["name"]: t["id"] for t in state["teams"]}
        self.services = {s["name"]: s for s in state["services"]}
        self.policy = state["escalation_policies"][0]["id"]
        self.schedule = state["schedules"][0]["id"]
        self.keys = sim.credentials()
        self.checked: tuple[str, str, dict[str, list[str]], dict[str, str], Any] | None = None

    @property
    def service(self) -> str:
        return self.services["Checkout API"]["id"]

    def incident(self, **fields: Any) -> dict[str, Any]:
        body = {
            "incident": {
                "type": "incident",
                "title": "Checkout is down",
                "service": {"id": self.service, "type": "service_reference"},
                **fields,
            }
        }
        response = self.api.post("/incidents", json=body)
        assert response.status_code == 201, response.text
        return response.json()["incident"]

    def trigger(self, dedup_key: str = "disk-db1") -> dict[str, Any]:
        event = {
            "routing_key": self.keys["routing_keys"]["Checkout API"],
            "event_action": "trigger",
            "dedup_key": dedup_key,
            "payload": {"summary": "Disk full", "source": "db1", "severity": "error"},
        }
        assert self.events.post(self.sim.url + "/v2/enqueue", json=event, timeout=10).status_code == 202
        return self.api.get("/incidents", params={"incident_key": dedup_key}).json()["incidents"][0]

    def call(self, method: str, url: str, client: Any = None, body: Any = None, headers: Any = None) -> Any:
        """The checked call; ``client`` None means an Events call without credentials."""
        split = urlsplit(url)
        query = parse_qs(split.query, keep_blank_values=True)
        if client is None:
            sent = {"Content-Type": "application/json"}
            response = self.events.post(self.sim.url + url, json=body, timeout=10)
        else:
            sent = {**client.session.headers, **(JSON if body is not None else {}), **(headers or {})}
            response = client.call(method, url, json=body, headers=headers)
        self.checked = (method, split.path, query, dict(sent), body)
        return response


@dataclass
class Scenario:
    method: str
    template: str  # the simulator route it exercises
    status: int
    run: Callable[[Ctx], Any]
    valid_request: bool = True


SCENARIOS: dict[str, Scenario] = {}


def scenario(method: str, template: str, status: int, valid_request: bool = True):
    """Register the decorated function as the scenario named after it."""

    def register(run: Callable[[Ctx], Any]) -> Callable[[Ctx], Any]:
        SCENARIOS[run.__name__.replace("_", "-")] = Scenario(method, template, status, run, valid_request)
        return run

    return register


NEW_USER = {"user": {"type": "user", "name": "Nia New", "email": "nia.new@example.com", "role": "user"}}
TRIGGER = {
    "event_action": "trigger",
    "payload": {"summary": "Disk full", "source": "db1", "severity": "critical"},
}
V1 = "/generic/2010-04-15/create_event.json"


def _v2(c: Ctx, **event: Any) -> dict[str, Any]:
    return {"routing_key": c.keys["routing_keys"]["Checkout API"], **event}


def _change_event(c: Ctx) -> None:
    body = _v2(c, payload={"summary": "Deployed"})
    assert c.events.post(c.sim.url + "/v2/change/enqueue", json=body, timeout=10).status_code == 202


def _put_status(c: Ctx, incident: dict[str, Any], status: str, **extra: Any) -> Any:
    body = {"incident": {"type": "incident_reference", "status": status, **extra}}
    return c.call("PUT", f"/incidents/{incident['id']}", c.api, body)


# -- users ----------------------------------------------------------------------------------------


@scenario("GET", "/users", 200)
def list_users(c):
    return c.call(
        "GET", f"/users?query=ad&include[]=contact_methods&team_ids[]={c.teams['Platform']}&total=true", c.api
    )


@scenario("GET", "/users/{id}", 200)
def get_user(c):
    return c.call("GET", f"/users/{c.users['Ada Admin']}", c.api)


@scenario("GET", "/users/{id}", 404)
def get_unknown_user(c):
    return c.call("GET", "/users/PNOPE12", c.api)


@scenario("GET", "/users", 401)
def bad_key(c):
    return c.call("GET", "/users", c.api, headers={"Authorization": "Token token=nope"})


@scenario("GET", "/users", 400)
def offset_ceiling(c):
    return c.call("GET", "/users?offset=9950&limit=100", c.api)


@scenario("GET", "/users/me", 200)
def users_me(c):
    return c.call("GET", "/users/me", c.user_api)


@scenario("GET", "/users/me", 400)
def users_me_with_account_key(c):
    return c.call("GET", "/users/me", c.api)


@scenario("POST", "/users", 201)
def create_user(c):
    return c.call("POST", "/users", c.api, NEW_USER)


@scenario("POST", "/users", 400)
def create_user_duplicate(c):
    return c.call("POST", "/users", c.api, {"user": {**NEW_USER["user"], "email": "ada.admin@example.com"}})


@scenario("PUT", "/users/{id}", 200)
def update_user(c):
    return c.call("PUT", f"/users/{c.users['Uma User']}", c.api, {"user": {"job_title": "Staff Engineer"}})


@scenario("DELETE", "/users/{id}", 204)
def delete_user(c):
    return c.call("DELETE", f"/users/{c.users['Rita Restricted']}", c.api)


@scenario("DELETE", "/users/{id}", 400)
def delete_user_with_incidents(c):
    c.incident(assignments=[{"assignee": {"id": c.users["Uma User"], "type": "user_reference"}}])
    return c.call("DELETE", f"/users/{c.users['Uma User']}", c.api)


# -- teams ----------------------------------------------------------------------------------------


@scenario("GET", "/teams", 200)
def list_teams(c):
    return c.call("GET", "/teams?query=plat", c.api)


@scenario("GET", "/teams/{id}", 200)
def get_team(c):
    return c.call("GET", f"/teams/{c.teams['Platform']}", c.api)


@scenario("POST", "/teams", 201)
def create_team(c):
    return c.call(
        "POST", "/teams", c.api, {"team": {"type": "team", "name": "Search", "description": "Finds"}}
    )


@scenario("PUT", "/teams/{id}", 200)
def update_team(c):
    return c.call(
        "PUT", f"/teams/{c.teams['Payments']}", c.api, {"team": {"type": "team", "name": "Billing"}}
    )


@scenario("DELETE", "/teams/{id}", 204)
def delete_team(c):
    team = c.api.post("/teams", json={"team": {"type": "team", "name": "Search"}}).json()["team"]["id"]
    return c.call("DELETE", f"/teams/{team}", c.api)


@scenario("DELETE", "/teams/{id}", 400)
def delete_team_in_use(c):
    return c.call("DELETE", f"/teams/{c.teams['Platform']}", c.api)


@scenario("GET", "/teams/{id}/members", 200)
def team_members(c):
    return c.call("GET", f"/teams/{c.teams['Platform']}/members", c.api)


@scenario("PUT", "/teams/{id}/users/{user_id}", 204)
def team_add_user(c):
    return c.call(
        "PUT", f"/teams/{c.teams['Platform']}/users/{c.users['Lee Limited']}", c.api, {"role": "responder"}
    )


@scenario("DELETE", "/teams/{id}/users/{user_id}", 204)
def team_remove_user(c):
    return c.call("DELETE", f"/teams/{c.teams['Platform']}/users/{c.users['Uma User']}", c.api)


@scenario("PUT", "/teams/{id}/escalation_policies/{escalation_policy_id}", 204)
def team_add_policy(c):
    return c.call("PUT", f"/teams/{c.teams['Payments']}/escalation_policies/{c.policy}", c.api)


@scenario("DELETE", "/teams/{id}/escalation_policies/{escalation_policy_id}", 204)
def team_remove_policy(c):
    return c.call("DELETE", f"/teams/{c.teams['Platform']}/escalation_policies/{c.policy}", c.api)


# -- services and integrations --------------------------------------------------------------------


@scenario("GET", "/services", 200)
def list_services(c):
    return c.call("GET", "/services?query=check&sort_by=name", c.api)


@scenario("GET", "/services/{id}", 200)
def get_service(c):
    return c.call("GET", f"/services/{c.service}", c.api)


@scenario("POST", "/services", 201)
def create_service(c):
    policy = {"id": c.policy, "type": "escalation_policy_reference"}
    body = {
        "service": {
            "type": "service",
            "name": "Search",
            "auto_resolve_timeout": 14400,
            "escalation_policy": policy,
        }
    }
    return c.call("POST", "/services", c.api, body)


@scenario("POST", "/services", 400)
def create_service_with_unknown_policy(c):
    policy = {"id": "PNOPE12", "type": "escalation_policy_reference"}
    return c.call(
        "POST", "/services", c.api, {"service": {"type": "service", "name": "S", "escalation_policy": policy}}
    )


@scenario("PUT", "/services/{id}", 200)
def update_service(c):
    return c.call(
        "PUT", f"/services/{c.service}", c.api, {"service": {"type": "service", "status": "disabled"}}
    )


@scenario("DELETE", "/services/{id}", 204)
def delete_service(c):
    return c.call("DELETE", f"/services/{c.service}", c.api)


@scenario("POST", "/services/{id}/integrations", 201)
def create_integration(c):
    body = {"integration": {"type": "events_api_v2_inbound_integration", "name": "More alerts"}}
    return c.call("POST", f"/services/{c.service}/integrations", c.api, body)


@scenario("GET", "/services/{id}/integrations/{integration_id}", 200)
def get_integration(c):
    integration = c.services["Checkout API"]["integrations"][0]["id"]
    return c.call("GET", f"/services/{c.service}/integrations/{integration}", c.api)


@scenario("PUT", "/services/{id}/integrations/{integration_id}", 200)
def update_integration(c):
    integration = c.services["Checkout API"]["integrations"][0]["id"]
    body = {"integration": {"type": "events_api_v2_inbound_integration", "name": "Renamed"}}
    return c.call("PUT", f"/services/{c.service}/integrations/{integration}", c.api, body)


@scenario("GET", "/services/{id}/change_events", 200)
def service_change_events(c):
    _change_event(c)
    return c.call("GET", f"/services/{c.service}/change_events", c.api)


# -- priorities and abilities ---------------------------------------------------------------------


@scenario("GET", "/priorities", 200)
def list_priorities(c):
    return c.call("GET", "/priorities", c.api)


@scenario("GET", "/abilities", 200)
def list_abilities(c):
    return c.call("GET", "/abilities", c.api)


@scenario("GET", "/abilities/{id}", 204)
def has_ability(c):
    return c.call("GET", "/abilities/teams", c.api)


@scenario("GET", "/abilities/{id}", 402)
def lacks_ability(c):
    return c.call("GET", "/abilities/offboarding", c.api)


# -- incidents ------------------------------------------------------------------------------------


@scenario("GET", "/incidents", 200)
def list_incidents(c):
    c.incident()
    query = "statuses[]=triggered&statuses[]=acknowledged&include[]=assignees&date_range=all"
    return c.call("GET", f"/incidents?{query}&sort_by=incident_number:desc", c.api)


@scenario("GET", "/incidents/{id}", 200)
def get_incident(c):
    return c.call("GET", f"/incidents/{c.trigger()['id']}", c.api)


@scenario("POST", "/incidents", 201)
def create_incident(c):
    body = {
        "incident": {
            "type": "incident",
            "title": "Checkout is down",
            "urgency": "high",
            "incident_key": "k1",
            "service": {"id": c.service, "type": "service_reference"},
            "body": {"type": "incident_body", "details": "Every order fails"},
        }
    }
    return c.call("POST", "/incidents", c.api, body)


@scenario("POST", "/incidents", 400)
def create_incident_with_duplicate_key(c):
    c.incident(incident_key="k1")
    service = {"id": c.service, "type": "service_reference"}
    body = {"incident": {"type": "incident", "title": "Again", "incident_key": "k1", "service": service}}
    return c.call("POST", "/incidents", c.api, body)


@scenario("POST", "/incidents", 400)
def create_incident_without_from(c):
    body = {
        "incident": {
            "type": "incident",
            "title": "x",
            "service": {"id": c.service, "type": "service_reference"},
        }
    }
    return c.call("POST", "/incidents", c.api, body, headers={"From": None})


@scenario("PUT", "/incidents/{id}", 200)
def acknowledge_incident(c):
    return _put_status(c, c.incident(), "acknowledged")


@scenario("PUT", "/incidents/{id}", 200)
def resolve_incident(c):
    return _put_status(c, c.incident(), "resolved", resolution="Fixed")


@scenario("PUT", "/incidents/{id}", 400)
def resolve_resolved_incident(c):
    incident = c.incident()
    c.api.put(
        f"/incidents/{incident['id']}",
        json={"incident": {"type": "incident_reference", "status": "resolved"}},
    )
    return _put_status(c, incident, "resolved")


@scenario("PUT", "/incidents/{id}", 400, valid_request=False)
def invalid_status(c):
    return _put_status(c, c.incident(), "snoozed")


@scenario("PUT", "/incidents", 200)
def update_incidents(c):
    body = {"incidents": [{"id": c.incident()["id"], "type": "incident_reference", "status": "acknowledged"}]}
    return c.call("PUT", "/incidents", c.api, body)


@scenario("GET", "/incidents/{id}/log_entries", 200)
def incident_log_entries(c):
    return c.call("GET", f"/incidents/{c.trigger()['id']}/log_entries?is_overview=false", c.api)


@scenario("GET", "/incidents/{id}/alerts", 200)
def incident_alerts(c):
    return c.call("GET", f"/incidents/{c.trigger()['id']}/alerts?statuses[]=triggered", c.api)


@scenario("GET", "/incidents/{id}/alerts/{alert_id}", 200)
def incident_alert(c):
    incident = c.trigger()["id"]
    alert = c.api.get(f"/incidents/{incident}/alerts").json()["alerts"][0]["id"]
    return c.call("GET", f"/incidents/{incident}/alerts/{alert}", c.api)


@scenario("GET", "/incidents/{id}/notes", 200)
def list_notes(c):
    return c.call("GET", f"/incidents/{c.incident()['id']}/notes", c.api)


@scenario("POST", "/incidents/{id}/notes", 201)
def create_note(c):
    return c.call("POST", f"/incidents/{c.incident()['id']}/notes", c.api, {"note": {"content": "Looking"}})


@scenario("GET", "/log_entries", 200)
def list_log_entries(c):
    c.trigger()
    return c.call("GET", "/log_entries?include[]=channels", c.api)


@scenario("GET", "/log_entries/{id}", 200)
def get_log_entry(c):
    return c.call("GET", f"/log_entries/{c.trigger()['first_trigger_log_entry']['id']}", c.api)


@scenario("GET", "/change_events", 200)
def list_change_events(c):
    _change_event(c)
    return c.call("GET", "/change_events", c.api)


@scenario("GET", "/change_events/{id}", 200)
def get_change_event(c):
    _change_event(c)
    return c.call("GET", f"/change_events/{c.sim.state()['change_events'][0]['id']}", c.api)


# -- Events ---------------------------------------------------------------------------------------


@scenario("POST", "/v2/enqueue", 202)
def event_trigger(c):
    return c.call("POST", "/v2/enqueue", None, _v2(c, dedup_key="k1", **TRIGGER))


@scenario("POST", "/v2/enqueue", 202)
def event_resolve(c):
    return c.call("POST", "/v2/enqueue", None, _v2(c, event_action="resolve", dedup_key="k1"))


@scenario("POST", "/v2/enqueue", 400, valid_request=False)
def event_invalid(c):
    return c.call("POST", "/v2/enqueue", None, _v2(c, event_action="explode"))


@scenario("POST", "/v2/change/enqueue", 202)
def change_event(c):
    return c.call("POST", "/v2/change/enqueue", None, _v2(c, payload={"summary": "Deployed", "source": "ci"}))


@scenario("POST", "/v2/change/enqueue", 400, valid_request=False)
def change_event_invalid(c):
    return c.call("POST", "/v2/change/enqueue", None, _v2(c, payload={}))


@scenario("POST", V1, 200)
def v1_trigger(c):
    key = c.keys["events_v1_keys"]["Checkout API"]
    return c.call("POST", V1, None, {"service_key": key, "event_type": "trigger", "description": "Down"})


@scenario("POST", V1, 400, valid_request=False)
def v1_invalid(c):
    return c.call(
        "POST", V1, None, {"service_key": c.keys["events_v1_keys"]["Checkout API"], "event_type": "explode"}
    )


fidelity_incidents.add(scenario)
services_scenarios.add(scenario)
fidelity_oncall.add(scenario)


@pytest.fixture(scope="module")
def official():
    return contract()


@pytest.fixture
def ctx(sim, api, user_api, events):
    return Ctx(sim, api, user_api, events)


@pytest.mark.parametrize("name", list(SCENARIOS), ids=list(SCENARIOS))
def test_operation_conforms_to_the_official_openapi(official, ctx, name):
    scenario = SCENARIOS[name]
    response = scenario.run(ctx)
    assert response.status_code == scenario.status, response.text
    method, path, query, headers, body = ctx.checked
    if scenario.valid_request:
        assert official.request_problems(method, path, query, headers, body) == []
    payload = response.json() if response.content else None
    assert official.response_problems(method, path, response.status_code, payload) == []


def test_scenarios_cover_every_route(sim):
    served = {(r.method, r.pattern) for r in sim.app.router.routes() if r.kind != "control"}
    covered = {(s.method, s.template) for s in SCENARIOS.values()}
    assert served - covered == set()
    assert covered - served == set()
