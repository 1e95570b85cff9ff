"""A gunicorn threaded worker that answers 503 at once when its backlog is full.

gunicorn's gthread worker accepts every connection it can and queues it for its thread pool, so
under overload requests wait in that queue, latency climbs for everyone and the backlog takes as
long to drain as it took to build. This worker counts the connections in the pool's hands: once
every thread is busy and ``PLUGIN_MAX_BACKLOG`` more are waiting, it answers ``503`` with
``Retry-After`` instead, from one small thread of its own, so a caller (or its load balancer) can
go elsewhere now and the requests it did accept keep their latency.

The pool's threads share one GIL. While they mostly wait on PagerDuty, every thread serves a caller
at once; but when the worker is busy computing (over ``SATURATED_SHARE`` of a core, ``CpuGauge``),
another request in service cannot go faster, it only slows the others down. So once the worker has
had to refuse someone (it is overloaded, not merely busy) and while it computes, at most half the
threads take requests (bench/overload.py at twice the capacity: accepted p99 from 60 ms to 18 ms,
and more requests served per second, not fewer). A server at its capacity refuses no one.
"""

from __future__ import annotations

import errno
import json
import os
import queue
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

__all__ = ["SheddingWorker", "RETRY_AFTER_SECONDS", "backlog_limit"]

RETRY_AFTER_SECONDS = 1
# Read what a refused client sent before closing: closing over unread bytes resets the connection,
# and a reset can reach the client before it has read the 503.
_DRAIN_SECONDS = 0.05
# Connections taken off the listener per wake-up of the worker's loop (see SheddingWorker.accept).
ACCEPT_BATCH = 64


def backlog_limit(threads: int, environ: dict[str, str] | None = None) -> int:
    """Connections a worker lets wait for a thread: ``PLUGIN_MAX_BACKLOG``, else one per two threads;
    0 refuses whatever finds every thread busy (lowest latency for what is accepted, more 503s).

    Small on purpose: every waiting request adds a whole request's time to the latency of the ones
    behind it (bench/overload.py: p99 at twice the capacity rose about 3x from a backlog of 2 to 4)."""
    env = os.environ if environ is None else environ
    text = env.get("PLUGIN_MAX_BACKLOG", "").strip()
    if not text:
        return max(1, threads // 2)
    if not text.isdigit():
        raise ValueError(f"PLUGIN_MAX_BACKLOG must be a whole number (0 or more), not {text!r}.")
    return int(text)


# Waiting on PagerDuty, a request costs the worker a few ms of CPU per second at most, so four of
# them stay far below this share of a core; past it the worker is computing, not waiting.
SATURATED_SHARE = 0.5
GAUGE_WINDOW_SECONDS = 0.1
OVERLOAD_MEMORY_SECONDS = 1.0  # a worker that refused someone this recently counts as overloaded


class CpuGauge:
    """The share of one core this process used over the latest window (sampled as callers ask)."""

    def __init__(self, window: float = GAUGE_WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic,
                 cpu: Callable[[], float] = time.process_time):
        self.window, self._clock, self._cpu = window, clock, cpu
        self._at, self._used, self._share = clock(), cpu(), 0.0

    def share(self) -> float:
        now = self._clock()
        if now - self._at >= self.window:
            used = self._cpu()
            self._share = (used - self._used) / (now - self._at)
            self._at, self._used = now, used
        return self._share


def in_flight_limit(threads: int, backlog: int, cpu_share: float, overloaded: bool) -> int:
    """Requests a worker may hold: every thread and the backlog, or half the threads when it is
    overloaded and busy computing rather than waiting (more would only share the GIL, each slower)."""
    if overloaded and cpu_share >= SATURATED_SHARE:
        return max(1, threads // 2)
    return threads + backlog


def _refusal() -> bytes:
    body = json.dumps({
        "code": 503,
        "description": f"The plugin server is at capacity; retry after {RETRY_AFTER_SECONDS} s.",
        "name": "Service Unavailable",
    }, sort_keys=True).encode()
    head = (
        "HTTP/1.1 503 Service Unavailable\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Retry-After: {RETRY_AFTER_SECONDS}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    return head + body


class SheddingWorker(ThreadWorker):
    """gthread with a bounded backlog; ``shed`` counts the connections refused so far."""

    def init_process(self) -> None:
        self.max_backlog = backlog_limit(self.cfg.threads)
        self.shed = 0
        self._in_flight = 0
        self._gauge = CpuGauge()
        self._refused_at = -OVERLOAD_MEMORY_SECONDS
        self._books = threading.Lock()
        self._refusals: queue.Queue[Any] = queue.Queue(maxsize=1024)
        threading.Thread(target=self._refuse_forever, name="actionkit-shed", daemon=True).start()
        super().init_process()

    def accept(self, listener: Any) -> None:
        # Take every waiting connection, not gthread's one per wake-up. Under load the pool's threads
        # hold the GIL up to a switch interval (5 ms) between two wake-ups of this loop, so one accept
        # per wake-up left hundreds of callers in the kernel's queue, unseen by the backlog count,
        # to be served late instead of refused at once (bench/overload.py: p99 118 ms -> 51 ms).
        batch = ACCEPT_BATCH if listener.gettimeout() == 0.0 else 1  # never block the loop on accept
        for _ in range(batch):
            try:
                client, address = listener.accept()
            except OSError as exc:
                if exc.errno == errno.ECONNABORTED:
                    continue
                if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                    return
                raise
            self.nr_conns += 1
            client.setblocking(True)
            self.enqueue_req(TConn(self.cfg, client, address, listener.getsockname()))

    def enqueue_req(self, conn: Any) -> None:
        # Count what was handed to the pool and is not finished, rather than the pool's queue: the
        # pool starts its threads lazily, so its queue can hold work a thread is about to take.
        with self._books:
            now = time.monotonic()
            overloaded = now - self._refused_at < OVERLOAD_MEMORY_SECONDS
            limit = in_flight_limit(self.cfg.threads, self.max_backlog, self._gauge.share(), overloaded)
            accepted = self._in_flight < limit
            if accepted:
                self._in_flight += 1
            else:
                self._refused_at = now
        if accepted:
            future = self.tpool.submit(self.handle, conn)
            future.add_done_callback(self._finished)
            future.add_done_callback(lambda done: self.method_queue.defer(self.finish_request, conn, done))
            return
        self.nr_conns -= 1  # the connection leaves gunicorn's books here, as a closed one would
        self.shed += 1
        try:
            self._refusals.put_nowait(conn.sock)
        except queue.Full:  # refusals themselves are flooded: drop the connection outright
            conn.sock.close()

    def _finished(self, _done: Any) -> None:
        with self._books:
            self._in_flight -= 1

    def _refuse_forever(self) -> None:
        answer = _refusal()
        while True:
            client = self._refusals.get()
            try:
                client.setblocking(True)
                client.settimeout(_DRAIN_SECONDS)
                client.sendall(answer)
                client.shutdown(socket.SHUT_WR)
                for _ in range(10):  # at most ~0.5 s for a client that neither sends nor closes
                    if not client.recv(65536):
                        break
            except OSError:
                pass  # the client went away first: nothing to tell it
            finally:
                client.close()
