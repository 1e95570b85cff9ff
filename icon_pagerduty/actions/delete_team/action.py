"""Delete a team; its open incidents move to the reassignment team, or become account-level."""

from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.client import BadRequest, NotFound
from icon_pagerduty.client.paths import fill

from .schema import Input, Output

HELP = {
    6006: "The team is still used: move its escalation policies, services and schedules to another team "
    "(or take the team off them) and delete or move its subteams, then delete it.",
    6002: "The team has open incidents and reassignment_team cannot take them: give another team, or none "
    "to make them account-level.",
    6003: "The team has open incidents and reassignment_team names no team: check that input.",
}


class DeleteTeam(RestAction[Input, Output]):
    method, path = "DELETE", "/teams/{id}"

    def run(self, inp):
        # reassignment_team is a query parameter, which a declarative DELETE does not send.
        values = self.values(inp)
        params = {"reassignment_team": values.get("reassignment_team")}
        try:
            self.connection.rest.delete(fill(self.path, values), params=params)
        except NotFound as error:
            raise self.not_found(error, values) from None
        except BadRequest as error:
            if error.code not in HELP:
                raise
            raise error.with_assistance(HELP[error.code]) from None
        return {"success": True}
