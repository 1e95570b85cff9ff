"""Events API v2 (alert and change events) and v1: validation, answers and deduplication (§9-§11)."""

import pytest

TRIGGER_PAYLOAD = {"summary": "Disk full on db1", "source": "db1", "severity": "critical"}
V1_PATH = "/generic/2010-04-15/create_event.json"


@pytest.fixture
def key(creds):
    return creds["routing_keys"]["Checkout API"]


@pytest.fixture
def send(sim, events):
    def send(body, path="/v2/enqueue"):
        return events.post(sim.url + path, json=body, timeout=10)

    return send


def open_incidents(api):
    """The open incidents of Checkout API, where ``key`` sends (the demo seed's are on Platform Gateway)."""
    params = [("statuses[]", "triggered"), ("statuses[]", "acknowledged")]
    incidents = api.get("/incidents", params=params).json()["incidents"]
    return [i for i in incidents if i["service"]["summary"] == "Checkout API"]


def all_incident_ids(api):
    return [i["id"] for i in api.get("/incidents", params={"date_range": "all"}).json()["incidents"]]


def test_trigger_answers_202_with_generated_dedup_key(send, key):
    response = send({"routing_key": key, "event_action": "trigger", "payload": TRIGGER_PAYLOAD})
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["message"]) == ("success", "Event processed")
    assert len(body["dedup_key"]) == 36


def test_trigger_creates_alert_and_incident_on_the_bound_service(api, send, key, services):
    send({"routing_key": key, "event_action": "trigger", "dedup_key": "disk-db1", "payload": TRIGGER_PAYLOAD})
    [incident] = open_incidents(api)
    assert (incident["title"], incident["incident_key"]) == ("Disk full on db1", "disk-db1")
    assert incident["service"]["id"] == services["Checkout API"]["id"]
    [alert] = api.get(f"/incidents/{incident['id']}/alerts").json()["alerts"]
    assert (alert["alert_key"], alert["severity"], alert["status"]) == ("disk-db1", "critical", "triggered")


def test_trigger_with_open_dedup_key_adds_to_the_same_alert(api, send, key):
    for _ in range(3):
        send({"routing_key": key, "event_action": "trigger", "dedup_key": "same", "payload": TRIGGER_PAYLOAD})
    [incident] = open_incidents(api)
    assert incident["alert_counts"] == {"all": 1, "triggered": 1, "resolved": 0}


def test_trigger_without_dedup_key_always_opens_a_new_alert(api, send, key):
    for _ in range(2):
        send({"routing_key": key, "event_action": "trigger", "payload": TRIGGER_PAYLOAD})
    assert len(open_incidents(api)) == 2


def test_acknowledge_and_resolve_by_dedup_key(api, send, key):
    send({"routing_key": key, "event_action": "trigger", "dedup_key": "k", "payload": TRIGGER_PAYLOAD})
    send({"routing_key": key, "event_action": "acknowledge", "dedup_key": "k"})
    assert open_incidents(api)[0]["status"] == "acknowledged"
    assert send({"routing_key": key, "event_action": "resolve", "dedup_key": "k"}).status_code == 202
    assert open_incidents(api) == []
    resolved = api.get("/incidents", params={"statuses[]": "resolved"}).json()["incidents"]
    assert resolved[0]["alert_counts"] == {"all": 1, "triggered": 0, "resolved": 1}


def test_trigger_after_resolve_opens_a_new_incident(api, send, key):
    send({"routing_key": key, "event_action": "trigger", "dedup_key": "k", "payload": TRIGGER_PAYLOAD})
    [first] = open_incidents(api)
    send({"routing_key": key, "event_action": "resolve", "dedup_key": "k"})
    send({"routing_key": key, "event_action": "trigger", "dedup_key": "k", "payload": TRIGGER_PAYLOAD})
    assert [i["incident_number"] for i in open_incidents(api)] == [first["incident_number"] + 1]


def test_resolve_for_unknown_key_is_dropped_with_202(api, send, key):
    before = all_incident_ids(api)
    assert send({"routing_key": key, "event_action": "resolve", "dedup_key": "never"}).status_code == 202
    assert all_incident_ids(api) == before


