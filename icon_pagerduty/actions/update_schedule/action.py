"""Change a schedule's name, time zone, description or layers; only the inputs given change."""

from __future__ import annotations

from actionkit import Action, InputError
from icon_pagerduty.actions import oncall_inputs
from icon_pagerduty.client import NotFound
from icon_pagerduty.client.paths import segment

from .schema import Input, Output

CHANGES = ("name", "time_zone", "description", "layers")


class UpdateSchedule(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        if all(getattr(inp, name) is None for name in CHANGES):
            raise InputError(
                "Nothing to change: give at least one of the inputs "
                + ", ".join(f"`{n}`" for n in CHANGES)
                + "."
            )
        rest = self.connection.rest
        path = f"/schedules/{segment(inp.id)}"
        try:
            current = rest.get(path, "schedule")
        except NotFound as error:
            raise error.with_assistance(
                f"No schedule with id {inp.id!r} is visible to this API key; check the input `id`."
            ) from None
        # PagerDuty replaces the schedule with what a PUT sends, so the unchanged parts go back as
        # they are; a layer sent with its id stays, the current layers left out are ended now.
        if inp.layers is not None:
            layers = oncall_inputs.layers(rest.resolver(), inp.layers)
        else:
            layers = [oncall_inputs.writable_layer(layer) for layer in current.get("schedule_layers", ())]
        schedule = {
            "type": "schedule",
            "name": inp.name if inp.name is not None else current.get("name"),
            "time_zone": inp.time_zone or current.get("time_zone"),
            "description": inp.description if inp.description is not None else current.get("description"),
            "schedule_layers": layers,
        }
        body = {"schedule": {k: v for k, v in schedule.items() if v is not None}}
        updated = rest.put(path, body, "schedule", from_email=rest.resolve_from(inp.from_email))
        return Output(schedule=updated)
