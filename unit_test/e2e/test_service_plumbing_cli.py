"""Extensions, maintenance windows and change events through the CLI (in process) against the
simulator: names resolved, bad inputs refused naming the input, PagerDuty's refusals explained."""

from __future__ import annotations

from unit_test.e2e.conftest import incidents
from unit_test.e2e.services_support import act_fixture, writes  # noqa: F401  (the fixture act)

FEED = {"name": "Incident feed", "extension_schema": "Generic V2 Webhook",
        "endpoint_url": "https://hooks.example.com/pd", "services": ["Checkout API"]}


# -- extensions -----------------------------------------------------------------------------------


def test_an_unknown_extension_schema_label_is_refused_naming_the_input(act, sim):
    step = act("create_extension", {**FEED, "extension_schema": "Generic V9 Webhook"})
    assert step.cause == ("No extension schema with label 'Generic V9 Webhook' (input `extension_schema`) is "
                          "visible to this API key.")
    assert writes(sim) == []


def test_an_extension_schema_id_pagerduty_does_not_know_is_explained(act):
    step = act("create_extension", {**FEED, "extension_schema": "PNOPE12"})
    assert "Extension schema PNOPE12 not found" in step.cause
    assert step.assistance.startswith(
        "The input `extension_schema` must name one of PagerDuty's extension schemas")


def test_a_webhook_without_endpoint_is_explained(act):
    step = act("create_extension", {key: value for key, value in FEED.items() if key != "endpoint_url"})
    assert "Endpoint url can't be blank" in step.cause
    assert step.assistance.startswith("Set the input `endpoint_url`")


def test_an_ambiguous_extension_name_lists_the_candidates(act, sim):
    first = act("create_extension", FEED).output["extension"]["id"]
    second = act("create_extension", FEED).output["extension"]["id"]
    step = act("get_extension", {"id": "incident FEED"})
    assert step.cause.startswith("2 extensions match 'incident FEED' (input `id`): ")
    assert first in step.cause and second in step.cause
    assert step.assistance == "Set `id` to the ID of the one you mean."


def test_an_unknown_service_among_several_names_its_position(act, sim):
    step = act("create_extension", {**FEED, "services": ["Checkout API", "Billing"]})
    assert step.cause == "No service named 'Billing' (input `services[1]`) is visible to this API key."
    assert writes(sim) == []


def test_a_deleted_extension_is_gone(act, sim):
    assert act("delete_extension", {"id": "Deploy notifier"}).output == {"success": True}
    assert sim.state()["extensions"] == []
    assert "No extension named 'Deploy notifier'" in act("get_extension", {"id": "Deploy notifier"}).cause


# -- maintenance windows --------------------------------------------------------------------------


def test_a_window_that_ends_before_it_starts_is_refused_naming_end(act, sim):
    step = act("create_maintenance_window", {"services": ["Checkout API"], "start": "2099-05-01T21:00:00Z",
                                             "end": "2099-05-01T22:00:00+02:00"})
    assert step.cause == ("The input `end` (2099-05-01T22:00:00+02:00) is not after the start "
                          "(2099-05-01T21:00:00Z); a maintenance window must end after it starts.")
    assert writes(sim) == []


def test_end_and_duration_are_one_or_the_other(act, sim):
    both = act("create_maintenance_window", {"services": ["Checkout API"], "end": "2099-01-01T00:00:00Z",
                                             "duration": 5})
    neither = act("create_maintenance_window", {"services": ["Checkout API"]})
    assert both.cause == "Give exactly one of the inputs `end` and `duration`; both were given."
    assert neither.cause == "Give exactly one of the inputs `end` and `duration`; neither was given."
    assert writes(sim) == []


def test_a_window_over_already_is_explained(act):
    step = act("create_maintenance_window", {"services": ["Checkout API"], "start": "2020-01-01T00:00:00Z",
                                             "end": "2020-01-01T01:00:00Z"})
    assert "End time must be in the future" in step.cause
    assert step.assistance.startswith("The window would be over already: set `end`")


def test_an_account_key_without_requester_names_from_email(act, connection, sim):
    step = act("create_maintenance_window", {"services": ["Checkout API"], "duration": 30},
               {k: v for k, v in connection.items() if k != "from_email"})
    assert "`from_email`" in step.assistance
    assert writes(sim) == []


