"""Keys, roles and the account's people: the read-only account key, the owner, team deletion,
405 for a known path, and html_url on references (pagerduty-api.md §2.1, §8.1, §8.2)."""

from __future__ import annotations

import re

import pytest

from pagerduty_sim.app import App

ACCESS_DENIED = {"error": {"message": "Access Denied", "code": 2010}}
WRITES = sorted(
    (r.method, r.pattern) for r in App(seed="empty").router.routes() if r.kind == "rest" and r.method != "GET"
)


@pytest.fixture
def read_only(make_api, creds):
    return make_api(creds["read_only_token"], from_email=creds["from_email"])


@pytest.mark.parametrize(
    "path",
    [
        "/users",
        "/teams",
        "/services",
        "/escalation_policies",
        "/schedules",
        "/incidents",
        "/priorities",
        "/log_entries",
        "/maintenance_windows",
    ],
)
def test_the_read_only_key_reads_everything(read_only, path):
    response = read_only.get(path)
    assert response.status_code == 200, response.text
    assert response.json()[path[1:]]


def test_the_read_only_key_reads_people(read_only, users):
    uma = users["Uma User"]["id"]
    assert read_only.get(f"/users/{uma}/contact_methods").status_code == 200
    assert read_only.get(f"/users/{uma}/notification_rules").status_code == 200
    team = read_only.get("/teams").json()["teams"][0]["id"]
    assert read_only.get(f"/teams/{team}/members").json()["members"]


@pytest.mark.parametrize("method,pattern", WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_the_read_only_key_is_refused_every_write(read_only, method, pattern):
    # Refused before anything else is looked at: unknown IDs give 403 too, not 404.
    path = re.sub(r"\{[a-z_]+\}", "PNOPE12", pattern)
    response = read_only.call(method, path, json={})
    assert (response.status_code, response.json()) == (403, ACCESS_DENIED)


def test_the_read_only_key_is_account_level(read_only):
    response = read_only.get("/users/me")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "Because this request was made using an account-level access token, we were unable to determine "
        "the user's identity. Please make your request using a user-level access token."
    )


def test_the_observer_user_key_is_refused_writes_by_role(make_api, creds):
    response = make_api(creds["observer_token"]).post("/teams", json={"team": {"name": "X"}})
    assert response.status_code == 403
    assert response.json()["error"]["errors"] == ["A user with the observer role cannot perform this action."]


@pytest.mark.parametrize(
    "method,path,allow",
    [
        ("PATCH", "/users", "GET, POST"),
        ("DELETE", "/users", "GET, POST"),
        ("POST", "/users/PNOPE12", "DELETE, GET, PUT"),
        ("POST", "/teams/PNOPE12/members", "GET"),
    ],
)
def test_a_known_path_with_another_method_is_405(api, method, path, allow):
    response = api.call(method, path)
    assert response.status_code == 405
    assert response.headers["Allow"] == allow
    assert response.json() == {"error": {"message": "Method Not Allowed", "code": 2001}}


def test_an_unknown_path_is_still_404(api):
    assert api.get("/no_such_things").status_code == 404


# -- the owner ------------------------------------------------------------------------------------


def test_the_owner_cannot_be_deleted(api, users):
    response = api.delete(f"/users/{users['Olivia Owner']['id']}")
    assert response.status_code == 400
    assert response.json()["error"]["errors"] == [
        "The account owner cannot be deleted; transfer account ownership to another user first"
    ]
    assert api.get(f"/users/{users['Olivia Owner']['id']}").status_code == 200


def test_ownership_does_not_move_through_the_api(api, users):
    olivia, uma = users["Olivia Owner"]["id"], users["Uma User"]["id"]
    response = api.put(f"/users/{olivia}", json={"user": {"role": "admin"}})
    assert response.json()["error"]["errors"] == [
        "The account owner's role cannot be changed; transfer ownership in the web app first"
    ]
    response = api.put(f"/users/{uma}", json={"user": {"role": "owner"}})
    assert response.json()["error"]["errors"] == [
        "Role owner cannot be given through the API: transfer ownership in the web app"
    ]
    body = {"user": {"type": "user", "name": "Nia", "email": "nia@example.com", "role": "owner"}}
    assert api.post("/users", json=body).status_code == 400
    assert (
        api.put(f"/users/{olivia}", json={"user": {"role": "owner", "job_title": "CEO"}}).status_code == 200
    )


