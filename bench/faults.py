"""5. Under faults: a batch of triggers while 30% of Events requests are answered 429 or 503.

``send_trigger_event`` runs through the plugin runtime in process (connection cached, so with the
connection's default ``RetryPolicy``), from several threads, each trigger with its own dedup key.
The simulator answers half of the faulted requests 429 (PagerDuty's body, ``ratelimit-reset: 1``)
and half 503, drawn from its seeded generator. The same batch runs without faults for the floor.

Retries are counted from the simulator's request log (attempts per dedup key), incidents from its
state: each trigger must open exactly one incident however many attempts it took.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from actionkit.runtime import Plugin
from icon_pagerduty.client import RetryPolicy
from pagerduty_sim import Simulator

from .common import TRIGGER_INPUT, Config, action_message, connection_for, median, ratio

TITLE = "Triggers under 30% faults (429 and 503)"
PATH = "/v2/enqueue"
RETRY_WAIT = re.compile(r"retrying in ([0-9.]+) s")  # the client's warning before each retry


def run(cfg: Config) -> dict[str, Any]:
    runs = _runs(cfg)
    faulted = runs["faulted"]
    waited = median([r["waited_s"] for r in faulted])
    policy = RetryPolicy()
    totals = {name: sum(r[name] for r in faulted) for name in
              ("triggers", "succeeded", "incidents", "attempts", "faults_429", "faults_503")}
    figures = _figures(cfg, runs, totals, waited, policy)
    return {
        "title": TITLE,
        "figures": figures,
        "targets": _targets(cfg, totals, figures["failures"], policy),
        "notes": _notes(cfg, waited, policy),
    }


def _runs(cfg: Config) -> dict[str, list[dict[str, Any]]]:
    """``cfg.runs`` batches without faults, then as many with them, against one demo simulator."""
    plugin = Plugin.load("icon_pagerduty")
    runs: dict[str, list[dict[str, Any]]] = {"fault-free": [], "faulted": []}
    with Simulator(seed="demo") as sim:
        sim.settings.rate_limit_enabled = False
        connection = connection_for(sim.url, sim.credentials())
        plugin.handle(action_message("send_trigger_event", TRIGGER_INPUT, connection))  # connect once
        sim.reset()
        for run_number in range(cfg.runs):
            runs["fault-free"].append(_batch(plugin, sim, connection, cfg, f"clean-{run_number}"))
        half = cfg.fault_fraction / 2
        # Rules are tried in order, so the second fires on its fraction of what the first let through.
        # They stay for every faulted run: clearing them would restart the simulator's seeded draws,
        # and every run would see the same faults.
        sim.add_fault(method="POST", path=PATH, status=429, fraction=half)
        sim.add_fault(method="POST", path=PATH, status=503, fraction=half / (1 - half))
        for run_number in range(cfg.runs):
            runs["faulted"].append(_batch(plugin, sim, connection, cfg, f"faulted-{run_number}"))
        sim.clear_faults()
    return runs


def _figures(cfg: Config, runs: dict[str, list[dict[str, Any]]], totals: dict[str, int], waited: float,
             policy: RetryPolicy) -> dict[str, Any]:
    clean_s = median([r["seconds"] for r in runs["fault-free"]])
    faulted_s = median([r["seconds"] for r in runs["faulted"]])
    faulted = runs["faulted"]
    return {
        "batch": cfg.fault_triggers,
        "threads": cfg.fault_threads,
        "fault_fraction": cfg.fault_fraction,
        "fault_free_s": round(clean_s, 3),
        "faulted_s": round(faulted_s, 3),
        "x_fault_free": ratio(faulted_s, clean_s),
        "waited_s_per_run": round(waited, 2),
        "runs": len(faulted),
        **totals,
        "retries": totals["attempts"] - totals["triggers"],
        "observed_fault_share": ratio(totals["faults_429"] + totals["faults_503"], totals["attempts"]),
        "most_attempts": max(r["most_attempts"] for r in faulted),
        "failures": [f for r in faulted for f in r["failures"]][:3],
        "fault_free_all_succeeded": all(r["succeeded"] == r["triggers"] for r in runs["fault-free"]),
        "retry_policy": policy.bounds(),
    }


def _targets(cfg: Config, totals: dict[str, int], failures: list[str], policy: RetryPolicy
             ) -> list[dict[str, Any]]:
    """Every trigger succeeds, and each success opens exactly one incident; a miss says why."""
    failed = totals["triggers"] - totals["succeeded"]
    give_up = cfg.fault_fraction ** policy.max_attempts
    targets = [
        {"name": "Under faults every trigger succeeds",
         "value": f"{totals['succeeded']}/{totals['triggers']}", "unit": "", "met": failed == 0},
        {"name": "Under faults one incident per successful trigger (none duplicated by a retry, none lost)",
         "value": f"{totals['incidents']}/{totals['succeeded']}", "unit": "",
         "met": totals["incidents"] == totals["succeeded"]},
    ]
    if failed:
        targets[0]["dominated_by"] = [
            f"{failed} trigger(s) gave up after max_attempts={policy.max_attempts} faulted attempts in a "
            f"row; at a {cfg.fault_fraction:.0%} fault rate that happens to {give_up:.2%} of triggers, "
            f"about {give_up * totals['triggers']:.1f} in {totals['triggers']} (the connection's default "
            "RetryPolicy)",
            *failures,
        ]
    if not targets[1]["met"]:
        targets[1]["dominated_by"] = [f"{totals['incidents']} incidents for {totals['succeeded']} successful "
                                      "triggers: compare attempts per dedup key in the simulator's log"]
    return targets


def _notes(cfg: Config, waited: float, policy: RetryPolicy) -> list[str]:
    give_up = cfg.fault_fraction ** policy.max_attempts
    return [
        f"{cfg.runs} runs of {cfg.fault_triggers} triggers from {cfg.fault_threads} threads, through "
        "Plugin.handle with the connection's default RetryPolicy (see retry_policy); faulted 429s carry "
        "ratelimit-reset: 1, so each costs about 1 to 1.5 s of waiting.",
        f"With max_attempts={policy.max_attempts}, a trigger gives up only if that many attempts in a "
        f"row are faulted: {cfg.fault_fraction:.0%}^{policy.max_attempts} = {give_up:.2%} per trigger.",
        f"The faulted time is the retry waits: {waited:.1f} s of waiting per run (summed over the "
        f"{cfg.fault_threads} threads, from the client's 'retrying in' log lines).",
        "The simulator draws faults from a generator seeded at 0: the share of attempts actually faulted "
        "(observed_fault_share) differs from the configured fraction, most in small batches.",
    ]


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    f = result["figures"]
    return [
        (f"{f['batch']} triggers, {f['fault_fraction']:.0%} faults "
         f"({f['observed_fault_share']:.0%} of attempts)",
         f"{f['faulted_s']:.2f} s, {f['retries']} retries in {f['runs']} runs, "
         f"ok {f['succeeded']}/{f['triggers']}",
         f"{f['fault_free_s']:.2f} s fault-free",
         f"{f['x_fault_free']:.1f}x"),
        ("  incidents created", f"{f['incidents']}", f"{f['succeeded']} successful triggers",
         f"max {f['most_attempts']} attempts"),
    ]


def _batch(plugin: Plugin, sim: Simulator, connection: dict[str, Any], cfg: Config, label: str
           ) -> dict[str, Any]:
    keys = [f"bench-{label}-{number:03d}" for number in range(cfg.fault_triggers)]
    messages = [
        json.dumps(action_message("send_trigger_event", {**TRIGGER_INPUT, "incident_key": key}, connection))
        for key in keys
    ]
    hits_before = _hits(sim)
    started = time.perf_counter()
    with ThreadPoolExecutor(cfg.fault_threads) as pool:
        results = list(pool.map(plugin.handle, messages))
    seconds = time.perf_counter() - started
    hits = {status: count - hits_before.get(status, 0) for status, count in _hits(sim).items()}
    wanted = set(keys)
    attempts = Counter(
        entry["body"]["dedup_key"] for entry in sim.requests()
        if entry["method"] == "POST" and entry["path"] == PATH and isinstance(entry["body"], dict)
        and entry["body"].get("dedup_key") in wanted
    )
    incidents = [i for i in sim.state()["incidents"] if i.get("incident_key") in wanted]
    return {
        "seconds": seconds,
        "triggers": len(keys),
        "succeeded": sum(result.ok for result in results),
        "failures": [result.envelope["body"].get("error") for result in results if not result.ok],
        "waited_s": sum(float(wait) for result in results
                        for wait in RETRY_WAIT.findall(result.envelope["body"].get("log", ""))),
        "incidents": len(incidents),
        "attempts": sum(attempts.values()),
        "most_attempts": max(attempts.values(), default=0),
        "faults_429": hits.get(429, 0),
        "faults_503": hits.get(503, 0),
    }


def _hits(sim: Simulator) -> dict[int, int]:
    return {rule["status"]: rule["hits"] for rule in sim.app.faults.list()}
