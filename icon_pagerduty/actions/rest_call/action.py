"""Call any PagerDuty REST API v2 operation by method and path, for what no other action covers yet."""

from __future__ import annotations

from typing import Any

from actionkit import Action, InputError
from icon_pagerduty.client.paths import relative_path

from .schema import Input, Output

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
WITH_BODY = ("POST", "PUT", "PATCH", "DELETE")
# Headers worth a workflow's attention; every ratelimit-* header is kept as well.
USEFUL_HEADERS = frozenset({"content-type", "date", "link", "location", "retry-after", "x-request-id"})


class RestCall(Action[Input, Output]):
    def run(self, inp: Input) -> dict:
        method = (inp.method or "GET").upper()
        if method not in METHODS:
            raise InputError(
                f"The input `method` must be one of {', '.join(METHODS)}; got {inp.method!r}.",
                data={"input": "method", "value": inp.method},
            )
        # Checked before anything is sent: a path only, so the key never goes to another host.
        path = relative_path(inp.path, "path")
        query = _query(inp.query)
        if inp.body is not None and method not in WITH_BODY:
            raise InputError(
                f"The input `body` is sent only with {', '.join(WITH_BODY)}; the method is {method}."
            )
        if inp.all_pages:
            if method != "GET":
                raise InputError(
                    f"The input `all_pages` reads a listing, so it needs method GET; got {method}."
                )
            return self.all_pages(path, query)
        rest = self.connection.rest
        reply = rest.call(method, path, params=query, json=inp.body, from_email=inp.from_email)
        return _output(reply.status, reply.body, reply.headers)

    def all_pages(self, path: str, query: dict[str, Any]) -> dict:
        """Every page of a listing merged into one body: the last page's with every item."""
        rest = self.connection.rest
        replies = []

        def fetch(params: dict[str, Any]) -> Any:
            replies.append(rest.call("GET", path, params=params))
            return replies[-1].body

        items = list(rest.iter_all(path, None, query, fetch=fetch))
        last = replies[-1]
        body = dict(last.body)
        key = next(name for name, value in body.items() if isinstance(value, list))
        body[key] = items
        # The paging fields now describe the one merged page.
        paging = {"offset": 0, "limit": len(items), "more": False, "total": len(items), "next_cursor": None}
        body.update({name: value for name, value in paging.items() if name in body})
        self.logger.info("GET %s: %d items from %d pages merged", path, len(items), len(replies))
        return _output(last.status, body, last.headers)


def _query(query: Any) -> dict[str, Any]:
    """The query input: strings, numbers, booleans, or lists of them (sent as name[]=)."""
    scalars = (str, int, float, bool)
    for name, value in (query or {}).items():
        values = value if isinstance(value, list) else [value]
        if not all(item is None or isinstance(item, scalars) for item in values):
            raise InputError(
                f"The query parameter {name!r} (input `query`) must be a string, number, boolean or a list "
                "of them; PagerDuty's query parameters are never nested objects.",
                data={"input": "query", "parameter": name},
            )
    return dict(query or {})


def _output(status: int, body: Any, headers: dict[str, str]) -> dict:
    kept = (name for name in headers if name in USEFUL_HEADERS or name.startswith("ratelimit-"))
    useful = {name: headers[name] for name in kept}
    output: dict[str, Any] = {"status": status, "headers": useful}
    if body is not None:
        output["body"] = body if isinstance(body, dict) else {"value": body}
    return output
