"""Record a change, such as a deploy, on a service through the Events API v2 change events."""

from datetime import datetime, timezone

from actionkit import Action, InputError
from icon_pagerduty.actions.service_helpers import iso_utc, moment
from icon_pagerduty.client import BadRequest

from .schema import Input, Output


class SendChangeEvent(Action[Input, Output]):
    def run(self, inp: Input) -> dict:
        key = inp.routing_key or self.connection.default_service_key
        if not key:
            raise InputError(
                "No routing key: the input `routing_key` is empty and the connection has no Default Service "
                "Key.",
                "Set routing_key, or the connection's Default Service Key, to the integration key of the "
                "service's Events API v2 integration (Create Integration gives one).",
                data={"input": "routing_key"},
            )
        when = moment(inp.timestamp, "timestamp") if inp.timestamp else datetime.now(timezone.utc)
        timestamp = iso_utc(when)
        events = self.connection.events.named(routing_key="routing_key", summary="summary")
        try:
            answer = events.send_change_event(
                key, inp.summary, source=inp.source or None, timestamp=timestamp,
                custom_details=inp.custom_details or None, links=_links(inp.links),
            )
        except BadRequest as error:
            raise error.with_assistance(
                "PagerDuty refused the change event. When its reason is the routing key, set routing_key "
                "(or the connection's Default Service Key) to the integration key of an Events API v2 "
                "integration."
            ) from None
        return {"status": answer.get("status") or "success", "message": answer.get("message") or "",
                "timestamp": timestamp}


def _links(links):
    """The links as PagerDuty takes them, each ``{href, text}``; refused here when one has no href."""
    for index, link in enumerate(links or ()):
        if not isinstance(link.get("href"), str) or not link["href"].strip():
            raise InputError(
                f"The link links[{index}] has no href; each link needs href (a URL) and may have text.",
                data={"input": f"links[{index}]"},
            )
    return [{k: v for k, v in link.items() if k in ("href", "text")} for link in links] if links else None
