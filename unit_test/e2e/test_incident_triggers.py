"""Triggers new_incident and incident_updated, run in process against the simulator: each new
incident once across restarts and a crash, 250 incidents opened while the poller runs, and one
event per change of status, assignment, priority, note or status update."""

from __future__ import annotations

import json
from collections import Counter

from unit_test.e2e.feed_helpers import RunningTrigger, Setup, plugin, state_file


def ids(events):
    return [event["incident"]["id"] for event in events]


def test_a_restart_with_the_same_trigger_id_neither_repeats_nor_skips(tmp_path, connection, sim):
    setup = Setup(sim)
    loaded = plugin(tmp_path)
    first = RunningTrigger(loaded, tmp_path, connection)
    first.started()  # its first poll sets the watermark: the demo incidents are history
    opened = [setup.incident(f"Outage {n}")["id"] for n in range(3)]
    assert ids(first.wait_for(3)) == opened
    assert first.stop().envelope["body"]["status"] == "ok"
    saved = json.loads(state_file(tmp_path).read_text())
    assert saved["seen"][-1] == opened[-1]
    opened += [setup.incident(f"While down {n}")["id"] for n in range(2)]  # created while it is stopped
    second = RunningTrigger(loaded, tmp_path, connection)
    opened.append(setup.incident("After restart")["id"])
    assert ids(second.wait_for(3)) == opened[3:]
    second.stop()
    assert ids(first.events + second.events) == opened


def test_a_crash_right_after_an_emit_repeats_only_that_incident(tmp_path, connection, sim):
    """SIGKILL can land after the dispatcher took an event and before the state is saved; no
    program can know then whether it was delivered. The restart sends that one incident again
    (with its ID, to deduplicate on) and skips none. SIGTERM, the orchestrator's stop, is exact:
    see test_trigger_process.py."""
    setup = Setup(sim)
    loaded = plugin(tmp_path)
    delivered = []

    def dispatcher(envelope):
        delivered.append(envelope["body"]["output"])
        if len(delivered) == 2:
            raise KeyboardInterrupt  # the process dies here, the second event delivered, not saved

    crashing = RunningTrigger(loaded, tmp_path, connection, dispatcher=dispatcher)
    crashing.started()
    opened = [setup.incident(f"Outage {n}")["id"] for n in range(3)]
    crashing.thread.join(timeout=10)
    assert isinstance(crashing.result, KeyboardInterrupt)
    restarted = RunningTrigger(loaded, tmp_path, connection)
    restarted.wait_for(2)
    restarted.stop()
    assert ids(delivered) == opened[:2]
    assert ids(restarted.events) == opened[1:]


def test_250_incidents_opened_while_the_poller_runs_arrive_once_each_in_order(tmp_path, connection, sim):
    setup = Setup(sim)
    sim.app.settings.rate_limit_enabled = False
    running = RunningTrigger(plugin(tmp_path), tmp_path, connection)
    running.started()
    opened = [
        setup.incident(f"Storm {n}", service=("Checkout API", "Platform Gateway")[n % 2])["id"]
        for n in range(250)
    ]
    running.wait_for(250, timeout=15)
    running.stop()
    assert ids(running.events) == opened
    timestamps = Counter(i["created_at"] for i in sim.state()["incidents"] if i["id"] in set(opened))
    assert max(timestamps.values()) > 1  # many share a second, so page edges fell inside seconds


def test_a_refused_api_key_ends_the_trigger_with_its_error(tmp_path, connection, sim):
    sim.add_fault(method="GET", path="/incidents", status=401, count=1)
    running = RunningTrigger(plugin(tmp_path), tmp_path, connection)
    running.thread.join(timeout=10)
    body = running.result.envelope["body"]
    assert (body["status"], running.result.exit_code) == ("error", 1)
    assert body["exception"]["cause"].startswith("GET /incidents: PagerDuty answered 401")


def test_incident_updated_sends_one_event_per_change(tmp_path, connection, sim):
    setup = Setup(sim)
    running = RunningTrigger(plugin(tmp_path), tmp_path, connection, name="incident_updated")
    running.started()
    incident = setup.incident("Payments failing")  # its creation is no update
    setup.update(incident, status="acknowledged")  # by Ada, who is not assigned: it moves to her too
    p1 = next(p for p in sim.state()["priorities"] if p["name"] == "P1")
    setup.update(incident, priority={"id": p1["id"], "type": "priority_reference"})
    setup.call("POST", f"/incidents/{incident['id']}/notes", {"note": {"content": "Rolling back"}})
    setup.call("POST", f"/incidents/{incident['id']}/status_updates", {"message": "Payments degraded"})
    setup.update(incident, status="resolved")
    events = running.wait_for(6)
    running.stop()
    assert [e["change"] for e in events] == [
        "status",
        "assignment",
        "priority",
        "note",
        "status_update",
        "status",
    ]
    assert {e["incident"]["id"] for e in events} == {incident["id"]}
    assert events[3]["log_entry"]["note"] == "Rolling back"
    assert events[0]["log_entry"]["type"] == "acknowledge_log_entry"
    assert events[-1]["incident"]["status"] == "resolved"  # the incident as it is now


def test_incident_updated_filters_by_change_and_service(tmp_path, connection, sim):
    setup = Setup(sim)
    running = RunningTrigger(
        plugin(tmp_path),
        tmp_path,
        connection,
        name="incident_updated",
        changes=["note"],
        services=["Platform Gateway"],
    )
    running.started()
    checkout = setup.incident("Checkout down")
    gateway = setup.incident("Gateway down", service="Platform Gateway")
    for incident in (checkout, gateway):
        setup.call(
            "POST", f"/incidents/{incident['id']}/notes", {"note": {"content": f"On {incident['title']}"}}
        )
        setup.update(incident, status="resolved")
    marker = setup.incident("Marker", service="Platform Gateway")
    setup.call("POST", f"/incidents/{marker['id']}/notes", {"note": {"content": "Last"}})
    events = running.wait_for(2)
    running.stop()
    assert [(e["change"], e["log_entry"]["note"]) for e in events] == [
        ("note", "On Gateway down"),
        ("note", "Last"),
    ]