def test_resolve_through_another_service_key_is_dropped(api, send, key, creds):
    other = creds["routing_keys"]["Platform Gateway"]
    send({"routing_key": key, "event_action": "trigger", "dedup_key": "k", "payload": TRIGGER_PAYLOAD})
    send({"routing_key": other, "event_action": "resolve", "dedup_key": "k"})
    assert len(open_incidents(api)) == 1


def test_rest_resolve_closes_the_alerts(api, send, key):
    send({"routing_key": key, "event_action": "trigger", "dedup_key": "k", "payload": TRIGGER_PAYLOAD})
    [incident] = open_incidents(api)
    body = {"incident": {"type": "incident_reference", "status": "resolved"}}
    assert api.put(f"/incidents/{incident['id']}", json=body).status_code == 200
    send({"routing_key": key, "event_action": "trigger", "dedup_key": "k", "payload": TRIGGER_PAYLOAD})
    assert [i["incident_number"] for i in open_incidents(api)] == [incident["incident_number"] + 1]


VALID = object()  # stands for the seeded routing key in the cases below


@pytest.mark.parametrize(
    "body,errors",
    [
        (
            {"routing_key": "short", "event_action": "trigger", "payload": TRIGGER_PAYLOAD},
            ["Length of 'routing_key' is incorrect (should be 32 characters)"],
        ),
        (
            {"routing_key": "y_Nab3+Qk-7XbW2mT9cR", "event_action": "trigger", "payload": TRIGGER_PAYLOAD},
            [
                "Length of 'routing_key' is incorrect (should be 32 characters)",
                "'routing_key' cannot contain non-alphanumeric characters.",
            ],
        ),
        ({"event_action": "trigger", "payload": TRIGGER_PAYLOAD}, ["'routing_key' is missing or blank"]),
        (
            {"routing_key": VALID, "event_action": "create"},
            ["'event_action' is invalid (must be one of: trigger acknowledge resolve)"],
        ),
        (
            {
                "routing_key": VALID,
                "event_action": "trigger",
                "payload": {**TRIGGER_PAYLOAD, "summary": "x" * 1025},
            },
            ["'summary' is too long (maiximum is 1024 characters)"],
        ),
        (
            {
                "routing_key": VALID,
                "event_action": "trigger",
                "payload": {**TRIGGER_PAYLOAD, "severity": "high"},
            },
            ["'payload.severity' is invalid (must be one of: critical error warning info)"],
        ),
        (
            {"routing_key": VALID, "event_action": "trigger", "payload": {"severity": "info"}},
            ["'payload.summary' is missing or blank", "'payload.source' is missing or blank"],
        ),
        ({"routing_key": VALID, "event_action": "trigger"}, ["'payload' is missing or blank"]),
        (
            {"routing_key": VALID, "event_action": "resolve"},
            ["'dedup_key' is missing or blank (required for acknowledge and resolve)"],
        ),
        (
            {"routing_key": VALID, "event_action": "resolve", "dedup_key": "k" * 256},
            ["'dedup_key' is too long (maximum is 255 characters)"],
        ),
    ],
    ids=[
        "short-key",
        "rest-key",
        "no-key",
        "bad-action",
        "long-summary",
        "bad-severity",
        "no-summary-source",
        "no-payload",
        "resolve-no-dedup",
        "long-dedup",
    ],
)
def test_v2_validation(send, key, body, errors):
    response = send({k: key if v is VALID else v for k, v in body.items()})
    assert response.status_code == 400
    assert response.json() == {
        "status": "invalid event",
        "message": "Event object is invalid",
        "errors": errors,
    }


def test_unparseable_event(sim, events):
    response = events.post(sim.url + "/v2/enqueue", data=b"{nope", timeout=10)
    assert response.status_code == 400
    assert response.json() == {
        "status": "Unrecognized object",
        "message": "Event object format is unrecognized",
        "errors": ["JSON parse error"],
    }


