"""Per-call log capture: what a step logs goes into its envelope's ``body.log``, and nowhere else.

One handler sits on the root logger. It asks a ``ContextVar`` which capture is current and
appends the record there. A context variable belongs to the thread (and the asyncio task) that
set it, so concurrent HTTP requests in threads never see each other's lines, and a cached
connection used by two requests logs into whichever request is calling it.

Any logger works: the step's ``self.logger``, ``logging.getLogger(__name__)`` in a client module,
a library's logger, as long as records propagate to the root logger. Work a step hands to a
thread of its own is captured only if that thread runs in a copy of the caller's context
(``contextvars.copy_context().run``); otherwise its lines are dropped, never mixed into
another call.

To let DEBUG records reach the handler, installing it sets the root logger to DEBUG; the
capture then keeps only what its own level allows (INFO by default, DEBUG with ``--debug``).

Tracebacks (``exc_info``, ``stack_info``) never enter the captured log, so no envelope carries
one: they go to the mirror only (stderr under ``--debug``), after their line.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["Capture", "capture", "current_capture", "install"]


class Capture:
    """The lines logged during one call, at ``level`` and above."""

    __slots__ = ("level", "mirror", "lines", "mask")

    def __init__(self, level: int = logging.INFO, mirror: TextIO | None = None, mask=None):
        self.level = level
        self.mirror = mirror
        self.lines: list[str] = []
        self.mask = mask

    def add(self, line: str, detail: str = "") -> None:
        """Keep ``line``; the mirror also gets ``detail`` (a traceback) after it."""
        self.lines.append(line)
        if self.mirror is not None:
            shown = f"{line}\n{detail}" if detail else line
            shown = self.mask(shown) if self.mask is not None else shown
            try:
                self.mirror.write(shown + "\n")
                self.mirror.flush()
            except (OSError, ValueError):
                pass  # a closed stderr must not fail the step

    def text(self) -> str:
        """The captured log: one line per record, each ending in ``\\n``."""
        return "".join(line + "\n" for line in self.lines)

    def take(self) -> str:
        """The text so far, then start afresh (a trigger sends the log since its previous event)."""
        text = self.text()
        self.lines.clear()
        return text


_current: contextvars.ContextVar[Capture | None] = contextvars.ContextVar("actionkit_capture", default=None)


def current_capture() -> Capture | None:
    return _current.get()


def _format(record: logging.LogRecord) -> str:
    try:
        message = record.getMessage()
    except Exception as exc:  # noqa: BLE001  (a broken %-format must not lose the step's result)
        message = f"{record.msg!r} (unformattable log arguments: {exc})"
    if record.levelno >= logging.WARNING:
        message = f"{record.levelname}: {message}"
    return message


def _detail(record: logging.LogRecord) -> str:
    """The traceback and stack of a record, for the mirror only."""
    parts = []
    if record.exc_info and record.exc_info[0] is not None:
        parts.append("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    elif record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(record.stack_info)
    return "\n".join(parts)


class _CaptureHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        target = _current.get()
        if target is None or record.levelno < target.level:
            return
        detail = _detail(record) if target.mirror is not None else ""
        target.add(_format(record), detail)

    def handle(self, record: logging.LogRecord) -> bool:
        # Skip the handler lock: each capture belongs to one context, and list.append is atomic.
        self.emit(record)
        return True


_HANDLER = _CaptureHandler(logging.DEBUG)
_install_lock = threading.Lock()


def install() -> None:
    """Attach the capture handler to the root logger once (idempotent)."""
    root = logging.getLogger()
    if _HANDLER in root.handlers:
        return
    with _install_lock:
        if _HANDLER not in root.handlers:
            root.addHandler(_HANDLER)
            root.setLevel(logging.DEBUG)


@contextmanager
def capture(*, debug: bool = False, mirror: TextIO | None = None, mask=None) -> Iterator[Capture]:
    """Capture what the current context logs, at DEBUG when ``debug`` else INFO.

    ``mirror`` (stderr in CLI debug mode) also receives each line as it is logged, masked with
    ``mask`` (a ``str -> str`` function) when one is given.
    """
    install()
    target = Capture(logging.DEBUG if debug else logging.INFO, mirror, mask)
    token = _current.set(target)
    try:
        yield target
    finally:
        _current.reset(token)
