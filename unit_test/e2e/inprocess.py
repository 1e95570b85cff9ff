"""One action through the CLI entry point in this process (fast; monkeypatch reaches the plugin).

The subprocess ``run_action`` of the e2e conftest runs the real ``bin/icon_pagerduty``; this
runs the same ``run`` command in process, with the same checks: one envelope on stdout, and no
secret in anything printed. A test module makes it its fixture::

    @pytest.fixture
    def run(monkeypatch, connection, secrets):
        return inprocess.runner(monkeypatch, connection, secrets)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from unit_test.e2e import golden
from unit_test.e2e.conftest import CliRun


def runner(monkeypatch: Any, connection: dict[str, Any], secrets: list[str]) -> Callable[..., CliRun]:
    """``run(action, input, connection=None, meta=None)`` -> ``CliRun``, in process."""

    def run(action: str, inp: dict[str, Any], conn: dict[str, Any] | None = None,
            meta: dict[str, Any] | None = None) -> CliRun:
        body = {"action": action, "meta": meta or {}, "connection": conn or connection, "input": inp}
        done = golden.cli_in_process({"type": "action_start", "version": "v1", "body": body}, monkeypatch)
        for secret in secrets:
            assert secret not in done.stdout and secret not in done.stderr, "a secret was printed"
        return CliRun(done.envelope, done.exit_code, done.stderr)

    return run
