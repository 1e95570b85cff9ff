"""iter_all beyond plain offsets: cursor listings, time windows split past the 10,000 ceiling, the
listing's wrapper found by itself, and progress lines at most once a second."""

from __future__ import annotations

import bisect
import http.client
import json
import logging
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from icon_pagerduty.client import RestClient, TooManyResults, UnexpectedResponse
from unit_test.client.conftest import CANARY_KEY

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
CEILING_ERROR = {"error": {"message": "Arguments Caused Error", "code": 2002, "errors": [
    "Offset+limit exceeds maximum allowed value of 10000. Please try to refine your search."]}}


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class IncidentListing(BaseAdapter):
    """``GET /incidents`` as PagerDuty pages it: filtered by created_at in [since, until] (both ends
    inclusive, the simulator's reading, so a record on a boundary is in both halves), ``total``
    only when asked, and 400 past offset + limit = 10,000."""

    def __init__(self, created: list[datetime]):
        super().__init__()
        self.created = sorted(created)
        self.keys = [iso(moment) for moment in self.created]
        self.incidents = [{"id": f"Q{n:013d}", "type": "incident", "created_at": key}
                          for n, key in enumerate(self.keys)]
        self.queries: list[dict[str, str]] = []

    def send(self, request, **kwargs):
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        self.queries.append(query)
        offset, limit = int(query["offset"]), int(query["limit"])
        if offset + limit > 10_000:
            return self._answer(request, 400, CEILING_ERROR)
        low = bisect.bisect_left(self.keys, query["since"])
        high = bisect.bisect_right(self.keys, query["until"])
        matching = self.incidents[low:high]
        page = matching[offset:offset + limit]
        more = offset + len(page) < len(matching)
        total = len(matching) if query.get("total") == "true" else None
        body = {"incidents": page, "limit": limit, "offset": offset, "more": more, "total": total}
        return self._answer(request, 200, body)

    @staticmethod
    def _answer(request, status: int, body: dict) -> requests.Response:
        response = requests.Response()
        response.status_code, response.reason = status, http.client.responses[status]
        response._content = json.dumps(body).encode()
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response

    def close(self) -> None:
        pass


def client_for(adapter: BaseAdapter, policy) -> RestClient:
    session = requests.Session()
    session.mount("https://", adapter)
    return RestClient(CANARY_KEY, session=session, retry=policy)


def test_25000_incidents_in_a_window_come_back_complete_each_exactly_once(policy):
    # 25,000 incidents over 10 days, and one exactly on the first split point (day 5, 00:00).
    moments = [START + timedelta(seconds=34 * n + 1) for n in range(24_999)] + [START + timedelta(days=5)]
    listing = IncidentListing(moments)
    rest = client_for(listing, policy)
    params = {"since": iso(START), "until": iso(START + timedelta(days=10)), "statuses[]": ["resolved"]}
    got = list(rest.iter_all("/incidents", "incidents", params))
    assert len(got) == 25_000
    assert sorted(i["id"] for i in got) == sorted(i["id"] for i in listing.incidents)
    assert [i["created_at"] for i in got] == sorted(i["created_at"] for i in got)  # oldest window first
    assert max(int(q["offset"]) + int(q["limit"]) for q in listing.queries) <= 10_000
    # Three first pages are dropped (the whole window and its halves), so 3 of 255 requests are spent
    # on finding the windows.
    assert len(listing.queries) == 250 + 3 + 2
    assert all(q["statuses[]"] == "resolved" for q in listing.queries)


def test_a_window_under_the_ceiling_is_read_as_given(policy):
    listing = IncidentListing([START + timedelta(minutes=n) for n in range(150)])
    rest = client_for(listing, policy)
    since, until = "2024-01-01T00:00:00+00:00", "2024-01-02T00:00:00+00:00"
    assert len(list(rest.iter_all("/incidents", "incidents", {"since": since, "until": until}))) == 150
    assert [(q["since"], q["until"], q["offset"], q.get("total")) for q in listing.queries] == [
        (since, until, "0", "true"), (since, until, "100", None)]


def test_a_listing_without_a_window_still_stops_at_the_ceiling(policy):
    listing = IncidentListing([START + timedelta(seconds=n) for n in range(10_050)])
    rest = client_for(listing, policy)
    # date_range=all makes PagerDuty ignore since and until, so there is no window to split.
    params = {"since": iso(START), "until": iso(START + timedelta(days=1)), "date_range": "all"}
    listed = rest.iter_all("/incidents", "incidents", params)
    with pytest.raises(TooManyResults, match=r"^GET /incidents: listing stopped at 10,000 results"):
        for _ in listed:
            pass
    assert max(int(q["offset"]) + int(q["limit"]) for q in listing.queries) == 10_000


