"""Schedule overrides: per-item results, listing windows, deleting future, current and past ones (§8.4)."""

from datetime import datetime, timezone

import pytest


@pytest.fixture
def schedule(sim):
    # Platform Primary: Berlin, Uma then Ulf weekly from Monday 1 January 2024 09:00 UTC.
    sim.clock.set(datetime(2024, 1, 3, 12, tzinfo=timezone.utc))
    return next(s["id"] for s in sim.state()["schedules"] if s["name"] == "Platform Primary")


def item(users, name, start, end, **extra):
    return {"start": start, "end": end, "user": {"id": users[name]["id"], "type": "user_reference"}, **extra}


def create(api, schedule, *items):
    response = api.post(f"/schedules/{schedule}/overrides", json={"overrides": list(items)})
    assert response.status_code == 201, response.text
    return response.json()


def listed(api, schedule, **params):
    response = api.get(f"/schedules/{schedule}/overrides", params=params)
    assert response.status_code == 200, response.text
    return [(o["user"]["summary"], o["start"], o["end"]) for o in response.json()["overrides"]]


def test_each_override_has_its_own_status(api, users, schedule):
    results = create(
        api,
        schedule,
        item(users, "Ada Admin", "2024-01-04T20:00:00Z", "2024-01-05T08:00:00Z"),
        item(users, "Ada Admin", "2024-01-05T08:00:00Z", "2024-01-04T20:00:00Z"),
        item(users, "Ada Admin", "2024-01-06T08:00:00Z", "2024-01-06T09:00:00Z")
        | {"user": {"id": "PNOPE12"}},
    )
    assert [r["status"] for r in results] == [201, 400, 400]
    created = results[0]["override"]
    assert len(created["id"]) == 14 and created["id"].startswith("Q")
    # Shown in the schedule's zone (Berlin, +01:00 in winter).
    assert (created["start"], created["end"]) == ("2024-01-04T21:00:00+01:00", "2024-01-05T09:00:00+01:00")
    assert results[1]["errors"] == ["Override must end after its start"]
    assert results[2]["errors"] == ["User PNOPE12 not found"]
    assert len(listed(api, schedule, since="2024-01-01T00:00:00Z", until="2024-02-01T00:00:00Z")) == 1


def test_a_time_without_offset_is_read_in_the_items_zone(api, users, schedule):
    results = create(
        api, schedule, item(users, "Ada Admin", "2024-01-04T20:00", "2024-01-04T22:00", time_zone="UTC")
    )
    assert results[0]["override"]["start"] == "2024-01-04T21:00:00+01:00"


def test_the_deprecated_single_form_still_works(api, users, schedule):
    body = {"override": item(users, "Ulf User", "2024-01-04T20:00:00Z", "2024-01-05T08:00:00Z")}
    response = api.post(f"/schedules/{schedule}/overrides", json=body)
    assert response.status_code == 201
    assert response.json()["override"]["user"]["summary"] == "Ulf User"


def test_listing_needs_a_window(api, schedule):
    response = api.get(f"/schedules/{schedule}/overrides", params={"since": "2024-01-01T00:00:00Z"})
    assert (response.status_code, response.json()["error"]["errors"]) == (400, ["Until is required"])


def test_listing_cuts_overrides_to_the_window_unless_overflow(api, users, schedule):
    create(
        api,
        schedule,
        item(users, "Ulf User", "2024-01-05T08:00:00Z", "2024-01-05T20:00:00Z"),
        item(users, "Ada Admin", "2024-01-04T20:00:00Z", "2024-01-05T08:00:00Z"),
        item(users, "Lee Limited", "2024-01-09T00:00:00Z", "2024-01-10T00:00:00Z"),
    )
    window = {"since": "2024-01-05T00:00:00Z", "until": "2024-01-06T00:00:00Z"}
    assert listed(api, schedule, **window) == [
        ("Ada Admin", "2024-01-05T01:00:00+01:00", "2024-01-05T09:00:00+01:00"),
        ("Ulf User", "2024-01-05T09:00:00+01:00", "2024-01-05T21:00:00+01:00"),
    ]
    assert listed(api, schedule, overflow="true", **window)[0][1] == "2024-01-04T21:00:00+01:00"


def test_delete_removes_a_future_override_and_truncates_a_current_one(api, sim, users, schedule):
    future, current = (
        r["override"]["id"]
        for r in create(
            api,
            schedule,
            item(users, "Ada Admin", "2024-01-04T20:00:00Z", "2024-01-05T08:00:00Z"),
            item(users, "Ulf User", "2024-01-03T10:00:00Z", "2024-01-03T18:00:00Z"),
        )
    )
    assert api.delete(f"/schedules/{schedule}/overrides/{future}").status_code == 204
    assert api.delete(f"/schedules/{schedule}/overrides/{current}").status_code == 200
    assert listed(api, schedule, since="2024-01-01T00:00:00Z", until="2024-02-01T00:00:00Z") == [
        ("Ulf User", "2024-01-03T11:00:00+01:00", "2024-01-03T13:00:00+01:00")
    ]
    # Uma (the rotation) is on call again from now on.
    oncall = api.get("/oncalls", params={"schedule_ids[]": schedule}).json()["oncalls"]
    assert oncall[0]["user"]["summary"] == "Uma User"


def test_a_past_override_cannot_be_deleted(api, users, schedule):
    past = create(api, schedule, item(users, "Ada Admin", "2024-01-02T00:00:00Z", "2024-01-02T08:00:00Z"))
    response = api.delete(f"/schedules/{schedule}/overrides/{past[0]['override']['id']}")
    assert response.status_code == 400
    assert response.json()["error"]["errors"] == [
        "Override has already ended; past overrides cannot be deleted"
    ]


def test_an_override_of_another_schedule_is_not_found(api, users, sim, schedule):
    other = next(s["id"] for s in sim.state()["schedules"] if s["name"] == "Database On-Call")
    created = create(api, other, item(users, "Ada Admin", "2024-01-04T20:00:00Z", "2024-01-05T08:00:00Z"))
    assert api.delete(f"/schedules/{schedule}/overrides/{created[0]['override']['id']}").status_code == 404


def test_an_override_reassigns_new_incidents(api, users, services, schedule):
    create(api, schedule, item(users, "Lee Limited", "2024-01-03T11:00:00Z", "2024-01-03T13:00:00Z"))
    body = {
        "incident": {
            "type": "incident",
            "title": "Disk full",
            "service": {"id": services["Platform Gateway"]["id"], "type": "service_reference"},
        }
    }
    incident = api.post("/incidents", json=body).json()["incident"]
    assert [a["assignee"]["summary"] for a in incident["assignments"]] == ["Lee Limited"]
