"""Users, teams, escalation policies, services, integrations, priorities and abilities (§8)."""

import re

import pytest

NEW_USER = {"user": {"type": "user", "name": "Nia New", "email": "nia.new@example.com", "role": "user"}}


def test_ids_have_pagerduty_shapes(sim):
    state = sim.state()
    for table in ("users", "teams", "services", "escalation_policies", "schedules", "priorities"):
        for record in state[table]:
            assert re.fullmatch(r"P[A-Z0-9]{6}", record["id"]), (table, record["id"])
    for key in sim.credentials()["routing_keys"].values():
        assert re.fullmatch(r"[0-9a-f]{32}", key)


def test_create_user(api):
    response = api.post("/users", json=NEW_USER)
    assert response.status_code == 201
    user = response.json()["user"]
    assert (user["type"], user["name"], user["role"], user["time_zone"]) == (
        "user",
        "Nia New",
        "user",
        "Etc/UTC",
    )
    assert api.get(f"/users/{user['id']}").json()["user"]["email"] == "nia.new@example.com"


def test_create_user_needs_from_with_account_key(account_api):
    assert account_api.post("/users", json=NEW_USER).json()["error"]["code"] == 2016


@pytest.mark.parametrize(
    "user,errors",
    [
        ({"name": "N"}, ["Email can't be blank"]),
        ({"name": "N", "email": "bad"}, ["Email is too short (minimum is 6 characters)"]),
        ({"name": "N", "email": "not-an-email"}, ["Email is invalid"]),
        ({"name": "N" * 101, "email": "n@example.com"}, ["Name is too long (maximum is 100 characters)"]),
        (
            {"name": "N", "email": "n@example.com", "role": "boss"},
            [
                "Role must be one of: admin, limited_user, observer, owner, read_only_user, "
                "restricted_access, read_only_limited_user, user"
            ],
        ),
        ({"name": "N", "email": "ada.admin@example.com"}, ["Email has already been taken"]),
    ],
    ids=["no-email", "short-email", "invalid-email", "long-name", "bad-role", "duplicate-email"],
)
def test_create_user_validation(api, user, errors):
    response = api.post("/users", json={"user": {"type": "user", **user}})
    assert response.status_code == 400
    assert response.json()["error"] == {"message": "Invalid Input Provided", "code": 2001, "errors": errors}


def test_read_only_role_needs_the_ability(sim, api):
    sim.settings.abilities = ["teams"]
    response = api.post("/users", json={"user": {**NEW_USER["user"], "role": "read_only_user"}})
    assert response.status_code == 402
    assert response.json()["error"]["code"] == 2014


def test_update_user_is_partial(api, users):
    uid = users["Uma User"]["id"]
    response = api.put(f"/users/{uid}", json={"user": {"job_title": "Staff Engineer", "id": "IGNORED"}})
    assert response.status_code == 200
    user = response.json()["user"]
    assert (user["id"], user["job_title"], user["email"]) == (uid, "Staff Engineer", "uma.user@example.com")


def test_delete_user(api, users):
    uid = users["Rita Restricted"]["id"]
    assert api.delete(f"/users/{uid}").status_code == 204
    assert api.get(f"/users/{uid}").status_code == 404


def test_delete_user_with_open_incident_is_refused(api, users, services):
    created = api.post(
        "/incidents",
        json={
            "incident": {
                "type": "incident",
                "title": "Busy",
                "service": {"id": services["Checkout API"]["id"], "type": "service_reference"},
                "assignments": [{"assignee": {"id": users["Uma User"]["id"], "type": "user_reference"}}],
            }
        },
    )
    assert created.status_code == 201
    response = api.delete(f"/users/{users['Uma User']['id']}")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "message": "Invalid Input Provided",
        "code": 2001,
        "errors": ["User cannot be deleted as they have open incidents assigned"],
    }


def test_unknown_user_is_404(api):
    response = api.get("/users/PNOPE12")
    assert (response.status_code, response.json()) == (404, {"error": {"message": "Not Found", "code": 2100}})


def test_team_membership(api, sim, users):
    team = api.post("/teams", json={"team": {"type": "team", "name": "Search"}}).json()["team"]
    uid = users["Lee Limited"]["id"]
    response = api.put(f"/teams/{team['id']}/users/{uid}", json={"role": "responder"})
    assert (response.status_code, response.content) == (204, b"")
    members = api.get(f"/teams/{team['id']}/members").json()["members"]
    assert [(m["user"]["id"], m["role"]) for m in members] == [(uid, "responder")]
    assert api.delete(f"/teams/{team['id']}/users/{uid}").status_code == 204
    assert api.get(f"/teams/{team['id']}/members").json()["members"] == []


def test_read_only_user_cannot_join_a_team(api, sim, users):
    team = sim.state()["teams"][0]["id"]
    response = api.put(f"/teams/{team}/users/{users['Rory Readonly']['id']}")
    assert response.status_code == 400


