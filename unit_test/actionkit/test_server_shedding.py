"""How many requests a worker holds: every thread and the backlog while it waits on PagerDuty, half
its threads while it is busy computing (the GIL makes more only slower)."""

from __future__ import annotations

import pytest

from actionkit.server.shedding import SATURATED_SHARE, CpuGauge, backlog_limit, in_flight_limit


class Clocks:
    def __init__(self):
        self.wall = 100.0
        self.cpu = 5.0

    def spend(self, wall: float, cpu: float) -> None:
        self.wall += wall
        self.cpu += cpu


def test_the_gauge_reports_the_share_of_a_core_used_over_its_latest_window():
    clocks = Clocks()
    gauge = CpuGauge(window=0.25, clock=lambda: clocks.wall, cpu=lambda: clocks.cpu)
    assert gauge.share() == 0.0
    clocks.spend(wall=0.25, cpu=0.225)
    assert gauge.share() == pytest.approx(0.9)
    clocks.spend(wall=0.125, cpu=0.0)  # inside the next window: the last full one still counts
    assert gauge.share() == pytest.approx(0.9)
    clocks.spend(wall=0.375, cpu=0.05)
    assert gauge.share() == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("threads", "backlog", "share", "limit"),
    [(4, 2, 0.05, 6), (4, 0, 0.05, 4), (4, 2, SATURATED_SHARE, 2), (4, 2, 1.0, 2), (1, 1, 1.0, 1),
     (16, 8, 0.49, 24), (16, 8, 0.9, 8)],
    ids=["waiting", "waiting-no-backlog", "at-threshold", "computing", "one-thread", "many-waiting",
         "many-computing"],
)
def test_an_overloaded_computing_worker_takes_half_its_threads_worth(threads, backlog, share, limit):
    assert in_flight_limit(threads, backlog, share, overloaded=True) == limit


@pytest.mark.parametrize("share", [0.05, 1.0])
def test_a_worker_that_refused_no_one_keeps_every_thread_and_its_backlog(share):
    # At its capacity, a computing worker is busy but not overloaded: it refuses no one.
    assert in_flight_limit(4, 2, share, overloaded=False) == 6


@pytest.mark.parametrize(("value", "limit"), [("", 2), ("0", 0), ("3", 3)])
def test_the_backlog_is_half_the_threads_unless_set(value, limit):
    assert backlog_limit(4, {"PLUGIN_MAX_BACKLOG": value}) == limit


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_a_backlog_that_is_not_a_whole_number_is_refused_naming_the_variable(value):
    with pytest.raises(ValueError, match=r"^PLUGIN_MAX_BACKLOG must be a whole number \(0 or more\)"):
        backlog_limit(4, {"PLUGIN_MAX_BACKLOG": value})
