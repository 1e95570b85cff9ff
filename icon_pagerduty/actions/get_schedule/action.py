"""Get a schedule with its layers and the final schedule rendered for a period."""

from __future__ import annotations

from typing import Any

from icon_pagerduty.actions.oncall_inputs import window
from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class GetSchedule(RestAction[Input, Output]):
    method, path, key = "GET", "/schedules/{id}", "schedule"

    def query(self, values: dict[str, Any]) -> dict[str, Any]:
        # PagerDuty renders entries only for a period; without one the output would hold no
        # final schedule, so the period starts now (and PagerDuty makes it two weeks long).
        period = window(values, from_now=True)
        return {**super().query(values), **period}
