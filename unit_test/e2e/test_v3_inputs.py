"""Workflows written for 3.x run unchanged (issue 16, second part): the 3.x inputs of each action,
through the CLI entry point in process, against the demo simulator, with a 3.x connection (an
API key alone; the API URL only to reach the simulator). The golden files
``messages/<action>.v3.json`` replay the same shapes through the CLI and HTTP.
"""

from __future__ import annotations

import pytest

from unit_test.e2e import inprocess
from unit_test.e2e.conftest import incidents

ADA = "ada.admin@example.com"


@pytest.fixture
def run(monkeypatch, connection, secrets):
    return inprocess.runner(monkeypatch, connection, secrets)


@pytest.fixture
def v3(sim, creds) -> dict:
    """The connection of a 3.x workflow: the API key alone (and where the simulator is)."""
    return {"api_key": {"secretKey": creds["account_token"]}, "api_url": sim.url}


def _ids(sim, collection: str) -> dict[str, str]:
    return {r["name"]: r["id"] for r in sim.state()[collection]}


def _sent(sim, method: str, path: str) -> list[dict]:
    return [r for r in sim.requests() if r["method"] == method and r["path"] == path]


@pytest.fixture
def trigger_v3(sim) -> dict:
    """A 3.x Send Trigger Event input, every field given."""
    users, priorities = _ids(sim, "users"), _ids(sim, "priorities")
    return {
        "email": ADA, "title": "The server is on fire.",
        "service": {"id": _ids(sim, "services")["Checkout API"], "type": "service_reference"},
        "priority": {"id": priorities["P2"], "type": "priority_reference"}, "urgency": "high",
        "body": {"details": "A disk is getting full.", "type": "incident_body"}, "incident_key": "v3-fire",
        "assignments": [{"assignee": {"id": users["Uma User"], "type": "user_reference"}}],
        "conference_bridge": {"conference_number": "555-123-4567", "conference_url": "https://example.com/b"},
    }


def test_trigger_with_3x_inputs_creates_the_incident_through_rest_as_3x_did(run, sim, v3, trigger_v3):
    done = run("send_trigger_event", trigger_v3, v3)
    (post,) = _sent(sim, "POST", "/incidents")
    assert post["headers"]["from"] == ADA
    expected = {key: value for key, value in trigger_v3.items() if key not in ("email", "title")}
    assert post["body"] == {"incident": {"type": "incident", "title": "The server is on fire.", **expected}}
    assert _sent(sim, "POST", "/v2/enqueue") == []
    (incident,) = incidents(sim)
    assert done.output == {"status": "success", "message": "Incident created", "incident_key": "v3-fire",
                           "incident": done.output["incident"]}
    assert (done.output["incident"]["id"], incident["urgency"]) == (incident["id"], "high")
    assert "The input 'title' is deprecated: use 'description' instead" in done.body["log"]


def test_a_rerun_of_a_3x_trigger_returns_the_open_incident_instead_of_failing(run, sim, v3, trigger_v3):
    first = run("send_trigger_event", trigger_v3, v3)
    again = run("send_trigger_event", trigger_v3, v3)
    assert again.exit_code == 0
    assert again.output["incident"]["id"] == first.output["incident"]["id"]
    assert again.output["message"] == "An open incident with this incident_key exists already"
    assert len(incidents(sim)) == 1


@pytest.mark.parametrize(
    ("extra", "cause"),
    [({"service_key": "x" * 32, "severity": "critical"},
      "The inputs service_key, severity apply to a trigger through the Events API, but service makes this a "
      "trigger through the REST API (as in 3.x), which would ignore them."),
     ({"service": None, "priority": {"id": "PWBCXJU"}, "email": ADA},
      "The inputs from_email, priority apply only with service (creating the incident through the REST API, "
      "as in 3.x); without it they would be ignored."),
     ({"service": {"type": "service_reference"}},
      "input.service: needs the ID of the service, as {\"id\": \"<ID>\", \"type\": \"service_reference\"}; "
      "got {'type': 'service_reference'}.")],
    ids=["events-inputs-with-service", "rest-inputs-without-service", "service-without-id"],
)
def test_mixed_or_incomplete_shapes_are_refused_naming_the_inputs(run, sim, v3, extra, cause):
    inp = {"title": "Disk full", "service": {"id": "PBH1I19", "type": "service_reference"}, **extra}
    done = run("send_trigger_event", {k: v for k, v in inp.items() if v is not None}, v3)
    assert done.body["exception"]["cause"] == cause
    assert [r for r in sim.requests() if r["method"] == "POST"] == []


