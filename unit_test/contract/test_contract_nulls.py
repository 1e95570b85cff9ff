"""The checker judges each null by PagerDuty's rule instead of dropping every null before validating:
optional fields may be null, arrays, booleans and required fields may not, and the web and API URLs
of objects and references are always filled (the documents mark them nullable)."""

import copy

import pytest

from unit_test.openapi_contract import contract

USER = {"id": "PABC123", "type": "user", "name": "Ann", "email": "a@b.cd",
        "self": "https://api.pagerduty.com/users/PABC123", "html_url": "https://acme.pagerduty.com/users/PABC123"}
WHERE = "GET /users/PABC123 -> 200"


@pytest.fixture(scope="module")
def c():
    return contract()


def problems(c, user):
    return c.response_problems("GET", "/users/PABC123", 200, {"user": user})


def test_a_null_optional_text_is_accepted_and_the_body_left_as_sent(c):
    user = {**USER, "description": None, "job_title": None}
    sent = copy.deepcopy(user)
    assert problems(c, user) == [] and user == sent


@pytest.mark.parametrize(("field", "expected"), [("invitation_sent", "boolean"), ("teams", "array")])
def test_a_null_boolean_or_array_is_reported(c, field, expected):
    assert problems(c, {**USER, field: None}) == [
        f"{WHERE}: body.user.{field}: None for not nullable",
        f"{WHERE}: body.user.{field}: None is not of type '{expected}'",
    ]


def test_a_null_web_url_is_reported_on_objects_and_references(c):
    team = {"id": "PT4KHLK", "type": "team_reference", "self": "https://api.pagerduty.com/teams/PT4KHLK",
            "html_url": None}
    assert problems(c, {**USER, "html_url": None, "teams": [team]}) == [
        f"{WHERE}: body.user.html_url: null, where PagerDuty gives a URL",
        f"{WHERE}: body.user.teams.0.html_url: null, where PagerDuty gives a URL",
    ]


def test_contact_methods_have_no_web_page(c):
    method = {"id": "PC1", "type": "email_contact_method_reference",
              "self": "https://api.pagerduty.com/users/PABC123/contact_methods/PC1", "html_url": None}
    assert problems(c, {**USER, "contact_methods": [method]}) == []
