"""List the users of a schedule; with since and until, those on call in that period."""

from __future__ import annotations

from typing import Any

from icon_pagerduty.actions.oncall_inputs import window
from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class ListScheduleUsers(RestAction[Input, Output]):
    # Not paginated: one GET answers every user.
    method, path, key, many = "GET", "/schedules/{schedule}/users", "users", False

    def query(self, values: dict[str, Any]) -> dict[str, Any]:
        return window(values)
