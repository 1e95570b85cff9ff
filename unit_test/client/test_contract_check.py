"""The fake transport checks every request against PagerDuty's official OpenAPI."""

from __future__ import annotations

import pytest

NO_SPECS = "PagerDuty OpenAPI specs not found at ../shared/pagerduty-openapi/; requests not contract-checked"
ACCEPT = {"Accept": "application/vnd.pagerduty+json;version=2"}


def test_requests_are_checked_against_the_official_openapi(openapi_check):
    if openapi_check is None:
        pytest.skip(NO_SPECS)
    assert openapi_check("GET", "/users/PXYZ123", {"include[]": ["teams"]}, ACCEPT, None) == []
    assert openapi_check("GET", "/no/such/thing", {}, {}, None) == [
        "GET /no/such/thing: no such operation in the official OpenAPI"
    ]


def test_the_fake_transport_fails_a_request_that_breaks_the_contract(fake, session):
    if fake.check_request is None:
        pytest.skip(NO_SPECS)
    with pytest.raises(AssertionError, match=r"^GET /no/such/thing breaks the OpenAPI contract: "):
        session.get("https://api.pagerduty.com/no/such/thing", timeout=1)
    fake.problems.clear()
