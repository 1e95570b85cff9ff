"""The request core: headers, timeouts, host pinning, redirects, parameter encoding, sessions."""

from __future__ import annotations

import threading

import pytest
import requests

from icon_pagerduty.client import (
    HostNotAllowed,
    InvalidConfig,
    Redirected,
    RestClient,
    encode_params,
)
from unit_test.client.conftest import CANARY_KEY

USER = {"id": "PXYZ123", "type": "user", "name": "Ada", "email": "ada@example.com"}
ACCEPT = "application/vnd.pagerduty+json;version=2"


def test_get_sends_token_accept_and_user_agent(rest, fake):
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    rest.get_user("PXYZ123")
    sent = fake.sent[0].headers
    assert sent["Authorization"] == f"Token token={CANARY_KEY}"
    assert sent["Accept"] == ACCEPT
    from icon_pagerduty.manifest import VERSION

    assert sent["User-Agent"].startswith(f"icon_pagerduty/{VERSION} python-requests/")
    assert "Content-Type" not in sent
    assert "From" not in sent


def test_write_sends_json_content_type_and_from(rest, fake):
    fake.expect(
        "POST",
        "/users",
        json={"user": {"type": "user", "name": "Ada", "email": "ada@example.com"}},
        status=201,
        body={"user": USER},
    )
    assert rest.create_user({"name": "Ada", "email": "ada@example.com"}, from_email="ops@example.com") == USER
    sent = fake.sent[0].headers
    assert sent["Content-Type"] == "application/json"
    assert sent["From"] == "ops@example.com"


def test_bearer_token_type_sends_bearer(session, policy, fake):
    client = RestClient("pdus+_oauthTOKEN", session=session, retry=policy, token_type="bearer")
    fake.expect("GET", "/users/me", body={"user": USER})
    client.get_current_user()
    assert fake.sent[0].headers["Authorization"] == "Bearer pdus+_oauthTOKEN"


def test_connection_from_email_is_sent_by_default(session, policy, fake):
    client = RestClient(CANARY_KEY, session=session, retry=policy, from_email="ops@example.com")
    fake.expect("GET", "/users/PXYZ123", body={"user": USER}, headers={"From": "ops@example.com"})
    client.get_user("PXYZ123")


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [((10.0, 60.0), (10.0, 60.0)), ((3, 7), (3.0, 7.0)), (5, (5.0, 5.0))],
    ids=["default", "pair", "single-number"],
)
def test_every_call_carries_the_timeout(session, policy, fake, timeout, expected):
    client = RestClient(CANARY_KEY, session=session, retry=policy, timeout=timeout)
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    fake.expect("DELETE", "/users/PXYZ123", status=204)
    client.get_user("PXYZ123")
    client.delete_user("PXYZ123")
    assert [s.timeout for s in fake.sent] == [expected, expected]


@pytest.mark.parametrize("timeout", [0, -1, (10, 0), (1, 2, 3), "60"], ids=["zero", "negative", "zero-read",
                                                                             "triple", "string"])
def test_bad_timeout_is_a_config_error(timeout):
    with pytest.raises(InvalidConfig, match=r"^The timeout must be a positive number of seconds"):
        RestClient(CANARY_KEY, timeout=timeout)


def test_absolute_url_under_base_url_is_accepted(rest, fake):
    fake.expect("GET", "/users/PXYZ123", body={"user": USER})
    assert rest.get("https://api.pagerduty.com/users/PXYZ123", "user") == USER


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/users/PXYZ123",
        "https://api.pagerduty.com.evil.example.com/users",
        "http://api.pagerduty.com/users",
        "https://api.eu.pagerduty.com/users",
    ],
    ids=["other-host", "suffix-trick", "plain-http", "other-region"],
)
def test_absolute_url_elsewhere_is_refused_before_sending(rest, fake, url):
    with pytest.raises(HostNotAllowed, match=r"refusing to send a request outside https://api.pagerduty.com$"):
        rest.get(url, "user")
    assert fake.sent == []


def test_refused_url_message_starts_with_the_request_and_hides_the_query(rest):
    with pytest.raises(HostNotAllowed) as caught:
        rest.request("GET", "https://evil.example.com/users?token=abc")
    assert str(caught.value) == (
        "GET https://evil.example.com/users: refusing to send a request outside https://api.pagerduty.com"
    )


def test_protocol_relative_path_stays_on_the_base_host(rest, fake):
    fake.expect("GET", "/abilities", body={"abilities": []})
    rest.request("GET", "//abilities")
    assert fake.sent[0].path == "/abilities"


def test_redirect_is_not_followed(rest, fake):
    fake.expect(
        "GET", "/users/PXYZ123", status=301, reply_headers={"Location": "https://elsewhere.example.com/users/P"}
    )
    with pytest.raises(Redirected) as caught:
        rest.get_user("PXYZ123")
    assert str(caught.value) == (
        "GET /users/PXYZ123: PagerDuty answered 301 Moved Permanently: "
        "redirect to https://elsewhere.example.com/users/P not followed"
    )
    assert caught.value.kind == "config"


def test_ids_are_percent_encoded_into_one_segment(rest, fake):
    fake.expect("GET", "/users/..%2Fabilities", body={"user": USER})
    rest.get_user("../abilities")


def test_lists_booleans_and_none_are_encoded_as_pagerduty_reads_them():
    params = {
        "statuses": ["triggered", "acknowledged"],
        "include[]": ["users", None],
        "total": True,
        "earliest": False,
        "query": None,
        "limit": 100,
    }
    assert encode_params(params) == [
        ("statuses[]", "triggered"),
        ("statuses[]", "acknowledged"),
        ("include[]", "users"),
        ("total", "true"),
        ("earliest", "false"),
        ("limit", "100"),
    ]


def test_repeated_list_parameters_reach_the_wire(rest, fake):
    fake.expect(
        "GET",
        "/users",
        query={"include[]": ["teams", "contact_methods"], "team_ids[]": ["PT1", "PT2"], "limit": ["100"],
               "offset": ["0"]},
        body={"users": [USER], "more": False},
    )
    assert list(rest.list_users(include=["teams", "contact_methods"], team_ids=["PT1", "PT2"])) == [USER]


@pytest.mark.parametrize("key", ["", "  ", "abc def", "abc\n"], ids=["empty", "blank", "space", "newline"])
def test_unusable_api_key_is_a_config_error(key):
    with pytest.raises(InvalidConfig, match=r"^The connection field `api_key` is empty or contains spaces"):
        RestClient(key)


def test_each_thread_gets_its_own_session():
    client = RestClient(CANARY_KEY)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(client._http.session())) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert isinstance(seen[0], requests.Session)
    assert seen[0] is not seen[1]
    assert client._http.session() is client._http.session()
    client.close()


def test_client_repr_shows_only_the_last_four_characters():
    expected = "RestClient(base_url='https://api.pagerduty.com', api_key='****67-x')"
    assert repr(RestClient(CANARY_KEY)) == expected
