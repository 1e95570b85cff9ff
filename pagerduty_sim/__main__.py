"""``python -m pagerduty_sim [--host 127.0.0.1] [--port 0] [--seed demo|empty]``.

Prints the base URL as its first line (flushed, for scripts), then a summary of the seeded
local test account, and serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import errno
import signal
import sys
import threading

from .seed import SEEDS
from .simulator import Simulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pagerduty_sim", description="A local PagerDuty for tests."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument("--seed", choices=SEEDS, default="demo", help="account to load (default demo)")
    parser.add_argument("--events-delay", type=float, default=0.0, help="seconds before events are processed")
    parser.add_argument("--no-rate-limit", action="store_true", help="disable rate limits (benchmarks)")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)

    sim = Simulator(seed=args.seed, host=args.host, port=args.port, events_delay=args.events_delay)
    sim.settings.verbose = args.verbose
    sim.settings.rate_limit_enabled = not args.no_rate_limit
    try:
        sim.start()
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"pagerduty_sim: port {args.port} on {args.host} is in use by another program; choose "
                  "another with --port (make sim SIM_PORT=...)", file=sys.stderr)
        else:
            print(f"pagerduty_sim: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
                  file=sys.stderr)
        return 2
    # Before the URL is printed: a caller may stop the simulator as soon as it has read it.
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(sim.url, flush=True)
    creds = sim.credentials()
    print("pagerduty_sim: a local PagerDuty test account (these keys work only here)")
    print(f"  REST and Events base URL: {sim.url}   control API: {sim.url}/_sim/")
    print(f"  account-level key: {creds['account_token']}   (send From: {creds['from_email']})")
    print(f"  user-level key:    {creds['user_token']}")
    for name, key in creds["routing_keys"].items():
        print(f"  routing key of '{name}': {key}")
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
