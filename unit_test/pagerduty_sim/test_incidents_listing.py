"""Listings of incidents, log entries and alerts: windows, the 10,000 offset ceiling, overview,
includes and web addresses; the incident types and custom fields routes; the demo seed (§6.1, §8.7)."""

from datetime import timedelta

import pytest

from pagerduty_sim.incident_seed import load_incidents
from unit_test.pagerduty_sim.incident_helpers import create, error, incident, update

CEILING = {
    "message": "Arguments Caused Error",
    "code": 2002,
    "errors": [
        "Offset+limit exceeds maximum allowed value of 10000. Please try to refine your search to reduce "
        "the number of results."
    ],
}


def listed(api, path="/incidents", **params):
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


# -- the demo seed --------------------------------------------------------------------------------


def test_the_demo_seed_holds_four_incidents_with_fixed_ids_numbers_and_keys(api):
    everything = listed(api, date_range="all")["incidents"]
    assert [(i["id"], i["incident_number"], i["status"], i["incident_key"]) for i in everything] == [
        ("PDEMO04", 4, "resolved", None),
        ("PDEMO03", 3, "resolved", "checkout-payment-timeouts"),
        ("PDEMO02", 2, "acknowledged", "gateway-cert-expiry"),
        ("PDEMO01", 1, "triggered", "gateway-5xx-rate"),
    ]  # oldest first: the resolved ones are 45 and 40 days old
    assert [i["id"] for i in listed(api)["incidents"]] == ["PDEMO02", "PDEMO01"]  # the last month


def test_the_seeded_open_incidents_are_assigned_and_detailed(api, services):
    first = incident(api, "PDEMO01", "conference_bridge")
    assert (first["service"]["summary"], first["urgency"], first["priority"]["summary"]) == (
        "Platform Gateway",
        "high",
        "P1",
    )
    assert [a["assignee"]["summary"] for a in first["assignments"]] == ["Uma User"]
    assert first["conference_bridge"]["conference_url"] == "https://meet.example.com/gateway-5xx"
    second = incident(api, "PDEMO02")
    assert [a["acknowledger"]["summary"] for a in second["acknowledgements"]] == ["Ulf User"]
    assert (listed(api, f"/services/{services['Platform Gateway']['id']}")["service"]["status"]) == "critical"
    assert (listed(api, f"/services/{services['Checkout API']['id']}")["service"]["status"]) == "active"


# -- GET /incidents -------------------------------------------------------------------------------


def test_incidents_are_found_by_number_or_id(api):
    assert incident(api, "2")["id"] == incident(api, "PDEMO02")["id"] == "PDEMO02"
    assert error(api.get("/incidents/99")) == (404, {"message": "Not Found", "code": 2100})


def test_the_offset_ceiling_is_pagerdutys_400(api):
    assert listed(api, date_range="all", offset=9900, limit=100)["incidents"] == []  # up to 10,000 is fine
    assert error(api.get("/incidents", params={"date_range": "all", "offset": 9901, "limit": 100})) == (
        400,
        CEILING,
    )
    assert error(api.get("/log_entries", params={"offset": 10000, "limit": 1})) == (400, CEILING)


