"""Remove an override; one in progress is ended now instead."""

from __future__ import annotations

from actionkit import Action
from icon_pagerduty.client import BadRequest, NotFound
from icon_pagerduty.client.paths import segment

from .schema import Input, Output


class DeleteOverride(Action[Input, Output]):
    def run(self, inp: Input) -> Output:
        rest = self.connection.rest
        path = f"/schedules/{segment(inp.schedule, 'schedule')}/overrides/{segment(inp.id)}"
        try:
            reply = rest.call("DELETE", path, from_email=inp.from_email)
        except NotFound as error:
            raise error.with_assistance(
                f"No override {inp.id!r} on schedule {inp.schedule!r} is visible to this API key; check the "
                "inputs `id` and `schedule` (list_overrides shows the IDs)."
            ) from None
        except BadRequest as error:
            raise error.with_assistance(
                "PagerDuty keeps overrides that have ended, as the record of who was on call; only a "
                "future override is removed, and one in progress is ended now."
            ) from None
        # 204: removed; 200: it was in progress, and PagerDuty ended it now instead.
        truncated = reply.status == 200
        if truncated:
            self.logger.info("Override %s was in progress: PagerDuty ended it now", inp.id)
        return Output(success=True, truncated=truncated)
