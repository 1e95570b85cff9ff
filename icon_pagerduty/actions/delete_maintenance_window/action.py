"""Delete a future maintenance window, or end an ongoing one now, as PagerDuty does."""

from actionkit import Action
from icon_pagerduty.client import NotFound, Rejected
from icon_pagerduty.client.paths import segment

from .schema import Input, Output


class DeleteMaintenanceWindow(Action[Input, Output]):
    def run(self, inp: Input) -> dict:
        rest = self.connection.rest
        path = f"/maintenance_windows/{segment(inp.id)}"
        try:
            rest.delete(path)
        except NotFound as error:
            raise error.with_assistance(
                f"No maintenance window with ID {inp.id!r} is visible to this API key; check the input `id` "
                "(List Maintenance Windows gives them)."
            ) from None
        except Rejected as error:
            if error.status != 405:
                raise
            # A past window: its maintenance is over, which is what ending it wants; PagerDuty keeps
            # past windows in the history. A re-run after ending one lands here too.
            self.logger.info("Maintenance window %s has ended already; PagerDuty keeps it in the history",
                             inp.id)
            return {"success": True, "outcome": "already_ended", "maintenance_window": rest.get(
                path, "maintenance_window")}
        # PagerDuty deletes a future window and ends an ongoing one (its end becomes now): which
        # happened shows in whether the window is still there.
        try:
            window = rest.get(path, "maintenance_window")
        except NotFound:
            return {"success": True, "outcome": "deleted"}
        return {"success": True, "outcome": "ended", "maintenance_window": window}