def test_a_window_split_at_any_boundary_sees_each_incident_once(sim, api, services):
    start = sim.clock.now() - timedelta(days=100)
    with sim.app.store.lock:
        ids = load_incidents(
            sim.app.store, services["Checkout API"]["id"], 300, start, start + timedelta(days=10)
        )
    cut = (start + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (start + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    begin = start.strftime("%Y-%m-%dT%H:%M:%SZ")

    def window(since, until):
        found, offset = [], 0
        while True:
            page = listed(api, since=since, until=until, limit=100, offset=offset)
            found += [i["id"] for i in page["incidents"]]
            offset += len(page["incidents"])
            if not page["more"]:
                return found

    first, second = window(begin, cut), window(cut, end)
    assert len(first) == 90  # one every 48 minutes: 3 days hold 90, the first on the start itself
    assert sorted(first + second) == sorted(ids)
    assert listed(api, since=begin, until=end, limit=1, total="true")["total"] == 300


def test_total_counts_only_when_asked(api):
    assert listed(api, date_range="all")["total"] is None
    assert listed(api, date_range="all", total="true", limit=1)["total"] == 4


@pytest.mark.parametrize(
    "params,ids",
    [
        ({"statuses[]": "acknowledged"}, ["PDEMO02"]),
        ({"urgencies[]": "low"}, ["PDEMO04", "PDEMO02"]),
        ({"incident_key": "checkout-payment-timeouts"}, ["PDEMO03"]),
        ({"sort_by": "incident_number:asc"}, ["PDEMO01", "PDEMO02", "PDEMO03", "PDEMO04"]),
        ({"sort_by": "urgency,incident_number:desc"}, ["PDEMO03", "PDEMO01", "PDEMO04", "PDEMO02"]),
    ],
    ids=["status", "urgency", "key", "number", "two-fields"],
)
def test_filters_and_sorting(api, params, ids):
    assert [i["id"] for i in listed(api, date_range="all", **params)["incidents"]] == ids


def test_service_team_and_user_filters(api, services, users, sim):
    teams = {t["name"]: t["id"] for t in sim.state()["teams"]}
    gateway = services["Platform Gateway"]["id"]
    assert [i["id"] for i in listed(api, date_range="all", **{"service_ids[]": gateway})["incidents"]] == [
        "PDEMO02",
        "PDEMO01",
    ]
    payments = listed(api, date_range="all", **{"team_ids[]": teams["Payments"]})["incidents"]
    assert [i["id"] for i in payments] == ["PDEMO04", "PDEMO03"]
    mine = listed(api, date_range="all", **{"user_ids[]": users["Ulf User"]["id"]})["incidents"]
    assert [i["id"] for i in mine] == ["PDEMO02"]


def test_includes_expand_references(api):
    [shown] = [
        i
        for i in listed(
            api,
            **{
                "statuses[]": "acknowledged",
                "include[]": ["acknowledgers", "agents", "first_trigger_log_entries"],
            },
        )["incidents"]
    ]
    assert shown["acknowledgements"][0]["acknowledger"]["type"] == "user"
    assert shown["last_status_change_by"]["email"] == "ulf.user@example.com"
    assert shown["first_trigger_log_entry"]["type"] == "trigger_log_entry"
    assert listed(api, **{"statuses[]": "acknowledged"})["incidents"][0]["first_trigger_log_entry"][
        "type"
    ] == ("trigger_log_entry_reference")


def test_an_unknown_include_is_refused(api):
    status, body = error(api.get("/incidents", params={"include[]": "notes"}))
    assert (status, body["errors"][0][:31]) == (400, "Include 'notes' is not allowed ")


def test_incident_types_and_custom_fields_are_not_incident_ids(api):
    [base] = listed(api, "/incidents/types")["incident_types"]
    assert (base["name"], base["display_name"], base["enabled"]) == (
        "incident_default",
        "Base Incident",
        True,
    )
    assert listed(api, "/incidents/types", filter="disabled")["incident_types"] == []
    assert listed(api, "/incidents/custom_fields")["fields"] == []
    assert error(api.get("/incidents/types", params={"filter": "some"}))[1]["code"] == 2002


# -- log entries ----------------------------------------------------------------------------------


def test_log_entries_carry_their_web_address_under_the_incident(api):
    entries = listed(api, "/incidents/PDEMO01/log_entries")["log_entries"]
    assert all(
        e["html_url"] == f"https://pdt-sim.pagerduty.com/incidents/PDEMO01/log_entries/{e['id']}"
        for e in entries
    )
    first = incident(api, "PDEMO01")["first_trigger_log_entry"]
    assert first["html_url"] == f"https://pdt-sim.pagerduty.com/incidents/PDEMO01/log_entries/{first['id']}"


def test_account_log_entries_by_window_overview_and_team(api, sim):
    everything = listed(api, "/log_entries")["log_entries"]
    assert {e["incident"]["id"] for e in everything} == {"PDEMO01", "PDEMO02", "PDEMO03", "PDEMO04"}
    recent = listed(api, "/log_entries", since=(sim.clock.now() - timedelta(days=1)).isoformat())[
        "log_entries"
    ]
    assert {e["incident"]["id"] for e in recent} == {"PDEMO01", "PDEMO02"}
    old = listed(api, "/log_entries", until=(sim.clock.now() - timedelta(days=1)).isoformat())["log_entries"]
    assert {e["incident"]["id"] for e in old} == {"PDEMO03", "PDEMO04"}
    overview = listed(api, "/log_entries", is_overview="true")["log_entries"]
    assert "assign_log_entry" in {e["type"] for e in everything}
    assert "assign_log_entry" not in {e["type"] for e in overview}
    teams = {t["name"]: t["id"] for t in sim.state()["teams"]}
    platform = listed(api, "/log_entries", **{"team_ids[]": teams["Platform"]})["log_entries"]
    assert {e["incident"]["id"] for e in platform} == {"PDEMO01", "PDEMO02"}


def test_log_entry_window_errors(api):
    assert error(api.get("/log_entries", params={"since": "yesterday"})) == (
        400,
        {"message": "Invalid Input Provided", "code": 2004, "errors": ["Since is not a valid date"]},
    )
    window = {"since": "2024-02-01T00:00:00Z", "until": "2024-01-01T00:00:00Z"}
    assert error(api.get("/log_entries", params=window))[1]["code"] == 2005
    assert error(api.get("/log_entries", params={"is_overview": "True"}))[1]["errors"] == [
        "Is_overview parameter must be a boolean"
    ]


def test_log_entry_includes_expand(api):
    params = {"include[]": ["incidents", "services", "teams"]}
    entry = listed(api, "/incidents/PDEMO01/log_entries", **params)["log_entries"][0]
    assert (entry["incident"]["type"], entry["service"]["type"], entry["teams"][0]["type"]) == (
        "incident",
        "service",
        "team",
    )


def test_an_incident_log_is_paginated(api, services):
    new = create(api, services["Checkout API"]["id"])
    for n in range(3):
        api.post(f"/incidents/{new['id']}/notes", json={"note": {"content": f"n{n}"}})
    page = listed(api, f"/incidents/{new['id']}/log_entries", limit=2, offset=2, total="true")
    assert (len(page["log_entries"]), page["more"], page["total"]) == (2, True, 5)


# -- alerts ---------------------------------------------------------------------------------------


def test_alerts_carry_their_web_address_and_filter_by_status(api):
    [alert] = listed(api, "/incidents/PDEMO01/alerts")["alerts"]
    assert alert["html_url"] == f"https://pdt-sim.pagerduty.com/alerts/{alert['id']}"
    assert alert["first_trigger_log_entry"]["html_url"].startswith(
        "https://pdt-sim.pagerduty.com/incidents/PDEMO01/"
    )
    assert listed(api, "/incidents/PDEMO01/alerts", **{"statuses[]": "resolved"})["alerts"] == []
    assert listed(api, "/incidents/PDEMO03/alerts", **{"statuses[]": "resolved"})["alerts"][0]["status"] == (
        "resolved"
    )
    status, body = error(api.get("/incidents/PDEMO01/alerts", params={"statuses[]": "acknowledged"}))
    assert (status, body["errors"]) == (400, ["Statuses must be among: triggered, resolved"])


def test_alerts_sort_and_expand(api, services):
    new = create(api, services["Checkout API"]["id"], title="Refunds fail")
    api.put(
        "/incidents/PDEMO01/merge",
        json={"source_incidents": [{"id": new["id"], "type": "incident_reference"}]},
    )
    newest_first = listed(api, "/incidents/PDEMO01/alerts", sort_by="created_at:desc")["alerts"]
    assert [a["summary"] for a in newest_first] == ["Refunds fail", "Gateway 5xx rate above 5%"]
    expanded = listed(api, "/incidents/PDEMO01/alerts", **{"include[]": "first_trigger_log_entries"})[
        "alerts"
    ]
    assert expanded[0]["first_trigger_log_entry"]["type"] == "trigger_log_entry"
    one = listed(api, f"/incidents/PDEMO01/alerts/{newest_first[0]['id']}", **{"include[]": "incidents"})[
        "alert"
    ]
    assert one["incident"]["type"] == "incident"


def test_an_alert_of_another_incident_is_not_found(api):
    [alert] = listed(api, "/incidents/PDEMO03/alerts")["alerts"]
    assert api.get(f"/incidents/PDEMO01/alerts/{alert['id']}").status_code == 404


def test_resolving_closes_the_alerts(api):
    update(api, "PDEMO01", status="resolved")
    assert [a["status"] for a in listed(api, "/incidents/PDEMO01/alerts")["alerts"]] == ["resolved"]
