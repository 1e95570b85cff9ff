"""List the account's incident priorities, in the account's order."""

from icon_pagerduty.actions.rest_action import RestAction

from .schema import Input, Output


class ListPriorities(RestAction[Input, Output]):
    # PagerDuty lists priorities in the account's order (highest first); the pages keep it.
    method, path, key = "GET", "/priorities", "priorities"
