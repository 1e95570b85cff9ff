"""4. Pagination: listing every user of an account with 10,000 users.

The simulator (in this process, rate limit off) is seeded to 10,000 users through its store. Each
listing runs in a child process, so its peak RSS is its own: the client streaming the listing
(``RestClient.list_users()``, counted as it goes), the client materializing it (``list(...)``),
and the floor, a bare ``requests`` loop fetching the same pages. Requests are counted from the
simulator's request log; the floor is ``ceil(users / 100)``. Times come from untraced runs; one
more run per listing measures the Python heap peak with ``tracemalloc`` (the peak RSS of a
process hides memory freed after imports and reused, so it cannot show the listing's own share).
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import requests

from pagerduty_sim import Simulator

from .common import Config, child_env, median, ms, ratio, run_child

TITLE = "Pagination (list every user)"
PAGE_LIMIT = 100
LISTER = """\
import json, os, sys, time, tracemalloc
mode, traced = sys.argv[1], sys.argv[2] == "traced"
url, token, sender = os.environ["BENCH_URL"], os.environ["BENCH_TOKEN"], os.environ["BENCH_FROM"]
if mode == "bare":
    import requests
    session = requests.Session()
    headers = {"Authorization": "Token token=" + token, "Accept": "application/vnd.pagerduty+json;version=2",
               "From": sender}
    def listing():
        offset = 0
        while True:
            page = session.get(url + "/users", params={"limit": 100, "offset": offset}, headers=headers,
                               timeout=60).json()
            yield from page["users"]
            if not page["more"]:
                return
            offset += len(page["users"])
else:
    from icon_pagerduty.client import RestClient
    client = RestClient(token, base_url=url, from_email=sender)
    listing = client.list_users
if traced:
    tracemalloc.start()
started = time.perf_counter()
if mode == "list":
    count = len(list(listing()))
else:
    count = sum(1 for _ in listing())
seconds = time.perf_counter() - started
heap_peak = tracemalloc.get_traced_memory()[1] if traced else None
print(json.dumps({"count": count, "seconds": seconds, "heap_peak_bytes": heap_peak}))
"""
MODES = {
    "bare": "bare requests loop (floor)",
    "stream": "client, streamed",
    "list": "client, list()",
}


def seed_users(sim: Simulator, total: int) -> int:
    """Add users until the account has ``total``; returns how many it has."""
    store = sim.app.store
    with store.lock:
        have = len(store.table("users"))
        for number in range(have, total):
            store.create("users", {
                "name": f"Bench User {number:05d}",
                "email": f"bench.user{number:05d}@example.com",
                "role": "user",
                "job_title": "Benchmark Engineer",
                "time_zone": "Europe/Berlin",
                "description": "Seeded by bench.pagination",
            })
        return len(store.table("users"))


def run(cfg: Config) -> dict[str, Any]:
    with Simulator(seed="demo") as sim:
        sim.settings.rate_limit_enabled = False
        users = seed_users(sim, cfg.users)
        creds = sim.credentials()
        env = child_env(BENCH_URL=sim.url, BENCH_TOKEN=creds["account_token"], BENCH_FROM=creds["from_email"])
        samples: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
        heap_peaks: dict[str, int] = {}
        for run_number in range(cfg.runs + 1):
            for mode in MODES:
                traced = run_number == cfg.runs
                if traced and mode == "bare" and cfg.quick:
                    continue  # the floor's heap is the least telling figure; a smoke run skips it
                requests.delete(sim.url + "/_sim/requests", timeout=10)
                figure, peak_kib = _list(mode, traced, env, users)
                if traced:
                    heap_peaks[mode] = figure["heap_peak_bytes"]
                    continue
                log = sim.requests()
                figure["requests"] = sum(r["method"] == "GET" and r["path"] == "/users" for r in log)
                figure["process_peak_kib"] = peak_kib
                samples[mode].append(figure)
    floor_requests = math.ceil(users / PAGE_LIMIT)
    figures: dict[str, Any] = {"users": users, "request_floor": floor_requests}
    for mode, found in samples.items():
        figures[mode] = {
            "requests": max(s["requests"] for s in found),
            "median_s": round(median([s["seconds"] for s in found]), 4),
            "heap_peak_mib": round(heap_peaks[mode] / 2**20, 2) if mode in heap_peaks else None,
            "process_peak_mib": round(median([s["process_peak_kib"] for s in found]) / 1024, 1),
            "runs": len(found),
        }
    bare_s = figures["bare"]["median_s"]
    for mode in MODES:
        figures[mode]["x_bare"] = ratio(figures[mode]["median_s"], bare_s)
    client_requests = max(figures["stream"]["requests"], figures["list"]["requests"])
    target = {"name": f"Pagination at the floor of requests ({floor_requests} for {users:,} users)",
              "value": client_requests, "unit": "requests", "met": client_requests == floor_requests}
    if not target["met"]:
        target["dominated_by"] = [f"the client sent {client_requests} GET /users for {users} users"]
    return {
        "title": TITLE,
        "figures": figures,
        "targets": [target],
        "notes": [
            f"{users:,} users seeded in process; page limit {PAGE_LIMIT}; {cfg.runs} runs of each listing.",
            "heap_peak_mib: tracemalloc peak during the listing (separate run); process_peak_mib: the "
            "child's ru_maxrss, imports included.",
        ],
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    figures = result["figures"]
    out = []
    for mode, label in MODES.items():
        figure = figures[mode]
        out.append((
            f"list {figures['users']:,} users: {label}",
            f"{figure['requests']} req, {ms(figure['median_s']):.0f} ms, "
            f"heap {_mib(figure['heap_peak_mib'])}",
            f"{figures['request_floor']} req",
            f"{figure['x_bare']:.2f}x bare time",
        ))
    return out


def _list(mode: str, traced: bool, env: dict[str, str], users: int) -> tuple[dict[str, Any], int]:
    child = run_child([sys.executable, "-c", LISTER, mode, "traced" if traced else "timed"], env=env,
                      timeout=300)
    if child.returncode != 0:
        raise RuntimeError(f"listing ({mode}) failed: {child.stderr.decode(errors='replace')[-500:]}")
    figure = json.loads(child.stdout)
    if figure["count"] != users:
        raise RuntimeError(f"listing ({mode}) saw {figure['count']} users of {users}")
    return figure, child.maxrss_kib


def _mib(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} MiB"
