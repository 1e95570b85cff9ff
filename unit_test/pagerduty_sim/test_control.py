"""The control API (/_sim/), its in-process twin, faults and the request log (issue items 7, §15.1)."""

import pytest
import requests


def test_credentials_over_http_match_in_process(sim):
    body = requests.get(sim.url + "/_sim/credentials", timeout=10).json()
    assert body == sim.credentials()
    assert set(body) >= {"account_token", "user_token", "from_email", "routing_keys"}
    assert set(body["routing_keys"]) == {"Checkout API", "Platform Gateway"}


def test_reset_restores_the_seed_with_stable_keys(sim, api):
    before = sim.credentials()
    api.post("/teams", json={"team": {"type": "team", "name": "Temporary"}})
    assert requests.post(sim.url + "/_sim/reset", timeout=10).status_code == 200
    assert sim.credentials() == before
    assert "Temporary" not in [t["name"] for t in sim.state()["teams"]]


def test_state_dumps_every_table(sim):
    state = requests.get(sim.url + "/_sim/state", timeout=10).json()
    assert {"users", "teams", "services", "incidents", "log_entries", "routing_keys", "api_keys"} <= set(
        state
    )
    assert len(state["users"]) == 11


def test_request_log_masks_secrets(sim, api, events, creds):
    api.get("/users", params={"query": "ada"})
    key = creds["routing_keys"]["Checkout API"]
    events.post(
        sim.url + "/v2/enqueue", json={"routing_key": key, "event_action": "resolve", "dedup_key": "k"}
    )
    rest, event = sim.requests()
    assert (rest["method"], rest["path"], rest["query"]) == ("GET", "/users", {"query": ["ada"]})
    assert rest["headers"]["authorization"] == "Token token=*" + creds["account_token"][-4:]
    assert rest["headers"]["from"] == creds["from_email"]
    assert event["body"]["routing_key"] == "*" + key[-4:]
    assert requests.get(sim.url + "/_sim/requests", timeout=10).json()["requests"] == [rest, event]


def test_reset_clears_the_request_log(sim, api):
    api.get("/users")
    sim.reset()
    assert sim.requests() == []


def test_fault_status_with_default_body_for_the_next_request_only(sim, api):
    sim.add_fault(method="GET", path="/users", status=503)
    first, second = api.get("/users"), api.get("/users")
    assert (first.status_code, first.json()) == (503, {"error": {"message": "Internal Error", "code": 2000}})
    assert second.status_code == 200


def test_fault_count_and_path_glob(sim, api, users):
    sim.add_fault(path="/users/*", status=500, count=2)
    uid = users["Ada Admin"]["id"]
    assert [api.get(f"/users/{uid}").status_code for _ in range(3)] == [500, 500, 200]
    assert api.get("/users").status_code == 200


def test_fault_matches_method(sim, api):
    sim.add_fault(method="POST", path="/teams", status=500)
    assert api.get("/teams").status_code == 200
    assert api.post("/teams", json={"team": {"type": "team", "name": "X"}}).status_code == 500


@pytest.mark.parametrize(
    "body,expected",
    [
        ("oops", b"oops"),
        ({"error": {"message": "Custom", "code": 1}}, b'{"error":{"message":"Custom","code":1}}'),
    ],
    ids=["text", "json"],
)
def test_fault_with_explicit_body(sim, api, body, expected):
    sim.add_fault(path="/users", status=502, body=body)
    assert api.get("/users").content == expected


def test_bare_fault_has_no_body_and_no_pagerduty_headers(sim, api):
    sim.add_fault(path="/users", status=429, bare=True)
    response = api.get("/users")
    assert (response.status_code, response.content) == (429, b"")
    assert "ratelimit-reset" not in response.headers
    assert "x-request-id" not in response.headers


def test_429_fault_carries_rate_limit_headers(sim, api):
    sim.add_fault(path="/users", status=429)
    response = api.get("/users")
    assert response.json() == {"error": {"message": "Rate Limit Exceeded", "code": 2020}}
    assert response.headers["ratelimit-reset"] == "1"


