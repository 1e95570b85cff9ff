"""Error mapping: each status to its class and kind, messages that start with the request."""

from __future__ import annotations

import pytest
import requests
import urllib3.exceptions

from actionkit import errors as kit
from icon_pagerduty.client import (
    NO_RETRY,
    BadRequest,
    Forbidden,
    MissingAbility,
    NotFound,
    OutcomeUnknown,
    PagerDutyError,
    RateLimited,
    Rejected,
    RestClient,
    ServerError,
    Unauthorized,
    UnexpectedResponse,
    Unreachable,
    mask,
)
from icon_pagerduty.client.errors import redact
from unit_test.client.conftest import CANARY_KEY

AUTH_FAILED = {"error": {"message": "Authentication failed", "code": 2006}}
ACCESS_DENIED = {"error": {"message": "Access Denied", "code": 2010}}
TAKEN = "Email has already been taken"
HTML_PAGE = (
    "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n"
    + "<p>" + "x" * 300 + "</p>\n</body>\n</html>"
)


@pytest.fixture
def once(session) -> RestClient:
    """A client that never retries, so each scripted error is answered exactly once."""
    return RestClient(CANARY_KEY, session=session, retry=NO_RETRY)


@pytest.mark.parametrize(
    ("status", "body", "cls", "kit_cls", "kind", "message"),
    [
        (400, {"error": {"message": "Invalid Input Provided", "code": 2001, "errors": ["Email is invalid."]}},
         BadRequest, kit.InputError, "input",
         "rejected the request: Invalid Input Provided: Email is invalid. (400 Bad Request, code 2001)"),
        (401, {"error": {"message": "Authentication failed", "code": 2006}},
         Unauthorized, kit.ConfigError, "config",
         "answered 401 Unauthorized (code 2006): Authentication failed"),
        (402, {"error": {"message": "Missing Account Ability", "code": 2014}},
         MissingAbility, kit.UpstreamError, "upstream",
         "answered 402 Payment Required (code 2014): Missing Account Ability"),
        (403, {"error": {"message": "Access Denied", "code": 2010}},
         Forbidden, kit.ConfigError, "config", "answered 403 Forbidden (code 2010): Access Denied"),
        (404, {"error": {"message": "Not Found", "code": 2100}},
         NotFound, kit.NotFoundError, "not_found", "answered 404 Not Found (code 2100): Not Found"),
        (405, {"error": {"message": "Method Not Allowed", "code": 2001}},
         Rejected, kit.UpstreamError, "upstream",
         "answered 405 Method Not Allowed (code 2001): Method Not Allowed"),
        (409, {"error": {"message": "Conflict", "code": 2001}},
         Rejected, kit.UpstreamError, "upstream", "answered 409 Conflict (code 2001): Conflict"),
        (413, {"error": {"message": "Too many incidents", "code": 2001}},
         BadRequest, kit.InputError, "input",
         "rejected the request: Too many incidents (413 Request Entity Too Large, code 2001)"),
        (422, {"error": {"message": "Unprocessable", "code": 2001}},
         Rejected, kit.UpstreamError, "upstream",
         "rejected the request: Unprocessable (422 Unprocessable Entity, code 2001)"),
        (429, {"error": {"message": "Rate Limit Exceeded", "code": 2020}},
         RateLimited, kit.TransientError, "transient",
         "answered 429 Too Many Requests (code 2020): Rate Limit Exceeded (gave up after 1 attempts)"),
        (500, {"error": {"message": "Internal error", "code": 2000}},
         ServerError, kit.TransientError, "transient",
         "answered 500 Internal Server Error (code 2000): Internal error (gave up after 1 attempts)"),
        (503, None, ServerError, kit.TransientError, "transient",
         "answered 503 Service Unavailable (gave up after 1 attempts)"),
    ],
    ids=["400", "401", "402", "403", "404", "405", "409", "413", "422", "429", "500", "503-empty"],
)
def test_status_maps_to_class_kind_and_message(once, fake, status, body, cls, kit_cls, kind, message):
    fake.expect("GET", "/users/PXYZ123", status=status, body=body)
    with pytest.raises(cls) as caught:
        once.get_user("PXYZ123")
    error = caught.value
    assert isinstance(error, PagerDutyError)
    assert isinstance(error, kit_cls)
    assert error.kind == kind
    assert str(error) == f"GET /users/PXYZ123: PagerDuty {message}"
    assert (error.method, error.path, error.status) == ("GET", "/users/PXYZ123", status)
    assert error.code == (body["error"]["code"] if body else None)


def test_error_carries_pagerduty_evidence(once, fake):
    fake.expect(
        "POST",
        "/users",
        status=400,
        body={"error": {"message": "Invalid Input Provided", "code": 2001, "errors": [TAKEN]}},
        reply_headers={"x-request-id": "req-42"},
    )
    with pytest.raises(BadRequest) as caught:
        once.create_user({"name": "Ada", "email": "ada@example.com"}, from_email="ops@example.com")
    error = caught.value
    assert str(error) == (
        "POST /users: PagerDuty rejected the request: Invalid Input Provided: Email has already been taken "
        "(400 Bad Request, code 2001)"
    )
    assert (error.code, error.message, error.errors, error.request_id) == (
        2001, "Invalid Input Provided", ["Email has already been taken"], "req-42"
    )
    assert error.exception_object() == {
        "cause": str(error),
        "assistance": (
            "PagerDuty refused the values sent: correct the inputs its reasons point to, then run again."
        ),
        "data": '{"code": 2001, "errors": ["Email has already been taken"], '
                '"message": "Invalid Input Provided", "request_id": "req-42", "status": 400}',
    }


