"""The same golden messages give the same envelopes through `run` and through HTTP mode.

The HTTP side is the real ``bin/icon_pagerduty http`` under gunicorn on a free loopback port.
The simulator is reset before each scenario, so both runs see the same IDs.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time

import pytest
import requests

from unit_test.e2e.conftest import ENTRY, ROOT
from unit_test.e2e.golden import SCENARIO, run_scenario


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def http_url():
    port = _free_port()
    env = {**os.environ, "ACTIONKIT_BIND": "127.0.0.1"}
    env.pop("PLUGIN_API_TOKEN", None)
    server = subprocess.Popen([sys.executable, str(ENTRY), "http", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if requests.get(f"{url}/api/v1/status", timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"the HTTP server did not start: {server.stderr.read().decode()[-2000:]}")
        time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=30)


def _post(url: str, message: dict) -> tuple[int, dict]:
    response = requests.post(f"{url}/api/v1/actions/{message['body']['action']}", json=message, timeout=60)
    return response.status_code, response.json()


def _without_request_ids(envelope: dict) -> dict:
    """PagerDuty's x-request-id in error evidence differs for every request, by design."""
    return json.loads(re.sub(r'(request_id\\?": \\?")[^"\\]*', r"\1*", json.dumps(envelope)))


def test_every_golden_message_gives_the_same_envelope_through_cli_and_http(cli, connection, sim, http_url):
    through_cli = run_scenario(lambda message: cli(message, "run").envelope, connection)
    sim.reset()
    statuses = {}

    def send(message):
        statuses[message["body"]["action"]], envelope = _post(http_url, message)
        return envelope

    through_http = run_scenario(send, connection)
    assert set(through_http) == set(SCENARIO)
    for action in SCENARIO:
        assert through_http[action] == through_cli[action], action
        assert statuses[action] == 200, action


@pytest.mark.parametrize(
    ("action", "inp", "status"),
    [
        ("send_acknowledge_event", {"incident_key": "never-triggered"}, 400),
        ("create_user", {"email": "not-an-email", "name": "X"}, 400),
        ("get_user_by_id", {}, 400),
    ],
    ids=["unknown-incident-key", "invalid-email", "missing-input"],
)
def test_errors_are_the_same_through_cli_and_http(cli, connection, http_url, action, inp, status):
    message = {"type": "action_start", "version": "v1",
               "body": {"action": action, "meta": {"jobId": "e1"}, "connection": connection, "input": inp}}
    run = cli(message, "run")
    http_status, envelope = _post(http_url, message)
    assert run.exit_code == 1 and http_status == status
    assert _without_request_ids(envelope) == _without_request_ids(run.envelope)
