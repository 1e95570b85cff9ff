"""Snooze, merge and bulk updates, and the From rule of every incident write (§3.2, §8.7, §15.5)."""

import pytest

from unit_test.pagerduty_sim.incident_helpers import create, error, incident, ref, update


@pytest.fixture
def checkout(services):
    return services["Checkout API"]["id"]


def snooze(api, ident, duration=3600):
    return api.post(f"/incidents/{ident}/snooze", json={"duration": duration})


def merge(api, target, *sources):
    return api.put(
        f"/incidents/{target}/merge", json={"source_incidents": [ref("incident", s) for s in sources]}
    )


def trigger(sim, events, creds, dedup_key, service="Checkout API"):
    event = {
        "routing_key": creds["routing_keys"][service],
        "event_action": "trigger",
        "dedup_key": dedup_key,
        "payload": {"summary": f"Alert {dedup_key}", "source": "db1", "severity": "error"},
    }
    assert events.post(sim.url + "/v2/enqueue", json=event, timeout=10).status_code == 202


def by_key(api, key):
    [found] = api.get("/incidents", params={"incident_key": key, "date_range": "all"}).json()["incidents"]
    return found


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("POST", "/incidents", {"incident": {"type": "incident", "title": "x"}}),
        ("PUT", "/incidents", {"incidents": [{"id": "PDEMO01", "type": "incident_reference"}]}),
        ("PUT", "/incidents/PDEMO01", {"incident": {"type": "incident_reference", "status": "acknowledged"}}),
        (
            "PUT",
            "/incidents/PDEMO01/merge",
            {"source_incidents": [{"id": "PDEMO02", "type": "incident_reference"}]},
        ),
        ("POST", "/incidents/PDEMO02/snooze", {"duration": 60}),
        ("POST", "/incidents/PDEMO01/notes", {"note": {"content": "x"}}),
        ("POST", "/incidents/PDEMO01/status_updates", {"message": "x"}),
    ],
    ids=["create", "bulk", "update", "merge", "snooze", "note", "status-update"],
)
def test_incident_writes_with_an_account_key_need_from(account_api, method, path, body):
    status, body = error(account_api.call(method, path, json=body))
    assert (status, body["code"]) == (400, 2016)
    assert (
        body["message"]
        == 'You must specify a user\'s email address in the "From" header to perform this action'
    )


# -- snooze ---------------------------------------------------------------------------------------


def test_snooze_an_acknowledged_incident_answers_201_with_its_pending_unacknowledge(sim, api):
    response = snooze(api, "PDEMO02", 3600)
    assert response.status_code == 201
    snoozed = response.json()["incident"]
    assert snoozed["status"] == "acknowledged"
    [pending] = snoozed["pending_actions"]
    assert pending["type"] == "unacknowledge"
    [entry] = api.get("/incidents/PDEMO02/log_entries", params={"is_overview": "true"}).json()["log_entries"][
        -1:
    ]
    assert (entry["type"], entry["summary"]) == ("snooze_log_entry", "Snoozed for 1 hour by Ada Admin.")
    assert entry["changed_actions"] == [pending]


@pytest.mark.parametrize("ident,status", [("PDEMO01", "triggered"), ("PDEMO03", "resolved")])
def test_only_an_acknowledged_incident_can_be_snoozed(api, ident, status):
    assert error(snooze(api, ident)) == (
        400,
        {
            "message": "Incident is not Acknowledged",
            "code": 1012,
            "errors": [f"Only an acknowledged incident can be snoozed; this one is {status}"],
        },
    )


@pytest.mark.parametrize("duration", [0, 604801, "3600", True, None, 1.5])
def test_a_duration_outside_one_second_to_a_week_is_1013(api, duration):
    status, body = error(snooze(api, "PDEMO02", duration))
    assert (status, body["code"], body["message"]) == (400, 1013, "Snooze Duration is Invalid")


