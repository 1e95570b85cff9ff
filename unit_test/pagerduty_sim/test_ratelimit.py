"""Rate limits: per-credential token buckets, the incident operation limit and the bare 429 (§7)."""


def test_headers_count_down(api):
    first, second = api.get("/users"), api.get("/users")
    assert first.headers["ratelimit-limit"] == "960"
    assert int(first.headers["ratelimit-remaining"]) - int(second.headers["ratelimit-remaining"]) == 1


def test_limit_reached_gives_429_with_headers_and_body(sim, api):
    sim.settings.rate_limit = 2
    responses = [api.get("/users") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    limited = responses[-1]
    assert limited.json() == {"error": {"message": "Rate Limit Exceeded", "code": 2020}}
    assert limited.headers["ratelimit-remaining"] == "0"
    assert int(limited.headers["ratelimit-reset"]) >= 1


def test_buckets_are_per_credential(sim, api, user_api):
    sim.settings.rate_limit = 1
    assert api.get("/users").status_code == 200
    assert api.get("/users").status_code == 429
    assert user_api.get("/users").status_code == 200


def test_bare_429(sim, api):
    sim.settings.rate_limit = 1
    sim.settings.bare_429 = True
    api.get("/users")
    response = api.get("/users")
    assert (response.status_code, response.content) == (429, b"")
    assert "ratelimit-limit" not in response.headers


def test_incident_creation_has_a_stricter_limit(sim, api, services):
    sim.settings.incident_rate_limit = 1
    body = {
        "incident": {
            "type": "incident",
            "title": "x",
            "service": {"id": services["Checkout API"]["id"], "type": "service_reference"},
        }
    }
    assert api.post("/incidents", json=body).status_code == 201
    assert api.post("/incidents", json={"incident": {**body["incident"], "title": "y"}}).status_code == 429
    assert api.get("/incidents").status_code == 200


def test_rate_limits_can_be_disabled(sim, api):
    sim.settings.rate_limit = 1
    sim.settings.rate_limit_enabled = False
    assert [api.get("/users").status_code for _ in range(3)] == [200, 200, 200]


def test_reset_refills_the_buckets(sim, api):
    sim.settings.rate_limit = 1
    api.get("/users")
    sim.reset()
    assert api.get("/users").status_code == 200