def test_errors_given_as_a_field_map_are_listed(once, fake):
    by_field = {"name": ["is too long", "is odd"], "email": ["x"]}
    fake.expect("GET", "/users/PXYZ123", status=400,
                body={"error": {"message": "Bad Request", "code": 2001, "errors": by_field}})
    with pytest.raises(BadRequest) as caught:
        once.get_user("PXYZ123")
    assert str(caught.value) == (
        "GET /users/PXYZ123: PagerDuty rejected the request: Bad Request: name: is too long, is odd; "
        "email: x (400 Bad Request, code 2001)"
    )


def test_unauthorized_says_key_or_region_and_shows_only_the_last_four(once, fake):
    fake.expect("GET", "/users/me", status=401, body=AUTH_FAILED)
    with pytest.raises(Unauthorized) as caught:
        once.get_current_user()
    assert caught.value.assistance == (
        "The API key ****67-x was refused by https://api.pagerduty.com: check that it is correct and not "
        "revoked, and that it belongs to this service region (the other region is https://api.eu.pagerduty.com)."
    )


def test_unauthorized_on_the_eu_host_points_to_the_us_host(session, fake):
    client = RestClient(CANARY_KEY, base_url="https://api.eu.pagerduty.com", session=session, retry=NO_RETRY)
    fake.expect("GET", "/users/me", status=401, body=AUTH_FAILED)
    with pytest.raises(Unauthorized, match=r"^GET /users/me: PagerDuty answered 401 Unauthorized") as caught:
        client.get_current_user()
    assert caught.value.assistance.endswith("(the other region is https://api.pagerduty.com).")


def test_forbidden_says_role_or_scope(once, fake):
    fake.expect("DELETE", "/users/PXYZ123", status=403, body=ACCESS_DENIED)
    with pytest.raises(Forbidden) as caught:
        once.delete_user("PXYZ123")
    assert caught.value.assistance == (
        "The API key ****67-x is valid but not allowed to do this: its user's role or the token's scope "
        "forbids it."
    )


def test_not_found_gives_no_endpoint_advice(once, fake):
    fake.expect("GET", "/users/PNOPE12", status=404, body={"error": {"message": "Not Found", "code": 2100}})
    with pytest.raises(NotFound) as caught:
        once.get_user("PNOPE12")
    assert caught.value.error_text() == (
        "GET /users/PNOPE12: PagerDuty answered 404 Not Found (code 2100): Not Found. "
        "Check that the identifier is correct and visible to this connection. "
        'Response was: {"code": 2100, "message": "Not Found", "status": 404}'
    )


@pytest.mark.parametrize(
    ("body", "content_type", "summary"),
    [(HTML_PAGE, "text/html", "an HTML page of 423 bytes"),
     ('{"detail": "internal service says hello"}', "application/json", "a JSON body of 41 bytes"),
     ("secret internal text", "text/plain", "a body (text/plain) of 20 bytes")],
    ids=["html", "foreign-json", "text"],
)
def test_error_body_not_from_pagerduty_is_summarised_not_echoed(once, fake, body, content_type, summary):
    fake.expect("GET", "/users/PXYZ123", status=502, body=body, reply_headers={"Content-Type": content_type})
    with pytest.raises(ServerError) as caught:
        once.get_user("PXYZ123")
    assert str(caught.value) == (
        f"GET /users/PXYZ123: PagerDuty answered 502 Bad Gateway: {summary}, not a PagerDuty error (from a "
        "proxy or another service?) (gave up after 1 attempts)"
    )
    assert caught.value.data == {"status": 502, "content_type": content_type, "bytes": len(body)}
    shown = caught.value.error_text()
    assert all(word not in shown for word in ("hello", "secret", "<html>", "xxx"))


def test_non_json_success_body_is_an_unexpected_response(once, fake):
    fake.expect("GET", "/users/PXYZ123", status=200, body="<html>maintenance</html>")
    with pytest.raises(UnexpectedResponse) as caught:
        once.get_user("PXYZ123")
    assert str(caught.value) == (
        "GET /users/PXYZ123: PagerDuty's 200 answer is not JSON (text/html; a proxy or gateway page?) "
        "(gave up after 1 attempts)"
    )
    assert caught.value.kind == "upstream"


def test_non_json_success_body_is_retried_when_a_repeat_is_harmless(rest, fake, waits):
    fake.expect("GET", "/users/PXYZ123", status=200, body="<html>maintenance</html>")
    fake.expect("GET", "/users/PXYZ123", body={"user": {"id": "PXYZ123"}})
    assert rest.get_user("PXYZ123") == {"id": "PXYZ123"}
    assert len(waits) == 1


