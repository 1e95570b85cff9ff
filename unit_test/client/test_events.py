"""The Events client: validation before sending, dedup keys that make retries safe, errors."""

from __future__ import annotations

import re

import pytest
import requests

from icon_pagerduty.client import BadRequest, InvalidInput, PagerDutyError, RateLimited, UnexpectedResponse
from unit_test.client.conftest import CANARY_KEY, CANARY_ROUTING_KEY

KEY = CANARY_ROUTING_KEY
PAYLOAD = {"summary": "Disk full on db-1", "source": "db-1", "severity": "critical"}
ACCEPTED = {"status": "success", "message": "Event processed", "dedup_key": "disk-db-1"}


def accepted(dedup_key: str = "disk-db-1") -> dict:
    return {**ACCEPTED, "dedup_key": dedup_key}


def test_trigger_sends_the_event_without_authorization(events, fake):
    fake.expect("POST", "/v2/enqueue", status=202, body=accepted(), json={
        "routing_key": KEY, "event_action": "trigger", "dedup_key": "disk-db-1", "payload": PAYLOAD,
        "links": [{"href": "https://example.com/db-1", "text": "db-1"}], "client": "SOAR",
    })
    answer = events.enqueue(KEY, "trigger", dedup_key="disk-db-1", payload=PAYLOAD,
                            links=[{"href": "https://example.com/db-1", "text": "db-1"}], client="SOAR")
    assert answer == ACCEPTED
    sent = fake.sent[0].headers
    assert "Authorization" not in sent
    assert sent["Content-Type"] == "application/json"
    assert fake.sent[0].timeout == (10.0, 60.0)


def test_trigger_without_dedup_key_gets_one_before_the_first_attempt(events, fake, waits):
    fake.expect("POST", "/v2/enqueue", status=500, body="")
    fake.expect("POST", "/v2/enqueue", status=202, body=accepted("will-be-checked"))
    events.enqueue(KEY, "trigger", payload=PAYLOAD)
    first, second = (s.json["dedup_key"] for s in fake.sent)
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first == second
    assert waits == [0.5]


@pytest.mark.parametrize("action", ["acknowledge", "resolve"], ids=["acknowledge", "resolve"])
def test_acknowledge_and_resolve_send_only_the_key_fields(events, fake, action):
    fake.expect("POST", "/v2/enqueue", status=202, body=accepted(),
                json={"routing_key": KEY, "event_action": action, "dedup_key": "disk-db-1"})
    events.enqueue(KEY, action, dedup_key="disk-db-1", payload=PAYLOAD)


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 429},
        {"status": 502, "body": "<html>bad gateway</html>"},
        {"raises": requests.exceptions.ReadTimeout("timed out")},
        {"raises": requests.exceptions.ConnectionError("reset")},
    ],
    ids=["429", "502", "read-timeout", "connection-reset"],
)
def test_events_are_retried_because_they_carry_a_dedup_key(events, fake, waits, failure):
    fake.expect("POST", "/v2/enqueue", **failure)
    fake.expect("POST", "/v2/enqueue", status=202, body=accepted())
    assert events.enqueue(KEY, "resolve", dedup_key="disk-db-1") == ACCEPTED
    assert waits == [0.5]


def test_pagerduty_400_is_bad_input_listing_its_errors(events, fake):
    fake.expect("POST", "/v2/enqueue", status=400, body={
        "status": "invalid event", "message": "Event object is invalid",
        "errors": ["'payload.timestamp' is invalid", "'links[0].href' is invalid"],
    })
    with pytest.raises(BadRequest) as caught:
        events.enqueue(KEY, "trigger", dedup_key="disk-db-1", payload=PAYLOAD)
    assert str(caught.value) == (
        "POST /v2/enqueue: PagerDuty rejected the request: Event object is invalid: "
        "'payload.timestamp' is invalid; 'links[0].href' is invalid (400 Bad Request)"
    )
    assert caught.value.kind == "input"


def test_routing_key_echoed_by_pagerduty_is_masked(events, fake):
    fake.expect("POST", "/v2/enqueue", status=400, body={
        "status": "invalid event", "message": "Event object is invalid", "errors": [f"unknown key {KEY}"],
    })
    with pytest.raises(BadRequest) as caught:
        events.enqueue(KEY, "resolve", dedup_key="disk-db-1")
    assert str(caught.value).endswith("Event object is invalid: unknown key ****abcd (400 Bad Request)")
    assert KEY not in caught.value.error_text()


