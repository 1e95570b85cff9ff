"""One deadline per step: request timeouts shrink to what is left, and running out says what it waited for."""

from __future__ import annotations

import pytest
import requests

from actionkit.logs import capture
from icon_pagerduty.client import OutcomeUnknown, RateLimited, RestClient, StepTimeout
from unit_test.client.conftest import CANARY_KEY

USER = {"id": "PXYZ123", "type": "user", "name": "Ada", "email": "ada@example.com"}
RATE_LIMITED = {"error": {"message": "Rate Limit Exceeded", "code": 2020}}


def reset(seconds: str) -> dict[str, str]:
    return {"ratelimit-reset": seconds}


@pytest.fixture
def client(session, policy) -> RestClient:
    """A client whose steps may take 5 s, with the usual (10, 60) s request timeouts."""
    return RestClient(CANARY_KEY, session=session, retry=policy.replace(step_timeout=5))


def test_request_timeouts_shrink_to_what_is_left_of_the_step(client, fake, waits):
    fake.expect("GET", "/users/PXYZ123", status=429, body=RATE_LIMITED, reply_headers=reset("2"))
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    assert client.get_user("PXYZ123") == USER
    assert [sent.timeout for sent in fake.sent] == [(5.0, 5.0), (3.0, 3.0)]
    assert waits == [2.0]


def test_a_long_step_keeps_the_configured_timeouts(rest, fake):
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    rest.get_user("PXYZ123")
    assert fake.sent[0].timeout == (10.0, 60.0)


def test_no_answer_before_the_deadline_says_what_it_waited_for(client, fake, fake_time):
    def time_passes():
        fake_time.now += 5

    fake.expect("GET", "/users/PXYZ123", raises=requests.exceptions.ReadTimeout("read timed out"),
                on_send=time_passes)
    with pytest.raises(StepTimeout) as caught:
        client.get_user("PXYZ123")
    assert str(caught.value) == (
        "GET /users/PXYZ123: the step ran out of time (step_timeout 5 s) waiting for an answer from api_url "
        "https://api.pagerduty.com"
    )
    assert caught.value.assistance == (
        "Run the step again later, or raise step_timeout in the connection if the step needs longer."
    )
    assert caught.value.data == {"step_timeout": 5.0,
                                 "waiting_for": "an answer from api_url https://api.pagerduty.com"}
    assert caught.value.kind == "transient"


def test_a_write_cut_short_by_the_deadline_has_an_unknown_outcome(client, fake, fake_time):
    def time_passes():
        fake_time.now += 5

    timed_out = requests.exceptions.ReadTimeout("read timed out")
    fake.expect("POST", "/users", raises=timed_out, on_send=time_passes)
    with pytest.raises(OutcomeUnknown) as caught:
        client.create_user({"name": "Ada", "email": "ada@example.com"}, from_email="ops@example.com")
    assert str(caught.value) == (
        "POST /users: the step ran out of time waiting for an answer from api_url https://api.pagerduty.com; "
        "the outcome is unknown"
    )


def test_a_retry_that_would_pass_the_deadline_is_not_made(client, fake, waits):
    fake.expect("GET", "/users/PXYZ123", status=429, body=RATE_LIMITED, reply_headers=reset("3"))
    fake.expect("GET", "/users/PXYZ123", status=429, body=RATE_LIMITED, reply_headers=reset("3"))
    with pytest.raises(RateLimited) as caught:
        client.get_user("PXYZ123")
    assert str(caught.value) == (
        "GET /users/PXYZ123: PagerDuty answered 429 Too Many Requests (code 2020): Rate Limit Exceeded "
        "(PagerDuty asks to wait 3 s; only 2 s are left of the step's step_timeout of 5 s)"
    )
    assert waits == [3.0]


def test_requests_of_one_step_share_its_deadline(client, fake, fake_time):
    def most_of_the_step():
        fake_time.now += 4

    fake.expect("GET", "/users/PXYZ123", body={"user": USER}, on_send=most_of_the_step)
    fake.expect("GET", "/users/PXYZ124", body={"user": USER})
    fake.expect("GET", "/users/PXYZ125", body={"user": USER})
    with capture():  # one step of the actionkit runtime
        client.get_user("PXYZ123")
        client.get_user("PXYZ124")
    with capture():  # the next step starts afresh
        client.get_user("PXYZ125")
    assert [sent.timeout for sent in fake.sent] == [(5.0, 5.0), (1.0, 1.0), (5.0, 5.0)]


def test_a_step_with_no_time_left_sends_nothing_more(client, fake, fake_time):
    def all_of_the_step():
        fake_time.now += 5

    fake.expect("GET", "/users/PXYZ123", body={"user": USER}, on_send=all_of_the_step)
    with capture(), pytest.raises(StepTimeout) as caught:
        client.get_user("PXYZ123")
        client.get_user("PXYZ124")
    assert str(caught.value) == (
        "GET /users/PXYZ124: the step ran out of time (step_timeout 5 s) waiting for a chance to send the "
        "request"
    )
    assert len(fake.sent) == 1
