"""Declarative REST actions: what each method sends and returns, with the fake transport."""

from __future__ import annotations

import types
from types import SimpleNamespace
from typing import Any

import pytest

from actionkit import InputError
from actionkit.model import Model
from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.client import InvalidInput, MissingFrom, NotFound, RestClient
from unit_test.client.conftest import CANARY_KEY

TEAM = {"id": "PTEAM01", "type": "team", "name": "Ops"}
NOT_FOUND = {"error": {"message": "Not Found", "code": 2100}}
ACCOUNT_LEVEL = {"error": {"message": "Because this request was made using an account-level access token, "
                                      "we were unable to determine the user's identity.", "code": 2001}}


def model(class_name: str, /, **properties: str) -> type[Model]:
    """A Model whose schema declares ``properties`` (name=type)."""
    schema = {"type": "object", "properties": {k: {"type": t} for k, t in properties.items()}}
    return type(class_name, (Model,), {"SCHEMA": schema, "__slots__": ()})


ListIn = model("ListIn", query="string", teams="array", include="array", limit="integer")
ListOut = model("ListOut", users="array", count="integer", truncated="boolean")
GetIn = model("GetIn", id="string")
FoundOut = model("FoundOut", found="boolean", team="object")
TeamOut = model("TeamOut", team="object")
WriteIn = model("WriteIn", id="string", name="string", description="string", parent="string",
                from_email="string")
WriteOut = model("WriteOut", team="object", success="boolean")
DeleteOut = model("DeleteOut", success="boolean")


class ListUsers(RestAction[ListIn, ListOut]):
    method, path, key = "GET", "/users", "users"
    rename = {"teams": "team_ids[]", "include": "include[]"}


class GetTeam(RestAction[GetIn, FoundOut]):
    method, path, key = "GET", "/teams/{id}", "team"


class GetTeamStrict(RestAction[GetIn, TeamOut]):
    method, path, key = "GET", "/teams/{id}", "team"


class CreateTeam(RestAction[WriteIn, WriteOut]):
    method, path, key = "POST", "/teams", "team"
    fixed = {"type": "team"}
    references = {"parent": "team_reference"}


class UpdateTeam(RestAction[WriteIn, WriteOut]):
    method, path, key = "PUT", "/teams/{id}", "team"


class DeleteTeam(RestAction[GetIn, DeleteOut]):
    method, path = "DELETE", "/teams/{id}"


def run(action: type[RestAction], rest: RestClient, **inputs: Any) -> dict:
    instance = action()
    instance.connection = SimpleNamespace(rest=rest)
    return instance.run(action.__orig_bases__[0].__args__[0](inputs))


def users(first: int, count: int) -> list[dict]:
    return [{"id": f"P{n:06d}", "type": "user"} for n in range(first, first + count)]


def users_page(items: list[dict], offset: int, more: bool) -> dict:
    return {"users": items, "limit": 100, "offset": offset, "more": more, "total": None}


# -- GET of a list ---------------------------------------------------------------------------------

def test_list_reads_every_page_with_renamed_and_list_parameters(rest, fake):
    query = {"query": ["ada"], "team_ids[]": ["PT1", "PT2"], "include[]": ["teams"]}
    fake.expect("GET", "/users", query={**query, "limit": ["100"], "offset": ["0"]},
                body=users_page(users(0, 100), 0, True))
    fake.expect("GET", "/users", query={**query, "limit": ["100"], "offset": ["100"]},
                body=users_page(users(100, 20), 100, False))
    out = run(ListUsers, rest, query="ada", teams=["PT1", "PT2"], include=["teams"], limit=0)
    assert out == {"users": users(0, 120), "count": 120, "truncated": False}


def test_list_with_a_limit_reads_one_more_to_say_truncated(rest, fake):
    fake.expect("GET", "/users", query={"limit": ["6"], "offset": ["0"]},
                body=users_page(users(0, 6), 0, True))
    assert run(ListUsers, rest, limit=5) == {"users": users(0, 5), "count": 5, "truncated": True}


def test_list_with_a_limit_not_reached_is_not_truncated(rest, fake):
    fake.expect("GET", "/users", body=users_page(users(0, 3), 0, False))
    assert run(ListUsers, rest, limit=5) == {"users": users(0, 3), "count": 3, "truncated": False}


def test_a_negative_limit_is_an_input_error(rest, fake):
    with pytest.raises(InputError, match=r"^The input `limit` must be 0 \(all\) or a positive number"):
        run(ListUsers, rest, limit=-1)


# -- GET of one ------------------------------------------------------------------------------------

