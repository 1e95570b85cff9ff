"""The one error hierarchy of actionkit.

Every error a step can end with is a ``PluginError``. Its ``kind`` says how the caller
recovers, and decides both the default assistance text and, in HTTP mode, the status code:

========== ================================================ ====
kind       meaning                                          HTTP
========== ================================================ ====
input      the message or the action's input is wrong       400
config     the connection (credentials, URLs) is wrong      400
not_found  the thing asked for does not exist               400
upstream   the remote service refused the request           400
transient  try again later (rate limited, unavailable)      400
internal   a defect in the plugin or the framework          500
========== ================================================ ====

The envelope carries ``exception: {cause, assistance, data}``; ``data`` is the evidence
(a vendor response, the failing paths), always rendered as a string.
"""

from __future__ import annotations

import json
import logging
from typing import Any

KINDS = ("input", "config", "not_found", "upstream", "transient", "internal")

DEFAULT_ASSISTANCE = {
    "input": "Correct the input named above and run the step again.",
    "config": "Check the connection settings of this plugin.",
    "not_found": "Check that the identifier is correct and visible to this connection.",
    "upstream": "The remote service refused the request; the evidence is in the data field.",
    "transient": "This is temporary; run the step again later.",
    "internal": "This is a defect in the plugin; please report it together with the log.",
}


class PluginError(Exception):
    """Base of every error a step may end with. Subclasses fix ``kind``."""

    kind = "internal"

    def __init__(self, cause: str, assistance: str = "", data: Any = None):
        super().__init__(cause)
        self.cause = cause
        self.assistance = assistance
        self.data = data

    def with_assistance(self, assistance: str) -> PluginError:
        """Replace the assistance text; actions call this where they know the context."""
        self.assistance = assistance
        return self

    @property
    def http_status(self) -> int:
        return 500 if self.kind == "internal" else 400

    def assistance_text(self) -> str:
        return self.assistance or DEFAULT_ASSISTANCE[self.kind]

    def data_text(self) -> str:
        if self.data is None or self.data == "":
            return ""
        if isinstance(self.data, str):
            return self.data
        return json.dumps(self.data, sort_keys=True, default=str)

    def exception_object(self) -> dict[str, str]:
        return {"cause": self.cause, "assistance": self.assistance_text(), "data": self.data_text()}

    def error_text(self) -> str:
        """The one-line ``error`` string of the envelope: cause, assistance, then the evidence."""
        text = f"{_sentence(self.cause)} {self.assistance_text()}"
        data = self.data_text()
        return f"{text} Response was: {data}" if data else text

    def __str__(self) -> str:
        return self.cause


def _sentence(text: str) -> str:
    """End a cause with a full stop so that the assistance after it reads as a new sentence."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?:" else f"{text}."


class InputError(PluginError):
    """The message, the envelope or the action input is wrong; the caller must change it."""

    kind = "input"


class ConfigError(PluginError):
    """The connection is wrong: bad credentials, wrong region or URL, a missing default."""

    kind = "config"


class NotFoundError(PluginError):
    """The resource asked for does not exist or is not visible to these credentials."""

    kind = "not_found"


class UpstreamError(PluginError):
    """The remote service answered with a refusal that retrying will not change."""

    kind = "upstream"


class TransientError(PluginError):
    """A temporary failure that outlived the retries: rate limited, unavailable, timed out."""

    kind = "transient"


class InternalError(PluginError):
    """A defect: the plugin returned output that breaks its own spec, or crashed."""

    kind = "internal"


class NoTestError(InputError):
    """Neither the connection nor the component defines a test (HTTP 501)."""

    @property
    def http_status(self) -> int:
        return 501


_log = logging.getLogger("actionkit")


def call_plugin(what: str, function: Any, *args: Any) -> Any:
    """Call plugin code: a ``PluginError`` passes as is, anything else becomes ``internal``.

    The traceback is logged, and the log capture keeps it out of the envelope (``actionkit.logs``).
    """
    try:
        return function(*args)
    except PluginError:
        raise
    except (Exception, SystemExit) as exc:  # noqa: BLE001  (plugin defects end as one clean line)
        _log.error("%s failed unexpectedly", what, exc_info=True)
        raise unexpected(what, exc) from None


def unexpected(what: str, exc: BaseException) -> InternalError:
    """The one-line ``internal`` error of an exception nobody expected."""
    text = " ".join(str(exc).split()) or "(no message)"
    if len(text) > 300:
        text = text[:297] + "..."
    return InternalError(f"{what} failed unexpectedly: {type(exc).__name__}: {text}")