def test_a_snooze_ends_and_the_incident_returns_to_triggered(sim, api):
    snooze(api, "PDEMO02", 600)
    sim.clock.advance(599)
    assert incident(api, "PDEMO02")["status"] == "acknowledged"
    sim.clock.advance(2)
    back = incident(api, "PDEMO02")
    assert (back["status"], back["acknowledgements"], back["pending_actions"]) == ("triggered", [], [])
    assert [a["assignee"]["summary"] for a in back["assignments"]] == ["Ulf User"]  # still the acknowledger's
    entry = api.get("/incidents/PDEMO02/log_entries").json()["log_entries"][-1]
    assert (entry["type"], entry["agent"]["type"], entry["channel"]["type"]) == (
        "unacknowledge_log_entry",
        "service_reference",
        "timeout",
    )


def test_resolving_a_snoozed_incident_ends_the_snooze(sim, api):
    snooze(api, "PDEMO02", 600)
    update(api, "PDEMO02", status="resolved")
    sim.clock.advance(601)
    shown = incident(api, "PDEMO02")
    assert (shown["status"], shown["pending_actions"]) == ("resolved", [])


# -- merge ----------------------------------------------------------------------------------------


def test_merge_moves_alerts_and_resolves_the_sources(sim, api, events, creds):
    trigger(sim, events, creds, "disk-db2")
    source = by_key(api, "disk-db2")
    response = merge(api, "PDEMO01", source["id"])
    assert response.status_code == 200
    assert response.json()["incident"] == {
        "id": "PDEMO01",
        "type": "incident_reference",
        "summary": "[#1] Gateway 5xx rate above 5%",
        "self": f"{sim.url}/incidents/PDEMO01",
        "html_url": "https://pdt-sim.pagerduty.com/incidents/PDEMO01",
    }
    merged = incident(api, source["id"])
    assert (merged["status"], merged["alert_counts"]["all"]) == ("resolved", 0)
    assert merged["resolve_reason"]["type"] == "merge_resolve_reason"
    assert merged["resolve_reason"]["incident"]["id"] == "PDEMO01"
    keys = [a["alert_key"] for a in api.get("/incidents/PDEMO01/alerts").json()["alerts"]]
    assert keys == ["gateway-5xx-rate", "disk-db2"]
    assert incident(api, "PDEMO01")["alert_counts"] == {"all": 2, "triggered": 2, "resolved": 0}
    resolve = api.get(f"/incidents/{source['id']}/log_entries").json()["log_entries"][-1]
    assert resolve["summary"] == "Resolved by Ada Admin by merging into #1."


def test_a_moved_alert_still_answers_its_events_on_the_target(sim, api, events, creds):
    trigger(sim, events, creds, "disk-db2")
    merge(api, "PDEMO01", by_key(api, "disk-db2")["id"])
    event = {
        "routing_key": creds["routing_keys"]["Checkout API"],
        "event_action": "resolve",
        "dedup_key": "disk-db2",
    }
    assert events.post(sim.url + "/v2/enqueue", json=event, timeout=10).status_code == 202
    statuses = {a["alert_key"]: a["status"] for a in api.get("/incidents/PDEMO01/alerts").json()["alerts"]}
    assert statuses == {"gateway-5xx-rate": "triggered", "disk-db2": "resolved"}
    assert incident(api, "PDEMO01")["status"] == "triggered"  # its own alert is still open


def test_a_source_created_by_hand_becomes_one_alert_on_the_target(api, checkout):
    source = create(api, checkout, title="Refunds fail", incident_key="refunds")
    assert merge(api, "PDEMO01", source["id"]).status_code == 200
    alerts = api.get("/incidents/PDEMO01/alerts", params={"alert_key": "refunds"}).json()["alerts"]
    assert [(a["summary"], a["status"], a["incident"]["id"]) for a in alerts] == [
        ("Refunds fail", "triggered", "PDEMO01")
    ]
    assert incident(api, source["id"])["status"] == "resolved"


def test_merging_frees_the_source_key(api, checkout):
    source = create(api, checkout, incident_key="refunds")
    merge(api, "PDEMO01", source["id"])
    assert create(api, checkout, incident_key="refunds")["status"] == "triggered"


