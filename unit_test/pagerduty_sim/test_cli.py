"""``python -m pagerduty_sim``: URL on the first line, serves, exits cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def stop(process, signum=signal.SIGTERM):
    """Signal the server and collect its output; reads through the buffers ``readline`` filled."""
    process.send_signal(signum)
    process.wait(timeout=15)
    return process.stdout.read(), process.stderr.read()


def start(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "pagerduty_sim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def test_cli_prints_url_first_serves_and_stops_cleanly():
    process = start("--seed", "demo", "--port", "0")
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        creds = requests.get(url + "/_sim/credentials", timeout=10).json()
        headers = {"Authorization": f"Token token={creds['user_token']}"}
        response = requests.get(url + "/users", headers=headers, timeout=10)
        assert response.status_code == 200
    finally:
        out, err = stop(process)
    assert process.returncode == 0
    assert "Traceback" not in err
    assert "routing key of 'Checkout API'" in out


def test_cli_empty_seed_has_no_routing_keys():
    process = start("--seed", "empty")
    try:
        url = process.stdout.readline().strip()
        assert requests.get(url + "/_sim/credentials", timeout=10).json()["routing_keys"] == {}
    finally:
        _, err = stop(process, signal.SIGINT)
    assert (process.returncode, "Traceback" in err) == (0, False)


def test_cli_rejects_an_unknown_seed_without_traceback():
    process = start("--seed", "huge")
    out, err = process.communicate(timeout=15)
    assert process.returncode == 2
    assert "invalid choice: 'huge'" in err
    assert "Traceback" not in err
