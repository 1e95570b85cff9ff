"""7. Overload: the HTTP server offered twice what it can serve, with and without load shedding.

First the server's capacity for ``get_user_by_id`` (closed loop, one client per thread, counting
answered requests only) and its unloaded p99 (one client), both with a new connection per request
as in the overload. Then an open-loop load at twice that capacity for a fixed time: requests are
sent on schedule whether or not earlier ones were answered (bench/open_loop.py). Measured for the
accepted requests: p50 and p99 latency, against the unloaded p99; the share refused with 503; how
long the backlog took to drain after the load stopped; the worker's memory before and after. The
same load goes to a server with ``PLUGIN_MAX_BACKLOG=0``, and to one whose backlog is unbounded
(``PLUGIN_MAX_BACKLOG`` very large), the behaviour before shedding existed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .common import Config, SimProcess, ratio
from .http_mode import PluginServer, requests_for
from .load import StdlibSession, run_load
from .open_loop import open_loop

TITLE = "Overload: twice the capacity, with and without load shedding"
TARGET_P99_RATIO = 5.0
THREADS = 4
UNBOUNDED = "1000000"


def _rss_kib(pid: int) -> int:
    total = 0
    for candidate in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{candidate}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _measure(sim: SimProcess, spec: tuple, cfg: Config, backlog: str | None) -> dict[str, Any]:
    extra = {"PLUGIN_MAX_BACKLOG": backlog} if backlog is not None else {}
    server = PluginServer(1, THREADS, **extra)
    try:
        port = int(server.url.rsplit(":", 1)[1])
        method, path, headers, body, expected = spec

        def send(session: Any) -> int:
            return session.request(method, server.url + path, headers, body)

        def load(count: int, clients: int) -> dict[str, Any]:
            # A new connection per request, as in the overload: its cost is part of the capacity.
            return run_load(send, count, clients, 30, expected=expected,
                            session_factory=lambda: StdlibSession(server.url, fresh=True))

        load(100, THREADS)  # warm: the worker's cached connection to the simulator
        unloaded = load(100 if cfg.quick else 1000, 1)  # its p99 is the yardstick: 10 samples above it
        # One client per thread, so nothing is shed: the capacity counts answered requests only.
        capacity = load(300 if cfg.quick else 1500, THREADS)
        capacity["rps"] = round((capacity["requests"] - capacity["errors"]) / capacity["seconds"], 1)
        worker_rss_before = _rss_kib(server.process.pid)
        seconds = 3.0 if cfg.quick else 15.0
        overload = open_loop(port, spec, 2 * capacity["rps"], seconds)
        worker_rss_after = _rss_kib(server.process.pid)
    finally:
        server.stop()
    return {
        "unloaded": unloaded,
        "capacity_rps": capacity["rps"],
        "overload": overload,
        "p99_x_unloaded": ratio(overload["p99_ms"], unloaded["p99_ms"]) if overload["p99_ms"] else None,
        "rss_kib_before": worker_rss_before,
        "rss_kib_after": worker_rss_after,
    }


def run(cfg: Config) -> dict[str, Any]:
    with SimProcess() as sim:
        creds = sim.credentials()
        user_id = sim.state()["users"][0]["id"]
        spec = requests_for(sim.url, creds, user_id)["get_user_by_id"]["plugin"]
        figures = {
            "shedding (PLUGIN_MAX_BACKLOG default)": _measure(sim, spec, cfg, None),
            "shedding, PLUGIN_MAX_BACKLOG=0": _measure(sim, spec, cfg, "0"),
            "unbounded backlog": _measure(sim, spec, cfg, UNBOUNDED),
        }
    shedding = figures["shedding (PLUGIN_MAX_BACKLOG default)"]
    value = shedding["p99_x_unloaded"]
    return {
        "title": TITLE,
        "figures": figures,
        "targets": [{
            "name": f"accepted requests' p99 at 2x capacity within {TARGET_P99_RATIO:g}x the unloaded p99",
            "value": value, "unit": "x", "met": value is not None and value <= TARGET_P99_RATIO,
        }],
        "notes": [
            f"1 worker, {THREADS} threads; open-loop arrivals at twice the closed-loop capacity measured "
            "just before, each request on a new connection, from one asyncio loop (bench/open_loop.py); "
            "load generator, server and simulator share the machine's cores, so 'sent_late' counts "
            "requests the generator itself could not send on time.",
            "Memory: resident set of the server's master and worker, before and after the overload.",
        ],
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    out = []
    for label, figure in result["figures"].items():
        load = figure["overload"]
        p99 = "-" if load["p99_ms"] is None else f"{load['p99_ms']:.0f}"
        out.append((
            f"overload, {label}",
            f"p99 {p99} ms, {load['shed_share']:.0%} shed, drain {load['drain_s']:.1f} s, "
            f"rss {figure['rss_kib_before'] // 1024}->{figure['rss_kib_after'] // 1024} MiB",
            f"unloaded p99 {figure['unloaded']['p99_ms']:.1f} ms, "
            f"capacity {figure['capacity_rps']:.0f} req/s",
            "-" if figure["p99_x_unloaded"] is None else f"{figure['p99_x_unloaded']:.1f}x p99",
        ))
    return out
