"""Extraction fidelity end to end (issue 18): a real crawl of the fidelity portal archives every
document as published — the notice that quotes a 网站标识码, the guide that ends with its
contact lines, credits as metadata, titles with their 破折号 and spaces, the 图解 page with its
images stored once — and an archive made by the previous extractor gets the same fixes from
`zwgk reextract`, with nothing fetched."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import fidelity_pages as texts
import pytest
from crawl_helpers import zwgk
from fixture_portals import PORTALS
from fixture_portals.server import FixtureServer
from testdata import DATA

from archive import read

OLD_ARCHIVE = DATA / "archives" / "fidelity-zwgk-extract-2.db"
OLD_BASE = "http://127.0.0.1:38425"  # where the portal was served when the old archive was made
SEED = """
id = "fidelity"
name = "方城县人民政府（保真测试门户）"
adcode = "411322"
start_urls = ["{base}/xxgk/ghxx/tzgg/index.html"]
allowed_domains = ["127.0.0.1"]

[politeness]
download_delay = 0.0
concurrency = 4
max_pages = 100
max_depth = 2
"""
PORTAL_FOOTERS = ("3590000001", "闽ICP备09032658号", "bm06000004", "京ICP备05022684号")
CREDITS_103 = {"作者": "县农业农村局 王文静", "责任编辑": "李娜", "校对": "孙丽", "审核": "赵建国"}


def by_key(base: str) -> dict[str, str]:
    """Document URL by fidelity key (101 … 107)."""
    portal = PORTALS["fidelity"]()
    return {
        doc.key: base + fixture.path
        for doc, fixture in zip(texts.DOCS, portal.documents, strict=True)
    }


def crawl(folder: Path, base: str, *settings: str, full: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fidelity.toml").write_text(SEED.format(base=base), encoding="utf-8")
    db = folder / "archive.db"
    args = ["crawl", "--site", "fidelity", "--seeds", str(folder), "--db", str(db)]
    for setting in settings:
        args += ["--set", setting]
    done = zwgk(*args, *(["--full"] if full else []))
    assert done.returncode == 0, done.stderr[-3000:]
    return db


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    server = FixtureServer("fidelity")
    try:
        db = crawl(tmp_path_factory.mktemp("fidelity"), server.url)
        yield server, db, by_key(server.url)
    finally:
        server.stop()


def check_documents(arc: read.Archive, urls: dict[str, str]) -> None:
    """What a faithful archive of the fidelity documents holds (a crawl's or a re-extraction's)."""
    assert {d.url for d in arc.documents()} == set(urls.values())
    latest = {key: arc.history(url)[-1] for key, url in urls.items()}
    for doc in texts.DOCS:
        assert latest[doc.key].title == doc.title  # 破折号 and internal space as published
        for footer in PORTAL_FOOTERS:
            assert footer not in latest[doc.key].text
    notice = latest["101"].text.split("\n")
    for line in (
        "网站标识码：4113220012",
        "主办单位：方城县农业农村局",
        "ICP备案号：豫ICP备15004682号-1",
    ):
        assert line in notice  # in the middle of the notice, not footer
    assert notice[-2:] == ["方城县农业农村局", "2024年3月15日"] and "审核" not in latest["101"].text
    assert latest["101"].credits == {"审核": "赵建国"}
    assert latest["102"].text.split("\n")[-3:] == list(texts.text_lines("102")[-3:])  # contacts
    assert latest["103"].credits == CREDITS_103 and "审核" not in latest["103"].text
    assert latest["106"].text.split("\n") == [alt for _, alt in texts.IMAGES_106]
    assert latest["107"].text == "附件：" + texts.ATTACHMENT_107[1]


def test_every_document_is_archived_as_published(crawled):
    _, db, urls = crawled
    with read.open_archive(db) as arc:
        check_documents(arc, urls)
        assert (
            arc.history(urls["105"])[-1].title == "河南15部门联合出台实施意见 “多证合一”改革再升级"
        )
        # spaces are folded in the search key only: the title is found as people type it
        assert urls["105"] in arc.search("实施意见“多证合一”")
        assert arc.runs("fidelity")[0].documents_new == len(texts.DOCS)
    with sqlite3.connect(db) as conn:
        failed = conn.execute(
            """SELECT url, error FROM fetches WHERE kind IN ('document', 'attachment', 'error')
               AND (error IS NOT NULL OR status >= 400)"""
        ).fetchall()
    assert failed == []  # no "no body text extracted": the 图解 page is a document


def test_image_only_document_keeps_its_images_stored_once(crawled):
    server, db, urls = crawled
    folder = urls["106"].rsplit("/", 1)[0]
    with read.open_archive(db) as arc:
        version = arc.history(urls["106"])[-1]
        files = arc.attachments(urls["106"])
    assert [i["url"] for i in version.images] == [f"{folder}/{n}" for n, _ in texts.IMAGES_106]
    assert sorted((f.url, f.name) for f in files) == sorted(
        (f"{folder}/{n}", alt) for n, alt in texts.IMAGES_106
    )
    assert {f.kind for f in files} == {"image"} and {f.note for f in files} == {
        "PNG image, 800×1200 px"
    }
    assert len({f.sha256 for f in files}) == 3
    # a second full walk re-reads the page but does not fetch images it already holds
    server.clear_log()
    crawl(db.parent, server.url, full=True)
    fetched = [e["path"] for e in server.request_log() if e["path"].endswith(".png")]
    assert fetched == []
    with sqlite3.connect(db) as conn:
        images = conn.execute("SELECT count(*) FROM attachments WHERE kind = 'image'").fetchone()
    assert images == (3,)


def test_credits_are_shown_by_the_read_api_history_and_extract(crawled):
    _, db, urls = crawled
    shown = zwgk("history", urls["103"], "--db", str(db))
    assert shown.returncode == 0 and "审核：赵建国" in shown.stdout
    extracted = zwgk("extract", urls["103"], "--json", "--db", str(db))
    assert extracted.returncode == 0, extracted.stderr
    data = json.loads(extracted.stdout)
    assert data["credits"] == CREDITS_103 and "审核" not in data["text"]
    assert [
        i["name"]
        for i in json.loads(zwgk("extract", urls["106"], "--json", "--db", str(db)).stdout)[
            "images"
        ]
    ] == [alt for _, alt in texts.IMAGES_106]


def test_images_over_the_size_limit_are_refused_and_recorded(tmp_path):
    server = FixtureServer("fidelity")
    try:
        db = crawl(tmp_path, server.url, "ZWGK_IMAGE_MAXSIZE=1000")
        urls = by_key(server.url)
    finally:
        server.stop()
    with read.open_archive(db) as arc:
        assert arc.history(urls["106"])[-1].text  # still a document
        assert arc.attachments(urls["106"]) == []
    with sqlite3.connect(db) as conn:
        refused = conn.execute(
            "SELECT count(*) FROM fetches WHERE url LIKE '%.png' AND error LIKE 'too large%'"
        ).fetchone()
    assert refused == (3,)


def test_an_old_archive_gets_the_fixes_by_reextract_without_fetching(tmp_path):
    db = tmp_path / "archive.db"
    shutil.copyfile(OLD_ARCHIVE, db)
    urls = by_key(OLD_BASE)
    with read.open_archive(db) as arc:
        before = {d.url for d in arc.documents()}
        assert urls["106"] not in before and len(before) == len(texts.DOCS) - 1
        assert arc.history(urls["104"])[-1].title != texts.DOCS[3].title
        fetches = arc.stats()["fetches"]
    done = zwgk("reextract", "--db", str(db))
    assert done.returncode == 0, done.stderr
    with read.open_archive(db) as arc:
        check_documents(arc, urls)
        assert arc.stats()["fetches"] == fetches  # nothing fetched
        assert [v.change for v in arc.history(urls["106"])] == ["reextract"]
        for key in ("101", "102", "103", "104", "105"):
            assert [v.change for v in arc.history(urls[key])] == ["new", "reextract"], key
    again = zwgk("reextract", "--db", str(db))
    assert again.returncode == 0 and again.stdout.strip() == f"{len(texts.DOCS)} unchanged"
