"""People actions through the CLI entry point, in process, against the demo simulator: bad inputs,
PagerDuty's refusals explained, read-only keys, the access review and the connection test.

The happy paths are the golden messages (``messages/<action>.json``).
"""

from __future__ import annotations

from typing import Any

import pytest

from actionkit.testing import PluginHarness
from icon_pagerduty.client.access import ROLE_TITLES, role_title
from unit_test.e2e import golden


@pytest.fixture
def run(sim, connection, monkeypatch):
    """``run(action, input, key="account_token")``: the envelope body of one CLI run."""

    def send(action: str, inp: dict[str, Any], key: str = "account_token") -> dict[str, Any]:
        conn = {**connection, "api_key": {"secretKey": sim.credentials()[key]}}
        message = {
            "type": "action_start",
            "version": "v1",
            "body": {"action": action, "meta": {}, "connection": conn, "input": inp},
        }
        result = golden.cli_in_process(message, monkeypatch)
        body = result.envelope["body"]
        assert (result.exit_code == 0) == (body["status"] == "ok")
        return body

    return send


def writes(sim) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in sim.requests() if r["method"] != "GET"]


# -- names for IDs -----------------------------------------------------------------------------------


def test_an_unknown_user_names_the_input(run, sim):
    body = run("list_contact_methods", {"user": "nobody@example.com"})
    assert body["exception"]["cause"] == (
        "No user with email 'nobody@example.com' (input `user`) is visible to this API key."
    )


def test_an_ambiguous_user_name_lists_the_candidates(run, sim):
    ok = run(
        "rest_call",
        {
            "method": "POST",
            "path": "/users",
            "body": {"user": {"type": "user", "name": "Uma User", "email": "uma2@example.com"}},
        },
    )
    assert ok["status"] == "ok"
    body = run("list_contact_methods", {"user": "Uma User"})
    assert body["exception"]["cause"].startswith("2 users match 'Uma User' (input `user`): ")
    assert body["exception"]["assistance"] == "Set `user` to the ID of the one you mean."


def test_an_unknown_team_names_the_input(run):
    body = run("add_team_member", {"team": "Search", "user": "uma.user@example.com"})
    assert body["exception"]["cause"] == "No team named 'Search' (input `team`) is visible to this API key."


def test_a_contact_method_label_shared_by_two_lists_both(run, sim):
    body = run("delete_contact_method", {"user": "uma.user@example.com", "id": "mobile"})
    cause = body["exception"]["cause"]
    assert cause.startswith("2 contact methods of user ") and "(input `id`)" in cause
    assert "(Mobile: 1701234567)" in cause
    assert writes(sim) == []


def test_an_unknown_contact_method_lists_the_users_methods(run, sim):
    body = run("create_notification_rule", {"user": "ada.admin@example.com", "contact_method": "Pager"})
    assert (
        "no contact method with ID, label or address 'Pager' (input `contact_method`)"
        in (body["exception"]["cause"])
    )
    assert "(Work phone: 4155550100)" in body["exception"]["assistance"]
    assert writes(sim) == []


# -- missing and invalid inputs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "action,inp,said",
    [
        ("create_contact_method", {"user": "uma.user@example.com", "type": "sms"}, "address"),
        ("add_team_member", {"team": "Platform"}, "user"),
        ("create_team", {"description": "No name"}, "name"),
        ("update_user", {"name": "Nobody"}, "id"),
    ],
    ids=["create_contact_method", "add_team_member", "create_team", "update_user"],
)
def test_a_missing_required_input_is_named(run, sim, action, inp, said):
    body = run(action, inp)
    assert body["status"] == "error"
    assert f"input.{said}" in body["exception"]["cause"] or f"`{said}`" in body["exception"]["cause"]
    assert writes(sim) == []


def test_a_phone_needs_its_country_code_before_anything_is_sent(run, sim):
    body = run(
        "create_contact_method", {"user": "uma.user@example.com", "type": "phone", "address": "4155550123"}
    )
    assert body["exception"]["cause"] == (
        "A phone contact method needs `country_code`, the number's country calling code."
    )
    assert writes(sim) == []


def test_nothing_to_change_is_refused(run, sim):
    body = run("update_user", {"id": "uma.user@example.com"})
    assert body["exception"]["assistance"].startswith("Give at least one of name, email, role")
    body = run("update_team", {"id": "Platform"})
    assert body["exception"]["assistance"] == "Give at least one of name, description, parent."
    assert writes(sim) == []


def test_owner_is_not_a_role_to_give(run, sim):
    body = run("update_user", {"id": "uma.user@example.com", "role": "owner"})
    assert "input.role" in body["exception"]["cause"]
    assert writes(sim) == []


