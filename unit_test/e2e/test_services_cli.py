"""Services and integrations through the CLI (in process) against the simulator: bad inputs refused
with errors naming the input, PagerDuty's refusals explained, and an integration key that works at
once and is output but never logged."""

from __future__ import annotations

from unit_test.e2e.conftest import incidents
from unit_test.e2e.services_support import act_fixture, writes  # noqa: F401  (the fixture act)

INVENTORY = {"name": "Inventory API", "escalation_policy": "Platform Escalation"}


def _services(sim):
    return {s["name"]: s for s in sim.state()["services"]}


# -- services -------------------------------------------------------------------------------------


def test_an_unknown_escalation_policy_name_is_refused_naming_the_input(act, sim):
    step = act("create_service", {**INVENTORY, "escalation_policy": "Night Shift"})
    assert step.cause == ("No escalation policy named 'Night Shift' (input `escalation_policy`) is "
                          "visible to this API key.")
    assert writes(sim) == [] and "Inventory API" not in _services(sim)


def test_an_escalation_policy_id_pagerduty_does_not_know_is_explained(act, sim):
    step = act("create_service", {**INVENTORY, "escalation_policy": "PNOPE12"})
    assert "Escalation policy PNOPE12 not found" in step.cause
    assert step.assistance.startswith("The input `escalation_policy` must name an existing escalation policy")


def test_missing_required_input_is_refused_before_any_request(act, sim):
    step = act("create_service", {"name": "Inventory API"})
    assert "escalation_policy" in step.cause
    assert sim.requests() == []


def test_support_hours_urgency_needs_support_hours(act, sim):
    step = act("create_service", {**INVENTORY, "urgency_rule": "use_support_hours"})
    assert step.cause == "The urgency rule use_support_hours needs the input `support_hours`, which is empty."
    assert writes(sim) == []


def test_a_taken_name_is_explained(act):
    step = act("create_service", {**INVENTORY, "name": "checkout api"})
    assert "Name has already been taken" in step.cause
    assert "`name` must be unique" in step.assistance


def test_a_service_name_matching_nothing_names_the_input(act):
    step = act("get_service", {"id": "Checkout"})
    assert step.cause == "No service named 'Checkout' (input `id`) is visible to this API key."


def test_a_service_id_pagerduty_does_not_know_names_the_input(act):
    step = act("get_service", {"id": "PNOPE12"})
    assert step.cause.startswith("GET /services/PNOPE12: PagerDuty answered 404")
    assert step.assistance == "No service with id 'PNOPE12' is visible to this API key; check the input `id`."


def test_disabling_a_service_drops_its_events_and_enabling_takes_them_again(act, sim):
    def status(value):
        return act("update_service", {"id": "Checkout API", "status": value}).output["service"]["status"]

    assert status("disabled") == "disabled"
    act("send_trigger_event", {"description": "dropped", "incident_key": "k1"})
    assert incidents(sim) == []
    assert status("active") == "active"
    act("send_trigger_event", {"description": "taken", "incident_key": "k2"})
    assert [i["title"] for i in incidents(sim)] == ["taken"]


def test_update_with_nothing_to_change_is_refused(act, sim):
    step = act("update_service", {"id": "Checkout API"})
    assert step.cause.startswith("Nothing to change")
    assert writes(sim) == []


def test_deleting_a_service_with_open_incidents_says_what_to_do(act, sim):
    step = act("delete_service", {"id": "Platform Gateway"})  # the demo's PDEMO01 and PDEMO02 are open
    assert "open incidents" in step.cause
    assert step.assistance.startswith("Resolve the service's open incidents first")
    assert "Platform Gateway" in _services(sim)


def test_a_deleted_service_is_gone_with_its_routing_keys(act, sim):
    created = act("create_service", INVENTORY).output["service"]
    key = act("create_integration", {"service": created["id"]}).output["integration_key"]
    assert act("delete_service", {"id": "Inventory API"}).output == {"success": True}
    assert "Inventory API" not in _services(sim)
    assert key not in sim.state()["routing_keys"]


