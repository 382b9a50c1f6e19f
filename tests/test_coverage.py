"""Per-column coverage: the flags a run summary gives, and the counts the archive keeps."""

from __future__ import annotations

from archive.coverage import coverage_flag
from archive.records import ColumnCoverage, ColumnRef, FetchRecord
from archive.writer import ArchiveWriter
from crawler.crawl.coverage import Coverage


def column(**kw) -> ColumnCoverage:
    return ColumnCoverage(url="http://h/zwgk/index.html", pages=1, **kw)


def test_flags_say_why_a_column_may_be_incomplete():
    assert coverage_flag(column(announced=10), 10) is None
    assert coverage_flag(column(), 0) == "its list yields nothing"
    assert coverage_flag(column(subcolumns=3), 0) is None  # a catalogue page of sub-columns
    assert coverage_flag(column(announced=107), 75).startswith("announces 107 items")
    reason = "its list is empty in the HTML and filled by a template in its scripts"
    assert coverage_flag(column(render_needed=reason), 0) == f"not rendered: {reason}"
    assert coverage_flag(column(failed=2), 0) == "2 list page(s) failed"


def test_the_spider_tally_keeps_the_largest_announcement_and_clears_a_rendered_shell():
    tally = Coverage()
    tally.page("c", records=20)
    tally.page("c", records=107)
    tally.unrendered("c", "needs a browser")
    tally.page("c", rendered=True, subs=["s1", "s2"])
    (record,) = tally.records()
    assert (record.pages, record.rendered, record.announced) == (3, 1, 107)
    assert record.render_needed is None and record.subcolumns == 2


def test_the_archive_counts_listed_and_archived_items_per_run(tmp_path):
    writer = ArchiveWriter(tmp_path / "a.db")
    writer.db["sites"].insert(
        {
            "id": "s",
            "name": "s",
            "adcode": "411322",
            "start_urls": "[]",
            "allowed_domains": "[]",
            "first_seen": "x",
            "updated_at": "x",
        }
    )
    run = writer.start_run("s", "manual", "test")
    page = FetchRecord(
        "s", "http://h/zwgk/index.html", "http://h/zwgk/index.html", "list", 200, body=b"x"
    )
    listed = ("http://h/a/1.html", "http://h/b/2.html", "http://h/c/3.html")
    writer.record_page(run, page, column=ColumnRef(url=page.url, name="政务公开"), listed=listed)
    writer.record_coverage(run, "s", [column(announced=5)])
    row = writer.db.execute(
        "SELECT listed, archived, announced, flag FROM column_coverage"
    ).fetchone()
    assert row[:3] == (3, 0, 5) and row[3].startswith("announces 5 items, its lists carried 3")
    writer.close()