# -- teams ----------------------------------------------------------------------------------------


def test_team_names_are_unique(api):
    response = api.post("/teams", json={"team": {"type": "team", "name": "platform"}})
    assert response.json()["error"]["errors"] == ["Name has already been taken"]


@pytest.fixture
def payments_with_an_open_incident(api, sim, services):
    """Payments loses its associations (Checkout API, the database schedule and policy) but keeps
    an open incident."""
    checkout = services["Checkout API"]["id"]
    body = {
        "incident": {
            "type": "incident",
            "title": "Card declines",
            "service": {"id": checkout, "type": "service_reference"},
        }
    }
    incident = api.post("/incidents", json=body).json()["incident"]
    assert api.put(f"/services/{checkout}", json={"service": {"teams": []}}).status_code == 200
    teams = {t["name"]: t["id"] for t in sim.state()["teams"]}
    for plural, one in (("schedules", "schedule"), ("escalation_policies", "escalation_policy")):
        for record in sim.state()[plural]:  # the Database On-Call schedule and its policy
            if teams["Payments"] in [t if isinstance(t, str) else t["id"] for t in record.get("teams") or []]:
                whole = api.get(f"/{plural}/{record['id']}").json()[one]
                whole["teams"] = []
                assert api.put(f"/{plural}/{record['id']}", json={one: whole}).status_code == 200
    return teams["Payments"], teams["Platform"], incident["id"]


def test_deleting_a_team_moves_its_open_incidents_to_the_reassignment_team(
    api, payments_with_an_open_incident
):
    payments, platform, incident = payments_with_an_open_incident
    assert api.delete(f"/teams/{payments}", params={"reassignment_team": platform}).status_code == 204
    assert [t["id"] for t in api.get(f"/incidents/{incident}").json()["incident"]["teams"]] == [platform]


def test_deleting_a_team_without_reassignment_makes_incidents_account_level(
    api, payments_with_an_open_incident
):
    payments, _, incident = payments_with_an_open_incident
    assert api.delete(f"/teams/{payments}").status_code == 204
    assert api.get(f"/incidents/{incident}").json()["incident"]["teams"] == []


@pytest.mark.parametrize(
    "target,code,message",
    [
        ("self", 6002, "Team has Incidents but Reassignment Team is not valid"),
        ("PNOPE12", 6003, "Team has Incidents but Reassignment Team is not found"),
    ],
)
def test_a_bad_reassignment_team_is_refused(api, payments_with_an_open_incident, target, code, message):
    payments, _, _ = payments_with_an_open_incident
    target = payments if target == "self" else target
    response = api.delete(f"/teams/{payments}", params={"reassignment_team": target})
    assert (response.status_code, response.json()) == (400, {"error": {"message": message, "code": code}})
    assert api.get(f"/teams/{payments}").status_code == 200


def test_a_team_with_an_escalation_policy_is_not_deleted(api, sim):
    platform = {t["name"]: t["id"] for t in sim.state()["teams"]}["Platform"]
    response = api.delete(f"/teams/{platform}", params={"reassignment_team": "PNOPE12"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, 6006)


# -- html_url -------------------------------------------------------------------------------------


def test_every_reference_carries_its_html_url(sim):
    """As PagerDuty renders them: only contact methods and notification rules have none."""
    missing = set()

    def walk(value):
        if isinstance(value, dict):
            kind = value.get("type") or ""
            if (
                "self" in value
                and value.get("html_url") is None
                and "contact_method" not in kind
                and "notification_rule" not in kind
            ):
                missing.add(kind)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(sim.state())
    assert missing == set()


def test_integration_references_point_into_their_service(api, services):
    service = api.get(f"/services/{services['Checkout API']['id']}").json()["service"]
    ref = service["integrations"][0]
    assert (
        ref["html_url"] == f"https://pdt-sim.pagerduty.com/services/{service['id']}/integrations/{ref['id']}"
    )
