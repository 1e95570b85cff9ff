"""Schedule arithmetic, pure: the shifts of a rotation layer, restrictions, layer precedence and
overrides (pagerduty-api.md §8.4). No store and no HTTP: times are aware datetimes, users are IDs.

Choices, where PagerDuty documents the outcome but not the arithmetic:

* **Hand-offs keep their wall-clock time in the schedule's zone.** Hand-off ``k`` is
  ``rotation_virtual_start + k * rotation_turn_length_seconds`` computed on the local clock, so a
  daily rotation that hands off at 09:00 keeps doing so across a daylight-saving change (that
  day's shift is 23 or 25 hours long). A local time the change skips is read with the offset in
  force before it (PEP 495, ``fold=0``), so no shift is ever negative; an empty one is dropped.
* **Restrictions mask the rotation; they do not pause it.** The user whose turn covers an instant
  is on call then if a restriction window covers it too. Windows are local too: a daily
  restriction at 08:00 for 9 hours is 08:00-17:00 on every local day.
* **Precedence:** a later layer hides the earlier ones wherever it has someone on call; overrides
  hide every layer; of two overlapping overrides the later one wins.
* **Entries:** a layer renders one entry per turn (cut by restrictions and by the window);
  the final schedule merges back-to-back entries of one user, so its ``end`` is when that user
  goes off call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Entry:
    """``user`` is on call from ``start`` (included) to ``end`` (excluded)."""

    user: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Restriction:
    kind: str  # daily_restriction | weekly_restriction
    start_time: time
    duration: int  # seconds
    day: int | None = None  # ISO day of week (1 is Monday), weekly restrictions only


@dataclass(frozen=True)
class Layer:
    start: datetime
    end: datetime | None
    virtual_start: datetime
    turn: int  # seconds
    users: tuple[str, ...]
    restrictions: tuple[Restriction, ...] = ()


# -- local clock ----------------------------------------------------------------------------------


def _local(when: datetime, zone: ZoneInfo) -> datetime:
    """``when`` as a naive wall-clock time in ``zone``."""
    return when.astimezone(zone).replace(tzinfo=None)


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of the naive wall-clock time ``wall`` in ``zone`` (``fold=0``)."""
    return wall.replace(tzinfo=zone).astimezone(timezone.utc)


# -- one layer ------------------------------------------------------------------------------------


def handoff(layer: Layer, zone: ZoneInfo, k: int) -> datetime:
    """The start of turn ``k`` (turn 0 starts at the rotation's virtual start)."""
    return _instant(_local(layer.virtual_start, zone) + timedelta(seconds=k * layer.turn), zone)