def test_team_with_associations_cannot_be_deleted(api, sim):
    team = next(t for t in sim.state()["teams"] if t["name"] == "Platform")
    response = api.delete(f"/teams/{team['id']}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 6006


def test_teams_need_the_ability(sim, api):
    sim.settings.abilities = []
    response = api.post("/teams", json={"team": {"type": "team", "name": "Nope"}})
    assert response.status_code == 402


def policy_body(name, user):
    return {
        "escalation_policy": {
            "type": "escalation_policy",
            "name": name,
            "escalation_rules": [
                {"escalation_delay_in_minutes": 10, "targets": [{"id": user, "type": "user_reference"}]}
            ],
        }
    }


def test_create_escalation_policy(api, users):
    response = api.post("/escalation_policies", json=policy_body("Search EP", users["Uma User"]["id"]))
    assert response.status_code == 201
    policy = response.json()["escalation_policy"]
    assert policy["escalation_rules"][0]["targets"][0]["summary"] == "Uma User"
    assert re.fullmatch(r"P[A-Z0-9]{6}", policy["escalation_rules"][0]["id"])


def test_escalation_policy_name_is_unique(api, users):
    response = api.post(
        "/escalation_policies", json=policy_body("platform escalation", users["Uma User"]["id"])
    )
    assert response.status_code == 400
    assert response.json()["error"]["errors"] == ["Escalation Policy has already been taken"]


def test_escalation_policy_needs_a_rule(api):
    body = {"escalation_policy": {"type": "escalation_policy", "name": "Empty", "escalation_rules": []}}
    response = api.post("/escalation_policies", json=body)
    assert response.json()["error"]["errors"] == ["Escalation policy must have at least one escalation rule"]


def test_removing_the_last_rule_is_refused(api, sim):
    policy = sim.state()["escalation_policies"][0]["id"]
    response = api.put(f"/escalation_policies/{policy}", json={"escalation_policy": {"escalation_rules": []}})
    assert response.json()["error"]["errors"] == ["Cannot Delete Only Rule For Escalation Policy"]


def test_policy_in_use_cannot_be_deleted(api, sim):
    policy = sim.state()["escalation_policies"][0]["id"]
    response = api.delete(f"/escalation_policies/{policy}")
    assert response.status_code == 400


def test_create_service_and_integration_registers_routing_key(api, sim, events):
    policy = sim.state()["escalation_policies"][0]["id"]
    service = api.post(
        "/services",
        json={
            "service": {
                "type": "service",
                "name": "Search",
                "escalation_policy": {"id": policy, "type": "escalation_policy_reference"},
            }
        },
    )
    assert service.status_code == 201
    assert service.json()["service"]["status"] == "active"
    sid = service.json()["service"]["id"]
    integration = api.post(
        f"/services/{sid}/integrations",
        json={"integration": {"type": "events_api_v2_inbound_integration", "name": "Alerts"}},
    ).json()["integration"]
    assert re.fullmatch(r"[0-9a-f]{32}", integration["integration_key"])
    assert integration["self"] == f"{sim.url}/services/{sid}/integrations/{integration['id']}"
    event = {
        "routing_key": integration["integration_key"],
        "event_action": "trigger",
        "payload": {"summary": "Search is slow", "source": "search1", "severity": "warning"},
    }
    assert events.post(sim.url + "/v2/enqueue", json=event, timeout=10).status_code == 202
    assert (
        api.get("/incidents", params={"service_ids[]": sid}).json()["incidents"][0]["title"]
        == "Search is slow"
    )


def test_service_must_be_created_active(api, sim):
    policy = sim.state()["escalation_policies"][0]["id"]
    response = api.post(
        "/services",
        json={
            "service": {
                "type": "service",
                "name": "X",
                "status": "disabled",
                "escalation_policy": {"id": policy, "type": "escalation_policy_reference"},
            }
        },
    )
    assert response.json()["error"]["errors"] == ["Status must be active when a service is created"]


def test_service_reference_to_unknown_policy(api):
    response = api.post(
        "/services",
        json={
            "service": {
                "type": "service",
                "name": "X",
                "escalation_policy": {"id": "PNOPE12", "type": "escalation_policy_reference"},
            }
        },
    )
    assert response.json()["error"]["errors"] == ["Escalation policy PNOPE12 not found"]


def test_deleting_a_service_forgets_its_routing_keys(api, sim, services, events):
    key = sim.credentials()["routing_keys"]["Checkout API"]
    assert api.delete(f"/services/{services['Checkout API']['id']}").status_code == 204
    event = {
        "routing_key": key,
        "event_action": "trigger",
        "payload": {"summary": "s", "source": "s", "severity": "info"},
    }
    assert events.post(sim.url + "/v2/enqueue", json=event, timeout=10).json()["errors"] == [
        "Invalid routing key"
    ]


def test_priorities_are_ordered_most_severe_first(api):
    assert [p["name"] for p in api.get("/priorities").json()["priorities"]] == ["P1", "P2", "P3", "P4", "P5"]


@pytest.mark.parametrize(
    "ability,status", [("teams", 204), ("offboarding", 402), ("flying", 404)], ids=["has", "lacks", "unknown"]
)
def test_ability_probe(api, ability, status):
    assert api.get(f"/abilities/{ability}").status_code == status


def test_schedule_users_lists_everyone(api, sim):
    schedule = sim.state()["schedules"][0]["id"]
    names = [u["name"] for u in api.get(f"/schedules/{schedule}/users").json()["users"]]
    assert names == ["Uma User", "Ulf User"]


@pytest.mark.parametrize(
    "layer,error",
    [
        (
            {"rotation_turn_length_seconds": 0},
            "Schedule layer 1: rotation_turn_length_seconds must be a positive integer",
        ),
        ({"start": "soon"}, "Schedule layer 1: start must be an ISO 8601 date-time"),
        ({"users": []}, "Schedule layer 1: users must be a non-empty list"),
    ],
    ids=["zero-turn", "bad-start", "no-users"],
)
def test_schedule_layer_validation(api, users, layer, error):
    base = {
        "start": "2024-01-01T00:00:00Z",
        "rotation_virtual_start": "2024-01-01T00:00:00Z",
        "rotation_turn_length_seconds": 86400,
        "users": [{"user": {"id": users["Uma User"]["id"], "type": "user_reference"}}],
    }
    body = {"schedule": {"type": "schedule", "time_zone": "UTC", "schedule_layers": [{**base, **layer}]}}
    assert api.post("/schedules", json=body).json()["error"]["errors"] == [error]
