"""Delete a schedule; PagerDuty refuses while an escalation policy uses it."""

from __future__ import annotations

from typing import Any

from icon_pagerduty.actions.oncall_inputs import listed
from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.client import BadRequest, PagerDutyError
from icon_pagerduty.client.paths import segment

from .schema import Input, Output


class DeleteSchedule(RestAction[Input, Output]):
    method, path = "DELETE", "/schedules/{id}"

    def run(self, inp: Input) -> dict:
        try:
            return super().run(inp)
        except BadRequest as error:
            raise error.with_assistance(self.why(inp.id)) from None

    def why(self, schedule_id: str) -> str:
        """The refusal explained: which escalation policies still use the schedule."""
        try:
            schedule: dict[str, Any] = self.connection.rest.get(
                f"/schedules/{segment(schedule_id)}", "schedule"
            )
        except PagerDutyError:
            schedule = {}
        policies = schedule.get("escalation_policies") or []
        if not policies:
            return (
                "Check the schedule's ID; PagerDuty refuses to delete a schedule an escalation policy uses."
            )
        return (
            f"PagerDuty does not delete a schedule that escalation policies use; this one is used by "
            f"{listed(policies)}. Remove it from their rules first (update_escalation_policy), then run "
            "this step again."
        )
