"""The resolver against the simulator's demo seed: PagerDuty's `query` narrows, the resolver decides."""

from __future__ import annotations

import pytest

from icon_pagerduty.client import InvalidInput, RestClient


@pytest.fixture
def resolver(sim):
    rest = RestClient(sim.credentials()["account_token"], base_url=sim.url)
    yield rest.resolver()
    rest.close()


def ids(sim, table: str) -> dict[str, str]:
    return {row.get("email") or row["name"]: row["id"] for row in sim.state()[table]}


def test_every_kind_resolves_with_one_request_each(sim, resolver):
    wanted = [
        ("user", "ADA.admin@example.com", ids(sim, "users")["ada.admin@example.com"]),
        ("service", "checkout api", ids(sim, "services")["Checkout API"]),
        ("escalation_policy", "platform escalation", ids(sim, "escalation_policies")["Platform Escalation"]),
        ("schedule", "PLATFORM primary", ids(sim, "schedules")["Platform Primary"]),
        ("team", "payments", ids(sim, "teams")["Payments"]),
        ("priority", "P1", ids(sim, "priorities")["P1"]),
    ]
    before = len(sim.requests())
    assert [resolver.resolve(kind, value, kind) for kind, value, _ in wanted] == [i for _, _, i in wanted]
    assert len(sim.requests()) - before == len(wanted)


def test_a_substring_is_not_a_match(resolver):
    # PagerDuty's query finds "Platform Gateway" for "Platform"; there is no service named "Platform".
    with pytest.raises(InvalidInput, match=r"^No service named 'Platform' \(input `service`\)"):
        resolver.resolve("service", "Platform", "service")
