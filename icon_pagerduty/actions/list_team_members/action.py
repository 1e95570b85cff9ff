"""List the members of a team, each a user (with role_title) and their role on the team."""

from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.util.people import with_role_title

from .schema import Input, Output


class ListTeamMembers(RestAction[Input, Output]):
    method, path, key = "GET", "/teams/{team}/members", "members"
    fixed = {"include[]": ["users"]}  # whole users, so a member's email and account role are there

    def shape(self, result, values, *, truncated=False):
        members = [{**member, "user": with_role_title(member.get("user"))} for member in result]
        return super().shape(members, values, truncated=truncated)
