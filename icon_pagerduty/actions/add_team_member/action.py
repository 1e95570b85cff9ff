"""Add a user to a team with a team role, or change a member's role."""

from actionkit import Action
from icon_pagerduty.client import BadRequest, NotFound
from icon_pagerduty.client.paths import fill

from .schema import Input, Output

READ_ONLY_HELP = (
    "PagerDuty refused the member. A user whose account role is read_only_user (Full Stakeholder) cannot "
    "join a team: change the user's role first (Update User), or check the role input."
)


class AddTeamMember(Action[Input, Output]):
    def run(self, inp: Input) -> dict:
        # PagerDuty's odd one out: the body is {"role": ...}, not wrapped, and the answer is 204.
        path = fill("/teams/{team}/users/{user}", {"team": inp.team, "user": inp.user})
        try:
            self.connection.rest.write("PUT", path, {"role": inp.role or "responder"})
        except BadRequest as error:
            raise error.with_assistance(READ_ONLY_HELP) from None
        except NotFound as error:
            raise error.with_assistance(
                f"No team {inp.team!r} or no user {inp.user!r} is visible to this API key; check the inputs "
                "`team` and `user`."
            ) from None
        return {"success": True}
