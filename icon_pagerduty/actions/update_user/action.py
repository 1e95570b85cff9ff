"""Change a user's name, email, role, time zone, job title, description or color."""

from actionkit import InputError
from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.util.people import with_role_title

from .schema import Input, Output

CHANGES = ("name", "email", "role", "time_zone", "job_title", "description", "color")


class UpdateUser(RestAction[Input, Output]):
    method, path, key = "PUT", "/users/{id}", "user"
    fixed = {"type": "user"}
    needs_from = False  # PagerDuty takes no requester for a user update

    def values(self, inp):
        values = super().values(inp)
        if all(values.get(name) in (None, "") for name in CHANGES):
            raise InputError(
                f"Nothing to change for user {values.get('id')}: every input besides `id` is empty.",
                f"Give at least one of {', '.join(CHANGES)}.",
            )
        return {k: v for k, v in values.items() if v != ""}

    def shape(self, result, values, *, truncated=False):
        return {"user": with_role_title(result)}
