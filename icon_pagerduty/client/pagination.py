"""Listings: offset pages, cursor pages, and time windows split past PagerDuty's 10,000 ceiling.

A ``Pager`` reads one listing through ``fetch(params) -> decoded page`` (a GET of the listing's
path), so the same code serves ``RestClient.iter_all`` and ``rest_call``'s ``all_pages``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from .errors import TooManyResults, UnexpectedResponse

log = logging.getLogger("icon_pagerduty.client")

PAGE_SIZE = 100
OFFSET_CEILING = 10_000
PROGRESS_EVERY = 1.0  # seconds between progress lines of a long listing
MIN_WINDOW = timedelta(seconds=2)  # a window is not split below this; it then stops at the ceiling

Fetch = Callable[[dict[str, Any]], Any]

# Listings that page with `cursor`/`next_cursor` (PagerDuty's reference, section 6.2), and those
# whose `since`/`until` filter records by when they happened, so a window can be cut in two
# without changing the result. (`/oncalls` and `/schedules` also take since/until, but there they
# bound what is rendered: splitting would change the answer.)
CURSOR_PATHS = re.compile(
    r"^(?:/(?:v3/)?(?:escalation_policies|schedules|services|teams|users|ip_allow_lists)/[^/]+)?/audit/records$"
    r"|^/(?:automation_actions/(?:actions|runners)|incident_workflows/(?:actions|triggers))$"
    r"|^/users/[^/]+/oauth_delegations$|^/enrichment/schemas/[^/]+/records$"
    r"|^/workflows/integrations(?:/connections|/[^/]+/connections)?$"
    r"|^/recommendations/event_orchestrations/rules$"
)
WINDOWED_PATHS = re.compile(
    r"^/(?:incidents|log_entries|notifications|change_events|incidents/[^/]+/log_entries"
    r"|services/[^/]+/change_events)$"
)


class Progress:
    """Writes "GET /incidents: 3,400 of 25,000 items read (34 pages)" at most once per ``every`` s."""

    def __init__(self, label: str, clock: Callable[[], float], every: float = PROGRESS_EVERY):
        self.label = label
        self.clock = clock
        self.every = every
        self.pages = self.items = 0
        self.total: int | None = None
        self.next_at = clock() + every

    def page(self, items: int, total: Any = None) -> None:
        self.pages += 1
        self.items += items
        if self.total is None and isinstance(total, int) and not isinstance(total, bool):
            self.total = total
        now = self.clock()
        if now >= self.next_at:
            self.next_at = now + self.every
            of = f" of {self.total:,}" if self.total is not None else ""
            log.info("%s: %s%s items read (%s pages)", self.label, f"{self.items:,}", of, f"{self.pages:,}")


class Pager:
    """Reads one listing. ``key`` is the wrapper of its items (``None``: the one list in the page)."""

    def __init__(self, fetch: Fetch, shown: str, key: str | None, *, page_size: int = PAGE_SIZE,
                 clock: Callable[[], float] = time.monotonic):
        self.fetch = fetch
        self.shown = shown
        self.key = key
        self.page_size = max(1, min(int(page_size), PAGE_SIZE))
        self.progress = Progress(f"GET {shown}", clock)

    def items(self, params: Mapping[str, Any], *, cursor: bool = False, split: bool = False) -> Iterator[Any]:
        """Every item; ``cursor`` pages with cursors, ``split`` cuts since/until windows past the ceiling."""
        params = {k: v for k, v in params.items() if k not in ("limit", "offset", "cursor")}
        if cursor:
            return self.cursor_pages(params)
        window = _window_of(params) if split else None
        if window is None:
            return self.offset_pages(params)
        return self.windows(params, *window)

    # -- offset ----------------------------------------------------------------------------------

    def offset_pages(self, params: Mapping[str, Any], first: Any = None) -> Iterator[Any]:
        """Offset paging; ``first`` is the page at offset 0 when it was already fetched.

        The offset advances by the items received, not the echoed limit; the listing ends when
        ``more`` is false or missing. Before a request would pass the 10,000 ceiling it raises
        ``TooManyResults`` (after yielding the first 10,000 items).
        """
        offset = 0
        while True:
            size = min(self.page_size, OFFSET_CEILING - offset)
            if size <= 0:
                raise TooManyResults(
                    f"GET {self.shown}: listing stopped at {OFFSET_CEILING:,} results, the most PagerDuty "
                    "returns for one listing",
                    "Narrow the filter (for example a shorter time range) so fewer results match.",
                    method="GET",
                    path=self.shown,
                )
            body = first if first is not None else self.fetch({**params, "limit": size, "offset": offset})
            first = None
            items = self._items(body)
            self.progress.page(len(items), body.get("total"))
            yield from items
            if "more" not in body:
                log.warning("GET %s: the page has no `more`; the listing ends here", self.shown)
                return
            if not body["more"]:
                return
            if not items:
                raise self.unexpected("`more` is true but the page is empty")
            offset += len(items)

    # -- cursor ----------------------------------------------------------------------------------

    def cursor_pages(self, params: Mapping[str, Any]) -> Iterator[Any]:
        """Cursor paging: follow ``next_cursor`` until it is null or absent."""
        cursor = None
        used: set[str] = set()
        while True:
            query = {**params, "limit": self.page_size}
            if cursor is not None:
                query["cursor"] = cursor
            body = self.fetch(query)
            items = self._items(body)
            self.progress.page(len(items))
            yield from items
            cursor = body.get("next_cursor")
            if not cursor:
                return
            if cursor in used:
                raise self.unexpected("`next_cursor` repeats an earlier cursor")
            used.add(cursor)

    # -- time windows ----------------------------------------------------------------------------

    def windows(self, params: Mapping[str, Any], since: datetime, until: datetime) -> Iterator[Any]:
        """Items of ``[since, until]``, the window halved until each part is under the ceiling.

        Each window's first page asks for ``total``; a window holding more than 10,000 is cut in
        two (its first page is dropped) and each half read in turn, oldest first. Items come
        back once each, by ID, though a record on a boundary is in both halves.
        """
        seen: set[Any] = set()
        first_texts = (params["since"], params["until"])
        yield from self._window(params, since, until, first_texts, seen)

    def _window(self, params, since, until, texts, seen) -> Iterator[Any]:
        windowed = {**params, "since": texts[0], "until": texts[1]}
        first = self.fetch({**windowed, "limit": self.page_size, "offset": 0, "total": True})
        total = first.get("total") if isinstance(first, dict) else None
        if isinstance(total, int) and total > OFFSET_CEILING and until - since >= 2 * MIN_WINDOW:
            if self.progress.total is None:
                self.progress.total = total
            middle = since + (until - since) / 2
            middle -= timedelta(microseconds=middle.microsecond)
            log.info(
                "GET %s: %s results from %s to %s, more than PagerDuty's %s per listing; reading the window "
                "in two halves", self.shown, f"{total:,}", texts[0], texts[1], f"{OFFSET_CEILING:,}",
            )
            yield from self._window(params, since, middle, (texts[0], _text(middle)), seen)
            yield from self._window(params, middle, until, (_text(middle), texts[1]), seen)
            return
        for item in self.offset_pages(windowed, first):
            ident = item.get("id") if isinstance(item, dict) else None
            if ident is not None:
                if ident in seen:
                    continue
                seen.add(ident)
            yield item

    # -- helpers ---------------------------------------------------------------------------------

    def _items(self, body: Any) -> list:
        if not isinstance(body, dict):
            raise self.unexpected("the answer is not a JSON object")
        if self.key is None:
            lists = [k for k, v in body.items() if isinstance(v, list)]
            if len(lists) != 1:
                raise self.unexpected(f"expected one list in the page, found {len(lists)}")
            self.key = lists[0]
        if self.key not in body:
            raise self.unexpected(f"the answer has no `{self.key}`")
        items = body[self.key]
        if not isinstance(items, list):
            raise self.unexpected(f"`{self.key}` is not a list")
        return items

    def unexpected(self, what: str) -> UnexpectedResponse:
        cause = f"GET {self.shown}: PagerDuty's answer is unusable: {what}"
        return UnexpectedResponse(cause, method="GET", path=self.shown)


def _window_of(params: Mapping[str, Any]) -> tuple[datetime, datetime] | None:
    """The ``since``/``until`` window of a listing, or None when it has none that can be split."""
    if params.get("date_range") == "all":
        return None  # PagerDuty then ignores since and until
    since, until = _parse(params.get("since")), _parse(params.get("until"))
    if since is None or until is None or until <= since:
        return None  # PagerDuty reports a bad window itself
    return since, until


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
