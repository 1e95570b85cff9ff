"""Authentication, the From rules, roles and request headers (pagerduty-api.md §2, §3, §15.2)."""

import pytest

INCIDENT = {"incident": {"type": "incident", "title": "Checkout is down"}}


def incident_body(services):
    return {
        "incident": {
            **INCIDENT["incident"],
            "service": {"id": services["Checkout API"]["id"], "type": "service_reference"},
        }
    }


@pytest.mark.parametrize(
    "header",
    ["Token token=nope-nope-nope-nope1", "Token nope", "Basic abc", "", "Token token=", "Token token=a b"],
    ids=["unknown-key", "no-token-equals", "basic", "empty", "empty-key", "whitespace"],
)
def test_bad_credentials_get_401_with_pagerduty_body(make_api, header):
    api = make_api("x")
    api.session.headers["Authorization"] = header
    response = api.get("/users")
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "message": "Authentication failed",
            "code": 2006,
            "errors": ["The credentials are missing, malformed or invalid."],
        }
    }


def test_api_key_sent_as_bearer_is_refused(make_api, creds):
    response = make_api(creds["account_token"], scheme="bearer").get("/users")
    assert response.status_code == 401


def test_oauth_token_works_as_bearer(make_api, creds):
    response = make_api(creds["oauth_token"], scheme="bearer").get("/users/me")
    assert response.status_code == 200
    assert response.json()["user"]["email"] == creds["from_email"]


def test_keys_contain_the_characters_clients_mangle(creds):
    for key in (creds["account_token"], creds["user_token"]):
        assert len(key) == 20
        assert {"+", "_", "-"} <= set(key)


def test_users_me_with_user_key_is_that_user(user_api, creds):
    response = user_api.get("/users/me")
    assert response.status_code == 200
    assert response.json()["user"]["email"] == creds["from_email"]


def test_users_me_with_account_key_is_400(account_api):
    response = account_api.get("/users/me")
    assert response.status_code == 400
    assert "account-level access token" in response.json()["error"]["message"]


def test_from_missing_with_account_key_is_refused(account_api, services):
    response = account_api.post("/incidents", json=incident_body(services))
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "message": 'You must specify a user\'s email address in the "From" header to perform this action',
            "code": 2016,
        }
    }


def test_from_malformed_is_refused(account_api, services):
    response = account_api.post("/incidents", json=incident_body(services), headers={"From": "not-an-email"})
    assert response.status_code == 400
    assert response.json()["error"] == {"message": 'Malformed "From" header', "code": 1028}


def test_from_unknown_user_is_refused(account_api, services):
    response = account_api.post(
        "/incidents", json=incident_body(services), headers={"From": "who@example.com"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 1008
    assert response.json()["error"]["message"] == "Requester User Not Found"


def test_from_matches_email_case_insensitively(account_api, services, users):
    response = account_api.post(
        "/incidents", json=incident_body(services), headers={"From": "ADA.Admin@Example.com"}
    )
    assert response.status_code == 201
    entries = account_api.get(f"/incidents/{response.json()['incident']['id']}/log_entries").json()[
        "log_entries"
    ]
    assert entries[0]["agent"]["id"] == users["Ada Admin"]["id"]


def test_user_key_needs_no_from(user_api, services):
    response = user_api.post("/incidents", json=incident_body(services))
    assert response.status_code == 201


def test_from_code_is_configurable(sim, account_api, services):
    sim.settings.from_missing_code = 2001
    response = account_api.post("/incidents", json=incident_body(services))
    assert response.json()["error"]["code"] == 2001


def test_observer_cannot_write(make_api, creds, services):
    observer = make_api(creds["observer_token"])
    assert observer.get("/users").status_code == 200
    response = observer.post("/incidents", json=incident_body(services))
    assert response.status_code == 403
    assert response.json()["error"] == {
        "message": "Access Denied",
        "code": 2010,
        "errors": ["A user with the observer role cannot perform this action."],
    }


def test_write_without_json_content_type_is_refused(api):
    response = api.post(
        "/teams", data="name=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": {"message": "Invalid Input Provided", "code": 2001, "errors": ["params must be a Hash"]}
    }


def test_invalid_json_body_gets_pagerduty_error(api):
    response = api.post("/teams", data="{nope", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "message": "Invalid Input Provided",
            "code": 2001,
            "errors": ["The request body is not valid JSON"],
        }
    }


def test_every_rest_response_carries_request_id_date_and_limits(api):
    response = api.get("/users/NOPE123")
    assert response.status_code == 404
    for header in ("x-request-id", "date", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"):
        assert header in response.headers


def test_unknown_path_is_pagerduty_404(api):
    response = api.get("/no/such/thing")
    assert response.status_code == 404
    assert response.json() == {"error": {"message": "Not Found", "code": 2100}}
