"""In-process CLI runs for the services-area tests: ``icon_pagerduty [--debug] run`` in this process.

``act(action, input, connection=None, debug=False)`` sends one message through the CLI entry
point (``golden.cli_in_process``), and checks that no secret of the demo account (API
keys, routing keys) was printed; ``--debug`` mirrors the step's log to stderr.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from unit_test.e2e import golden


@dataclass
class Step:
    exit_code: int
    envelope: dict[str, Any]
    stdout: str
    stderr: str

    @property
    def body(self) -> dict[str, Any]:
        return self.envelope["body"]

    @property
    def output(self) -> dict[str, Any]:
        assert self.body["status"] == "ok", self.body.get("error")
        return self.body["output"]

    @property
    def cause(self) -> str:
        assert self.exit_code == 1, self.body
        return self.body["exception"]["cause"]

    @property
    def assistance(self) -> str:
        assert self.exit_code == 1, self.body
        return self.body["exception"]["assistance"]


@pytest.fixture(name="act")
def act_fixture(monkeypatch, connection, secrets):
    """The fixture ``act``; its function has another name, so a test module imports it without
    shadowing the test functions' parameter."""

    def run(action: str, inp: dict[str, Any], conn: dict[str, Any] | None = None,
            debug: bool = False) -> Step:
        message = {"type": "action_start", "version": "v1",
                   "body": {"action": action, "meta": {}, "connection": conn or connection, "input": inp}}
        done = golden.cli_in_process(message, monkeypatch, debug)
        for secret in secrets:
            assert secret not in done.stdout and secret not in done.stderr, "a secret was printed"
        return Step(done.exit_code, done.envelope, done.stdout, done.stderr)

    return run


def writes(sim) -> list[dict[str, Any]]:
    """The requests that would change something (the resolver's GETs are fine)."""
    return [r for r in sim.requests() if r["method"] != "GET" and not r["path"].startswith("/_sim/")]
