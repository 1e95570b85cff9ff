"""Notes, status updates and responder requests of an incident (§8.7, §15.5)."""

import pytest

from unit_test.pagerduty_sim.incident_helpers import error, incident, log_types, ref

# -- notes and status updates ---------------------------------------------------------------------


def test_notes_answer_201_and_list_in_order_with_their_log_entries(api):
    response = api.post("/incidents/1/notes", json={"note": {"content": "DB failover started"}})
    assert response.status_code == 201
    note = response.json()["note"]
    assert (note["content"], note["user"]["summary"]) == ("DB failover started", "Ada Admin")
    notes = api.get("/incidents/PDEMO01/notes").json()["notes"]
    assert [n["content"] for n in notes] == ["Rolling back gateway release 2024.06.1.", "DB failover started"]
    assert log_types(api, "PDEMO01")[-1] == "annotate_log_entry"


@pytest.mark.parametrize(
    "body,message",
    [
        ({"note": {"content": "  "}}, "Content can't be blank"),
        ({"content": "x"}, 'Note can\'t be blank; send {"note": {"content": "..."}}'),
        ({"note": {"content": "x" * 25001}}, "Content is too long (maximum is 25000 characters)"),
    ],
    ids=["blank", "unwrapped", "too-long"],
)
def test_bad_notes_say_what_to_send(api, body, message):
    assert error(api.post("/incidents/PDEMO01/notes", json=body)) == (
        400,
        {"message": "Invalid Input Provided", "code": 2001, "errors": [message]},
    )


def test_status_update_answers_with_its_sender(api, user_api):
    body = {"message": "Rollback done", "subject": "Gateway recovered", "html_message": "<p>Done</p>"}
    response = user_api.post("/incidents/PDEMO01/status_updates", json=body)
    assert response.status_code == 200
    update_ = response.json()["status_update"]
    assert {k: update_[k] for k in body} == body
    assert update_["sender"]["summary"] == "Ada Admin"


@pytest.mark.parametrize(
    "body,errors",
    [
        ({"message": ""}, ["Message can't be blank"]),
        (
            {"message": "x", "subject": "s"},
            ["Subject and html_message come together: give both for a custom email, or neither"],
        ),
        ({"message": "x", "subject": 1, "html_message": "<p/>"}, ["Subject must be a string"]),
    ],
    ids=["blank", "subject-alone", "subject-type"],
)
def test_bad_status_updates_name_the_field(api, body, errors):
    assert error(api.post("/incidents/PDEMO01/status_updates", json=body))[1]["errors"] == errors


# -- responder requests ---------------------------------------------------------------------------


def request_body(users, *targets, requester="Ada Admin", message="Please join the bridge"):
    return {
        "requester_id": users[requester]["id"],
        "message": message,
        "responder_request_targets": [{"responder_request_target": t} for t in targets],
    }


def test_responders_start_pending_and_show_on_the_incident(api, users, sim):
    policy = sim.state()["escalation_policies"][0]
    body = request_body(users, ref("user", users["Arun Admin"]["id"]), ref("escalation_policy", policy["id"]))
    response = api.post("/incidents/PDEMO01/responder_requests", json=body)
    assert response.status_code == 200
    request = response.json()["responder_request"]
    assert request["requester"]["summary"] == "Ada Admin"
    targets = [t["responder_request_target"] for t in request["responder_request_targets"]]
    assert [(t["type"], t["summary"]) for t in targets] == [
        ("user", "Arun Admin"),
        ("escalation_policy", policy["name"]),
    ]
    assert [r["state"] for t in targets for r in t["incidents_responders"]] == ["pending", "pending"]
    on_call = targets[1]["incidents_responders"][0]
    assert on_call["escalation_policy_requests"] == [policy["name"]]
    shown = incident(api, "PDEMO01")
    assert len(shown["incidents_responders"]) == 2
    assert shown["responder_requests"][0]["message"] == "Please join the bridge"


def test_responder_requests_need_the_coordinated_responding_ability(sim, api, users):
    sim.settings.abilities = ["teams"]
    body = request_body(users, ref("user", users["Arun Admin"]["id"]))
    assert error(api.post("/incidents/PDEMO01/responder_requests", json=body)) == (
        402,
        {
            "message": "Missing Account Ability",
            "code": 2014,
            "errors": ["The account does not have the 'coordinated_responding' ability."],
        },
    )


def test_responder_request_refusals(api, users):
    unknown_requester = {
        **request_body(users, ref("user", users["Arun Admin"]["id"])),
        "requester_id": "PNOPE12",
    }
    assert error(api.post("/incidents/PDEMO01/responder_requests", json=unknown_requester))[1]["code"] == 1008
    bad = {
        "requester_id": "",
        "message": "",
        "responder_request_targets": [{"responder_request_target": {"id": "X"}}],
    }
    assert error(api.post("/incidents/PDEMO01/responder_requests", json=bad))[1]["errors"] == [
        "Requester id can't be blank; give the ID of the user asking for help",
        "Message can't be blank",
        "Each responder request target needs an id and a type: user_reference or escalation_policy_reference",
    ]
    resolved = api.post(
        "/incidents/PDEMO03/responder_requests",
        json=request_body(users, ref("user", users["Arun Admin"]["id"])),
    )
    assert error(resolved)[1]["code"] == 1001


def test_responder_requests_take_no_from(account_api, users):
    body = request_body(users, ref("user", users["Arun Admin"]["id"]))
    assert account_api.post("/incidents/PDEMO01/responder_requests", json=body).status_code == 200
