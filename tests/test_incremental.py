import datetime

from archive.read import KnownDocument
from crawler.history.walk import WalkState, conditional_headers, full_walk_due

LIVE = KnownDocument(
    "http://h/a.html", "live", 'W/"abc"', "Mon, 08 Jan 2024 00:30:00 GMT", ("http://h/zwgk/",)
)
GONE = KnownDocument("http://h/b.html", "deleted", None, None, ("http://h/zwgk/",))


def test_full_walk_is_due_weekly_unless_asked():
    now = datetime.datetime(2026, 11, 23, tzinfo=datetime.UTC)
    assert full_walk_due("auto", None, 7, now)
    assert not full_walk_due("auto", "2026-11-20T01:00:00.000Z", 7, now)
    assert full_walk_due("auto", "2026-11-15T01:00:00.000Z", 7, now)
    assert full_walk_due("full", "2026-11-22T01:00:00.000Z", 7, now)
    assert not full_walk_due("incremental", None, 7, now)


def test_incremental_fetches_only_unknown_and_stops_paging_at_known_items():
    state = WalkState(known={LIVE.url: LIVE, GONE.url: GONE}, full_walk=False)
    fetch, fresh, unknown = state.to_fetch([LIVE.url, GONE.url, "http://h/new.html"])
    assert fetch == [GONE.url, "http://h/new.html"]  # a deleted page listed again is refetched
    assert state.follow_pages(fresh, unknown, paginated=False)
    fetch, fresh, unknown = state.to_fetch([LIVE.url])
    assert fetch == [] and not state.follow_pages(fresh, unknown, paginated=True)


def test_full_walk_revisits_known_documents_conditionally_and_finds_vanished_ones():
    other = KnownDocument("http://h/c.html", "live", None, None, ("http://h/zwgk/",))
    elsewhere = KnownDocument("http://h/d.html", "live", None, None, ("http://h/other/",))
    state = WalkState(known={d.url: d for d in (LIVE, other, elsewhere)}, full_walk=True)
    state.walked_columns.add("http://h/zwgk/")
    fetch, fresh, unknown = state.to_fetch([LIVE.url])
    assert fetch == [LIVE.url] and unknown == []
    assert conditional_headers(LIVE) == {
        "If-None-Match": 'W/"abc"',
        "If-Modified-Since": LIVE.last_modified,
    }
    assert conditional_headers(GONE) == {}
    # c.html vanished from a column walked completely; d.html's column was not walked
    assert state.vanished() == {"http://h/c.html": "http://h/zwgk/"}
    state.failed_columns.add("http://h/zwgk/")
    assert state.vanished() == {}  # a list page failed: no evidence


def test_resume_skips_what_the_interrupted_run_archived_but_keeps_paging():
    state = WalkState(known={}, full_walk=True, done={"http://h/1.html", "http://h/2.html"})
    fetch, fresh, unknown = state.to_fetch(
        ["http://h/1.html", "http://h/2.html", "http://h/3.html"]
    )
    assert fetch == ["http://h/3.html"]
    fetch, fresh, unknown = state.to_fetch(["http://h/1.html"])  # seen on an earlier page this run
    fetch2, fresh2, unknown2 = WalkState(
        known={}, full_walk=True, done={"http://h/9.html"}
    ).to_fetch(["http://h/9.html"])
    assert fetch2 == [] and state.follow_pages(fresh2, unknown2, paginated=True)
