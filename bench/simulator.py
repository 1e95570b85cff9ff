"""6. The simulator itself: requests per second for a simple GET (``GET /users/{id}``).

The simulator runs in a process of its own (rate limits off); several client threads send a
fixed number of requests, one keep-alive connection each, bounded in count and time. Two kinds of
client: ``requests`` (what every other benchmark uses, so this is the ceiling they live under) and
the lighter ``http.client``, which leaves more of a small machine to the server, so its figure is
closer to the simulator's own capacity.

Standalone (formerly ``bench/bench_sim.py``)::

    python -m bench.simulator [--requests 4000] [--clients 4] [--max-seconds 60]
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import Config, SimProcess, rest_headers
from .load import StdlibSession, median_run, run_load

TITLE = "Simulator throughput (GET /users/{id})"
CLIENTS = ("requests", "http.client")


def measure(cfg: Config) -> dict[str, Any]:
    with SimProcess() as sim:
        creds = sim.credentials()
        user_id = sim.state()["users"][0]["id"]
        target = f"{sim.url}/users/{user_id}"
        headers = rest_headers(creds)
        factories = {"requests": None, "http.client": lambda: StdlibSession(sim.url)}
        senders = {
            "requests": lambda session: session.get(target, headers=headers, timeout=30).status_code,
            "http.client": lambda session: session.request("GET", target, headers),
        }
        figures: dict[str, Any] = {}
        for client in CLIENTS:
            extra = {"session_factory": factories[client]} if factories[client] else {}
            run_load(senders[client], 50, 1, cfg.load_max_seconds, **extra)  # warm up
            runs = [
                run_load(senders[client], cfg.sim_requests, cfg.sim_clients, cfg.load_max_seconds, **extra)
                for _ in range(cfg.runs)
            ]
            figures[client] = median_run(runs)
    return figures


def run(cfg: Config) -> dict[str, Any]:
    figures = measure(cfg)
    return {
        "title": TITLE,
        "figures": figures,
        "targets": [],
        "notes": [
            f"{cfg.sim_requests} requests from {cfg.sim_clients} client threads per run, {cfg.runs} runs; "
            "the simulator in its own process shares the machine's cores with the clients.",
        ],
    }


def rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [
        (f"simulator GET, {client} clients",
         f"{figure['rps']:.0f} req/s, p50 {figure['p50_ms']:.2f} ms, p99 {figure['p99_ms']:.2f} ms", "-", "-")
        for client, figure in result["figures"].items()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.simulator", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--quick", action="store_true", help="one short run per client")
    args = parser.parse_args(argv)
    cfg = Config(quick=args.quick)
    cfg.sim_requests, cfg.sim_clients, cfg.load_max_seconds = args.requests, args.clients, args.max_seconds
    for client, figure in measure(cfg).items():
        print(f"pagerduty_sim GET /users/{{id}} ({client}): {figure['rps']:.0f} req/s, "
              f"p50 {figure['p50_ms']:.2f} ms, p99 {figure['p99_ms']:.2f} ms, {figure['errors']} errors "
              f"({figure['runs']} runs of {figure['requests_per_run']} requests, "
              f"{figure['clients']} clients)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