def test_a_service_in_maintenance_opens_no_incident_until_the_window_ends(act, sim):
    window = act("create_maintenance_window", {"services": ["Checkout API"], "duration": 30}).output
    act("send_trigger_event", {"description": "during the deploy", "incident_key": "deploy-1"})
    assert incidents(sim) == []
    ended = act("delete_maintenance_window", {"id": window["maintenance_window"]["id"]}).output
    assert ended["outcome"] == "ended"
    act("send_trigger_event", {"description": "after the deploy", "incident_key": "deploy-2"})
    assert [i["title"] for i in incidents(sim)] == ["after the deploy"]
    again = act("delete_maintenance_window", {"id": window["maintenance_window"]["id"]})
    assert again.output["outcome"] == "already_ended"  # a re-run succeeds


def test_deleting_an_unknown_window_names_the_input(act):
    step = act("delete_maintenance_window", {"id": "PNOPE12"})
    assert "answered 404" in step.cause
    assert step.assistance.startswith("No maintenance window with ID 'PNOPE12'")


# -- change events --------------------------------------------------------------------------------


def test_change_events_list_newest_first_without_routing_keys(act, sim, service_key):
    for summary, stamp in (("first", "2024-05-02T10:00:00Z"), ("second", "2024-05-02T12:00:00+01:00")):
        act("send_change_event", {"summary": summary, "timestamp": stamp})
    listed = act("list_change_events", {"services": ["Checkout API"]}).output["change_events"]
    assert [(e["summary"], e["timestamp"]) for e in listed] == [
        ("second", "2024-05-02T11:00:00Z"), ("first", "2024-05-02T10:00:00Z")]
    assert all("routing_key" not in e for e in listed)


def test_local_times_are_sent_in_utc(act, sim):
    act("list_change_events", {"since": "2024-05-01T00:00:00+02:00", "until": "2024-05-02"})
    (get,) = [r for r in sim.requests() if r["path"] == "/change_events"]
    assert get["query"]["since"] == ["2024-04-30T22:00:00Z"]
    assert get["query"]["until"] == ["2024-05-02T00:00:00Z"]


def test_an_empty_period_is_refused_naming_until(act, sim):
    step = act("list_change_events", {"since": "2024-05-02T00:00:00Z", "until": "2024-05-01T00:00:00Z"})
    assert step.cause.startswith("The input `until` (2024-05-01T00:00:00Z) is not after `since`")
    assert sim.requests() == []


def test_no_routing_key_anywhere_names_the_input(act, connection, sim):
    without_default = {k: v for k, v in connection.items() if k != "service_key"}
    step = act("send_change_event", {"summary": "deploy"}, without_default)
    assert step.cause.startswith("No routing key: the input `routing_key` is empty")
    assert sim.requests() == []


def test_a_malformed_routing_key_is_named_by_this_action_input(act, sim):
    step = act("send_change_event", {"summary": "deploy", "routing_key": "short-key"})
    assert step.cause.startswith("The input `routing_key` must be the 32-character integration key")
    assert "short-key" not in step.stdout and sim.requests() == []


def test_an_unknown_routing_key_is_explained(act, sim):
    step = act("send_change_event", {"summary": "deploy", "routing_key": "0" * 32})
    assert "Invalid routing key" in step.cause
    assert step.assistance.startswith("PagerDuty refused the change event")


def test_a_link_without_href_names_its_position(act, sim):
    links = [{"href": "https://x.example.com"}, {"text": "x"}]
    step = act("send_change_event", {"summary": "deploy", "links": links})
    assert step.cause.startswith("The link links[1] has no href")
    assert sim.requests() == []


def test_moments_past_what_a_date_holds_name_the_input(act, sim):
    far = act("create_maintenance_window", {"services": ["Checkout API"], "duration": 10**13})
    early = act("list_change_events", {"since": "0001-01-01T00:30:00+01:00"})
    assert far.cause == "The input `duration` (10000000000000 minutes) ends the window past the year 9999."
    assert early.cause.startswith("The input `since` (0001-01-01T00:30:00+01:00) is not a usable date-time")
    assert writes(sim) == [] and not any(r["path"] == "/change_events" for r in sim.requests())
