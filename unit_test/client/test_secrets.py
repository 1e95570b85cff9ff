"""The canary API key and routing key never appear in an error, its envelope or a log record.

(Log records of every client test are checked by the autouse ``no_secret_in_logs`` fixture.)
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import requests

from icon_pagerduty.client import NO_RETRY, EventsClient, PagerDutyError, RestClient
from unit_test.client.conftest import CANARY_KEY, CANARY_ROUTING_KEY, SECRETS

ECHO_PAGE = (
    f"<html><body>Bad header: Authorization: Token token={CANARY_KEY} ({quote(CANARY_KEY)})</body></html>"
)


def leaks(error: PagerDutyError) -> list[str]:
    texts = [
        str(error),
        repr(error),
        error.cause,
        error.assistance_text(),
        error.data_text(),
        error.error_text(),
        json.dumps(error.exception_object()),
        repr(vars(error)),
    ]
    forms = [form for secret in SECRETS for form in (secret, quote(secret, safe=""))]
    return [text for text in texts if any(form in text for form in forms)]


@pytest.fixture
def once(session) -> RestClient:
    return RestClient(CANARY_KEY, session=session, retry=NO_RETRY)


@pytest.mark.parametrize(
    "reply",
    [
        {"status": 400, "body": {"error": {"message": f"bad key {CANARY_KEY}", "code": 2001,
                                           "errors": [f"Token token={CANARY_KEY}"]}}},
        {"status": 401, "body": ECHO_PAGE},
        {"status": 401, "body": {"error": {"message": "Authentication failed", "code": 2006}}},
        {"status": 403, "body": {"error": {"message": f"{CANARY_KEY} may not", "code": 2010}}},
        {"status": 404, "body": {"error": {"message": "Not Found", "code": 2100}}},
        {"status": 429, "body": None},
        {"status": 500, "body": ECHO_PAGE},
        {"status": 302, "body": "", "reply_headers": {"Location": f"https://x.example.com/?k={CANARY_KEY}"}},
        {"raises": requests.exceptions.ReadTimeout(f"timed out Token token={CANARY_KEY}")},
        {"raises": requests.exceptions.ConnectTimeout(f"timed out {CANARY_KEY}")},
    ],
    ids=["400-echo", "401-html-echo", "401", "403-echo", "404", "429", "500-html-echo", "302-echo",
         "read-timeout", "connect-timeout"],
)
def test_rest_errors_never_show_the_key(once, fake, reply):
    fake.expect("GET", "/users/PXYZ123", **reply)
    with pytest.raises(PagerDutyError) as caught:
        once.get_user("PXYZ123")
    assert leaks(caught.value) == []
    assert fake.sent[0].headers["Authorization"] == f"Token token={CANARY_KEY}"


def test_post_outcome_unknown_never_shows_the_key(once, fake):
    fake.expect("POST", "/users", status=502, body=ECHO_PAGE)
    with pytest.raises(PagerDutyError) as caught:
        once.create_user({"name": "Ada", "email": "ada@example.com"}, from_email="ops@example.com")
    assert leaks(caught.value) == []


@pytest.mark.parametrize(
    "url",
    [f"https://evil.example.com/{CANARY_KEY}", f"https://evil.example.com/x?token={CANARY_KEY}"],
    ids=["in-path", "in-query"],
)
def test_refused_foreign_url_never_shows_the_key(once, fake, url):
    with pytest.raises(PagerDutyError) as caught:
        once.request("GET", url)
    assert leaks(caught.value) == []


def test_client_and_auth_reprs_never_show_the_key(once):
    assert CANARY_KEY not in repr(once)
    assert CANARY_KEY not in repr(once._http.auth)


@pytest.mark.parametrize(
    "call",
    [
        lambda events: events.enqueue(CANARY_KEY, "resolve", dedup_key="k"),
        lambda events: events.enqueue(CANARY_ROUTING_KEY + "x", "resolve", dedup_key="k"),
        lambda events: events.enqueue(CANARY_ROUTING_KEY, "bogus"),
    ],
    ids=["rest-key-as-routing-key", "long-routing-key", "bad-action"],
)
def test_events_validation_never_shows_the_keys(events, fake, call):
    with pytest.raises(PagerDutyError) as caught:
        call(events)
    assert leaks(caught.value) == []


def test_events_failures_never_show_the_routing_key(session, fake):
    client = EventsClient(session=session, retry=NO_RETRY)
    fake.expect("POST", "/v2/enqueue", status=500, body=f"<p>routing_key={CANARY_ROUTING_KEY}</p>")
    with pytest.raises(PagerDutyError) as caught:
        client.enqueue(CANARY_ROUTING_KEY, "resolve", dedup_key="k")
    assert leaks(caught.value) == []


def test_key_cut_at_the_truncation_limit_shows_no_prefix(once, fake):
    fake.expect("GET", "/users/PXYZ123", status=404, body="x" * 190 + CANARY_KEY)
    with pytest.raises(PagerDutyError) as caught:
        once.get_user("PXYZ123")
    assert "CANARY" not in caught.value.error_text()
