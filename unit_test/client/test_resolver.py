"""The resolver: IDs pass untouched, names and emails become IDs with one request each, cached per call;
no match and several matches are input errors naming the input and the value."""

from __future__ import annotations

import pytest

from icon_pagerduty.client import InvalidInput
from icon_pagerduty.client.resolver import KINDS, Kind, Resolver, looks_like_id


def page(key: str, items: list[dict]) -> dict:
    return {key: items, "limit": 100, "offset": 0, "more": False, "total": None}


def one_page(query: str) -> dict[str, list[str]]:
    return {"query": [query], "limit": ["100"], "offset": ["0"]}


@pytest.mark.parametrize("value", ["PXPGF42", "P0A1B2C", "Q3X6MJ1LUKD6QW"], ids=["classic", "digits", "long"])
def test_ids_pass_unchanged_without_a_request(rest, fake, value):
    assert rest.resolver().resolve("service", value, "service") == value
    assert fake.sent == []


@pytest.mark.parametrize("value", ["P1", "Checkout", "pxpgf42", "PXPGF4", "Payments Team", "PXPGF42X"],
                         ids=["priority-name", "word", "lower-case", "six", "spaces", "eight"])
def test_names_are_not_mistaken_for_ids(value):
    assert not looks_like_id(value)


def test_service_by_exact_name_ignoring_case(rest, fake):
    fake.expect("GET", "/services", query=one_page("checkout"), body=page("services", [
        {"id": "PSVC001", "name": "Checkout API"}, {"id": "PSVC002", "name": "Checkout"}]))
    assert rest.resolver().resolve("service", "checkout", "service") == "PSVC002"


def test_user_by_email_exact_and_ignoring_case(rest, fake):
    fake.expect("GET", "/users", query=one_page("Ada@Example.com"), body=page("users", [
        {"id": "PUSER01", "name": "Ada", "email": "ada@example.com.au"},
        {"id": "PUSER02", "name": "Ada", "email": "ada@example.com"}]))
    assert rest.resolver().resolve("user", "Ada@Example.com", "user") == "PUSER02"


def test_user_without_an_at_sign_is_looked_up_by_name(rest, fake):
    fake.expect("GET", "/users", query=one_page("Ada Lovelace"), body=page("users", [
        {"id": "PUSER02", "name": "Ada Lovelace", "email": "ada@example.com"}]))
    assert rest.resolver().resolve("user", "Ada Lovelace", "users[0]") == "PUSER02"


def test_priorities_are_listed_without_query_and_p1_is_a_name(rest, fake):
    fake.expect("GET", "/priorities", query={"limit": ["100"], "offset": ["0"]}, body=page("priorities", [
        {"id": "PPRI001", "name": "P1"}, {"id": "PPRI002", "name": "P2"}]))
    assert rest.resolver().resolve("priority", "p1", "priority") == "PPRI001"


@pytest.mark.parametrize(("kind", "path", "key"), [
    ("escalation_policy", "/escalation_policies", "escalation_policies"),
    ("schedule", "/schedules", "schedules"),
    ("team", "/teams", "teams"),
], ids=["escalation_policy", "schedule", "team"])
def test_other_kinds_by_name_through_their_collection(rest, fake, kind, path, key):
    found = [{"id": "PABC123", "name": "Platform"}]
    fake.expect("GET", path, query=one_page("Platform"), body=page(key, found))
    assert rest.resolver().resolve(kind, "Platform", kind) == "PABC123"


def test_each_value_is_looked_up_once_per_call(rest, fake):
    ops = [{"id": "PTEAM01", "name": "Ops"}]
    fake.expect("GET", "/teams", query=one_page("Ops"), body=page("teams", ops))
    resolver = rest.resolver()
    assert [resolver.resolve("team", v, "teams") for v in ("Ops", "ops", " OPS ")] == ["PTEAM01"] * 3
    assert len(fake.sent) == 1
    # A new call gets a new resolver, so a renamed team is not served from an old answer.
    renamed = [{"id": "PTEAM09", "name": "Ops"}]
    fake.expect("GET", "/teams", query=one_page("Ops"), body=page("teams", renamed))
    assert rest.resolver().resolve("team", "Ops", "team") == "PTEAM09"


def test_no_match_names_the_input_and_the_value(rest, fake):
    fake.expect("GET", "/services", body=page("services", [{"id": "PSVC001", "name": "Checkout API"}]))
    with pytest.raises(InvalidInput) as caught:
        rest.resolver().resolve("service", "Checkout", "service")
    error = caught.value
    assert error.kind == "input"
    assert error.cause == "No service named 'Checkout' (input `service`) is visible to this API key."
    assert error.assistance == "Check the name in `service`, or give the service's PagerDuty ID."
    assert error.data == {"input": "service", "value": "Checkout"}


def test_no_user_with_an_email(rest, fake):
    fake.expect("GET", "/users", body=page("users", []))
    with pytest.raises(InvalidInput, match=r"^No user with email 'nobody@example\.com' \(input `user`\) is "
                                           r"visible to this API key\.$"):
        rest.resolver().resolve("user", "nobody@example.com", "user")


def test_several_matches_list_the_candidates_with_their_ids(rest, fake):
    fake.expect("GET", "/escalation_policies", body=page("escalation_policies", [
        {"id": "PEP0001", "name": "Ops"},
        {"id": "PEP0002", "name": "OPS"},
        {"id": "PEP0003", "name": "Ops 2"},
    ]))
    with pytest.raises(InvalidInput) as caught:
        rest.resolver().resolve("escalation_policy", "ops", "escalation_policy")
    assert caught.value.cause == (
        "2 escalation policies match 'ops' (input `escalation_policy`): PEP0001 (Ops), PEP0002 (OPS)."
    )
    assert caught.value.assistance == "Set `escalation_policy` to the ID of the one you mean."
    candidates = [{"id": "PEP0001", "name": "Ops"}, {"id": "PEP0002", "name": "OPS"}]
    assert caught.value.data["candidates"] == candidates


def test_an_empty_value_is_an_input_error(rest, fake):
    with pytest.raises(InvalidInput, match=r"^The input `team` is empty; give the team's name or ID\.$"):
        rest.resolver().resolve("team", "  ", "team")


def test_an_unknown_kind_is_a_defect_not_an_input_error(rest):
    with pytest.raises(ValueError, match=r"^Unknown kind 'galaxy' to resolve \(input `x`\); known kinds: "):
        rest.resolver().resolve("galaxy", "Milky Way", "x")


def test_a_kind_is_one_table_entry(rest, fake):
    kinds = {**KINDS, "vendor": Kind("/vendors", "vendors", query=False)}
    fake.expect("GET", "/vendors", query={"limit": ["100"], "offset": ["0"]},
                body=page("vendors", [{"id": "PVEN001", "name": "Datadog"}]))
    assert Resolver(rest, kinds).resolve("vendor", "datadog", "vendor") == "PVEN001"


def test_the_connection_gives_a_fresh_resolver_per_call(rest):
    from icon_pagerduty.connection.connection import Connection

    connection = Connection()
    connection.rest = rest
    first, second = connection.resolver(), connection.resolver()
    assert isinstance(first, Resolver) and first is not second and first.rest is rest