def test_non_json_success_body_of_a_create_is_not_retried(rest, fake):
    fake.expect("POST", "/users", status=201, body="<html>created?</html>")
    with pytest.raises(UnexpectedResponse):
        rest.create_user({"name": "Ada", "email": "ada@example.com"}, from_email="ops@example.com")


def test_success_without_the_wrapper_key_is_an_unexpected_response(once, fake):
    fake.expect("GET", "/users/PXYZ123", body={"users": []})
    with pytest.raises(UnexpectedResponse, match=r"^GET /users/PXYZ123: PagerDuty's answer is unusable: "
                                                 r"the answer has no `user`$"):
        once.get_user("PXYZ123")


def test_read_timeout_on_a_get_is_unreachable(once, fake):
    fake.expect("GET", "/users/PXYZ123", raises=requests.exceptions.ReadTimeout("timed out"))
    with pytest.raises(Unreachable) as caught:
        once.get_user("PXYZ123")
    assert str(caught.value) == (
        "GET /users/PXYZ123: api_url https://api.pagerduty.com: no answer within 60 s (read_timeout) "
        "(gave up after 1 attempts)"
    )
    assert isinstance(caught.value, kit.TransientError)


def test_connect_timeout_names_the_connect_limit(once, fake):
    fake.expect("GET", "/users/PXYZ123", raises=requests.exceptions.ConnectTimeout("timed out"))
    with pytest.raises(Unreachable, match=r"^GET /users/PXYZ123: cannot connect to api_url "
                                          r"https://api.pagerduty.com: no connection within 10 s "
                                          r"\(connect_timeout\) \(gave up after 1 attempts\)$"):
        once.get_user("PXYZ123")


def test_outcome_unknown_is_transient_and_says_to_check(once, fake):
    fake.expect("POST", "/users", raises=requests.exceptions.ReadTimeout("timed out"))
    with pytest.raises(OutcomeUnknown) as caught:
        once.create_user({"name": "Ada", "email": "ada@example.com"}, from_email="ops@example.com")
    assert caught.value.error_text() == (
        "POST /users: api_url https://api.pagerduty.com: no answer within 60 s (read_timeout); the outcome "
        "is unknown. "
        "PagerDuty may have carried out the request. Check before running the step again."
    )
    assert (caught.value.__cause__, caught.value.__context__) == (None, None)


def test_tls_failure_is_a_config_error_and_not_retried(session, policy, waits, fake):
    client = RestClient(CANARY_KEY, session=session, retry=policy)
    fake.expect("GET", "/users/PXYZ123", raises=requests.exceptions.SSLError("certificate verify failed"))
    with pytest.raises(PagerDutyError) as caught:
        client.get_user("PXYZ123")
    assert str(caught.value) == (
        "GET /users/PXYZ123: cannot connect to api_url https://api.pagerduty.com: the TLS handshake failed"
    )
    assert caught.value.kind == "config"
    assert waits == []


@pytest.mark.parametrize(
    ("secret", "shown"),
    [("CANARY+key_1234567-x", "****67-x"), ("short", "****"), ("", "****"), (None, "****")],
    ids=["long", "short", "empty", "none"],
)
def test_mask_shows_at_most_the_last_four_characters(secret, shown):
    assert mask(secret) == shown


def test_redaction_leaves_text_alone_for_a_secret_too_short_to_be_a_key():
    text = "GET /users/X: PagerDuty answered 401 Unauthorized"
    assert redact(text, ["e"]) == text
    assert redact(f"{text} for CANARY+key_1234567-x", ["CANARY+key_1234567-x"]) == f"{text} for ****67-x"


def test_connection_refused_names_the_setting_not_the_library(once, fake):
    reason = urllib3.exceptions.NewConnectionError(None, "Failed to establish a new connection: refused")
    reason.__cause__ = ConnectionRefusedError(111, "Connection refused")
    wrapped = urllib3.exceptions.MaxRetryError(None, "/users?q=a@b.c", reason)
    failure = requests.exceptions.ConnectionError(wrapped)
    fake.expect("GET", "/users/PXYZ123", raises=failure)
    with pytest.raises(Unreachable) as caught:
        once.get_user("PXYZ123")
    assert str(caught.value) == (
        "GET /users/PXYZ123: cannot connect to api_url https://api.pagerduty.com: connection refused "
        "(gave up after 1 attempts)"
    )
    # Not chained: the requests exception's text repeats the URL with its query.
    assert (caught.value.__cause__, caught.value.__context__) == (None, None)


def test_unauthorized_elsewhere_points_to_the_base_url(session, fake):
    client = RestClient(CANARY_KEY, base_url="http://127.0.0.1:8080", session=session, retry=NO_RETRY)
    fake.expect("GET", "/users/me", status=401, body=AUTH_FAILED)
    with pytest.raises(Unauthorized) as caught:
        client.get_current_user()
    assert caught.value.assistance == (
        "The API key ****67-x was refused by http://127.0.0.1:8080: check that it is correct and not "
        "revoked, and that the base URL is right."
    )
