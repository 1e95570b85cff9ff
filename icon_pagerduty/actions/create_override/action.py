"""Put a user on call on a schedule for a period, over whoever the rotation gives."""

from __future__ import annotations

from actionkit import Action, InputError
from icon_pagerduty.actions.oncall_inputs import check_order
from icon_pagerduty.client import NotFound
from icon_pagerduty.client.paths import segment

from .schema import Input, Output


class CreateOverride(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        check_order(inp.start, inp.end, "start", "end")
        rest = self.connection.rest
        body = {
            "overrides": [
                {"start": inp.start, "end": inp.end, "user": {"id": inp.user, "type": "user_reference"}}
            ]
        }
        path = f"/schedules/{segment(inp.schedule, 'schedule')}/overrides"
        try:
            answer = rest.post(path, body, from_email=rest.resolve_from(inp.from_email))
        except NotFound as error:
            raise error.with_assistance(
                f"No schedule with id {inp.schedule!r} is visible to this API key; "
                "check the input `schedule`."
            ) from None
        # One result per override sent, each with its own status: a 201 answer can hold a refusal.
        result = answer[0] if isinstance(answer, list) and answer else {}
        if result.get("status") != 201 or not isinstance(result.get("override"), dict):
            errors = "; ".join(result.get("errors") or []) or "no reason given"
            raise InputError(
                f"PagerDuty refused the override: {errors}.",
                "Check the inputs `user`, `start` and `end` against that reason.",
                data={"answer": answer},
            )
        return Output(override=result["override"])
