"""Classic pagination, query filters, include[] and repeated key[] filters (pagerduty-api.md §4, §6)."""

import pytest


def make_users(api, count):
    for n in range(count):
        response = api.post(
            "/users",
            json={
                "user": {"type": "user", "name": f"Bulk User {n:03d}", "email": f"bulk{n:03d}@example.com"}
            },
        )
        assert response.status_code == 201


def test_default_page_is_25_with_more_and_null_total(api):
    make_users(api, 20)
    body = api.get("/users").json()
    assert (len(body["users"]), body["limit"], body["offset"], body["more"], body["total"]) == (
        25,
        25,
        0,
        True,
        None,
    )


def test_total_when_asked(api):
    body = api.get("/users", params={"total": "true", "limit": 1}).json()
    assert body["total"] == 11
    assert body["more"] is True


def test_offset_walks_to_the_end(api):
    body = api.get("/users", params={"offset": 10, "limit": 5}).json()
    assert [len(body["users"]), body["more"]] == [1, False]


def test_limit_above_100_is_clamped(api):
    assert api.get("/users", params={"limit": 500}).json()["limit"] == 100


def test_limit_above_100_rejected_when_switched(sim, api):
    sim.settings.reject_limit_over_100 = True
    response = api.get("/users", params={"limit": 500})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "message": "Arguments Caused Error",
        "code": 2002,
        "errors": ["Limit must be less than or equal to 100"],
    }


@pytest.mark.parametrize("value", ["True", "yes"], ids=["python-str-true", "yes"])
def test_total_must_be_a_lowercase_boolean(api, value):
    response = api.get("/users", params={"total": value})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "message": "Arguments Caused Error",
        "code": 2002,
        "errors": ["Total parameter must be a boolean"],
    }


def test_offset_ceiling(api):
    response = api.get("/users", params={"offset": 9950, "limit": 100})
    assert response.status_code == 400
    assert response.json()["error"] == {
        "message": "Arguments Caused Error",
        "code": 2002,
        "errors": [
            "Offset+limit exceeds maximum allowed value of 10000. Please try to refine your search to "
            "reduce the number of results."
        ],
    }


def test_offset_at_the_ceiling_is_allowed(api):
    assert api.get("/users", params={"offset": 9900, "limit": 100}).status_code == 200


@pytest.mark.parametrize(
    "name,value",
    [("limit", "ten"), ("offset", "-1"), ("limit", "0")],
    ids=["limit-not-int", "negative-offset", "zero-limit"],
)
def test_bad_paging_values_are_400(api, name, value):
    response = api.get("/users", params={name: value})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 2002


def test_short_pages_keep_more_true(sim, api):
    sim.settings.page_short = True
    body = api.get("/users", params={"limit": 4}).json()
    assert (len(body["users"]), body["limit"], body["more"]) == (2, 4, True)


def test_query_matches_name_or_email_case_insensitively(api):
    by_name = [u["name"] for u in api.get("/users", params={"query": "ADMIN"}).json()["users"]]
    by_email = [u["name"] for u in api.get("/users", params={"query": "rory.read"}).json()["users"]]
    assert by_name == ["Ada Admin", "Arun Admin"]
    assert by_email == ["Rory Readonly"]


def test_repeated_set_filters_combine_with_or(api, sim):
    teams = {t["name"]: t["id"] for t in sim.state()["teams"]}
    one = api.get("/users", params={"team_ids[]": teams["Platform"]}).json()["users"]
    both = api.get(
        "/users", params=[("team_ids[]", teams["Platform"]), ("team_ids[]", teams["Payments"])]
    ).json()
    assert len(one) == 3
    assert len(both["users"]) == 6


def test_percent_encoded_brackets_are_the_same_key(api, sim):
    team = sim.state()["teams"][0]["id"]
    response = api.get(f"/users?team_ids%5B%5D={team}")
    assert len(response.json()["users"]) == 3


def test_services_name_is_exact(api):
    assert len(api.get("/services", params={"name": "Checkout"}).json()["services"]) == 0
    assert len(api.get("/services", params={"name": "Checkout API"}).json()["services"]) == 1


def test_include_expands_references(api, users):
    ada = users["Ada Admin"]["id"]
    plain = api.get(f"/users/{ada}").json()["user"]["teams"][0]
    full = api.get(f"/users/{ada}", params={"include[]": "teams"}).json()["user"]["teams"][0]
    assert plain["type"] == "team_reference"
    assert (full["type"], full["name"]) == ("team", "Platform")


def test_unknown_include_is_400(api, users):
    response = api.get(f"/users/{users['Ada Admin']['id']}", params={"include[]": "bogus"})
    assert response.status_code == 400
    assert response.json()["error"]["errors"] == [
        "Include 'bogus' is not allowed here; allowed values: calendar_urls, contact_methods, "
        "notification_rules, subdomains, teams."
    ]


def test_references_carry_summary_self_and_html_url(api, sim):
    service = api.get("/services", params={"name": "Checkout API"}).json()["services"][0]
    ref = service["escalation_policy"]
    assert ref["type"] == "escalation_policy_reference"
    assert ref["summary"] == "Platform Escalation"
    assert ref["self"] == f"{sim.url}/escalation_policies/{ref['id']}"
    assert ref["html_url"].endswith(f"/escalation_policies/{ref['id']}")
    assert service["html_url"].endswith(f"/service-directory/{service['id']}")
