"""List the overrides of a schedule that overlap a period."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from icon_pagerduty.actions.oncall_inputs import window
from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output

DEFAULT_PERIOD = timedelta(days=30)


class ListOverrides(RestAction[Input, Output]):
    # Not paginated; PagerDuty needs both since and until, so both are always sent.
    method, path, key, many = "GET", "/schedules/{schedule}/overrides", "overrides", False

    def query(self, values: dict[str, Any]) -> dict[str, Any]:
        return window(values, length=DEFAULT_PERIOD)

    def shape(self, result: Any, values: dict[str, Any], *, truncated: bool = False) -> dict:
        overrides = result or []
        return {"overrides": overrides, "count": len(overrides)}
