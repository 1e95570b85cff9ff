"""Incidents: creation rules, the state machine, log entries and listing (pagerduty-api.md §8.7, §15.5)."""

import pytest

from pagerduty_sim.incident_seed import DEMO_INCIDENT_IDS

FIRST = len(DEMO_INCIDENT_IDS) + 1  # the demo seed's incidents are numbers 1 to 4


@pytest.fixture
def checkout(services):
    return {"id": services["Checkout API"]["id"], "type": "service_reference"}


@pytest.fixture
def create(api, checkout):
    def create(**fields):
        body = {"incident": {"type": "incident", "title": "Checkout is down", "service": checkout, **fields}}
        response = api.post("/incidents", json=body)
        assert response.status_code == 201, response.text
        return response.json()["incident"]

    return create


def set_status(api, incident, status, **extra):
    body = {"incident": {"type": "incident_reference", "status": status, **extra}}
    return api.put(f"/incidents/{incident['id']}", json=body)


def test_created_incident_shape(create, users):
    incident = create()
    assert (incident["incident_number"], incident["summary"], incident["status"]) == (
        FIRST,
        f"[#{FIRST}] Checkout is down",
        "triggered",
    )
    assert incident["urgency"] == "high"
    assert incident["assigned_via"] == "escalation_policy"
    on_call = incident["assignments"][0]["assignee"]["summary"]
    assert on_call in ("Uma User", "Ulf User")
    assert incident["acknowledgements"] == []


def test_incident_numbers_increase(create):
    assert [create(title=f"t{n}")["incident_number"] for n in range(3)] == [FIRST, FIRST + 1, FIRST + 2]


