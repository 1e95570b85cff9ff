"""The base classes plugin code subclasses: Connection, Action, Trigger, Task.

The runtime creates one fresh Action, Trigger or Task instance per call and sets its
attributes before calling it; the Connection is connected once and then shared (and cached)
across calls, so connection code must keep no per-call state. What one call needs (a cache of
names already looked up) comes from ``Connection.resolver()``, which the runtime calls once per
call (``Step.resolver``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any, Generic, TypeVar

from actionkit.errors import InternalError, call_plugin
from actionkit.model import Model

I = TypeVar("I", bound=Model)  # noqa: E741  (the contract's name for the input type)
O = TypeVar("O", bound=Model)  # noqa: E741

__all__ = ["Connection", "Action", "Trigger", "Task", "Step", "BASES"]

_NULL_LOGGER = logging.getLogger("actionkit.component")


class Connection(Generic[I]):
    """Configuration and credentials shared by every component of the plugin.

    ``connect(params)`` receives the validated connection and builds the clients. ``test()``
    is optional: override it to check the credentials; return JSON (``{"success": True}``) or
    ``None``, or raise a ``PluginError``. When it is not overridden, tests fall back to the
    component's own ``test``.
    """

    params: I | None = None
    logger: logging.Logger = _NULL_LOGGER

    def connect(self, params: I) -> None:
        """Build clients from the validated parameters. The default does nothing."""

    def test(self) -> dict | None:  # the runtime checks whether a subclass overrides this
        raise NotImplementedError

    # Optional: ``def resolver(self) -> obj`` with ``obj.resolve(kind, value, field) -> str``
    # turns names into IDs for inputs declared with ``resolve: <kind>``; one object per call.


class Step:
    """What every Action, Trigger and Task has, set by the runtime before it runs.

    ``connection`` (the connected Connection or ``None``), ``logger`` (captured into the
    envelope's log), ``meta`` (the message's opaque meta) and ``resolver``.
    """

    connection: Any = None
    logger: logging.Logger = _NULL_LOGGER
    meta: Any = None
    _resolver: Any = None

    @property
    def resolver(self) -> Any:
        """This call's resolver, from ``connection.resolver()`` on first use.

        The runtime resolves the inputs declared with ``resolve`` through it before ``run``, so
        names ``run`` resolves again come from its per-call cache.
        """
        if self._resolver is None:
            make = getattr(self.connection, "resolver", None)
            if not callable(make):
                raise InternalError(
                    f"{type(self).__name__} resolves names to IDs, but the connection has no resolver()."
                )
            self._resolver = call_plugin("The connection's resolver()", make)
        return self._resolver


class Action(Step, Generic[I, O]):
    """A request/response step: ``run(inp)`` returns the output (an ``Output`` or a dict)."""

    def run(self, inp: I) -> O | dict:
        raise NotImplementedError

    def test(self, inp: I) -> dict:  # the runtime checks whether a subclass overrides this
        raise NotImplementedError


class Trigger(Step, Generic[I, O]):
    """A long-running poller: ``run(inp)`` loops while ``self.running``, calling ``send(event)``.

    ``send`` validates the event against the trigger's output schema and dispatches one
    ``trigger_event`` envelope. ``state`` is a dict persisted per trigger id between runs;
    call ``save_state()`` after changing it. ``running`` turns false when the orchestrator asks
    the trigger to stop (the flag file of reference §9.1, or SIGTERM) or after ``stop()``;
    ``wait(seconds)`` sleeps between polls and wakes at once on such a stop.
    """

    dispatcher: dict | None = None
    state: dict
    stop_flag_path: str | None = None

    def __init__(self) -> None:
        self.state = {}
        self._stopped = False
        self._sender = None
        self._saver = None
        self._wake = threading.Event()

    @property
    def running(self) -> bool:
        if self._stopped:
            return False
        if self.stop_flag_path and os.path.exists(self.stop_flag_path):
            self._stopped = True
        return not self._stopped

    def stop(self) -> None:
        self._stopped = True
        self._wake.set()

    def wait(self, seconds: float) -> bool:
        """Sleep ``seconds`` between two polls; False at once when the trigger is asked to stop.

        ``stop()`` and SIGTERM wake it immediately; the stop flag file is looked at four times a second.
        """
        deadline = time.monotonic() + seconds
        while self.running:
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            self._wake.wait(min(left, 0.25))
        return False

    def send(self, event: O | dict) -> None:
        if self._sender is None:
            raise RuntimeError("send() is available only while the runtime runs this trigger")
        self._sender(event)

    def save_state(self) -> None:
        if self._saver is not None:
            self._saver(self.state)

    def run(self, inp: I) -> Any:
        raise NotImplementedError

    def test(self, inp: I) -> dict:  # the runtime checks whether a subclass overrides this
        raise NotImplementedError


class Task(Step, Generic[I, O]):
    """A scheduled, paginated poll. ``run(inp, state, custom_config)`` returns the 5-tuple
    ``(output, state, has_more_pages, status_code, error)`` of reference §9.2, where ``output``
    is a list of events and ``error`` a ``PluginError`` or ``None``.
    """

    def run(self, inp: I, state: dict, custom_config: dict) -> tuple:
        raise NotImplementedError

    def test(self, inp: I) -> dict:  # the runtime checks whether a subclass overrides this
        raise NotImplementedError


BASES = {"action": Action, "trigger": Trigger, "task": Task}
