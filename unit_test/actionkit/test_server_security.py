"""HTTP mode, in process: the bearer token, the body limit, secret masking, request IDs, settings."""

from __future__ import annotations

import io
import re

import pytest

from actionkit.server import create_app
from actionkit.server.wsgi import DEFAULT_MAX_BODY_BYTES, settings_from_env
from unit_test.actionkit.server_helpers import make_app, wsgi_call

TOKEN = "tok-3b9f0c2d7e61a845"


class CountingStream(io.BytesIO):
    """A request body that remembers how much the app read of it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.taken = 0

    def read(self, size: int = -1) -> bytes:
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk


# -- the bearer token --------------------------------------------------------------------------

@pytest.fixture
def secured(hello_plugin):
    return make_app(hello_plugin, api_token=TOKEN)


@pytest.mark.parametrize(
    ("authorization", "why"),
    [
        (None, "A bearer token is required."),
        (f"Basic {TOKEN}", "A bearer token is required."),
        ("Bearer nope", "The bearer token is wrong."),
        (f"Bearer {TOKEN}x", "The bearer token is wrong."),
    ],
    ids=["none", "other-scheme", "wrong", "longer"],
)
def test_without_the_token_every_route_is_a_json_401(secured, make_message, authorization, why):
    app, _ = secured
    headers = {"Authorization": authorization} if authorization else {}
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", make_message("hello"), headers=headers)
    assert reply.status == 401
    assert reply.headers["www-authenticate"] == 'Bearer realm="plugin"'
    assert reply.json()["description"] == f"{why} Send the header 'Authorization: Bearer <PLUGIN_API_TOKEN>'."


def test_the_token_hides_which_routes_exist(secured):
    assert wsgi_call(secured[0], "GET", "/api/v1/nope").status == 401


def test_with_the_token_routes_answer(secured, make_message):
    app, _ = secured
    headers = {"Authorization": f"Bearer {TOKEN}"}
    assert wsgi_call(app, "POST", "/actions/hello", make_message("hello"), headers=headers).status == 200
    assert wsgi_call(app, "GET", "/api/v1/info", headers={"Authorization": f"bearer {TOKEN}"}).status == 200


@pytest.mark.parametrize("path", ["/api/v1/status", "/status"], ids=["v1", "legacy"])
def test_status_needs_no_token(secured, path):
    assert wsgi_call(secured[0], "GET", path).status == 200


def test_the_token_is_never_logged_or_echoed(secured):
    app, log = secured
    for value in (f"Bearer {TOKEN}", f"Bearer {TOKEN}-wrong"):
        reply = wsgi_call(app, "GET", "/api/v1/info", headers={"Authorization": value})
        assert TOKEN not in reply.body.decode()
    assert TOKEN not in log.getvalue()


def test_the_api_document_declares_the_token(secured):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    document = wsgi_call(secured[0], "GET", "/api/v1/api", headers=headers).json()
    assert document["security"] == [{"bearer": []}]
    assert document["paths"]["/api/v1/status"]["get"]["security"] == []


# -- the body limit ----------------------------------------------------------------------------

def test_a_body_over_the_limit_is_refused_unread(hello_plugin):
    app, _ = make_app(hello_plugin, max_body_bytes=100)
    stream = CountingStream(b"x" * 101)
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", stream=stream, headers={"Content-Length": "101"})
    assert reply.status == 413
    assert reply.json()["description"] == "The request body is over the limit of 100 bytes."
    assert stream.taken == 0


def test_a_chunked_body_is_read_no_further_than_the_limit(hello_plugin):
    app, _ = make_app(hello_plugin, max_body_bytes=100)
    stream = CountingStream(b"x" * 10_000)
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", stream=stream, chunked=True)
    assert reply.status == 413
    assert stream.taken == 101


def test_a_chunked_body_within_the_limit_is_served(hello_plugin, make_message):
    import json

    app, _ = make_app(hello_plugin)
    stream = CountingStream(json.dumps(make_message("hello", {"name": "Ada"})).encode())
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", stream=stream, chunked=True)
    assert reply.status == 200


def test_a_content_length_that_is_no_number_is_400(hello_plugin):
    app, _ = make_app(hello_plugin)
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", stream=io.BytesIO(b"{}"),
                      headers={"Content-Length": "ten"})
    assert (reply.status, reply.json()["description"]) == (400, "Content-Length 'ten' is not a number.")


def test_the_default_limit_is_4_mib():
    assert DEFAULT_MAX_BODY_BYTES == 4 * 1024 * 1024


# -- masking and the request's log context ----------------------------------------------------

@pytest.mark.parametrize("debug", [False, True], ids=["quiet", "debug"])
def test_a_canary_secret_appears_in_no_response_and_no_server_log(hello_plugin, make_message, canary, debug):
    app, log = make_app(hello_plugin, debug=debug)
    for path, name in (("/api/v1/actions/log_secret", "log_secret"), ("/api/v1/actions/fail", "fail")):
        inp = {"kind": "upstream", "data": {"echo": canary}} if name == "fail" else {}
        reply = wsgi_call(app, "POST", path, make_message(name, inp))
        assert reply.status in (200, 400)
        assert canary not in reply.body.decode()
        assert canary[:-2] not in reply.body.decode()
    assert ("The secret is ********" in log.getvalue()) is debug  # step lines reach the log only in debug
    assert canary[:-4] not in log.getvalue()


def test_the_request_id_is_echoed_and_in_every_log_line_of_the_request(hello_plugin, make_message):
    app, log = make_app(hello_plugin, debug=True)
    reply = wsgi_call(app, "POST", "/api/v1/actions/hello", make_message("hello", {"name": "Ada"}),
                      headers={"X-Request-ID": "req-42"})
    assert reply.headers["x-request-id"] == "req-42"
    lines = log.getvalue().splitlines()
    assert any(line.endswith("[req-42] | Greeting Ada") for line in lines)
    assert re.search(r"\[req-42\] POST /api/v1/actions/hello 200 [0-9.]+ms$", lines[-1])
    assert all("[req-42]" in line for line in lines)


def test_an_unsafe_request_id_is_replaced(hello_plugin):
    app, log = make_app(hello_plugin)
    reply = wsgi_call(app, "GET", "/api/v1/status", headers={"X-Request-ID": "a b\nFAKE LINE"})
    assert re.fullmatch(r"[0-9a-f]{32}", reply.headers["x-request-id"])
    assert "FAKE" not in log.getvalue()


def test_a_path_cannot_forge_a_log_line(hello_plugin):
    app, log = make_app(hello_plugin)
    assert wsgi_call(app, "GET", "/api/v1/no\n[FAKE] GET /admin 200").status == 404
    assert log.getvalue().count("\n") == 1
    assert "'/api/v1/no\\n[FAKE] GET /admin 200' 404" in log.getvalue()


# -- settings from the environment ------------------------------------------------------------

def test_settings_from_env_defaults():
    assert settings_from_env({}) == {"cloud": False, "track_work": True}


def test_settings_from_env_reads_every_variable():
    env = {"PLUGIN_API_TOKEN": TOKEN, "PLUGIN_MAX_BODY_BYTES": "2048", "PLUGIN_RUNTIME_ENVIRONMENT": "cloud",
           "TRACK_WORK": "true"}
    assert settings_from_env(env) == {"api_token": TOKEN, "max_body_bytes": 2048, "cloud": True,
                                      "track_work": True}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PLUGIN_API_TOKEN": ""},
         "PLUGIN_API_TOKEN is set but empty: set a token, or unset it to serve openly."),
        ({"PLUGIN_MAX_BODY_BYTES": "4M"},
         "PLUGIN_MAX_BODY_BYTES must be a positive number of bytes, not '4M'."),
        ({"PLUGIN_MAX_BODY_BYTES": "0"},
         "PLUGIN_MAX_BODY_BYTES must be a positive number of bytes, not '0'."),
        ({"TRACK_WORK": "yes"}, "TRACK_WORK must be true or false, not 'yes'."),
    ],
    ids=["empty-token", "units", "zero", "track-work"],
)
def test_bad_settings_are_one_clear_line(env, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        settings_from_env(env)


def test_create_app_takes_the_token_from_the_environment(hello_plugin, monkeypatch):
    monkeypatch.setenv("PLUGIN_API_TOKEN", TOKEN)
    app = create_app(hello_plugin, log_stream=io.StringIO())
    assert wsgi_call(app, "GET", "/api/v1/info").status == 401
