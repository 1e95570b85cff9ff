"""A bounded load generator: client threads, one keep-alive session each, on 127.0.0.1 only.

``run_load(send, total, clients, max_seconds)`` splits ``total`` requests over ``clients``
threads; ``send(session)`` makes one request and returns its HTTP status. It stops early at the
time limit and reports what was done: requests, errors (any status but the expected one),
requests per second, p50 and p99 latency.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable
from typing import Any

import requests

from .common import median, percentile


class StdlibSession:
    """The part of ``requests.Session`` the load needs, over one keep-alive ``http.client`` connection,
    or a new connection per request when ``fresh`` (as independent callers arrive).

    Lighter on the client's CPU, so on a small machine more of it is left to the server.
    """

    def __init__(self, base_url: str, fresh: bool = False):
        host, port = base_url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)
        self.fresh = fresh

    def request(self, method: str, url: str, headers: dict[str, str], data: bytes | None = None) -> int:
        if self.fresh:
            headers = {**headers, "Connection": "close"}
        self.connection.request(method, "/" + url.split("/", 3)[3], body=data, headers=headers)
        response = self.connection.getresponse()
        response.read()
        if self.fresh:
            self.connection.close()  # http.client opens the next one on the next request
        return response.status

    def close(self) -> None:
        self.connection.close()


def run_load(
    send: Callable[[Any], int],
    total: int,
    clients: int,
    max_seconds: float,
    expected: int = 200,
    session_factory: Callable[[], Any] = requests.Session,
) -> dict[str, Any]:
    deadline = time.monotonic() + max_seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    share = [total // clients + (1 if n < total % clients else 0) for n in range(clients)]
    ready = threading.Barrier(clients + 1)

    def client(count: int) -> None:
        session = session_factory()
        mine: list[float] = []
        failed = 0
        try:
            ready.wait()
            for _ in range(count):
                if time.monotonic() > deadline:
                    break
                started = time.perf_counter()
                try:
                    status = send(session)
                except (OSError, requests.RequestException, http.client.HTTPException):
                    status = 0
                mine.append(time.perf_counter() - started)
                failed += status != expected
        finally:
            session.close()
            with lock:
                latencies.extend(mine)
                errors[0] += failed

    threads = [threading.Thread(target=client, args=(count,), daemon=True) for count in share]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "seconds": round(elapsed, 3),
        "rps": round(len(latencies) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(median(latencies) * 1000, 3),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 3),
        "clients": clients,
        "complete": len(latencies) == total,
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure as the median over ``runs``; errors summed; the spread of requests per second kept."""
    return {
        "rps": round(median([run["rps"] for run in runs]), 1),
        "p50_ms": round(median([run["p50_ms"] for run in runs]), 3),
        "p99_ms": round(median([run["p99_ms"] for run in runs]), 3),
        "requests_per_run": runs[0]["requests"],
        "clients": runs[0]["clients"],
        "runs": len(runs),
        "rps_runs": [run["rps"] for run in runs],
        "errors": sum(run["errors"] for run in runs),
        "complete": all(run["complete"] for run in runs),
    }
