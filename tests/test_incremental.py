import datetime
from collections import Counter

from archive.read import KnownDocument
from crawler.history.walk import (
    WalkState,
    conditional_headers,
    full_walk_due,
    local_day,
    walk_day,
)

LIVE = KnownDocument(
    "http://h/a.html", "live", 'W/"abc"', "Mon, 08 Jan 2024 00:30:00 GMT", ("http://h/zwgk/",)
)
GONE = KnownDocument("http://h/b.html", "deleted", None, None, ("http://h/zwgk/",))


def test_full_walk_is_due_weekly_unless_asked():
    now = datetime.datetime(2026, 11, 23, tzinfo=datetime.UTC)
    assert full_walk_due("auto", None, 7, now)
    assert full_walk_due("auto", "2026-11-15T01:00:00.000Z", 7, now)  # a week missed its walk
    assert full_walk_due("full", "2026-11-22T01:00:00.000Z", 7, now)
    assert not full_walk_due("incremental", None, 7, now)


def test_each_site_walks_on_its_own_day_of_the_week_once():
    sites = [f"county-{i}" for i in range(700)]
    days = Counter(walk_day(s, 7) for s in sites)
    assert set(days) == set(range(7)) and max(days.values()) < 2 * min(days.values())
    site = sites[0]
    first = datetime.datetime(2026, 11, 23, 18, tzinfo=datetime.UTC)  # 02:00 Tue in Shanghai
    last, walked = "2026-11-21T18:00:00.000Z", []  # a first run's full walk two nights before
    for night in (first + datetime.timedelta(days=d) for d in range(28)):
        if full_walk_due("auto", last, 7, night, site_id=site):
            walked.append(night)
            last = night.isoformat().replace("+00:00", "Z")
            assert not full_walk_due(
                "auto", last, 7, night + datetime.timedelta(hours=1), site_id=site
            )
    assert len(walked) == 4  # once a week, on the site's own day, never twice that day
    assert {local_day(n, "Asia/Shanghai") % 7 for n in walked} == {walk_day(site, 7)}
    other = next(s for s in sites if walk_day(s, 7) != walk_day(site, 7))
    recent = (walked[1] - datetime.timedelta(days=3)).isoformat()
    assert not full_walk_due("auto", recent, 7, walked[1], site_id=other)  # not its day
    # a walk day missed (the machine was off): the next night walks
    missed = walked[1] + datetime.timedelta(days=1)
    assert full_walk_due("auto", walked[0].isoformat(), 7, missed, site_id=site)


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
