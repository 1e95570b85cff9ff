"""REST domain methods, key kind detection and the From rules."""

from __future__ import annotations

import pytest
import requests

from icon_pagerduty.client import (
    BadRequest,
    InvalidConfig,
    InvalidInput,
    MissingFrom,
    NotFound,
    RestClient,
    Unauthorized,
)
from unit_test.client.conftest import CANARY_KEY

ADA = {"id": "PADA001", "type": "user", "name": "Ada", "email": "Ada@Example.com"}
ADAM = {"id": "PADAM01", "type": "user", "name": "Adam", "email": "ada@example.com.au"}
AUTH_FAILED = {"error": {"message": "Authentication failed", "code": 2006}}
INVALID_INPUT = {"error": {"message": "Invalid Input Provided", "code": 2001}}
ACCOUNT_LEVEL = {
    "error": {
        "message": "Because this request was made using an account-level access token, we were unable to "
        "determine the user's identity. Please use a user-level token.",
        "code": 2001,
    }
}


def listing(items: list[dict], offset: int, more: bool) -> dict:
    return {"users": items, "limit": 100, "offset": offset, "more": more, "total": None}


@pytest.fixture
def with_default_from(session, policy) -> RestClient:
    return RestClient(CANARY_KEY, session=session, retry=policy, from_email="ops@example.com")


def test_get_user_returns_the_unwrapped_user_with_includes(rest, fake):
    includes = ["teams", "contact_methods"]
    fake.expect("GET", "/users/PADA001", query={"include[]": includes}, body={"user": ADA})
    assert rest.get_user("PADA001", include=["teams", "contact_methods"]) == ADA


def test_get_current_user(rest, fake):
    fake.expect("GET", "/users/me", body={"user": ADA})
    assert rest.get_current_user() == ADA


def test_find_user_by_email_compares_exactly_and_ignores_case_across_pages(rest, fake):
    fake.expect("GET", "/users", query={"query": ["ada@example.com"], "limit": ["100"], "offset": ["0"]},
                body=listing([ADAM], 0, True))
    fake.expect("GET", "/users", query={"query": ["ada@example.com"], "limit": ["100"], "offset": ["1"]},
                body=listing([ADA], 1, False))
    assert rest.find_user_by_email("ada@example.com") == ADA


def test_find_user_by_email_gives_none_when_only_substrings_match(rest, fake):
    fake.expect("GET", "/users", body=listing([ADAM], 0, False))
    assert rest.find_user_by_email("ada@example.com") is None


def test_create_user_wraps_adds_type_and_unwraps(rest, fake):
    fake.expect("POST", "/users", status=201, headers={"From": "ops@example.com"},
                json={"user": {"type": "user", "name": "Ada", "email": "Ada@Example.com", "role": "user"}},
                body={"user": ADA})
    created = rest.create_user({"name": "Ada", "email": "Ada@Example.com", "role": "user"}, "ops@example.com")
    assert created == ADA


def test_update_user_sends_a_partial_wrapped_body(rest, fake):
    fake.expect("PUT", "/users/PADA001", json={"user": {"type": "user", "job_title": "SRE"}},
                body={"user": {**ADA, "job_title": "SRE"}})
    assert rest.update_user("PADA001", {"job_title": "SRE"})["job_title"] == "SRE"


def test_delete_user_returns_none_on_204(rest, fake):
    fake.expect("DELETE", "/users/PADA001", status=204)
    assert rest.delete_user("PADA001") is None


NOT_FOUND = {"error": {"message": "Not Found", "code": 2100}}


def test_delete_retried_after_a_read_timeout_that_deleted_it_is_a_success(rest, fake):
    fake.expect("DELETE", "/users/PADA001", raises=requests.exceptions.ReadTimeout("no answer"))
    fake.expect("DELETE", "/users/PADA001", status=404, body=NOT_FOUND)
    assert rest.delete_user("PADA001") is None


