"""A long listing writes progress lines to the step log, at most one a second (issue 11)."""

from __future__ import annotations

from icon_pagerduty.actions import rest_action
from unit_test.e2e import golden


def _list_users(connection, monkeypatch):
    message = {"type": "action_start", "version": "v1",
               "body": {"action": "list_users", "meta": {}, "connection": connection, "input": {}}}
    return golden.cli_in_process(message, monkeypatch)


def test_a_listing_that_runs_past_the_interval_says_how_far_it_got(connection, monkeypatch):
    monkeypatch.setattr(rest_action, "PROGRESS_EVERY", 0.0)  # as if each item took a second
    run = _list_users(connection, monkeypatch)
    assert run.envelope["body"]["status"] == "ok"
    assert "/users: 3 users so far" in run.envelope["body"]["log"]


def test_a_quick_listing_writes_no_progress_line(connection, monkeypatch):
    run = _list_users(connection, monkeypatch)
    assert "so far" not in run.envelope["body"]["log"]