# -- PagerDuty's refusals, explained -----------------------------------------------------------------


def test_a_number_in_the_wrong_form_is_explained(run):
    body = run(
        "create_contact_method",
        {"user": "uma.user@example.com", "type": "sms", "address": "+44 7700 900123", "country_code": 44},
    )
    assert "Address may only contain the digits 0-9" in body["exception"]["cause"]
    assert "UK 07700 900123 is country_code 44 and address 7700900123" in body["exception"]["assistance"]


def test_a_duplicate_contact_method_is_explained(run):
    inp = {"user": "uma.user@example.com", "type": "sms", "address": "1701234567", "country_code": 49}
    body = run("create_contact_method", inp)
    assert "User Contact method must be unique" in body["exception"]["cause"]
    assert "has this sms contact method already" in body["exception"]["assistance"]


def test_the_default_email_is_not_deleted(run, sim):
    body = run("delete_contact_method", {"user": "uma.user@example.com", "id": "Default"})
    assert body["exception"]["assistance"].startswith("This is the user's default email contact method")
    assert len([m for m in sim.state()["contact_methods"] if m["address"] == "uma.user@example.com"]) == 1


def test_deleting_a_team_in_use_says_what_to_move(run):
    body = run("delete_team", {"id": "Platform"})
    assert "(code 6006)" in body["exception"]["cause"] or "code 6006" in body["exception"]["cause"]
    assert body["exception"]["assistance"].startswith("The team is still used: move its escalation policies")


def test_a_duplicate_team_name_names_the_existing_team(run, sim):
    platform = {t["name"]: t["id"] for t in sim.state()["teams"]}["Platform"]
    body = run("create_team", {"name": "platform"})
    assert body["exception"]["assistance"] == (
        f"A team named 'platform' exists already: Platform ({platform}). "
        "Use that team, or choose another name."
    )


def test_a_full_stakeholder_cannot_join_a_team(run):
    body = run("add_team_member", {"team": "Platform", "user": "rory.readonly@example.com"})
    assert "read_only_user (Full Stakeholder) cannot join a team" in body["exception"]["assistance"]


def test_the_owner_keeps_the_role(run):
    body = run("update_user", {"id": "olivia.owner@example.com", "role": "admin"})
    assert "The account owner's role cannot be changed" in body["exception"]["cause"]


def test_get_current_user_with_an_account_key_says_which_key_to_use(run):
    body = run("get_current_user", {})
    assert body["exception"]["cause"].startswith(
        "The connection's API key is account-level: it belongs to no user"
    )
    assert "user-level API key" in body["exception"]["assistance"]


def test_get_current_user_with_an_observer_key(run):
    user = run("get_current_user", {}, key="observer_token")["output"]["user"]
    assert (user["name"], user["role"], user["role_title"]) == ("Olga Observer", "observer", "Observer")


# -- read-only keys ----------------------------------------------------------------------------------

WRITES = [
    ("update_user", {"id": "uma.user@example.com", "job_title": "Staff Engineer"}),
    (
        "create_contact_method",
        {"user": "uma.user@example.com", "type": "email", "address": "u@x.example.com"},
    ),
    ("delete_contact_method", {"user": "uma.user@example.com", "id": "Mobile"}),
    ("create_notification_rule", {"user": "ada.admin@example.com", "contact_method": "Work phone"}),
    ("delete_notification_rule", {"user": "uma.user@example.com", "id": "PNOPE12"}),
    ("create_team", {"name": "Search"}),
    ("update_team", {"id": "Payments", "name": "Billing"}),
    ("delete_team", {"id": "Payments"}),
    ("add_team_member", {"team": "Platform", "user": "lee.limited@example.com"}),
    ("remove_team_member", {"team": "Platform", "user": "uma.user@example.com"}),
]


@pytest.mark.parametrize("action,inp", WRITES, ids=[w[0] for w in WRITES])
def test_a_write_with_a_read_only_key_says_so_and_what_key_is_needed(run, sim, action, inp):
    if action == "delete_contact_method":
        inp = {**inp, "id": "Default"}  # one match: the label shared by two would stop it earlier
    before = sim.state()
    body = run(action, inp, key="read_only_token")
    assert "403 Forbidden (code 2010)" in body["exception"]["cause"]
    assistance = body["exception"]["assistance"]
    assert assistance.startswith("The connection's API key is a read-only account-level key")
    assert "Use a full-access key" in assistance
    after = sim.state()
    assert [after[t] for t in ("users", "teams", "contact_methods", "notification_rules")] == [
        before[t] for t in ("users", "teams", "contact_methods", "notification_rules")
    ]


