"""Pacing from PagerDuty's rate-limit headers: near the allowed rate, no 429s, several clients converging."""

from __future__ import annotations

import heapq
import math

import pytest

from icon_pagerduty.client import RestClient, StepTimeout
from icon_pagerduty.client.pacing import Pacer, read_headers
from pagerduty_sim.ratelimit import TokenBucket
from unit_test.client.conftest import CANARY_KEY

USER = {"id": "PXYZ123", "type": "user", "name": "Ada", "email": "ada@example.com"}
RATE_LIMITED = {"error": {"message": "Rate Limit Exceeded", "code": 2020}}


def limit(remaining: int, reset: int, of: int = 960) -> dict[str, str]:
    return {"ratelimit-limit": str(of), "ratelimit-remaining": str(remaining), "ratelimit-reset": str(reset)}


def test_requests_spread_what_remains_over_the_time_to_the_reset(rest, fake, waits):
    fake.expect("GET", "/users/PXYZ123", body={"user": USER}, reply_headers=limit(10, 5))
    fake.expect("GET", "/users/PXYZ123", body={"user": USER}, reply_headers=limit(9, 5))
    fake.expect("GET", "/users/PXYZ123", body={"user": USER}, reply_headers=limit(9, 5))
    for _ in range(3):
        rest.get_user("PXYZ123")
    assert waits == [0.5, pytest.approx(5 / 9)]


def test_a_fresh_budget_is_not_paced(rest, fake, waits):
    for _ in range(3):
        fake.expect("GET", "/users/PXYZ123", body={"user": USER}, reply_headers=limit(960, 0))
    for _ in range(3):
        rest.get_user("PXYZ123")
    assert waits == []


def test_a_429_waits_its_reset_once_not_twice(rest, fake, waits):
    fake.expect("GET", "/users/PXYZ123", status=429, body=RATE_LIMITED, reply_headers=limit(0, 7))
    fake.expect("GET", "/users/PXYZ123", body={"user": USER}, reply_headers=limit(900, 4))
    assert rest.get_user("PXYZ123") == USER
    assert waits == [7.0]


def test_operations_are_paced_apart(rest, fake, waits):
    """``POST /incidents`` has a bucket of its own; its tight headers must not slow ``GET /users``."""
    fake.expect("POST", "/incidents", status=201, body={"incident": {"id": "PINC001"}},
                reply_headers=limit(1, 60, of=120))
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    service = {"id": "PSVC001", "type": "service_reference"}
    incident = {"type": "incident", "title": "t", "service": service}
    rest.request("POST", "/incidents", json={"incident": incident}, from_email="ops@example.com")
    rest.get_user("PXYZ123")
    assert waits == []


def test_a_pace_beyond_the_step_timeout_ends_the_step_saying_so(session, policy, fake, waits):
    client = RestClient(CANARY_KEY, session=session, retry=policy.replace(step_timeout=30))
    fake.expect("GET", "/users/PXYZ123", body={"user": USER}, reply_headers=limit(1, 50))
    client.get_user("PXYZ123")
    with pytest.raises(StepTimeout) as caught:
        client.get_user("PXYZ123")
    assert str(caught.value) == (
        "GET /users/PXYZ123: the step ran out of time (step_timeout 30 s) waiting for PagerDuty's rate limit "
        "to allow another request (in 50.0 s; ratelimit-remaining 1, ratelimit-reset 50 s)"
    )
    assert waits == []


def test_threads_of_one_client_take_turns():
    now = [100.0]
    pacer = Pacer(lambda: now[0])
    pacer.observe("GET users", limit(40, 10))
    assert [pacer.reserve("GET users", -math.inf)[0] for _ in range(3)] == [0.0, 0.25, 0.5]


@pytest.mark.parametrize(
    "headers",
    [{}, {"ratelimit-remaining": "x", "ratelimit-reset": "1"}, {"ratelimit-remaining": "5"},
     {"ratelimit-remaining": "-1", "ratelimit-reset": "1"},
     {"ratelimit-remaining": "5", "ratelimit-reset": "inf"}],
    ids=["none", "garbage", "no-reset", "negative", "infinite"],
)
def test_unusable_headers_leave_the_pace_alone(headers):
    assert read_headers(headers) is None


def simulate(clients: int, seconds: float = 600.0, capacity: int = 960, window: float = 60.0):
    """Clients with their own pacers sending back to back against one token bucket (the simulator's), on a
    virtual clock; a 429 is retried after its reset. Returns (share of the allowed rate achieved in the
    second half, number of 429s)."""
    now = [0.0]
    bucket = TokenBucket(capacity, window, 0.0)
    pacers = [Pacer(lambda: now[0]) for _ in range(clients)]
    latency = 0.05
    events = [(0.0, n, False, -math.inf) for n in range(clients)]  # (time, client, slot taken, not before)
    ok_late = rejected = 0
    while events:
        now[0], n, slot_taken, not_before = heapq.heappop(events)
        if not slot_taken:  # the client asks for its next slot, then sleeps until it
            wait, _ = pacers[n].reserve("GET users", not_before)
            heapq.heappush(events, (now[0] + wait, n, True, -math.inf))
            continue
        if now[0] > seconds:
            continue
        bucket.refill(now[0])
        allowed = bucket.tokens >= 1
        bucket.tokens -= allowed
        headers = bucket.headers()
        pacers[n].observe("GET users", headers)
        if allowed:
            ok_late += now[0] >= seconds / 2
            heapq.heappush(events, (now[0] + latency, n, False, -math.inf))
        else:
            rejected += 1
            retry_at = now[0] + latency + float(headers["ratelimit-reset"])
            heapq.heappush(events, (now[0] + latency, n, False, retry_at))
    return ok_late / (seconds / 2) / (capacity / window), rejected


@pytest.mark.parametrize("clients", [1, 4, 16], ids=["one", "four", "sixteen"])
def test_clients_sharing_a_key_converge_near_the_allowed_rate_without_429s(clients):
    share, rejected = simulate(clients)
    assert rejected == 0
    assert share > 0.9
    assert share <= 1.0 + 1e-9
