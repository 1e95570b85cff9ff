"""What the actions on services and their plumbing share (issue 14).

- ``ExplainedRestAction``: a ``RestAction`` whose PagerDuty refusals (400, 405...) gain an
  assistance naming the input to change, picked by phrases of PagerDuty's reason. PagerDuty's
  own words stay in the cause; the assistance says which input and what to do.
- ``without_keys``: integration keys are secrets. They are output where they are the point of
  the action (Create/Get/Update Integration); a service's integrations embedded in a service
  listing, or the routing key a change event came through, are not that, so they leave them out.
- ``utc``: PagerDuty answers 400 to a ``since``/``until`` with an offset on change events, and a
  maintenance window's times are clearer in UTC; any ISO 8601 input is turned into UTC "Z" form.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any, ClassVar, TypeVar

from actionkit import InputError
from actionkit.model import Model
from icon_pagerduty.actions.rest_action import RestAction
from icon_pagerduty.client import BadRequest, NotFound, PagerDutyError, Rejected
from icon_pagerduty.client.paths import segment
from icon_pagerduty.client.resolver import looks_like_id

I = TypeVar("I", bound=Model)  # noqa: E741  (actionkit's names for the input and output types)
O = TypeVar("O", bound=Model)  # noqa: E741

KEY_FIELDS = ("integration_key", "routing_key")

# (phrase in PagerDuty's reason, ignoring case) -> what the user should do; shared by the
# service actions, whose inputs have the same names.
SERVICE_REFUSALS: Sequence[tuple[str, str]] = (
    ("escalation policy",
     "The input `escalation_policy` must name an existing escalation policy: give its name or ID."),
    ("has already been taken",
     "The input `name` must be unique among the account's services: pick another name, or change the "
     "existing service with Update Service."),
    ("support hours",
     "Check the input `support_hours`: time_zone (such as Europe/London), days_of_week (1 Monday to 7 "
     "Sunday), start_time and end_time (HH:MM:SS); the urgency rule use_support_hours needs them."),
    ("urgency", "Check the input `urgency_rule`: high, low, severity_based or use_support_hours."),
    ("alert grouping",
     "Check the input `alert_grouping_parameters`: {\"type\": \"time\", \"config\": {\"timeout\": minutes}}, "
     "content_based with aggregate, fields and time_window, or type null to turn grouping off."),
    ("timeout",
     "Check the inputs `acknowledgement_timeout` and `auto_resolve_timeout`: seconds, 0 to disable."),
    ("open incidents",
     "Resolve the service's open incidents first, or keep the service and stop it with Update "
     "Service (status disabled); then run this step again."),
)


def explained(error: PagerDutyError, refusals: Sequence[tuple[str, str]]) -> PagerDutyError:
    """``error`` with the assistance of every refusal whose phrase PagerDuty's reason contains."""
    said = f"{error.message or ''} {error.errors or ''}".casefold()
    advice = [text for phrase, text in refusals if phrase.casefold() in said]
    if not advice:
        return error
    return error.with_assistance(" ".join(dict.fromkeys(advice)))  # type: ignore[return-value]


class ExplainedRestAction(RestAction[I, O]):
    """A ``RestAction`` whose refusals say which input to change (``refusals``: phrase -> advice)."""

    refusals: ClassVar[Sequence[tuple[str, str]]] = ()

    def run(self, inp: I) -> dict:
        try:
            return super().run(inp)
        except (BadRequest, Rejected) as error:
            raise explained(error, self.refusals) from None


def without_keys(obj: Any) -> Any:
    """``obj`` (a service, a change event) without integration or routing keys, at any depth."""
    if isinstance(obj, dict):
        return {k: without_keys(v) for k, v in obj.items() if k not in KEY_FIELDS}
    if isinstance(obj, list):
        return [without_keys(item) for item in obj]
    return obj


def moment(text: str, field: str) -> datetime:
    """An ISO 8601 input (its form already checked by the runtime) as a UTC datetime; no offset
    means UTC. ``field`` names the input in the error for a moment outside what a date can hold."""
    try:
        when = datetime.fromisoformat(text.strip().replace("z", "Z"))
        when = when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)
        return when.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise InputError(
            f"The input `{field}` ({text}) is not a usable date-time; give one such as 2024-05-01T20:00:00Z.",
            data={"input": field, "value": text},
        ) from None


def iso_utc(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc(text: str, field: str) -> str:
    """An ISO 8601 input in PagerDuty's UTC form, ``2024-05-01T20:00:00Z``."""
    return iso_utc(moment(text, field))


# -- services -------------------------------------------------------------------------------------

SUPPORT_HOURS_URGENCY = {
    "type": "use_support_hours",
    "during_support_hours": {"type": "constant", "urgency": "high"},
    "outside_support_hours": {"type": "constant", "urgency": "low"},
}


def service_values(values: dict[str, Any]) -> dict[str, Any]:
    """The inputs of Create/Update Service as PagerDuty's service fields: ``urgency_rule`` becomes
    ``incident_urgency_rule``, and support hours get PagerDuty's only type when they lack one."""
    values = dict(values)
    rule = values.pop("urgency_rule", None)
    if rule == "use_support_hours":
        values["incident_urgency_rule"] = SUPPORT_HOURS_URGENCY
    elif rule:
        values["incident_urgency_rule"] = {"type": "constant", "urgency": rule}
    hours = values.get("support_hours")
    if isinstance(hours, dict) and "type" not in hours:
        values["support_hours"] = {"type": "fixed_time_per_day", **hours}
    return values


# -- integrations ---------------------------------------------------------------------------------


def integration_id(rest: Any, service_id: str, value: str) -> str:
    """The ID of the integration ``value`` names on the service: an ID as given, else the one
    integration of that name (ignoring case) among the service's integrations."""
    text = value.strip()
    if looks_like_id(text):
        return text
    try:
        service = rest.get(f"/services/{segment(service_id)}", "service")
    except NotFound as error:
        raise error.with_assistance(
            f"No service with ID {service_id!r} is visible to this API key; check the input `service`."
        ) from None
    integrations = service.get("integrations") or []
    wanted = text.casefold()
    matches = [i for i in integrations if (i.get("summary") or i.get("name") or "").casefold() == wanted]
    if len(matches) == 1:
        return matches[0]["id"]
    listed = ", ".join(f"{i.get('id')} ({i.get('summary')})" for i in (matches or integrations)) or "none"
    if not matches:
        raise InputError(
            f"The service {service.get('name')} ({service_id}) has no integration named {text!r} "
            "(input `id`).",
            f"Set `id` to the name or ID of one of its integrations: {listed}.",
            data={"input": "id", "value": text},
        )
    raise InputError(
        f"{len(matches)} integrations of the service {service.get('name')} are named {text!r} (input `id`): "
        f"{listed}.",
        "Set `id` to the ID of the one you mean.",
        data={"input": "id", "value": text},
    )


# -- extensions -----------------------------------------------------------------------------------

EXTENSION_REFUSALS: Sequence[tuple[str, str]] = (
    ("extension schema",
     "The input `extension_schema` must name one of PagerDuty's extension schemas, by label or ID "
     "(List Extension Schemas gives them); an extension's schema cannot change."),
    ("endpoint url",
     "Set the input `endpoint_url` to the http:// or https:// URL the extension sends to; webhook "
     "schemas need one."),
    ("extension objects",
     "The input `services` must name at least one existing service, by name or ID."),
    ("service ", "The input `services` must name existing services, by name or ID."),
    ("name", "Check the input `name`: it is required and at most 255 characters."),
)
