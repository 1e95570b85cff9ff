"""Rename a team or change its description or parent."""

from actionkit import InputError
from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output

CHANGES = ("name", "description", "parent")


class UpdateTeam(RestAction[Input, Output]):
    method, path, key = "PUT", "/teams/{id}", "team"
    fixed = {"type": "team"}
    references = {"parent": "team_reference"}
    needs_from = False  # PagerDuty takes no requester for teams

    def values(self, inp):
        values = super().values(inp)
        if all(values.get(name) in (None, "") for name in CHANGES):
            raise InputError(
                f"Nothing to change for team {values.get('id')}: name, description and parent are empty.",
                "Give at least one of name, description, parent.",
            )
        return values
