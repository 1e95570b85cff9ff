"""Exactly-once reading of records by creation time: an inclusive ``since`` plus the IDs seen there.

PagerDuty stamps records to the second, so many share a ``created_at``, and a page may end in the
middle of them. A watermark that kept only the last time would either skip the rest of that
second (``since`` exclusive) or repeat its first part (``since`` inclusive). This one keeps the
last time *and* the IDs already handed out at that instant: a record is new when it is later, or
at that instant and not yet seen. Advancing past an instant forgets its IDs, so the state stays
small (the records of one second).

The state is plain JSON, ``{"since": "2024-05-01T10:00:00Z", "seen": ["PABC123"]}``, kept by the
platform for a task and in the trigger's state file for a trigger.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from actionkit.errors import InputError

__all__ = ["Watermark", "created_order", "iso", "parse_iso", "parse_duration", "utcnow", "MAX_WINDOW"]

# PagerDuty refuses a listing window over 6 months; a longer gap is read in windows of this size.
MAX_WINDOW = timedelta(days=179)
MAX_BACKFILL = timedelta(days=179)
BASELINE = timedelta(minutes=1)  # how far back a first run looks for what already exists (clock skew)
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def utcnow() -> datetime:
    """Now, to the second: PagerDuty's times and parameters have no finer grain."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def parse_iso(text: Any) -> datetime | None:
    """An ISO 8601 date-time as an aware UTC datetime, or None when it is not one."""
    if not isinstance(text, str):
        return None
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def iso(when: datetime) -> str:
    """PagerDuty's form: UTC, ``Z``, seconds (and microseconds only when there are some)."""
    when = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if when.microsecond else "%Y-%m-%dT%H:%M:%SZ")


def parse_duration(text: Any, field: str = "backfill") -> timedelta:
    """``"90s"``, ``"15m"``, ``"1h"``, ``"2d"``, ``"1w"``: an input error naming ``field`` otherwise."""
    found = _DURATION.match(text) if isinstance(text, str) else None
    if not found:
        raise InputError(
            f"The input `{field}` must be a duration such as 30m, 1h or 2d (a number and one of s, m, h, d, "
            f"w); got {text!r}."
        )
    span = timedelta(seconds=int(found.group(1)) * _UNITS[found.group(2)])
    if span > MAX_BACKFILL:
        raise InputError(f"The input `{field}` may reach back at most 179 days; got {text!r}.")
    return span


class Watermark:
    """Where reading stands: ``since`` (inclusive) and the IDs already handed out at ``since``."""

    __slots__ = ("since", "seen")

    def __init__(self, since: datetime, seen: list[str] | None = None):
        self.since = since
        self.seen = list(seen or [])

    @classmethod
    def start(cls, now: datetime, backfill: str | None = None) -> Watermark:
        """A first run: from now, or ``backfill`` earlier (the window it replays)."""
        return cls(now - parse_duration(backfill) if backfill else now)

    @classmethod
    def load(cls, state: Any, where: str = "state") -> Watermark | None:
        """The watermark kept in ``state``, or None when it holds none (a first run).

        A state that holds one but is damaged is an input error naming the field: starting over
        silently would skip or replay events.
        """
        if not isinstance(state, Mapping) or not state.get("since"):
            return None
        since = parse_iso(state["since"])
        if since is None:
            raise InputError(f"`{where}.since` must be an ISO 8601 date-time; got {state['since']!r}.")
        seen = state.get("seen") or []
        if not isinstance(seen, list) or not all(isinstance(item, str) for item in seen):
            raise InputError(f"`{where}.seen` must be a list of IDs; got {seen!r}.")
        return cls(since, seen)

    def dump(self) -> dict[str, Any]:
        return {"since": iso(self.since), "seen": list(self.seen)}

    def is_new(self, record: Mapping[str, Any]) -> bool:
        created = parse_iso(record.get("created_at"))
        if created is None:
            return False  # a record without a time cannot be placed; PagerDuty always sends one
        return created > self.since or (created == self.since and record.get("id") not in self.seen)

    def advance(self, record: Mapping[str, Any]) -> None:
        """Count ``record`` as handed out (records must come oldest first)."""
        created = parse_iso(record.get("created_at"))
        if created is None:
            return
        if created > self.since:
            self.since, self.seen = created, []
        if created == self.since and record.get("id") not in self.seen:
            self.seen.append(record["id"])

    def window(self, now: datetime) -> tuple[datetime, datetime, bool]:
        """``(since, until, capped)`` of the next listing.

        It starts a second early, in case the service's ``since`` is exclusive (records before the
        watermark are dropped here anyway), and ends a minute after this machine's clock, so a
        clock behind PagerDuty's hides nothing; ``capped`` when PagerDuty's 6-month limit cut it.
        """
        since = self.since - timedelta(seconds=1)
        until = now + timedelta(minutes=1)
        if until - since > MAX_WINDOW:
            return since, since + MAX_WINDOW, True
        return since, until, False

    def skip_to(self, until: datetime) -> None:
        """After a capped window with nothing new: nothing more was created before ``until``."""
        self.since, self.seen = until, []

    @classmethod
    def baseline(cls, records: list[Mapping[str, Any]], now: datetime) -> Watermark:
        """A first run without backfill: what already exists is not news.

        ``records`` are those listed over the last minute (and the next, for clock skew); the
        watermark stands after the newest of them, or a minute back when there are none, so a
        record created after the listing is new even if this machine's clock is ahead.
        """
        mark = cls(now - BASELINE)
        for record in sorted(records, key=created_order):
            mark.advance(record)
        return mark


def created_order(record: Mapping[str, Any]) -> tuple:
    """Sort key: oldest first, then by number or ID so that equal times keep one order."""
    return (
        parse_iso(record.get("created_at")) or datetime.min.replace(tzinfo=timezone.utc),
        record.get("incident_number") or 0,
        str(record.get("id")),
    )
