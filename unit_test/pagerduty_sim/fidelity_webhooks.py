"""Fidelity scenarios for webhook subscriptions v3: list, create, get, update, delete, enable, ping.

``test_fidelity.py`` calls ``add(scenario)`` with its decorator, so these scenarios join its
registry (and its route-coverage test). The URLs are outside loopback, so nothing is delivered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

URL = "https://hooks.example.com/pagerduty"
_RECORDED: list[tuple[str, str, int, bool, Callable[[Any], Any]]] = []


def _scenario(method: str, template: str, status: int, valid_request: bool = True):
    def record(run: Callable[[Any], Any]) -> Callable[[Any], Any]:
        _RECORDED.append((method, template, status, valid_request, run))
        return run

    return record


def add(scenario) -> None:
    """Register this module's scenarios with ``scenario`` (test_fidelity's decorator)."""
    for method, template, status, valid_request, run in _RECORDED:
        scenario(method, template, status, valid_request)(run)


def body(c: Any, **fields: Any) -> dict[str, Any]:
    return {
        "webhook_subscription": {
            "type": "webhook_subscription",
            "delivery_method": {
                "type": "http_delivery_method",
                "url": URL,
                "custom_headers": [{"name": "X-Team", "value": "payments"}],
            },
            "description": "Checkout incidents to the ticketing bridge",
            "events": ["incident.triggered", "incident.resolved"],
            "filter": {"type": "service_reference", "id": c.service},
            **fields,
        }
    }


def new_subscription(c: Any) -> str:
    response = c.api.post("/webhook_subscriptions", json=body(c))
    assert response.status_code == 200, response.text
    return response.json()["webhook_subscription"]["id"]


@_scenario("GET", "/webhook_subscriptions", 200)
def list_webhook_subscriptions_of_a_service(c):
    new_subscription(c)
    return c.call(
        "GET", f"/webhook_subscriptions?filter_type=service&filter_id={c.service}&total=true", c.api
    )


@_scenario("POST", "/webhook_subscriptions", 200)
def create_webhook_subscription(c):
    return c.call("POST", "/webhook_subscriptions", c.api, body(c))


@_scenario("POST", "/webhook_subscriptions", 200)
def create_account_webhook_subscription(c):
    return c.call("POST", "/webhook_subscriptions", c.api, body(c, filter={"type": "account_reference"}))


@_scenario("POST", "/webhook_subscriptions", 400, valid_request=False)
def create_webhook_subscription_without_events(c):
    return c.call("POST", "/webhook_subscriptions", c.api, body(c, events=[]))


@_scenario("GET", "/webhook_subscriptions/{id}", 200)
def get_webhook_subscription(c):
    return c.call("GET", f"/webhook_subscriptions/{new_subscription(c)}", c.api)


@_scenario("GET", "/webhook_subscriptions/{id}", 404)
def get_unknown_webhook_subscription(c):
    return c.call("GET", "/webhook_subscriptions/PNOPE12", c.api)


@_scenario("PUT", "/webhook_subscriptions/{id}", 200)
def update_webhook_subscription(c):
    change = {"webhook_subscription": {"events": ["incident.acknowledged"], "active": False}}
    return c.call("PUT", f"/webhook_subscriptions/{new_subscription(c)}", c.api, change)


@_scenario("PUT", "/webhook_subscriptions/{id}", 400)
def update_webhook_subscription_with_unknown_team(c):
    change = {"webhook_subscription": {"filter": {"type": "team_reference", "id": "PNOPE12"}}}
    return c.call("PUT", f"/webhook_subscriptions/{new_subscription(c)}", c.api, change)


@_scenario("DELETE", "/webhook_subscriptions/{id}", 204)
def delete_webhook_subscription(c):
    return c.call("DELETE", f"/webhook_subscriptions/{new_subscription(c)}", c.api)


@_scenario("POST", "/webhook_subscriptions/{id}/enable", 200)
def enable_webhook_subscription(c):
    return c.call("POST", f"/webhook_subscriptions/{new_subscription(c)}/enable", c.api)


@_scenario("POST", "/webhook_subscriptions/{id}/ping", 202)
def ping_webhook_subscription(c):
    return c.call("POST", f"/webhook_subscriptions/{new_subscription(c)}/ping", c.api)


@_scenario("POST", "/webhook_subscriptions/{id}/ping", 404)
def ping_unknown_webhook_subscription(c):
    return c.call("POST", "/webhook_subscriptions/PNOPE12/ping", c.api)
