"""Delete a PagerDuty user by ID."""

from actionkit import Action
from icon_pagerduty.client import BadRequest, NotFound

from .schema import Input, Output


class DeleteUserById(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        rest = self.connection.rest
        try:
            user = rest.get_user(inp.id)
        except NotFound:
            # A re-run after the user was deleted must not fail on what is already done.
            self.logger.warning(
                "No user with ID %s: it is gone already (or the ID is wrong); nothing to delete", inp.id)
            return Output(success=True, found=False)
        try:
            rest.delete_user(inp.id, from_email=inp.from_email or rest.from_email)
        except BadRequest as error:
            raise error.with_assistance(
                "PagerDuty refuses to delete a user who has open incidents assigned: resolve or "
                "reassign them first, then run this step again."
            ) from None
        return Output(success=True, found=True, user=user)
