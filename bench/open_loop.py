"""An open-loop load: requests sent on schedule whether or not earlier ones were answered.

One asyncio loop in one thread does all of it. A thread per sender measured the generator as much as
the server: with 48 threads on 2 cores, a reply waited for its thread to get the GIL back before its
time was taken, and senders stuck on slow replies sent the rest late. Each request opens a new
connection, as independent callers would; at most ``max_open`` are open at once (a request due
while that many wait is counted as ``sent_late`` and goes when one closes).
"""

from __future__ import annotations

import asyncio
from typing import Any

from .common import percentile


def raw_request(method: str, path: str, headers: dict[str, str], body: bytes | None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body or b'')}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


FAILED = (OSError, ValueError, IndexError, TimeoutError, asyncio.IncompleteReadError,
          asyncio.LimitOverrunError)


async def _exchange(port: int, request: bytes, timeout: float) -> int:
    """The status of one request on a new connection; 0 if it failed or timed out."""
    writer = None
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), None)
            await (reader.readexactly(length) if length is not None else reader.read())
            return status
    except FAILED:
        return 0
    finally:
        if writer is not None:
            writer.close()


async def _run(port: int, request: bytes, rate: float, seconds: float, max_open: int,
               timeout: float) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    total = int(rate * seconds)
    opened = asyncio.Semaphore(max_open)
    accepted: list[float] = []
    statuses: dict[int, int] = {}
    late = 0
    finished_at = 0.0
    lags: list[float] = []

    async def one(due: float) -> None:
        nonlocal finished_at
        began = loop.time()
        lags.append(began - due)
        try:
            status = await _exchange(port, request, timeout)
        finally:
            opened.release()
        finished_at = max(finished_at, loop.time())
        statuses[status] = statuses.get(status, 0) + 1
        if status == 200:
            accepted.append(loop.time() - began)

    start = loop.time() + 0.2
    tasks = []
    for index in range(total):
        due = start + index / rate
        if due > loop.time():
            await asyncio.sleep(due - loop.time())
        if opened.locked() or loop.time() - due > 0.05:
            late += 1
        await opened.acquire()
        tasks.append(asyncio.ensure_future(one(due)))
    await asyncio.gather(*tasks)
    return {
        "offered": total,
        "offered_rps": rate,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "accepted": len(accepted),
        "shed_share": statuses.get(503, 0) / total if total else 0.0,
        "failed": total - len(accepted) - statuses.get(503, 0),
        "p50_ms": percentile(accepted, 0.5) * 1000 if accepted else None,
        "p99_ms": percentile(accepted, 0.99) * 1000 if accepted else None,
        "drain_s": max(0.0, finished_at - (start + seconds)),
        "sent_late": late,
        "send_lag_p99_ms": percentile(lags, 0.99) * 1000 if lags else None,
    }


def open_loop(port: int, spec: tuple, rate: float, seconds: float, max_open: int = 2000,
              timeout: float = 60.0) -> dict[str, Any]:
    """Send ``spec`` (method, path, headers, body, expected) ``rate`` times a second for ``seconds``."""
    method, path, headers, body, _expected = spec
    return asyncio.run(_run(port, raw_request(method, path, headers, body), rate, seconds, max_open, timeout))
