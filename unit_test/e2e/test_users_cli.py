"""User actions through the real CLI against the simulator: success and failure paths."""

import requests

from unit_test.e2e.conftest import incidents

ADA = {"email": "ada.lovelace@example.com", "name": "Ada Lovelace", "role": "user", "job_title": "Engineer"}


def _users(sim):
    return {u["email"]: u for u in sim.state()["users"]}


def test_create_user_returns_the_user_and_sends_the_requester(run_action, sim, creds):
    run = run_action("create_user", ADA)
    assert run.exit_code == 0 and run.output["success"] is True
    user = run.output["user"]
    assert (user["name"], user["email"], user["role"], user["job_title"]) == (
        "Ada Lovelace", "ada.lovelace@example.com", "user", "Engineer")
    assert _users(sim)["ada.lovelace@example.com"]["id"] == user["id"]
    (post,) = [r for r in sim.requests() if r["method"] == "POST"]
    assert post["headers"]["from"] == creds["from_email"]


def test_create_user_with_invalid_email_names_the_field(run_action, sim):
    run = run_action("create_user", {**ADA, "email": "ada-at-example"})
    assert run.exit_code == 1
    assert run.body["exception"]["cause"] == "input.email: 'ada-at-example' is not a valid email address."
    assert sim.requests() == []


def test_account_key_without_any_requester_says_which_input_to_set(run_action, connection, sim):
    del connection["from_email"]
    run = run_action("create_user", ADA, connection)
    assert run.exit_code == 1
    assert "`from_email`" in run.body["exception"]["assistance"]
    assert not any(r["method"] == "POST" for r in sim.requests())


def test_user_key_needs_no_requester(run_action, connection, creds):
    connection = {**connection, "api_key": {"secretKey": creds["user_token"]}}
    del connection["from_email"]
    assert run_action("create_user", ADA, connection).output["success"] is True


def test_duplicate_email_names_the_existing_user(run_action):
    first = run_action("create_user", ADA).output["user"]
    run = run_action("create_user", ADA)
    assert run.exit_code == 1
    assert run.body["exception"]["cause"].startswith("POST /users: PagerDuty rejected the request: ")
    assert run.body["exception"]["assistance"] == (
        f"A user with email ada.lovelace@example.com exists already: Ada Lovelace ({first['id']}). "
        "Use that user, or set if_exists to return to get it back instead of an error.")


def test_if_exists_return_gives_the_existing_user_back(run_action, sim):
    first = run_action("create_user", ADA).output
    assert first["created"] is True
    again = run_action("create_user", {**ADA, "if_exists": "return"})
    assert again.exit_code == 0
    assert again.output == {"user": first["user"], "success": True, "created": False}
    assert len([u for u in sim.state()["users"] if u["email"] == ADA["email"]]) == 1


def test_a_create_whose_answer_was_lost_looks_before_reporting(run_action, sim):
    """A proxy page instead of PagerDuty's 201: the user exists, so the step succeeds."""
    sim.add_fault(method="POST", path="/users", non_json=True, count=1)
    run = run_action("create_user", ADA)
    assert run.exit_code == 0, run.body
    assert run.output["user"]["id"] == _users(sim)["ada.lovelace@example.com"]["id"]
    assert "was found by its email ada.lovelace@example.com" in run.body["log"]


def test_get_user_by_email_is_exact_and_ignores_case(run_action):
    run_action("create_user", ADA)
    run_action("create_user", {**ADA, "email": "ada.lovelace@example.com.au", "name": "Ada Two"})
    found = run_action("get_user_by_email", {"email": "ADA.LOVELACE@example.com"}).output
    assert found["found"] is True and found["user"]["name"] == "Ada Lovelace"
    assert run_action("get_user_by_email", {"email": "ada@example.com"}).output == {"found": False}


def test_get_user_by_email_finds_a_user_beyond_the_first_page(run_action, sim, creds):
    session = requests.Session()
    session.headers.update({
        "Authorization": f"Token token={creds['account_token']}",
        "From": creds["from_email"],
        "Accept": "application/vnd.pagerduty+json;version=2",
    })
    for i in range(120):  # all match the query "target@example.com" as a substring
        session.post(f"{sim.url}/users", json={"user": {"type": "user", "name": f"Decoy {i}",
                                                        "email": f"x{i}.target@example.com"}}, timeout=10)
    session.post(f"{sim.url}/users", json={"user": {"type": "user", "name": "Target",
                                                    "email": "target@example.com"}}, timeout=10)
    run = run_action("get_user_by_email", {"email": "target@example.com"})
    assert run.output["user"]["name"] == "Target"
    pages = [r for r in sim.requests() if r["method"] == "GET" and r["path"] == "/users"]
    assert [p["query"]["offset"] for p in pages] == [["0"], ["100"]]


def test_get_user_by_id_found_and_not_found(run_action):
    user = run_action("create_user", ADA).output["user"]
    assert run_action("get_user_by_id", {"id": user["id"]}).output == {"found": True, "user": user}
    assert run_action("get_user_by_id", {"id": "PNOPE12"}).output == {"found": False}


def test_delete_user_returns_it_as_it_was(run_action, sim):
    user = run_action("create_user", ADA).output["user"]
    run = run_action("delete_user_by_id", {"id": user["id"]})
    assert run.output == {"success": True, "found": True, "user": user}
    assert "ada.lovelace@example.com" not in _users(sim)


def test_deleting_a_user_who_is_gone_already_succeeds_with_found_false(run_action, sim):
    user = run_action("create_user", ADA).output["user"]
    assert run_action("delete_user_by_id", {"id": user["id"]}).output["found"] is True
    again = run_action("delete_user_by_id", {"id": user["id"]})
    assert (again.exit_code, again.output) == (0, {"success": True, "found": False})
    assert f"No user with ID {user['id']}: it is gone already" in again.body["log"]


def test_delete_user_with_open_incidents_says_what_to_do(run_action, sim):
    run_action("send_trigger_event", {"description": "x"})
    assignee = incidents(sim)[0]["assignments"][0]["assignee"]["id"]
    run = run_action("delete_user_by_id", {"id": assignee})
    assert run.exit_code == 1
    assert run.body["exception"]["assistance"].startswith(
        "PagerDuty refuses to delete a user who has open incidents assigned")
    assert assignee in {u["id"] for u in sim.state()["users"]}


def test_missing_required_input_names_the_field(run_action, sim):
    run = run_action("get_user_by_id", {"id": ""})
    assert run.exit_code == 1
    assert "input.id" in run.body["exception"]["cause"]
    assert sim.requests() == []


def test_delete_that_timed_out_but_happened_is_reported_as_done(run_action, connection, sim):
    user = run_action("create_user", ADA).output["user"]
    sim.add_fault(method="DELETE", path="/users/*", delay=1.5, count=1)  # answered after the timeout
    run = run_action("delete_user_by_id", {"id": user["id"]}, {**connection, "read_timeout": 1})
    assert run.output == {"success": True, "found": True, "user": user}
    assert [r["method"] for r in sim.requests() if r["method"] == "DELETE"] == ["DELETE", "DELETE"]
