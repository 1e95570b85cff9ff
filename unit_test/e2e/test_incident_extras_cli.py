"""snooze_incident, merge_incidents, notes, status updates, responders, log entries and alerts through
the CLI, in process, against the simulator: the paths that differ from a plain call, and bad input."""

from __future__ import annotations

import pytest

from unit_test.e2e.incident_cli import Steps, by_id, id_of, requests_to

NO_SUCH = "No incident with id 'PNOPE99' is visible to this API key; check the input `id`."


@pytest.fixture
def step(connection, monkeypatch, secrets):
    return Steps(connection, monkeypatch, secrets)


def test_snoozing_a_triggered_incident_says_to_acknowledge_it_first(step, sim):
    exc = step("snooze_incident", {"id": "1"}).exception
    assert exc["cause"] == ("POST /incidents/PDEMO01/snooze: PagerDuty rejected the request: Incident is "
                            "not Acknowledged: Only an acknowledged incident can be snoozed; this one is "
                            "triggered (400 Bad Request, code 1012)")
    assert exc["assistance"] == ("PagerDuty snoozes only an acknowledged incident. Acknowledge it first "
                                 "(update_incident with status acknowledged), then snooze it.")


def test_snooze_defaults_to_an_hour_and_checks_the_bounds_before_sending(step, sim):
    step("snooze_incident", {"id": "PDEMO02"})
    (post,) = requests_to(sim, "POST", "/incidents/PDEMO02/snooze")
    assert post["body"] == {"duration": 3600}
    exc = step("snooze_incident", {"id": "PDEMO02", "duration": 604801}).exception
    assert "input.duration" in exc["cause"]
    assert len(requests_to(sim, "POST", "/incidents")) == 1


def test_merge_by_numbers_resolves_the_sources_and_moves_their_alerts(step, sim):
    opened = step("create_incident", {"title": "Gateway latency", "service": "Platform Gateway"}).output
    out = step("merge_incidents", {"id": "#1", "source_ids": [str(opened["incident"]["incident_number"]),
                                                               "PDEMO02", "2"]}).output
    assert out["incident"]["id"] == "PDEMO01" and out["incident"]["alert_counts"]["all"] == 3
    (put,) = requests_to(sim, "PUT", "/incidents/PDEMO01/merge")
    assert put["body"] == {"source_incidents": [
        {"id": opened["incident"]["id"], "type": "incident_reference"},
        {"id": "PDEMO02", "type": "incident_reference"},
    ]}
    assert by_id(sim)[opened["incident"]["id"]]["status"] == "resolved"


@pytest.mark.parametrize(
    ("inp", "cause"),
    [
        ({"id": "PDEMO01", "source_ids": ["1"]},
         "The input `source_ids[0]` ('1') is the incident that stays (`id`); an incident cannot be merged "
         "into itself."),
        ({"id": "PDEMO01", "source_ids": ["PDEMO02", "999"]},
         "GET /incidents/999: PagerDuty answered 404 Not Found (code 2100): Not Found"),
        ({"id": "PDEMO01", "source_ids": []},
         "The input `source_ids` is empty; give the incidents to merge into `id`."),
    ],
    ids=["into-itself", "unknown-number", "empty"],
)
def test_bad_merges_send_no_merge(step, sim, inp, cause):
    exc = step("merge_incidents", inp).exception
    assert exc["cause"] == cause
    if "999" in inp["source_ids"]:
        assert exc["assistance"].endswith("check the input `source_ids[1]`.")
    assert requests_to(sim, "PUT", "/incidents") == []


def test_a_source_merged_before_is_explained(step, sim):
    step("merge_incidents", {"id": "PDEMO01", "source_ids": ["PDEMO02"]})
    opened = step("create_incident", {"title": "Other", "service": "Platform Gateway"}).output["incident"]
    exc = step("merge_incidents", {"id": opened["id"], "source_ids": ["PDEMO02"]}).exception
    assert "code 1019" in exc["cause"]
    assert exc["assistance"] == ("A source was merged into another incident before; leave it out of "
                                 "`source_ids`.")