def test_incident_key_is_unique_among_open_incidents(api, create, checkout):
    create(incident_key="db-down")
    body = {
        "incident": {"type": "incident", "title": "again", "service": checkout, "incident_key": "db-down"}
    }
    response = api.post("/incidents", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == {
        "message": "Invalid Input Provided",
        "code": 2001,
        "errors": ["Open incident with matching dedup key already exists on this service"],
    }


def test_incident_key_is_free_again_once_resolved(api, create):
    first = create(incident_key="db-down")
    assert set_status(api, first, "resolved").status_code == 200
    assert create(incident_key="db-down")["incident_number"] == first["incident_number"] + 1


def test_self_assigned_incident_starts_acknowledged(create, users):
    ada = {"id": users["Ada Admin"]["id"], "type": "user_reference"}
    incident = create(assignments=[{"assignee": ada}])
    assert incident["status"] == "acknowledged"
    assert incident["assigned_via"] == "direct_assignment"
    assert incident["acknowledgements"][0]["acknowledger"]["id"] == ada["id"]


@pytest.mark.parametrize(
    "fields,errors",
    [
        ({"title": ""}, ["Title can't be blank"]),
        ({"service": None}, ["Service can't be blank"]),
        ({"service": {"id": "PNOPE12", "type": "service_reference"}}, ["Service PNOPE12 not found"]),
        ({"body": {"type": "incident_body", "details": {"a": 1}}}, ["Body details must be a string"]),
        ({"urgency": "urgent"}, ["Urgency must be one of: high, low"]),
    ],
    ids=["blank-title", "no-service", "unknown-service", "details-object", "bad-urgency"],
)
def test_create_validation(api, checkout, fields, errors):
    body = {"incident": {"type": "incident", "title": "x", "service": checkout, **fields}}
    response = api.post("/incidents", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["errors"] == errors


def test_assignments_and_policy_together_are_refused(api, checkout, users, sim):
    policy = sim.state()["escalation_policies"][0]["id"]
    body = {
        "incident": {
            "type": "incident",
            "title": "x",
            "service": checkout,
            "escalation_policy": {"id": policy, "type": "escalation_policy_reference"},
            "assignments": [{"assignee": {"id": users["Uma User"]["id"], "type": "user_reference"}}],
        }
    }
    response = api.post("/incidents", json=body)
    assert response.json()["error"]["errors"] == [
        "Assignments and escalation_policy cannot both be specified"
    ]


def test_acknowledge_reassigns_to_the_acting_user(api, create, users):
    incident = create()
    acked = set_status(api, incident, "acknowledged").json()["incident"]
    assert acked["status"] == "acknowledged"
    assert [a["assignee"]["id"] for a in acked["assignments"]] == [users["Ada Admin"]["id"]]
    assert acked["acknowledgements"][0]["acknowledger"]["id"] == users["Ada Admin"]["id"]


def test_resolve_empties_assignments_and_acknowledgements(api, create):
    incident = create()
    set_status(api, incident, "acknowledged")
    resolved = set_status(api, incident, "resolved", resolution="Restarted the pods").json()["incident"]
    assert (resolved["status"], resolved["assignments"], resolved["acknowledgements"]) == ("resolved", [], [])
    assert resolved["resolved_at"] is not None


@pytest.mark.parametrize(
    "steps,status,error",
    [
        (
            ["resolved"],
            "resolved",
            {"message": "Incident Already Resolved", "code": 1001, "errors": ["Incident Already Resolved"]},
        ),
        (
            ["acknowledged"],
            "acknowledged",
            {
                "message": "Incident Already Acknowledged",
                "code": 1002,
                "errors": ["Incident Already Acknowledged"],
            },
        ),
        (
            [],
            "snoozed",
            {
                "message": "Invalid Status Provided",
                "code": 1003,
                "errors": ["Status must be one of: triggered, acknowledged, resolved"],
            },
        ),
    ],
    ids=["re-resolve", "re-acknowledge", "invalid-status"],
)
def test_state_machine_errors(api, create, steps, status, error):
    incident = create()
    for step in steps:
        assert set_status(api, incident, step).status_code == 200
    response = set_status(api, incident, status)
    assert (response.status_code, response.json()["error"]) == (400, error)


def test_reacknowledge_can_succeed_when_switched(sim, api, create):
    sim.settings.reacknowledge_error = False
    incident = create()
    set_status(api, incident, "acknowledged")
    assert set_status(api, incident, "acknowledged").status_code == 200


def test_reopen_a_resolved_incident_when_the_account_can(sim, api, create):
    sim.settings.reopen_incidents = True
    incident = create()
    set_status(api, incident, "resolved")
    reopened = set_status(api, incident, "triggered").json()["incident"]
    assert (reopened["status"], reopened["resolved_at"]) == ("triggered", None)
    assert reopened["assignments"]


def test_every_change_writes_a_log_entry(api, create):
    incident = create()
    set_status(api, incident, "acknowledged")
    set_status(api, incident, "resolved", resolution="Fixed the disk")
    entries = api.get(f"/incidents/{incident['id']}/log_entries").json()["log_entries"]
    assert [e["type"] for e in entries] == [
        "trigger_log_entry",
        "assign_log_entry",
        "acknowledge_log_entry",
        "assign_log_entry",
        "resolve_log_entry",
    ]
    assert entries[-1]["note"] == "Fixed the disk"
    assert all(len(e["id"]) == 14 and e["agent"] and e["channel"] for e in entries)


def test_get_by_number(api, create):
    incident = create()
    assert api.get(f"/incidents/{FIRST}").json()["incident"]["id"] == incident["id"]


def test_priority_by_name(api, create):
    incident = create()
    response = api.put(
        f"/incidents/{incident['id']}", json={"incident": {"type": "incident", "priority": "P2"}}
    )
    assert response.json()["incident"]["priority"]["summary"] == "P2"


def test_unknown_priority_is_1020(api, create):
    incident = create()
    response = api.put(
        f"/incidents/{incident['id']}", json={"incident": {"type": "incident", "priority": "P9"}}
    )
    assert response.json()["error"]["code"] == 1020


def test_bulk_update_is_all_or_nothing(api, create):
    first, second = create(title="a"), create(title="b")
    set_status(api, second, "resolved")
    items = [
        {"id": first["id"], "type": "incident_reference", "status": "acknowledged"},
        {"id": second["id"], "type": "incident_reference", "status": "resolved"},
    ]
    response = api.put("/incidents", json={"incidents": items})
    assert response.json()["error"]["code"] == 1001
    assert api.get(f"/incidents/{first['id']}").json()["incident"]["status"] == "triggered"


def test_bulk_update(api, create):
    ids = [create(title=t)["id"] for t in "ab"]
    items = [{"id": i, "type": "incident_reference", "status": "resolved"} for i in ids]
    response = api.put("/incidents", json={"incidents": items})
    assert [i["status"] for i in response.json()["incidents"]] == ["resolved", "resolved"]


def test_bulk_update_over_250_is_413(api, create):
    incident = create()
    items = [{"id": incident["id"], "type": "incident_reference", "status": "acknowledged"}] * 251
    assert api.put("/incidents", json={"incidents": items}).status_code == 413


def test_service_status_follows_open_incidents(api, create, checkout):
    def status():
        return api.get(f"/services/{checkout['id']}").json()["service"]["status"]

    assert status() == "active"
    incident = create()
    assert status() == "critical"
    set_status(api, incident, "acknowledged")
    assert status() == "warning"
    set_status(api, incident, "resolved")
    assert status() == "active"


def test_list_filters(api, create, users, checkout):
    first, _ = create(title="a"), create(title="b")
    set_status(api, first, "acknowledged")
    params = {"statuses[]": "acknowledged", "service_ids[]": checkout["id"]}
    acked = api.get("/incidents", params=params).json()["incidents"]
    mine = api.get("/incidents", params={"user_ids[]": users["Ada Admin"]["id"]}).json()["incidents"]
    both = api.get(
        "/incidents",
        params=[
            ("statuses[]", "acknowledged"),
            ("statuses[]", "triggered"),
            ("service_ids[]", checkout["id"]),
        ],
    ).json()
    assert [i["title"] for i in acked] == ["a"]
    assert [i["title"] for i in mine] == ["a"]
    assert len(both["incidents"]) == 2


def test_list_by_incident_key(api, create):
    create(incident_key="k-1")
    create(incident_key="k-2")
    found = api.get("/incidents", params={"incident_key": "k-2"}).json()["incidents"]
    assert [i["incident_key"] for i in found] == ["k-2"]


def test_default_window_is_one_month(sim, api, create):
    create(title="old")
    sim.clock.advance(40 * 86400)
    assert api.get("/incidents").json()["incidents"] == []
    everything = api.get("/incidents", params={"date_range": "all"}).json()["incidents"]
    assert [i["title"] for i in everything][-1] == "old"


def test_window_over_six_months_is_refused(api):
    response = api.get(
        "/incidents", params={"since": "2024-01-01T00:00:00Z", "until": "2024-12-01T00:00:00Z"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 2005


def test_sort_by_number_descending(api, create, checkout):
    for title in "abc":
        create(title=title)
    params = {"sort_by": "incident_number:desc", "service_ids[]": checkout["id"]}
    titles = [i["title"] for i in api.get("/incidents", params=params).json()["incidents"]]
    assert titles == ["c", "b", "a"]


def test_notes(api, create):
    incident = create()
    response = api.post(f"/incidents/{incident['id']}/notes", json={"note": {"content": "Looking into it"}})
    assert response.status_code == 201
    notes = api.get(f"/incidents/{incident['id']}/notes").json()["notes"]
    assert [n["content"] for n in notes] == ["Looking into it"]
    entries = api.get(f"/incidents/{incident['id']}/log_entries").json()["log_entries"]
    assert entries[-1]["type"] == "annotate_log_entry"
