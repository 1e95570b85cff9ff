"""Remove a contact method from a user (with the notification rules that use it)."""

from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.client import BadRequest
from icon_pagerduty.util.people import contact_method

from .schema import Input, Output


class DeleteContactMethod(RestAction[Input, Output]):
    method, path = "DELETE", "/users/{user}/contact_methods/{id}"

    def values(self, inp):
        values = super().values(inp)
        values["id"] = contact_method(self.connection.rest, values["user"], values["id"], "id")["id"]
        return values

    def run(self, inp):
        try:
            return super().run(inp)
        except BadRequest as error:
            if "default email" not in str(error.errors):
                raise
            raise error.with_assistance(
                "This is the user's default email contact method, their login email: it cannot be "
                "deleted. To change it, change the user's email with Update User."
            ) from None
