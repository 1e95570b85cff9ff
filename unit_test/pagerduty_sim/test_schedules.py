"""Schedules over the API: rendering for a window, time zones, users, updates and deletes (§8.4)."""

from datetime import datetime, timezone

import pytest


@pytest.fixture
def ids(users):
    return {name: user["id"] for name, user in users.items()}


def ref(rid, kind="user"):
    return {"id": rid, "type": f"{kind}_reference"}


def daily(ids, *names, start="2024-01-01T09:00:00Z", **extra):
    return {
        "start": start,
        "rotation_virtual_start": start,
        "rotation_turn_length_seconds": 86400,
        "users": [{"user": ref(ids[n])} for n in names],
        **extra,
    }


def create(api, *layers, zone="UTC", name="Support"):
    body = {
        "schedule": {"type": "schedule", "name": name, "time_zone": zone, "schedule_layers": list(layers)}
    }
    response = api.post("/schedules", json=body)
    assert response.status_code == 200, response.text
    return response.json()["schedule"]


def get(api, schedule_id, **params):
    response = api.get(f"/schedules/{schedule_id}", params=params)
    assert response.status_code == 200, response.text
    return response.json()["schedule"]


def entries(part):
    return [(e["user"]["summary"], e["start"], e["end"]) for e in part["rendered_schedule_entries"]]


def test_entries_are_rendered_only_for_a_window(api, ids):
    schedule = create(api, daily(ids, "Uma User", "Ulf User"))
    plain = get(api, schedule["id"])
    assert plain["final_schedule"] == {
        "name": "Final Schedule",
        "rendered_schedule_entries": [],
        "rendered_coverage_percentage": None,
    }
    assert plain["schedule_layers"][0]["rendered_schedule_entries"] == []


def test_two_user_daily_rotation_split_at_the_window(api, ids):
    schedule = create(api, daily(ids, "Uma User", "Ulf User"))
    shown = get(api, schedule["id"], since="2024-01-01T12:00:00Z", until="2024-01-03T12:00:00Z")
    expected = [
        ("Uma User", "2024-01-01T12:00:00Z", "2024-01-02T09:00:00Z"),
        ("Ulf User", "2024-01-02T09:00:00Z", "2024-01-03T09:00:00Z"),
        ("Uma User", "2024-01-03T09:00:00Z", "2024-01-03T12:00:00Z"),
    ]
    assert entries(shown["final_schedule"]) == expected
    assert entries(shown["schedule_layers"][0]) == expected
    assert shown["final_schedule"]["rendered_coverage_percentage"] == 100.0
    assert shown["overrides_subschedule"]["rendered_schedule_entries"] == []


def test_overflow_gives_whole_entries(api, ids):
    schedule = create(api, daily(ids, "Uma User", "Ulf User"))
    shown = get(
        api, schedule["id"], since="2024-01-02T10:00:00Z", until="2024-01-02T14:00:00Z", overflow="true"
    )
    assert entries(shown["final_schedule"]) == [("Ulf User", "2024-01-02T09:00:00Z", "2024-01-03T09:00:00Z")]


def test_weekly_rotation_across_dst_in_the_schedules_zone(api, ids):
    weekly = {
        "start": "2024-03-18T09:00:00+01:00",
        "rotation_virtual_start": "2024-03-18T09:00:00+01:00",
        "rotation_turn_length_seconds": 604800,
        "users": [{"user": ref(ids["Uma User"])}, {"user": ref(ids["Ulf User"])}],
    }
    schedule = create(api, weekly, zone="Europe/Berlin")
    assert schedule["schedule_layers"][0]["start"] == "2024-03-18T09:00:00+01:00"
    shown = get(api, schedule["id"], since="2024-03-25T00:00:00", until="2024-04-02T00:00:00")
    # since/until without an offset are Berlin wall-clock times; hand-offs stay at 09:00 local.
    assert entries(shown["final_schedule"]) == [
        ("Uma User", "2024-03-25T00:00:00+01:00", "2024-03-25T09:00:00+01:00"),
        ("Ulf User", "2024-03-25T09:00:00+01:00", "2024-04-01T09:00:00+02:00"),
        ("Uma User", "2024-04-01T09:00:00+02:00", "2024-04-02T00:00:00+02:00"),
    ]
    in_utc = get(
        api, schedule["id"], since="2024-03-31T00:00:00Z", until="2024-04-02T00:00:00Z", time_zone="UTC"
    )
    assert entries(in_utc["final_schedule"])[1] == (
        "Uma User",
        "2024-04-01T07:00:00Z",
        "2024-04-02T00:00:00Z",
    )


def test_one_bound_gives_a_two_week_window(api, ids):
    schedule = create(api, daily(ids, "Uma User"))
    shown = get(api, schedule["id"], since="2024-01-01T09:00:00Z")
    assert entries(shown["final_schedule"]) == [("Uma User", "2024-01-01T09:00:00Z", "2024-01-15T09:00:00Z")]
    assert len(shown["schedule_layers"][0]["rendered_schedule_entries"]) == 14


