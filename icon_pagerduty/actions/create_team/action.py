"""Create a team; team names are unique in an account."""

from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.client import BadRequest

from .schema import Input, Output


class CreateTeam(RestAction[Input, Output]):
    method, path, key = "POST", "/teams", "team"
    fixed = {"type": "team"}
    references = {"parent": "team_reference"}
    needs_from = False  # PagerDuty takes no requester for teams

    def write(self, path, values):
        try:
            return super().write(path, values)
        except BadRequest as error:
            if "taken" not in str(error.errors):
                raise
            name = values["name"]
            same = self.connection.rest.find("/teams", "teams", "name", name, {"query": name})
            named = f": {same[0].get('name')} ({same[0].get('id')})" if same else ""
            raise error.with_assistance(
                f"A team named {name!r} exists already{named}. Use that team, or choose another name."
            ) from None
