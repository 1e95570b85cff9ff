"""On-call actions (issue 12) through the CLI entry point, in process, against the demo simulator:
on call now versus members, names for IDs, and every bad input or refusal explained.

The happy paths are the golden messages (``messages/<action>.json``); these are the rest.
"""

from __future__ import annotations

from typing import Any

import pytest

from unit_test.e2e import golden


class Result:
    def __init__(self, run: golden.Run):
        self.run = run
        self.body = run.envelope["body"]

    @property
    def output(self) -> dict[str, Any]:
        assert self.body["status"] == "ok", self.body.get("error")
        return self.body["output"]

    @property
    def cause(self) -> str:
        assert self.run.exit_code == 1, self.body
        return self.body["exception"]["cause"]

    @property
    def assistance(self) -> str:
        assert self.run.exit_code == 1, self.body
        return self.body["exception"]["assistance"]


@pytest.fixture
def act(connection, monkeypatch, secrets):
    """Run one action through the CLI in process: ``act(name, **inputs)``."""

    def run(action: str, **inp: Any) -> Result:
        message = {"type": "action_start", "version": "v1",
                   "body": {"action": action, "meta": {}, "connection": connection, "input": inp}}
        done = golden.cli_in_process(message, monkeypatch)
        for secret in secrets:
            assert secret not in done.stdout and secret not in done.stderr, "a secret was printed"
        return Result(done)

    return run


def sim_get(sim, path: str, **params: Any) -> Any:
    """A GET straight to the simulator, as ground truth."""
    import requests

    creds = sim.credentials()
    headers = {"Authorization": f"Token token={creds['account_token']}",
               "Accept": "application/vnd.pagerduty+json;version=2"}
    return requests.get(sim.url + path, params=params, headers=headers, timeout=10).json()


def schedule_id(sim, name: str) -> str:
    return next(s["id"] for s in sim.state()["schedules"] if s["name"] == name)


LAYER = {"start": "2024-05-06T09:00:00Z", "rotation_turn_length_seconds": 86400,
         "users": ["uma.user@example.com", "ulf.user@example.com"]}


# -- on call now, not the members -----------------------------------------------------------------


def test_get_on_call_gives_who_is_on_call_now_not_every_member(act, sim):
    schedule = schedule_id(sim, "Database On-Call")
    truth = sim_get(sim, "/oncalls", **{"schedule_ids[]": schedule})["oncalls"]
    users = act("get_on_call", schedule_id=schedule).output["users"]
    assert [u["id"] for u in users] == [truth[0]["user"]["id"]]
    members = act("list_schedule_users", schedule="Database On-Call").output["users"]
    assert sorted(u["name"] for u in members) == ["Ada Admin", "Arun Admin", "Uma User"]


def test_get_on_call_follows_an_override_made_now(act, sim):
    act("create_override", schedule="Platform Primary", user="Rita Restricted",
        start="2020-01-01T00:00:00Z", end="2099-01-01T00:00:00Z")
    users = act("get_on_call", schedule_id="platform primary").output["users"]
    assert [u["email"] for u in users] == ["rita.restricted@example.com"]


def test_get_on_call_with_nobody_on_call_is_an_empty_list_and_a_warning(act):
    weekends = {**LAYER, "restrictions": [{"type": "weekly_restriction", "start_day_of_week": 6,
                                           "start_time_of_day": "00:00:00", "duration_seconds": 1}]}
    act("create_schedule", name="Almost Never", time_zone="UTC", layers=[weekends])
    result = act("get_on_call", schedule_id="Almost Never")
    assert result.output == {"users": []}
    assert "Nobody is on call on schedule" in result.body["log"]


# -- names for IDs --------------------------------------------------------------------------------


def test_an_unknown_schedule_name_is_an_error_naming_the_input(act, sim):
    result = act("get_on_call", schedule_id="Databse On-Call")
    assert result.cause == (
        "No schedule named 'Databse On-Call' (input `schedule_id`) is visible to this API key.")
    assert not any(r["path"].endswith("/users") for r in sim.requests())


