"""Webhook actions through the CLI entry point, in process, against the simulator: verifying
signatures (rotation, tampering, malformed headers), a webhook delivered by the simulator verified
end to end, and the subscription actions' bad inputs and PagerDuty's refusals."""

from __future__ import annotations

import json

import pytest

from unit_test.e2e import golden
from unit_test.pagerduty_sim.webhook_helpers import Receiver

# The reference's test vectors (pagerduty-api.md §12.3).
BODY = '{"event":{"id":"EVT1","event_type":"incident.triggered"}}'
OLD = "9c353c2f60624a05f73a0b70c2352707caee9945d04fc013c13e9d0b7e774eb0"
NEW = "f99b00bd2a2578b233067ea33a3a9e29564c75ccd854f7e0d89d45e29288439c"


@pytest.fixture
def act(connection, monkeypatch, secrets):
    """``act(action, input)``: one action_start through the CLI in process; no secret printed."""

    def run(action, inp, conn=None):
        body = {"action": action, "meta": {}, "connection": conn or connection, "input": inp}
        result = golden.cli_in_process({"type": "action_start", "version": "v1", "body": body}, monkeypatch)
        for secret in secrets:
            assert secret not in result.stdout and secret not in result.stderr, "a secret was printed"
        return result

    return run


def verify(act, body, signature, *secrets):
    run = act(
        "verify_webhook",
        {"body": body, "signature": signature, "secrets": [{"secretKey": s} for s in secrets]},
    )
    assert run.exit_code == 0, run.envelope
    return run.envelope["body"]["output"], run.stdout


def error_of(run):
    assert run.exit_code == 1, run.envelope
    return run.envelope["body"]["exception"]


# -- verify_webhook ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signature", "secrets"),
    [
        (f"v1={OLD}", ["test-secret"]),
        (f"v1={OLD},v1={NEW}", ["new-secret"]),
        (f"v1={OLD}, v1={NEW}", ["test-secret"]),
        (f"v2=abc,v1={NEW.upper()}", ["old-one", "new-secret"]),
    ],
    ids=["one", "rotation-new-secret", "rotation-old-secret-spaces", "other-version-upper-case"],
)
def test_a_matching_v1_signature_is_valid(act, signature, secrets):
    output, stdout = verify(act, BODY, signature, *secrets)
    assert output == {"valid": True, "event": {"id": "EVT1", "event_type": "incident.triggered"}}
    assert all(secret not in stdout for secret in secrets)  # the secrets are credentials: masked


@pytest.mark.parametrize(
    ("body", "signature", "reason"),
    [
        (
            BODY.replace("EVT1", "EVT2"),
            f"v1={OLD}",
            "No v1 signature matches the secrets: the body was changed, or signed with another secret",
        ),
        (
            json.dumps(json.loads(BODY)),
            f"v1={OLD}",
            "No v1 signature matches the secrets: the body was changed, or signed with another secret",
        ),
        (BODY, "sha256=abc", "The signature header holds no v1=<64 hex digits> value"),
        (BODY, "v1=not-hex, v1=", "The signature header holds no v1=<64 hex digits> value"),
    ],
    ids=["tampered", "re-serialised", "no-v1", "malformed"],
)
def test_an_unmatched_or_malformed_signature_is_invalid_not_an_error(act, body, signature, reason):
    output, _ = verify(act, body, signature, "test-secret")
    assert output == {"valid": False, "reason": reason}


def test_a_signed_body_that_is_no_webhook_is_invalid(act):
    output, _ = verify(act, "[1, 2]", "v1=" + _sign("s3cret-value", "[1, 2]"), "s3cret-value")
    assert output == {
        "valid": False,
        "reason": 'The body is signed but is not a webhook: it has no {"event": {...}}',
    }


def test_missing_signature_names_the_input(act):
    run = act("verify_webhook", {"body": BODY, "secrets": [{"secretKey": "test-secret"}]})
    assert "signature" in error_of(run)["cause"]


def test_a_webhook_from_the_simulator_verifies_end_to_end(act, sim):
    receiver = Receiver().start()
    try:
        created = act("create_webhook_subscription", {"url": receiver.url, "events": ["incident.triggered"]})
        secret = created.envelope["body"]["output"]["secret"]
        _open_incident(sim, "Checkout API", "Checkout is down")
        assert sim.wait_webhooks(5)
        ((headers, raw),) = receiver.received
    finally:
        receiver.stop()
    output, _ = verify(act, raw.decode("utf-8"), headers["x-pagerduty-signature"], secret)
    assert output["valid"] is True
    assert (output["event"]["event_type"], output["event"]["data"]["title"]) == (
        "incident.triggered",
        "Checkout is down",
    )
    tampered, _ = verify(
        act, raw.decode("utf-8").replace("Checkout", "Checkin"), headers["x-pagerduty-signature"], secret
    )
    assert tampered["valid"] is False


