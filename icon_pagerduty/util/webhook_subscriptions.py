"""What the webhook subscription actions share: the filter from the inputs service, team, account."""

from __future__ import annotations

from typing import Any

from actionkit import InputError


def subscription_filter(values: dict[str, Any], *, default_account: bool) -> dict[str, Any] | None:
    """``{"type": "service_reference", "id": ...}`` and the like from the inputs; the account's
    when none is given and ``default_account`` (a creation), else None (an update leaves it)."""
    given = [name for name in ("service", "team") if values.get(name)]
    if values.get("account"):
        given.append("account")
    if len(given) > 1:
        raise InputError(
            f"The inputs {' and '.join(f'`{name}`' for name in given)} each choose whose incidents are sent; "
            "give one of them.",
        )
    if not given:
        return {"type": "account_reference"} if default_account else None
    name = given[0]
    if name == "account":
        return {"type": "account_reference"}
    return {"type": f"{name}_reference", "id": values[name]}


def secret_of(subscription: Any) -> str | None:
    method = subscription.get("delivery_method") if isinstance(subscription, dict) else None
    return method.get("secret") if isinstance(method, dict) else None
