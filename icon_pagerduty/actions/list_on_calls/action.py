"""List who is on call, per escalation policy and level, now or over a period."""

from __future__ import annotations

from typing import Any

from icon_pagerduty.actions.oncall_inputs import check_order
from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class ListOnCalls(RestAction[Input, Output]):
    method, path, key = "GET", "/oncalls", "oncalls"
    rename = {
        "schedules": "schedule_ids[]",
        "escalation_policies": "escalation_policy_ids[]",
        "users": "user_ids[]",
    }

    def query(self, values: dict[str, Any]) -> dict[str, Any]:
        check_order(values.get("since"), values.get("until"), "since", "until")
        return super().query(values)
