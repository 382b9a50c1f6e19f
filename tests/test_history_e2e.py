"""History you can trust: versions, tombstones, restorations, incremental re-crawls,
re-extraction and WARC export, on real crawls of the sample portal's revisions."""

from __future__ import annotations

import re
import sqlite3

import pytest
from crawl_helpers import crawl, write_sample_seed, zwgk
from warcio.archiveiterator import ArchiveIterator

from archive import read
from crawler.sample_portal import expected_documents


def events_of(db, url) -> list[tuple[str, str]]:
    with read.open_archive(db) as arc:
        return [(e.event, e.reason) for e in arc.events("2000-01-01") if e.url == url]


@pytest.fixture(scope="module")
def revisions(tmp_path_factory, make_portal_server):
    """Crawl revision 1, then revision 2 and revision 3 with full walks."""
    server = make_portal_server(revision=1)
    tmp = tmp_path_factory.mktemp("history")
    seeds = write_sample_seed(tmp / "seeds", server.url)
    db = tmp / "archive.db"
    crawl(seeds, db)
    snapshots = {1: sqlite3.connect(db).execute("SELECT count(*) FROM versions").fetchone()[0]}
    server.set_revision(2)
    crawl(seeds, db, "sample", "--full")
    snapshots[2] = sqlite3.connect(db).execute("SELECT count(*) FROM versions").fetchone()[0]
    after_2 = {e.url: e for e in read.open_archive(db).events("2000-01-01") if e.event != "new"}
    server.set_revision(3)
    crawl(seeds, db, "sample", "--full")
    return server, db, snapshots, after_2


def test_revision_2_makes_one_version_and_three_tombstones(revisions):
    server, db, snapshots, after_2 = revisions
    rev1 = {d.path: d for d in expected_documents(1)}
    rev2 = {d.path: d for d in expected_documents(2)}
    (changed,) = [p for p in rev1.keys() & rev2.keys() if rev1[p].paragraphs != rev2[p].paragraphs]
    (added,) = rev2.keys() - rev1.keys()
    assert snapshots[2] == snapshots[1] + 2  # the changed page's v2, and the added document's v1
    with read.open_archive(db) as arc:
        assert [v.change for v in arc.history(server.url + changed)] == ["new", "text"]
        for path in rev1.keys() - {changed}:
            assert arc.document(server.url + path).version_count == 1, (
                path
            )  # footer noise: no version
    tombstones = {
        url[len(server.url) :]: e
        for url, e in after_2.items()
        if e.event in ("deleted", "unlisted")
    }
    (deleted,) = rev1.keys() - rev2.keys()
    (unlisted,) = [p for p, d in rev2.items() if not d.listed]
    (soft,) = [p for p, d in rev2.items() if d.soft_deleted]
    assert set(tombstones) == {deleted, unlisted, soft}
    assert (
        tombstones[deleted].reason == "HTTP 404" and tombstones[deleted].evidence["status"] == "404"
    )
    assert tombstones[unlisted].event == "unlisted" and tombstones[unlisted].evidence["list"]
    assert tombstones[soft].reason.startswith("soft 404") and tombstones[soft].evidence["phrase"]


def test_deleted_pages_keep_their_history_and_revision_3_brings_one_back(revisions):
    server, db, snapshots, _ = revisions
    (deleted,) = {d.path for d in expected_documents(1)} - {d.path for d in expected_documents(2)}
    url = server.url + deleted
    assert [e for e, _ in events_of(db, url)] == ["new", "deleted", "restored"]
    with read.open_archive(db) as arc:
        assert arc.document(url).status == "live"
        assert len(arc.history(url)) == 1 and arc.history(url)[0].text  # history kept, same text
        statuses = {d.url[len(server.url) :]: d.status for d in arc.documents()}
    soft = next(d.path for d in expected_documents(2) if d.soft_deleted)
    unlisted = next(d.path for d in expected_documents(2) if not d.listed)
    assert statuses[soft] == "deleted" and statuses[unlisted] == "unlisted"


def test_history_diff_and_changes_commands(revisions):
    server, db, _, _ = revisions
    rev1 = {d.path: d for d in expected_documents(1)}
    rev2 = {d.path: d for d in expected_documents(2)}
    (changed,) = [p for p in rev1.keys() & rev2.keys() if rev1[p].paragraphs != rev2[p].paragraphs]
    history = zwgk("history", server.url + changed, "--db", str(db))
    assert history.returncode == 0 and " v1 " in history.stdout and " v2 " in history.stdout
    diff = zwgk("diff", server.url + changed, "--db", str(db))
    assert diff.returncode == 0
    (new_line,) = [
        line
        for line in diff.stdout.splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]
    (old_line,) = [
        line
        for line in diff.stdout.splitlines()
        if line.startswith("-") and not line.startswith("---")
    ]
    assert "5946万元" in new_line and "5940万元" in old_line
    changes = zwgk("changes", "--since", "2000-01-01", "--site", "sample", "--db", str(db))
    assert changes.returncode == 0
    for word in ("new", "changed", "deleted", "unlisted", "restored"):
        assert re.search(rf"\s{word}\s", changes.stdout), word