def test_a_window_that_cannot_be_split_further_stops_at_the_ceiling(policy):
    listing = IncidentListing([START] * 10_001)
    rest = client_for(listing, policy)
    params = {"since": iso(START), "until": iso(START + timedelta(seconds=1))}
    with pytest.raises(TooManyResults):
        list(rest.iter_all("/incidents", "incidents", params))


def test_listings_whose_window_is_not_a_filter_are_never_split(rest, fake):
    # On /oncalls, since/until bound what is rendered: cutting them would change the answer.
    window = {"since": ["2024-01-01T00:00:00Z"], "until": ["2024-02-01T00:00:00Z"]}
    fake.expect("GET", "/oncalls", query={**window, "limit": ["100"], "offset": ["0"]},
                body={"oncalls": [], "limit": 100, "offset": 0, "more": False, "total": None})
    assert list(rest.iter_all("/oncalls", "oncalls", {"since": "2024-01-01T00:00:00Z",
                                                      "until": "2024-02-01T00:00:00Z"})) == []


# -- cursors -----------------------------------------------------------------------------------------

def records(first: int, count: int) -> list[dict]:
    numbers = range(first, first + count)
    return [{"id": f"R{n:05d}", "execution_time": "2024-01-01T00:00:00Z"} for n in numbers]


def test_cursor_listing_follows_next_cursor_until_null(rest, fake):
    fake.expect("GET", "/audit/records", query={"limit": ["100"]},
                body={"records": records(0, 100), "limit": 100, "next_cursor": "c1"})
    fake.expect("GET", "/audit/records", query={"limit": ["100"], "cursor": ["c1"]},
                body={"records": records(100, 100), "limit": 100, "next_cursor": "c2"})
    fake.expect("GET", "/audit/records", query={"limit": ["100"], "cursor": ["c2"]},
                body={"records": records(200, 7), "limit": 100, "next_cursor": None})
    got = list(rest.iter_all("/audit/records", "records"))
    assert [r["id"] for r in got] == [f"R{n:05d}" for n in range(207)]


def test_cursor_listing_of_a_resource_keeps_its_filters_and_has_no_ceiling(rest, fake):
    since = {"since": ["2024-01-01T00:00:00Z"], "until": ["2024-01-02T00:00:00Z"]}
    fake.expect("GET", "/users/PUSER01/audit/records", query={**since, "limit": ["100"]},
                body={"records": records(0, 1), "limit": 100, "next_cursor": ""})
    params = {"since": "2024-01-01T00:00:00Z", "until": "2024-01-02T00:00:00Z"}
    assert len(list(rest.iter_all("/users/PUSER01/audit/records", "records", params))) == 1


def test_a_repeated_cursor_is_an_unexpected_response_not_a_loop(rest, fake):
    fake.expect("GET", "/audit/records", body={"records": records(0, 1), "limit": 100, "next_cursor": "c1"})
    fake.expect("GET", "/audit/records", body={"records": records(1, 1), "limit": 100, "next_cursor": "c1"})
    with pytest.raises(UnexpectedResponse, match=r"`next_cursor` repeats an earlier cursor$"):
        list(rest.iter_all("/audit/records", "records"))


# -- the wrapper found by itself; progress ------------------------------------------------------------

def test_without_a_key_the_one_list_of_the_page_is_the_listing(rest, fake):
    fake.expect("GET", "/teams", body={"teams": [{"id": "P1"}], "limit": 100, "offset": 0, "more": True,
                                       "total": None})
    fake.expect("GET", "/teams", body={"teams": [{"id": "P2"}], "limit": 100, "offset": 1, "more": False,
                                       "total": None})
    assert [t["id"] for t in rest.iter_all("/teams")] == ["P1", "P2"]


def test_a_page_with_two_lists_needs_the_key(rest, fake):
    fake.expect("GET", "/teams", body={"teams": [], "others": [], "more": False})
    with pytest.raises(UnexpectedResponse, match=r"expected one list in the page, found 2$"):
        list(rest.iter_all("/teams"))


def test_progress_is_logged_at_most_once_a_second_with_the_total(rest, fake, caplog):
    now = [0.0]

    def clock() -> float:
        now[0] += 0.4  # every page takes 0.4 s
        return now[0]

    rest.clock = clock
    for n in range(8):
        items = [{"id": f"P{n}{i:05d}"} for i in range(100)]
        fake.expect("GET", "/users", body={"users": items, "limit": 100, "offset": n * 100, "more": n < 7,
                                           "total": 800})
    assert len(list(rest.iter_all("/users", "users", {"total": True}))) == 800
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert lines == [
        "GET /users: 300 of 800 items read (3 pages)",
        "GET /users: 600 of 800 items read (6 pages)",
    ]