def test_dropped_connection(sim, api):
    sim.add_fault(path="/users", drop=True)
    with pytest.raises(requests.ConnectionError):
        api.get("/users")
    assert api.get("/users").status_code == 200


def test_truncated_body(sim, api):
    sim.add_fault(path="/users", truncate=True)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        api.get("/users")


def test_non_json_body(sim, api):
    sim.add_fault(path="/users", status=502, non_json=True)
    response = api.get("/users")
    assert (response.status_code, response.headers["Content-Type"]) == (502, "text/html")
    assert response.text.startswith("<html>")


def test_delay_makes_clients_time_out(sim, api):
    sim.add_fault(path="/users", delay=2.0)
    with pytest.raises(requests.exceptions.ReadTimeout):
        api.get("/users", timeout=0.2)


def test_fraction_is_repeatable(sim, api):
    def run():
        sim.clear_faults()
        sim.add_fault(path="/users", status=500, fraction=0.5)
        return [api.get("/users").status_code for _ in range(12)]

    first = run()
    assert first == run()
    assert set(first) == {200, 500}


def test_faults_over_http(sim, api):
    response = requests.post(
        sim.url + "/_sim/faults", json={"path": "/users", "status": 500, "count": 1}, timeout=10
    )
    assert response.status_code == 201
    assert requests.get(sim.url + "/_sim/faults", timeout=10).json()["faults"][0]["status"] == 500
    assert requests.delete(sim.url + "/_sim/faults", timeout=10).status_code == 204
    assert api.get("/users").status_code == 200


@pytest.mark.parametrize(
    "body,error",
    [
        ({"path": "/users", "status": 99}, "status must be an HTTP status code between 100 and 599"),
        ({"path": "/users"}, "give at least one of status, delay, drop, truncate or non_json"),
        (
            {"path": "/users", "status": 500, "colour": "red"},
            "Unknown fault field 'colour'; known: bare, body, count, delay, drop, fraction, method, "
            "non_json, path, status, truncate",
        ),
    ],
    ids=["bad-status", "no-effect", "unknown-field"],
)
def test_bad_fault_requests_get_pagerduty_errors(sim, body, error):
    response = requests.post(sim.url + "/_sim/faults", json=body, timeout=10)
    assert response.status_code == 400
    assert response.json() == {
        "error": {"message": "Invalid Input Provided", "code": 2001, "errors": [error]}
    }


def test_settings_over_http(sim):
    response = requests.put(sim.url + "/_sim/settings", json={"page_short": True}, timeout=10)
    assert response.json()["settings"]["page_short"] is True
    assert sim.settings.page_short is True


def test_bad_setting_is_named(sim):
    response = requests.put(sim.url + "/_sim/settings", json={"page_short": "yes"}, timeout=10)
    assert response.json()["error"]["errors"] == ["setting 'page_short' must be a bool, got 'yes'"]


def test_clock_advance_over_http(sim):
    before = sim.clock.now()
    response = requests.post(sim.url + "/_sim/clock", json={"advance": 3600}, timeout=10)
    assert response.status_code == 200
    assert (sim.clock.now() - before).total_seconds() >= 3600


def test_drain_over_http(sim, api, creds):
    sim.settings.events_delay = 60.0
    key = creds["routing_keys"]["Checkout API"]
    event = {
        "routing_key": key,
        "event_action": "trigger",
        "payload": {"summary": "s", "source": "s", "severity": "info"},
    }
    dedup_key = requests.post(sim.url + "/v2/enqueue", json=event, timeout=10).json()["dedup_key"]
    assert requests.post(sim.url + "/_sim/drain", timeout=10).json() == {"pending": 0}
    assert len(api.get("/incidents", params={"incident_key": dedup_key}).json()["incidents"]) == 1


def test_malformed_http_gets_a_json_error(sim):
    import socket

    with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as conn:
        conn.sendall(b"NONSENSE\r\n\r\n")
        reply = conn.recv(4096)
    assert reply.startswith(b"HTTP/1.1 400")
    assert b'"code":2001' in reply
    assert b"Traceback" not in reply
