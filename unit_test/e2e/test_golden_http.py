"""Every golden message through HTTP mode, and the same envelope as through ``run``.

The HTTP side is the real ``bin/icon_pagerduty http`` under gunicorn on a free loopback port. For
each golden, the simulator is reset, the setup runs, and the message goes to the CLI entry point
in process; then the same again through HTTP: the envelopes must be equal (PagerDuty's request
IDs aside), the answer 200, the output valid and as the golden expects. The e2e conftest checks
the requests of the HTTP run against PagerDuty's official OpenAPI.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests

from unit_test.e2e import golden
from unit_test.e2e.conftest import ENTRY, ROOT


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


# Differ for every request by design: PagerDuty's request ID (in error evidence and in rest_call's
# headers), the answer's date, and the rate-limit budget left.
_PER_REQUEST = r'((?:request_id|x-request-id|date|ratelimit-remaining|ratelimit-reset)\\?": \\?")[^"\\]*'
# The simulator's clock runs: a record made in the CLI run and again in the HTTP run a moment
# later (an incident in an output) may carry the next second.
_TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)"


# The simulator's records carry wall-clock times: a reset of the demo seed a second later shifts them.
_TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"


def _without_request_ids(envelope: dict) -> dict:
    text = re.sub(_PER_REQUEST, r"\1*", json.dumps(envelope))
    return json.loads(re.sub(_TIMESTAMP, "<time>", text))


@pytest.mark.parametrize("name", golden.names())
def test_golden_message_gives_the_same_envelope_through_http(name, sim, connection, secrets, http_url,
                                                             monkeypatch):
    case = golden.load(name)

    def through_cli(message: dict) -> golden.Run:
        return golden.cli_in_process(message, monkeypatch)

    message = golden.prepare(case, golden.Context(sim, connection), through_cli)
    expected = through_cli(message).envelope
    sim.reset()
    context = golden.Context(sim, connection)
    message = golden.prepare(case, context, through_cli)
    status, envelope = _post(http_url, message)
    assert status == 200, envelope["body"].get("error")
    assert not any(secret in json.dumps(envelope) for secret in secrets), "a secret was sent back"
    golden.check(case, context, message, envelope)
    assert _differences(_without_request_ids(envelope), _without_request_ids(expected)) == []


# The simulator's clock runs between the CLI run and the HTTP run, and what it stamps "now" (a
# service's created_at, a window starting now, the demo's window "a week before the reset")
# moves with it: such date-times may differ by a moment, anything else must be equal.
MOMENT = timedelta(seconds=5)


def _differences(http: Any, cli: Any, where: str = "envelope") -> list[str]:
    if isinstance(http, dict) and isinstance(cli, dict) and http.keys() == cli.keys():
        return [found for key in http for found in _differences(http[key], cli[key], f"{where}.{key}")]
    if isinstance(http, list) and isinstance(cli, list) and len(http) == len(cli):
        return [found for index, (one, other) in enumerate(zip(http, cli, strict=True))
                for found in _differences(one, other, f"{where}[{index}]")]
    if http == cli or _moments_apart(http, cli):
        return []
    return [f"{where}: HTTP gave {json.dumps(http)[:300]}, the CLI {json.dumps(cli)[:300]}"]


def _moments_apart(one: Any, other: Any) -> bool:
    try:
        times = [datetime.fromisoformat(value) for value in (one, other)]
    except (TypeError, ValueError):
        return False
    return all(t.tzinfo is not None for t in times) and abs(times[0] - times[1]) <= MOMENT


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
