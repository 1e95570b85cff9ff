"""Create an on-call schedule from rotation layers."""

from __future__ import annotations

from typing import Any

from icon_pagerduty.actions import oncall_inputs
from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class CreateSchedule(RestAction[Input, Output]):
    # PagerDuty answers 200 where its documents say 201; any 2xx is a success.
    method, path, key = "POST", "/schedules", "schedule"

    def body(self, values: dict[str, Any]) -> Any:
        schedule = {
            "type": "schedule",
            "name": values["name"],
            "time_zone": values["time_zone"],
            "description": values.get("description"),
            "schedule_layers": oncall_inputs.layers(self.connection.rest.resolver(), values["layers"]),
        }
        return {"schedule": {k: v for k, v in schedule.items() if v is not None}}
