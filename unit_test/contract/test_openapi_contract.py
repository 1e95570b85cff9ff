"""The contract checker itself: it must catch what matters and pass what PagerDuty accepts."""

import pytest

from unit_test.openapi_contract import contract

HEADERS = {
    "Accept": "application/vnd.pagerduty+json;version=2",
    "Authorization": "Token token=y_Nab3+Qk-7XbW2mT9cR",
    "Content-Type": "application/json",
}


@pytest.fixture(scope="module")
def c():
    return contract()


def test_a_well_formed_list_request_passes(c):
    query = {"query": ["ann"], "limit": ["100"], "offset": ["0"], "include[]": ["teams", "contact_methods"]}
    assert c.request_problems("GET", "/users", query, HEADERS) == []


def test_capitalised_boolean_and_unknown_parameter_are_caught(c):
    problems = c.request_problems("GET", "/users", {"total": ["True"], "bogus": ["1"]}, HEADERS)
    assert problems == [
        "GET /users: query parameter 'total'='True' is not a lower-case boolean ('true' or 'false')",
        "GET /users: query parameter 'bogus' is not documented for this operation",
    ]


def test_missing_accept_header_is_caught(c):
    assert c.request_problems("GET", "/users/PABC123", {}, {}) == [
        "GET /users/PABC123: Accept header must be 'application/vnd.pagerduty+json;version=2', got None"
    ]


def test_literal_segment_wins_over_parameter(c):
    assert c.operation("GET", "/users/me").template == "/users/me"


def test_create_body_is_validated_but_partial_update_is_allowed(c):
    bad = {"user": {"type": "user", "name": "Ann", "email": "ann@example.com", "role": "boss"}}
    problems = c.request_problems("POST", "/users", {}, HEADERS, bad)
    assert len(problems) == 1 and problems[0].startswith("POST /users: body.user.role: 'boss' is not one of")
    assert c.request_problems("PUT", "/users/PABC123", {}, HEADERS, {"user": {"name": "Bo"}}) == []


def test_unknown_operation_is_reported(c):
    assert c.request_problems("GET", "/userz", {}, HEADERS) == [
        "GET /userz: no such operation in the official OpenAPI"
    ]


def test_response_body_is_validated(c):
    body = {"user": {"id": "PABC123", "type": "user", "name": "Ann", "email": "a@b.cd", "role": "boss"}}
    problems = c.response_problems("GET", "/users/PABC123", 200, body)
    assert len(problems) == 1 and "body.user.role: 'boss' is not one of" in problems[0]


@pytest.mark.parametrize(
    ("status", "body", "ok"),
    [
        (404, {"error": {"message": "Not Found", "code": 2100}}, True),
        (404, {"oops": 1}, False),
        (400, {"error": {"message": "User has open incidents", "code": 2001}}, True),  # undocumented 400
        (400, {"error": {"message": "no code"}}, False),
    ],
    ids=["documented-404", "malformed-404", "undocumented-400", "error-without-code"],
)
def test_error_bodies_must_have_pagerduty_shape(c, status, body, ok):
    assert (c.response_problems("DELETE", "/users/PABC123", status, body) == []) is ok


def test_events_v2_responses_including_undocumented_error_schema(c):
    accepted = {"status": "success", "message": "Event processed", "dedup_key": "k"}
    assert c.response_problems("POST", "/v2/enqueue", 202, accepted) == []
    invalid = {"status": "invalid event", "message": "Event object is invalid", "errors": ["x"]}
    assert c.response_problems("POST", "/v2/enqueue", 400, invalid) == []
    assert c.response_problems("POST", "/v2/enqueue", 400, {"error": "x"}) != []


def test_live_success_codes_are_accepted(c):
    # POST /schedules is documented as 201 but answers 200: the 200 is checked against the 201 schema.
    assert c.response_problems("POST", "/schedules", 200, {"schedule": {"type": "schedule"}}) == [
        "POST /schedules -> 200: body.schedule: 'time_zone' is a required property"
    ]
    assert c.response_problems("POST", "/users", 200, {"user": {}}) == [
        "POST /users -> 200: status 200 is not documented for this operation"
    ]


def test_null_optional_fields_are_accepted_but_required_ones_are_not(c):
    user = {"id": "PABC123", "type": "user", "name": "Ann", "email": "a@b.cd", "description": None}
    assert c.response_problems("GET", "/users/PABC123", 200, {"user": user}) == []
    assert c.response_problems("GET", "/users/PABC123", 200, {"user": None}) == [
        "GET /users/PABC123 -> 200: body.(root): 'user' is a required property"
    ]


def test_log_entry_channels_need_a_type(c):
    entry = {"id": "Q02JTSNZWHSEKV", "type": "trigger_log_entry", "created_at": "2026-01-01T00:00:00Z",
             "channel": {"summary": "no type"}}
    assert c.response_problems("GET", "/log_entries/Q02JTSNZWHSEKV", 200, {"log_entry": entry}) == [
        "GET /log_entries/Q02JTSNZWHSEKV -> 200: a log entry channel has no type: {'summary': 'no type'}"
    ]
    entry["channel"] = {"type": "api"}
    assert c.response_problems("GET", "/log_entries/Q02JTSNZWHSEKV", 200, {"log_entry": entry}) == []
