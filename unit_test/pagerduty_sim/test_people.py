"""Users' contact methods and notification rules as PagerDuty keeps them (pagerduty-api.md §8.1)."""

from __future__ import annotations

import pytest

INVALID = {"message": "Invalid Input Provided", "code": 2001}
PHONE = {"type": "phone_contact_method", "label": "Mobile", "address": "1706543210", "country_code": 49}


@pytest.fixture
def uma(users):
    return users["Uma User"]["id"]


def methods(api, user):
    response = api.get(f"/users/{user}/contact_methods")
    assert response.status_code == 200
    return response.json()["contact_methods"]


def rules(api, user, urgency="all"):
    response = api.get(f"/users/{user}/notification_rules", params={"urgency": urgency})
    assert response.status_code == 200
    return response.json()["notification_rules"]


def add_method(api, user, **fields):
    return api.post(f"/users/{user}/contact_methods", json={"contact_method": {**PHONE, **fields}})


def add_rule(api, user, method, urgency="high", delay=0):
    body = {"start_delay_in_minutes": delay, "urgency": urgency, "contact_method": {"id": method}}
    return api.post(f"/users/{user}/notification_rules", json={"notification_rule": body})


def test_a_new_user_gets_the_default_email_method_and_a_rule_per_urgency(api):
    body = {"user": {"type": "user", "name": "Nia New", "email": "Nia.New@example.com"}}
    user = api.post("/users", json=body).json()["user"]
    [method] = methods(api, user["id"])
    assert (method["type"], method["label"], method["address"]) == (
        "email_contact_method",
        "Default",
        "Nia.New@example.com",
    )
    assert sorted(
        (r["urgency"], r["start_delay_in_minutes"], r["contact_method"]["id"]) for r in rules(api, user["id"])
    ) == [("high", 0, method["id"]), ("low", 0, method["id"])]
    assert [c["id"] for c in user["contact_methods"]] == [method["id"]]
    assert user["contact_methods"][0]["type"] == "email_contact_method_reference"


def test_the_demo_users_have_their_contact_methods(api, users):
    uma = [(m["type"], m["label"], m.get("country_code")) for m in methods(api, users["Uma User"]["id"])]
    assert uma == [
        ("email_contact_method", "Default", None),
        ("sms_contact_method", "Mobile", 49),
        ("phone_contact_method", "Mobile", 49),
    ]
    [_, push] = methods(api, users["Ulf User"]["id"])
    assert (push["type"], push["device_type"]) == ("push_notification_contact_method", "ios")
    assert "country_code" not in push and "send_short_email" not in push


@pytest.mark.parametrize(
    "fields,error",
    [
        ({"type": "email_contact_method", "address": "not-an-email"}, "Address is invalid"),
        ({"address": "170-654"}, "Address may only contain the digits 0-9 and the symbols , * #"),
        ({"type": "sms_contact_method", "address": "17065*"}, "Address may only contain the digits 0-9"),
        (
            {"address": "01706543210"},
            "Address must be in international form without the leading 0 (country code 49 is given apart)",
        ),
        (
            {"address": "14155550100", "country_code": 1},
            "Address must be in international form without the leading 1 (country code 1 is given apart)",
        ),
        (
            {"type": "sms_contact_method", "address": "15512345678", "country_code": 52},
            "Address of a Mexican SMS number must not start with 1",
        ),
        ({"address": "1" * 41}, "Address is too long (maximum is 40 characters)"),
        ({"country_code": None}, "Country code can't be blank"),
        ({"country_code": 2000}, "Country code must be between 1 and 1999"),
        ({"label": None}, "Label can't be blank"),
        (
            {"type": "fax_contact_method"},
            "Type must be one of: email_contact_method, phone_contact_method, "
            "sms_contact_method, whatsapp_contact_method, push_notification_contact_method",
        ),
    ],
    ids=[
        "email",
        "phone-chars",
        "sms-chars",
        "trunk-0",
        "trunk-1",
        "mexico-sms",
        "long",
        "no-country",
        "country-range",
        "no-label",
        "type",
    ],
)
def test_addresses_are_checked_by_type(api, uma, fields, error):
    response = add_method(api, uma, **fields)
    assert (response.status_code, response.json()) == (400, {"error": {**INVALID, "errors": [error]}})


def test_a_contact_method_is_unique_per_user(api, uma, users):
    assert add_method(api, uma).status_code == 201
    response = add_method(api, uma, label="Same number again")
    assert response.json() == {"error": {**INVALID, "errors": ["User Contact method must be unique"]}}
    assert add_method(api, users["Ulf User"]["id"]).status_code == 201  # another user may have it


