"""Request paths built from callers' values: every segment percent-encoded, "." and ".." refused.

A value such as ``..`` in ``/users/{id}`` would otherwise turn ``GET /users/..`` into ``GET /``
once any server or proxy normalises the path; an encoded slash could reach another route.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, unquote

from actionkit.patterns import LazyPattern

from .errors import InvalidInput

PLACEHOLDER = LazyPattern(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
DOT_SEGMENTS = frozenset({".", ".."})
# Whitespace, control characters and a backslash (which some servers read as "/") never belong
# in a PagerDuty path.
FORBIDDEN = LazyPattern(r"[\s\x00-\x1f\x7f\\]")


def segment(value: Any, name: str = "id") -> str:
    """One path segment from a caller's value, percent-encoded so it cannot leave its place.

    ``name`` is the input the value came from; the errors name it.
    """
    text = "" if value is None else str(value).strip()
    if not text:
        raise InvalidInput(
            f"The input `{name}` is empty; give the PagerDuty ID.", data={"input": name, "value": value}
        )
    if text in DOT_SEGMENTS:
        raise InvalidInput(
            f"The input `{name}` is {text!r}, which cannot be an ID: '.' and '..' would change the "
            "request path.",
            f"Set `{name}` to the PagerDuty ID of the object, such as PXPGF42.",
            {"input": name, "value": text},
        )
    return quote(text, safe="")


def fill(template: str, values: Mapping[str, Any], name_of: Callable[[str], str] = str) -> str:
    """``/teams/{id}/users/{user}`` with each placeholder replaced by its value as one ``segment``.

    ``name_of(placeholder)`` gives the input name the errors show (the placeholder by default).
    """
    return PLACEHOLDER.sub(lambda m: segment(values.get(m.group(1)), name_of(m.group(1))), template)


def placeholders(template: str) -> list[str]:
    return PLACEHOLDER.findall(template)


def relative_path(path: Any, name: str = "path") -> str:
    """A caller's path under the API's base URL, checked and with every segment re-encoded.

    Refused, as input errors naming ``name``: anything but a path starting with one ``/`` (an
    absolute URL, ``//host/...``), a query string or fragment (they belong in the query input),
    whitespace or control characters, and "." or ".." segments, also percent-encoded.
    """
    text = path if isinstance(path, str) else ""
    example = f"Set `{name}` to a path under the connection's api_url, such as /users or /incidents/PT4KHLK."
    data = {"input": name, "value": path}
    if "://" in text or text.startswith("//"):
        raise InvalidInput(
            f"The input `{name}` is an absolute URL; only a path under api_url is allowed, so the API "
            "key is never sent to another host.",
            example,
            data,
        )
    if not text.startswith("/"):
        raise InvalidInput(f"The input `{name}` must start with '/'; got {path!r}.", example, data)
    if "?" in text or "#" in text:
        raise InvalidInput(
            f"The input `{name}` contains a query string or fragment; put query parameters in the input "
            "`query` instead.",
            example,
            data,
        )
    if FORBIDDEN.search(text):
        raise InvalidInput(
            f"The input `{name}` contains whitespace, a control character or a backslash; got {path!r}.",
            example,
            data,
        )
    parts = [unquote(part) for part in text[1:].split("/")]
    if any(part in DOT_SEGMENTS for part in parts):
        raise InvalidInput(
            f"The input `{name}` contains a '.' or '..' segment, which would change which route is "
            f"called; got {path!r}.",
            example,
            data,
        )
    return "/" + "/".join(quote(part, safe="") for part in parts)


def check_segments(path: str) -> None:
    """Refuse a path (or URL) with a "." or ".." segment, also percent-encoded: a last guard for
    paths built in code, since only ``segment``/``fill`` encode callers' values."""
    bare = path.split("?", 1)[0].split("#", 1)[0]
    if "://" in bare:
        bare = bare.split("://", 1)[1]
        bare = bare[bare.find("/") :] if "/" in bare else "/"
    if any(unquote(part) in DOT_SEGMENTS for part in bare.split("/")[1:]):
        raise InvalidInput(
            f"The request path {bare!r} contains a '.' or '..' segment; refusing to send it.",
            "Check the IDs given to this step: an ID cannot be '.' or '..'.",
        )
