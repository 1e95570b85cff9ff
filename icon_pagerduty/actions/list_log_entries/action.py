"""List what happened to an incident, or in the whole account, oldest first."""

from icon_pagerduty.actions.incident_lookup import incident_id
from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.client import NotFound
from icon_pagerduty.client.paths import segment

from .schema import Input, Output


class ListLogEntries(RestAction[Input, Output]):
    # The account's log; with `id`, the incident's own (both read in time windows past 10,000).
    method, path, key = "GET", "/log_entries", "log_entries"
    rename = {"include": "include[]"}
    not_sent = RestAction.not_sent | {"id"}

    def run(self, inp: Input) -> dict:
        if not inp.id:
            return super().run(inp)
        values = self.values(inp)
        ident = incident_id(self.connection.rest, inp.id, "id")
        try:
            return self.list_items(f"/incidents/{segment(ident)}/log_entries", values)
        except NotFound as error:
            raise error.with_assistance(
                f"No incident with id {ident!r} is visible to this API key; check the input `id`."
            ) from None