def test_unchanged_recrawl_costs_at_most_a_tenth_of_the_requests(tmp_path, make_portal_server):
    server = make_portal_server(portal="synthetic", docs=500)
    seeds = write_sample_seed(tmp_path / "seeds", server.url, max_pages=5000)
    db = tmp_path / "archive.db"
    server.clear_log()
    crawl(seeds, db)
    first = len(server.request_log())
    versions = sqlite3.connect(db).execute("SELECT count(*) FROM versions").fetchone()[0]
    assert versions == 500
    server.clear_log()
    crawl(seeds, db)  # the nightly default: incremental, since a full walk just finished
    second = len(server.request_log())
    assert second <= 0.1 * first, f"re-crawl sent {second} requests, the first crawl {first}"
    assert sqlite3.connect(db).execute("SELECT count(*) FROM versions").fetchone()[0] == versions
    server.clear_log()
    crawl(seeds, db, "sample", "--full")  # a full walk revisits everything, conditionally
    statuses = [entry["status"] for entry in server.request_log() if "/t20" in entry["path"]]
    assert statuses and all(s == 304 for s in statuses)
    assert sqlite3.connect(db).execute("SELECT count(*) FROM versions").fetchone()[0] == versions


def test_reextract_after_a_rule_change_versions_only_affected_documents(
    tmp_path, make_portal_server, monkeypatch
):
    from crawler.extract import boilerplate
    from crawler.history.reextract import reextract
    from crawler.text import dedup

    server = make_portal_server(revision=1)
    seeds = write_sample_seed(tmp_path / "seeds", server.url)
    db = tmp_path / "archive.db"
    crawl(seeds, db)
    with read.open_archive(db) as arc:
        affected = {
            d.url
            for d in arc.documents()
            if re.search(r"^各位代表", arc.history(d.url)[-1].text, re.M)
        }
        total = len(arc.documents())
    assert 0 < len(affected) < total
    assert reextract(str(db))["unchanged"] == total  # same extractor: nothing new
    # a new rule: drop the "各位代表：" salutation lines
    rule = re.compile(r"^各位代表")
    trim = boilerplate.trim_chrome
    monkeypatch.setattr(
        boilerplate, "trim_chrome", lambda lines: [x for x in trim(lines) if not rule.match(x)]
    )
    monkeypatch.setattr(dedup, "EXTRACTOR_VERSION", "zwgk-extract/test-rule")
    counts = reextract(str(db))
    assert counts["changed"] == len(affected) and counts["unchanged"] == total - len(affected)
    with read.open_archive(db) as arc:
        for doc in arc.documents():
            history = arc.history(doc.url)
            if doc.url in affected:
                assert [v.change for v in history] == ["new", "reextract"]
                assert history[-1].extractor_version == "zwgk-extract/test-rule"
                assert history[-1].fetch_id == history[0].fetch_id  # same capture, re-read
            else:
                assert len(history) == 1


def test_warc_export_round_trips_bodies_byte_for_byte(tmp_path, make_portal_server):
    server = make_portal_server(revision=1)
    seeds = write_sample_seed(tmp_path / "seeds", server.url)
    db = tmp_path / "archive.db"
    crawl(seeds, db)
    out = tmp_path / "archive.warc.gz"
    done = zwgk("export", "--format", "warc", "-o", str(out), "--db", str(db))
    assert done.returncode == 0, done.stderr
    seen = {"response": 0, "request": 0, "metadata": 0, "warcinfo": 0}
    with read.open_archive(db) as arc, out.open("rb") as fh:
        for record in ArchiveIterator(fh):
            seen[record.rec_type] += 1
            if record.rec_type == "response":
                fetch_id = int(record.rec_headers.get_header("Zwgk-Fetch-Id"))
                assert record.content_stream().read() == arc.raw_body(fetch_id)
                assert record.http_headers.get_statuscode() == "200"
        with_body = arc.conn.execute(
            "SELECT count(*) FROM fetches WHERE body_sha256 IS NOT NULL"
        ).fetchone()[0]
    assert seen["response"] == seen["request"] == with_body and seen["warcinfo"] == 1
    jsonl = zwgk("export", "--format", "jsonl", "--db", str(db))
    assert jsonl.returncode == 0 and len(jsonl.stdout.splitlines()) == len(expected_documents(1))
    out_csv = tmp_path / "docs.csv"
    done = zwgk("export", "--format", "csv", "-o", str(out_csv), "--db", str(db))
    assert done.returncode == 0, done.stderr
    import csv

    with out_csv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(expected_documents(1)) and all(r["url"] and r["text"] for r in rows)
