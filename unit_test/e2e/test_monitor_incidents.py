"""Task monitor_incidents against the simulator: a first run that replays nothing, every new
incident exactly once and oldest first, page edges inside one second, backfill, filters, and a
PagerDuty failure that keeps the state."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from unit_test.e2e.feed_helpers import Setup, plugin, task_message


@pytest.fixture
def run_task(tmp_path, connection):
    loaded = plugin(tmp_path)

    def run(state=None, **inp):
        body = loaded.handle(task_message(connection, state, **inp)).envelope["body"]
        assert body["status"] == "ok", body.get("error")
        return body

    return run


def titles(body):
    return [event["incident"]["title"] for event in body["output"]]


def incident_gets(sim):
    return [r for r in sim.requests() if r["method"] == "GET" and r["path"] == "/incidents"]


def test_first_run_sets_the_watermark_and_later_runs_return_each_new_incident_once(run_task, sim):
    setup = Setup(sim)
    first = run_task()
    assert (first["output"], first["has_more_pages"]) == ([], False)  # the demo incidents are history
    setup.incident("Disk full on db1")
    setup.incident("Checkout 5xx", service="Platform Gateway")
    second = run_task(first["state"])
    assert titles(second) == ["Disk full on db1", "Checkout 5xx"]
    assert second["has_more_pages"] is False and second["status_code"] == 200
    sim.app.log.clear()
    third = run_task(second["state"])
    assert third["output"] == [] and third["state"] == second["state"]
    assert len(incident_gets(sim)) == 1  # an idle run is one request


def test_a_page_edge_inside_one_second_loses_and_repeats_nothing(run_task, sim):
    """150 incidents stamped with the same second: pages of 100 and 50; 20 more of that second
    created between the two calls come with the second page."""
    setup = Setup(sim)
    sim.app.settings.rate_limit_enabled = False
    state = run_task()["state"]
    sim.clock.set(datetime.now(timezone.utc).replace(microsecond=0), frozen=True)
    created = [setup.incident(f"Burst {n}")["id"] for n in range(150)]
    page1 = run_task(state)
    assert (len(page1["output"]), page1["has_more_pages"]) == (100, True)
    assert len(page1["state"]["seen"]) == 100  # all of that one second
    created += [setup.incident(f"Late {n}")["id"] for n in range(20)]
    page2 = run_task(page1["state"])
    assert (len(page2["output"]), page2["has_more_pages"]) == (70, False)
    returned = [e["incident"]["id"] for e in page1["output"] + page2["output"]]
    assert returned == created  # each once, in creation order
    assert run_task(page2["state"])["output"] == []


def test_backfill_replays_that_period_on_the_first_run_only(run_task, sim):
    body = run_task(backfill="1h")
    assert [e["incident"]["id"] for e in body["output"]] == ["PDEMO01"]  # 25 minutes old; PDEMO02 is 3 h
    assert run_task(body["state"], backfill="1h")["output"] == []


def test_filters_choose_the_incidents_and_names_become_ids(run_task, sim):
    setup = Setup(sim)
    state = run_task(services=["Platform Gateway"], urgencies=["low"])["state"]
    setup.incident("Checkout low", urgency="low")
    setup.incident("Gateway high", service="Platform Gateway", urgency="high")
    setup.incident("Gateway low", service="Platform Gateway", urgency="low")
    assert titles(run_task(state, services=["Platform Gateway"], urgencies=["low"])) == ["Gateway low"]
    query = incident_gets(sim)[-1]["query"]
    assert (query["service_ids[]"], query["urgencies[]"]) == ([setup.services["Platform Gateway"]], ["low"])


def test_a_pagerduty_failure_is_reported_and_keeps_the_state(tmp_path, connection, sim):
    loaded = plugin(tmp_path)
    state = loaded.handle(task_message(connection)).envelope["body"]["state"]
    sim.add_fault(method="GET", path="/incidents", status=403, count=1)
    body = loaded.handle(task_message(connection, state)).envelope["body"]
    assert (body["status"], body["status_code"], body["output"], body["state"]) == ("ok", 403, [], state)
    assert body["exception"]["cause"].startswith("GET /incidents: PagerDuty answered 403")


@pytest.mark.parametrize(
    ("state", "inp", "cause"),
    [
        ({"since": "yesterday"}, {}, "`state.since` must be an ISO 8601 date-time; got 'yesterday'."),
        (
            {"since": "2024-05-01T10:00:00Z", "seen": "PABC123"},
            {},
            "`state.seen` must be a list of IDs; got 'PABC123'.",
        ),
        (
            {},
            {"backfill": "an hour"},
            "The input `backfill` must be a duration such as 30m, 1h or 2d (a number and "
            "one of s, m, h, d, w); got 'an hour'.",
        ),
    ],
    ids=["bad-since", "bad-seen", "bad-backfill"],
)
def test_a_damaged_state_or_bad_backfill_is_an_input_error(tmp_path, connection, sim, state, inp, cause):
    result = plugin(tmp_path).handle(task_message(connection, state, **inp))
    assert (result.http_status, result.envelope["body"]["exception"]["cause"]) == (400, cause)
