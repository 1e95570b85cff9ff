"""Put services into maintenance for a while: from start (default now) to end, or for duration minutes."""

from datetime import datetime, timedelta, timezone

from actionkit import InputError
from icon_pagerduty.actions.service_helpers import ExplainedRestAction, iso_utc, moment

from .schema import Input, Output


class CreateMaintenanceWindow(ExplainedRestAction[Input, Output]):
    method, path, key = "POST", "/maintenance_windows", "maintenance_window"
    references = {"services": "service_reference"}
    fixed = {"type": "maintenance_window"}
    # PagerDuty needs From here with an account-level key: the From rule of writes applies.
    refusals = (
        ("end time must be in the future",
         "The window would be over already: set `end` to a time in the future, or give `duration`."),
        ("end time", "Check the input `end` (or `duration`): the window must end after it starts."),
        ("start time", "Check the input `start`: an ISO 8601 date-time such as 2024-05-01T20:00:00Z."),
        ("service", "The input `services` must name at least one existing service, by name or ID."),
    )

    def values(self, inp):
        values = super().values(inp)
        start_text, end_text = values.pop("start", None), values.pop("end", None)
        duration = values.pop("duration", None)
        if (end_text is None) == (duration is None):
            raise InputError(
                "Give exactly one of the inputs `end` and `duration`; "
                + ("both were given." if end_text is not None else "neither was given."),
                "Set end to when the window ends (ISO 8601), or duration to its length in minutes.",
                data={"input": "end"},
            )
        now = datetime.now(timezone.utc)
        start = moment(start_text, "start") if start_text else now
        try:
            # PagerDuty moves a start in the past to now, so a duration counts from the later of the two.
            end = moment(end_text, "end") if end_text else max(start, now) + timedelta(minutes=duration)
        except OverflowError:
            raise InputError(
                f"The input `duration` ({duration} minutes) ends the window past the year 9999.",
                "Give a shorter duration in minutes, or an end.",
                data={"input": "duration", "value": duration},
            ) from None
        if end <= start:
            raise InputError(
                f"The input `end` ({end_text}) is not after the start ({start_text or 'now'}); a maintenance "
                "window must end after it starts.",
                "Set end to a later time, or give duration in minutes instead.",
                data={"input": "end", "value": end_text},
            )
        return {**values, "start_time": iso_utc(start), "end_time": iso_utc(end)}
