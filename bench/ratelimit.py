"""7. Rate limit: bulk work from several processes sharing one API key, paced by PagerDuty's headers.

The simulator (a process of its own) limits the key to ``LIMIT`` requests per ``WINDOW`` seconds:
a token bucket like PagerDuty's REST limit (960 a minute), scaled down so that a run takes seconds.
``PROCESSES`` worker processes of ``THREADS`` threads each run ``get_user_by_id`` back to back
through ``Plugin.handle`` (one cached connection, so one client, per process) until the run ends.
They share nothing but the key, so they can only converge through the headers they all read.

Reported: the share of the allowed rate achieved once the bucket the run starts with is spent (the
second half of the run), the 429 answers met (counted from the clients' "retrying" log lines),
and failed steps. The floor is the same run with pacing off (the client before pacing: only 429s
and their ``ratelimit-reset`` slow it down).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

from .common import Config, SimProcess, action_message, child_env, connection_for, median, percentile

TITLE = "Rate limit (processes sharing one key)"
LIMIT = 60
WINDOW = 6.0
PROCESSES = 2
THREADS = 3
WORKER = """\
import json, re, sys, threading, time
from actionkit.runtime import Plugin
args = json.loads(sys.stdin.read())
if not args["pace"]:
    from icon_pagerduty.client.pacing import Pacer
    Pacer.observe = lambda self, operation, headers: None  # the client before pacing
plugin = Plugin.load("icon_pagerduty")
message = json.dumps(args["message"])
ok, steps, failures, rejected, lock = [], [], [], [0], threading.Lock()
def work():
    while time.time() < args["end"]:
        began = time.time()
        result = plugin.handle(message)
        log = result.envelope["body"].get("log", "")
        with lock:
            steps.append(time.time() - began)
            rejected[0] += len(re.findall(r"429 Too Many Requests.*retrying in", log))
            if result.ok:
                ok.append(time.time())
            else:
                failures.append(result.envelope["body"].get("error", "")[:300])
plugin.handle(message)  # connect before the start, like a warm worker
time.sleep(max(0.0, args["start"] - time.time()))
threads = [threading.Thread(target=work) for _ in range(args["threads"])]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"ok": ok, "steps": steps, "failures": failures, "rejected": rejected[0]}))
"""


def run(cfg: Config) -> dict[str, Any]:
    seconds = 12.0 if cfg.quick else 36.0
    figures: dict[str, Any] = {"limit": LIMIT, "window_s": WINDOW, "allowed_per_s": LIMIT / WINDOW,
                               "processes": PROCESSES, "threads_per_process": THREADS, "seconds": seconds}
    with SimProcess() as sim:
        for label, pace in (("paced", True), ("unpaced", False)):
            figures[label] = _round(sim, pace, seconds)
    paced, unpaced = figures["paced"], figures["unpaced"]
    targets = [
        {"name": "Paced clients sharing a key reach at least 90% of the allowed rate",
         "value": f"{paced['share']:.0%}", "unit": "", "met": paced["share"] >= 0.9},
        {"name": "Paced bulk work has no failed step", "value": str(paced["failures"]), "unit": "failures",
         "met": paced["failures"] == 0},
        {"name": "Paced clients rarely meet a 429 (at most 1% of requests)",
         "value": f"{paced['rejected']}/{paced['requests']}", "unit": "",
         "met": paced["rejected"] <= 0.01 * max(paced["requests"], 1)},
    ]
    if not targets[0]["met"]:
        targets[0]["dominated_by"] = [f"{paced['ok_second_half']} successes in the second half, "
                                      f"{paced['rejected']} 429s; see the notes"]
    return {
        "title": TITLE,
        "figures": figures,
        "targets": targets,
        "notes": [
            f"The simulator allows {LIMIT} requests per {WINDOW:g} s ({LIMIT / WINDOW:g}/s) per key, as a "
            f"token bucket that starts full; {PROCESSES} processes x {THREADS} threads run get_user_by_id "
            f"for {seconds:g} s.",
            "share = successful steps per second in the second half of the run / the allowed rate; the first "
            "half spends the full bucket the run starts with, which would flatter the figure (a share a "
            "little above 100% is the rest of it).",
            f"Unpaced (the floor): {unpaced['rejected']} 429s and {unpaced['failures']} failed steps for "
            f"{unpaced['share']:.0%} of the allowed rate; each 429 waits its ratelimit-reset (up to the "
            f"whole {WINDOW:g} s window), so its slowest step took {unpaced['step_max_s']:.1f} s against "
            f"{paced['step_max_s']:.1f} s paced (p99 {unpaced['step_p99_s']:.1f} s against "
            f"{paced['step_p99_s']:.1f} s).",
        ],
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    f = result["figures"]
    paced, unpaced = f["paced"], f["unpaced"]
    return [
        (f"rate limit {f['limit']}/{f['window_s']:g} s, {f['processes']}x{f['threads_per_process']} clients",
         f"{paced['share']:.0%} of allowed, {paced['rejected']} 429s, {paced['failures']} failed",
         f"unpaced {unpaced['share']:.0%}, {unpaced['rejected']} 429s, {unpaced['failures']} failed",
         f"{paced['rate_per_s']:.1f}/s"),
        ("  slowest step (p99, max)", f"{paced['step_p99_s']:.2f} s, {paced['step_max_s']:.2f} s",
         f"unpaced {unpaced['step_p99_s']:.2f} s, {unpaced['step_max_s']:.2f} s", ""),
    ]


def _round(sim: SimProcess, pace: bool, seconds: float) -> dict[str, Any]:
    sim.control.post(f"{sim.url}/_sim/reset", timeout=30).raise_for_status()
    settings = {"rate_limit_enabled": True, "rate_limit": LIMIT, "rate_limit_window": WINDOW}
    sim.control.put(f"{sim.url}/_sim/settings", json=settings, timeout=30).raise_for_status()
    creds = sim.credentials()
    user_id = sim.state()["users"][0]["id"]
    message = action_message("get_user_by_id", {"id": user_id}, connection_for(sim.url, creds))
    start = time.time() + 3.0  # every worker imported and connected by then
    args = {"message": message, "pace": pace, "threads": THREADS, "start": start, "end": start + seconds}
    workers = [
        subprocess.Popen([sys.executable, "-c", WORKER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=child_env())
        for _ in range(PROCESSES)
    ]
    found = []
    for worker in workers:
        out, err = worker.communicate(json.dumps(args), timeout=seconds + 180)
        if worker.returncode != 0:
            raise RuntimeError(f"a worker failed: {err[-500:]}")
        found.append(json.loads(out))
    sim.control.put(f"{sim.url}/_sim/settings", json={"rate_limit_enabled": False}, timeout=30)
    ok = sorted(t for result in found for t in result["ok"])
    half = start + seconds / 2
    late = sum(1 for t in ok if half <= t < start + seconds)
    rate = late / (seconds / 2)
    failures = [f for result in found for f in result["failures"]]
    rejected = sum(result["rejected"] for result in found)
    steps = [s for result in found for s in result["steps"]]
    return {
        "requests": len(ok) + rejected + len(failures),
        "ok": len(ok),
        "ok_second_half": late,
        "rate_per_s": round(rate, 2),
        "share": round(rate / (LIMIT / WINDOW), 3),
        "rejected": rejected,
        "failures": len(failures),
        "step_median_s": round(median(steps), 3),
        "step_p99_s": round(percentile(steps, 0.99), 3),
        "step_max_s": round(max(steps, default=0.0), 3),
        "failure_samples": failures[:2],
    }
