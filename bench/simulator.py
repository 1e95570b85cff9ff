"""Throughput of the simulator for a simple GET: ``GET /users/{id}`` from several client threads.

Starts ``python -m pagerduty_sim`` in a subprocess (rate limits off), sends ``--requests`` requests
spread over ``--threads`` threads (one ``requests.Session`` each, so connections are pooled),
and prints requests per second with p50 and p99 latency. Bounded in count and in time
(``--max-seconds``); it talks only to 127.0.0.1 and stops the server itself.

    python bench/bench_sim.py [--requests 5000] [--threads 4] [--max-seconds 60]
                              [--client requests|http.client]

With ``--client http.client`` the lighter standard-library client is used, so less of the two
cores goes to the client and the figure is closer to the server's own capacity.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def start_server() -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "pagerduty_sim", "--seed", "demo", "--port", "0", "--no-rate-limit"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=env,
    )
    url = process.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        process.kill()
        raise SystemExit(f"bench_sim: the simulator did not start (first line: {url!r})")
    return process, url


class StdlibSession:
    """The part of ``requests.Session`` the bench uses, over one keep-alive ``http.client`` connection."""

    def __init__(self, url: str):
        host, port = url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=10)

    def get(self, url: str, headers: dict[str, str], timeout: float) -> http.client.HTTPResponse:
        self.connection.request("GET", "/" + url.split("/", 3)[3], headers=headers)
        response = self.connection.getresponse()
        response.read()
        response.status_code = response.status
        return response

    def close(self) -> None:
        self.connection.close()


def run(url: str, total: int, threads: int, max_seconds: float, client: str) -> dict[str, float]:
    creds = requests.get(url + "/_sim/credentials", timeout=10).json()
    users = requests.get(
        url + "/users", headers={"Authorization": f"Token token={creds['user_token']}"}, timeout=10
    ).json()["users"]
    target = f"{url}/users/{users[0]['id']}"
    headers = {
        "Authorization": f"Token token={creds['user_token']}",
        "Accept": "application/vnd.pagerduty+json;version=2",
    }
    deadline = time.monotonic() + max_seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    per_thread = total // threads

    def worker() -> None:
        session = requests.Session() if client == "requests" else StdlibSession(url)
        mine = []
        for _ in range(per_thread):
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            response = session.get(target, headers=headers, timeout=10)
            mine.append(time.perf_counter() - started)
            if response.status_code != 200:
                with lock:
                    errors[0] += 1
        session.close()
        with lock:
            latencies.extend(mine)

    for _ in range(min(50, per_thread)):  # warm up one connection
        requests.get(target, headers=headers, timeout=10)
    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "seconds": elapsed,
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--client", choices=("requests", "http.client"), default="requests")
    args = parser.parse_args()
    process, url = start_server()
    try:
        result = run(url, args.requests, args.threads, args.max_seconds, args.client)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
    print(
        f"pagerduty_sim GET /users/{{id}} ({args.client}): {result['requests']} requests, "
        f"{args.threads} threads, "
        f"{result['seconds']:.2f} s, {result['rps']:.0f} req/s, p50 {result['p50_ms']:.2f} ms, "
        f"p99 {result['p99_ms']:.2f} ms, {result['errors']} errors"
    )
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