def test_oversized_event(send, key):
    payload = {**TRIGGER_PAYLOAD, "custom_details": {"blob": "x" * (512 * 1024)}}
    response = send({"routing_key": key, "event_action": "trigger", "payload": payload})
    assert response.json()["errors"] == ["Event object is too large (maximum is 512 KB)"]


def test_unknown_routing_key_is_400_by_default(send):
    response = send({"routing_key": "0" * 32, "event_action": "trigger", "payload": TRIGGER_PAYLOAD})
    assert (response.status_code, response.json()["errors"]) == (400, ["Invalid routing key"])


def test_unknown_routing_key_can_be_accepted_and_dropped(sim, send):
    sim.settings.unknown_routing_key_202 = True
    response = send({"routing_key": "0" * 32, "event_action": "trigger", "payload": TRIGGER_PAYLOAD})
    assert response.status_code == 202


def test_delayed_processing_and_drain(sim, api, send, key):
    sim.settings.events_delay = 60.0
    assert (
        send({"routing_key": key, "event_action": "trigger", "payload": TRIGGER_PAYLOAD}).status_code == 202
    )
    assert open_incidents(api) == []
    sim.drain()
    assert len(open_incidents(api)) == 1


def test_events_throttle_with_429(sim, send, key):
    sim.settings.events_rate_limit = 2
    statuses = [
        send({"routing_key": key, "event_action": "resolve", "dedup_key": "k"}).status_code for _ in range(3)
    ]
    assert statuses == [202, 202, 429]


def test_change_event_is_stored_and_listed(api, send, key, services):
    body = {"routing_key": key, "payload": {"summary": "Deployed v42", "source": "ci"}, "links": []}
    response = send(body, "/v2/change/enqueue")
    assert response.status_code == 202
    sid = services["Checkout API"]["id"]
    listed = api.get(f"/services/{sid}/change_events").json()["change_events"]
    assert [c["summary"] for c in listed] == ["Deployed v42"]
    assert api.get("/change_events").json()["change_events"][0]["timestamp"]
    assert open_incidents(api) == []


def test_change_event_to_ruleset_key_is_refused(send):
    body = {"routing_key": "R" + "0" * 31, "payload": {"summary": "Deployed"}}
    response = send(body, "/v2/change/enqueue")
    assert response.json()["errors"] == ["Change events cannot be sent to a ruleset routing key"]


@pytest.fixture
def v1_key(creds):
    return creds["events_v1_keys"]["Checkout API"]


def test_v1_trigger_and_resolve(api, send, v1_key):
    response = send(
        {"service_key": v1_key, "event_type": "trigger", "incident_key": "v1", "description": "Down"}, V1_PATH
    )
    assert (response.status_code, response.json()) == (
        200,
        {"status": "success", "message": "Event processed", "incident_key": "v1"},
    )
    assert open_incidents(api)[0]["title"] == "Down"
    send({"service_key": v1_key, "event_type": "resolve", "incident_key": "v1"}, V1_PATH)
    assert open_incidents(api) == []


@pytest.mark.parametrize(
    "body,errors",
    [
        ({"event_type": "fire"}, ["event_type is invalid (must be one of: trigger acknowledge resolve)"]),
        (
            {"event_type": "trigger", "description": "x" * 1025},
            ["Description is too long (maximum is 1024 characters)"],
        ),
    ],
    ids=["bad-type", "long-description"],
)
def test_v1_validation(send, v1_key, body, errors):
    response = send({"service_key": v1_key, **body}, V1_PATH)
    assert response.status_code == 400
    assert response.json() == {
        "status": "invalid event",
        "message": "Event object is invalid",
        "errors": errors,
    }


def test_v1_throttles_with_403(sim, send, v1_key):
    sim.settings.events_rate_limit = 1
    body = {"service_key": v1_key, "event_type": "resolve", "incident_key": "k"}
    assert [send(body, V1_PATH).status_code for _ in range(2)] == [200, 403]


def test_links_need_an_href(send, key):
    body = {
        "routing_key": key,
        **{"event_action": "trigger", "payload": TRIGGER_PAYLOAD},
        "links": [{"text": "x"}],
    }
    assert send(body).json()["errors"] == ["'links' must be a list of objects, each with a 'href'"]
