"""Running the incident actions through the CLI entry point, in process, against the simulator.

``Steps(connection, monkeypatch, secrets)`` runs ``icon_pagerduty run`` with one message on stdin,
exactly as the subprocess would (``golden.cli_in_process``), and checks that no secret was printed.
The helpers read the simulator's state and request log the way the tests need them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from unit_test.e2e import golden


@dataclass
class Step:
    """One finished step: the exit code and the envelope's body."""

    exit_code: int
    body: dict[str, Any]

    @property
    def output(self) -> dict[str, Any]:
        assert (self.exit_code, self.body["status"]) == (0, "ok"), self.body.get("exception")
        return self.body["output"]

    @property
    def exception(self) -> dict[str, Any]:
        assert (self.exit_code, self.body["status"]) == (1, "error"), self.body.get("output")
        return self.body["exception"]


class Steps:
    def __init__(self, connection: dict[str, Any], monkeypatch: Any, secrets: list[str]):
        self.connection = connection
        self.monkeypatch = monkeypatch
        self.secrets = secrets
        self.last_log = ""  # the log of the last step, as its envelope carries it

    def __call__(self, action: str, inp: dict[str, Any], connection: dict[str, Any] | None = None) -> Step:
        message = {"type": "action_start", "version": "v1",
                   "body": {"action": action, "meta": {}, "connection": connection or self.connection,
                            "input": inp}}
        run = golden.cli_in_process(message, self.monkeypatch)
        for secret in self.secrets:
            assert secret not in run.stdout and secret not in run.stderr, "a secret was printed"
        self.last_log = run.envelope["body"].get("log", "")
        return Step(run.exit_code, run.envelope["body"])


def requests_to(sim: Any, method: str, prefix: str) -> list[dict[str, Any]]:
    """The requests the simulator received with this method and a path starting with ``prefix``."""
    return [r for r in sim.requests() if r["method"] == method and r["path"].startswith(prefix)]


def by_id(sim: Any, collection: str = "incidents") -> dict[str, dict[str, Any]]:
    return {record["id"]: record for record in sim.state()[collection]}


def id_of(sim: Any, collection: str, name: str) -> str:
    """The ID of the demo record named (or with the email) ``name``."""
    return next(r["id"] for r in sim.state()[collection] if name in (r.get("name"), r.get("email")))