def test_accepted_answer_without_dedup_key_is_unexpected(events, fake):
    fake.expect("POST", "/v2/enqueue", status=202, body={"status": "success", "message": "Event processed"})
    with pytest.raises(UnexpectedResponse, match=r"^POST /v2/enqueue: PagerDuty accepted the event but its "
                                                 r"answer has no dedup_key$"):
        events.enqueue(KEY, "resolve", dedup_key="disk-db-1")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"event_action": "escalate", "dedup_key": "k"},
         "`event_action` must be one of trigger, acknowledge, resolve; got 'escalate'."),
        ({"event_action": "acknowledge"},
         "The input `incident_key` is required to acknowledge an alert; give the key its trigger returned."),
        ({"event_action": "resolve", "dedup_key": "k" * 256},
         "The input `incident_key` is 256 characters long; PagerDuty accepts at most 255."),
        ({"event_action": "trigger"},
         "`payload` is required to trigger, with `summary`, `source` and `severity`."),
        ({"event_action": "trigger", "payload": {**PAYLOAD, "summary": "s" * 1025}},
         "The input `description` is 1,025 characters long; PagerDuty accepts at most 1,024."),
        ({"event_action": "trigger", "payload": {**PAYLOAD, "summary": " "}},
         "The input `description` is required to trigger; say briefly what is wrong."),
        ({"event_action": "trigger", "payload": {**PAYLOAD, "source": ""}},
         "`source` is required to trigger: name the affected system, e.g. a hostname."),
        ({"event_action": "trigger", "payload": {**PAYLOAD, "severity": "high"}},
         "`severity` must be one of critical, error, warning, info; got 'high'."),
        ({"event_action": "trigger", "payload": {**PAYLOAD, "custom_details": {"log": "x" * 600_000}}},
         "The event is 600,230 bytes long; PagerDuty accepts at most 524,288. Shorten the details."),
    ],
    ids=["action", "ack-without-key", "long-dedup-key", "no-payload", "long-summary", "blank-summary",
         "no-source", "bad-severity", "too-big"],
)
def test_invalid_events_are_refused_before_sending(events, fake, kwargs, message):
    with pytest.raises(InvalidInput) as caught:
        events.enqueue(KEY, **kwargs)
    assert str(caught.value) == message
    assert fake.sent == []


def test_summary_of_exactly_1024_characters_is_sent(events, fake):
    fake.expect("POST", "/v2/enqueue", status=202, body=accepted())
    events.enqueue(KEY, "trigger", dedup_key="disk-db-1", payload={**PAYLOAD, "summary": "s" * 1024})


@pytest.mark.parametrize(
    ("key", "problem"),
    [(CANARY_KEY, "****67-x) has 20 characters."),
     ("R0CANARYroutingKEY0123456789ab-d", "****ab-d) has characters other than letters and digits."),
     ("", "****) has 0 characters.")],
    ids=["rest-api-key", "punctuation", "empty"],
)
def test_malformed_routing_key_names_the_input_and_shows_only_four_characters(events, fake, key, problem):
    with pytest.raises(InvalidInput) as caught:
        events.enqueue(key, "resolve", dedup_key="disk-db-1")
    assert str(caught.value) == (
        "The input `service_key` must be the 32-character integration key of a PagerDuty Events integration, "
        "letters and digits only; the value given (" + problem
    )
    assert caught.value.assistance == (
        "Copy the Integration Key from the service's Integrations tab in PagerDuty. A REST API key does not "
        "work here."
    )
    assert fake.sent == []


