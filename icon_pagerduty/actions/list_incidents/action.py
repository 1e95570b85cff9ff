"""List incidents by status, service, team, assignee, urgency, priority and time."""

from collections.abc import Iterator
from typing import Any

from actionkit import InputError
from icon_pagerduty.actions.rest_action import PAGE_SIZE, RestAction
from icon_pagerduty.client import TooManyResults

from .schema import Input, Output


class ListIncidents(RestAction[Input, Output]):
    # Every page through iter_all, which reads a since-until window in halves past the 10,000 ceiling.
    method, path, key = "GET", "/incidents", "incidents"
    rename = {"statuses": "statuses[]", "services": "service_ids[]", "teams": "team_ids[]",
              "assignees": "user_ids[]", "urgencies": "urgencies[]"}
    not_sent = RestAction.not_sent | {"priorities"}  # PagerDuty has no priority filter: see items()

    def run(self, inp: Input) -> dict:
        if inp.date_range == "all" and (inp.since or inp.until):
            raise InputError("Give date_range all, or since and until, not both: with date_range all "
                             "PagerDuty ignores since and until.",
                             data={"inputs": ["date_range", "since", "until"]})
        try:
            return super().run(inp)
        except TooManyResults as error:
            raise error.with_assistance(
                "More than 10,000 incidents match. Give both since and until (at most 6 months apart): the "
                "listing is then read in time windows, each under PagerDuty's ceiling; or narrow the filters."
            ) from None

    def items(self, path: str, values: dict[str, Any], page_size: int) -> Iterator[Any]:
        wanted = set(values.get("priorities") or ())
        if not wanted:
            return super().items(path, values, page_size)
        # Full pages: a page of `limit` items may hold few of the wanted priorities.
        listed = super().items(path, values, PAGE_SIZE)
        return (i for i in listed if ((i.get("priority") or {}).get("id")) in wanted)
