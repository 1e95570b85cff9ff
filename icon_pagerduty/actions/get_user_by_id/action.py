"""Get a PagerDuty user by ID."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class GetUserById(RestAction[Input, Output]):
    # The output declares `found`, so a 404 answers {"found": false} instead of an error.
    method, path, key = "GET", "/users/{id}", "user"