# -- subscriptions: bad inputs and refusals ---------------------------------------------------------


def test_an_unknown_service_name_is_an_input_error_naming_it(act, sim):
    run = act(
        "create_webhook_subscription",
        {"url": "https://t.example.com", "events": ["incident.triggered"], "service": "Chekout API"},
    )
    assert "service" in error_of(run)["cause"] and "Chekout API" in error_of(run)["cause"]
    assert not any(r["method"] == "POST" for r in sim.requests())


def test_an_unknown_team_name_is_an_input_error_naming_it(act, sim):
    # Team names are unique in PagerDuty (ignoring case), so a team name is never ambiguous.
    _post(sim, "/teams", {"team": {"type": "team", "name": "Night Shift"}})
    run = act("list_webhook_subscriptions", {"team": "Night Shift Two"})
    cause = error_of(run)["cause"] + error_of(run)["assistance"]
    assert "team" in cause and "Night Shift Two" in cause


def test_service_and_team_together_are_refused_naming_both(act):
    run = act(
        "create_webhook_subscription",
        {
            "url": "https://t.example.com",
            "events": ["incident.triggered"],
            "service": "Checkout API",
            "team": "Payments",
        },
    )
    assert error_of(run)["cause"] == (
        "The inputs `service` and `team` each choose whose incidents are sent; give one of them."
    )


def test_an_unknown_event_type_is_refused_before_any_request(act, sim):
    run = act(
        "create_webhook_subscription", {"url": "https://t.example.com", "events": ["incident.exploded"]}
    )
    assert "events" in error_of(run)["cause"]
    assert sim.requests() == []


def test_pagerduty_refusing_the_url_is_explained(act):
    run = act("create_webhook_subscription", {"url": "ftp://t.example.com", "events": ["incident.triggered"]})
    exception = error_of(run)
    assert exception["cause"].startswith("POST /webhook_subscriptions: PagerDuty rejected the request")
    assert "Delivery method url must be an http:// or https:// URL" in exception["cause"] + exception["data"]


@pytest.mark.parametrize(
    "action", ["update_webhook_subscription", "delete_webhook_subscription", "test_webhook_subscription"]
)
def test_an_unknown_subscription_says_which_input(act, action):
    inp = {"id": "PNOPE12", **({"active": False} if action.startswith("update") else {})}
    assert "`id`" in error_of(act(action, inp))["assistance"]


def test_an_update_with_nothing_to_change_is_refused(act, sim):
    run = act("update_webhook_subscription", {"id": "PWHDEMO"})
    assert error_of(run)["cause"].startswith("Nothing to change")
    assert sim.requests() == []


def test_a_ping_reaches_the_url(act, sim):
    receiver = Receiver().start()
    try:
        created = act("create_webhook_subscription", {"url": receiver.url, "events": ["incident.resolved"]})
        ident = created.envelope["body"]["output"]["webhook_subscription"]["id"]
        assert act("test_webhook_subscription", {"id": ident}).envelope["body"]["output"] == {"success": True}
        assert sim.wait_webhooks(5)
        assert [event["event_type"] for event in receiver.events()] == ["pagey.ping"]
    finally:
        receiver.stop()


def test_the_secret_is_shown_at_creation_only(act):
    created = act(
        "create_webhook_subscription", {"url": "https://t.example.com", "events": ["incident.triggered"]}
    )
    secret = created.envelope["body"]["output"]["secret"]
    listed = act("list_webhook_subscriptions", {})
    assert listed.envelope["body"]["output"]["count"] == 2
    assert secret not in listed.stdout


# -- helpers --------------------------------------------------------------------------------------


def _sign(secret, body):
    import hashlib
    import hmac

    return hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()


def _post(sim, path, body):
    import requests

    creds = sim.credentials()
    headers = {
        "Authorization": f"Token token={creds['account_token']}",
        "From": creds["from_email"],
        "Accept": "application/vnd.pagerduty+json;version=2",
    }
    response = requests.post(sim.url + path, json=body, headers=headers, timeout=10)
    assert response.status_code in (200, 201), response.text
    return response.json()


def _open_incident(sim, service_name, title):
    service = next(s for s in sim.state()["services"] if s["name"] == service_name)
    ref = {"id": service["id"], "type": "service_reference"}
    return _post(sim, "/incidents", {"incident": {"type": "incident", "title": title, "service": ref}})
