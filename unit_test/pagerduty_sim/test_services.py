"""Services and integrations as PagerDuty runs them (pagerduty-api.md §8.5, §9.3, §15.6).

Settings that carry rules (urgency, support hours, alert grouping) are checked; events reach a
service through any integration key created over the API, at once; a disabled service and one in
maintenance accept events (202) but open, acknowledge and resolve nothing; a service with open
incidents cannot be deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pagerduty_sim.incident_seed import DEMO_INCIDENT_IDS

SUPPORT_HOURS = {
    "type": "fixed_time_per_day",
    "time_zone": "Europe/Berlin",
    "start_time": "09:00:00",
    "end_time": "17:00:00",
    "days_of_week": [1, 2, 3, 4, 5],
}
BY_HOURS = {
    "type": "use_support_hours",
    "during_support_hours": {"type": "constant", "urgency": "high"},
    "outside_support_hours": {"type": "constant", "urgency": "low"},
}


@pytest.fixture
def policy(sim):
    return {"id": sim.state()["escalation_policies"][0]["id"], "type": "escalation_policy_reference"}


@pytest.fixture
def new_service(api, policy):
    """Create a service from extra fields; returns the response."""

    def create(**fields):
        body = {"service": {"type": "service", "name": "Search", "escalation_policy": policy, **fields}}
        return api.post("/services", json=body)

    return create


@pytest.fixture
def trigger(sim, events):
    def trigger(key, dedup_key="k1", severity="critical", action="trigger"):
        event = {"routing_key": key, "event_action": action, "dedup_key": dedup_key}
        if action == "trigger":
            event["payload"] = {"summary": "Search is slow", "source": "search1", "severity": severity}
        return events.post(sim.url + "/v2/enqueue", json=event, timeout=10)

    return trigger


def integration_key(api, service_id, kind="events_api_v2_inbound_integration"):
    body = {"integration": {"type": kind}}
    response = api.post(f"/services/{service_id}/integrations", json=body)
    assert response.status_code == 201, response.text
    return response.json()["integration"]


def incidents_of(api, service_id):
    """The service's incidents that a test opened (the demo seed's own are left out)."""
    listed = api.get("/incidents", params={"service_ids[]": service_id}).json()["incidents"]
    return [incident for incident in listed if incident["id"] not in DEMO_INCIDENT_IDS]


def errors(response):
    return response.json()["error"]["errors"]


# -- settings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "when,urgency",
    [(datetime(2024, 5, 6, 10, 0, tzinfo=timezone.utc), "high"), (datetime(2024, 5, 5, 10, 0), "low")],
    ids=["monday-noon-berlin", "sunday"],
)
def test_support_hours_decide_the_urgency_of_event_incidents(sim, api, new_service, trigger, when, urgency):
    service = new_service(incident_urgency_rule=BY_HOURS, support_hours=SUPPORT_HOURS).json()["service"]
    assert service["support_hours"]["days_of_week"] == [1, 2, 3, 4, 5]
    sim.clock.set(when)
    assert trigger(integration_key(api, service["id"])["integration_key"]).status_code == 202
    assert [i["urgency"] for i in incidents_of(api, service["id"])] == [urgency]


def test_severity_based_urgency_follows_the_event(api, new_service, trigger):
    service = new_service(incident_urgency_rule={"type": "constant", "urgency": "severity_based"})
    key = integration_key(api, service.json()["service"]["id"])["integration_key"]
    trigger(key, "a", "warning")
    trigger(key, "b", "critical")
    urgencies = {i["incident_key"]: i["urgency"] for i in incidents_of(api, service.json()["service"]["id"])}
    assert urgencies == {"a": "low", "b": "high"}


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"incident_urgency_rule": BY_HOURS}, "Support hours can't be blank when incident_urgency_rule.type"),
        ({"support_hours": {**SUPPORT_HOURS, "time_zone": "Mars/Olympus"}}, "Support hours time_zone must"),
        (
            {"support_hours": {**SUPPORT_HOURS, "end_time": "08:00:00"}},
            "Support hours end_time must be after",
        ),
        ({"support_hours": {**SUPPORT_HOURS, "days_of_week": [0]}}, "Support hours days_of_week must"),
        (
            {"incident_urgency_rule": {"type": "constant", "urgency": "urgent"}},
            "Incident urgency rule urgency",
        ),
        (
            {"alert_grouping_parameters": {"type": "time", "config": {"timeout": 5000}}},
            "Alert grouping config",
        ),
        ({"alert_grouping_parameters": {"type": "magic"}}, "Alert grouping parameters type must be one of"),
        ({"acknowledgement_timeout": -5}, "Acknowledgement timeout must not be negative"),
        ({"name": "Checkout API"}, "Name has already been taken"),
    ],
    ids=["hours-missing", "zone", "end-before-start", "day", "urgency", "timeout", "grouping", "ack", "name"],
)
def test_bad_service_settings_are_refused_naming_the_field(new_service, fields, message):
    response = new_service(**fields)
    assert response.status_code == 400
    assert errors(response)[0].startswith(message)


def test_alert_grouping_and_timeouts_are_stored_as_pagerduty_renders_them(new_service):
    grouping = {"type": "content_based", "config": {"aggregate": "all", "fields": ["source"]}}
    service = new_service(alert_grouping_parameters=grouping, auto_resolve_timeout=0).json()["service"]
    assert service["alert_grouping_parameters"] == {
        "type": "content_based",
        "config": {"aggregate": "all", "fields": ["source"], "time_window": 0},
    }
    assert service["auto_resolve_timeout"] is None  # 0 disables the timeout


def test_time_grouping_puts_alerts_of_the_window_on_one_incident(sim, api, new_service, trigger):
    grouping = {"type": "time", "config": {"timeout": 10}}
    sid = new_service(alert_grouping_parameters=grouping).json()["service"]["id"]
    key = integration_key(api, sid)["integration_key"]
    trigger(key, "a")
    sim.clock.advance(5 * 60)
    trigger(key, "b")
    sim.clock.advance(6 * 60)  # 11 minutes after the first alert: a new incident
    trigger(key, "c")
    incidents = incidents_of(api, sid)
    assert sorted(i["alert_counts"]["all"] for i in incidents) == [1, 2]


def test_content_grouping_joins_alerts_with_the_same_fields(api, new_service, events, sim):
    grouping = {"type": "content_based", "config": {"aggregate": "all", "fields": ["source"]}}
    sid = new_service(alert_grouping_parameters=grouping).json()["service"]["id"]
    key = integration_key(api, sid)["integration_key"]
    for dedup_key, source in (("a", "db1"), ("b", "db1"), ("c", "web1")):
        payload = {"summary": f"{source} down", "source": source, "severity": "error"}
        event = {"routing_key": key, "event_action": "trigger", "dedup_key": dedup_key, "payload": payload}
        events.post(sim.url + "/v2/enqueue", json=event, timeout=10)
    counts = {i["title"]: i["alert_counts"]["all"] for i in incidents_of(api, sid)}
    assert counts == {"db1 down": 2, "web1 down": 1}


def test_urgency_rules_need_the_urgencies_ability(sim, new_service):
    sim.settings.abilities = ["teams"]
    response = new_service(incident_urgency_rule={"type": "constant", "urgency": "low"})
    assert (response.status_code, response.json()["error"]["code"]) == (402, 2014)


def test_unknown_escalation_policy_is_refused_on_update(api, services):
    body = {"service": {"escalation_policy": {"id": "PNOPE12", "type": "escalation_policy_reference"}}}
    response = api.put(f"/services/{services['Checkout API']['id']}", json=body)
    assert (response.status_code, errors(response)) == (400, ["Escalation policy PNOPE12 not found"])


# -- integrations ---------------------------------------------------------------------------------


def test_an_api_created_v1_integration_key_works_at_once(sim, api, services, events):
    integration = integration_key(
        api, services["Platform Gateway"]["id"], "generic_events_api_inbound_integration"
    )
    assert integration["name"] == "Events API V1"
    assert integration["html_url"].endswith(f"/integrations/{integration['id']}")
    event = {"service_key": integration["integration_key"], "event_type": "trigger", "description": "Down"}
    assert events.post(sim.url + "/generic/2010-04-15/create_event.json", json=event, timeout=10).ok
    assert [i["title"] for i in incidents_of(api, services["Platform Gateway"]["id"])] == ["Down"]


@pytest.mark.parametrize(
    "email,message",
    [
        (None, "Integration email can't be blank"),
        ("alerts@example.com", "Integration email must be an address"),
    ],
    ids=["blank", "foreign-domain"],
)
def test_email_integrations_need_an_address_at_the_subdomain(api, services, email, message):
    body = {"integration": {"type": "generic_email_inbound_integration", "integration_email": email}}
    response = api.post(f"/services/{services['Checkout API']['id']}/integrations", json=body)
    assert response.status_code == 400
    assert errors(response)[0].startswith(message)


def test_email_integration_has_an_address_and_no_routing_key(api, services):
    body = {
        "integration": {
            "type": "generic_email_inbound_integration",
            "integration_email": "checkout@pdt-sim.pagerduty.com",
        }
    }
    integration = api.post(f"/services/{services['Checkout API']['id']}/integrations", json=body).json()
    assert integration["integration"]["integration_email"] == "checkout@pdt-sim.pagerduty.com"
    assert "integration_key" not in integration["integration"]


def test_integration_of_another_service_is_not_found(api, services):
    other = services["Platform Gateway"]["integrations"][0]["id"]
    assert api.get(f"/services/{services['Checkout API']['id']}/integrations/{other}").status_code == 404


def test_integration_type_cannot_change(api, services):
    service = services["Checkout API"]
    path = f"/services/{service['id']}/integrations/{service['integrations'][0]['id']}"
    response = api.put(path, json={"integration": {"type": "generic_email_inbound_integration"}})
    assert response.status_code == 400
    assert api.put(path, json={"integration": {"name": "Prod alerts"}}).json()["integration"]["name"] == (
        "Prod alerts"
    )


# -- events on disabled services and services in maintenance --------------------------------------


def test_a_disabled_service_accepts_events_but_opens_and_resolves_nothing(api, services, creds, trigger):
    sid, key = services["Checkout API"]["id"], creds["routing_keys"]["Checkout API"]
    trigger(key, "before")
    api.put(f"/services/{sid}", json={"service": {"status": "disabled"}})
    assert api.get(f"/services/{sid}").json()["service"]["status"] == "disabled"
    assert trigger(key, "during").status_code == 202
    assert trigger(key, "before", action="resolve").status_code == 202
    assert [(i["incident_key"], i["status"]) for i in incidents_of(api, sid)] == [("before", "triggered")]
    api.put(f"/services/{sid}", json={"service": {"status": "active"}})
    trigger(key, "after")
    assert sorted(i["incident_key"] for i in incidents_of(api, sid)) == ["after", "before"]


def test_a_service_in_maintenance_opens_no_incident_until_the_window_ends(sim, api, services, creds, trigger):
    sid, key = services["Checkout API"]["id"], creds["routing_keys"]["Checkout API"]
    end = (sim.clock.now() + timedelta(hours=1)).isoformat()
    window = api.post(
        "/maintenance_windows",
        json={
            "maintenance_window": {
                "type": "maintenance_window",
                "start_time": sim.clock.now().isoformat(),
                "end_time": end,
                "services": [{"id": sid, "type": "service_reference"}],
            }
        },
    ).json()["maintenance_window"]
    assert api.get(f"/services/{sid}").json()["service"]["status"] == "maintenance"
    assert trigger(key, "during").status_code == 202
    assert incidents_of(api, sid) == []
    assert api.delete(f"/maintenance_windows/{window['id']}").status_code == 204  # ends it now
    trigger(key, "after")
    assert [i["incident_key"] for i in incidents_of(api, sid)] == ["after"]


def test_other_services_are_not_touched_by_a_window(sim, api, services, creds, trigger):
    checkout = services["Checkout API"]["id"]
    start, end = sim.clock.now(), sim.clock.now() + timedelta(hours=1)
    window = {
        "type": "maintenance_window",
        "start_time": start.isoformat(),
        "end_time": end.isoformat(),
        "services": [{"id": checkout, "type": "service_reference"}],
    }
    api.post("/maintenance_windows", json={"maintenance_window": window})
    trigger(creds["routing_keys"]["Platform Gateway"])
    assert len(incidents_of(api, services["Platform Gateway"]["id"])) == 1


# -- delete ---------------------------------------------------------------------------------------


def test_a_service_with_open_incidents_cannot_be_deleted(api, services, creds, trigger):
    sid, key = services["Checkout API"]["id"], creds["routing_keys"]["Checkout API"]
    trigger(key, "k1")
    response = api.delete(f"/services/{sid}")
    assert response.status_code == 400
    assert errors(response)[0].startswith("Service can't be deleted while it has open incidents (1)")
    trigger(key, "k1", action="resolve")
    assert api.delete(f"/services/{sid}").status_code == 204
    assert api.get(f"/services/{sid}").status_code == 404


def test_deleting_a_service_drops_it_from_extensions_and_windows(api, services):
    sid = services["Checkout API"]["id"]
    assert api.delete(f"/services/{sid}").status_code == 204
    assert all(
        sid not in [o["id"] for o in e["extension_objects"]]
        for e in api.get("/extensions").json()["extensions"]
    )
    assert api.get("/maintenance_windows", params={"service_ids[]": sid}).json()["maintenance_windows"] == []


def test_service_custom_fields_is_its_own_route(api):
    response = api.get("/services/custom_fields")
    assert (response.status_code, response.json()) == (200, {"fields": []})
