"""Remove a user from a team; a user who is not a member is a success too."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class RemoveTeamMember(RestAction[Input, Output]):
    method, path = "DELETE", "/teams/{team}/users/{user}"

    def not_found(self, error, values):
        # PagerDuty's 404 does not say which of the two it could not find.
        return error.with_assistance(
            f"No team {values.get('team')!r} or no user {values.get('user')!r} is visible to this API key; "
            "check the inputs `team` and `user`."
        )
