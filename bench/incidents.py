"""10. Incidents: listing 25,000 past the 10,000 ceiling, and a bulk change of 2,000 under a rate limit.

The simulator runs in this process; each client runs in a child process, so its peak RSS is its own.

Listing: 25,000 incidents spread over 100 days on one service, read with since and until. PagerDuty
stops offset pages at 10,000, so the client halves the window until each part holds fewer (five
parts here). Three listers: the ``list_incidents`` action through the runtime (shaping included),
the client's ``iter_all`` streamed, and the floor, a bare ``requests`` loop that replays exactly the
pages the client asked for. Requests are counted from the simulator's log; their floor is
``ceil(N / 100)``.

Bulk: ``manage_incidents`` acknowledges 2,000 triggered incidents (8 requests of 250) while the
simulator limits ``PUT /incidents`` to ``LIMIT`` requests per ``WINDOW`` seconds (a token bucket that
starts full, like PagerDuty's operation limits, scaled down so that the run takes seconds). The
share of the allowed rate is the shortest possible time (the requests past the full bucket, at the
refill rate) over the time taken.
"""

from __future__ import annotations

import json
import math
import sys
from datetime import datetime, timedelta, timezone
from typing import Any

import requests

from pagerduty_sim import Simulator
from pagerduty_sim.incident_seed import load_incidents

from .common import Config, action_message, child_env, connection_for, median, ratio, run_child

TITLE = "Incidents (list past 10,000; bulk change under a rate limit)"
PAGE_LIMIT = 100
BULK_BATCH = 250
LIMIT = 2  # PUT /incidents per WINDOW seconds, for the bulk change
WINDOW = 4.0
START = datetime(2024, 1, 1, tzinfo=timezone.utc)
END = START + timedelta(days=100)
LISTER = """\
import json, os, sys, time
mode = sys.argv[1]
args = json.loads(sys.stdin.read())
started = time.perf_counter()
if mode == "bare":
    import requests
    session = requests.Session()
    headers = {"Authorization": "Token token=" + args["token"],
               "Accept": "application/vnd.pagerduty+json;version=2"}
    count = 0
    for query in args["pages"]:
        page = session.get(args["url"] + "/incidents", params=query, headers=headers, timeout=60).json()
        count += len(page["incidents"])
elif mode == "client":
    from icon_pagerduty.client import RestClient
    client = RestClient(args["token"], base_url=args["url"])
    count = sum(1 for _ in client.iter_all("/incidents", "incidents", args["params"]))
else:
    from actionkit.runtime import Plugin
    result = Plugin.load("icon_pagerduty").handle(json.dumps(args["message"]))
    count = result.envelope["body"]["output"]["count"]
print(json.dumps({"count": count, "seconds": time.perf_counter() - started}))
"""
BULKER = """\
import json, re, sys, time
from actionkit.runtime import Plugin
args = json.loads(sys.stdin.read())
plugin = Plugin.load("icon_pagerduty")
started = time.perf_counter()
result = plugin.handle(json.dumps(args["message"]))
seconds = time.perf_counter() - started
body = result.envelope["body"]
results = body.get("output", {}).get("results", [])
print(json.dumps({"seconds": seconds, "ok": result.ok, "changed": sum(1 for r in results if r.get("changed")),
                  "errors": sum(1 for r in results if "error" in r),
                  "rejected": len(re.findall(r"429 Too Many Requests.*retrying in", body.get("log", ""))),
                  "progress_lines": len(re.findall(r"incidents done", body.get("log", "")))}))
"""
MODES = {"bare": "bare requests loop (floor)", "client": "client iter_all, streamed",
         "action": "list_incidents action"}


def run(cfg: Config) -> dict[str, Any]:
    total = 12_000 if cfg.quick else 25_000
    bulk_total = 1_000 if cfg.quick else 2_000
    with Simulator(seed="demo") as sim:
        sim.settings.rate_limit_enabled = False
        listing = _listing(sim, cfg, total)
        sim.reset()
        bulk = _bulk(sim, bulk_total)
    targets = [
        {"name": f"Every incident listed once past the ceiling ({total:,})",
         "value": listing["action"]["count"], "unit": "incidents", "met": listing["complete"]},
        {"name": "Listing within 5% of the floor of requests", "value": listing["client"]["requests"],
         "unit": "requests", "met": listing["client"]["requests"] <= 1.05 * listing["request_floor"]},
        {"name": "Bulk change at 90% of the allowed rate or more", "value": f"{bulk['share']:.0%}",
         "unit": "", "met": bulk["share"] >= 0.9},
        {"name": "Bulk change without a failure", "value": bulk["errors"], "unit": "failures",
         "met": bulk["errors"] == 0 and bulk["ok"]},
    ]
    return {
        "title": TITLE,
        "figures": {"listing": listing, "bulk": bulk},
        "targets": targets,
        "notes": [
            f"{total:,} incidents over {(END - START).days} days on one service, read with since and until "
            f"in {listing['windows']} windows; page limit {PAGE_LIMIT}; {cfg.runs} runs of each lister. The "
            "request floor ignores the ceiling: each split window's first page (which reports its total) "
            "and each window's last partial page are the price of reading past it.",
            f"Bulk: {bulk_total:,} incidents acknowledged in requests of {BULK_BATCH}; PUT /incidents "
            f"limited to {LIMIT} per {WINDOW:g} s; share = ((requests - {LIMIT}) x {WINDOW / LIMIT:g} s) / "
            "time taken.",
        ],
    }


