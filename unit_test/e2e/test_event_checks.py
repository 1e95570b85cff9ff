"""Acknowledge and resolve by incident key: no success that did nothing (issue 16, first part).

In process, through the CLI entry point, against the demo simulator: PDEMO01 (key
``gateway-5xx-rate``) is open on Platform Gateway, and the connection's default service key is
Checkout API's.
"""

from __future__ import annotations

import pytest
import requests

from icon_pagerduty.util import alert_check
from unit_test.e2e import inprocess
from unit_test.e2e.conftest import incidents


@pytest.fixture
def run(monkeypatch, connection, secrets):
    return inprocess.runner(monkeypatch, connection, secrets)


@pytest.fixture(autouse=True)
def short_waits(monkeypatch):
    """The lookups wait for PagerDuty's asynchronous processing; the simulator needs none."""
    monkeypatch.setattr(alert_check, "LOOKUP_WAITS", (0.01,))
    monkeypatch.setattr(alert_check, "CONFIRM_WAITS", (0.01,))


def _enqueued(sim) -> list[dict]:
    return [r["body"] for r in sim.requests() if r["path"] == "/v2/enqueue"]


def _service_id(sim, name: str) -> str:
    return next(s["id"] for s in sim.state()["services"] if s["name"] == name)


def _notes(sim, creds, incident_id: str) -> list[dict]:
    answer = requests.get(f"{sim.url}/incidents/{incident_id}/notes", timeout=10,
                          headers={"Authorization": f"Token token={creds['account_token']}",
                                   "Accept": "application/vnd.pagerduty+json;version=2"})
    return answer.json()["notes"]


@pytest.mark.parametrize("action", ["send_acknowledge_event", "send_resolve_event"])
def test_a_key_of_another_service_fails_naming_the_key_and_sends_nothing(run, sim, service_key, action):
    done = run(action, {"incident_key": "gateway-5xx-rate"})
    assert done.exit_code == 1
    verb = action.split("_")[1]
    assert done.body["exception"]["cause"] == (
        f"Cannot {verb} incident key 'gateway-5xx-rate': the service of service key ****{service_key[-4:]} "
        "has no alert with this key; its incident [#1] Gateway 5xx rate above 5% (PDEMO01) is on the service "
        f"Platform Gateway ({_service_id(sim, 'Platform Gateway')}).")
    assert "give the incident's ID PDEMO01 as the input id" in done.body["exception"]["assistance"]
    assert _enqueued(sim) == []
    assert next(i for i in sim.state()["incidents"] if i["id"] == "PDEMO01")["status"] == "triggered"


def test_the_right_service_key_acknowledges_and_confirms(run, sim, creds):
    gateway = creds["routing_keys"]["Platform Gateway"]
    done = run("send_acknowledge_event", {"incident_key": "gateway-5xx-rate", "service_key": gateway})
    assert (done.output["confirmed"], done.output["incident"]["status"]) == (True, "acknowledged")
    assert "note_added" not in done.output


def test_without_an_api_key_the_output_says_the_event_was_not_confirmed(run, sim, connection):
    conn = {key: value for key, value in connection.items() if key != "api_key"}
    done = run("send_acknowledge_event", {"incident_key": "gateway-5xx-rate", "description": "Looking"}, conn)
    assert done.output == {"status": "success", "message": "Event processed",
                           "incident_key": "gateway-5xx-rate", "confirmed": False, "note_added": False}
    log = done.body["log"]
    assert "without an API key in the connection the plugin cannot confirm it had an effect" in log
    assert "The description and details were not recorded" in log
    assert len(_enqueued(sim)) == 1
    resolved = run("send_resolve_event", {"incident_key": "gateway-5xx-rate"}, conn)
    assert "already_resolved" not in resolved.output and resolved.output["confirmed"] is False


def test_a_change_that_does_not_show_in_time_is_reported_unconfirmed(run, sim):
    run("send_trigger_event", {"description": "Disk full", "incident_key": "slow-1"})
    sim.settings.update({"events_delay": 60.0})
    done = run("send_acknowledge_event", {"incident_key": "slow-1"})
    assert done.exit_code == 0 and done.output["confirmed"] is False
    assert done.output["incident"]["status"] == "triggered"
    assert "was still triggered a few seconds later; check it in PagerDuty" in done.body["log"]