def test_the_primary_email_method_cannot_be_deleted_and_follows_the_login_email(api, uma):
    primary = methods(api, uma)[0]["id"]
    response = api.delete(f"/users/{uma}/contact_methods/{primary}")
    assert response.status_code == 400
    assert "default email contact method cannot be deleted" in response.json()["error"]["errors"][0]
    assert api.put(f"/users/{uma}", json={"user": {"email": "uma@new.example.com"}}).status_code == 200
    assert methods(api, uma)[0]["address"] == "uma@new.example.com"
    moved = api.put(f"/users/{uma}/contact_methods/{primary}", json={"contact_method": {"address": "x@y.zz"}})
    assert moved.status_code == 400


def test_deleting_a_contact_method_deletes_its_rules(api, uma):
    method = add_method(api, uma).json()["contact_method"]["id"]
    rule = add_rule(api, uma, method, delay=5).json()["notification_rule"]["id"]
    assert api.delete(f"/users/{uma}/contact_methods/{method}").status_code == 204
    assert api.get(f"/users/{uma}/notification_rules/{rule}").status_code == 404
    assert method not in [c["id"] for c in api.get(f"/users/{uma}").json()["user"]["contact_methods"]]


def test_records_of_another_user_are_not_found(api, uma, users):
    ada = users["Ada Admin"]["id"]
    method = methods(api, ada)[0]["id"]
    assert api.get(f"/users/{uma}/contact_methods/{method}").status_code == 404
    assert api.delete(f"/users/{uma}/contact_methods/{method}").status_code == 404
    assert api.get("/users/PNOPE12/contact_methods").status_code == 404
    response = add_rule(api, uma, method)
    assert response.json()["error"]["errors"] == [f"Contact method {method} not found for this user"]


def test_rules_list_high_urgency_unless_asked(api, uma):
    assert {r["urgency"] for r in rules(api, uma, urgency="high")} == {"high"}
    default = api.get(f"/users/{uma}/notification_rules").json()["notification_rules"]
    assert default == rules(api, uma, urgency="high")
    assert {r["urgency"] for r in rules(api, uma)} == {"high", "low"}
    response = api.get(f"/users/{uma}/notification_rules?urgency=urgent")
    assert (response.status_code, response.json()["error"]["code"]) == (400, 2002)


def test_rule_includes_expand_the_contact_method(api, uma):
    [rule, *_] = api.get(f"/users/{uma}/notification_rules?include[]=contact_methods").json()[
        "notification_rules"
    ]
    assert rule["contact_method"]["type"] == "email_contact_method"
    assert rule["contact_method"]["address"] == "uma.user@example.com"
    assert rule["summary"] == f"0 minutes: channel {rule['contact_method']['id']}"


def test_rule_checks(api, sim, uma):
    method = methods(api, uma)[1]["id"]
    response = add_rule(api, uma, method, delay=-1)
    assert response.json()["error"]["errors"] == ["Start delay in minutes must be greater than or equal to 0"]
    sim.settings.abilities = ["teams"]
    response = add_rule(api, uma, method, urgency="low")
    assert (response.status_code, response.json()["error"]["code"]) == (402, 2014)
    created = add_rule(api, uma, method, delay=2)
    assert created.status_code == 201
    assert created.json()["notification_rule"]["contact_method"]["type"] == "sms_contact_method_reference"


def test_user_includes_expand_contact_methods_and_rules(api, uma):
    plain = api.get(f"/users/{uma}").json()["user"]
    assert {c["html_url"] for c in plain["contact_methods"] + plain["notification_rules"]} == {None}
    query = "include[]=contact_methods&include[]=notification_rules&query=uma"
    [user] = api.get(f"/users?{query}").json()["users"]
    assert [c["address"] for c in user["contact_methods"]][:2] == ["uma.user@example.com", "1701234567"]
    assert {r["type"] for r in user["notification_rules"]} == {"assignment_notification_rule"}


def test_deleting_a_user_deletes_their_contact_methods_and_rules(api, sim, users):
    rita = users["Rita Restricted"]["id"]
    assert api.delete(f"/users/{rita}").status_code == 204
    state = sim.state()
    assert [m for m in state["contact_methods"] if f"/users/{rita}/" in m["self"]] == []
    assert [r for r in state["notification_rules"] if f"/users/{rita}/" in r["self"]] == []
