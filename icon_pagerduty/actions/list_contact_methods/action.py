"""List the contact methods of a user."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class ListContactMethods(RestAction[Input, Output]):
    method, path, key = "GET", "/users/{user}/contact_methods", "contact_methods"

    def list_items(self, path, values):
        # Not paginated: one GET, without the limit and offset PagerDuty does not take here.
        return self.shape(self.connection.rest.get(path, self.key), values)
