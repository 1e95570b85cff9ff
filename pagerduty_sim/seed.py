"""Seeds: ``demo`` (a small realistic account) and ``empty`` (only the owner and the keys).

The seed runs right after the ID generator is reset, so every reset gives the same IDs, API
keys and routing keys. Returns the credentials served by ``GET /_sim/credentials``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .clock import iso
from .extensions import seed_schemas
from .incident_seed import seed_incidents
from .people_seed import seed_people
from .services import EVENTS_V1, EVENTS_V2
from .store import Store
from .webhooks import seed_demo as seed_webhook_subscriptions

SEEDS = ("demo", "empty")
DEMO_USERS = (
    # name, email, role, job title
    ("Olivia Owner", "olivia.owner@example.com", "owner", "Head of Operations"),
    ("Ada Admin", "ada.admin@example.com", "admin", "SRE Lead"),
    ("Arun Admin", "arun.admin@example.com", "admin", "Platform Engineer"),
    ("Uma User", "uma.user@example.com", "user", "Backend Engineer"),
    ("Ulf User", "ulf.user@example.com", "user", "Backend Engineer"),
    ("Lee Limited", "lee.limited@example.com", "limited_user", "Support Engineer"),
    ("Liam Limited", "liam.limited@example.com", "limited_user", "Support Engineer"),
    ("Olga Observer", "olga.observer@example.com", "observer", "Product Manager"),
    ("Omar Observer", "omar.observer@example.com", "observer", "Engineering Manager"),
    ("Rory Readonly", "rory.readonly@example.com", "read_only_user", "Auditor"),
    ("Rita Restricted", "rita.restricted@example.com", "restricted_access", "Contractor"),
)
PRIORITIES = (
    ("P1", "Critical: customer-facing outage"),
    ("P2", "High: major degradation"),
    ("P3", "Moderate: partial degradation"),
    ("P4", "Low: minor issue"),
    ("P5", "Informational"),
)


def load_seed(store: Store, seed: str) -> dict[str, Any]:
    """Fill the (cleared) store; returns ``{account_token, user_token, from_email, routing_keys, ...}``."""
    credentials = _load(store, seed)
    seed_people(store, credentials, demo=seed == "demo")
    return credentials


def _load(store: Store, seed: str) -> dict[str, Any]:
    if seed not in SEEDS:
        raise ValueError(f"unknown seed '{seed}'; choose one of: {', '.join(SEEDS)}")
    ids = _seed_users(store, DEMO_USERS if seed == "demo" else DEMO_USERS[:2])
    admin = ids["admin"]
    credentials = _seed_keys(store, admin)
    seed_schemas(store)
    if seed == "empty":
        return credentials
    observer_token = store.ids.api_key()
    store.api_keys[observer_token] = {
        "kind": "user",
        "user": ids["observer"],
        "label": "Olga Observer's user key",
    }
    credentials["observer_token"] = observer_token
    for name, description in PRIORITIES:
        store.create("priorities", {"name": name, "description": description})
    platform, payments = _seed_teams(store, ids)
    policy = _seed_platform_on_call(store, ids, platform["id"])
    _seed_services(store, credentials, policy["id"], platform["id"], payments["id"])
    seed_incidents(store)
    _seed_plumbing(store, admin)
    _seed_database_on_call(store, ids, payments["id"])
    seed_webhook_subscriptions(store)
    return credentials


def _seed_users(store: Store, users: tuple[tuple[str, str, str, str], ...]) -> dict[str, str]:
    """Create ``users``; returns their IDs by role, the second user of a role as ``<role>2``."""
    ids: dict[str, str] = {}
    for name, email, role, title in users:
        record = store.create(
            "users",
            {
                "name": name,
                "email": email,
                "role": role,
                "job_title": title,
                "time_zone": "Europe/Berlin",
                "description": f"{title} (seeded)",
            },
        )
        ids[role if role not in ids else f"{role}2"] = record["id"]
    return ids


def _seed_keys(store: Store, admin: str) -> dict[str, Any]:
    """The account key, and the admin's user key and OAuth token; returns the credentials so far."""
    account_token = store.ids.api_key()
    user_token = store.ids.api_key()
    oauth_token = store.ids.oauth_token()
    store.api_keys[account_token] = {"kind": "account", "user": None, "label": "account-level key"}
    store.api_keys[user_token] = {"kind": "user", "user": admin, "label": "Ada Admin's user key"}
    store.api_keys[oauth_token] = {"kind": "oauth", "user": admin, "label": "Ada Admin's OAuth token"}
    return {
        "account_token": account_token,
        "user_token": user_token,
        "from_email": store.table("users")[admin]["email"],
        "routing_keys": {},
        "oauth_token": oauth_token,
        "events_v1_keys": {},
    }


