"""Change an escalation policy; only the inputs given change, and rules replace all current rules."""

from __future__ import annotations

from typing import Any

from actionkit import InputError
from icon_pagerduty.actions.create_escalation_policy.action import policy_fields
from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output

CHANGES = ("name", "description", "num_loops", "teams", "rules")


class UpdateEscalationPolicy(RestAction[Input, Output]):
    # PagerDuty updates escalation policies partially: only the fields sent change.
    method, path, key = "PUT", "/escalation_policies/{id}", "escalation_policy"

    def body(self, values: dict[str, Any]) -> Any:
        if all(values.get(name) is None for name in CHANGES):
            raise InputError(
                "Nothing to change: give at least one of the inputs "
                + ", ".join(f"`{n}`" for n in CHANGES)
                + "."
            )
        return {"escalation_policy": policy_fields(self.connection.rest, values)}
