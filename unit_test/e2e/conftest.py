"""End-to-end fixtures: the real ``bin/icon_pagerduty`` run as a subprocess against the simulator.

Two guards run around every test here:
- every secret of the connection (the simulator's API keys and routing keys, which contain
  ``+ _ -`` like real ones) must never appear in anything the plugin printed;
- every request the plugin sent to the simulator must conform to PagerDuty's official OpenAPI
  (checked when ``../shared/pagerduty-openapi/`` is present).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pagerduty_sim.incident_seed import DEMO_INCIDENT_IDS
from unit_test import openapi_contract

ROOT = Path(__file__).resolve().parents[2]
ENTRY = ROOT / "bin" / "icon_pagerduty"


@dataclass
class CliRun:
    envelope: dict[str, Any]
    exit_code: int
    stderr: str

    @property
    def body(self) -> dict[str, Any]:
        return self.envelope["body"]

    @property
    def output(self) -> dict[str, Any]:
        assert self.body["status"] == "ok", self.body.get("error")
        return self.body["output"]

    @property
    def error(self) -> str:
        assert self.body["status"] == "error", self.body
        return self.body["error"]


@pytest.fixture
def creds(sim) -> dict[str, Any]:
    return sim.credentials()


@pytest.fixture
def service_key(creds) -> str:
    return next(iter(creds["routing_keys"].values()))


@pytest.fixture
def connection(sim, creds, service_key) -> dict[str, Any]:
    """An account-level connection with defaults for the requester and the routing key."""
    return {
        "api_key": {"secretKey": creds["account_token"]},
        "from_email": creds["from_email"],
        "service_key": {"secretKey": service_key},
        "api_url": sim.url,
        "events_url": sim.url,
    }


@pytest.fixture
def secrets(creds) -> list[str]:
    return [creds["account_token"], creds["user_token"], *creds["routing_keys"].values()]


@pytest.fixture
def cli(secrets):
    """Run ``bin/icon_pagerduty ARGS`` with a message on stdin; checks that no secret leaks."""

    def run(message: Any, *args: str) -> CliRun:
        stdin = message if isinstance(message, str) else json.dumps(message)
        proc = subprocess.run(
            [sys.executable, str(ENTRY), *(args or ("run",))],
            input=stdin, capture_output=True, text=True, timeout=60, cwd=ROOT,
        )
        for secret in secrets:
            assert secret not in proc.stdout and secret not in proc.stderr, "a secret was printed"
        assert proc.stdout.endswith("\n") and proc.stdout.count("\n") == 1, proc.stdout
        return CliRun(json.loads(proc.stdout), proc.returncode, proc.stderr)

    return run


@pytest.fixture
def run_action(cli, connection):
    """Run one action through the CLI: ``run_action(name, input, connection=...)``."""

    def run(action: str, inp: dict[str, Any], conn: dict[str, Any] | None = None) -> CliRun:
        message = {"type": "action_start", "version": "v1",
                   "body": {"action": action, "meta": {}, "connection": conn or connection, "input": inp}}
        return cli(message, "run")

    return run


@pytest.fixture(autouse=True)
def requests_conform_to_openapi(sim):
    """After each test: every request the plugin sent matches the official OpenAPI."""
    yield
    if any(not (openapi_contract.SPEC_DIR / name).is_file() for name in openapi_contract.DOCUMENTS):
        return  # the contract tests themselves report the skip, with its reason
    contract = openapi_contract.contract()
    problems = []
    for request in sim.requests():
        if request["path"].startswith("/_sim/"):
            continue
        problems += contract.request_problems(
            request["method"], request["path"], request.get("query") or {},
            request.get("headers") or {}, request.get("body"),
        )
    assert problems == []


def incidents(sim) -> list[dict[str, Any]]:
    """The incidents the test opened: all but the demo seed's own (PDEMO01 to PDEMO04)."""
    return [i for i in sim.state()["incidents"] if i["id"] not in DEMO_INCIDENT_IDS]
