"""The people side of the seeds: every user's default contact method and rules, a few more
contact methods and rules in ``demo``, and the read-only account key (``read_only_token``).

It runs after the rest of the seed, so the IDs of everything seeded before stay what they were.
"""

from __future__ import annotations

from typing import Any

from .people import add_defaults, add_rule
from .store import Store

# user name -> (type, label, address, country_code, extra fields, high-urgency delay or None)
DEMO_CONTACT_METHODS = {
    "Ada Admin": [("phone_contact_method", "Work phone", "4155550100", 1, {}, 10)],
    "Arun Admin": [("email_contact_method", "Personal", "arun@personal.example.net", None, {}, None)],
    "Uma User": [
        ("sms_contact_method", "Mobile", "1701234567", 49, {}, 0),
        ("phone_contact_method", "Mobile", "1701234567", 49, {}, 5),
    ],
    "Ulf User": [
        ("push_notification_contact_method", "Ulf's iPhone", "a1b2c3d4e5f6", None, {"device_type": "ios"}, 0)
    ],
}


def seed_people(store: Store, credentials: dict[str, Any], demo: bool) -> None:
    """Add the people side to a seeded store and the read-only key to ``credentials``."""
    users = sorted(store.table("users").values(), key=lambda u: u["created_at"])
    for user in users:
        add_defaults(store, user)
    if demo:
        by_name = {u["name"]: u["id"] for u in users}
        for name, methods in DEMO_CONTACT_METHODS.items():
            for kind, label, address, country, extra, delay in methods:
                body = {"type": kind, "label": label, "address": address, "country_code": country, **extra}
                method = store.create("contact_methods", body, user=by_name[name])
                if delay is not None:
                    add_rule(store, by_name[name], method["id"], delay, "high")
    read_only = store.ids.api_key()
    store.api_keys[read_only] = {
        "kind": "account",
        "user": None,
        "read_only": True,
        "label": "read-only account key",
    }
    credentials["read_only_token"] = read_only
