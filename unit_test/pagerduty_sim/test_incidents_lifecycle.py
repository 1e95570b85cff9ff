"""Incident changes over PUT /incidents/{id}: the forward-only state machine, reopening, escalation,
reassignment, priority, urgency, title and conference bridge, with their log entries (§8.7)."""

import pytest

from unit_test.pagerduty_sim.incident_helpers import create, error, incident, log_types, ref, update


@pytest.fixture
def checkout(services):
    return services["Checkout API"]["id"]


@pytest.fixture
def policy(sim):
    return sim.state()["escalation_policies"][0]["id"]


def test_forward_moves_are_allowed_and_logged(api, checkout):
    new = create(api, checkout)
    assert update(api, new["id"], status="acknowledged").json()["incident"]["status"] == "acknowledged"
    resolved = update(api, new["id"], status="resolved", resolution="Restarted").json()["incident"]
    assert (resolved["status"], resolved["assignments"]) == ("resolved", [])
    assert log_types(api, new["id"])[-2:] == ["assign_log_entry", "resolve_log_entry"]


def test_resolving_a_triggered_incident_directly_is_allowed(api, checkout):
    new = create(api, checkout)
    assert update(api, new["id"], status="resolved").json()["incident"]["status"] == "resolved"


@pytest.mark.parametrize(
    "steps,status,code,detail",
    [
        (
            [],
            "triggered",
            1003,
            "Status triggered only reopens a resolved incident, and this one is triggered",
        ),
        (
            ["acknowledged"],
            "triggered",
            1003,
            "Status triggered only reopens a resolved incident, and this one",
        ),
        (["resolved"], "acknowledged", 1001, "Incident Already Resolved: a resolved incident cannot become"),
        (["resolved"], "triggered", 1001, "Incident Already Resolved: a resolved incident cannot become"),
    ],
    ids=[
        "triggered-to-triggered",
        "acknowledged-to-triggered",
        "resolved-to-acknowledged",
        "resolved-to-triggered",
    ],
)
def test_backward_moves_are_refused_saying_what_is_allowed(api, checkout, steps, status, code, detail):
    new = create(api, checkout)
    for step in steps:
        assert update(api, new["id"], status=step).status_code == 200
    before = incident(api, new["id"])
    status_code, body = error(update(api, new["id"], status=status))
    assert (status_code, body["code"]) == (400, code)
    assert body["errors"][0].startswith(detail)
    assert body["errors"][0].endswith("PagerDuty moves an incident triggered -> acknowledged -> resolved")
    assert incident(api, new["id"]) == before  # nothing changed


def test_reopen_to_triggered_assigns_the_given_assignees(sim, api, checkout, users):
    sim.settings.reopen_incidents = True
    new = create(api, checkout)
    update(api, new["id"], status="resolved")
    reopened = update(
        api,
        new["id"],
        status="triggered",
        assignments=[{"assignee": ref("user", users["Lee Limited"]["id"])}],
    ).json()["incident"]
    assert reopened["status"] == "triggered"
    assert [a["assignee"]["summary"] for a in reopened["assignments"]] == ["Lee Limited"]
    assert reopened["assigned_via"] == "direct_assignment"


def test_reopen_to_acknowledged_assigns_the_acting_user(sim, api, checkout):
    sim.settings.reopen_incidents = True
    new = create(api, checkout)
    update(api, new["id"], status="resolved")
    reopened = update(api, new["id"], status="acknowledged").json()["incident"]
    assert (reopened["status"], reopened["resolved_at"]) == ("acknowledged", None)
    assert [a["assignee"]["summary"] for a in reopened["assignments"]] == ["Ada Admin"]


def test_acknowledge_is_by_the_from_user_and_a_user_key_acts_as_its_user(
    api, account_api, user_api, checkout
):
    new = create(api, checkout)
    assert error(update(account_api, new["id"], status="acknowledged"))[1]["code"] == 2016
    acked = update(user_api, new["id"], status="acknowledged").json()["incident"]
    assert acked["acknowledgements"][0]["acknowledger"]["summary"] == "Ada Admin"
    assert acked["last_status_change_by"]["summary"] == "Ada Admin"


def test_escalation_level_assigns_that_level_and_logs_it(api, checkout):
    new = create(api, checkout)
    escalated = update(api, new["id"], escalation_level=2).json()["incident"]
    assert [a["assignee"]["summary"] for a in escalated["assignments"]] == ["Ada Admin"]  # level 2: Ada
    assert log_types(api, new["id"])[-2:] == ["escalate_log_entry", "assign_log_entry"]


@pytest.mark.parametrize("level", [0, 3, -1])
def test_escalation_level_outside_the_policy_is_1006(api, checkout, level):
    new = create(api, checkout)
    status, body = error(update(api, new["id"], escalation_level=level))
    assert (status, body["code"], body["message"]) == (400, 1006, "Cannot Escalate")
    assert body["errors"] == ["Escalation level must be between 1 and 2 for Platform Escalation"]


def test_assignments_replace_the_assignees(api, checkout, users):
    new = create(api, checkout)
    people = [{"assignee": ref("user", users[n]["id"])} for n in ("Lee Limited", "Liam Limited")]
    changed = update(api, new["id"], assignments=people).json()["incident"]
    assert [a["assignee"]["summary"] for a in changed["assignments"]] == ["Lee Limited", "Liam Limited"]
    assert changed["assigned_via"] == "direct_assignment"
    again = update(api, new["id"], assignments=people[:1]).json()["incident"]
    assert [a["assignee"]["summary"] for a in again["assignments"]] == ["Lee Limited"]