def test_delete_retried_after_a_rate_limit_still_reports_not_found(rest, fake):
    fake.expect("DELETE", "/users/PADA001", status=429, body={"error": {"message": "Rate", "code": 2020}})
    fake.expect("DELETE", "/users/PADA001", status=404, body=NOT_FOUND)
    with pytest.raises(NotFound):
        rest.delete_user("PADA001")


def test_empty_id_is_refused_before_sending(rest, fake):
    with pytest.raises(InvalidInput, match=r"^The input `id` is empty; give the PagerDuty ID\.$"):
        rest.get_user("  ")


def test_key_kind_user_on_200(rest, fake):
    fake.expect("GET", "/users/me", body={"user": ADA})
    assert rest.key_kind() == "user"


def test_key_kind_account_on_the_account_level_400_and_asks_once(rest, fake):
    fake.expect("GET", "/users/me", status=400, body=ACCOUNT_LEVEL)
    assert rest.key_kind() == "account"
    assert rest.key_kind() == "account"


def test_key_kind_other_400_is_raised(rest, fake):
    fake.expect("GET", "/users/me", status=400, body=INVALID_INPUT)
    with pytest.raises(BadRequest):
        rest.key_kind()


def test_key_kind_401_is_unauthorized(rest, fake):
    fake.expect("GET", "/users/me", status=401, body=AUTH_FAILED)
    with pytest.raises(Unauthorized):
        rest.key_kind()


def test_from_prefers_the_action_input(with_default_from, fake):
    assert with_default_from.resolve_from("lead@example.com") == "lead@example.com"


def test_from_falls_back_to_the_connection_default(with_default_from, fake):
    assert with_default_from.resolve_from(None) == "ops@example.com"


def test_user_key_may_go_without_from(rest, fake):
    fake.expect("GET", "/users/me", body={"user": ADA})
    assert rest.resolve_from(None) is None


def test_account_key_without_from_names_both_places_to_set_it(rest, fake):
    fake.expect("GET", "/users/me", status=400, body=ACCOUNT_LEVEL)
    with pytest.raises(MissingFrom) as caught:
        rest.resolve_from(None)
    assert caught.value.error_text() == (
        "This API key is account-level, so PagerDuty needs the email of the user to act as (the From "
        "header), and none was given. Set the action input `from_email`, or the connection field "
        "`from_email`, to the email address of a PagerDuty user."
    )
    assert caught.value.kind == "input"


def test_account_key_create_user_without_from_sends_nothing_else(rest, fake):
    fake.expect("GET", "/users/me", status=400, body=ACCOUNT_LEVEL)
    with pytest.raises(MissingFrom):
        rest.create_user({"name": "Ada", "email": "ada@example.com"})


def test_user_key_create_user_without_from_sends_no_from_header(rest, fake):
    fake.expect("GET", "/users/me", body={"user": ADA})
    fake.expect("POST", "/users", status=201, body={"user": ADA})
    rest.create_user({"name": "Ada", "email": "ada@example.com"})
    assert "From" not in fake.sent[1].headers


def test_malformed_from_input_is_refused(rest):
    with pytest.raises(InvalidInput, match=r"^`from_email` must be the email address of a PagerDuty user; "
                                           r"got 'ops at example'\.$"):
        rest.resolve_from("ops at example")


def test_malformed_from_with_a_newline_is_refused_before_sending(rest, fake):
    with pytest.raises(InvalidInput, match=r"^`from_email` must be the email address"):
        rest.request("GET", "/users/me", from_email="ops@example.com\nX-Evil: 1")


def test_malformed_connection_from_is_a_config_error():
    with pytest.raises(InvalidConfig) as caught:
        RestClient(CANARY_KEY, from_email="nobody")
    assert str(caught.value) == (
        "The connection field `from_email` must be the email address of a PagerDuty user; got 'nobody'."
    )
    assert caught.value.kind == "config"
