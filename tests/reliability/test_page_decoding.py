"""Cases 10 and 11: pages the parser found hard.

10: `zwgk extract` of a saved GB18030 page with no charset anywhere reads it as the crawler
    read it when it was served (crawler/extract/decoding.py: one decoder for both).
11: pages nested 300 and 3,000 elements deep (the parser stops at 255): their text is extracted
    (crawler/extract/nesting.py), the same text as the page without the nesting."""

from __future__ import annotations

import json
import sqlite3

from conftest import hostile_seed
from crawl_helpers import crawl, zwgk
from fixture_portals.base import paragraphs_for
from hostile_portal import DEEP_DOCS, GB_DOC, gb_page, nested_page

from archive import read
from crawler.extract.decoding import decode_html
from crawler.extract.extractor import Extractor


def test_extract_reads_a_page_without_charset_as_the_crawler_did(tmp_path, hostile):
    seeds = hostile_seed(tmp_path / "seeds", hostile.url, "/gb/index.html")
    db = tmp_path / "archive.db"
    crawl(seeds, db, "hostile")
    url = hostile.url + GB_DOC.path
    with read.open_archive(db) as arc:
        crawled = arc.history(url)
    assert len(crawled) == 1 and crawled[0].title == GB_DOC.title
    fetched = sqlite3.connect(db).execute("SELECT encoding FROM fetches WHERE url = ?", [url])
    assert fetched.fetchone()[0] == "gb18030"

    saved = tmp_path / "page.html"
    saved.write_bytes(gb_page())  # the bytes as served: no charset in a header or the page
    done = zwgk("extract", str(saved), "--url", url, "--json")
    assert done.returncode == 0, done.stderr
    offline = json.loads(done.stdout)
    assert offline["title"] == GB_DOC.title
    assert offline["text"] == crawled[0].text
    assert paragraphs_for(GB_DOC.path, 1)[0][:20] in offline["text"]
    assert decode_html(gb_page())[1] == "gb18030"


def test_deeply_nested_pages_give_their_text(tmp_path, hostile):
    seeds = hostile_seed(tmp_path / "seeds", hostile.url, "/deep/index.html")
    db = tmp_path / "archive.db"
    crawl(seeds, db, "hostile")
    extractor = Extractor()
    with read.open_archive(db) as arc:
        for depth, doc in DEEP_DOCS.items():
            versions = arc.history(hostile.url + doc.path)
            assert len(versions) == 1, f"{depth} levels deep: not archived"
            flat = extractor.extract(nested_page(doc, 10), hostile.url + doc.path)
            assert versions[0].title == doc.title
            assert versions[0].text == flat.text, f"{depth} levels deep: text differs"
            for paragraph in paragraphs_for(doc.path, 4):
                assert paragraph[:30] in versions[0].text


def test_a_page_deeper_than_the_huge_parser_limit_still_gives_its_text():
    doc = DEEP_DOCS[3000]
    extractor = Extractor()
    deep = extractor.extract(nested_page(doc, 20000), "http://127.0.0.1/x.html")
    assert deep.text == extractor.extract(nested_page(doc, 10), "http://127.0.0.1/x.html").text