def test_a_new_escalation_policy_assigns_its_first_level(api, checkout, users, policy):
    rule = {"escalation_delay_in_minutes": 10, "targets": [ref("user", users["Liam Limited"]["id"])]}
    body = {"escalation_policy": {"type": "escalation_policy", "name": "Night", "escalation_rules": [rule]}}
    other = api.post("/escalation_policies", json=body).json()["escalation_policy"]["id"]
    new = create(api, checkout)
    moved = update(api, new["id"], escalation_policy=ref("escalation_policy", other)).json()["incident"]
    assert moved["escalation_policy"]["id"] == other
    assert [a["assignee"]["summary"] for a in moved["assignments"]] == ["Liam Limited"]


def test_a_resolved_incident_takes_no_routing_change(api, users, policy):
    changes = {
        "escalation_level": 1,
        "assignments": [{"assignee": ref("user", users["Uma User"]["id"])}],
        "escalation_policy": ref("escalation_policy", policy),
    }
    for name, value in changes.items():
        status, body = error(update(api, "PDEMO03", **{name: value}))
        assert (status, body["code"], body["errors"]) == (
            400,
            1001,
            [f"A resolved incident cannot take {name}"],
        )


def test_empty_assignments_are_refused(api, checkout):
    new = create(api, checkout)
    assert error(update(api, new["id"], assignments=[]))[1]["errors"] == [
        "Assignments can't be empty; give at least one assignee"
    ]


def test_priority_by_reference_name_and_cleared(api, checkout, sim):
    p1 = sim.state()["priorities"][0]
    new = create(api, checkout)
    assert (
        update(api, new["id"], priority=ref("priority", p1["id"])).json()["incident"]["priority"]["id"]
        == p1["id"]
    )
    assert update(api, new["id"], priority="P4").json()["incident"]["priority"]["summary"] == "P4"
    assert update(api, new["id"], priority=None).json()["incident"]["priority"] is None


def test_title_urgency_and_bridge_change(api, checkout):
    new = create(api, checkout)
    bridge = {"conference_number": "+1 555-0100", "conference_url": "https://meet.example.com/x"}
    changed = update(api, new["id"], title="Checkout is slow", urgency="low", conference_bridge=bridge)
    assert changed.status_code == 200
    shown = incident(api, new["id"], "conference_bridge")
    assert (shown["title"], shown["summary"], shown["urgency"]) == (
        "Checkout is slow",
        f"[#{new['incident_number']}] Checkout is slow",
        "low",
    )
    assert shown["conference_bridge"] == bridge
    assert "conference_bridge" not in incident(api, new["id"])  # only with include[]=conference_bridge
    assert log_types(api, new["id"])[-1] == "urgency_change_log_entry"


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"title": " "}, "Title can't be blank"),
        ({"urgency": "urgent"}, "Urgency must be one of: high, low"),
        ({"conference_bridge": "+1 555"}, "Conference bridge must be an object with conference_number and"),
        ({"conference_bridge": {"conference_url": 5}}, "Conference bridge conference_url must be a string"),
        ({"status": "acknowledged", "resolution": "x"}, "Resolution can only be given when resolving"),
    ],
    ids=["blank-title", "bad-urgency", "bridge-string", "bridge-url-type", "resolution-without-resolve"],
)
def test_invalid_changes_name_the_field(api, checkout, fields, message):
    new = create(api, checkout)
    status, body = error(update(api, new["id"], **fields))
    assert (status, body["code"]) == (400, 2001)
    assert body["errors"][0].startswith(message)


def test_create_with_bridge_priority_and_details(api, checkout, sim):
    bridge = {"conference_number": "+1 555-0100", "conference_url": "https://meet.example.com/y"}
    p2 = next(p for p in sim.state()["priorities"] if p["name"] == "P2")
    new = create(
        api,
        checkout,
        urgency="low",
        priority=ref("priority", p2["id"]),
        conference_bridge=bridge,
        body={"type": "incident_body", "details": "Orders fail with 502"},
    )
    shown = incident(api, new["id"], "conference_bridge", "body")
    assert (shown["urgency"], shown["priority"]["summary"]) == ("low", "P2")
    assert shown["conference_bridge"] == bridge
    assert shown["body"] == {"type": "incident_body", "details": "Orders fail with 502"}


def test_duplicate_key_refusal_is_pagerdutys(api, checkout):
    create(api, checkout, incident_key="db-down")
    body = {
        "incident": {
            "type": "incident",
            "title": "again",
            "service": ref("service", checkout),
            "incident_key": "db-down",
        }
    }
    assert error(api.post("/incidents", json=body)) == (
        400,
        {
            "message": "Invalid Input Provided",
            "code": 2001,
            "errors": ["Open incident with matching dedup key already exists on this service"],
        },
    )


def test_the_same_key_on_another_service_is_not_a_duplicate(api, services):
    create(api, services["Checkout API"]["id"], incident_key="gateway-5xx-rate")  # PDEMO01's, on the gateway
    assert incident(api, "PDEMO01")["incident_key"] == "gateway-5xx-rate"
