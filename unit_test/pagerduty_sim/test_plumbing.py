"""Maintenance windows, extensions, priorities and change events (pagerduty-api.md §8.6, §8.8,
§8.11, §8.12, §10): their rules, filters and refusals as PagerDuty answers them.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

WEBHOOK_V2 = "P8X2W9Q"
SLACK = "PSLK2V7"


def at(sim, minutes):
    return (sim.clock.now() + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def window(sim, api, services):
    """Create a window on Checkout API from minutes relative to now; returns the response."""

    def create(start, end, client=None, **extra):
        body = {
            "maintenance_window": {
                "type": "maintenance_window",
                "start_time": at(sim, start),
                "end_time": at(sim, end),
                "services": [{"id": services["Checkout API"]["id"], "type": "service_reference"}],
                **extra,
            }
        }
        return (client or api).post("/maintenance_windows", json=body)

    return create


def listed(api, **params):
    return [
        w["description"] for w in api.get("/maintenance_windows", params=params).json()["maintenance_windows"]
    ]


def errors(response):
    return response.json()["error"]["errors"]


# -- maintenance windows --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start,end,message",
    [
        (60, 30, "End time must be after start time"),
        (-120, -60, "End time must be in the future"),
    ],
    ids=["end-before-start", "ended"],
)
def test_window_times_are_checked(window, start, end, message):
    response = window(start, end)
    assert (response.status_code, errors(response)) == (400, [message])


def test_unparseable_time_names_the_field(sim, window):
    response = window(0, 60, start_time="tomorrow")
    assert errors(response)[0].startswith("Start time must be an ISO 8601 date-time")


def test_a_start_in_the_past_is_moved_to_now(sim, window):
    sim.clock.set(datetime(2024, 5, 6, 12, 0, tzinfo=timezone.utc))
    created = window(-30, 60).json()["maintenance_window"]
    assert created["start_time"] == "2024-05-06T12:00:00Z"


def test_account_keys_need_from_and_the_window_records_its_creator(window, account_api, user_api, users):
    assert window(0, 60, client=account_api).json()["error"]["code"] == 2016
    created = window(0, 60, client=user_api).json()["maintenance_window"]
    assert created["created_by"]["id"] == users["Ada Admin"]["id"]
    assert created["teams"][0]["summary"] == "Payments"  # the teams of its services


def test_filters_past_future_ongoing_open_and_all(window, api):
    window(0, 60, description="now")
    window(120, 180, description="later")
    assert listed(api, filter="past") == ["Database upgrade"]  # seeded, ended a week ago
    assert listed(api, filter="ongoing") == ["now"]
    assert listed(api, filter="future") == ["later"]
    assert listed(api, filter="open") == ["now", "later"]
    assert listed(api) == listed(api, filter="all") == ["Database upgrade", "now", "later"]
    response = api.get("/maintenance_windows", params={"filter": "soon"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, 2002)


def test_windows_filter_by_service_team_and_query(window, api, services, sim):
    window(0, 60, description="Deploy checkout")
    payments = next(t["id"] for t in sim.state()["teams"] if t["name"] == "Payments")
    assert listed(api, **{"service_ids[]": services["Platform Gateway"]["id"]}) == []
    assert listed(api, **{"team_ids[]": payments, "query": "deploy"}) == ["Deploy checkout"]
    expanded = api.get("/maintenance_windows", params={"include[]": "services"}).json()["maintenance_windows"]
    assert expanded[0]["services"][0]["type"] == "service"


def test_delete_removes_a_future_window_ends_an_ongoing_one_and_refuses_a_past_one(window, api):
    future = window(120, 180).json()["maintenance_window"]["id"]
    ongoing = window(0, 60).json()["maintenance_window"]["id"]
    assert api.delete(f"/maintenance_windows/{future}").status_code == 204
    assert api.get(f"/maintenance_windows/{future}").status_code == 404
    assert api.delete(f"/maintenance_windows/{ongoing}").status_code == 204
    assert ongoing in [
        w["id"] for w in api.get("/maintenance_windows?filter=past").json()["maintenance_windows"]
    ]
    response = api.delete(f"/maintenance_windows/{ongoing}")
    assert response.status_code == 405
    assert "already ended" in errors(response)[0]


def test_a_future_window_takes_effect_when_the_clock_reaches_it(sim, window, api, services):
    window(60, 120)
    sid = services["Checkout API"]["id"]
    assert api.get(f"/services/{sid}").json()["service"]["status"] == "active"
    sim.clock.advance(61 * 60)
    assert api.get(f"/services/{sid}").json()["service"]["status"] == "maintenance"


def test_an_ended_window_cannot_be_updated(api, sim):
    past = sim.state()["maintenance_windows"][0]["id"]
    response = api.put(f"/maintenance_windows/{past}", json={"maintenance_window": {"description": "x"}})
    assert response.status_code == 400


# -- extensions -----------------------------------------------------------------------------------


def extension(services, schema=WEBHOOK_V2, **fields):
    return {
        "extension": {
            "type": "extension",
            "name": "Audit hook",
            "extension_schema": {"id": schema, "type": "extension_schema_reference"},
            "extension_objects": [{"id": services["Platform Gateway"]["id"], "type": "service_reference"}],
            **fields,
        }
    }


def test_extension_schemas_are_pagerdutys_catalogue(api):
    schemas = api.get("/extension_schemas").json()["extension_schemas"]
    assert {s["key"] for s in schemas} >= {"generic_v2_webhook", "generic_webhook", "slack_v2"}
    one = api.get(f"/extension_schemas/{WEBHOOK_V2}").json()["extension_schema"]
    assert (one["label"], one["summary"]) == ("Generic V2 Webhook", "Generic V2 Webhook")
    assert api.post("/extension_schemas", json={}).status_code in (404, 405)  # read-only: no create
    # PagerDuty documents no query here and ignores it: a lookup by label must match labels itself.
    assert len(api.get("/extension_schemas?query=slack").json()["extension_schemas"]) == len(schemas)


@pytest.mark.parametrize(
    "schema,fields,message",
    [
        ("PNOPE12", {"endpoint_url": "https://x.example.com"}, "Extension schema PNOPE12 not found"),
        (WEBHOOK_V2, {}, "Endpoint url can't be blank for a Generic V2 Webhook extension"),
        (
            WEBHOOK_V2,
            {"endpoint_url": "ftp://x.example.com"},
            "Endpoint url must be an http:// or https:// URL",
        ),
        (WEBHOOK_V2, {"endpoint_url": "https://x.example.com", "extension_objects": []}, "Extension objects"),
    ],
    ids=["unknown-schema", "no-endpoint", "bad-endpoint", "no-services"],
)
def test_bad_extensions_are_refused_naming_the_field(api, services, schema, fields, message):
    response = api.post("/extensions", json=extension(services, schema, **fields))
    assert response.status_code == 400
    assert errors(response)[0].startswith(message)


def test_extension_life_cycle_and_filters(api, services):
    created = api.post("/extensions", json=extension(services, SLACK, config={"channel": "#ops"}))
    assert created.status_code == 201
    ext = created.json()["extension"]
    assert (ext["endpoint_url"], ext["config"], ext["temporarily_disabled"]) == (
        None,
        {"channel": "#ops"},
        False,
    )
    gateway = services["Platform Gateway"]["id"]
    by_object = api.get("/extensions", params={"extension_object_id": gateway}).json()["extensions"]
    assert [e["name"] for e in by_object] == ["Audit hook"]
    by_schema = api.get("/extensions", params={"extension_schema_id": WEBHOOK_V2}).json()["extensions"]
    assert [e["name"] for e in by_schema] == ["Deploy notifier"]
    assert [e["name"] for e in api.get("/extensions?query=audit").json()["extensions"]] == ["Audit hook"]
    full = api.get(f"/extensions/{ext['id']}", params={"include[]": "extension_schemas"}).json()["extension"]
    assert full["extension_schema"]["key"] == "slack_v2"
    renamed = api.put(f"/extensions/{ext['id']}", json={"extension": {"name": "Ops channel"}})
    assert renamed.json()["extension"]["name"] == "Ops channel"
    moved = api.put(f"/extensions/{ext['id']}", json={"extension": {"extension_schema": {"id": WEBHOOK_V2}}})
    assert errors(moved)[0].startswith("Extension schema cannot be changed")
    assert api.post(f"/extensions/{ext['id']}/enable").json()["extension"]["temporarily_disabled"] is False
    assert api.delete(f"/extensions/{ext['id']}").status_code == 204
    assert api.get(f"/extensions/{ext['id']}").status_code == 404


# -- priorities -----------------------------------------------------------------------------------


def test_priorities_keep_the_account_order_and_carry_their_html_url(api):
    priorities = api.get("/priorities").json()["priorities"]
    assert [p["name"] for p in priorities] == ["P1", "P2", "P3", "P4", "P5"]
    assert all(p["html_url"] and p["html_url"].startswith("https://") for p in priorities)


# -- change events --------------------------------------------------------------------------------


@pytest.fixture
def change(sim, events, creds):
    def send(summary, timestamp=None, service="Checkout API", **extra):
        payload = {"summary": summary, "source": "ci", **({"timestamp": timestamp} if timestamp else {})}
        body = {"routing_key": creds["routing_keys"][service], "payload": payload, **extra}
        return events.post(sim.url + "/v2/change/enqueue", json=body, timeout=10)

    return send


def summaries(api, path="/change_events", **params):
    return [e["summary"] for e in api.get(path, params=params).json()["change_events"]]


def test_change_events_list_newest_first_within_since_and_until(api, change):
    change("Deploy 1", "2024-05-01T10:00:00Z")
    change("Deploy 3", "2024-05-03T10:00:00+02:00")
    change("Deploy 2", "2024-05-02T10:00:00Z")
    assert summaries(api) == ["Deploy 3", "Deploy 2", "Deploy 1"]
    assert summaries(api, since="2024-05-02T00:00:00Z", until="2024-05-03T09:00:00Z") == [
        "Deploy 3",
        "Deploy 2",
    ]
    stored = api.get("/change_events").json()["change_events"][0]
    assert stored["timestamp"] == "2024-05-03T08:00:00Z"
    assert stored["html_url"].endswith(f"/change_events/{stored['id']}")
    assert api.get(f"/change_events/{stored['id']}").json()["change_event"]["summary"] == "Deploy 3"


def test_change_event_listing_refuses_local_times(api):
    response = api.get("/change_events", params={"since": "2024-05-01T10:00:00+02:00"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, 2002)
    assert "UTC" in errors(response)[0]


def test_change_events_filter_by_service_team_and_integration(api, change, services, sim):
    change("Checkout deploy")
    change("Gateway deploy", service="Platform Gateway")
    gateway = services["Platform Gateway"]
    platform = next(t["id"] for t in sim.state()["teams"] if t["name"] == "Platform")
    assert summaries(api, f"/services/{gateway['id']}/change_events") == ["Gateway deploy"]
    assert summaries(api, **{"team_ids[]": platform}) == ["Gateway deploy"]
    integration = services["Checkout API"]["integrations"][0]["id"]
    assert summaries(api, **{"integration_ids[]": integration}) == ["Checkout deploy"]


def test_change_events_are_recorded_during_maintenance(sim, api, change, services):
    sid = services["Checkout API"]["id"]
    body = {
        "maintenance_window": {
            "type": "maintenance_window",
            "start_time": at(sim, 0),
            "end_time": at(sim, 30),
            "services": [{"id": sid, "type": "service_reference"}],
        }
    }
    api.post("/maintenance_windows", json=body)
    assert change("Deploy during maintenance").status_code == 202
    assert summaries(api, f"/services/{sid}/change_events") == ["Deploy during maintenance"]


def test_change_event_with_a_bad_timestamp_is_refused(change):
    response = change("Deploy", "yesterday-ish")
    assert response.status_code == 400
    assert response.json()["errors"] == ["'payload.timestamp' must be an ISO 8601 date-time string"]
