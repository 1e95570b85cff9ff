"""The fixtures start a working simulator that answers REST and Events on one port."""


def test_get_user_by_id(api, users):
    ada = users["Ada Admin"]
    response = api.get(f"/users/{ada['id']}")
    assert response.status_code == 200
    assert response.json()["user"]["email"] == "ada.admin@example.com"


def test_trigger_event_opens_incident(api, events, sim, creds):
    event = {
        "routing_key": creds["routing_keys"]["Checkout API"],
        "event_action": "trigger",
        "payload": {"summary": "Disk full", "source": "db1", "severity": "critical"},
    }
    response = events.post(sim.url + "/v2/enqueue", json=event, timeout=10)
    assert response.status_code == 202
    incidents = api.get("/incidents", params={"incident_key": response.json()["dedup_key"]}).json()[
        "incidents"
    ]
    assert [i["title"] for i in incidents] == ["Disk full"]