def test_description_and_details_become_one_note_by_the_requester(run, sim, creds):
    run("send_trigger_event", {"description": "Disk full", "incident_key": "note-1"})
    done = run("send_acknowledge_event", {"incident_key": "note-1", "description": "Looking",
                                          "details": {"ticket": "OPS-1"}})
    assert done.output["note_added"] is True
    (incident,) = incidents(sim)
    (note,) = _notes(sim, creds, incident["id"])
    assert note["content"] == 'Looking\nDetails: {"ticket": "OPS-1"}'
    assert note["user"]["summary"] == "Ada Admin"  # the connection's from_email


def test_a_rerun_resolve_succeeds_and_adds_its_note_once(run, sim, creds):
    run("send_trigger_event", {"description": "Disk full", "incident_key": "rerun-1"})
    first = run("send_resolve_event", {"incident_key": "rerun-1", "description": "Rotated logs"})
    again = run("send_resolve_event", {"incident_key": "rerun-1", "description": "Rotated logs"})
    assert (first.output["already_resolved"], again.output["already_resolved"]) == (False, True)
    assert again.output["note_added"] is True and again.output["confirmed"] is True
    assert [n["content"] for n in _notes(sim, creds, incidents(sim)[0]["id"])] == ["Rotated logs"]
    assert len(_enqueued(sim)) == 2  # the trigger and the first resolve


def test_a_note_with_an_account_key_and_no_requester_fails_before_any_change(run, sim, connection):
    run("send_trigger_event", {"description": "Disk full", "incident_key": "from-1"})
    conn = {key: value for key, value in connection.items() if key != "from_email"}
    done = run("send_acknowledge_event", {"incident_key": "from-1", "description": "Looking"}, conn)
    assert done.exit_code == 1
    assert "Set the action input `from_email`" in done.body["exception"]["assistance"]
    assert incidents(sim)[0]["status"] == "triggered" and len(_enqueued(sim)) == 1


def test_acknowledging_a_resolved_incident_by_key_fails_saying_so(run, sim):
    run("send_trigger_event", {"description": "Disk full", "incident_key": "done-1"})
    run("send_resolve_event", {"incident_key": "done-1"})
    done = run("send_acknowledge_event", {"incident_key": "done-1"})
    number, incident_id = incidents(sim)[0]["incident_number"], incidents(sim)[0]["id"]
    assert done.body["exception"]["cause"] == (
        f"Cannot acknowledge incident key 'done-1': its incident [#{number}] Disk full ({incident_id}) is "
        "already resolved.")


def test_an_incident_made_through_rest_cannot_be_changed_by_event_and_the_error_says_use_id(run, sim):
    service = {"id": _service_id(sim, "Checkout API")}
    made = run("send_trigger_event", {"title": "By hand", "service": service, "incident_key": "hand-1"})
    done = run("send_acknowledge_event", {"incident_key": "hand-1"})
    incident_id = made.output["incident"]["id"]
    assert done.body["exception"]["assistance"] == (
        f"Give the incident's ID {incident_id} as the input id to acknowledge it through the REST API.")
    assert run("send_acknowledge_event", {"id": incident_id}).output["confirmed"] is True


def test_neither_key_nor_id_names_both_inputs(run, sim):
    done = run("send_resolve_event", {"description": "x"})
    assert done.body["exception"]["cause"] == (
        "Give the input incident_key (the key its trigger returned) or id (the incident's ID) to resolve an "
        "incident; both are empty.")


def test_an_action_that_needs_the_rest_api_names_the_missing_api_key(run, connection):
    conn = {key: value for key, value in connection.items() if key != "api_key"}
    done = run("get_user_by_id", {"id": "PXPGF42"}, conn)
    cause = done.body["exception"]["cause"]
    assert cause == "This needs PagerDuty's REST API, and the connection has no API key."
    assert "Set the connection field api_key" in done.body["exception"]["assistance"]


@pytest.mark.parametrize(("fields", "ok"), [(("service_key", "events_url"), True), (("events_url",), False)],
                         ids=["with-service-key", "nothing-to-use"])
def test_the_connection_test_without_an_api_key_says_what_works(sim, connection, fields, ok):
    from actionkit.runtime import Plugin

    conn = {key: connection[key] for key in fields}
    message = {"type": "connection_test", "version": "v1", "body": {"connection": conn}}
    result = Plugin.load("icon_pagerduty").handle(message, test=True)
    assert result.ok is ok
    if ok:
        assert result.envelope["body"]["output"]["message"].startswith(
            "No API key: only the event actions work, and acknowledge and resolve cannot confirm their "
            "effect.")
    else:
        assert "the connection has no API key" in result.envelope["body"]["error"]
