"""The loop both incident triggers run: poll, hand out what is new, save, sleep."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from icon_pagerduty.client import PagerDutyError
from icon_pagerduty.client.retry import new_step

from .watermark import Watermark

# A poll that fails for these reasons is tried again at the next interval; any other failure
# (a refused key, a missing permission) ends the trigger, with its error, for the operator to fix.
PASSING_KINDS = ("transient", "upstream")


def run_poller(
    trigger: Any,
    interval: int,
    start: Callable[[], Watermark],
    poll: Callable[[Watermark], Iterable[tuple[Any, dict[str, Any] | None]]],
) -> dict[str, Any]:
    """Run ``trigger`` until it is stopped.

    ``start()`` gives the first run's watermark. ``poll(mark)`` yields ``(record, event)`` for
    each record past the mark, oldest first; ``event`` None passes a record without sending
    anything. After each record the mark advances and the state is saved, so a restart with the
    same trigger ID neither repeats nor skips; a stop (the flag file, SIGTERM) is honoured
    between two records, after the save.
    """
    mark = Watermark.load(trigger.state)
    polls = sent = 0
    while trigger.running:
        new_step()  # each poll gets the connection's whole step_timeout
        try:
            if mark is None:
                mark = start()
                _save(trigger, mark)
                trigger.logger.info("First start: changes are counted from %s on", mark.dump()["since"])
            for record, event in poll(mark):
                if event is not None:
                    trigger.send(event)
                    sent += 1
                mark.advance(record)
                _save(trigger, mark)
                if not trigger.running:
                    break
        except PagerDutyError as error:
            if error.kind not in PASSING_KINDS:
                raise
            trigger.logger.warning("Polling PagerDuty failed, trying again in %s s: %s", interval, error)
        polls += 1
        if not trigger.wait(interval):
            break
    return {"polls": polls, "sent": sent}


def _save(trigger: Any, mark: Watermark) -> None:
    trigger.state.clear()
    trigger.state.update(mark.dump())
    trigger.save_state()
