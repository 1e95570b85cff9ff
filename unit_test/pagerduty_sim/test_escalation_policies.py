"""Escalation policies beyond the basics in test_resources.py: targets, filters and refusals (§8.3)."""

import pytest


@pytest.fixture
def ids(sim):
    state = sim.state()
    return {
        r["name"]: r["id"]
        for table in ("users", "schedules", "teams", "escalation_policies")
        for r in state[table]
    }


def ref(rid, kind):
    return {"id": rid, "type": f"{kind}_reference"}


def body(name, *targets, **extra):
    rule = {"escalation_delay_in_minutes": 15, "targets": list(targets)}
    return {
        "escalation_policy": {"type": "escalation_policy", "name": name, "escalation_rules": [rule], **extra}
    }


def test_targets_are_references_with_web_links(api, ids):
    created = api.post(
        "/escalation_policies",
        json=body("Search", ref(ids["Platform Primary"], "schedule"), ref(ids["Uma User"], "user")),
    ).json()["escalation_policy"]
    schedule, user = created["escalation_rules"][0]["targets"]
    assert (schedule["type"], schedule["summary"]) == ("schedule_reference", "Platform Primary")
    assert schedule["html_url"] == f"https://pdt-sim.pagerduty.com/schedules/{ids['Platform Primary']}"
    assert user["html_url"].endswith(f"/users/{ids['Uma User']}")
    assert created["html_url"].endswith(f"/escalation_policies/{created['id']}")
    assert created["services"] == []


def test_include_targets_expands_them(api, ids):
    policy = api.get(
        f"/escalation_policies/{ids['Platform Escalation']}", params={"include[]": "targets"}
    ).json()["escalation_policy"]
    schedule = policy["escalation_rules"][0]["targets"][0]
    assert (schedule["type"], schedule["time_zone"]) == ("schedule", "Europe/Berlin")


def test_the_schedule_lists_the_policies_that_use_it(api, ids):
    schedule = api.get(f"/schedules/{ids['Database On-Call']}").json()["schedule"]
    assert [p["summary"] for p in schedule["escalation_policies"]] == ["Database Escalation"]


@pytest.mark.parametrize(
    "params,names",
    [
        ({"query": "data"}, ["Database Escalation"]),
        ({"team_ids[]": "Payments"}, ["Database Escalation"]),
        ({"user_ids[]": "Arun Admin"}, ["Database Escalation"]),
        ({"user_ids[]": "Ada Admin"}, ["Platform Escalation"]),
    ],
    ids=["query", "team", "direct-target", "another-direct-target"],
)
def test_filters(api, ids, params, names):
    params = {k: ids.get(v, v) for k, v in params.items()}
    listed = api.get("/escalation_policies", params=params).json()["escalation_policies"]
    assert [p["name"] for p in listed] == names


def test_a_policy_used_by_services_is_not_deleted_and_the_refusal_names_them(api, ids):
    response = api.delete(f"/escalation_policies/{ids['Platform Escalation']}")
    assert response.status_code == 400
    assert response.json()["error"]["errors"] == [
        "This escalation policy is used by one or more services and cannot be deleted: "
        "Checkout API, Platform Gateway"
    ]


def test_a_policy_no_service_uses_is_deleted(api, ids):
    assert api.delete(f"/escalation_policies/{ids['Database Escalation']}").status_code == 204
    assert api.get(f"/escalation_policies/{ids['Database Escalation']}").status_code == 404


@pytest.mark.parametrize(
    "targets,error",
    [
        ([ref("PNOPE12", "user")], "Escalation rule 1: user PNOPE12 not found"),
        ([ref("PNOPE12", "schedule")], "Escalation rule 1: schedule PNOPE12 not found"),
        ([], "Escalation rule 1 must have at least one target"),
        ([ref("PNOPE12", "team")], "Escalation rule 1: each target needs an id and a type among"),
    ],
    ids=["unknown-user", "unknown-schedule", "no-target", "wrong-type"],
)
def test_bad_targets_are_refused(api, targets, error):
    response = api.post("/escalation_policies", json=body("Bad", *targets))
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0].startswith(error)


def test_at_most_ten_targets_per_rule(api, ids):
    targets = [ref(ids["Uma User"], "user")] * 11
    response = api.post("/escalation_policies", json=body("Crowd", *targets))
    assert response.json()["error"]["errors"] == ["Escalation rule 1 may have at most 10 targets"]


def test_at_most_one_team(api, ids):
    teams = [ref(ids["Platform"], "team"), ref(ids["Payments"], "team")]
    response = api.post(
        "/escalation_policies", json=body("Two teams", ref(ids["Uma User"], "user"), teams=teams)
    )
    assert response.json()["error"]["errors"] == ["Only one team may be associated with an escalation policy"]
