"""Create an escalation policy from rules, each notifying users or the on-call user of schedules."""

from __future__ import annotations

from typing import Any

from icon_pagerduty.actions import oncall_inputs
from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class CreateEscalationPolicy(RestAction[Input, Output]):
    method, path, key = "POST", "/escalation_policies", "escalation_policy"

    def body(self, values: dict[str, Any]) -> Any:
        return {"escalation_policy": policy_fields(self.connection.rest, values)}


def policy_fields(rest: Any, values: dict[str, Any]) -> dict[str, Any]:
    """PagerDuty's escalation policy from the inputs given (shared with update_escalation_policy)."""
    fields: dict[str, Any] = {"type": "escalation_policy"}
    for name in ("name", "description", "num_loops"):
        if values.get(name) is not None:
            fields[name] = values[name]
    if values.get("teams") is not None:
        fields["teams"] = [{"id": team, "type": "team_reference"} for team in values["teams"]]
    if values.get("rules") is not None:
        fields["escalation_rules"] = oncall_inputs.rules(rest.resolver(), values["rules"])
    return fields
