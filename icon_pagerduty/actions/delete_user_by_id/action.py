"""Delete a PagerDuty user by ID."""

from actionkit import Action
from icon_pagerduty.client import BadRequest, NotFound

from .schema import Input, Output


class DeleteUserById(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        rest = self.connection.rest
        try:
            user = rest.get_user(inp.id)
        except NotFound as error:
            raise error.with_assistance(
                f"No user with ID {inp.id!r} is visible to this API key; check the ID."
            ) from None
        try:
            rest.delete_user(inp.id, from_email=inp.from_email or rest.from_email)
        except BadRequest as error:
            raise error.with_assistance(
                "PagerDuty refuses to delete a user who has open incidents assigned: resolve or "
                "reassign them first, then run this step again."
            ) from None
        return Output(success=True, user=user)
