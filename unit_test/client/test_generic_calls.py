"""Generic calls: get/post/put/delete unwrap PagerDuty's envelope; call() keeps status and headers;
find() matches exactly across pages; path segments are encoded and dot segments refused."""

from __future__ import annotations

import pytest

from icon_pagerduty.client import InvalidInput, NotFound, UnexpectedResponse
from icon_pagerduty.client.paths import fill, relative_path, segment

TEAM = {"id": "PTEAM01", "type": "team", "name": "Ops", "description": "Night shift"}
NOT_FOUND = {"error": {"message": "Not Found", "code": 2100}}


def teams_page(items: list[dict], offset: int, more: bool) -> dict:
    return {"teams": items, "limit": 100, "offset": offset, "more": more, "total": None}


def test_get_unwraps_the_wrapper_key(rest, fake):
    fake.expect("GET", "/teams/PTEAM01", body={"team": TEAM})
    assert rest.get("/teams/PTEAM01", "team") == TEAM


def test_get_without_a_key_returns_the_whole_body(rest, fake):
    fake.expect("GET", "/teams/PTEAM01", body={"team": TEAM})
    assert rest.get("/teams/PTEAM01") == {"team": TEAM}


def test_get_of_an_answer_without_the_key_is_unexpected(rest, fake):
    fake.expect("GET", "/teams/PTEAM01", body={"teams": [TEAM]})
    with pytest.raises(UnexpectedResponse, match=r"^GET /teams/PTEAM01: PagerDuty's answer is unusable: "
                                                 r"the answer has no `team`$"):
        rest.get("/teams/PTEAM01", "team")


def test_post_sends_the_body_as_given_with_the_from_and_unwraps(rest, fake):
    body = {"team": {"type": "team", "name": "Ops"}}
    fake.expect("POST", "/teams", json=body, headers={"From": "ops@example.com"}, status=201,
                body={"team": TEAM})
    assert rest.post("/teams", body, "team", from_email="ops@example.com") == TEAM


def test_put_unwraps_and_an_empty_answer_is_none(rest, fake):
    fake.expect("PUT", "/teams/PTEAM01", json={"team": {"name": "Ops2"}},
                body={"team": {**TEAM, "name": "Ops2"}})
    fake.expect("PUT", "/teams/PTEAM01/users/PUSER01", json=None, status=204)
    assert rest.put("/teams/PTEAM01", {"team": {"name": "Ops2"}}, "team")["name"] == "Ops2"
    assert rest.put("/teams/PTEAM01/users/PUSER01", key="team") is None


def test_delete_answers_none_on_204_and_raises_not_found(rest, fake):
    fake.expect("DELETE", "/teams/PTEAM01", status=204)
    fake.expect("DELETE", "/teams/PTEAM02", status=404, body=NOT_FOUND)
    assert rest.delete("/teams/PTEAM01") is None
    with pytest.raises(NotFound):
        rest.delete("/teams/PTEAM02")


def test_call_returns_status_lower_case_headers_and_body(rest, fake):
    fake.expect("POST", "/teams", status=201, body={"team": TEAM},
                reply_headers={"X-Request-Id": "req-1", "RateLimit-Remaining": "42"})
    reply = rest.call("POST", "/teams", json={"team": {"type": "team", "name": "Ops"}})
    assert (reply.status, reply.body) == (201, {"team": TEAM})
    assert reply.headers["x-request-id"] == "req-1" and reply.headers["ratelimit-remaining"] == "42"


def test_call_of_a_204_has_no_body(rest, fake):
    fake.expect("DELETE", "/teams/PTEAM01", status=204)
    reply = rest.call("DELETE", "/teams/PTEAM01")
    assert (reply.status, reply.body) == (204, None)


def test_find_matches_exactly_ignoring_case_across_pages(rest, fake):
    ops, devops, ops2 = (
        {"id": "P000001", "name": "Ops"},
        {"id": "P000002", "name": "DevOps"},
        {"id": "P000003", "name": "OPS"},
    )
    fake.expect("GET", "/teams", query={"query": ["ops"], "limit": ["100"], "offset": ["0"]},
                body=teams_page([ops, devops], 0, True))
    fake.expect("GET", "/teams", query={"query": ["ops"], "limit": ["100"], "offset": ["2"]},
                body=teams_page([ops2], 2, False))
    assert rest.find("/teams", "teams", "name", "ops", {"query": "ops"}) == [ops, ops2]


def test_find_compares_non_strings_exactly(rest, fake):
    fake.expect("GET", "/incidents", body={"incidents": [{"id": "Q1", "incident_number": 7},
                                                         {"id": "Q2", "incident_number": 70}],
                                           "limit": 100, "offset": 0, "more": False, "total": None})
    assert [i["id"] for i in rest.find("/incidents", "incidents", "incident_number", 7)] == ["Q1"]


# -- path segments (issue 17, point 6) -------------------------------------------------------------

@pytest.mark.parametrize("value", [".", "..", " .. "], ids=["dot", "dot-dot", "padded"])
def test_dot_segments_are_refused_naming_the_input(rest, fake, value):
    with pytest.raises(InvalidInput) as caught:
        rest.get_user(value)
    assert caught.value.cause == (
        f"The input `id` is {value.strip()!r}, which cannot be an ID: '.' and '..' would change the request "
        "path."
    )
    assert caught.value.data == {"input": "id", "value": value.strip()}
    assert fake.sent == []


def test_every_segment_is_percent_encoded(rest, fake):
    fake.expect("GET", "/users/a%2Fb%3Fc%23d%20e", body={"user": {"id": "x"}})
    rest.get_user("a/b?c#d e")


def test_fill_names_the_input_of_each_placeholder():
    assert fill("/teams/{id}/users/{user}", {"id": "PT 1", "user": "PU/2"}) == "/teams/PT%201/users/PU%2F2"
    with pytest.raises(InvalidInput, match=r"^The input `user` is '\.\.'"):
        fill("/teams/{id}/users/{user}", {"id": "PT1", "user": ".."})
    with pytest.raises(InvalidInput, match=r"^The input `user` is empty"):
        fill("/teams/{id}/users/{user}", {"id": "PT1"})


def test_a_path_built_in_code_with_a_dot_segment_is_refused_before_sending(rest, fake):
    for path in ("/users/..", "/users/%2E%2E/x", "https://api.pagerduty.com/users/."):
        with pytest.raises(InvalidInput, match=r"contains a '\.' or '\.\.' segment; refusing to send it\.$"):
            rest.get(path)
    assert fake.sent == []


def test_relative_path_re_encodes_each_segment_and_keeps_the_shape():
    assert relative_path("/incidents/Q1:é/notes") == "/incidents/Q1%3A%C3%A9/notes"
    assert relative_path("/users/a%2Fb") == "/users/a%2Fb"
    assert relative_path("/") == "/"
    assert segment("  PXPGF42 ") == "PXPGF42"


@pytest.mark.parametrize("path", ["http://127.0.0.1:9/users", "//evil/users", "users", "/a\\b", "/a\tb",
                                  "/users/.", "/users/%2e", None, 5],
                         ids=["absolute", "protocol-relative", "relative", "backslash", "tab", "dot",
                              "encoded-dot", "none", "number"])
def test_relative_path_refuses_what_could_leave_the_api(path):
    with pytest.raises(InvalidInput) as caught:
        relative_path(path, "path")
    assert caught.value.cause.startswith("The input `path` ")
    assert caught.value.data == {"input": "path", "value": path}