def turn_at(layer: Layer, zone: ZoneInfo, when: datetime) -> int:
    """The number of the turn covering ``when`` (negative before the virtual start)."""
    k = int((when - layer.virtual_start).total_seconds() // layer.turn)
    while handoff(layer, zone, k) > when:
        k -= 1
    while handoff(layer, zone, k + 1) <= when:
        k += 1
    return k


def layer_entries(layer: Layer, zone: ZoneInfo, lo: datetime, hi: datetime) -> list[Entry]:
    """The layer's entries inside ``[lo, hi)``, sorted and disjoint, cut at ``lo`` and ``hi``."""
    lo = max(lo, layer.start)
    if layer.end is not None:
        hi = min(hi, layer.end)
    if lo >= hi or not layer.users:
        return []
    allowed = restriction_windows(layer.restrictions, zone, lo, hi) if layer.restrictions else [(lo, hi)]
    out: list[Entry] = []
    k = turn_at(layer, zone, lo)
    start = handoff(layer, zone, k)
    window = 0
    while start < hi and window < len(allowed):
        end = handoff(layer, zone, k + 1)
        user = layer.users[k % len(layer.users)]
        # Windows before this turn are done with; those reaching past it serve the next turn too.
        while window < len(allowed) and allowed[window][1] <= start:
            window += 1
        w = window
        while w < len(allowed) and allowed[w][0] < end:
            piece_start, piece_end = max(start, allowed[w][0], lo), min(end, allowed[w][1], hi)
            if piece_start < piece_end:
                out.append(Entry(user, piece_start, piece_end))
            w += 1
        k, start = k + 1, end
    return out


def restriction_windows(
    restrictions: Iterable[Restriction], zone: ZoneInfo, lo: datetime, hi: datetime
) -> list[tuple[datetime, datetime]]:
    """The union of the restrictions' windows inside ``[lo, hi)``, sorted and disjoint."""
    # A weekly window may have opened up to a week before lo; a daily one a day before.
    first = _local(lo, zone).date() - timedelta(days=8)
    last = _local(hi, zone).date()
    spans = []
    for restriction in restrictions:
        day = first
        while day <= last:
            if restriction.kind == "daily_restriction" or day.isoweekday() == restriction.day:
                spans.append(_window(restriction, day, zone))
            day += DAY
    clipped = [(max(a, lo), min(b, hi)) for a, b in spans]
    return _union([(a, b) for a, b in clipped if a < b])


def _window(restriction: Restriction, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    wall = datetime.combine(day, restriction.start_time)
    return _instant(wall, zone), _instant(wall + timedelta(seconds=restriction.duration), zone)


def _union(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


# -- layers together ------------------------------------------------------------------------------


def overlay(base: Sequence[Entry], top: Sequence[Entry]) -> list[Entry]:
    """``top`` wherever it has someone on call, ``base`` through its gaps (both sorted, disjoint)."""
    cover = _union((e.start, e.end) for e in top)
    out: list[Entry] = list(top)
    j = 0
    for entry in base:
        start = entry.start
        while j < len(cover) and cover[j][1] <= start:
            j += 1
        k = j
        while k < len(cover) and cover[k][0] < entry.end:
            if cover[k][0] > start:
                out.append(Entry(entry.user, start, cover[k][0]))
            start = max(start, cover[k][1])
            k += 1
        if start < entry.end:
            out.append(Entry(entry.user, start, entry.end))
    return sorted(out, key=lambda e: e.start)


def override_layer(overrides: Iterable[Entry], lo: datetime, hi: datetime) -> list[Entry]:
    """Overrides in creation order, cut to ``[lo, hi)``; a later one hides an earlier one."""
    out: list[Entry] = []
    for entry in overrides:
        piece = clip([entry], lo, hi)
        if piece:
            out = overlay(out, piece)
    return out


def final(layers: Sequence[Sequence[Entry]], overrides: Sequence[Entry]) -> list[Entry]:
    """The final schedule: each layer over the earlier ones, overrides over all, merged per user."""
    out: list[Entry] = []
    for entries in [*layers, overrides]:
        out = overlay(out, entries)
    merged: list[Entry] = []
    for entry in out:
        if merged and merged[-1].user == entry.user and merged[-1].end == entry.start:
            merged[-1] = Entry(entry.user, merged[-1].start, entry.end)
        else:
            merged.append(entry)
    return merged


# -- reading entries ------------------------------------------------------------------------------


def clip(entries: Iterable[Entry], lo: datetime, hi: datetime) -> list[Entry]:
    """The parts of ``entries`` inside ``[lo, hi)``: split at the window's edges."""
    out = []
    for entry in entries:
        start, end = max(entry.start, lo), min(entry.end, hi)
        if start < end:
            out.append(Entry(entry.user, start, end))
    return out


def overlapping(entries: Iterable[Entry], lo: datetime, hi: datetime) -> list[Entry]:
    """Entries that overlap ``[lo, hi)`` whole (``overflow``); with ``lo == hi``, those covering it."""
    return [e for e in entries if e.start <= lo < e.end or (lo < e.end and e.start < hi)]


def coverage(entries: Iterable[Entry], lo: datetime, hi: datetime) -> float:
    """The percentage of ``[lo, hi)`` that ``entries`` cover, rounded to two decimals."""
    total = (hi - lo).total_seconds()
    if total <= 0:
        return 0.0
    covered = sum((e.end - e.start).total_seconds() for e in clip(entries, lo, hi))
    return round(100 * covered / total, 2)


def at(entries: Iterable[Entry], when: datetime) -> Entry | None:
    """The entry covering ``when``, if any."""
    return next((e for e in entries if e.start <= when < e.end), None)