def test_change_event_fills_the_timestamp(events, fake):
    processed = {"status": "success", "message": "Event processed"}
    fake.expect("POST", "/v2/change/enqueue", status=202, body=processed)
    answer = events.send_change_event(KEY, "Deployed v1.2", source="ci", custom_details={"build": 7})
    assert answer == processed
    payload = fake.sent[0].json["payload"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", payload.pop("timestamp"))
    assert payload == {"summary": "Deployed v1.2", "source": "ci", "custom_details": {"build": 7}}


def test_change_event_keeps_a_given_timestamp(events, fake):
    fake.expect("POST", "/v2/change/enqueue", status=202, body="")
    assert events.send_change_event(KEY, "Deployed", timestamp="2024-01-01T00:00:00Z") == {}
    assert fake.sent[0].json["payload"]["timestamp"] == "2024-01-01T00:00:00Z"


def test_v1_trigger_generates_an_incident_key(events, fake):
    fake.expect("POST", "/generic/2010-04-15/create_event.json", status=200,
                body={"status": "success", "message": "Event processed", "incident_key": "ik"})
    events.create_event_v1(KEY, "trigger", description="Disk full", details={"disk": "/"})
    sent = fake.sent[0].json
    assert re.fullmatch(r"[0-9a-f]{32}", sent.pop("incident_key"))
    assert sent == {"service_key": KEY, "event_type": "trigger", "description": "Disk full",
                    "details": {"disk": "/"}}


def test_v1_403_is_throttling_and_is_retried(events, fake, waits):
    fake.expect("POST", "/generic/2010-04-15/create_event.json", status=403, body="")
    fake.expect("POST", "/generic/2010-04-15/create_event.json", status=200,
                body={"status": "success", "message": "Event processed", "incident_key": "ik"})
    assert events.create_event_v1(KEY, "resolve", incident_key="ik")["incident_key"] == "ik"
    assert waits == [0.5]


def test_v1_throttling_that_outlives_the_retries_is_rate_limited(events, fake):
    for _ in range(4):
        fake.expect("POST", "/generic/2010-04-15/create_event.json", status=403, body="")
    with pytest.raises(RateLimited, match=r"^POST /generic/2010-04-15/create_event.json: PagerDuty answered "
                                          r"403 Forbidden \(gave up after 4 attempts\)$"):
        events.create_event_v1(KEY, "acknowledge", incident_key="ik")


def test_v1_requires_an_incident_key_to_resolve(events, fake):
    with pytest.raises(InvalidInput) as caught:
        events.create_event_v1(KEY, "resolve")
    assert str(caught.value) == (
        "`incident_key` is required to resolve an incident; give the key of its trigger."
    )


def test_eu_events_host_is_used_as_configured(session, policy, fake):
    from icon_pagerduty.client import EU_EVENTS_URL, EventsClient

    client = EventsClient(EU_EVENTS_URL, session=session, retry=policy)
    fake.expect("POST", "/v2/enqueue", status=202, body=accepted())
    client.enqueue(KEY, "resolve", dedup_key="disk-db-1")
    assert client.base_url == "https://events.eu.pagerduty.com"


# The ``events`` fixture retries like the REST default: 4 attempts.
@pytest.mark.parametrize(
    "lost",
    [
        {"status": 200, "body": "<html>accepted?</html>"},
        {"raises": requests.exceptions.ReadTimeout("timed out")},
        {"status": 502, "body": ""},
    ],
    ids=["non-json-2xx", "read-timeout", "502"],
)
def test_a_trigger_whose_answer_is_lost_names_the_key_it_used(events, fake, lost):
    for _ in range(4):
        fake.expect("POST", "/v2/enqueue", **lost)
    with pytest.raises(PagerDutyError) as caught:
        events.enqueue(KEY, "trigger", payload=PAYLOAD)
    key = fake.sent[0].json["dedup_key"]
    assert {sent.json["dedup_key"] for sent in fake.sent} == {key}
    assert str(caught.value).endswith(f"(gave up after 4 attempts); the event's incident_key was {key!r}")
    assert caught.value.data["incident_key"] == key
    assert caught.value.assistance == (
        "PagerDuty may have accepted the event. Run the step again with the input incident_key set to "
        f"{key!r}: a trigger with the same key cannot open a second incident."
    )


def test_a_given_key_is_named_too_and_a_refusal_names_none(events, fake):
    for _ in range(4):
        fake.expect("POST", "/v2/enqueue", status=503, body="")
    with pytest.raises(PagerDutyError) as caught:
        events.enqueue(KEY, "trigger", dedup_key="web-01/disk", payload=PAYLOAD)
    assert caught.value.data == {"status": 503, "incident_key": "web-01/disk"}
    invalid = {"status": "invalid event", "message": "Event object is invalid"}
    fake.expect("POST", "/v2/enqueue", status=400, body=invalid)
    with pytest.raises(BadRequest) as refused:
        events.enqueue(KEY, "trigger", dedup_key="web-01/disk", payload=PAYLOAD)
    assert "incident_key" not in str(refused.value)


def test_a_lost_v1_trigger_names_its_incident_key(events, fake):
    for _ in range(4):
        fake.expect("POST", "/generic/2010-04-15/create_event.json", status=500, body="")
    with pytest.raises(PagerDutyError) as caught:
        events.create_event_v1(KEY, "trigger", description="Disk full")
    key = fake.sent[0].json["incident_key"]
    assert str(caught.value).endswith(f"; the event's incident_key was {key!r}")
