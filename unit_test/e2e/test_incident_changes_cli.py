"""update_incident and manage_incidents through the CLI, in process, against the simulator: what
changes, what already was so, what PagerDuty refuses, and one result per incident in bulk."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from icon_pagerduty.actions.manage_incidents import action as manage
from pagerduty_sim.incident_seed import load_incidents
from unit_test.e2e.incident_cli import Steps, by_id, id_of, requests_to

NO_4321 = "No incident with number 4321 is visible to this API key; check the input `id`."
FORWARD = ("PagerDuty moves an incident forward only: triggered -> acknowledged -> resolved "
           "(or triggered -> resolved).")


@pytest.fixture
def step(connection, monkeypatch, secrets):
    return Steps(connection, monkeypatch, secrets)


# -- update_incident ------------------------------------------------------------------------------


def test_acknowledge_by_number_sends_only_the_change(step, sim):
    out = step("update_incident", {"id": "1", "status": "acknowledged", "title": "Gateway 5xx rate above 5%",
                                   "urgency": "high", "priority": "P1"}).output
    assert out["changed"] is True and out["incident"]["status"] == "acknowledged"
    (put,) = requests_to(sim, "PUT", "/incidents/")
    assert put["path"] == "/incidents/PDEMO01"  # the number became the ID
    assert put["body"] == {"incident": {"type": "incident_reference", "status": "acknowledged"}}


@pytest.mark.parametrize(
    ("ident", "status", "cause"),
    [
        ("PDEMO03", "acknowledged", f"Cannot set incident #3 to acknowledged: it is resolved, and {FORWARD}"),
        ("PDEMO02", "triggered",
         "Cannot set incident #2 to triggered: PagerDuty does not move an incident back to triggered."),
        ("PDEMO01", "closed", "Cannot set incident #1 to closed: the input `status` must be acknowledged or "
                              "resolved, not 'closed'."),
    ],
    ids=["resolved-to-acknowledged", "to-triggered", "unknown-status"],
)
def test_moving_backwards_says_which_transitions_pagerduty_allows(step, sim, ident, status, cause):
    exc = step("update_incident", {"id": ident, "status": status}).exception
    assert exc["cause"] == cause
    assert FORWARD in exc["cause"] + " " + exc["assistance"]
    assert requests_to(sim, "PUT", "/incidents") == []


def test_nothing_to_change_is_changed_false_without_a_write(step, sim):
    out = step("update_incident", {"id": "PDEMO02", "status": "acknowledged", "urgency": "low",
                                   "assignees": ["ulf.user@example.com"]}).output
    assert out == {"incident": out["incident"], "changed": False}
    assert requests_to(sim, "PUT", "/incidents") == []


def test_reassign_reprioritise_and_bridge(step, sim):
    out = step("update_incident", {"id": "PDEMO01", "priority": "P3", "conference_url": "https://meet.example.com/new",
                                   "assignees": ["ulf.user@example.com", "Ada.Admin@example.com"]}).output
    incident = by_id(sim)["PDEMO01"]
    assert {a["assignee"]["id"] for a in incident["assignments"]} == {
        id_of(sim, "users", "ulf.user@example.com"), id_of(sim, "users", "ada.admin@example.com")}
    assert incident["priority"]["summary"] == "P3"
    assert out["incident"]["conference_bridge"] == {  # the number kept, the URL changed
        "conference_number": "+1 415-555-0100,,,,1234#", "conference_url": "https://meet.example.com/new"}


def test_escalation_level_pagerduty_refuses_is_explained(step, sim):
    exc = step("update_incident", {"id": "PDEMO01", "escalation_level": 9}).exception
    assert exc["cause"] == ("PUT /incidents/PDEMO01: PagerDuty rejected the request: Cannot Escalate: "
                            "Escalation level must be between 1 and 2 for Platform Escalation "
                            "(400 Bad Request, code 1006)")
    assert exc["assistance"].startswith("PagerDuty refused the values sent")


@pytest.mark.parametrize(
    ("inp", "cause"),
    [
        ({"id": "PDEMO03", "assignees": ["uma.user@example.com"]},
         "Incident #3 is resolved, and PagerDuty escalates and assigns open incidents only; leave out "
         "`assignees`."),
        ({"id": "PDEMO01", "status": "resolved", "escalation_level": 2},
         "Incident #1 is being resolved, and PagerDuty escalates and assigns open incidents only; leave out "
         "`escalation_level`."),
        ({"id": "PDEMO01", "resolution": "Fixed"},
         "The input `resolution` is recorded when resolving: set `status` to resolved too."),
        ({"id": "4321", "status": "resolved"},
         "GET /incidents/4321: PagerDuty answered 404 Not Found (code 2100): Not Found"),
        ({"id": "PDEMO01", "assignees": ["nobody@example.com"]},
         "No user with email 'nobody@example.com' (input `assignees[0]`) is visible to this API key."),
    ],
    ids=["assign-resolved", "escalate-while-resolving", "resolution-alone", "unknown-number", "unknown-user"],
)
def test_bad_updates_name_the_input_and_send_nothing(step, sim, inp, cause):
    exc = step("update_incident", inp).exception
    assert exc["cause"] == cause
    if inp["id"] == "4321":
        assert exc["assistance"] == NO_4321
    assert requests_to(sim, "PUT", "/incidents") == []


# -- manage_incidents -----------------------------------------------------------------------------


def test_bulk_is_chunked_at_250_and_one_bad_id_does_not_hide_the_others(step, sim, monkeypatch):
    monkeypatch.setattr(manage, "PROGRESS_EVERY", 0.0)  # a progress line after every request
    start = datetime.now(timezone.utc) - timedelta(days=2)
    with sim.app.store.lock:
        made = load_incidents(sim.app.store, id_of(sim, "services", "Checkout API"), 300, start,
                              start + timedelta(days=1))
    ids = [*made[:200], "PNOPE99", *made[200:], "PDEMO04"]  # an unknown ID, an incident resolved already
    out = step("manage_incidents", {"ids": ids, "status": "acknowledged", "urgency": "low"}).output
    results = {r["id"]: r for r in out["results"]}
    assert [r["id"] for r in out["results"]] == ids
    assert all(results[i] == {"id": i, "changed": True} for i in made)
    assert results["PNOPE99"]["error"].endswith("Not Found: Incident PNOPE99: Not Found")
    assert "Incident Already Resolved" in results["PDEMO04"]["error"]  # acknowledging it: a move back
    assert [i["id"] for i in out["incidents"]] == made
    assert all(i["status"] == "acknowledged" and i["urgency"] == "low" for i in out["incidents"])
    puts = [len(r["body"]["incidents"]) for r in requests_to(sim, "PUT", "/incidents")]
    # 250 and 52, each refused whole for its bad ID, then halves until the bad one stands alone.
    assert puts[0] == 250 and max(puts) == 250 and 52 in puts
    assert len(puts) <= 2 + 2 * 2 * 8  # two bisections of at most 8 levels (log2 of 250) each
    assert re.search(r"PUT /incidents: \d+ of 302 incidents done \(\d+ requests\)", step.last_log)
    assert "302 incidents: 300 changed, 0 already so, 2 refused" in step.last_log


def test_bulk_already_so_is_changed_false_and_numbers_are_accepted(step, sim):
    out = step("manage_incidents", {"ids": ["3", "PDEMO02", "#1", "77"], "status": "resolved"}).output
    assert out["results"][:3] == [{"id": "3", "changed": False}, {"id": "PDEMO02", "changed": True},
                                  {"id": "#1", "changed": True}]
    assert out["results"][3]["error"].startswith("No incident with number 77 is visible to this API key; "
                                                 "check the input `ids[3]`.")
    assert [i["id"] for i in out["incidents"]] == ["PDEMO03", "PDEMO02", "PDEMO01"]


def test_bulk_that_fails_before_anything_is_done_fails_the_step(step, sim):
    sim.add_fault(method="PUT", path="/incidents", status=401)
    exc = step("manage_incidents", {"ids": ["PDEMO01"], "urgency": "low"}).exception
    assert exc["cause"].startswith("PUT /incidents: PagerDuty answered 401")


@pytest.mark.parametrize(
    ("inp", "cause"),
    [
        ({"ids": ["PDEMO01"]}, "Nothing to change: give status, urgency, escalation_level or assignees."),
        ({"ids": ["PDEMO01"], "status": "triggered"},
         "Cannot set an incident to triggered: PagerDuty does not move an incident back to triggered."),
        ({"ids": ["PDEMO01"], "status": "resolved", "escalation_level": 2},
         "PagerDuty escalates and assigns open incidents only; leave out `escalation_level` when resolving."),
        ({"ids": [" "], "urgency": "low"}, "The input `ids` is empty; give the incidents' IDs or numbers."),
    ],
    ids=["nothing", "to-triggered", "escalate-while-resolving", "blank-ids"],
)
def test_bad_bulk_inputs_send_nothing(step, sim, inp, cause):
    assert step("manage_incidents", inp).exception["cause"] == cause
    assert requests_to(sim, "PUT", "/incidents") == []


def test_a_stop_midway_reports_what_was_done_and_what_was_not():
    """A transient failure after a first chunk: those are done, every later one says it was not."""

    class Rest:
        clock = staticmethod(lambda: 0.0)
        calls = 0

        def put(self, path, body, key, from_email=None):
            self.calls += 1
            if self.calls > 1:
                raise manage.PagerDutyError("PUT /incidents: PagerDuty answered 503 Service Unavailable")
            return [{"id": item["id"]} for item in body["incidents"]]

    class Action:
        connection = type("Connection", (), {"rest": Rest()})()
        logger = __import__("logging").getLogger("test")

    bulk = manage.Bulk(Action(), {"urgency": "low"}, None)
    ids = [f"P{n:06d}" for n in range(300)]
    bulk.run(ids)
    assert [bulk.results[i].get("changed") for i in ids[:250]] == [True] * 250
    assert {bulk.results[i]["error"] for i in ids[250:]} == {
        "Not done, the step stopped: PUT /incidents: PagerDuty answered 503 Service Unavailable"}