def test_an_ambiguous_schedule_name_lists_the_candidates(act):
    first = act("create_schedule", name="Night Cover", time_zone="UTC", layers=[LAYER]).output["schedule"]
    second = act("create_schedule", name="night cover", time_zone="UTC", layers=[LAYER]).output["schedule"]
    result = act("get_schedule", id="NIGHT COVER")
    assert result.cause.startswith("2 schedules match 'NIGHT COVER' (input `id`): ")
    assert first["id"] in result.cause and second["id"] in result.cause
    assert result.assistance == "Set `id` to the ID of the one you mean."


def test_an_unknown_schedule_id_names_the_input(act):
    result = act("get_schedule", id="PNOPE12")
    expected = "No schedule with id 'PNOPE12' is visible to this API key; check the input `id`."
    assert expected in result.body["error"]


def test_a_user_not_in_the_account_is_an_error_naming_the_input(act, sim):
    result = act("create_override", schedule="Platform Primary", user="ghost@example.com",
                 start="2024-05-06T20:00:00Z", end="2024-05-07T08:00:00Z")
    assert result.cause.startswith("No user with email 'ghost@example.com' (input `user`)")
    assert not any(r["method"] == "POST" for r in sim.requests())


def test_a_nested_user_is_resolved_and_an_unknown_one_named_by_its_place(act, sim):
    layer = {**LAYER, "users": ["uma.user@example.com", "Nobody Here"]}
    result = act("create_schedule", name="Bad", time_zone="UTC", layers=[LAYER, layer])
    assert result.cause.startswith("No user named 'Nobody Here' (input `layers[1].users[1]`)")
    assert "Bad" not in [s["name"] for s in sim.state()["schedules"]]


# -- bad input, checked before anything is sent ----------------------------------------------------


@pytest.mark.parametrize(
    "action,inp,cause",
    [
        ("create_override",
         {"schedule": "Platform Primary", "user": "uma.user@example.com",
          "start": "2024-05-07T08:00:00Z", "end": "2024-05-06T20:00:00Z"},
         "The input `end` (2024-05-06T20:00:00Z) is not after `start` (2024-05-07T08:00:00Z)."),
        ("list_on_calls", {"since": "2024-05-07T00:00:00Z", "until": "2024-05-06T00:00:00Z"},
         "The input `until` (2024-05-06T00:00:00Z) is not after `since` (2024-05-07T00:00:00Z)."),
        ("create_schedule",
         {"name": "X", "time_zone": "UTC", "layers": [{**LAYER, "end": "2024-05-01T00:00:00Z"}]},
         "The input `layers[0].end` (2024-05-01T00:00:00Z) is not after `layers[0].start` "
         "(2024-05-06T09:00:00Z)."),
        ("create_escalation_policy",
         {"name": "X", "rules": [{"escalation_delay_in_minutes": 5}]},
         "The input `rules[0]` has no target; give it `users` or `schedules` (or both)."),
        ("update_schedule", {"id": "Platform Primary"},
         "Nothing to change: give at least one of the inputs `name`, `time_zone`, `description`, `layers`."),
        ("update_escalation_policy", {"id": "Platform Escalation"},
         "Nothing to change: give at least one of the inputs `name`, `description`, `num_loops`, `teams`, "
         "`rules`."),
    ],
    ids=["override-end-before-start", "window-backwards", "layer-end-before-start", "rule-without-target",
         "schedule-nothing-to-change", "policy-nothing-to-change"],
)
def test_bad_input_is_refused_naming_it(act, sim, action, inp, cause):
    result = act(action, **inp)
    assert result.cause == cause
    assert not any(r["method"] in ("POST", "PUT", "DELETE") for r in sim.requests())


@pytest.mark.parametrize(
    "action,inp,missing",
    [
        ("create_override", {"schedule": "Platform Primary", "user": "uma.user@example.com",
                             "start": "2024-05-06T20:00:00Z"}, "end"),
        ("create_schedule", {"name": "X", "layers": [LAYER]}, "time_zone"),
        ("create_escalation_policy", {"name": "X"}, "rules"),
    ],
    ids=["override-end", "schedule-zone", "policy-rules"],
)
def test_a_missing_required_input_is_named(act, sim, action, inp, missing):
    result = act(action, **inp)
    assert missing in result.cause and result.run.exit_code == 1
    assert sim.requests() == []