def test_get_one_fills_the_path_and_says_found(rest, fake):
    fake.expect("GET", "/teams/PTEAM01", query={}, body={"team": TEAM})
    assert run(GetTeam, rest, id="PTEAM01") == {"team": TEAM, "found": True}


def test_get_one_404_is_found_false_when_the_output_declares_found(rest, fake):
    fake.expect("GET", "/teams/PNOPE12", status=404, body=NOT_FOUND)
    assert run(GetTeam, rest, id="PNOPE12") == {"found": False}


def test_get_one_404_otherwise_names_the_missing_object(rest, fake):
    fake.expect("GET", "/teams/PNOPE12", status=404, body=NOT_FOUND)
    with pytest.raises(NotFound) as caught:
        run(GetTeamStrict, rest, id="PNOPE12")
    assert caught.value.assistance == (
        "No team with id 'PNOPE12' is visible to this API key; check the input `id`."
    )


def test_a_dot_dot_id_is_refused_naming_the_input_before_sending(rest, fake):
    with pytest.raises(InvalidInput, match=r"^The input `id` is '\.\.', which cannot be an ID"):
        run(GetTeam, rest, id="..")
    assert fake.sent == []


def test_path_values_are_percent_encoded(rest, fake):
    fake.expect("GET", "/teams/A%2FB", body={"team": TEAM})
    run(GetTeam, rest, id="A/B")


# -- writes ------------------------------------------------------------------------------------------

def test_create_wraps_the_inputs_drops_none_and_sends_the_from(rest, fake):
    body = {"team": {"name": "Ops", "parent": {"id": "PTEAM00", "type": "team_reference"}, "type": "team"}}
    fake.expect("POST", "/teams", json=body, headers={"From": "ops@example.com"}, status=201,
                body={"team": TEAM})
    out = run(CreateTeam, rest, name="Ops", description=None, parent="PTEAM00", from_email="ops@example.com")
    assert out == {"team": TEAM, "success": True}


def test_create_with_an_account_key_and_no_requester_names_the_input(rest, fake):
    fake.expect("GET", "/users/me", status=400, body=ACCOUNT_LEVEL)
    with pytest.raises(MissingFrom, match=r"account-level"):
        run(CreateTeam, rest, name="Ops")
    assert [s.method for s in fake.sent] == ["GET"]


def test_update_sends_the_inputs_not_in_the_path(rest, fake, session, policy):
    default_from = RestClient(CANARY_KEY, session=session, retry=policy, from_email="bot@example.com")
    fake.expect("PUT", "/teams/PTEAM01", json={"team": {"description": "Night"}},
                headers={"From": "bot@example.com"}, body={"team": {**TEAM, "description": "Night"}})
    out = run(UpdateTeam, default_from, id="PTEAM01", description="Night")
    assert out == {"team": {**TEAM, "description": "Night"}, "success": True}


def test_delete_answers_success(rest, fake):
    fake.expect("DELETE", "/teams/PTEAM01", status=204)
    assert run(DeleteTeam, rest, id="PTEAM01") == {"success": True}


def test_delete_of_a_missing_object_names_it(rest, fake):
    fake.expect("DELETE", "/teams/PNOPE12", status=404, body=NOT_FOUND)
    with pytest.raises(NotFound) as caught:
        run(DeleteTeam, rest, id="PNOPE12")
    assert "No team with id 'PNOPE12'" in caught.value.assistance


# -- declarations are checked when the action is defined ---------------------------------------------

@pytest.mark.parametrize(("attributes", "problem"), [
    ({"method": "GET", "path": "/teams/{team_id}", "key": "team"},
     "path placeholder {team_id} is not an input"),
    ({"method": "GET", "path": "/teams/{id}", "key": "teams"}, "the output declares no 'teams'"),
    ({"method": "FETCH", "path": "/teams/{id}", "key": "team"}, "method 'FETCH' is not one of"),
    ({"method": "GET", "path": "teams/{id}", "key": "team"}, "path 'teams/{id}' must start with '/'"),
    ({"method": "GET", "path": "/teams/{id}", "key": None}, "key (PagerDuty's wrapper key) is required"),
    ({"method": "GET", "path": "/teams/{id}", "key": "team", "rename": {"nme": "name"}},
     "rename/references names 'nme', which is not an input"),
], ids=["placeholder", "key", "method", "path", "no-key", "rename"])
def test_a_wrong_declaration_fails_at_import_naming_the_problem(attributes, problem):
    with pytest.raises(TypeError) as caught:
        types.new_class("Broken", (RestAction[GetIn, TeamOut],), exec_body=lambda ns: ns.update(attributes))
    assert problem in str(caught.value) and "Broken" in str(caught.value)
