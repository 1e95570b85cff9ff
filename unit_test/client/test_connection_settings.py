"""The connection's network settings through the plugin runtime, in process, against real sockets and the
simulator: errors that name the setting, within seconds; the host allow-list; one deadline per step."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import pytest

from actionkit.runtime import Plugin

LIBRARY_WORDS = ("urllib3", "NewConnectionError", "HTTPConnectionPool", "HTTPSConnectionPool", "Max retries",
                 "MaxRetryError", "Traceback", "requests.exceptions")


@pytest.fixture
def plugin() -> Plugin:
    return Plugin.load("icon_pagerduty", cache_enabled=False)


@pytest.fixture
def connection(sim) -> dict[str, Any]:
    creds = sim.credentials()
    return {"api_key": {"secretKey": creds["account_token"]}, "from_email": creds["from_email"],
            "api_url": sim.url, "events_url": sim.url}


def get_user(plugin: Plugin, connection: dict[str, Any], user_id: str = "PXYZ123") -> dict[str, Any]:
    body = {"action": "get_user_by_id", "meta": {}, "connection": connection, "input": {"id": user_id}}
    message = {"type": "action_start", "version": "v1", "body": body}
    return plugin.handle(message).envelope["body"]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def everything_shown(body: dict[str, Any]) -> str:
    return json.dumps(body)


def test_connection_refused_is_reported_within_seconds_naming_the_setting(plugin, connection):
    url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    body = get_user(plugin, {**connection, "api_url": url})
    elapsed = time.monotonic() - started
    assert body["exception"]["cause"] == (
        f"GET /users/PXYZ123: cannot connect to api_url {url}: connection refused (gave up after 3 attempts)"
    )
    assert elapsed < 5
    assert [word for word in LIBRARY_WORDS if word in everything_shown(body)] == []


def test_a_tls_failure_is_a_config_error_at_once(plugin, connection, sim):
    url = sim.url.replace("http://", "https://")  # the simulator answers plain http
    started = time.monotonic()
    body = get_user(plugin, {**connection, "api_url": url})
    assert time.monotonic() - started < 5
    cause = body["exception"]["cause"]
    assert cause.startswith(f"GET /users/PXYZ123: cannot connect to api_url {url}: the TLS handshake failed")
    assert body["exception"]["assistance"].startswith("Check the connection field api_url")
    assert [word for word in LIBRARY_WORDS if word in everything_shown(body)] == []


def test_a_host_not_listed_is_refused_before_any_request(plugin, connection, sim, monkeypatch):
    monkeypatch.delenv("PLUGIN_ALLOWED_HOSTS")
    body = get_user(plugin, connection)
    assert body["exception"]["cause"] == (
        f"The connection field `api_url` names a host that is not PagerDuty's; got {sim.url!r}. Only "
        "https://api.pagerduty.com and https://api.eu.pagerduty.com are allowed unless the host is listed in "
        "the environment variable PLUGIN_ALLOWED_HOSTS."
    )
    assert sim.requests() == []


def test_a_listed_host_is_reached(plugin, connection, sim, monkeypatch):
    monkeypatch.setenv("PLUGIN_ALLOWED_HOSTS", f"pd-proxy.example.com, 127.0.0.1:{sim.port}")
    user_id = sim.state()["users"][0]["id"]
    assert get_user(plugin, connection, user_id)["output"]["found"] is True


def test_the_step_timeout_bounds_a_slow_answer_and_says_what_it_waited_for(plugin, connection, sim):
    sim.add_fault(method="GET", path="/users/*", delay=4)
    started = time.monotonic()
    body = get_user(plugin, {**connection, "step_timeout": 1})
    assert time.monotonic() - started < 3
    assert body["exception"]["cause"] == (
        "GET /users/PXYZ123: the step ran out of time (step_timeout 1 s) waiting for an answer from api_url "
        f"{sim.url}"
    )


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [("step_timeout", 0, "0"), ("step_timeout", -5, "-5"), ("step_timeout", 1e300, "1e+300"),
     ("connect_timeout", 0, "0"), ("read_timeout", 86400, "86400")],
    ids=["zero", "negative", "huge", "connect-zero", "read-a-day"],
)
def test_an_unusable_duration_is_a_config_error_naming_the_field(plugin, connection, field, value, shown):
    body = get_user(plugin, {**connection, field: value})
    cause = body["exception"]["cause"]
    assert cause.startswith(f"connection.{field}: must be ") and cause.endswith(f"; got {shown}."), cause
