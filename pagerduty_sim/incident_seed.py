"""The demo account's incidents, and a fast way to load many for benchmarks.

Demo incidents keep fixed IDs, numbers and keys (whatever else the seed creates first), so
examples and tests can name them:

| ID | # | Service | State | Key |
|---|---|---|---|---|
| PDEMO01 | 1 | Platform Gateway | triggered, high, P1, Uma, 1 alert, a note, a bridge | gateway-5xx-rate |
| PDEMO02 | 2 | Platform Gateway | acknowledged by Ulf, low, P3 | gateway-cert-expiry |
| PDEMO03 | 3 | Checkout API | resolved 40 days ago, high, P2, 1 alert, a note | checkout-payment-timeouts |
| PDEMO04 | 4 | Checkout API | resolved 45 days ago, low | (none) |

The open ones are recent (minutes and hours ago); the resolved ones are older than the default
one-month window of ``GET /incidents``, so they show with ``date_range=all`` or a ``since``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from .alerts import new_alert
from .clock import Clock
from .incident_create import new_incident
from .incident_notes import add_note
from .lifecycle import set_status
from .store import Store

DEMO_INCIDENT_IDS = ("PDEMO01", "PDEMO02", "PDEMO03", "PDEMO04")  # numbers 1 to 4
HOUR = 3600
DAY = 86400


@contextmanager
def _ago(clock: Clock, seconds: float) -> Iterator[None]:
    """Run the block with the clock ``seconds`` in the past (records get past timestamps)."""
    clock.advance(-seconds)
    try:
        yield
    finally:
        clock.advance(seconds)


def seed_incidents(store: Store) -> None:
    """Add the demo incidents of the table above."""
    names = {
        "users": {u["name"]: u["id"] for u in store.table("users").values()},
        "services": {s["name"]: s for s in store.table("services").values()},
        "priorities": {p["name"]: p["id"] for p in store.table("priorities").values()},
    }
    _seed_gateway(store, **names)
    _seed_checkout(store, **names)


def _seed_gateway(
    store: Store, users: dict[str, str], services: dict[str, Any], priorities: dict[str, str]
) -> None:
    """PDEMO01 (triggered, from an event) and PDEMO02 (acknowledged, made by hand)."""
    gateway, clock = services["Platform Gateway"], store.clock
    with _ago(clock, 25 * 60):
        first = _events_incident(
            store,
            "PDEMO01",
            gateway,
            "Gateway 5xx rate above 5%",
            "gateway-5xx-rate",
            users["Uma User"],
            priority=priorities["P1"],
            severity="critical",
            details={"error_rate": "7.2%", "region": "eu-west-1"},
        )
    first["conference_bridge"] = {
        "conference_number": "+1 415-555-0100,,,,1234#",
        "conference_url": "https://meet.example.com/gateway-5xx",
    }
    with _ago(clock, 10 * 60):
        add_note(store, first, users["Ada Admin"], "Rolling back gateway release 2024.06.1.")
    with _ago(clock, 3 * HOUR):
        second = new_incident(
            store,
            title="TLS certificate for api.example.com expires in 7 days",
            service=gateway,
            agent=("users", users["Ada Admin"]),
            channel={"type": "web_trigger"},
            urgency="low",
            incident_key="gateway-cert-expiry",
            priority=priorities["P3"],
            details="Renew it with cert-manager before the weekend freeze.",
            assignees=[users["Ulf User"]],
            record_id="PDEMO02",
        )
        second["assigned_via"] = "escalation_policy"
    with _ago(clock, 2 * HOUR):
        set_status(store, second, "acknowledged", ("users", users["Ulf User"]), reassign_to=users["Ulf User"])


def _seed_checkout(
    store: Store, users: dict[str, str], services: dict[str, Any], priorities: dict[str, str]
) -> None:
    """PDEMO03 and PDEMO04, resolved more than a month ago."""
    checkout, clock = services["Checkout API"], store.clock
    with _ago(clock, 40 * DAY):
        third = _events_incident(
            store,
            "PDEMO03",
            checkout,
            "Payment provider timeouts on /v1/charge",
            "checkout-payment-timeouts",
            users["Uma User"],
            priority=priorities["P2"],
            severity="error",
            details={"p99_ms": 12000},
        )
    arun = ("users", users["Arun Admin"])
    with _ago(clock, 40 * DAY - 10 * 60):
        set_status(store, third, "acknowledged", arun, reassign_to=arun[1])
    with _ago(clock, 40 * DAY - 30 * 60):
        add_note(store, third, arun[1], "The provider's status page confirms an outage in eu-west.")
    with _ago(clock, 40 * DAY - HOUR):
        set_status(store, third, "resolved", arun, "Failed over to the secondary payment provider.")
    ada = users["Ada Admin"]
    with _ago(clock, 45 * DAY):
        fourth = new_incident(
            store,
            title="Refund emails delayed",
            service=checkout,
            agent=("users", ada),
            channel={"type": "web_trigger"},
            urgency="low",
            incident_key=None,
            assignees=[ada],
            acknowledge_as=ada,
            record_id="PDEMO04",
        )
    with _ago(clock, 45 * DAY - 2 * HOUR):
        set_status(store, fourth, "resolved", ("users", ada), "Mail queue drained.")


def _events_incident(
    store: Store,
    record_id: str,
    service: dict[str, Any],
    title: str,
    key: str,
    assignee: str,
    *,
    priority: str,
    severity: str,
    details: dict[str, Any],
) -> dict[str, Any]:
    """An incident opened by an Events v2 trigger on ``service``, with its alert."""
    integration = next(
        i
        for i in store.table("integrations").values()
        if i["service"] == service["id"] and i["type"] == "events_api_v2_inbound_integration"
    )
    channel = {"type": "api", "summary": title, "details": details}
    incident = new_incident(
        store,
        title=title,
        service=service,
        agent=("services", service["id"]),
        channel=channel,
        urgency="high",
        incident_key=key,
        priority=priority,
        assignees=[assignee],
        record_id=record_id,
    )
    incident["assigned_via"] = "escalation_policy"  # the on-call user when it triggered
    new_alert(store, incident, integration, key, title, severity, {"custom_details": details})
    return incident


def load_incidents(
    store: Store, service_id: str, count: int, start: datetime, end: datetime, title: str = "Load test"
) -> list[str]:
    """Create ``count`` triggered incidents on a service, spread evenly over ``[start, end)``.

    For benchmarks of listings past the 10,000 offset ceiling: a client can only split a time
    window that the records spread over. Bypasses the REST limits; call with ``store.lock`` held
    or before serving. Returns the new IDs.
    """
    service = store.table("services")[service_id]
    step = (end - start) / max(count, 1)
    made = []
    for n in range(count):
        with _ago(store.clock, (store.clock.now() - (start + step * n)).total_seconds()):
            incident = new_incident(
                store,
                title=f"{title} {n + 1}",
                service=service,
                agent=("services", service_id),
                channel={"type": "api"},
                urgency="high",
                incident_key=None,
            )
        made.append(incident["id"])
    return made
