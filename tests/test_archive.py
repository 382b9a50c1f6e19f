import sqlite3

import pytest

from archive import ArchiveError, read
from archive.schema import SCHEMA_VERSION, connect
from archive.writer import ArchiveWriter, DocumentContent, FetchRecord, SiteRecord
from crawler.text.normalise import Normaliser

SITE = SiteRecord("s1", "方城县人民政府", "411322", ("http://a.example/zwgk/",), ("a.example",))


def doc(url: str, text: str, title: str = "标题") -> DocumentContent:
    n = Normaliser().normalise(text)
    return DocumentContent(
        url=url,
        text=text,
        text_norm=n.text_norm,
        text_hash=n.content_hash,
        traditional=n.traditional,
        extractor_version="test",
        title=title,
        publish_date="2024-02-27",
    )


def fetch(url: str, body: bytes = b"<html>x</html>", status: int = 200) -> FetchRecord:
    return FetchRecord(
        "s1", url, url, "document", status, {"Content-Type": "text/html"}, body, "utf-8"
    )


@pytest.fixture
def writer(tmp_path):
    w = ArchiveWriter(tmp_path / "a.db")
    w.upsert_site(SITE)
    yield w
    w.close()


def test_new_changed_unchanged(writer, tmp_path):
    run = writer.start_run("s1", "manual", "t")
    u = "http://a.example/zwgk/t1.html"
    assert writer.record_page(run, fetch(u), doc(u, "第一段\n第二段")).document == "new"
    assert (
        writer.record_page(run, fetch(u, b"<html>y</html>"), doc(u, "第一段\n第二段 ")).document
        == "unchanged"
    )
    out = writer.record_page(run, fetch(u), doc(u, "第一段\n第二段（修订）"))
    assert (out.document, out.version_no) == ("changed", 2)
    counts = writer.finish_run(run, "finished", "finished")
    assert (
        counts["pages_fetched"] == 3
        and counts["documents_new"] == 1
        and counts["documents_changed"] == 1
    )
    with read.open_archive(tmp_path / "a.db") as arc:
        history = arc.history(u)
        assert [v.version_no for v in history] == [1, 2]
        assert history[0].text == "第一段\n第二段" and history[1].text.endswith("（修订）")
        assert arc.document(u).version_count == 2
        assert arc.runs()[0].outcome == "finished"


def test_same_text_at_two_urls_is_stored_once(writer, tmp_path):
    run = writer.start_run("s1", "manual", "t")
    a, b = "http://a.example/zwgk/a.html", "http://a.example/zwgk/b.html"
    writer.record_page(run, fetch(a), doc(a, "同一份报告的正文。"))
    out = writer.record_page(run, fetch(b, b"<html>other</html>"), doc(b, "同一份报告的正文。"))
    assert out.document == "new" and out.text_seen_before
    with read.open_archive(tmp_path / "a.db") as arc:
        assert arc.stats()["texts"] == 1 and arc.stats()["documents"] == 2
        assert arc.urls_of_text(arc.document(a).text_hash) == [a, b]


def test_versions_are_append_only(writer):
    run = writer.start_run("s1", "manual", "t")
    u = "http://a.example/zwgk/t1.html"
    writer.record_page(run, fetch(u), doc(u, "正文"))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        writer.db.execute("UPDATE versions SET title = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        writer.db.execute("DELETE FROM versions")


def test_raw_body_round_trips_and_is_stored_once(writer, tmp_path):
    run = writer.start_run("s1", "manual", "t")
    body = "<html><body>政务公开 GBK</body></html>".encode("gbk")
    f1 = writer.record_page(
        run, FetchRecord("s1", "http://a.example/l", "http://a.example/l", "list", 200, {}, body)
    ).fetch_id
    f2 = writer.record_page(
        run, FetchRecord("s1", "http://a.example/l", "http://a.example/l", "list", 200, {}, body)
    ).fetch_id
    failed = writer.record_page(
        run,
        FetchRecord(
            "s1", "http://a.example/x", "http://a.example/x", "error", error="TimeoutError"
        ),
    )
    with read.open_archive(tmp_path / "a.db") as arc:
        assert arc.raw_body(f1) == body == arc.raw_body(f2)
        assert arc.raw_body(failed.fetch_id) is None
        assert arc.stats()["bodies"] == 1


def test_failed_write_leaves_nothing_half_written(writer, tmp_path):
    run = writer.start_run("s1", "manual", "t")
    bad = FetchRecord(
        "unknown-site", "http://a.example/z", "http://a.example/z", "document", 200, {}, b"x"
    )
    with pytest.raises(sqlite3.IntegrityError):
        writer.record_page(run, bad, doc("http://a.example/z", "正文"))
    with read.open_archive(tmp_path / "a.db") as arc:
        assert (
            arc.stats()["fetches"] == 0 and arc.stats()["texts"] == 0 and arc.stats()["bodies"] == 0
        )


def test_schema_is_migrated_and_versioned(tmp_path):
    db = connect(tmp_path / "m.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    connect(tmp_path / "m.db").close()  # re-opening applies nothing twice


def test_damaged_database_is_never_overwritten(tmp_path):
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not sqlite" * 100)
    before = path.read_bytes()
    with pytest.raises(ArchiveError, match="will not modify it"):
        ArchiveWriter(path)
    assert path.read_bytes() == before


def test_reader_refuses_missing_file(tmp_path):
    with pytest.raises(ArchiveError, match="no archive here"):
        read.open_archive(tmp_path / "none.db")


def test_a_site_failing_runs_in_a_row_is_flagged(writer, tmp_path):
    for outcome in ("finished", "failed", "killed", "failed"):
        run = writer.start_run("s1", "schedule", "t")
        writer.finish_run(run, outcome, outcome)
    with read.open_archive(tmp_path / "a.db") as arc:
        assert arc.failing_sites(3) == {"s1": 3}
        assert arc.failing_sites(4) == {}
    run = writer.start_run("s1", "schedule", "t")
    writer.finish_run(run, "finished", "finished")
    with read.open_archive(tmp_path / "a.db") as arc:
        assert arc.failing_sites(1) == {}


def test_a_credit_change_makes_a_metadata_version_other_raw_labels_do_not(writer, tmp_path):
    from dataclasses import replace

    from crawler.history.diff import changed_fields

    run = writer.start_run("s1", "manual", "t")
    u = "http://a.example/zwgk/t2.html"
    first = replace(doc(u, "第一段"), metadata={"浏览次数": "12", "credit:审核": "赵建国"})
    assert writer.record_page(run, fetch(u), first).document == "new"
    counter = replace(first, metadata={"浏览次数": "13", "credit:审核": "赵建国"})
    assert writer.record_page(run, fetch(u), counter).document == "unchanged"
    reviewer = replace(first, metadata={"浏览次数": "13", "credit:审核": "王红"})
    out = writer.record_page(run, fetch(u), reviewer)
    assert (out.document, out.version_no) == ("changed", 2)
    with read.open_archive(tmp_path / "a.db") as arc:
        old, new = arc.history(u)
    assert new.change == "metadata" and (old.credits, new.credits) == (
        {"审核": "赵建国"},
        {"审核": "王红"},
    )
    assert changed_fields(old, new) == [("credits.审核", "赵建国", "王红")]