def test_a_date_that_is_not_iso_8601_is_named(act, sim):
    result = act("list_on_calls", since="next tuesday")
    assert "since" in result.cause and result.run.exit_code == 1
    assert sim.requests() == []


# -- PagerDuty's refusals, explained ---------------------------------------------------------------


def test_deleting_a_policy_used_by_services_is_refused_and_explained(act, sim):
    result = act("delete_escalation_policy", id="Platform Escalation")
    assert result.cause.startswith("DELETE /escalation_policies/")
    assert "Checkout API" in result.assistance and "Platform Gateway" in result.assistance
    assert "Move those services to another escalation policy first" in result.assistance
    assert "Platform Escalation" in [p["name"] for p in sim.state()["escalation_policies"]]


def test_deleting_a_schedule_a_policy_uses_is_refused_and_explained(act, sim):
    result = act("delete_schedule", id="Database On-Call")
    assert "Schedule can't be deleted if it's being used by escalation policies" in result.cause
    assert "used by Database Escalation (" in result.assistance
    assert "update_escalation_policy" in result.assistance


def test_pagerduty_refusing_a_time_zone_is_reported_with_its_reason(act):
    result = act("create_schedule", name="Mars", time_zone="Mars/Olympus", layers=[LAYER])
    assert result.cause.startswith("POST /schedules: PagerDuty rejected the request")
    assert "Time zone 'Mars/Olympus' is not a time zone" in result.cause


def test_an_override_that_has_ended_is_not_deleted(act):
    past = act("create_override", schedule="Platform Primary", user="uma.user@example.com",
               start="2024-05-06T20:00:00Z", end="2024-05-07T08:00:00Z").output["override"]
    result = act("delete_override", schedule="Platform Primary", id=past["id"])
    assert "past overrides cannot be deleted" in result.cause
    assert "only a future override is removed" in result.assistance


def test_an_override_in_progress_is_ended_now(act, sim):
    current = act("create_override", schedule="Platform Primary", user="uma.user@example.com",
                  start="2024-05-06T20:00:00Z", end="2099-05-07T08:00:00Z").output["override"]
    done = act("delete_override", schedule="Platform Primary", id=current["id"]).output
    assert done == {"success": True, "truncated": True}
    (kept,) = [o for o in sim.state()["overrides"] if o["id"] == current["id"]]
    assert kept["end"] < "2099"


def test_an_unknown_override_names_both_inputs(act):
    result = act("delete_override", schedule="Platform Primary", id="Q0NOPE0NOPE0NO")
    assert "No override 'Q0NOPE0NOPE0NO' on schedule" in result.assistance


# -- changes that keep what they do not touch -----------------------------------------------------


def test_update_schedule_keeps_the_layers_when_it_only_renames(act, sim):
    before = act("get_schedule", id="Database On-Call", since="2024-05-06T00:00:00Z").output["schedule"]
    act("update_schedule", id="Database On-Call", name="Database Primary")
    after = act("get_schedule", id="Database Primary", since="2024-05-06T00:00:00Z").output["schedule"]
    assert after["final_schedule"] == before["final_schedule"]
    assert [x["id"] for x in after["schedule_layers"]] == [x["id"] for x in before["schedule_layers"]]


def test_update_schedule_with_layers_ends_the_old_ones(act):
    layer = {"start": "2024-05-06T09:00:00Z", "rotation_turn_length_seconds": 604800,
             "users": ["Lee Limited"], "name": "Weekly"}
    updated = act("update_schedule", id="Platform Primary", layers=[layer]).output["schedule"]
    names = [(x["name"], "end" in x) for x in updated["schedule_layers"]]
    assert names == [("Weekly rotation", True), ("Weekly", False)]


def test_update_escalation_policy_changes_only_what_is_given(act, sim):
    before = act("get_escalation_policy", id="Platform Escalation").output["escalation_policy"]
    after = act("update_escalation_policy", id="Platform Escalation",
                description="Primary, then the SRE lead").output["escalation_policy"]
    assert after["description"] == "Primary, then the SRE lead"
    assert after["escalation_rules"] == before["escalation_rules"]
    assert after["num_loops"] == before["num_loops"]