@pytest.mark.parametrize(
    "inp",
    [{"incident_id": "PDEMO01"}, {"incident_id": "1"},
     {"id": "PDEMO01", "incident_key": "gateway-5xx-rate", "service_key": "0123456789abcdef" * 2}],
    ids=["by-id", "by-number", "with-its-own-key"],
)
def test_acknowledge_with_3x_inputs_puts_the_status_as_3x_did(run, sim, v3, inp):
    done = run("send_acknowledge_event", {"email": ADA, **inp}, v3)
    (put,) = _sent(sim, "PUT", "/incidents/PDEMO01")
    assert put["headers"]["from"] == ADA
    assert put["body"] == {"incident": {"type": "incident_reference", "status": "acknowledged"}}
    assert (done.output["incident"]["status"], done.output["confirmed"]) == ("acknowledged", True)


def test_resolve_with_3x_inputs_of_a_resolved_incident_succeeds_without_a_change(run, sim, v3):
    done = run("send_resolve_event", {"email": ADA, "incident_id": "PDEMO03"}, v3)
    assert (done.output["already_resolved"], done.output["incident"]["status"]) == (True, "resolved")
    assert done.output["message"] == (
        "Incident [#3] Payment provider timeouts on /v1/charge was resolved already")
    assert _sent(sim, "PUT", "/incidents/PDEMO03") == []


def test_resolve_by_id_adds_the_note_too(run, sim, v3, creds):
    done = run("send_resolve_event", {"email": ADA, "incident_id": "PDEMO02", "description": "Renewed"}, v3)
    assert done.output["note_added"] is True
    (note,) = _sent(sim, "POST", "/incidents/PDEMO02/notes")
    assert (note["body"], note["headers"]["from"]) == ({"note": {"content": "Renewed"}}, ADA)


@pytest.mark.parametrize(
    ("inp", "cause"),
    [({"incident_id": "PDEMO01", "incident_key": "gateway-cert-expiry"},
      "The inputs id and incident_key name different incidents: [#1] Gateway 5xx rate above 5% (PDEMO01) has "
      "the incident key 'gateway-5xx-rate', not 'gateway-cert-expiry'."),
     ({"incident_id": "PNOPE00"},
      "GET /incidents/PNOPE00: PagerDuty answered 404 Not Found")],
    ids=["id-and-another-key", "unknown-id"],
)
def test_acknowledge_by_id_refuses_what_it_cannot_do(run, v3, inp, cause):
    done = run("send_acknowledge_event", {"email": ADA, **inp}, v3)
    assert done.body["exception"]["cause"].startswith(cause)
    if "PNOPE00" in cause:
        assert done.body["exception"]["assistance"] == (
            "No incident with ID or number 'PNOPE00' is visible to this API key; check the input `id`.")


def test_create_user_with_3x_inputs_sends_the_description_and_license(run, sim, v3):
    inp = {"name": "Grace Hopper", "email": "grace@example.com", "from_email": ADA, "role": "user",
           "user_description": "Compiler pioneer", "license": {"id": "PTDVERC", "type": "license_reference"}}
    done = run("create_user", inp, v3)
    assert done.output["user"]["description"] == "Compiler pioneer"
    (post,) = _sent(sim, "POST", "/users")
    assert post["body"]["user"]["license"] == {"id": "PTDVERC", "type": "license_reference"}
    assert post["headers"]["from"] == ADA


def test_delete_user_with_3x_email_sends_it_as_the_requester(run, sim, v3):
    user_id = _ids(sim, "users")["Rita Restricted"]
    done = run("delete_user_by_id", {"id": user_id, "email": ADA}, v3)
    assert done.output["found"] is True
    (delete,) = _sent(sim, "DELETE", f"/users/{user_id}")
    assert delete["headers"]["from"] == ADA


def test_get_user_by_email_takes_user_email_and_refuses_both_names(run, v3):
    assert run("get_user_by_email", {"user_email": "UMA.user@example.com"}, v3).output["found"] is True
    inp = {"user_email": "uma.user@example.com", "email": "ulf.user@example.com"}
    both = run("get_user_by_email", inp, v3)
    assert both.body["exception"]["cause"] == (
        "input 'user_email' and input 'email' are the same input ('user_email' is its old name): give only "
        "'email'.")
