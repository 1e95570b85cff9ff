"""List the on-call schedules, optionally those whose name contains a text."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class ListSchedules(RestAction[Input, Output]):
    method, path, key = "GET", "/schedules", "schedules"