def _listing(sim: Simulator, cfg: Config, total: int) -> dict[str, Any]:
    creds = sim.credentials()
    service = next(s["id"] for s in sim.state()["services"] if s["name"] == "Checkout API")
    with sim.app.store.lock:
        made = load_incidents(sim.app.store, service, total, START, END)
    params = {"service_ids[]": [service], "since": START.isoformat(), "until": END.isoformat()}
    connection = {**connection_for(sim.url, creds), "step_timeout": 3600}
    message = action_message("list_incidents", {"services": [service], "since": START.isoformat(),
                                                "until": END.isoformat(), "limit": 0}, connection)
    args = {"url": sim.url, "token": creds["account_token"], "params": params, "message": message}
    samples: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    pages: list[dict[str, Any]] = []
    for _ in range(cfg.runs):
        for mode in ("client", "bare", "action"):  # the client first: the bare loop replays its pages
            requests.delete(sim.url + "/_sim/requests", timeout=10)
            child = run_child([sys.executable, "-c", LISTER, mode], stdin=json.dumps({**args, "pages": pages})
                              .encode(), env=child_env(), timeout=600)
            if child.returncode != 0:
                raise RuntimeError(f"listing ({mode}) failed: {child.stderr.decode(errors='replace')[-500:]}")
            figure = json.loads(child.stdout)
            log = [r for r in sim.requests() if r["method"] == "GET" and r["path"] == "/incidents"]
            if mode == "client" and not pages:
                pages = [r["query"] for r in log]
            figure.update(requests=len(log), process_peak_mib=round(child.maxrss_kib / 1024, 1))
            samples[mode].append(figure)
    figures: dict[str, Any] = {"incidents": total, "request_floor": math.ceil(total / PAGE_LIMIT),
                               "windows": _leaf_windows(pages)}
    for mode, found in samples.items():
        figures[mode] = {"count": found[-1]["count"], "requests": max(s["requests"] for s in found),
                         "median_s": round(median([s["seconds"] for s in found]), 3),
                         "process_peak_mib": max(s["process_peak_mib"] for s in found)}
    for mode in MODES:
        figures[mode]["x_bare"] = ratio(figures[mode]["median_s"], figures["bare"]["median_s"])
    # The bare loop replays every page the client asked for, the first pages of split windows too, so
    # it counts more: only the client and the action must give each incident once.
    figures["complete"] = all(figures[m]["count"] == len(made) for m in ("client", "action"))
    return figures


def _leaf_windows(pages: list[dict[str, Any]]) -> int:
    """How many windows were read to the end: those that hold no smaller window (the others were split)."""
    spans = {(_time(q["since"][0]), _time(q["until"][0])) for q in pages}
    return sum(1 for a in spans if not any(b != a and a[0] <= b[0] and b[1] <= a[1] for b in spans))


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _bulk(sim: Simulator, total: int) -> dict[str, Any]:
    creds = sim.credentials()
    service = next(s["id"] for s in sim.state()["services"] if s["name"] == "Checkout API")
    now = datetime.now(timezone.utc)
    with sim.app.store.lock:
        made = load_incidents(sim.app.store, service, total, now - timedelta(days=2), now - timedelta(days=1))
    sim.settings.update({"rate_limit_enabled": True, "incident_rate_limit": LIMIT,
                         "rate_limit_window": WINDOW})
    connection = {**connection_for(sim.url, creds), "step_timeout": 600}
    message = action_message("manage_incidents", {"ids": made, "status": "acknowledged"}, connection)
    child = run_child([sys.executable, "-c", BULKER], stdin=json.dumps({"message": message}).encode(),
                      env=child_env(), timeout=600)
    sim.settings.update({"rate_limit_enabled": False})
    if child.returncode != 0:
        raise RuntimeError(f"the bulk change failed: {child.stderr.decode(errors='replace')[-500:]}")
    figure = json.loads(child.stdout)
    puts = sum(1 for r in sim.requests() if r["method"] == "PUT" and r["path"] == "/incidents")
    shortest = max(0, puts - LIMIT) * WINDOW / LIMIT
    wanted = set(made)
    states = [i["status"] for i in sim.state()["incidents"] if i["id"] in wanted]
    return {**figure, "incidents": total, "requests": puts, "acknowledged": states.count("acknowledged"),
            "shortest_s": shortest, "share": shortest / figure["seconds"] if figure["seconds"] else 0.0,
            "incidents_per_s": round(total / figure["seconds"], 1),
            "allowed_incidents_per_s": LIMIT / WINDOW * BULK_BATCH}


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    listing, bulk = result["figures"]["listing"], result["figures"]["bulk"]
    out = []
    for mode, label in MODES.items():
        figure = listing[mode]
        out.append((f"list {listing['incidents']:,} incidents: {label}",
                    f"{figure['requests']} req, {figure['median_s'] * 1000:.0f} ms, "
                    f"RSS {figure['process_peak_mib']} MiB",
                    f"{listing['request_floor']} req", f"{figure['x_bare']:.2f}x bare time"))
    out.append((f"bulk acknowledge {bulk['incidents']:,} ({bulk['requests']} PUT, {LIMIT}/{WINDOW:g} s)",
                f"{bulk['seconds']:.1f} s, {bulk['errors']} failed, {bulk['rejected']} 429s",
                f"{bulk['shortest_s']:.1f} s", f"{bulk['share']:.0%} of allowed rate"))
    return out

