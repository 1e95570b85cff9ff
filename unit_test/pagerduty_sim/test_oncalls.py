"""``GET /oncalls``: computed from escalation policies and final schedules, now or over a window (§8.4)."""

from datetime import datetime, timezone

import pytest


@pytest.fixture
def monday(sim):
    # The seeded weekly rotation starts on Monday 2024-01-01 09:00 UTC with Uma, then Ulf.
    sim.clock.set(datetime(2024, 1, 3, 12, 0, tzinfo=timezone.utc))


@pytest.fixture
def platform(sim):
    return next(p["id"] for p in sim.state()["escalation_policies"] if p["name"] == "Platform Escalation")


@pytest.fixture
def primary(sim):
    return next(s["id"] for s in sim.state()["schedules"] if s["name"] == "Platform Primary")


def oncalls(api, **params):
    response = api.get("/oncalls", params=params)
    assert response.status_code == 200, response.text
    return response.json()["oncalls"]


def rows(entries):
    return [(e["escalation_level"], e["user"]["summary"], e["start"], e["end"]) for e in entries]


def test_oncalls_follow_the_schedule_and_direct_targets(api, monday, platform):
    assert rows(oncalls(api, **{"escalation_policy_ids[]": platform})) == [
        (1, "Uma User", "2024-01-01T09:00:00Z", "2024-01-08T09:00:00Z"),
        (2, "Ada Admin", None, None),
    ]


def test_every_policy_is_listed_by_name(api, monday):
    entries = oncalls(api)
    assert [(e["escalation_policy"]["summary"], e["escalation_level"]) for e in entries] == [
        ("Database Escalation", 1),
        ("Database Escalation", 2),
        ("Platform Escalation", 1),
        ("Platform Escalation", 2),
    ]
    # Wednesday 3 Jan 12:00 UTC is 07:00 in New York: Ada's daily turn began Tuesday 09:00 EST.
    assert rows(entries)[0] == (1, "Ada Admin", "2024-01-02T14:00:00Z", "2024-01-03T14:00:00Z")


def test_the_rotation_moves_on(api, sim, monday, platform):
    sim.clock.advance(7 * 86400)
    assert oncalls(api, **{"escalation_policy_ids[]": platform})[0]["user"]["summary"] == "Ulf User"


def test_filter_by_user(api, users, monday):
    entries = oncalls(api, **{"user_ids[]": users["Ada Admin"]["id"]})
    assert [
        (e["escalation_policy"]["summary"], e["escalation_level"], e["schedule"] and e["schedule"]["summary"])
        for e in entries
    ] == [("Database Escalation", 1, "Database On-Call"), ("Platform Escalation", 2, None)]


def test_a_window_lists_every_shift_that_overlaps_it_whole(api, monday, platform):
    # 5 Jan to 16 Jan overlaps Uma's first week, Ulf's, and Uma's second: spans are not cut.
    entries = oncalls(
        api,
        since="2024-01-05T00:00:00Z",
        until="2024-01-16T00:00:00Z",
        **{"escalation_policy_ids[]": platform},
    )
    assert rows(entries) == [
        (1, "Uma User", "2024-01-01T09:00:00Z", "2024-01-08T09:00:00Z"),
        (1, "Ulf User", "2024-01-08T09:00:00Z", "2024-01-15T09:00:00Z"),
        (1, "Uma User", "2024-01-15T09:00:00Z", "2024-01-22T09:00:00Z"),
        (2, "Ada Admin", None, None),
    ]


def test_earliest_keeps_one_entry_per_policy_level_and_user(api, monday, platform):
    entries = oncalls(
        api,
        since="2024-01-05T00:00:00Z",
        until="2024-01-16T00:00:00Z",
        earliest="true",
        **{"escalation_policy_ids[]": platform},
    )
    assert [r[:3] for r in rows(entries)] == [
        (1, "Uma User", "2024-01-01T09:00:00Z"),
        (1, "Ulf User", "2024-01-08T09:00:00Z"),
        (2, "Ada Admin", None),
    ]


