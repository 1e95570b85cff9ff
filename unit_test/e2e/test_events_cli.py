"""Events actions through the real CLI against the simulator: success and failure paths."""

import json

from unit_test.e2e.conftest import incidents


def test_trigger_opens_one_incident_with_everything_it_was_given(run_action, sim):
    run = run_action("send_trigger_event", {
        "description": "Disk at 99% on web-01", "incident_key": "web-01/disk", "severity": "critical",
        "source": "web-01", "component": "disk", "group": "web", "class": "capacity",
        "details": {"free_space": "1%"},
        "contexts": [{"type": "link", "href": "https://example.com/web-01", "text": "Dashboard"},
                     {"type": "image", "src": "https://example.com/cpu.png", "alt": "CPU"}],
    })
    assert run.exit_code == 0
    assert run.output == {"status": "success", "message": "Event processed", "incident_key": "web-01/disk"}
    (incident,) = incidents(sim)
    assert (incident["title"], incident["status"], incident["incident_key"]) == (
        "Disk at 99% on web-01", "triggered", "web-01/disk")
    (alert,) = [a for a in sim.state()["alerts"] if a["incident"]["id"] == incident["id"]]
    assert alert["severity"] == "critical"
    assert alert["body"]["details"] == {"free_space": "1%"}
    assert [c["type"] for c in alert["body"]["contexts"]] == ["link", "image"]


def test_trigger_without_key_gets_a_generated_one_it_returns(run_action, sim):
    run = run_action("send_trigger_event", {"description": "CPU high"})
    key = run.output["incident_key"]
    assert len(key) == 32 and incidents(sim)[0]["incident_key"] == key


def test_trigger_retried_through_500_and_429_opens_exactly_one_incident(run_action, sim):
    sim.add_fault(method="POST", path="/v2/enqueue", status=500, count=1)
    sim.add_fault(method="POST", path="/v2/enqueue", status=429, count=1)
    run = run_action("send_trigger_event", {"description": "Flapping check"})
    assert run.exit_code == 0
    sent = [r for r in sim.requests() if r["path"] == "/v2/enqueue"]
    assert len(sent) == 3
    assert len({r["body"]["dedup_key"] for r in sent}) == 1  # the key was fixed before the first attempt
    assert len(incidents(sim)) == 1
    assert "retrying" in run.body["log"]


def test_trigger_that_keeps_failing_is_a_transient_error(run_action, sim, connection):
    sim.add_fault(method="POST", path="/v2/enqueue", status=503, count=10)
    # A short step_timeout ends the retries after about 3 s instead of the whole schedule.
    run = run_action("send_trigger_event", {"description": "Down"}, {**connection, "step_timeout": 3})
    assert run.exit_code == 1
    key = next(r["body"]["dedup_key"] for r in sim.requests() if r["path"] == "/v2/enqueue")
    assert run.body["exception"]["cause"].endswith(f"; the event's incident_key was {key!r}")
    assistance = run.body["exception"]["assistance"]
    assert f"Run the step again with the input incident_key set to {key!r}" in assistance
    assert json.loads(run.body["exception"]["data"])["incident_key"] == key
    assert incidents(sim) == []


def test_missing_service_key_says_where_to_set_one(run_action, connection, sim):
    del connection["service_key"]
    run = run_action("send_trigger_event", {"description": "x"}, connection)
    assert run.exit_code == 1
    assert run.body["exception"]["cause"] == (
        "No service key: the action input service_key is empty and the connection has no default.")
    assert sim.requests() == []


def test_unknown_routing_key_is_refused_without_echoing_it(run_action):
    unknown = "0123456789abcdef0123456789abcdef"
    run = run_action("send_trigger_event", {"description": "x", "service_key": unknown})
    assert run.exit_code == 1
    assert "Invalid routing key" in run.error
    assert "set service_key (the action input" in run.body["exception"]["assistance"]
    assert unknown not in run.error + run.body["log"]


def test_malformed_routing_key_names_the_input(run_action, sim):
    run = run_action("send_trigger_event", {"description": "x", "service_key": "not-a-key"})
    assert run.exit_code == 1
    assert "service_key" in run.body["exception"]["cause"]
    assert sim.requests() == []


def test_acknowledge_then_resolve_move_the_incident(run_action, sim):
    run_action("send_trigger_event", {"description": "x", "incident_key": "k-1"})
    ack = run_action("send_acknowledge_event", {"incident_key": "k-1", "description": "looking"})
    (incident,) = incidents(sim)
    assert {k: v for k, v in ack.output.items() if k != "incident"} == {
        "status": "success", "message": "Event processed", "incident_key": "k-1", "confirmed": True,
        "note_added": True}
    shown = ack.output["incident"]
    assert (shown["id"], shown["status"]) == (incident["id"], "acknowledged")
    assert incident["status"] == "acknowledged"
    resolve = run_action("send_resolve_event", {"incident_key": "k-1"})
    assert (resolve.output["confirmed"], resolve.output["already_resolved"]) == (True, False)
    assert incidents(sim)[0]["status"] == "resolved"


def test_acknowledge_of_unknown_key_is_not_found(run_action, sim):
    run = run_action("send_acknowledge_event", {"incident_key": "never-triggered"})
    assert run.exit_code == 1
    assert run.body["exception"]["cause"] == (
        "Cannot acknowledge incident key 'never-triggered': no incident has this key.")
    assert not any(r["path"] == "/v2/enqueue" for r in sim.requests())


def test_resolve_of_resolved_incident_succeeds_and_says_so(run_action, sim):
    run_action("send_trigger_event", {"description": "x", "incident_key": "k-2"})
    run_action("send_resolve_event", {"incident_key": "k-2"})
    run = run_action("send_resolve_event", {"incident_key": "k-2"})
    assert run.exit_code == 0
    assert (run.output["already_resolved"], run.output["confirmed"]) == (True, True)
    assert run.output["message"] == "Already resolved; no event sent"
    assert len([r for r in sim.requests() if r["path"] == "/v2/enqueue"]) == 2  # trigger, first resolve


def _step(cli, connection, meta, description="Disk full on db-01"):
    message = {"type": "action_start", "version": "v1",
               "body": {"action": "send_trigger_event", "meta": meta, "connection": connection,
                        "input": {"description": description}}}
    return cli(message, "run")


def test_a_rerun_after_every_answer_was_lost_opens_no_second_incident(cli, connection, sim):
    """PagerDuty took the event, but each answer was a proxy page: the step failed. Its re-run
    (same job and step) sends the same key, so the open incident is not doubled."""
    sim.add_fault(method="POST", path="/v2/enqueue", non_json=True, count=10)
    lost = _step(cli, connection, {"jobId": "job-1", "stepId": "step-7"})
    assert lost.exit_code == 1
    sim.clear_faults()
    again = _step(cli, connection, {"jobId": "job-1", "stepId": "step-7"})
    (incident,) = incidents(sim)
    assert incident["incident_key"] == again.output["incident_key"]


def test_a_new_workflow_run_or_other_content_opens_a_new_incident(cli, connection, sim):
    runs = [({"jobId": "job-1", "stepId": "step-7"}, "Disk full on db-01"),
            ({"jobId": "job-2", "stepId": "step-7"}, "Disk full on db-01"),
            ({"jobId": "job-1", "stepId": "step-7"}, "Disk full on db-02")]
    keys = {_step(cli, connection, meta, text).output["incident_key"] for meta, text in runs}
    assert len(keys) == 3
    assert len(incidents(sim)) == 3
