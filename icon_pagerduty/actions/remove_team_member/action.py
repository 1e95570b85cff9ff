"""Remove a user from a team; a user who is not a member is a success too."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class RemoveTeamMember(RestAction[Input, Output]):
    method, path = "DELETE", "/teams/{team}/users/{user}"
