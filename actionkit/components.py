"""The base classes plugin code subclasses: Connection, Action, Trigger, Task.

The runtime creates one fresh Action, Trigger or Task instance per call and sets its
attributes before calling it; the Connection is connected once and then shared (and cached)
across calls, so connection code must keep no per-call state.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Generic, TypeVar

from actionkit.model import Model

I = TypeVar("I", bound=Model)  # noqa: E741  (the contract's name for the input type)
O = TypeVar("O", bound=Model)  # noqa: E741

__all__ = ["Connection", "Action", "Trigger", "Task"]

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


class Action(Generic[I, O]):
    """A request/response step: ``run(inp)`` returns the output (an ``Output`` or a dict).

    Set before ``run``: ``connection`` (the connected Connection or ``None``), ``logger``
    (captured into the envelope's log) and ``meta`` (the message's opaque meta).
    """

    connection: Any = None
    logger: logging.Logger = _NULL_LOGGER
    meta: Any = None

    def run(self, inp: I) -> O | dict:
        raise NotImplementedError

    def test(self, inp: I) -> dict:  # the runtime checks whether a subclass overrides this
        raise NotImplementedError


class Trigger(Generic[I, O]):
    """A long-running poller: ``run(inp)`` loops while ``self.running``, calling ``send(event)``.

    ``send`` validates the event against the trigger's output schema and dispatches one
    ``trigger_event`` envelope. ``state`` is a dict persisted per trigger id between runs;
    call ``save_state()`` after changing it. ``running`` turns false when the orchestrator asks
    the trigger to stop (the flag file of reference §9.1) or after ``stop()``.
    """

    connection: Any = None
    logger: logging.Logger = _NULL_LOGGER
    meta: Any = None
    dispatcher: dict | None = None
    state: dict
    stop_flag_path: str | None = None

    def __init__(self) -> None:
        self.state = {}
        self._stopped = False
        self._sender = None
        self._saver = None

    @property
    def running(self) -> bool:
        if self._stopped:
            return False
        if self.stop_flag_path and os.path.exists(self.stop_flag_path):
            self._stopped = True
        return not self._stopped

    def stop(self) -> None:
        self._stopped = True

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


class Task(Generic[I, O]):
    """A scheduled, paginated poll. ``run(inp, state, custom_config)`` returns the 5-tuple
    ``(output, state, has_more_pages, status_code, error)`` of reference §9.2, where ``output``
    is a list of events and ``error`` a ``PluginError`` or ``None``.
    """

    connection: Any = None
    logger: logging.Logger = _NULL_LOGGER
    meta: Any = None

    def run(self, inp: I, state: dict, custom_config: dict) -> tuple:
        raise NotImplementedError

    def test(self, inp: I) -> dict:  # the runtime checks whether a subclass overrides this
        raise NotImplementedError
