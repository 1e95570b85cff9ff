"""help.md's Troubleshooting: each case quotes an error a person sees, and here each is produced for
real, against the simulator through the dispatch core, so the quoted text cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from actionkit.testing import PluginHarness
from unit_test.e2e.conftest import incidents

ROOT = Path(__file__).resolve().parents[2]
CASES = yaml.safe_load((ROOT / "plugin.spec.yaml").read_text(encoding="utf-8"))["troubleshooting"]
QUOTED = [re.match(r"``(.+?)``: \S", case)[1] for case in CASES]
NEW = {"email": "nia.new@example.com", "name": "Nia New"}


def _error(connection: dict[str, Any], action: str, inp: dict[str, Any]) -> str:
    result = PluginHarness("icon_pagerduty", connection=connection).handle(action, inp)
    assert result.envelope["body"]["status"] == "error", result.envelope["body"]
    return result.envelope["body"]["error"]


def _without(connection: dict[str, Any], field: str) -> dict[str, Any]:
    return {key: value for key, value in connection.items() if key != field}


def _delete_assignee(connection, sim) -> str:
    PluginHarness("icon_pagerduty", connection=connection).handle("send_trigger_event", {"description": "x"})
    assignee = incidents(sim)[0]["assignments"][0]["assignee"]["id"]
    return _error(connection, "delete_user_by_id", {"id": assignee})


def _slow(connection, sim) -> str:
    sim.add_fault(method="GET", path="/users/*", delay=3)
    return _error({**connection, "step_timeout": 1}, "get_user_by_id", {"id": "PXPGF42"})


SCENARIOS = {
    "PagerDuty answered 401 Unauthorized (code 2006)": lambda c, s, creds: _error(
        {**c, "api_key": {"secretKey": "y_Nab3+Qk-7XbW2mT9cR"}}, "get_user_by_id", {"id": "PXPGF42"}),
    "This API key is account-level, so PagerDuty needs the email": lambda c, s, creds: _error(
        _without(c, "from_email"), "create_user", NEW),
    "can only read, so the key is read-only.": lambda c, s, creds: _error(
        {**c, "api_key": {"secretKey": creds["observer_token"]}}, "create_user", NEW),
    "No service key: the action input service_key is empty": lambda c, s, creds: _error(
        _without(c, "service_key"), "send_trigger_event", {"description": "x"}),
    "Invalid routing key": lambda c, s, creds: _error(
        c, "send_trigger_event", {"description": "x", "service_key": "0123456789abcdef0123456789abcdef"}),
    "must be the 32-character integration key": lambda c, s, creds: _error(
        c, "send_trigger_event", {"description": "x", "service_key": "y_Nab3+Qk-7XbW2mT9cR"}),
    "connection.api_key: expected an object of the form": lambda c, s, creds: _error(
        {**c, "api_key": "y_Nab3+Qk-7XbW2mT9cR"}, "get_user_by_id", {"id": "PXPGF42"}),
    "must be the base URL of the API, without the path": lambda c, s, creds: _error(
        {**c, "api_url": "https://api.pagerduty.com/v2"}, "get_user_by_id", {"id": "PXPGF42"}),
    "names a host that is not PagerDuty's": lambda c, s, creds: _error(
        {**c, "api_url": "https://pagerduty.example.com"}, "get_user_by_id", {"id": "PXPGF42"}),
    "cannot connect to api_url": lambda c, s, creds: _error(
        {**c, "api_url": "http://127.0.0.1:9", "step_timeout": 2}, "get_user_by_id", {"id": "PXPGF42"}),
    "the step ran out of time (step_timeout": lambda c, s, creds: _slow(c, s),
    "exists already:": lambda c, s, creds: _error(c, "create_user", {**NEW, "email": creds["from_email"]}),
    "PagerDuty refuses to delete a user who has open incidents": lambda c, s, creds: _delete_assignee(c, s),
    "is not a valid email address": lambda c, s, creds: _error(c, "create_user", {**NEW, "email": "n/a"}),
    "unknown input '": lambda c, s, creds: _error(c, "get_user_by_id", {"id": "PXPGF42", "user": "x"}),
}


def test_troubleshooting_holds_at_least_ten_cases_each_with_a_scenario():
    assert len(QUOTED) >= 10
    matched = [next((start for start in SCENARIOS if quoted.startswith(start)), quoted) for quoted in QUOTED]
    assert matched == list(SCENARIOS)


@pytest.mark.parametrize("quoted", QUOTED, ids=[text[:40] for text in QUOTED])
def test_each_quoted_error_is_what_the_plugin_says(quoted, connection, sim, creds):
    scenario = next(run for start, run in SCENARIOS.items() if quoted.startswith(start))
    assert quoted in scenario(connection, sim, creds)
