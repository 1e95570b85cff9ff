"""The user the connection's API key belongs to; an account-level key belongs to no user."""

from actionkit import ConfigError
from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.client import BadRequest
from icon_pagerduty.util.people import with_role_title

from .schema import Input, Output


class GetCurrentUser(RestAction[Input, Output]):
    method, path, key = "GET", "/users/me", "user"

    def get_one(self, path, values):
        try:
            return super().get_one(path, values)
        except BadRequest as error:
            if "account-level" not in f"{error.message} {error.errors}":
                raise
            raise ConfigError(
                "The connection's API key is account-level: it belongs to no user, so there is no current "
                "user to return.",
                "Use a user-level API key in the connection (PagerDuty: My Profile > User Settings > Create "
                "API User Token), or look the user up with Get User by Email or List Users.",
            ) from None

    def shape(self, result, values, *, truncated=False):
        return {"user": with_role_title(result)}