# -- integrations ---------------------------------------------------------------------------------


def test_a_new_integration_key_is_output_never_logged_and_works_at_once(act, sim):
    step = act("create_integration", {"service": "Platform Gateway", "name": "Deploy pipeline"}, debug=True)
    key = step.output["integration_key"]
    # The runtime masks the connection's secrets only: the new key comes out whole, in both places.
    assert len(key) == 32 and step.output["integration"]["integration_key"] == key
    assert key in sim.state()["routing_keys"]
    assert step.body["log"] and key not in step.body["log"]
    assert "POST /services/" in step.stderr and key not in step.stderr
    trigger = act("send_trigger_event", {"description": "Deploy failed", "service_key": key}, debug=True)
    assert trigger.exit_code == 0 and key not in trigger.body["log"] and key not in trigger.stderr
    (incident,) = incidents(sim)
    assert incident["service"]["id"] == _services(sim)["Platform Gateway"]["id"]


def test_an_email_integration_needs_its_address(act, sim):
    step = act("create_integration", {"service": "Checkout API", "type": "email"})
    assert step.cause == "An email integration needs the input `integration_email`, which is empty."
    assert writes(sim) == []


def test_an_address_outside_the_subdomain_is_explained(act):
    step = act("create_integration", {"service": "Checkout API", "type": "email",
                                      "integration_email": "alerts@example.com"})
    assert "Integration email must be an address at your subdomain" in step.cause
    assert "`integration_email`" in step.assistance


def test_an_integration_name_matching_nothing_lists_the_service_integrations(act, sim):
    step = act("get_integration", {"service": "Checkout API", "id": "Deploy pipeline"})
    assert step.cause.startswith("The service Checkout API (")
    assert "no integration named 'Deploy pipeline'" in step.cause
    assert "Events API v2" in step.assistance and "Events API v1" in step.assistance


def test_renaming_keeps_the_key(act, sim):
    created = act("create_integration", {"service": "Checkout API", "name": "Deploy pipeline"}).output
    renamed = act("update_integration",
                  {"service": "Checkout API", "id": "deploy PIPELINE", "name": "CI"}).output
    assert renamed["integration"]["name"] == "CI"
    assert renamed["integration"]["integration_key"] == created["integration_key"]


def test_services_listing_leaves_integration_keys_out(act, sim):
    services = act("list_services", {"include": ["integrations"]}).output["services"]
    embedded = [i for s in services for i in s["integrations"]]
    assert len(embedded) == 4 and all("integration_key" not in i for i in embedded)


# -- the workflow, through the real bin/icon_pagerduty (the area's one subprocess test) ----


def test_a_deploy_workflow_through_the_real_cli(run_action, sim):
    """A new service gets an Events integration, goes into maintenance for its deploy, records the
    deploy as a change event, and leaves maintenance; each step a separate process, as in production."""
    service = run_action("create_service", {**INVENTORY, "urgency_rule": "low"}).output["service"]
    key = run_action("create_integration", {"service": "Inventory API"}).output["integration_key"]
    window = run_action("create_maintenance_window", {"services": ["Inventory API"], "duration": 15,
                                                      "description": "Deploy of 1.0"}).output
    assert _services(sim)["Inventory API"]["status"] == "maintenance"
    sent = run_action("send_change_event", {"routing_key": key, "summary": "Deployed inventory-api 1.0"})
    assert sent.output["status"] == "success" and key not in sent.envelope["body"]["log"]
    ended = run_action("delete_maintenance_window", {"id": window["maintenance_window"]["id"]}).output
    assert ended["outcome"] == "ended" and _services(sim)["Inventory API"]["status"] == "active"
    (change,) = run_action("list_change_events", {"services": ["Inventory API"]}).output["change_events"]
    assert change["summary"] == "Deployed inventory-api 1.0" and change["services"][0]["id"] == service["id"]
