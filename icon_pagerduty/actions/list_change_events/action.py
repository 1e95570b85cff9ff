"""List change events, newest first, optionally in a period and of some services, teams or integrations."""

from datetime import datetime, timezone

from actionkit import InputError
from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.actions.service_helpers import moment, utc, without_keys
from icon_pagerduty.client import NotFound
from icon_pagerduty.client.paths import segment

from .schema import Input, Output


class ListChangeEvents(RestAction[Input, Output]):
    method, path, key = "GET", "/change_events", "change_events"
    rename = {"teams": "team_ids[]", "integrations": "integration_ids[]"}
    not_sent = RestAction.not_sent | {"services"}

    def values(self, inp):
        values = super().values(inp)
        since, until = values.get("since"), values.get("until")
        if since and until and moment(until, "until") <= moment(since, "since"):
            raise InputError(
                f"The input `until` ({until}) is not after `since` ({since}); the period would be empty.",
                data={"input": "until", "value": until},
            )
        return values

    def query(self, values):
        # PagerDuty answers 400 to a since/until with an offset here: send them in UTC.
        return {name: utc(value, name) if name in ("since", "until") else value
                for name, value in super().query(values).items()}

    def list_items(self, path, values):
        services = values.get("services")
        if not services:
            return super().list_items(path, values)
        # GET /change_events has no service filter; each service has its own listing.
        rest, found = self.connection.rest, {}
        for service in services:
            path = f"/services/{segment(service)}/change_events"
            events = rest.iter_all(path, self.key, self.query(values))
            try:
                for event in events:
                    found.setdefault(event.get("id"), event)
            except NotFound as error:
                raise error.with_assistance(
                    f"No service with ID {service!r} is visible to this API key; check the input `services`."
                ) from None
        newest_first = sorted(found.values(), key=_when, reverse=True)
        return self.shape(newest_first, values)

    def shape(self, result, values, *, truncated=False):
        # Each change event carries the routing key it came through: a secret this listing is not for.
        return super().shape(without_keys(result), values, truncated=truncated)


def _when(event):
    """When a change event happened, to merge several services' listings newest first."""
    try:
        when = datetime.fromisoformat(str(event.get("timestamp")).replace("z", "Z"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)
