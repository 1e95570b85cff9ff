"""``GET /oncalls``: schedule shifts and permanent direct targets, with filters (§8.4)."""

from datetime import datetime, timezone

import pytest


@pytest.fixture
def monday(sim):
    # The seeded weekly rotation starts on Monday 2024-01-01 09:00 UTC with Uma, then Ulf.
    sim.clock.set(datetime(2024, 1, 3, 12, 0, tzinfo=timezone.utc))


def test_oncalls_follow_the_schedule_and_direct_targets(api, monday):
    entries = api.get("/oncalls").json()["oncalls"]
    shifts = [(e["escalation_level"], e["user"]["summary"], e["start"], e["end"]) for e in entries]
    assert shifts == [
        (1, "Uma User", "2024-01-01T09:00:00Z", "2024-01-08T09:00:00Z"),
        (2, "Ada Admin", None, None),
    ]


def test_the_rotation_moves_on(api, sim, monday):
    sim.clock.advance(7 * 86400)
    assert api.get("/oncalls").json()["oncalls"][0]["user"]["summary"] == "Ulf User"


def test_filter_by_user(api, users, monday):
    entries = api.get("/oncalls", params={"user_ids[]": users["Ada Admin"]["id"]}).json()["oncalls"]
    assert [(e["escalation_level"], e["schedule"]) for e in entries] == [(2, None)]


def test_incidents_are_assigned_to_whoever_is_on_call(api, services, monday):
    body = {
        "incident": {
            "type": "incident",
            "title": "x",
            "service": {"id": services["Checkout API"]["id"], "type": "service_reference"},
        }
    }
    incident = api.post("/incidents", json=body).json()["incident"]
    assert [a["assignee"]["summary"] for a in incident["assignments"]] == ["Uma User"]
