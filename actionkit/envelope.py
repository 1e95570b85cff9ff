"""The wire format: the message checks of reference §3.1, and the output envelopes of §3.2."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from actionkit.errors import InputError, PluginError
from actionkit.masking import Masker
from actionkit.patterns import LazyPattern
from actionkit.validate import json_type
from actionkit.values import non_finite_paths

__all__ = ["MESSAGE_TYPES", "Result", "Call", "check", "ok", "failure", "error_result"]

log = logging.getLogger("actionkit")

# message type -> (body key of the component name, response type, manifest attribute)
MESSAGE_TYPES = {
    "action_start": ("action", "action_event", "ACTIONS"),
    "trigger_start": ("trigger", "trigger_event", "TRIGGERS"),
    "task_start": ("task", "task_event", "TASKS"),
    "connection_test": (None, "connection_test", None),
}
ENVELOPE_HELP = (
    'Send one JSON object such as {"type": "action_start", "version": "v1", '
    '"body": {"action": "<name>", "input": {}, "connection": {}, "meta": {}}}.'
)
_UNKNOWN = object()  # meta before the envelope got far enough to default it: rendered null


class Result:
    """What ``handle`` returns: the output envelope and how to report it."""

    __slots__ = ("envelope", "http_status", "error")

    def __init__(self, envelope: dict[str, Any], http_status: int = 200, error: PluginError | None = None):
        self.envelope = envelope
        self.http_status = http_status
        self.error = error  # the error the call ended with (its texts unmasked: never print them)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def to_json(self, *, sort_keys: bool = False) -> str:
        return json.dumps(self.envelope, sort_keys=sort_keys)

    def __repr__(self) -> str:
        return f"Result(http_status={self.http_status}, envelope={self.envelope!r})"


class Call:
    """What one call knows so far; enough to build an error envelope at any point."""

    __slots__ = ("out_type", "meta", "masker", "capture", "http_status")

    def __init__(self) -> None:
        self.out_type: str | None = None
        self.meta: Any = _UNKNOWN
        self.masker = Masker()
        self.capture: Any = None
        self.http_status = 200


# A \\uD800-\\uDFFF escape: JSON text that may decode to a lone surrogate, which no UTF-8 output
# can carry; only such text pays for the full check.
_SURROGATE_ESCAPE = LazyPattern(r"\\u[dD][89a-fA-F]")


def parse_json(text: str | bytes, what: str) -> Any:
    """Decode a message; anything that is not JSON a step can use is the sender's error."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{what} is not valid JSON: {exc}.", ENVELOPE_HELP) from None
    except RecursionError:
        raise InputError(f"{what} nests arrays or objects too deeply to read.", ENVELOPE_HELP) from None
    decoded = text if isinstance(text, str) else text.decode("utf-8", "replace")
    if "\\u" in decoded and _SURROGATE_ESCAPE.search(decoded):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(
                f"{what} holds a \\u escape of half a UTF-16 surrogate pair, which is not a character.",
                "Send valid Unicode text.",
            ) from None
    return value


def check(message: Any, call: Call, names: Callable[[str], dict]) -> tuple[dict, str | None, str | None]:
    """The checks of reference §3.1, in order; returns ``(body, kind, name)``.

    ``call`` learns the response type and the meta as soon as they are known, so that an error
    envelope carries them; ``names(kind)`` gives the plugin's components of a kind.
    """
    if isinstance(message, (bytes, bytearray, str)):
        text = message.decode("utf-8", "replace") if isinstance(message, (bytes, bytearray)) else message
        if not text.strip():
            raise InputError("The message is empty.", ENVELOPE_HELP)
        message = parse_json(text, "The message")
    if not isinstance(message, dict):
        raise InputError(f"The message must be a JSON object, got {json_type(message)}.", ENVELOPE_HELP)
    kind_info = MESSAGE_TYPES.get(message.get("type")) if isinstance(message.get("type"), str) else None
    call.out_type = kind_info[1] if kind_info else None
    missing = [key for key in ("type", "version", "body") if key not in message]
    if missing:
        raise InputError(f"The message lacks {_quote_all(missing)}.", ENVELOPE_HELP)
    body = message["body"]
    if not isinstance(body, dict):
        raise InputError(f"The body must be a JSON object, got {json_type(body)}.", ENVELOPE_HELP)
    if message["version"] != "v1":
        version = _show(message["version"])
        raise InputError(f"Unsupported message version {version}.", 'Send "version": "v1".')
    if kind_info is None:
        raise InputError(
            f"Unknown message type {_show(message['type'])}.", f"Send one of {_quote_all(MESSAGE_TYPES)}."
        )
    call.meta = _meta_of(body)
    key = kind_info[0]
    if key is None:
        return body, None, None
    name = body.get(key)
    if name is None or name == "":
        raise InputError(f"body.{key} is missing.", f"Name the {key} to run in body.{key}.")
    if not isinstance(name, str):
        raise InputError(f"body.{key} must be a string, got {json_type(name)}.", f"Name the {key}.")
    known = names(key)
    if name not in known:
        choices = f"This plugin has no {key}s."
        if known:
            choices = f"This plugin's {key}s are {_quote_all(known)}."
        raise InputError(f"Unknown {key} {_show(name)}.", choices)
    return body, key, name


def _meta_of(body: dict) -> Any:
    """``body.meta``, echoed back as it came: an object, ``null``, or ``{}`` when missing."""
    meta = body.get("meta", {})
    if meta is not None and not isinstance(meta, dict):
        raise InputError(f"body.meta must be a JSON object, got {json_type(meta)}.", ENVELOPE_HELP)
    odd = non_finite_paths(meta, "body.meta")
    if odd:
        raise InputError(f"{', '.join(odd)}: not a JSON number (Infinity, NaN, or too large).",
                         "Send meta as the orchestrator gave it.")
    return meta


def ok(call: Call, output: Any, *, masked: bool = False, **extra: Any) -> Result:
    """The success envelope, masked (``masked``: the output is already)."""
    if not masked:
        output = call.masker.data(output)
    body = {"log": _log(call), "status": "ok", "meta": _meta(call), "output": output}
    body.update(extra)
    return Result({"body": body, "version": "v1", "type": call.out_type}, call.http_status)


def failure(call: Call, error: PluginError) -> Result:
    """The error envelope of ``error``, masked."""
    log.debug("The step ended with an error of kind %s", error.kind, exc_info=error)
    masker = call.masker
    body = {
        "log": _log(call),
        "status": "error",
        "meta": _meta(call),
        "error": masker.text(error.error_text()),
        "exception": masker.data(error.exception_object()),
    }
    return Result({"body": body, "version": "v1", "type": call.out_type}, error.http_status, error)


def _log(call: Call) -> str:
    return call.masker.text(call.capture.text()) if call.capture is not None else ""


def error_result(error: PluginError, out_type: str | None = None, meta: Any = None) -> Result:
    """An error envelope for a failure outside ``handle`` (a plugin that cannot even load)."""
    body = {"log": "", "status": "error", "meta": meta, "error": error.error_text(),
            "exception": error.exception_object()}
    return Result({"body": body, "version": "v1", "type": out_type}, error.http_status, error)


def _meta(call: Call) -> Any:
    return None if call.meta is _UNKNOWN else call.meta


def _quote_all(names: Any) -> str:
    return ", ".join(_show(name) for name in names)


def _show(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value)