def test_note_and_status_update_on_unknown_incidents_name_the_input(step, sim):
    exc = step("add_note", {"id": "PNOPE99", "content": "x"}).exception
    assert exc["assistance"] == NO_SUCH
    exc = step("create_status_update", {"id": "4040", "message": "x"}).exception
    assert exc["assistance"] == NO_SUCH.replace("id 'PNOPE99'", "number 4040")
    assert "input.content" in step("add_note", {"id": "PDEMO01"}).exception["cause"]


def test_status_update_is_sent_unwrapped_with_the_requester(step, sim, creds):
    step("create_status_update", {"id": "2", "message": "Renewal scheduled for 14:00."})
    (post,) = requests_to(sim, "POST", "/incidents/PDEMO02/status_updates")
    assert post["body"] == {"message": "Renewal scheduled for 14:00."}
    assert post["headers"]["from"] == creds["from_email"]


def test_responders_from_a_policy_and_a_user_key_requester(step, sim, connection, creds):
    user_key = {**connection, "api_key": {"secretKey": creds["user_token"]}}
    del user_key["from_email"]
    out = step("add_responders", {"id": "1", "escalation_policies": ["Platform Escalation"],
                                  "message": "Join the bridge"}, user_key).output
    assert out["responder_request"]["requester"]["id"] == id_of(sim, "users", "Ada Admin")  # the key's user
    (post,) = requests_to(sim, "POST", "/incidents/PDEMO01/responder_requests")
    policy = id_of(sim, "escalation_policies", "Platform Escalation")
    assert post["body"]["responder_request_targets"] == [
        {"responder_request_target": {"id": policy, "type": "escalation_policy_reference"}}]


@pytest.mark.parametrize(
    ("inp", "cause"),
    [
        ({"id": "PDEMO01", "message": "help"},
         "Give the users or escalation_policies to ask; both inputs are empty."),
        ({"id": "PDEMO01", "message": "help", "users": ["ghost@example.com"]},
         "No user with email 'ghost@example.com' (input `users[0]`) is visible to this API key."),
        ({"id": "PDEMO01", "users": ["uma.user@example.com"]}, "input.message"),
    ],
    ids=["no-targets", "unknown-user", "no-message"],
)
def test_bad_responder_requests_send_nothing(step, sim, inp, cause):
    exc = step("add_responders", inp).exception
    assert cause in exc["cause"]
    assert requests_to(sim, "POST", "/incidents") == []


def test_responders_with_an_account_key_and_no_requester_name_the_input(step, sim, connection):
    del connection["from_email"]
    exc = step("add_responders", {"id": "PDEMO01", "users": ["uma.user@example.com"], "message": "help"},
               connection).exception
    assert exc["assistance"] == "Set the input `requester` to the email or ID of a PagerDuty user."


def test_responders_without_the_ability_are_explained(step, sim):
    sim.settings.update({"abilities": ["teams"]})
    exc = step("add_responders", {"id": "1", "users": ["uma.user@example.com"], "message": "help"}).exception
    assert "402" in exc["cause"]
    assert exc["assistance"] == "The PagerDuty account's plan lacks the feature (ability) this needs."


def test_account_log_entries_in_a_window_with_includes(step, sim):
    incident = by_id(sim)["PDEMO01"]
    out = step("list_log_entries", {"since": incident["created_at"], "include": ["services"]}).output
    assert out["log_entries"] and all(e["created_at"] >= incident["created_at"] for e in out["log_entries"])
    assert out["log_entries"][0]["service"]["type"] == "service"  # given in full
    (get,) = requests_to(sim, "GET", "/log_entries")
    assert get["query"]["include[]"] == ["services"]


def test_log_entries_and_alerts_of_an_unknown_incident_name_the_input(step, sim):
    assert step("list_log_entries", {"id": "PNOPE99"}).exception["assistance"] == NO_SUCH
    assert step("list_alerts", {"id": "PNOPE99"}).exception["assistance"] == NO_SUCH
    assert "input.statuses" in step("list_alerts", {"id": "1", "statuses": ["open"]}).exception["cause"]
