"""List the users of the account, optionally those matching a text or in given teams; each carries its
role and the role's name in the web app (role_title)."""

from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.util.people import with_role_title

from .schema import Input, Output


class ListUsers(RestAction[Input, Output]):
    method, path, key = "GET", "/users", "users"
    rename = {"teams": "team_ids[]"}

    def shape(self, result, values, *, truncated=False):
        users = [with_role_title(user) for user in result]
        return super().shape(users, values, truncated=truncated)