def test_layers_restrictions_and_overrides_make_the_final_schedule(api, ids):
    # Uma has the daily turns starting on odd days of January, Ulf the even ones; Lee covers the
    # weekend of 6-7 January over them; Ada overrides Ulf for two hours on Monday 8.
    weekend = daily(
        ids,
        "Lee Limited",
        name="Weekend",
        restrictions=[
            {
                "type": "weekly_restriction",
                "start_day_of_week": 6,
                "start_time_of_day": "00:00:00",
                "duration_seconds": 172800,
            }
        ],
    )
    schedule = create(api, daily(ids, "Uma User", "Ulf User"), weekend)
    override = {"start": "2024-01-08T12:00:00Z", "end": "2024-01-08T14:00:00Z", "user": ref(ids["Ada Admin"])}
    assert (
        api.post(f"/schedules/{schedule['id']}/overrides", json={"overrides": [override]}).status_code == 201
    )
    shown = get(api, schedule["id"], since="2024-01-05T00:00:00Z", until="2024-01-09T00:00:00Z")
    assert entries(shown["final_schedule"]) == [
        ("Ulf User", "2024-01-05T00:00:00Z", "2024-01-05T09:00:00Z"),
        ("Uma User", "2024-01-05T09:00:00Z", "2024-01-06T00:00:00Z"),
        ("Lee Limited", "2024-01-06T00:00:00Z", "2024-01-08T00:00:00Z"),
        ("Uma User", "2024-01-08T00:00:00Z", "2024-01-08T09:00:00Z"),
        ("Ulf User", "2024-01-08T09:00:00Z", "2024-01-08T12:00:00Z"),
        ("Ada Admin", "2024-01-08T12:00:00Z", "2024-01-08T14:00:00Z"),
        ("Ulf User", "2024-01-08T14:00:00Z", "2024-01-09T00:00:00Z"),
    ]
    assert entries(shown["overrides_subschedule"]) == [
        ("Ada Admin", "2024-01-08T12:00:00Z", "2024-01-08T14:00:00Z")
    ]
    assert shown["schedule_layers"][1]["name"] == "Weekend"
    assert shown["schedule_layers"][1]["rendered_coverage_percentage"] == 50.0


def test_list_shows_layers_only_when_included(api, ids):
    create(api, daily(ids, "Uma User"), name="Support")
    plain = api.get("/schedules", params={"query": "supp"}).json()["schedules"][0]
    assert "schedule_layers" not in plain and "final_schedule" not in plain
    params = {
        "query": "supp",
        "include[]": "final_schedule",
        "since": "2024-01-01T09:00:00Z",
        "until": "2024-01-02T09:00:00Z",
    }
    shown = api.get("/schedules", params=params).json()["schedules"][0]
    assert entries(shown["final_schedule"]) == [("Uma User", "2024-01-01T09:00:00Z", "2024-01-02T09:00:00Z")]
    assert "schedule_layers" not in shown


def test_next_on_call_for_a_user(api, sim, ids):
    sim.clock.set(datetime(2024, 1, 1, 12, tzinfo=timezone.utc))
    schedule = create(api, daily(ids, "Uma User", "Ulf User"))
    shown = get(api, schedule["id"], include_next_oncall_for_user=ids["Ulf User"])
    assert shown["next_oncall_for_user"]["start"] == "2024-01-02T09:00:00Z"
    assert shown["next_oncall_for_user"]["user"]["id"] == ids["Ulf User"]


def test_users_of_a_schedule_with_and_without_a_window(api, ids):
    schedule = create(api, daily(ids, "Uma User", "Ulf User", "Lee Limited"))
    everyone = api.get(f"/schedules/{schedule['id']}/users").json()["users"]
    assert [u["name"] for u in everyone] == ["Uma User", "Ulf User", "Lee Limited"]
    window = {"since": "2024-01-01T12:00:00Z", "until": "2024-01-02T12:00:00Z"}
    on_call = api.get(f"/schedules/{schedule['id']}/users", params=window).json()["users"]
    assert [u["name"] for u in on_call] == ["Uma User", "Ulf User"]
    assert on_call[0]["email"] == "uma.user@example.com"


