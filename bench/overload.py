"""7. Overload: the HTTP server offered twice what it can serve, with and without load shedding.

First the server's capacity for ``get_user_by_id`` (closed loop, several clients) and its unloaded
p99 (one client). Then an open-loop load at twice that capacity for a fixed time: requests are
sent on schedule whether or not earlier ones were answered, each on a new connection, as
independent callers would. Measured for the accepted requests: p50 and p99 latency, against the
unloaded p99; the share refused with 503; how long the backlog took to drain after the load
stopped; the worker's memory before and after. The same load is then offered to a server whose
backlog is unbounded (``PLUGIN_MAX_BACKLOG`` very large), the behaviour before shedding existed.
"""

from __future__ import annotations

import http.client
import threading
import time
from pathlib import Path
from typing import Any

from .common import Config, SimProcess, percentile, ratio
from .http_mode import PluginServer, requests_for
from .load import StdlibSession, run_load

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


def _one(port: int, method: str, path: str, headers: dict, body: bytes | None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()


def _open_loop(port: int, spec: tuple, rate: float, seconds: float, senders: int = 48) -> dict[str, Any]:
    """Send ``rate`` requests per second for ``seconds``, on schedule, from ``senders`` threads."""
    method, path, headers, body, _expected = spec
    total = int(rate * seconds)
    start = time.monotonic() + 0.2
    lock = threading.Lock()
    next_index = [0]
    accepted: list[float] = []
    statuses: dict[int, int] = {}
    late = [0]
    finished_at = [0.0]

    def sender() -> None:
        while True:
            with lock:
                index = next_index[0]
                next_index[0] += 1
            if index >= total:
                return
            due = start + index / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            elif pause < -0.05:
                with lock:
                    late[0] += 1
            began = time.perf_counter()
            status = _one(port, method, path, headers, body)
            took = time.perf_counter() - began
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    accepted.append(took)
                finished_at[0] = max(finished_at[0], time.monotonic())

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    end_of_schedule = start + seconds
    return {
        "offered": total,
        "offered_rps": rate,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "accepted": len(accepted),
        "shed_share": statuses.get(503, 0) / total if total else 0.0,
        "failed": total - len(accepted) - statuses.get(503, 0),
        "p50_ms": percentile(accepted, 0.5) * 1000 if accepted else None,
        "p99_ms": percentile(accepted, 0.99) * 1000 if accepted else None,
        "drain_s": max(0.0, finished_at[0] - end_of_schedule),
        "sent_late": late[0],
    }


def _measure(sim: SimProcess, spec: tuple, cfg: Config, backlog: str | None) -> dict[str, Any]:
    extra = {"PLUGIN_MAX_BACKLOG": backlog} if backlog else {}
    server = PluginServer(1, THREADS, **extra)
    try:
        port = int(server.url.rsplit(":", 1)[1])
        method, path, headers, body, expected = spec

        def send(session: Any) -> int:
            return session.request(method, server.url + path, headers, body)

        def load(count: int, clients: int) -> dict[str, Any]:
            return run_load(send, count, clients, 30, expected=expected,
                            session_factory=lambda: StdlibSession(server.url))

        load(100, 4)  # warm: the worker's cached connection
        unloaded = load(100 if cfg.quick else 300, 1)
        capacity = load(300 if cfg.quick else 1500, 8)
        worker_rss_before = _rss_kib(server.process.pid)
        seconds = 3.0 if cfg.quick else 15.0
        overload = _open_loop(port, spec, 2 * capacity["rps"], seconds)
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
            "just before, each request on a new connection; load generator, server and simulator share "
            "the machine's cores, so 'sent_late' counts requests the generator itself could not send on "
            "time.",
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
