"""Get the users on call right now on a schedule (the final schedule, overrides included)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from icon_pagerduty.actions.oncall_inputs import iso, now
from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class GetOnCall(RestAction[Input, Output]):
    # The 3.x plugin returned the schedule's members (GET /schedules/{id}) as "on call". Those
    # on call now are the users of the final schedule in a one-second window starting now:
    # restrictions, layers and overrides applied. /oncalls would miss a schedule no policy uses.
    method, path, key, many = "GET", "/schedules/{schedule_id}/users", "users", False

    def query(self, values: dict[str, Any]) -> dict[str, Any]:
        start = now()
        return {"since": iso(start), "until": iso(start + timedelta(seconds=1))}

    def shape(self, result: Any, values: dict[str, Any], *, truncated: bool = False) -> dict:
        if not result:
            self.logger.warning(
                "Nobody is on call on schedule %s right now: the rotation has a gap here (restrictions, "
                "or a layer that has not started or has ended).",
                values["schedule_id"],
            )
        return {"users": result or []}
