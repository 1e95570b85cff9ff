"""State every gunicorn worker of one server shares: live workers, work in flight, shutdown.

The reference reads the worker count from the process table and keeps the shutdown flag and
the work tracker per worker, so a shutdown asked of one worker is unknown to the others (its
defect #16). Ours lives in one anonymous shared memory mapping, created before gunicorn forks.

Layout, in 64-bit cells: a header (shutdown flag, target worker count, master pid), then one
``(pid, active work)`` pair per worker slot. The master reserves a slot for a worker before
forking it and frees it when it reaps the worker, so a worker killed outright never leaves a
stale count behind. A worker writes only its own slot, under a thread lock, so no lock spans
processes. Aligned 8-byte cells are read and written whole.
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
import threading
import time

__all__ = ["ServerState"]

_SHUTDOWN, _TARGET, _MASTER = 0, 1, 2
_HEADER = 3
_FREE, _RESERVED = 0, -1


class ServerState:
    """Counters shared by the master and the workers of one server (or one plain process)."""

    def __init__(self, slots: int = 256):
        self.slots = slots
        self._map = mmap.mmap(-1, 8 * (_HEADER + 2 * slots))  # MAP_SHARED | MAP_ANONYMOUS
        self._cells = memoryview(self._map).cast("q")
        self._slot: int | None = None  # the slot of this process, once it serves requests
        self._lock = threading.Lock()
        # Created before gunicorn forks, so every worker holds the same semaphore.
        self.admin_lock = multiprocessing.Lock()

    @classmethod
    def standalone(cls) -> ServerState:
        """State for one process serving requests itself (tests, wsgiref): one worker, no master."""
        state = cls(slots=1)
        state.join(state.reserve())
        state.target_workers = 1
        return state

    # -- the master ------------------------------------------------------------------------------

    def reserve(self) -> int:
        """A free slot for the next worker (master only, before fork); -1 if none is left."""
        for slot in range(self.slots):
            if self._cells[_HEADER + 2 * slot] == _FREE:
                self._cells[_HEADER + 2 * slot] = _RESERVED
                return slot
        return -1

    def release(self, slot: int) -> None:
        """Forget a worker that exited (master only, after reaping it)."""
        if 0 <= slot < self.slots:
            self._cells[_HEADER + 2 * slot + 1] = 0
            self._cells[_HEADER + 2 * slot] = _FREE

    @property
    def master_pid(self) -> int:
        return self._cells[_MASTER]

    @master_pid.setter
    def master_pid(self, pid: int) -> None:
        self._cells[_MASTER] = pid

    @property
    def target_workers(self) -> int:
        """The number of workers the master is asked to keep (changed by workers/add|remove)."""
        return self._cells[_TARGET]

    @target_workers.setter
    def target_workers(self, count: int) -> None:
        self._cells[_TARGET] = count

    def wait_for_target(self, count: int, timeout: float) -> bool:
        """Wait until the master says it keeps ``count`` workers (its nworkers_changed hook)."""
        deadline = time.monotonic() + timeout
        while self.target_workers != count:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    # -- a worker --------------------------------------------------------------------------------

    def join(self, slot: int) -> None:
        """Claim ``slot`` for this process (a worker, just after fork)."""
        if 0 <= slot < self.slots:
            self._slot = slot
            self._cells[_HEADER + 2 * slot + 1] = 0
            self._cells[_HEADER + 2 * slot] = os.getpid()

    def begin_work(self) -> None:
        self._add_work(1)

    def end_work(self) -> None:
        self._add_work(-1)

    def _add_work(self, delta: int) -> None:
        if self._slot is None:
            return
        with self._lock:
            self._cells[_HEADER + 2 * self._slot + 1] += delta

    # -- anyone ----------------------------------------------------------------------------------

    def workers(self) -> int:
        """Workers alive and serving now (booting and reaped ones excluded)."""
        return sum(1 for slot in range(self.slots) if self._cells[_HEADER + 2 * slot] > 0)

    def active_work(self) -> int:
        """Action and task runs in flight, in every worker."""
        return sum(
            self._cells[_HEADER + 2 * slot + 1] for slot in range(self.slots)
            if self._cells[_HEADER + 2 * slot] > 0
        )

    @property
    def shutdown_initiated(self) -> bool:
        return bool(self._cells[_SHUTDOWN])

    def initiate_shutdown(self) -> None:
        """From now on every worker refuses new action runs (503)."""
        self._cells[_SHUTDOWN] = 1
