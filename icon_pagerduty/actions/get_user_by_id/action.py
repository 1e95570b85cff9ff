"""Get a PagerDuty user by ID."""

from actionkit import Action
from icon_pagerduty.client import NotFound

from .schema import Input, Output


class GetUserById(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        try:
            user = self.connection.rest.get_user(inp.id)
        except NotFound:
            return Output(found=False)
        return Output(found=True, user=user)
