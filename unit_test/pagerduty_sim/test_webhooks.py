"""Webhook subscriptions v3 and their delivery: secrets shown once, filters, signed envelopes,
retries keeping order, drops that disable a subscription, pings and secret rotation."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from unit_test.pagerduty_sim.webhook_helpers import Receiver, subscription_body

ALL = [
    "incident.triggered",
    "incident.acknowledged",
    "incident.reassigned",
    "incident.priority_updated",
    "incident.annotated",
    "incident.status_update_published",
    "incident.resolved",
    "incident.escalated",
    "incident.reopened",
    "incident.unacknowledged",
]


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def subscribe(api, url, events=None, flt=None, **extra):
    response = api.post("/webhook_subscriptions", json=subscription_body(url, events or ALL, flt, **extra))
    assert response.status_code == 200, response.text
    return response.json()["webhook_subscription"]


def new_incident(api, service, title="Checkout is down"):
    body = {
        "incident": {
            "type": "incident",
            "title": title,
            "service": {"id": service, "type": "service_reference"},
        }
    }
    response = api.post("/incidents", json=body)
    assert response.status_code == 201, response.text
    return response.json()["incident"]


def update(api, incident, **fields):
    response = api.put(
        f"/incidents/{incident['id']}", json={"incident": {"type": "incident_reference", **fields}}
    )
    assert response.status_code == 200, response.text


def expected_signature(secret, raw):
    return "v1=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


# -- subscriptions --------------------------------------------------------------------------------


def test_the_secret_is_shown_on_creation_only_and_header_values_are_redacted(api, services):
    created = subscribe(
        api, "https://hooks.example.com/a", custom_headers=[{"name": "X-Token", "value": "t0k3n"}]
    )
    assert len(created["delivery_method"]["secret"]) == 64
    fetched = api.get(f"/webhook_subscriptions/{created['id']}").json()["webhook_subscription"]
    assert fetched["delivery_method"]["secret"] is None
    assert fetched["delivery_method"]["custom_headers"] == [{"name": "X-Token", "value": "-- redacted --"}]
    listed = api.get("/webhook_subscriptions").json()["webhook_subscriptions"]
    assert all(s["delivery_method"]["secret"] is None for s in listed)


def test_listing_filters_by_service_team_and_account(api, services, sim):
    gateway = services["Platform Gateway"]["id"]
    team = sim.state()["teams"][0]["id"]
    mine = subscribe(api, "https://hooks.example.com/s", flt={"type": "service_reference", "id": gateway})
    by_team = subscribe(api, "https://hooks.example.com/t", flt={"type": "team_reference", "id": team})
    account = subscribe(api, "https://hooks.example.com/a")

    def ids(query):
        return {s["id"] for s in api.get(f"/webhook_subscriptions?{query}").json()["webhook_subscriptions"]}

    assert ids(f"filter_type=service&filter_id={gateway}") == {mine["id"], "PWHDEMO"}
    assert ids(f"filter_type=team&filter_id={team}") == {by_team["id"]}
    assert ids("filter_type=account") == {account["id"]}
    response = api.get("/webhook_subscriptions?filter_type=service")
    assert response.status_code == 400
    assert response.json()["error"]["errors"] == ["Filter id is required when filter_type is service"]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"events": ["incident.exploded"]}, "Events contains an unknown event type: 'incident.exploded'"),
        ({"events": []}, "Events can't be blank; give at least one event type such as incident.triggered"),
        (
            {"filter": {"type": "service_reference", "id": "PNOPE12"}},
            "Filter id PNOPE12 is not a service of this account",
        ),
        ({"filter": {"type": "team_reference"}}, "Filter id can't be blank for a team_reference filter"),
        (
            {"delivery_method": {"type": "http_delivery_method", "url": "ftp://x"}},
            "Delivery method url must be an http:// or https:// URL",
        ),
    ],
    ids=["unknown-event", "no-events", "unknown-service", "team-without-id", "bad-url"],
)
def test_a_bad_subscription_is_refused_naming_the_field(api, change, error):
    body = subscription_body("https://hooks.example.com/a", ["incident.triggered"])
    body["webhook_subscription"].update(change)
    response = api.post("/webhook_subscriptions", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == {"message": "Invalid Input Provided", "code": 2001, "errors": [error]}


def test_update_changes_events_but_not_the_url_and_delete_removes(api):
    created = subscribe(api, "https://hooks.example.com/a")
    path = f"/webhook_subscriptions/{created['id']}"
    response = api.put(
        path, json={"webhook_subscription": {"events": ["incident.resolved"], "active": False}}
    )
    assert response.status_code == 200
    assert response.json()["webhook_subscription"]["events"] == ["incident.resolved"]
    assert response.json()["webhook_subscription"]["active"] is False
    moved = {
        "webhook_subscription": {
            "delivery_method": {"type": "http_delivery_method", "url": "https://b.example.com"}
        }
    }
    response = api.put(path, json=moved)
    assert response.status_code == 400
    assert "Delivery method cannot be changed" in response.json()["error"]["errors"][0]
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404


# -- delivery -------------------------------------------------------------------------------------


def test_incident_changes_arrive_signed_in_order_with_pagerduty_envelope(api, sim, services, receiver):
    secret = subscribe(api, receiver.url, custom_headers=[{"name": "X-Team", "value": "payments"}])[
        "delivery_method"
    ]["secret"]
    incident = new_incident(api, services["Checkout API"]["id"])
    update(api, incident, status="acknowledged")  # by Ada, who is not assigned: it moves to her
    update(api, incident, priority={"id": sim.state()["priorities"][0]["id"], "type": "priority_reference"})
    assert (
        api.post(f"/incidents/{incident['id']}/notes", json={"note": {"content": "Looking"}}).status_code
        == 201
    )
    assert (
        api.post(f"/incidents/{incident['id']}/status_updates", json={"message": "Degraded"}).status_code
        == 200
    )
    update(api, incident, status="resolved")
    assert sim.wait_webhooks(5)
    events = receiver.events()
    assert [e["event_type"] for e in events] == [
        "incident.triggered",
        "incident.acknowledged",
        "incident.reassigned",
        "incident.priority_updated",
        "incident.annotated",
        "incident.status_update_published",
        "incident.resolved",
    ]
    for headers, raw in receiver.received:
        assert headers["x-pagerduty-signature"] == expected_signature(secret, raw)
        assert headers["content-type"] == "application/json"
        assert headers["x-team"] == "payments"  # delivered unredacted
    assert len({h["x-webhook-id"] for h, _ in receiver.received}) == len(events)
    triggered = events[0]
    assert triggered["resource_type"] == "incident"
    assert triggered["agent"]["type"] == "user_reference"
    assert triggered["occurred_at"].endswith("Z") and "." in triggered["occurred_at"]
    data = triggered["data"]
    assert data["number"] == incident["incident_number"] and "incident_number" not in data
    assert [a["type"] for a in data["assignees"]] == ["user_reference"]
    assert events[2]["data"]["assignees"][0]["summary"] == "Ada Admin"
    assert events[4]["data"]["type"] == "incident_note" and events[4]["data"]["content"] == "Looking"
    assert events[5]["data"]["message"] == "Degraded"
    assert events[6]["data"]["status"] == "resolved"


def test_service_filter_and_event_list_choose_what_is_sent(api, sim, services, receiver):
    gateway = services["Platform Gateway"]["id"]
    subscribe(api, receiver.url, ["incident.triggered"], {"type": "service_reference", "id": gateway})
    new_incident(api, services["Checkout API"]["id"])
    mine = new_incident(api, gateway, "Gateway 5xx")
    assert sim.wait_webhooks(5)
    assert [(e["event_type"], e["data"]["id"]) for e in receiver.events()] == [
        ("incident.triggered", mine["id"])
    ]


def test_an_events_api_trigger_is_delivered_with_the_service_as_agent(sim, api, events, creds, receiver):
    subscribe(api, receiver.url, ["incident.triggered"])
    event = {
        "routing_key": creds["routing_keys"]["Checkout API"],
        "event_action": "trigger",
        "payload": {"summary": "Disk full", "source": "db1", "severity": "error"},
    }
    assert events.post(sim.url + "/v2/enqueue", json=event, timeout=10).status_code == 202
    assert sim.wait_webhooks(5)
    (delivered,) = receiver.events()
    assert delivered["agent"]["type"] == "service_reference"
    assert delivered["data"]["title"] == "Disk full"


def test_failures_are_retried_with_the_same_webhook_id_and_later_webhooks_wait(api, sim, services, receiver):
    subscribe(api, receiver.url, ["incident.triggered"])
    receiver.script(500, 503)
    first = new_incident(api, services["Checkout API"]["id"], "First")
    second = new_incident(api, services["Checkout API"]["id"], "Second")
    assert sim.wait_webhooks(5)
    ids = [h["x-webhook-id"] for h, _ in receiver.received]
    assert ids[0] == ids[1] == ids[2] != ids[3]
    assert [e["data"]["id"] for e in receiver.events()] == [first["id"]] * 3 + [second["id"]]
    outcomes = [d["outcome"] for d in sim.webhook_deliveries()]
    assert outcomes == ["retry", "retry", "delivered", "delivered"]


def test_an_answer_later_than_the_timeout_is_retried(api, sim, services, receiver):
    sim.settings.webhook_timeout = 0.1
    subscribe(api, receiver.url, ["incident.triggered"])
    receiver.slow(0.3)
    new_incident(api, services["Checkout API"]["id"])
    assert sim.wait_webhooks(5)
    attempts = sim.webhook_deliveries()
    assert [(d["outcome"], d["status"]) for d in attempts] == [("retry", None), ("delivered", 200)]
    assert attempts[0]["error"].startswith("TimeoutError")


def test_priority_changes_and_status_updates_are_in_the_log(api, sim, services):
    incident = new_incident(api, services["Checkout API"]["id"])
    p1 = next(p for p in sim.state()["priorities"] if p["name"] == "P1")
    update(api, incident, priority={"id": p1["id"], "type": "priority_reference"})
    assert (
        api.post(f"/incidents/{incident['id']}/status_updates", json={"message": "Degraded"}).status_code
        == 200
    )
    entries = api.get(f"/incidents/{incident['id']}/log_entries").json()["log_entries"]
    priority, status_update = entries[-2:]
    assert priority["type"] == "field_value_change_log_entry"
    assert priority["changeset"] == ["Updated priority to P1"]
    assert status_update["type"] == "annotate_log_entry"
    assert status_update["channel"] == {"type": "status_update", "summary": "Degraded"}


def test_three_refusals_disable_the_subscription_until_enabled(api, sim, services, receiver):
    created = subscribe(api, receiver.url, ["incident.triggered"])
    receiver.script(410, 410, 410)
    for n in range(4):
        new_incident(api, services["Checkout API"]["id"], f"Outage {n}")
        assert sim.wait_webhooks(5)
    assert len(receiver.received) == 3  # the fourth is not sent: the subscription is disabled
    path = f"/webhook_subscriptions/{created['id']}"
    assert api.get(path).json()["webhook_subscription"]["delivery_method"]["temporarily_disabled"] is True
    enabled = api.post(f"{path}/enable").json()["webhook_subscription"]
    assert enabled["delivery_method"]["temporarily_disabled"] is False
    new_incident(api, services["Checkout API"]["id"], "After enable")
    assert sim.wait_webhooks(5)
    assert len(receiver.received) == 4


def test_a_webhook_still_failing_at_the_end_of_the_retry_window_is_dropped(api, sim, services, receiver):
    sim.settings.webhook_retry_window = 0.2
    subscribe(api, receiver.url, ["incident.triggered"])
    receiver.script(*[500] * 50)
    new_incident(api, services["Checkout API"]["id"])
    assert sim.wait_webhooks(5)
    assert sim.webhook_deliveries()[-1]["outcome"] == "dropped"


def test_ping_sends_pagey_ping(api, sim, receiver):
    created = subscribe(api, receiver.url, ["incident.triggered"])
    assert api.post(f"/webhook_subscriptions/{created['id']}/ping").status_code == 202
    assert sim.wait_webhooks(5)
    (ping,) = receiver.events()
    assert ping["event_type"] == "pagey.ping"
    assert ping["data"] == {"message": "Hello from your friend Pagey!", "type": "ping"}


def test_during_a_rotation_each_delivery_carries_both_signatures(api, sim, receiver, events):
    created = subscribe(api, receiver.url, ["incident.triggered"])
    old = created["delivery_method"]["secret"]
    rotated = events.post(f"{sim.url}/_sim/webhook_subscriptions/{created['id']}/rotate", timeout=10).json()
    assert rotated["signatures"] == 2
    assert api.post(f"/webhook_subscriptions/{created['id']}/ping").status_code == 202
    assert sim.wait_webhooks(5)
    ((headers, raw),) = receiver.received
    assert (
        headers["x-pagerduty-signature"]
        == f"{expected_signature(old, raw)},{expected_signature(rotated['secret'], raw)}"
    )


def test_urls_outside_loopback_are_never_called(api, sim, services):
    subscribe(api, "https://hooks.example.com/a", ["incident.triggered"])
    new_incident(api, services["Checkout API"]["id"])
    assert sim.wait_webhooks(5)
    assert [d["outcome"] for d in sim.webhook_deliveries()] == ["skipped"]
    assert json.dumps(sim.webhook_deliveries()).count("secret") == 0
