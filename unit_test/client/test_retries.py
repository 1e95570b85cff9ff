"""Bounded retries: what is retried, how long the client waits, and when it gives up."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest
import requests
import urllib3.exceptions

from icon_pagerduty.client import (
    OutcomeUnknown,
    RateLimited,
    RestClient,
    RetryPolicy,
    ServerError,
    Unauthorized,
    Unreachable,
)
from icon_pagerduty.client.retry import requested_wait
from unit_test.client.conftest import CANARY_KEY

USER = {"id": "PXYZ123", "type": "user", "name": "Ada", "email": "ada@example.com"}
NEW_USER = {"name": "Ada", "email": "ada@example.com"}
RATE_LIMITED = {"error": {"message": "Rate Limit Exceeded", "code": 2020}}
AUTH_FAILED = {"error": {"message": "Authentication failed", "code": 2006}}
INTERNAL = {"error": {"message": "Internal error", "code": 2000}}


def reset_in(seconds: str) -> dict[str, str]:
    return {"ratelimit-limit": "960", "ratelimit-remaining": "0", "ratelimit-reset": seconds}


def refused() -> requests.exceptions.ConnectionError:
    reason = urllib3.exceptions.NewConnectionError(None, "Failed to establish a new connection: refused")
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/users", reason))


def reset() -> requests.exceptions.ConnectionError:
    aborted = urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))
    return requests.exceptions.ConnectionError(aborted)


@pytest.mark.parametrize("status", [500, 502, 503, 504], ids=["500", "502", "503", "504"])
def test_get_is_retried_on_server_errors_with_growing_backoff(rest, fake, waits, status):
    fake.expect("GET", "/users/PXYZ123", status=status, body=INTERNAL)
    fake.expect("GET", "/users/PXYZ123", status=status, body=INTERNAL)
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    assert rest.get_user("PXYZ123") == USER
    assert waits == [0.5, 1.0]


def test_get_gives_up_after_max_attempts(rest, fake, waits):
    for _ in range(4):
        fake.expect("GET", "/users/PXYZ123", status=503, body=INTERNAL)
    with pytest.raises(ServerError) as caught:
        rest.get_user("PXYZ123")
    assert str(caught.value) == (
        "GET /users/PXYZ123: PagerDuty answered 503 Service Unavailable (code 2000): Internal error "
        "(gave up after 4 attempts)"
    )
    assert waits == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("method", ["PUT", "DELETE"], ids=["put", "delete"])
def test_idempotent_writes_are_retried_on_server_errors(rest, fake, waits, method):
    fake.expect(method, "/users/PXYZ123", status=502, body="")
    fake.expect(method, "/users/PXYZ123", status=200, body={"user": USER})
    rest.request(method, "/users/PXYZ123", json={"user": {"type": "user"}} if method == "PUT" else None)
    assert waits == [0.5]


def test_jitter_adds_at_most_its_fraction_and_each_wait_is_capped(session, fake, waits, policy):
    jittery = policy.replace(max_attempts=6, backoff_cap=3.0, random=lambda: 1.0)
    client = RestClient(CANARY_KEY, session=session, retry=jittery)
    for _ in range(5):
        fake.expect("GET", "/users/PXYZ123", status=500, body=INTERNAL)
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    client.get_user("PXYZ123")
    assert waits == [0.625, 1.25, 2.5, 3.0, 3.0]


def test_ratelimit_reset_is_honoured(rest, fake, waits):
    fake.expect("GET", "/users/PXYZ123", status=429, body=RATE_LIMITED,
                reply_headers={"ratelimit-limit": "960", "ratelimit-remaining": "0", "ratelimit-reset": "7"})
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    assert rest.get_user("PXYZ123") == USER
    assert waits == [7.0]


def test_ratelimit_reset_gets_a_little_jitter(session, fake, waits, policy):
    client = RestClient(CANARY_KEY, session=session, retry=policy.replace(random=lambda: 1.0))
    fake.expect("GET", "/users/PXYZ123", status=429, body=RATE_LIMITED, reply_headers=reset_in("7"))
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    client.get_user("PXYZ123")
    assert waits == [7.5]


def test_retry_after_is_honoured_when_ratelimit_reset_is_absent(rest, fake, waits):
    fake.expect("GET", "/users/PXYZ123", status=429, body=RATE_LIMITED, reply_headers={"Retry-After": "3"})
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    rest.get_user("PXYZ123")
    assert waits == [3.0]


def test_bare_429_without_headers_or_body_backs_off(rest, fake, waits):
    fake.expect("GET", "/users/PXYZ123", status=429)
    fake.expect("GET", "/users/PXYZ123", status=429)
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    rest.get_user("PXYZ123")
    assert waits == [0.5, 1.0]


def test_reset_beyond_the_step_timeout_fails_at_once_with_the_reset_time(session, fake, waits, policy):
    client = RestClient(CANARY_KEY, session=session, retry=policy.replace(step_timeout=30))
    fake.expect("GET", "/users/PXYZ123", status=429, body=RATE_LIMITED, reply_headers=reset_in("45"))
    with pytest.raises(RateLimited) as caught:
        client.get_user("PXYZ123")
    assert str(caught.value) == (
        "GET /users/PXYZ123: PagerDuty answered 429 Too Many Requests (code 2020): Rate Limit Exceeded "
        "(PagerDuty asks to wait 45 s; only 30 s are left of the step's step_timeout of 30 s)"
    )
    assert caught.value.reset_after == 45.0
    assert caught.value.kind == "transient"
    assert waits == []


def test_step_timeout_spent_by_earlier_waits_ends_the_call(session, fake, waits, policy):
    client = RestClient(CANARY_KEY, session=session, retry=policy.replace(step_timeout=1.2))
    fake.expect("GET", "/users/PXYZ123", status=503, body=INTERNAL)
    fake.expect("GET", "/users/PXYZ123", status=503, body=INTERNAL)
    with pytest.raises(ServerError) as caught:
        client.get_user("PXYZ123")
    assert str(caught.value).endswith(
        "503 Service Unavailable (code 2000): Internal error (no time for another attempt: 0.7 s are left of "
        "the step's step_timeout of 1.2 s)"
    )
    assert waits == [0.5]


def test_rate_limit_outliving_the_attempts_is_rate_limited(rest, fake, waits):
    for _ in range(4):
        fake.expect("GET", "/users/PXYZ123", status=429, body=RATE_LIMITED, reply_headers=reset_in("1"))
    with pytest.raises(RateLimited, match=r"Rate Limit Exceeded \(gave up after 4 attempts\)$") as caught:
        rest.get_user("PXYZ123")
    assert caught.value.reset_after == 1.0
    assert waits == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("status", [500, 502, 503, 504], ids=["500", "502", "503", "504"])
def test_post_is_not_retried_on_server_errors(rest, fake, waits, status):
    fake.expect("POST", "/users", status=status, body=INTERNAL)
    with pytest.raises(OutcomeUnknown) as caught:
        rest.create_user(NEW_USER, from_email="ops@example.com")
    assert str(caught.value).startswith(f"POST /users: PagerDuty answered {status} ")
    assert str(caught.value).endswith("(code 2000): Internal error; the outcome is unknown")
    assert caught.value.assistance == (
        "PagerDuty may have carried out the request. Check before running the step again."
    )
    assert caught.value.kind == "transient"
    assert waits == []


def test_post_is_not_retried_after_a_read_timeout(rest, fake, waits):
    fake.expect("POST", "/users", raises=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(OutcomeUnknown) as caught:
        rest.create_user(NEW_USER, from_email="ops@example.com")
    assert str(caught.value) == (
        "POST /users: api_url https://api.pagerduty.com: no answer within 60 s (read_timeout); the outcome "
        "is unknown"
    )
    assert waits == []


def test_post_is_not_retried_after_a_connection_reset(rest, fake, waits):
    fake.expect("POST", "/users", raises=reset())
    expected = (r"^POST /users: api_url https://api.pagerduty.com: the connection was reset before an answer "
                r"arrived; the outcome is unknown$")
    with pytest.raises(OutcomeUnknown, match=expected):
        rest.create_user(NEW_USER, from_email="ops@example.com")
    assert waits == []


@pytest.mark.parametrize(
    "failure",
    [lambda: requests.exceptions.ConnectTimeout("connect timed out"), refused],
    ids=["connect-timeout", "connection-refused"],
)
def test_post_is_retried_when_nothing_was_sent(rest, fake, waits, failure):
    fake.expect("POST", "/users", raises=failure())
    fake.expect("POST", "/users", status=201, body={"user": USER})
    assert rest.create_user(NEW_USER, from_email="ops@example.com") == USER
    assert waits == [0.5]


def test_post_is_retried_on_429(rest, fake, waits):
    fake.expect("POST", "/users", status=429, body=RATE_LIMITED, reply_headers={"ratelimit-reset": "2"})
    fake.expect("POST", "/users", status=201, body={"user": USER})
    assert rest.create_user(NEW_USER, from_email="ops@example.com") == USER
    assert waits == [2.0]


def test_post_declared_idempotent_is_retried_on_server_errors(rest, fake, waits):
    fake.expect("POST", "/users", status=502, body="")
    fake.expect("POST", "/users", status=201, body={"user": USER})
    rest.request("POST", "/users", json={"user": {"type": "user", **NEW_USER}}, from_email="ops@example.com",
                 idempotent=True)
    assert waits == [0.5]


def test_get_read_timeouts_are_retried_then_reported(rest, fake, waits):
    for _ in range(4):
        fake.expect("GET", "/users/PXYZ123", raises=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(Unreachable) as caught:
        rest.get_user("PXYZ123")
    assert str(caught.value) == (
        "GET /users/PXYZ123: api_url https://api.pagerduty.com: no answer within 60 s (read_timeout) "
        "(gave up after 4 attempts)"
    )
    assert caught.value.kind == "transient"
    assert waits == [0.5, 1.0, 2.0]


@pytest.mark.parametrize(
    ("status", "body"),
    [(400, {"error": {"message": "Invalid Input Provided", "code": 2001}}),
     (401, AUTH_FAILED),
     (404, {"error": {"message": "Not Found", "code": 2100}})],
    ids=["400", "401", "404"],
)
def test_client_errors_are_never_retried(rest, fake, waits, status, body):
    fake.expect("GET", "/users/PXYZ123", status=status, body=body)
    with pytest.raises(Exception, match=rf"^GET /users/PXYZ123: PagerDuty (answered|rejected).*\b{status} "):
        rest.get_user("PXYZ123")
    assert waits == []


def test_unauthorized_is_raised_at_once(rest, fake, waits):
    fake.expect("GET", "/users/me", status=401, body=AUTH_FAILED)
    with pytest.raises(Unauthorized):
        rest.get_current_user()
    assert waits == []


def test_each_retry_wait_is_logged_as_a_warning_with_reason_and_delay(rest, fake, caplog):
    fake.expect("GET", "/users/PXYZ123", status=429, body=RATE_LIMITED, reply_headers=reset_in("2"))
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    rest.get_user("PXYZ123")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        "GET /users/PXYZ123: PagerDuty answered 429 Too Many Requests (code 2020): Rate Limit Exceeded; "
        "retrying in 2.00 s"
    ]


def test_each_attempt_is_logged_at_debug_with_status_and_request_id(rest, fake, caplog):
    fake.expect("GET", "/users/PXYZ123", status=503, body=INTERNAL,
                reply_headers={"x-request-id": "req-1", "date": "Mon, 01 Jan 2024 00:00:00 GMT"})
    fake.expect("GET", "/users/PXYZ123", body={"user": USER}, reply_headers={"x-request-id": "req-2"})
    rest.get_user("PXYZ123")
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert [m.split(" in ")[0] for m in debug] == ["GET /users/PXYZ123 -> 503", "GET /users/PXYZ123 -> 200"]
    assert debug[0].endswith("(x-request-id req-1, date Mon, 01 Jan 2024 00:00:00 GMT)")
    assert debug[1].endswith("(x-request-id req-2, date -)")
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == ["GET /users/PXYZ123 -> 503 (x-request-id req-1, date Mon, 01 Jan 2024 00:00:00 GMT)"]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"ratelimit-reset": "12", "Retry-After": "3"}, 12.0),
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": "Mon, 01 Jan 2024 00:00:20 GMT"}, 20.0),
        ({"ratelimit-reset": "-5"}, 0.0),
        ({"ratelimit-reset": "soon"}, None),
        ({}, None),
    ],
    ids=["reset-wins", "retry-after-seconds", "retry-after-date", "negative", "garbage", "none"],
)
def test_requested_wait_reads_the_server_headers(headers, expected):
    lowered = {k.lower(): v for k, v in headers.items()}
    now = lambda: datetime(2024, 1, 1, tzinfo=timezone.utc)  # noqa: E731
    assert requested_wait(lowered, now=now) == expected


@pytest.mark.parametrize(
    "field",
    [{"max_attempts": 0}, {"max_connect_attempts": 0}, {"backoff_base": -1}, {"step_timeout": 0},
     {"step_timeout": float("inf")}],
    ids=["attempts", "connect-attempts", "base", "zero-step-timeout", "infinite-step-timeout"],
)
def test_retry_policy_refuses_impossible_bounds(field):
    with pytest.raises(ValueError, match=r"^RetryPolicy\.\w+ must"):
        RetryPolicy(**field)
