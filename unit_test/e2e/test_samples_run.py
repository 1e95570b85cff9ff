"""`sample NAME --sim` prints a message that runs against the demo simulator, for every action.

The message is made by the real `sample` command with its `--sim` preset (the connection of the
local PagerDuty), from the examples in plugin.spec.yaml, and run through the CLI entry point in
process against a freshly reset demo account. An example that names something the demo lacks, or
inputs that exclude each other, fails here; so does a new action whose examples were not chosen
with the demo in mind.
"""

from __future__ import annotations

import io
import json
import sys

import pytest

from actionkit.cli import run_cli
from icon_pagerduty import manifest
from icon_pagerduty.__main__ import SIM_HELP, simulator_connection
from unit_test.e2e import golden

# These cannot succeed on the demo account by nature: a delete whose example names an object the
# demo does not hold, or one still in use, which PagerDuty refuses.
NOT_ON_THE_DEMO = {
    "delete_schedule": "the demo's schedules are all used by escalation policies",
    "delete_override": "the demo has no override to delete",
    "delete_team": "its example names a team the demo lacks (the demo's teams are in use)",
    "delete_service": "its example names a service the demo lacks (the demo's services have incidents)",
}


def _sample(name: str, monkeypatch) -> dict:
    stdout, stderr = io.StringIO(), io.StringIO()
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", stdout)
        patch.setattr(sys, "stderr", stderr)
        try:
            run_cli("icon_pagerduty", ["sample", name, "--sim"],
                    sample_presets={"sim": (SIM_HELP, simulator_connection)})
        except SystemExit as done:
            assert not done.code, stderr.getvalue()
    assert stdout.getvalue().endswith("\n")
    return json.loads(stdout.getvalue())


@pytest.mark.parametrize("name", sorted(manifest.ACTIONS))
def test_the_sample_runs_against_the_demo(name, sim, monkeypatch):
    monkeypatch.setenv("PAGERDUTY_SIM_URL", sim.url)
    run = golden.cli_in_process(_sample(name, monkeypatch), monkeypatch)
    body = run.envelope["body"]
    if name in NOT_ON_THE_DEMO:
        assert body["status"] == "error", f"{name} now runs on the demo: take it off NOT_ON_THE_DEMO"
        return
    assert body["status"] == "ok", body.get("error")
    # A lookup whose example finds nothing would show a user only `found: false`.
    assert body["output"].get("found", True) is True, f"{name}'s example names nothing in the demo"