def test_schedule_filter_leaves_permanent_on_calls_out_unless_it_holds_null(api, monday, primary):
    assert [e["escalation_level"] for e in oncalls(api, **{"schedule_ids[]": primary})] == [1]
    both = oncalls(api, **{"schedule_ids[]": [primary, "null"]})
    assert [(e["escalation_policy"]["summary"], e["escalation_level"]) for e in both] == [
        ("Database Escalation", 2),
        ("Platform Escalation", 1),
        ("Platform Escalation", 2),
    ]


def test_time_zone_renders_start_and_end(api, monday, primary):
    entry = oncalls(api, time_zone="Europe/Berlin", **{"schedule_ids[]": primary})[0]
    assert (entry["start"], entry["end"]) == ("2024-01-01T10:00:00+01:00", "2024-01-08T10:00:00+01:00")


def test_an_override_changes_who_is_on_call(api, users, monday, primary):
    body = {
        "overrides": [
            {
                "start": "2024-01-03T11:00:00Z",
                "end": "2024-01-03T20:00:00Z",
                "user": {"id": users["Lee Limited"]["id"], "type": "user_reference"},
            }
        ]
    }
    assert api.post(f"/schedules/{primary}/overrides", json=body).status_code == 201
    assert rows(oncalls(api, **{"schedule_ids[]": primary})) == [
        (1, "Lee Limited", "2024-01-03T11:00:00Z", "2024-01-03T20:00:00Z")
    ]


def test_no_one_on_call_gives_no_entry(api, sim, monday):
    # A policy on a schedule whose only layer covers weekends: nobody on a Wednesday.
    state = sim.state()
    uma = next(u["id"] for u in state["users"] if u["name"] == "Uma User")
    layer = {
        "start": "2024-01-01T00:00:00Z",
        "rotation_virtual_start": "2024-01-01T00:00:00Z",
        "rotation_turn_length_seconds": 604800,
        "users": [{"user": {"id": uma, "type": "user_reference"}}],
        "restrictions": [
            {
                "type": "weekly_restriction",
                "start_day_of_week": 6,
                "start_time_of_day": "00:00:00",
                "duration_seconds": 172800,
            }
        ],
    }
    body = {
        "schedule": {"type": "schedule", "name": "Weekends", "time_zone": "UTC", "schedule_layers": [layer]}
    }
    schedule = api.post("/schedules", json=body).json()["schedule"]["id"]
    rule = {"escalation_delay_in_minutes": 5, "targets": [{"id": schedule, "type": "schedule_reference"}]}
    policy = api.post(
        "/escalation_policies",
        json={
            "escalation_policy": {
                "type": "escalation_policy",
                "name": "Weekend EP",
                "escalation_rules": [rule],
            }
        },
    ).json()["escalation_policy"]["id"]
    assert oncalls(api, **{"escalation_policy_ids[]": policy}) == []
    assert rows(oncalls(api, since="2024-01-06T12:00:00Z", **{"escalation_policy_ids[]": policy})) == [
        (1, "Uma User", "2024-01-06T00:00:00Z", "2024-01-08T00:00:00Z")
    ]


@pytest.mark.parametrize(
    "params,status,code,detail",
    [
        (
            {"since": "2024-01-05T00:00:00Z", "until": "2024-01-04T00:00:00Z"},
            400,
            2005,
            "Until must be after since",
        ),
        ({"until": "2024-06-01T00:00:00Z"}, 400, 2002, "On-call shifts are limited to 90 days in the future"),
        ({"since": "yesterday"}, 400, 2004, "Since is not a valid date"),
        ({"time_zone": "Mars/Olympus"}, 400, 2002, "Time zone 'Mars/Olympus' is not a time zone"),
    ],
    ids=["until-before-since", "too-far-ahead", "bad-since", "bad-zone"],
)
def test_bad_windows_are_refused(api, monday, params, status, code, detail):
    response = api.get("/oncalls", params=params)
    assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    assert response.json()["error"]["errors"][0].startswith(detail)


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
