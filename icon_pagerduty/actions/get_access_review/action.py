"""Every user with their account role and their teams with team roles, in one step (GETs only)."""

from actionkit import Action
from icon_pagerduty.util.people import access_review

from .schema import Input, Output


class GetAccessReview(Action[Input, Output]):
    def run(self, inp: Input) -> dict:
        users, teams = access_review(self.connection.rest, self.logger)
        return {"users": users, "count": len(users), "teams_read": teams}
