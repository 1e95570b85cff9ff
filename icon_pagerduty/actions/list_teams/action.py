"""List the teams of the account, optionally those whose name contains a text."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class ListTeams(RestAction[Input, Output]):
    method, path, key = "GET", "/teams", "teams"