def _seed_teams(store: Store, ids: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Platform and Payments, each with a manager and members; returns both records."""
    platform = store.create("teams", {"name": "Platform", "description": "Runs the shared platform"})
    payments = store.create("teams", {"name": "Payments", "description": "Owns checkout and billing"})
    platform["members"] = [
        {"user": ids["admin"], "role": "manager"},
        {"user": ids["user"], "role": "responder"},
        {"user": ids["user2"], "role": "responder"},
    ]
    payments["members"] = [
        {"user": ids["admin2"], "role": "manager"},
        {"user": ids["limited_user"], "role": "responder"},
        {"user": ids["observer"], "role": "observer"},
    ]
    return platform, payments


def _seed_platform_on_call(store: Store, ids: dict[str, str], team: str) -> dict[str, Any]:
    """Platform Primary (the two users, weekly) and Platform Escalation, the demo services' policy.

    Returns the policy.
    """
    layer = {
        "name": "Weekly rotation",
        "start": "2024-01-01T09:00:00Z",
        "rotation_virtual_start": "2024-01-01T09:00:00Z",
        "rotation_turn_length_seconds": 7 * 86400,
        "users": [
            {"user": {"id": ids["user"], "type": "user_reference"}},
            {"user": {"id": ids["user2"], "type": "user_reference"}},
        ],
    }
    schedule = store.create(
        "schedules",
        {
            "name": "Platform Primary",
            "time_zone": "Europe/Berlin",
            "description": "Primary on-call for the platform",
            "schedule_layers": [layer],
            "teams": [{"id": team}],
        },
    )
    return store.create(
        "escalation_policies",
        {
            "name": "Platform Escalation",
            "description": "Primary on call, then the SRE lead",
            "num_loops": 1,
            "escalation_rules": [
                {
                    "escalation_delay_in_minutes": 30,
                    "targets": [{"id": schedule["id"], "type": "schedule_reference"}],
                },
                {
                    "escalation_delay_in_minutes": 30,
                    "targets": [{"id": ids["admin"], "type": "user_reference"}],
                },
            ],
            "teams": [{"id": team, "type": "team_reference"}],
        },
    )


def _seed_services(
    store: Store, credentials: dict[str, Any], policy: str, platform: str, payments: str
) -> None:
    """Checkout API and Platform Gateway, each with an Events v2 and a v1 integration.

    Their keys go into ``credentials`` under the service's name.
    """
    for service_name, team, description in (
        ("Checkout API", payments, "Takes orders and payments"),
        ("Platform Gateway", platform, "Edge gateway for every public API"),
    ):
        service = store.create(
            "services",
            {
                "name": service_name,
                "description": description,
                "escalation_policy": {"id": policy, "type": "escalation_policy_reference"},
                "teams": [{"id": team, "type": "team_reference"}],
                "auto_resolve_timeout": 14400,
                "acknowledgement_timeout": 1800,
            },
        )
        v2 = store.create("integrations", {"type": EVENTS_V2, "name": "Events API v2"}, service=service["id"])
        v1 = store.create("integrations", {"type": EVENTS_V1, "name": "Events API v1"}, service=service["id"])
        credentials["routing_keys"][service_name] = v2["integration_key"]
        credentials["events_v1_keys"][service_name] = v1["integration_key"]


def _seed_database_on_call(store: Store, ids: dict[str, str], team: str) -> None:
    """A New York schedule with a daily rotation and a weekend layer, and a policy no service uses.

    Seeded last so every ID and key made before it stays what it was. The zone has daylight
    saving (hand-offs stay at 09:00 local); the policy can be deleted, unlike Platform Escalation.
    """
    schedule = store.create(
        "schedules",
        {
            "name": "Database On-Call",
            "time_zone": "America/New_York",
            "description": "Arun and Ada hand over daily at 09:00 New York time; Uma covers weekends",
            "schedule_layers": _database_layers(ids),
            "teams": [{"id": team}],
        },
    )
    store.create(
        "escalation_policies",
        {
            "name": "Database Escalation",
            "description": "Database on call, then Arun",
            "num_loops": 0,
            "escalation_rules": [
                {
                    "escalation_delay_in_minutes": 15,
                    "targets": [{"id": schedule["id"], "type": "schedule_reference"}],
                },
                {
                    "escalation_delay_in_minutes": 15,
                    "targets": [{"id": ids["admin2"], "type": "user_reference"}],
                },
            ],
            "teams": [{"id": team, "type": "team_reference"}],
        },
    )


def _database_layers(ids: dict[str, str]) -> list[dict[str, Any]]:
    """The Database On-Call layers: a daily weekday hand-off, and a weekend layer restricted to Sat-Sun."""

    def users(*roles: str) -> list[dict[str, Any]]:
        return [{"user": {"id": ids[role], "type": "user_reference"}} for role in roles]

    daily = {
        "name": "Weekday rotation",
        "start": "2024-01-01T09:00:00-05:00",
        "rotation_virtual_start": "2024-01-01T09:00:00-05:00",
        "rotation_turn_length_seconds": 86400,
        "users": users("admin2", "admin"),
    }
    weekend = {
        "name": "Weekend cover",
        "start": "2024-01-01T00:00:00-05:00",
        "rotation_virtual_start": "2024-01-06T00:00:00-05:00",
        "rotation_turn_length_seconds": 7 * 86400,
        "users": users("user"),
        "restrictions": [
            {
                "type": "weekly_restriction",
                "start_day_of_week": 6,
                "start_time_of_day": "00:00:00",
                "duration_seconds": 2 * 86400,
            }
        ],
    }
    return [daily, weekend]


def _seed_plumbing(store: Store, admin: str) -> None:
    """A webhook extension on Checkout API and a maintenance window that ended a week ago.

    The window is past on purpose: a future one would start when a test moves the clock ahead,
    and silently swallow that test's events.
    """
    checkout = next(s for s in store.table("services").values() if s["name"] == "Checkout API")
    store.create(
        "extensions",
        {
            "name": "Deploy notifier",
            "endpoint_url": "https://hooks.example.com/pagerduty",
            "extension_schema": {"id": "P8X2W9Q", "type": "extension_schema_reference"},
            "extension_objects": [{"id": checkout["id"], "type": "service_reference"}],
        },
    )
    now = store.clock.now()
    store.table("maintenance_windows")["PMW0SED"] = {
        "id": "PMW0SED",
        "start_time": iso(now - timedelta(days=7, hours=2)),
        "end_time": iso(now - timedelta(days=7)),
        "description": "Database upgrade",
        "services": [checkout["id"]],
        "sequence_number": store.next_number("maintenance_windows"),
        "created_by": admin,
    }
