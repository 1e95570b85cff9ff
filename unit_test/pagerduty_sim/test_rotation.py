"""Schedule arithmetic against rotations worked out by hand (``pagerduty_sim.rotation``).

Every expected value below was computed on paper from the layer's definition, not by the code:
the comments show the working.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from pagerduty_sim import rotation
from pagerduty_sim.rotation import Entry, Layer, Restriction

UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
DAY, WEEK = 86400, 7 * 86400


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def shifts(entries: list[Entry], zone: ZoneInfo = UTC) -> list[tuple[str, str, str]]:
    """Entries as (user, start, end) in ``zone``, to compare with the hand-worked tables."""
    fmt = "%m-%d %H:%M"
    return [
        (e.user, e.start.astimezone(zone).strftime(fmt), e.end.astimezone(zone).strftime(fmt))
        for e in entries
    ]


def layer(start: str, turn: int, users: str, zone_start: str | None = None, **extra) -> Layer:
    begin = t(start)
    return Layer(
        begin, extra.pop("end", None), t(zone_start) if zone_start else begin, turn, tuple(users), **extra
    )


def test_two_user_daily_rotation():
    # A from Mon 1 Jan 09:00 UTC, then B, then A again; the window cuts the first and last entries.
    daily = layer("2024-01-01T09:00:00+00:00", DAY, "AB")
    entries = rotation.layer_entries(
        daily, UTC, t("2024-01-01T12:00:00+00:00"), t("2024-01-04T00:00:00+00:00")
    )
    assert shifts(entries) == [
        ("A", "01-01 12:00", "01-02 09:00"),
        ("B", "01-02 09:00", "01-03 09:00"),
        ("A", "01-03 09:00", "01-04 00:00"),
    ]


def test_nothing_before_the_layer_starts_or_after_it_ends():
    daily = layer(
        "2024-01-02T09:00:00+00:00",
        DAY,
        "AB",
        "2024-01-01T09:00:00+00:00",
        end=t("2024-01-03T12:00:00+00:00"),
    )
    entries = rotation.layer_entries(
        daily, UTC, t("2024-01-01T00:00:00+00:00"), t("2024-01-05T00:00:00+00:00")
    )
    # The virtual start makes 1 Jan A's turn, so on 2 Jan (when the layer starts) it is B's.
    assert shifts(entries) == [("B", "01-02 09:00", "01-03 09:00"), ("A", "01-03 09:00", "01-03 12:00")]


def test_weekly_rotation_keeps_its_local_hand_off_across_spring_forward():
    # Berlin moves from +01:00 to +02:00 on Sunday 31 March 2024. Hand-offs stay at Monday 09:00
    # local: 25 Mar 09:00 CET is 08:00 UTC, 1 Apr 09:00 CEST is 07:00 UTC, so B's week is 167 h.
    weekly = layer("2024-03-18T09:00:00+01:00", WEEK, "AB")
    entries = rotation.layer_entries(
        weekly, BERLIN, t("2024-03-18T08:00:00+00:00"), t("2024-04-08T07:00:00+00:00")
    )
    assert shifts(entries, BERLIN) == [
        ("A", "03-18 09:00", "03-25 09:00"),
        ("B", "03-25 09:00", "04-01 09:00"),
        ("A", "04-01 09:00", "04-08 09:00"),
    ]
    assert shifts(entries) == [
        ("A", "03-18 08:00", "03-25 08:00"),
        ("B", "03-25 08:00", "04-01 07:00"),
        ("A", "04-01 07:00", "04-08 07:00"),
    ]
    assert (entries[1].end - entries[1].start).total_seconds() == WEEK - 3600


def test_daily_rotation_across_fall_back_has_a_25_hour_day():
    # New York goes from -04:00 to -05:00 on Sunday 3 November 2024: 09:00 EDT is 13:00 UTC,
    # 09:00 EST is 14:00 UTC, so the shift from Saturday to Sunday lasts 25 hours.
    daily = layer("2024-11-01T09:00:00-04:00", DAY, "AB")
    entries = rotation.layer_entries(
        daily, NEW_YORK, t("2024-11-02T13:00:00+00:00"), t("2024-11-04T14:00:00+00:00")
    )
    assert shifts(entries) == [("B", "11-02 13:00", "11-03 14:00"), ("A", "11-03 14:00", "11-04 14:00")]


def test_a_hand_off_inside_the_skipped_hour_never_makes_a_negative_shift():
    # Hourly turns from 03:30 CEST (01:30 UTC) on 31 March: the turn that would start at the
    # skipped 02:30 local is read at +01:00 (01:30 UTC) and is empty, so it is dropped.
    hourly = layer("2024-03-30T00:00:00+00:00", 3600, "AB", "2024-03-31T03:30:00+02:00")
    entries = rotation.layer_entries(
        hourly, BERLIN, t("2024-03-31T00:00:00+00:00"), t("2024-03-31T03:00:00+00:00")
    )
    assert all(e.start < e.end for e in entries)
    assert shifts(entries) == [
        ("B", "03-31 00:00", "03-31 00:30"),
        ("A", "03-31 00:30", "03-31 01:30"),
        ("A", "03-31 01:30", "03-31 02:30"),
        ("B", "03-31 02:30", "03-31 03:00"),
    ]


def test_daily_restriction_keeps_business_hours_in_local_time():
    # A weekly rotation restricted to 09:00-17:00 Berlin time: on Friday 29 March (CET) that is
    # 08:00-16:00 UTC, on Tuesday 2 April (CEST) 07:00-15:00 UTC; the rotation changes on Monday.
    hours = Restriction("daily_restriction", time(9), 8 * 3600)
    weekly = layer("2024-03-25T09:00:00+01:00", WEEK, "AB", restrictions=(hours,))
    entries = rotation.layer_entries(
        weekly, BERLIN, t("2024-03-29T00:00:00+00:00"), t("2024-04-03T00:00:00+00:00")
    )
    assert shifts(entries) == [
        ("A", "03-29 08:00", "03-29 16:00"),
        ("A", "03-30 08:00", "03-30 16:00"),
        ("A", "03-31 07:00", "03-31 15:00"),
        ("B", "04-01 07:00", "04-01 15:00"),
        ("B", "04-02 07:00", "04-02 15:00"),
    ]


def test_restriction_window_that_spans_a_hand_off_is_split_between_the_two_users():
    # Nights 20:00-08:00 UTC on a daily rotation handing off at 00:00: each night is two entries.
    nights = Restriction("daily_restriction", time(20), 12 * 3600)
    daily = layer("2024-01-01T00:00:00+00:00", DAY, "AB", restrictions=(nights,))
    entries = rotation.layer_entries(
        daily, UTC, t("2024-01-01T12:00:00+00:00"), t("2024-01-02T12:00:00+00:00")
    )
    assert shifts(entries) == [("A", "01-01 20:00", "01-02 00:00"), ("B", "01-02 00:00", "01-02 08:00")]


def test_weekly_restriction_covers_the_weekend():
    # Saturday 00:00 for 48 hours: 6 Jan 2024 is a Saturday.
    weekend = Restriction("weekly_restriction", time(0), 2 * DAY, day=6)
    cover = layer("2024-01-01T00:00:00+00:00", WEEK, "C", restrictions=(weekend,))
    entries = rotation.layer_entries(
        cover, UTC, t("2024-01-01T00:00:00+00:00"), t("2024-01-15T00:00:00+00:00")
    )
    assert shifts(entries) == [("C", "01-06 00:00", "01-08 00:00"), ("C", "01-13 00:00", "01-15 00:00")]


def test_later_layers_win_and_earlier_ones_show_through_their_gaps():
    # Layer 1: A and B daily at 09:00. Layer 2: C on weekends only. Saturday 6 Jan is C's.
    daily = layer("2024-01-01T09:00:00+00:00", DAY, "AB")
    weekend = layer(
        "2024-01-01T00:00:00+00:00",
        WEEK,
        "C",
        restrictions=(Restriction("weekly_restriction", time(0), 2 * DAY, 6),),
    )
    lo, hi = t("2024-01-05T00:00:00+00:00"), t("2024-01-09T00:00:00+00:00")
    final = rotation.final([rotation.layer_entries(x, UTC, lo, hi) for x in (daily, weekend)], [])
    assert shifts(final) == [
        ("B", "01-05 00:00", "01-05 09:00"),
        ("A", "01-05 09:00", "01-06 00:00"),
        ("C", "01-06 00:00", "01-08 00:00"),
        ("A", "01-08 00:00", "01-08 09:00"),
        ("B", "01-08 09:00", "01-09 00:00"),
    ]


def test_an_override_in_the_middle_of_a_shift_splits_it():
    # B's shift runs 2 Jan 09:00 to 3 Jan 09:00; C takes 13:00-17:00 of it.
    daily = layer("2024-01-01T09:00:00+00:00", DAY, "AB")
    lo, hi = t("2024-01-02T00:00:00+00:00"), t("2024-01-03T12:00:00+00:00")
    overrides = rotation.override_layer(
        [Entry("C", t("2024-01-02T13:00:00+00:00"), t("2024-01-02T17:00:00+00:00"))], lo, hi
    )
    final = rotation.final([rotation.layer_entries(daily, UTC, lo, hi)], overrides)
    assert shifts(final) == [
        ("A", "01-02 00:00", "01-02 09:00"),
        ("B", "01-02 09:00", "01-02 13:00"),
        ("C", "01-02 13:00", "01-02 17:00"),
        ("B", "01-02 17:00", "01-03 09:00"),
        ("A", "01-03 09:00", "01-03 12:00"),
    ]
    assert rotation.at(final, t("2024-01-02T15:00:00+00:00")).user == "C"


def test_the_later_of_two_overlapping_overrides_wins():
    first = Entry("C", t("2024-01-02T10:00:00+00:00"), t("2024-01-02T14:00:00+00:00"))
    second = Entry("D", t("2024-01-02T12:00:00+00:00"), t("2024-01-02T16:00:00+00:00"))
    overrides = rotation.override_layer(
        [first, second], t("2024-01-02T00:00:00+00:00"), t("2024-01-03T00:00:00+00:00")
    )
    assert shifts(overrides) == [("C", "01-02 10:00", "01-02 12:00"), ("D", "01-02 12:00", "01-02 16:00")]


def test_final_schedule_merges_back_to_back_entries_of_one_user():
    # A one-person daily rotation is one final entry, while the layer keeps one entry per turn.
    solo = layer("2024-01-01T00:00:00+00:00", DAY, "A")
    lo, hi = t("2024-01-01T00:00:00+00:00"), t("2024-01-04T00:00:00+00:00")
    entries = rotation.layer_entries(solo, UTC, lo, hi)
    assert len(entries) == 3
    assert shifts(rotation.final([entries], [])) == [("A", "01-01 00:00", "01-04 00:00")]


def test_coverage_and_overlap_helpers():
    entries = [Entry("A", t("2024-01-01T00:00:00+00:00"), t("2024-01-01T06:00:00+00:00"))]
    lo, hi = t("2024-01-01T00:00:00+00:00"), t("2024-01-02T00:00:00+00:00")
    assert rotation.coverage(entries, lo, hi) == 25.0
    assert (
        rotation.overlapping(entries, t("2024-01-01T05:00:00+00:00"), t("2024-01-01T05:00:00+00:00"))
        == entries
    )
    assert rotation.overlapping(entries, t("2024-01-01T06:00:00+00:00"), t("2024-01-01T07:00:00+00:00")) == []
