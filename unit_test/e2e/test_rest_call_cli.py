"""rest_call through the real CLI against the simulator: any operation by path, and the paths refused."""

import pytest


def _teams(sim):
    return {t["name"]: t for t in sim.state()["teams"]}


def test_get_returns_status_body_and_useful_headers(run_action, sim):
    run = run_action("rest_call", {"path": "/teams", "query": {"query": "plat"}})
    assert run.exit_code == 0
    assert run.output["status"] == 200
    assert [t["name"] for t in run.output["body"]["teams"]] == ["Platform"]
    headers = run.output["headers"]
    assert headers["content-type"].startswith("application/json")
    assert set(headers) <= {"content-type", "date", "link", "location", "retry-after", "x-request-id"} | {
        name for name in headers if name.startswith("ratelimit-")}
    (get,) = [r for r in sim.requests() if r["path"] == "/teams"]
    assert get["query"] == {"query": ["plat"]}


def test_post_sends_the_body_and_the_requester_and_answers_201(run_action, sim, creds):
    body = {"team": {"type": "team", "name": "Ops", "description": "Night shift"}}
    run = run_action("rest_call", {"method": "POST", "path": "/teams", "body": body})
    assert run.output["status"] == 201
    created = run.output["body"]["team"]
    assert created["name"] == "Ops" and _teams(sim)["Ops"]["id"] == created["id"]
    (post,) = [r for r in sim.requests() if r["method"] == "POST"]
    assert post["body"] == body and post["headers"]["from"] == creds["from_email"]


def test_put_then_delete_by_id(run_action, sim):
    team_id = _teams(sim)["Payments"]["id"]
    put = run_action("rest_call", {"method": "PUT", "path": f"/teams/{team_id}",
                                   "body": {"team": {"type": "team", "description": "Checkout only"}}})
    assert put.output["body"]["team"]["description"] == "Checkout only"
    ops = run_action("rest_call", {"method": "POST", "path": "/teams",
                                   "body": {"team": {"type": "team", "name": "Ops"}}}).output["body"]["team"]
    deleted = run_action("rest_call", {"method": "DELETE", "path": f"/teams/{ops['id']}"})
    assert deleted.output["status"] == 204 and "body" not in deleted.output
    assert "Ops" not in _teams(sim)


def test_all_pages_merges_every_page_of_a_listing(run_action, sim):
    for number in range(130):
        sim.app.store.create("users", {"name": f"Bulk {number}", "email": f"bulk{number}@example.com"})
    total = len(sim.state()["users"])
    assert total > 130
    run = run_action("rest_call", {"path": "/users", "query": {"limit": 25}, "all_pages": True})
    body = run.output["body"]
    assert len(body["users"]) == total and len({u["id"] for u in body["users"]}) == total
    assert (body["more"], body["offset"], body["limit"]) == (False, 0, total)
    pages = [r for r in sim.requests() if r["path"] == "/users"]
    assert [p["query"]["offset"] for p in pages] == [[str(n)] for n in range(0, total, 100)]


def test_pagerduty_refusal_is_an_error_with_its_message(run_action, sim):
    run = run_action("rest_call", {"path": "/teams/PNOPE12"})
    assert run.exit_code == 1
    assert run.body["exception"]["cause"].startswith("GET /teams/PNOPE12: PagerDuty answered 404")


@pytest.mark.parametrize(
    ("inp", "cause"),
    [
        ({"path": "https://evil.example.com/users"},
         "The input `path` is an absolute URL; only a path under api_url is allowed, so the API key is never "
         "sent to another host."),
        ({"path": "//evil.example.com/users"},
         "The input `path` is an absolute URL; only a path under api_url is allowed, so the API key is never "
         "sent to another host."),
        ({"path": "/users/../incidents"},
         "The input `path` contains a '.' or '..' segment, which would change which route is called; got "
         "'/users/../incidents'."),
        ({"path": "/users/%2e%2e"},
         "The input `path` contains a '.' or '..' segment, which would change which route is called; got "
         "'/users/%2e%2e'."),
        ({"path": "users"}, "The input `path` must start with '/'; got 'users'."),
        ({"path": "/users?query=ada"},
         "The input `path` contains a query string or fragment; put query parameters in the input `query` "
         "instead."),
        ({"path": "/users", "all_pages": True, "method": "POST", "body": {}},
         "The input `all_pages` reads a listing, so it needs method GET; got POST."),
        ({"path": "/users", "body": {"user": {}}},
         "The input `body` is sent only with POST, PUT, PATCH, DELETE; the method is GET."),
        ({"path": "/users", "query": {"filter": {"nested": 1}}},
         "The query parameter 'filter' (input `query`) must be a string, number, boolean or a list of them; "
         "PagerDuty's query parameters are never nested objects."),
    ],
    ids=["absolute-url", "protocol-relative", "dot-dot", "encoded-dot-dot", "no-leading-slash",
         "query-in-path", "all-pages-post", "body-on-get", "nested-query"],
)
def test_bad_inputs_are_refused_before_anything_is_sent(run_action, sim, inp, cause):
    run = run_action("rest_call", inp)
    assert run.exit_code == 1
    assert run.body["exception"]["cause"] == cause
    assert sim.requests() == []


def test_bad_method_is_refused_naming_the_input(run_action, sim):
    run = run_action("rest_call", {"method": "TRACE", "path": "/users"})
    assert run.exit_code == 1
    cause = run.body["exception"]["cause"]
    # The runtime's schema check words it; it names the input, the allowed methods and the value.
    assert "method" in cause and '"GET", "POST", "PUT", "PATCH", "DELETE"' in cause and "TRACE" in cause
    assert sim.requests() == []
