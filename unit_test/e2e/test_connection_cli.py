"""The connection test through the real CLI: proves the key works and says which kind it is."""

import pytest


def _test_message(connection):
    return {"type": "connection_test", "version": "v1", "body": {"connection": connection}}


def test_account_key_is_recognised_and_nothing_is_written(cli, connection, sim):
    run = cli(_test_message(connection), "test")
    assert run.exit_code == 0
    assert run.output == {"success": True, "message": "The API key works; it is an account-level key."}
    assert {r["method"] for r in sim.requests()} == {"GET"}


def test_user_key_is_recognised(cli, connection, creds):
    connection = {**connection, "api_key": {"secretKey": creds["user_token"]}}
    run = cli(_test_message(connection), "test")
    assert run.output == {"success": True, "message": "The API key works; it is a user-level key."}


def test_account_key_without_requester_is_warned_about(cli, connection):
    del connection["from_email"]
    run = cli(_test_message(connection), "test")
    assert run.output["message"] == (
        "The API key works; it is an account-level key. Writes such as Create User need a requester: "
        "set from_email in the connection."
    )


def test_rejected_key_names_only_its_last_four_characters(cli, connection):
    canary = "CANARY+key_1234567-x"
    run = cli(_test_message({**connection, "api_key": {"secretKey": canary}}), "test")
    assert run.exit_code == 1
    assert canary not in run.body["log"] + run.error + str(run.body["exception"])
    assert run.body["exception"]["cause"].startswith("GET /users/me: PagerDuty answered 401 Unauthorized")
    assert "7-x" in run.error


@pytest.mark.parametrize(
    ("field", "url", "cause"),
    [
        ("api_url", "http://api.pagerduty.com",
         "The connection field `api_url` must use https:// (port 443); got 'http://api.pagerduty.com'. Only "
         "https://api.pagerduty.com and https://api.eu.pagerduty.com are allowed unless the host is listed "
         "in the environment variable PLUGIN_ALLOWED_HOSTS."),
        ("events_url", "ftp://events.example.com",
         "The connection field `events_url` must be an https:// URL; got 'ftp://events.example.com'."),
        ("api_url", "https://user:secret@api.pagerduty.com",
         "The connection field `api_url` must be a plain base URL, without credentials, query or fragment."),
    ],
    ids=["plain-http-remote", "not-http", "credentials-in-url"],
)
def test_unsafe_base_url_is_refused_before_anything_is_sent(cli, connection, sim, field, url, cause):
    run = cli(_test_message({**connection, field: url}), "test")
    assert run.exit_code == 1
    assert run.body["exception"]["cause"] == cause
    assert "secret@" not in run.body["error"] + run.body["log"]
    assert sim.requests() == []
