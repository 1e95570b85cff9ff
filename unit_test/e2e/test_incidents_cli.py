"""create_incident, get_incident and list_incidents through the CLI, in process, against the simulator:
names for IDs, the duplicate key, lookups by number and key, and listings past the 10,000 ceiling."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from icon_pagerduty.client import pagination
from pagerduty_sim import store as sim_store
from pagerduty_sim.incident_seed import load_incidents
from unit_test.e2e.incident_cli import Steps, id_of, requests_to


@pytest.fixture
def step(connection, monkeypatch, secrets):
    return Steps(connection, monkeypatch, secrets)


GATEWAY_DOWN = {"title": "Gateway down", "service": "Platform Gateway"}


# -- create_incident ------------------------------------------------------------------------------


def test_create_sends_names_as_references_and_the_requester(step, sim, creds):
    inp = {**GATEWAY_DOWN, "escalation_policy": "platform escalation", "urgency": "low", "details": "All 5xx",
           "conference_number": "+1 555"}
    out = step("create_incident", inp).output
    assert out["created"] is True and out["incident"]["urgency"] == "low"
    (post,) = requests_to(sim, "POST", "/incidents")
    sent = post["body"]["incident"]
    policy = id_of(sim, "escalation_policies", "Platform Escalation")
    assert sent["escalation_policy"] == {"id": policy, "type": "escalation_policy_reference"}
    assert sent["service"] == {"id": id_of(sim, "services", "Platform Gateway"), "type": "service_reference"}
    assert sent["body"] == {"type": "incident_body", "details": "All 5xx"}
    assert sent["conference_bridge"] == {"conference_number": "+1 555"}
    assert post["headers"]["from"] == creds["from_email"]


def test_unknown_service_name_is_an_error_naming_the_input_and_nothing_is_created(step, sim):
    exc = step("create_incident", {**GATEWAY_DOWN, "service": "Platform Gatewy"}).exception
    assert exc["cause"] == "No service named 'Platform Gatewy' (input `service`) is visible to this API key."
    assert requests_to(sim, "POST", "/incidents") == []


def test_ambiguous_priority_name_lists_the_candidates_with_their_ids(step, sim):
    sim.app.store.create("priorities", {"name": "P1", "description": "A second P1"})
    p1s = [p["id"] for p in sim.state()["priorities"] if p["name"] == "P1"]
    exc = step("create_incident", {**GATEWAY_DOWN, "priority": "p1"}).exception
    assert exc["cause"] == f"2 priorities match 'p1' (input `priority`): {p1s[0]} (P1), {p1s[1]} (P1)."
    assert exc["assistance"] == "Set `priority` to the ID of the one you mean."


def test_missing_title_names_the_field(step, sim):
    exc = step("create_incident", {"service": "Platform Gateway"}).exception
    assert "input.title" in exc["cause"]
    assert sim.requests() == []


def test_policy_and_assignees_together_are_refused_before_sending(step, sim):
    exc = step("create_incident", {**GATEWAY_DOWN, "escalation_policy": "Platform Escalation",
                                   "assignees": ["uma.user@example.com"]}).exception
    assert exc["cause"].startswith("Give the input `escalation_policy` or `assignees`, not both")
    assert requests_to(sim, "POST", "/incidents") == []


def test_duplicate_key_on_another_service_opens_a_new_incident(step, sim):
    out = step("create_incident", {"title": "Timeouts", "service": "Checkout API",
                                   "incident_key": "gateway-5xx-rate"}).output  # PDEMO01's key, other service
    assert out["created"] is True and out["incident"]["id"] != "PDEMO01"


def test_other_refusal_with_a_key_stays_an_error(step, sim):
    sim.add_fault(method="POST", path="/incidents", status=400,
                  body={"error": {"message": "Invalid Input Provided", "code": 2001,
                                  "errors": ["Incident could not be created: the service is disabled"]}})
    exc = step("create_incident", {**GATEWAY_DOWN, "incident_key": "gateway-5xx-rate"}).exception
    assert exc["cause"] == ("POST /incidents: PagerDuty rejected the request: Invalid Input Provided: "
                            "Incident could not be created: the service is disabled "
                            "(400 Bad Request, code 2001)")
    assert requests_to(sim, "GET", "/incidents") == []  # not mistaken for a duplicate


def test_account_key_without_requester_says_which_input_to_set(step, connection, sim):
    del connection["from_email"]
    exc = step("create_incident", GATEWAY_DOWN, connection).exception
    assert "`from_email`" in exc["assistance"]
    assert requests_to(sim, "POST", "/incidents") == []


# -- get_incident ---------------------------------------------------------------------------------


@pytest.mark.parametrize("given", [{}, {"id": "1", "incident_key": "k"}], ids=["neither", "both"])
def test_get_needs_exactly_one_of_id_and_key(step, sim, given):
    exc = step("get_incident", given).exception
    assert exc["cause"].startswith("Give the input `id` (the incident's ID or number) or `incident_key`; ")
    assert sim.requests() == []


def test_get_by_number_with_hash_and_unknown_key(step):
    assert step("get_incident", {"id": "#2"}).output["incident"]["id"] == "PDEMO02"
    assert step("get_incident", {"id": "PNOPE99"}).output == {"found": False}
    assert step("get_incident", {"incident_key": "never-seen"}).output == {"found": False}


def test_get_by_key_prefers_the_open_incident_then_the_latest(step, sim):
    older = step("create_incident", {"title": "A", "service": "Checkout API", "incident_key": "k-1"}).output
    newer = step("create_incident", {**GATEWAY_DOWN, "incident_key": "k-1"}).output
    step("update_incident", {"id": newer["incident"]["id"], "status": "resolved"})
    assert step("get_incident", {"incident_key": "k-1"}).output["incident"]["id"] == older["incident"]["id"]
    step("update_incident", {"id": older["incident"]["id"], "status": "resolved"})
    assert step("get_incident", {"incident_key": "k-1"}).output["incident"]["id"] == newer["incident"]["id"]


# -- list_incidents -------------------------------------------------------------------------------


def test_list_filters_by_names_and_priority_and_reports_truncation(step, sim):
    everything = step("list_incidents", {"date_range": "all", "limit": 0}).output
    assert everything["count"] == 4 and everything["truncated"] is False
    two = step("list_incidents", {"date_range": "all", "limit": 2, "sort_by": "incident_number:desc"}).output
    assert [i["incident_number"] for i in two["incidents"]] == [4, 3] and two["truncated"] is True
    urgent = step("list_incidents", {"date_range": "all", "priorities": ["P1", "P2"],
                                     "teams": ["Platform"], "assignees": ["uma.user@example.com"]}).output
    assert [i["id"] for i in urgent["incidents"]] == ["PDEMO01"]
    (page,) = requests_to(sim, "GET", "/incidents")[-1:]
    assert page["query"]["team_ids[]"] == [id_of(sim, "teams", "Platform")]
    assert page["query"]["user_ids[]"] == [id_of(sim, "users", "uma.user@example.com")]
    assert "priorities[]" not in page["query"]  # no such filter in PagerDuty's API: filtered here


def test_list_refuses_date_range_all_with_since(step, sim):
    exc = step("list_incidents", {"date_range": "all", "since": "2024-01-01T00:00:00Z"}).exception
    assert exc["cause"].startswith("Give date_range all, or since and until, not both")


def test_list_unknown_team_names_the_item(step):
    exc = step("list_incidents", {"teams": ["Platform", "Nope"]}).exception
    assert exc["cause"] == "No team named 'Nope' (input `teams[1]`) is visible to this API key."


def test_listing_past_the_ceiling_comes_back_complete_each_incident_once(step, sim, monkeypatch):
    """25,000 incidents against PagerDuty's 10,000 ceiling, at a tenth of the scale to stay fast: 2,500
    incidents against a ceiling of 1,000 in the simulator and the client alike. The same split happens:
    the window is halved twice, into four windows of 625. (``make bench`` lists the full 25,000.)"""
    monkeypatch.setattr(sim_store, "OFFSET_CEILING", 1_000)
    monkeypatch.setattr(pagination, "OFFSET_CEILING", 1_000)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    end = start + timedelta(days=100)
    service = id_of(sim, "services", "Checkout API")
    with sim.app.store.lock:
        made = load_incidents(sim.app.store, service, 2_500, start, end)
    out = step("list_incidents", {"services": ["Checkout API"], "since": start.isoformat(),
                                  "until": end.isoformat(), "limit": 0}).output
    ids = [i["id"] for i in out["incidents"]]
    assert out["count"] == 2_500 and sorted(ids) == sorted(made)  # complete, and each once
    assert ids == made  # oldest first, as PagerDuty lists them, across the windows
    pages = requests_to(sim, "GET", "/incidents")
    assert all(int(p["query"]["offset"][0]) + int(p["query"]["limit"][0]) <= 1_000 for p in pages)
    windows = sorted({(p["query"]["since"][0], p["query"]["until"][0]) for p in pages})
    assert len(windows) == 1 + 2 + 4  # the whole, its halves, their halves
    # Four windows of 625 in 7 pages each (the floor is ceil(2,500 / 100) = 25), plus the first page
    # of each window that was split, which told its total.
    assert len(pages) == 4 * 7 + 3
    assert "more than PagerDuty's 1,000 per listing; reading the window in two halves" in step.last_log


def test_listing_everything_past_the_ceiling_says_to_give_a_window(step, sim, monkeypatch):
    """date_range all cannot be split (it has no window): the error says what to give instead."""
    monkeypatch.setattr(sim_store, "OFFSET_CEILING", 1_000)
    monkeypatch.setattr(pagination, "OFFSET_CEILING", 1_000)
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    with sim.app.store.lock:
        load_incidents(sim.app.store, id_of(sim, "services", "Checkout API"), 1_001, start,
                       start + timedelta(days=1))
    exc = step("list_incidents", {"date_range": "all", "limit": 0}).exception
    assert exc["cause"].startswith("GET /incidents: listing stopped at 1,000 results")
    assert exc["assistance"].startswith("More than 10,000 incidents match. Give both since and until")
