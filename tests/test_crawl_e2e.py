"""End to end: a real portal server, real Scrapy crawls, a real SQLite archive."""

from __future__ import annotations

import re
import sqlite3

import pytest
from crawl_helpers import crawl, write_sample_seed

from archive import read
from crawler.sample_portal import expected_documents
from crawler.text.normalise import fold_whitespace

BOILERPLATE = (
    "备案号",
    "ICP备",
    "公网安备",
    "网站标识码",
    "扫一扫",
    "主办：",
    "承办：",
    "技术支持",
    "首页 >",
    "打印本页",
    "关闭窗口",
    "访问量",
    "上一篇",
    "下一篇",
)


def lines(text: str) -> list[str]:
    return fold_whitespace(text).split("\n")


@pytest.fixture(scope="module")
def first_crawl(tmp_path_factory, make_portal_server):
    server = make_portal_server(revision=1)
    tmp = tmp_path_factory.mktemp("e2e")
    seeds = write_sample_seed(tmp / "seeds", server.url)
    db = tmp / "archive.db"
    server.clear_log()
    crawl(seeds, db)
    return server, seeds, db


def docs_by_path(db, base_url):
    with read.open_archive(db) as arc:
        return {d.url[len(base_url) :]: d for d in arc.documents()}


def test_first_crawl_archives_exactly_the_portals_documents(first_crawl):
    server, _, db = first_crawl
    archived = docs_by_path(db, server.url)
    assert set(archived) == {d.path for d in expected_documents(1)}
    # nothing outside the section; robots.txt obeyed
    paths = [entry["path"] for entry in server.request_log()]
    assert not [p for p in paths if p.startswith(("/xwzx/", "/admin/"))]
    assert "/robots.txt" in paths


@pytest.mark.parametrize("expected", expected_documents(1), ids=lambda d: d.path.rsplit("/", 1)[-1])
def test_documents_have_clean_text_title_and_date(first_crawl, expected):
    server, _, db = first_crawl
    url = server.url + expected.path
    with read.open_archive(db) as arc:
        (version,) = arc.history(url)
    assert version.title == expected.title
    assert version.publish_date == expected.publish_date
    text_lines = lines(version.text)
    for paragraph in expected.paragraphs:
        assert fold_whitespace(paragraph) in text_lines, (
            f"paragraph not kept as its own line: {paragraph[:40]}"
        )
    for word in BOILERPLATE:
        assert word not in version.text, f"boilerplate {word!r} leaked"


def test_gbk_page_archives_the_same_text_as_its_utf8_twin_stored_once(first_crawl):
    server, _, db = first_crawl
    (gbk,) = [d for d in expected_documents(1) if d.encoding == "gbk"]
    assert gbk.twin_of
    with read.open_archive(db) as arc:
        a, b = arc.document(server.url + gbk.path), arc.document(server.url + gbk.twin_of)
        assert a.text_hash == b.text_hash
        assert arc.urls_of_text(a.text_hash) == sorted([a.url, b.url])
        count = arc.conn.execute(
            "SELECT count(*) FROM texts WHERE hash = ?", [a.text_hash]
        ).fetchone()[0]
        assert count == 1
        encodings = {
            r[0]
            for r in arc.conn.execute(
                "SELECT DISTINCT encoding FROM fetches WHERE url = ?", [a.url]
            )
        }
    assert encodings and all(re.match(r"gb", e or "") for e in encodings)


def test_traditional_page_is_simplified_for_search_and_kept_as_is(first_crawl):
    server, _, db = first_crawl
    (trad,) = [d for d in expected_documents(1) if d.traditional]
    with read.open_archive(db) as arc:
        (version,) = arc.history(server.url + trad.path)
    for word in ("全面", "制定", "体系"):
        assert word in version.text_norm
    for scar in ("麵", "製", "係"):
        assert scar not in version.text_norm
    assert "製定" in version.text


def test_every_fetch_keeps_headers_and_raw_body(first_crawl):
    _, _, db = first_crawl
    with read.open_archive(db) as arc:
        rows = arc.conn.execute(
            "SELECT id, status, headers, body_size FROM fetches WHERE status = 200"
        ).fetchall()
        assert rows
        for row in rows:
            assert "Content-Type" in row["headers"] or "content-type" in row["headers"].lower()
            assert len(arc.raw_body(row["id"])) == row["body_size"]
        (run,) = arc.runs()
        assert run.outcome == "finished" and run.documents_new == len(expected_documents(1))


def test_recrawl_and_revisions(tmp_path, make_portal_server):
    server = make_portal_server(revision=1)
    seeds = write_sample_seed(tmp_path / "seeds", server.url)
    db = tmp_path / "archive.db"
    crawl(seeds, db)

    def counts():
        conn = sqlite3.connect(db)
        try:
            return {
                t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("fetches", "versions", "documents")
            }
        finally:
            conn.close()

    first = counts()
    crawl(seeds, db)  # unchanged portal: more fetches, no versions
    second = counts()
    assert second["fetches"] > first["fetches"]
    assert second["versions"] == first["versions"] and second["documents"] == first["documents"]

    rev1 = {d.path: d for d in expected_documents(1)}
    rev2 = {d.path: d for d in expected_documents(2)}
    changed = [p for p in rev1.keys() & rev2.keys() if rev1[p].paragraphs != rev2[p].paragraphs]
    added, deleted = rev2.keys() - rev1.keys(), rev1.keys() - rev2.keys()
    assert (len(changed), len(added), len(deleted)) == (1, 1, 1)

    server.set_revision(2)
    crawl(seeds, db, "sample", "--full")  # revisit known documents: the nightly default would not
    third = counts()
    assert third["versions"] == second["versions"] + 2  # one changed page, one new document
    with read.open_archive(db) as arc:
        history = arc.history(server.url + changed[0])
        assert [v.version_no for v in history] == [1, 2]
        assert history[0].text != history[1].text
        (new_version,) = arc.history(server.url + added.pop())
        assert new_version.title == rev2[new_version_path(arc, new_version)].title
        gone = arc.history(server.url + deleted.pop())
        assert len(gone) == 1 and gone[0].text  # the deleted page keeps its history
        run = arc.runs()[0]
        assert (run.documents_new, run.documents_changed) == (1, 1)


def new_version_path(arc, version) -> str:
    url = arc.conn.execute(
        "SELECT url FROM documents WHERE id = ?", [version.document_id]
    ).fetchone()[0]
    return "/" + url.split("/", 3)[3]


def test_catalogue_columns_and_the_columns_that_listed_each_document(first_crawl):
    from crawler.sample_portal.site import COLUMNS

    server, _, db = first_crawl
    with read.open_archive(db) as arc:
        columns = {c.name: c for c in arc.columns()}
        for slug, name in COLUMNS.items():
            assert name in columns, f"column {name} not recorded"
            assert columns[name].url.startswith(f"{server.url}/zwgk/{slug}/")
            assert columns[name].parent_url == f"{server.url}/zwgk/index.html"
        for doc in expected_documents(1):
            slug = doc.path.split("/")[2]
            assert COLUMNS[slug] in arc.columns_of(server.url + doc.path)