def test_update_ends_the_layers_it_leaves_out(api, sim, ids):
    sim.clock.set(datetime(2024, 1, 10, 9, tzinfo=timezone.utc))
    schedule = create(api, daily(ids, "Uma User", "Ulf User"))
    replacement = daily(ids, "Lee Limited", start="2024-01-10T09:00:00Z")
    body = {"schedule": {"type": "schedule", "schedule_layers": [replacement]}}
    updated = api.put(f"/schedules/{schedule['id']}", json=body).json()["schedule"]
    assert [(layer["name"], layer["end"]) for layer in updated["schedule_layers"]] == [
        ("Layer 1", "2024-01-10T09:00:00Z"),
        ("Layer 1", None),
    ]
    shown = get(api, schedule["id"], since="2024-01-09T09:00:00Z", until="2024-01-11T09:00:00Z")
    assert entries(shown["final_schedule"]) == [
        ("Uma User", "2024-01-09T09:00:00Z", "2024-01-10T09:00:00Z"),
        ("Lee Limited", "2024-01-10T09:00:00Z", "2024-01-11T09:00:00Z"),
    ]


def test_update_keeps_a_layer_sent_with_its_id(api, ids):
    schedule = create(api, daily(ids, "Uma User"))
    layer = {**daily(ids, "Ulf User"), "id": schedule["schedule_layers"][0]["id"], "name": "Renamed"}
    body = {"schedule": {"type": "schedule", "schedule_layers": [layer]}}
    updated = api.put(f"/schedules/{schedule['id']}", json=body).json()["schedule"]
    assert [(x["id"], x["name"]) for x in updated["schedule_layers"]] == [(layer["id"], "Renamed")]


def test_create_answers_201_with_the_setting(api, sim, ids):
    sim.app.settings.schedule_create_201 = True
    body = {"schedule": {"type": "schedule", "time_zone": "UTC", "schedule_layers": [daily(ids, "Uma User")]}}
    assert api.post("/schedules", json=body).status_code == 201


def test_a_schedule_used_by_a_policy_is_not_deleted(api, sim):
    schedule = next(s["id"] for s in sim.state()["schedules"] if s["name"] == "Platform Primary")
    response = api.delete(f"/schedules/{schedule}")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "message": "Invalid Input Provided",
        "code": 2001,
        "errors": ["Schedule can't be deleted if it's being used by escalation policies"],
    }


def test_deleting_a_schedule_deletes_its_overrides(api, sim, ids):
    schedule = create(api, daily(ids, "Uma User"))
    override = {"start": "2024-01-02T00:00:00Z", "end": "2024-01-03T00:00:00Z", "user": ref(ids["Ulf User"])}
    api.post(f"/schedules/{schedule['id']}/overrides", json={"overrides": [override]})
    assert len(sim.state()["overrides"]) == 1
    assert api.delete(f"/schedules/{schedule['id']}").status_code == 204
    assert sim.state()["overrides"] == []
    assert api.get(f"/schedules/{schedule['id']}").status_code == 404


@pytest.mark.parametrize(
    "change,error",
    [
        (
            {"zone": "Mars/Olympus"},
            "Time zone 'Mars/Olympus' is not a time zone; use an IANA name such as Europe/Berlin",
        ),
        ({"users": [{"user": ref("PNOPE12")}]}, "Schedule layer 1: user PNOPE12 not found"),
        ({"end": "2023-12-31T00:00:00Z"}, "Schedule layer 1: end must be after start"),
        (
            {"restrictions": [{"type": "hourly", "start_time_of_day": "09:00:00", "duration_seconds": 60}]},
            "Schedule layer 1: restriction 1: type must be daily_restriction or weekly_restriction",
        ),
        (
            {
                "restrictions": [
                    {"type": "daily_restriction", "start_time_of_day": "9am", "duration_seconds": 60}
                ]
            },
            "Schedule layer 1: restriction 1: start_time_of_day must be HH:mm:ss",
        ),
        (
            {
                "restrictions": [
                    {"type": "daily_restriction", "start_time_of_day": "09:00:00", "duration_seconds": 90000}
                ]
            },
            "Schedule layer 1: restriction 1: duration_seconds must be an integer from 1 to 86400",
        ),
        (
            {
                "restrictions": [
                    {"type": "weekly_restriction", "start_time_of_day": "09:00:00", "duration_seconds": 60}
                ]
            },
            "Schedule layer 1: restriction 1: start_day_of_week must be 1 (Monday) to 7 (Sunday)",
        ),
    ],
    ids=[
        "zone",
        "unknown-user",
        "end-before-start",
        "restriction-type",
        "restriction-time",
        "too-long",
        "no-day",
    ],
)
def test_bad_schedules_are_refused_naming_the_field(api, ids, change, error):
    zone = change.pop("zone", "UTC")
    layer = {**daily(ids, "Uma User"), **change}
    body = {"schedule": {"type": "schedule", "time_zone": zone, "schedule_layers": [layer]}}
    response = api.post("/schedules", json=body)
    assert (response.status_code, response.json()["error"]["errors"]) == (400, [error])


def test_a_window_with_until_before_since_is_refused(api, sim):
    schedule = sim.state()["schedules"][0]["id"]
    response = api.get(
        f"/schedules/{schedule}", params={"since": "2024-01-02T00:00:00Z", "until": "2024-01-01T00:00:00Z"}
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, 2005)
