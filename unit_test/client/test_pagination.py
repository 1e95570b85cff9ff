"""The offset iterator: pages, short pages, the end, and the 10,000 ceiling."""

from __future__ import annotations

import logging

import pytest

from icon_pagerduty.client import TooManyResults, UnexpectedResponse


def users(first: int, count: int) -> list[dict]:
    numbers = range(first, first + count)
    return [{"id": f"P{n:06d}", "type": "user", "email": f"u{n}@example.com"} for n in numbers]


def page(offset: int, limit: int, items: list[dict], more: bool | None) -> dict:
    body = {"users": items, "limit": limit, "offset": offset, "total": None}
    if more is not None:
        body["more"] = more
    return body


def expect_page(fake, offset: int, items: list[dict], more: bool | None, limit: int = 100, **params) -> None:
    query = {**{k: [v] for k, v in params.items()}, "limit": [str(limit)], "offset": [str(offset)]}
    fake.expect("GET", "/users", query=query, body=page(offset, limit, items, more))


def test_several_full_pages_are_read_until_more_is_false(rest, fake):
    expect_page(fake, 0, users(0, 100), True)
    expect_page(fake, 100, users(100, 100), True)
    expect_page(fake, 200, users(200, 42), False)
    listed = list(rest.list_users())
    assert [u["id"] for u in listed] == [f"P{n:06d}" for n in range(242)]


def test_offset_advances_by_items_received_not_by_limit(rest, fake):
    expect_page(fake, 0, users(0, 25), True)
    expect_page(fake, 25, users(25, 60), True)
    expect_page(fake, 85, users(85, 3), False)
    assert len(list(rest.list_users())) == 88


def test_filters_are_sent_on_every_page(rest, fake):
    expect_page(fake, 0, users(0, 100), True, query="ada")
    expect_page(fake, 100, users(100, 1), False, query="ada")
    assert len(list(rest.list_users(query="ada"))) == 101


def test_missing_more_ends_the_listing_with_a_warning(rest, fake, caplog):
    expect_page(fake, 0, users(0, 100), None)
    assert len(list(rest.list_users())) == 100
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["GET /users: the page has no `more`; the listing ends here"]


def test_more_with_an_empty_page_is_an_unexpected_response(rest, fake):
    expect_page(fake, 0, users(0, 100), True)
    expect_page(fake, 100, [], True)
    with pytest.raises(UnexpectedResponse, match=r"^GET /users: PagerDuty's answer is unusable: "
                                                 r"`more` is true but the page is empty$"):
        list(rest.list_users())


def test_iteration_is_lazy(rest, fake):
    expect_page(fake, 0, users(0, 100), True)
    listing = rest.list_users()
    assert next(listing)["id"] == "P000000"
    assert len(fake.sent) == 1
    listing.close()


def test_listing_stops_before_passing_the_10000_ceiling(rest, fake):
    # 99 full pages, then a short one: the last request asks only for what fits under the ceiling.
    for n in range(99):
        expect_page(fake, n * 100, users(n * 100, 100), True)
    expect_page(fake, 9900, users(9900, 30), True)
    expect_page(fake, 9930, users(9930, 70), True, limit=70)
    listing = rest.list_users()
    received = [next(listing) for _ in range(10_000)]
    assert received[-1]["id"] == "P009999"
    with pytest.raises(TooManyResults) as caught:
        next(listing)
    assert str(caught.value) == (
        "GET /users: listing stopped at 10,000 results, the most PagerDuty returns for one listing"
    )
    assert caught.value.assistance == (
        "Narrow the filter (for example a shorter time range) so fewer results match."
    )
    assert caught.value.kind == "input"
    assert max(int(s.query["offset"][0]) + int(s.query["limit"][0]) for s in fake.sent) == 10_000


def test_listing_that_ends_exactly_at_the_ceiling_is_complete(rest, fake):
    for n in range(99):
        expect_page(fake, n * 100, users(n * 100, 100), True)
    expect_page(fake, 9900, users(9900, 100), False)
    assert len(list(rest.list_users())) == 10_000
