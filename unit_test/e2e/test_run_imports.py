"""A cold ``run`` imports its own action and the shared code it uses, however many actions there are.

The real plugin and a generated copy with 150 actions (``bench.synthetic``) run the same message in
fresh interpreters; each reports the modules it imported. ``python -X importtime`` cannot show
this: ``importlib.import_module``, which loads the manifest and the action, bypasses it. Time is
measured by ``make bench`` (cold start), never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.synthetic import SYNTHETIC_ACTIONS, synthetic_plugin
from unit_test.e2e.conftest import ROOT

REPORT = """
import atexit, json, sys
sys.path.insert(0, sys.argv[1])
def report():
    package = sys.modules["icon_pagerduty"].__file__
    print(json.dumps({"modules": sorted(sys.modules), "package": package}), file=sys.stderr)
atexit.register(report)
from actionkit.cli import run_cli
run_cli("icon_pagerduty", ["run"])
"""


@pytest.fixture(scope="module")
def many_actions(tmp_path_factory):
    return synthetic_plugin(tmp_path_factory.mktemp("synthetic"), actions=SYNTHETIC_ACTIONS)


def _imported(root, message) -> tuple[dict, set[str]]:
    """The envelope of a ``run`` of the plugin at ``root``, and the modules it imported."""
    done = subprocess.run([sys.executable, "-c", REPORT, str(root)], input=json.dumps(message),
                          capture_output=True, text=True, timeout=60, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stderr.splitlines()[-1])
    assert report["package"] == str(root / "icon_pagerduty" / "__init__.py")
    return json.loads(done.stdout), set(report["modules"])


def test_a_run_imports_the_same_modules_whatever_the_number_of_actions(sim, connection, many_actions):
    user = sim.state()["users"][0]
    message = {"type": "action_start", "version": "v1", "body": {
        "action": "get_user_by_id", "meta": {}, "connection": connection, "input": {"id": user["id"]}}}
    envelope, real = _imported(ROOT, message)
    assert envelope["body"]["output"]["user"]["id"] == user["id"]
    envelope, synthetic = _imported(many_actions, message)
    assert envelope["body"]["output"]["user"]["id"] == user["id"]
    assert len(list((many_actions / "icon_pagerduty/actions").glob("*/schema.py"))) == SYNTHETIC_ACTIONS
    assert synthetic == real
    actions = sorted(name for name in real if name.startswith("icon_pagerduty.actions"))
    assert actions == [
        "icon_pagerduty.actions",
        "icon_pagerduty.actions.get_user_by_id",
        "icon_pagerduty.actions.get_user_by_id.action",
        "icon_pagerduty.actions.get_user_by_id.schema",
        "icon_pagerduty.actions.rest_action",  # the declarative base it is written on
    ]


# Modules a REST action's run has no use for, each costing a cold start milliseconds: the Events
# client, and the standard library's heavy imports (dataclasses brings inspect, ast and dis).
NOT_FOR_A_REST_RUN = {"icon_pagerduty.client.events", "icon_pagerduty.client.pagination",
                      "icon_pagerduty.client.resolver", "dataclasses", "difflib", "uuid", "signal"}


def test_a_rest_action_run_leaves_out_the_events_client_and_heavy_imports(sim, connection):
    user = sim.state()["users"][0]
    message = {"type": "action_start", "version": "v1", "body": {
        "action": "get_user_by_id", "meta": {}, "connection": connection, "input": {"id": user["id"]}}}
    envelope, modules = _imported(ROOT, message)
    assert envelope["body"]["status"] == "ok"
    assert modules & NOT_FOR_A_REST_RUN == set()


def test_an_event_action_run_loads_the_events_client_when_it_needs_it(sim, connection):
    message = {"type": "action_start", "version": "v1", "body": {
        "action": "send_trigger_event", "meta": {}, "connection": connection,
        "input": {"description": "Disk full on db-1", "incident_key": "import-check-db-1"}}}
    envelope, modules = _imported(ROOT, message)
    assert envelope["body"]["status"] == "ok", envelope
    assert "icon_pagerduty.client.events" in modules