@pytest.mark.parametrize(
    "target,sources,code,detail",
    [
        (
            "PDEMO03",
            ["PDEMO02"],
            2001,
            "Incident #3 is resolved: open incidents cannot be merged into a resolved",
        ),
        ("PDEMO01", ["PDEMO01"], 2001, "Incident PDEMO01 cannot be merged into itself"),
        ("PDEMO01", ["PNOPE12"], 2001, "Source incident PNOPE12 not found"),
    ],
    ids=["resolved-target", "itself", "unknown-source"],
)
def test_merge_refusals(api, target, sources, code, detail):
    status, body = error(merge(api, target, *sources))
    assert (status, body["code"]) == (400, code)
    assert body["errors"][0].startswith(detail)
    assert incident(api, "PDEMO02")["status"] == "acknowledged"  # nothing merged


def test_a_source_merged_before_is_1019(api, checkout):
    source = create(api, checkout)
    merge(api, "PDEMO01", source["id"])
    status, body = error(merge(api, "PDEMO02", source["id"]))
    assert (status, body["code"], body["message"]) == (400, 1019, "Incident Already Merged")


def test_merge_without_sources_says_what_to_send(api):
    status, body = error(api.put("/incidents/PDEMO01/merge", json={"source_incidents": []}))
    assert (status, body["errors"][0][:36]) == (400, "Source incidents can't be blank; sen")


def test_a_target_may_hold_at_most_1000_alerts(sim, api, checkout):
    source = create(api, checkout)
    store = sim.app.store
    with store.lock:
        target = store.table("incidents")["PDEMO01"]
        target["alerts"] = target["alerts"] * 1000  # 1000 entries; the source adds one more
    status, body = error(merge(api, "PDEMO01", source["id"]))
    assert (status, body["errors"]) == (
        400,
        ["An incident cannot have more than 1000 alerts; this merge would give #1 1001"],
    )


# -- bulk updates ---------------------------------------------------------------------------------


def bulk(api, *items):
    return api.put("/incidents", json={"incidents": [{"type": "incident_reference", **i} for i in items]})


def test_bulk_update_changes_each_and_returns_them_in_order(api, checkout):
    first, second = create(api, checkout, title="a"), create(api, checkout, title="b")
    response = bulk(api, {"id": second["id"], "status": "resolved"}, {"id": first["id"], "urgency": "low"})
    assert [(i["title"], i["status"], i["urgency"]) for i in response.json()["incidents"]] == [
        ("b", "resolved", "high"),
        ("a", "triggered", "low"),
    ]


def test_bulk_update_is_all_or_nothing_and_names_the_bad_id(api, checkout):
    good = create(api, checkout)
    response = bulk(
        api, {"id": good["id"], "status": "acknowledged"}, {"id": "PDEMO03", "status": "resolved"}
    )
    assert error(response) == (
        400,
        {
            "message": "Incident Already Resolved",
            "code": 1001,
            "errors": ["Incident PDEMO03: Incident Already Resolved"],
        },
    )
    assert incident(api, good["id"])["status"] == "triggered"


def test_bulk_update_with_an_unknown_id_is_404_naming_it(api):
    assert error(
        bulk(api, {"id": "PDEMO02", "status": "resolved"}, {"id": "PNOPE12", "status": "resolved"})
    ) == (
        404,
        {"message": "Not Found", "code": 2100, "errors": ["Incident PNOPE12: Not Found"]},
    )
    assert incident(api, "PDEMO02")["status"] == "acknowledged"


def test_bulk_update_refuses_an_id_given_twice(api):
    status, body = error(
        bulk(api, {"id": "PDEMO01", "status": "acknowledged"}, {"id": "PDEMO01", "status": "resolved"})
    )
    assert (status, body["errors"]) == (
        400,
        ["Incident PDEMO01: appears more than once; give each incident once"],
    )


def test_bulk_limit_is_250(api):
    items = [{"id": f"P{n:06d}", "status": "acknowledged"} for n in range(251)]
    assert bulk(api, *items[:250]).status_code == 404  # 250 are taken and checked (no such IDs)
    assert error(bulk(api, *items)) == (
        413,
        {
            "message": "Request Entity Too Large",
            "code": 2001,
            "errors": ["At most 250 incidents may be updated at once"],
        },
    )
