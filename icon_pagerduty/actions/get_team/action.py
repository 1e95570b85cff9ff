"""Get a team by name or ID (a name is turned into the ID before run())."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class GetTeam(RestAction[Input, Output]):
    method, path, key = "GET", "/teams/{id}", "team"