def test_a_write_with_an_observer_key_names_the_user_and_role(run):
    body = run("create_team", {"name": "Search"}, key="observer_token")
    assert body["exception"]["assistance"].startswith(
        "The connection's API key is a user-level key of Olga Observer (olga.observer@example.com), "
        "whose role Observer can only read, so the key is read-only."
    )


@pytest.mark.parametrize(
    "action,inp",
    [
        ("list_users", {"include": ["contact_methods"]}),
        ("list_teams", {}),
        ("get_team", {"id": "Platform"}),
        ("list_team_members", {"team": "Payments"}),
        ("list_contact_methods", {"user": "uma.user@example.com"}),
        ("list_notification_rules", {"user": "uma.user@example.com"}),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_reading_actions_work_with_a_read_only_key(run, sim, action, inp):
    assert run(action, inp, key="read_only_token")["status"] == "ok"
    assert writes(sim) == []


# -- the access review -------------------------------------------------------------------------------


def test_the_access_review_has_every_user_their_role_and_team_roles(run, sim):
    output = run("get_access_review", {}, key="read_only_token")["output"]
    users = {u["email"]: u for u in output["users"]}
    assert (output["count"], output["teams_read"], len(users)) == (11, 2, 11)
    ada, olga, olivia = (users[f"{n}@example.com"] for n in ("ada.admin", "olga.observer", "olivia.owner"))
    assert (ada["role"], ada["role_title"], ada["teams"]) == (
        "admin",
        "Global Admin",
        [{"id": ada["teams"][0]["id"], "name": "Platform", "role": "manager"}],
    )
    assert [(t["name"], t["role"]) for t in olga["teams"]] == [("Payments", "observer")]
    assert (olivia["role_title"], olivia["teams"]) == ("Account Owner", [])
    assert {r["method"] for r in sim.requests()} == {"GET"}


def test_the_access_review_reads_every_page(run, sim):
    store = sim.app.store
    with store.lock:
        for n in range(140):
            store.create("users", {"name": f"Temp {n:03}", "email": f"temp{n:03}@example.com"})
    output = run("get_access_review", {}, key="read_only_token")["output"]
    assert output["count"] == 151
    pages = [r["query"].get("offset") for r in sim.requests() if r["path"] == "/users"]
    assert pages == [["0"], ["100"]]


def test_the_access_review_without_the_teams_feature_lists_account_roles(run, sim):
    sim.settings.abilities = []
    sim.add_fault(method="GET", path="/teams", status=402, count=1)
    output = run("get_access_review", {})["output"]
    assert (output["count"], output["teams_read"]) == (11, 0)
    assert all(u["teams"] == [] for u in output["users"])


def test_every_role_has_its_web_app_title():
    assert role_title("limited_user") == "Responder" and role_title("read_only_user") == "Full Stakeholder"
    assert set(ROLE_TITLES) == {
        "admin",
        "limited_user",
        "observer",
        "owner",
        "read_only_user",
        "restricted_access",
        "read_only_limited_user",
        "user",
    }
    assert role_title("future_role") == "future_role"


# -- the connection test -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key,message",
    [
        (
            "read_only_token",
            "The API key works; it is a read-only account-level key. Actions that change "
            "PagerDuty will fail with it; reading actions work.",
        ),
        (
            "user_token",
            "The API key works; it is a user-level key of Ada Admin (ada.admin@example.com), role "
            "Global Admin (admin), full access as the role allows.",
        ),
        (
            "observer_token",
            "The API key works; it is a user-level key of Olga Observer (olga.observer@example.com), "
            "role Observer (observer), read-only: the role can only read. Actions that change PagerDuty "
            "will fail with it; reading actions work.",
        ),
    ],
    ids=["read-only-account", "user", "observer-user"],
)
def test_the_connection_test_says_what_the_key_is(sim, connection, key, message):
    conn = {**connection, "api_key": {"secretKey": sim.credentials()[key]}}
    before = sim.state()["users"]
    output = PluginHarness("icon_pagerduty", connection=conn).test_connection()
    assert output == {"success": True, "message": message}
    assert sim.state()["users"] == before  # the read-only probe changes nothing


def test_unknown_ids_say_what_is_missing(run):
    body = run("delete_contact_method", {"user": "uma.user@example.com", "id": "PNOPE12"})
    assert body["exception"]["cause"].endswith("has no contact method PNOPE12 (input `id`).")
    body = run("remove_team_member", {"team": "PNOPE12", "user": "uma.user@example.com"})
    assert body["exception"]["assistance"].startswith("No team 'PNOPE12' or no user ")
    body = run("get_team", {"id": "PNOPE12"})
    assert body["exception"]["assistance"] == (
        "No team with id 'PNOPE12' is visible to this API key; check the input `id`."
    )
