"""Case 1: nothing outside the allowed domains is ever requested — not a redirect's target, not
that host's robots.txt, not a sitemap it names — in `crawl` and in `fetch`; the redirect itself
is recorded, and a known document that redirects away is tombstoned with that evidence."""

from __future__ import annotations

import json
import sqlite3

from conftest import hostile_seed
from crawl_helpers import crawl, zwgk
from hostile_portal import AWAY, AWAY_FILE, MOVED, OFFSITE_GOOD, REFRESH

from archive import read


def fetch_rows(db, url: str) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return conn.execute("SELECT * FROM fetches WHERE url = ? ORDER BY id", [url]).fetchall()


def test_a_crawl_never_contacts_a_host_outside_allowed_domains(tmp_path, hostile):
    seeds = hostile_seed(tmp_path / "seeds", hostile.url, "/offsite/index.html")
    db = tmp_path / "archive.db"
    crawl(seeds, db, "hostile")
    elsewhere = hostile.elsewhere()
    assert elsewhere["log"] == [], "a request reached the other host"

    away = fetch_rows(db, hostile.url + AWAY.path)
    assert [(r["status"], r["kind"]) for r in away] == [(302, "error")]
    assert json.loads(away[0]["headers"])["Location"].startswith(elsewhere["url"])
    assert "redirected off the site" in away[0]["error"]
    attachment = fetch_rows(db, hostile.url + AWAY_FILE)
    assert [r["status"] for r in attachment] == [302]
    refresh = fetch_rows(db, hostile.url + REFRESH.path)
    assert any("redirected off the site" in (r["error"] or "") for r in refresh)
    conn = sqlite3.connect(db)
    offsite = conn.execute(
        "SELECT count(*) FROM fetches WHERE url LIKE ? AND status IS NOT NULL",
        [elsewhere["url"] + "%"],
    ).fetchone()[0]
    assert offsite == 0, "a response from the other host was recorded"
    with read.open_archive(db) as arc:
        urls = {d.url for d in arc.documents()}
    assert {hostile.url + OFFSITE_GOOD.path, hostile.url + MOVED.path} <= urls
    assert hostile.url + AWAY.path not in urls

    # the next walk finds the known document redirecting away: moved off the site
    crawl(seeds, db, "hostile", "--full")
    assert hostile.elsewhere()["log"] == []
    with read.open_archive(db) as arc:
        moved = arc.document(hostile.url + MOVED.path)
        events = [e for e in arc.events("2000-01-01") if e.url == moved.url]
    assert moved.status == "deleted" and moved.version_count == 1
    assert events[-1].event == "deleted"
    assert events[-1].reason == "moved off the site: redirected to 127.0.0.2"
    gone = fetch_rows(db, moved.url)[-1]
    assert (gone["status"], gone["kind"]) == (301, "gone")


def test_fetch_does_not_follow_a_redirect_off_the_site(tmp_path, hostile):
    db = tmp_path / "archive.db"
    url = hostile.url + AWAY.path
    done = zwgk("fetch", url, "--db", str(db), "--seeds", str(tmp_path / "none"))
    assert done.returncode == 1
    assert f"not archived: {url}" in done.stderr
    assert hostile.elsewhere()["log"] == []
    rows = fetch_rows(db, url)
    assert [(r["status"], r["kind"]) for r in rows] == [(302, "error")]
