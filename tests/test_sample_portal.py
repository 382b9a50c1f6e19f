"""The sample portal, over real HTTP: documents, lists, revisions, validators, robots.txt."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import urllib.robotparser
from html import escape
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from crawler.sample_portal import SECTION_PATH, expected_documents, start_server
from crawler.sample_portal.site import BOILERPLATE_RES

VISITS_RE = re.compile(r"访问量：(\d+)")


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def page(url: str) -> tuple[str, lxml.html.HtmlElement]:
    status, headers, body = fetch(url)
    assert status == 200, url
    text = body.decode(headers.get_content_charset())
    return text, lxml.html.fromstring(text)


def walk_list(base: str, start: str) -> tuple[list[str], list[str]]:
    """Follow 下一页 from a list page; returns (list pages visited, document paths in order)."""
    url, pages, docs = base + start, [], []
    while url:
        _, tree = page(url)
        pages.append(urlsplit(url).path)
        docs += [
            urlsplit(urljoin(url, a.get("href"))).path
            for a in tree.xpath("//div[@class='list']//li/a")
        ]
        nxt = tree.xpath("//div[@class='page']/a[text()='下一页']/@href")
        url = urljoin(url, nxt[0]) if nxt else ""
    return pages, docs


def body_paragraphs(tree: lxml.html.HtmlElement) -> list[str]:
    (zoom,) = tree.xpath("//*[@id='zoom']")
    if zoom.tag == "td":  # old layout: <br>-separated lines in one cell
        return [line.strip("　 \n") for line in zoom.text_content().split("\n") if line.strip()]
    return [p.text_content() for p in zoom.xpath(".//p")]


# ---------------------------------------------------------------- the documents themselves


def test_seed_texts_lose_their_boilerplate_and_001_splits_in_three():
    docs = expected_documents(1)
    assert len(docs) == 8
    for doc in docs:
        assert doc.paragraphs and doc.title not in doc.paragraphs
        for paragraph in doc.paragraphs:
            assert paragraph == paragraph.strip()
            assert not any(rx.search(paragraph) for rx in BOILERPLATE_RES), paragraph
    reports = [d for d in docs if d.seed_text.startswith("001_")]
    assert len(reports) == 3 and len({d.paragraphs for d in reports}) == 3
    assert len({d.publish_date for d in reports}) == 3
    (trad,) = [d for d in docs if d.traditional]
    assert trad.publish_date == "2023-12-06" and "製定" in "".join(trad.paragraphs)
    (gbk,) = [d for d in docs if d.encoding == "gbk"]
    (twin,) = [d for d in docs if d.path == gbk.twin_of]
    assert (twin.paragraphs, twin.title, twin.encoding) == (gbk.paragraphs, gbk.title, "utf-8")


@pytest.mark.parametrize("expected", expected_documents(1), ids=lambda d: d.path.rsplit("/", 1)[-1])
def test_every_document_is_served_with_its_title_and_paragraphs(portal_server, expected):
    status, headers, body = fetch(portal_server.url + expected.path)
    assert status == 200
    assert headers.get_content_charset().lower() == expected.encoding
    text = body.decode(expected.encoding)
    assert f'<meta charset="{expected.encoding}">' in text
    tree = lxml.html.fromstring(text)
    assert [h.text_content() for h in tree.xpath("//h1")] == [expected.title]
    assert body_paragraphs(tree) == list(expected.paragraphs)
    for paragraph in expected.paragraphs:
        assert escape(paragraph) in text
    for chrome in ("索引号", "文号", "【打印本页】", "扫一扫在手机打开当前页", "上一篇", "下一篇",
                   "网站标识码", "豫ICP备", "公网安备", "技术支持", "访问量："):  # fmt: skip
        assert chrome in tree.text_content(), chrome
    assert expected.publish_date in text


# ---------------------------------------------------------------- lists and pagination


@pytest.mark.parametrize("revision", [1, 2, 3])
def test_lists_link_every_document_once_per_revision(make_portal_server, revision):
    server = make_portal_server(revision=revision)
    expected = [d.path for d in expected_documents(revision) if d.listed]
    pages, listed = walk_list(server.url, SECTION_PATH + "index.html")
    assert listed == expected  # newest first, each exactly once
    assert pages == ["/zwgk/index.html", "/zwgk/index_1.html", "/zwgk/index_2.html"]
    text, tree = page(server.url + pages[-1])
    assert 'createPageHTML(3, 2, "index", "html")' in text
    assert not tree.xpath("//div[@class='page']/a[text()='下一页']")
    _, home = page(server.url + "/zwgk/index.html")
    assert home.xpath("//div[@class='page']/a[text()='尾页']/@href") == ["index_2.html"]
    column_links = home.xpath("//div[@class='side']//a/@href")
    in_columns = []
    for href in column_links:
        in_columns += walk_list(server.url, urljoin("/zwgk/index.html", href))[1]
    assert sorted(in_columns) == sorted(expected)


def test_list_items_are_trs_style(portal_server):
    text, _ = page(portal_server.url + "/zwgk/fzzf/index.html")
    assert re.search(
        r'<li><a href="\./202402/t20240227_1001\.html" title="2023年法治政府工作报告"[^>]*>'
        r"2023年法治政府工作报告</a><span>2024-02-27</span></li>",
        text,
    )
    status, headers, _ = fetch(portal_server.url + "/zwgk/zfxxgk/index.html")
    assert status == 200 and headers.get_content_charset() == "gbk"


# ---------------------------------------------------------------- revisions


def test_revision_2_edits_adds_and_deletes_and_revision_3_restores(make_portal_server):
    server = make_portal_server(revision=1)
    rev1 = {d.path: d for d in expected_documents(1)}
    rev2 = {d.path: d for d in expected_documents(2)}
    (added,) = rev2.keys() - rev1.keys()
    (deleted,) = rev1.keys() - rev2.keys()
    (changed,) = [p for p in rev1.keys() & rev2.keys() if rev1[p].paragraphs != rev2[p].paragraphs]
    assert fetch(server.url + added)[0] == 404
    old_etag = fetch(server.url + changed)[1]["ETag"]

    server.set_revision(2)
    _, tree = page(server.url + changed)
    assert body_paragraphs(tree) == list(rev2[changed].paragraphs)
    new_paragraphs = set(rev2[changed].paragraphs) - set(rev1[changed].paragraphs)
    assert len(new_paragraphs) == 1
    status, headers, _ = fetch(server.url + changed, {"If-None-Match": old_etag})
    assert status == 200 and headers["ETag"] != old_etag
    _, tree = page(server.url + added)
    assert tree.xpath("//h1")[0].text_content() == rev2[added].title
    _, first_page = page(server.url + "/zwgk/index.html")
    first = first_page.xpath("//div[@class='list']//li/a/@href")[0]
    assert urljoin("/zwgk/index.html", first) == added
    status, _, body = fetch(server.url + deleted)
    assert status == 404 and "页面不存在" in body.decode("utf-8")

    server.set_revision(3)
    assert {d.path for d in expected_documents(3)} == rev1.keys() | {added}
    _, tree = page(server.url + deleted)
    assert body_paragraphs(tree) == list(rev1[deleted].paragraphs)


# ---------------------------------------------------------------- HTTP behaviour


def test_visitor_counter_changes_and_nothing_else(portal_server):
    url = portal_server.url + expected_documents(1)[0].path
    first, second = fetch(url)[2].decode(), fetch(url)[2].decode()
    assert VISITS_RE.search(first)[1] != VISITS_RE.search(second)[1]
    assert VISITS_RE.sub("", first) == VISITS_RE.sub("", second)


def test_conditional_requests_and_head(portal_server):
    url = portal_server.url + expected_documents(1)[0].path
    status, headers, body = fetch(url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag and modified
    status, headers304, body304 = fetch(url, {"If-None-Match": etag})
    assert (status, body304, headers304["ETag"]) == (304, b"", etag)
    assert fetch(url, {"If-Modified-Since": modified})[0] == 304
    assert fetch(url, {"If-None-Match": '"stale"', "If-Modified-Since": modified})[0] == 200
    assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
    status, head_headers, head_body = fetch(url, method="HEAD")
    assert (status, head_body) == (200, b"")
    assert int(head_headers["Content-Length"]) == pytest.approx(len(body), abs=3)  # counter digits


def test_robots_txt_disallows_admin_only(portal_server):
    status, headers, body = fetch(portal_server.url + "/robots.txt")
    assert status == 200 and headers.get_content_type() == "text/plain"
    assert body.decode() == "User-agent: *\nDisallow: /admin/\nAllow: /\n"
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(body.decode().splitlines())
    assert robots.can_fetch("zwgk", portal_server.url + "/zwgk/index.html")
    assert not robots.can_fetch("zwgk", portal_server.url + "/admin/secret.html")


def test_home_page_links_outside_the_section(portal_server):
    _, tree = page(portal_server.url + "/")
    links = set(tree.xpath("//a/@href"))
    assert {"/zwgk/index.html", "/xwzx/", "https://www.gov.cn/", "/admin/secret.html"} <= links
    _, news = page(portal_server.url + "/xwzx/")
    (article,) = news.xpath("//div[@class='list']//li/a/@href")
    assert fetch(urljoin(portal_server.url + "/xwzx/", article))[0] == 200
    assert fetch(portal_server.url + "/admin/secret.html")[0] == 200


def test_unknown_paths_get_a_chinese_404(portal_server):
    for path in (
        "/no/such/page.html",
        "/zwgk/index_9.html",
        "/zwgk/gzbg/202401/t20240101_9999.html",
    ):
        status, headers, body = fetch(portal_server.url + path)
        assert status == 404 and "抱歉，您访问的页面不存在" in body.decode(
            headers.get_content_charset()
        )


def test_request_log_records_requests_but_not_admin_calls(make_portal_server):
    server = make_portal_server()
    fetch(server.url + "/robots.txt", {"User-Agent": "zwgk-test"})
    fetch(server.url + "/missing.html")
    log = server.request_log()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", "/robots.txt", 200),
        ("GET", "/missing.html", 404),
    ]
    assert log[0]["headers"]["User-Agent"] == "zwgk-test"
    server.clear_log()
    assert server.request_log() == []


def test_in_process_server_switches_revision_and_shuts_down():
    server, base = start_server(revision=1)
    try:
        assert base.startswith("http://127.0.0.1:")
        deleted = (
            {d.path for d in expected_documents(1)} - {d.path for d in expected_documents(2)}
        ).pop()
        assert fetch(base + deleted)[0] == 200
        server.set_revision(2)
        assert fetch(base + deleted)[0] == 404
        assert [e["status"] for e in server.request_log] == [200, 404]
    finally:
        server.shutdown()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base + "/", timeout=5)
    with pytest.raises(ValueError):
        start_server(host="0.0.0.0")


# ---------------------------------------------------------------- the synthetic portal


def test_synthetic_portal_lists_every_document(make_portal_server):
    server = make_portal_server(portal="synthetic", docs=2500)
    expected = expected_documents(portal="synthetic", n_docs=2500)
    pages, listed = walk_list(server.url, SECTION_PATH + "index.html")
    assert len(pages) == 125 and pages[-1] == "/zwgk/index_124.html"
    assert len(set(listed)) == len(listed) == 2500
    assert listed == [d.path for d in expected]
    assert len({d.paragraphs for d in expected}) == 2500
    samples = [expected[0], expected[1234], expected[-1]]
    samples += [
        next(d for d in expected if d.encoding == "gbk"),
        next(d for d in expected if d.traditional),
    ]
    for doc in samples:
        _, tree = page(server.url + doc.path)
        assert tree.xpath("//h1")[0].text_content() == doc.title
        assert body_paragraphs(tree) == list(doc.paragraphs)


def test_revision_2_unlists_one_document_and_soft_deletes_another(make_portal_server):
    server = make_portal_server(revision=2)
    docs = expected_documents(2)
    (unlisted,) = [d for d in docs if not d.listed]
    (soft,) = [d for d in docs if d.soft_deleted]
    _, listed = walk_list(server.url, SECTION_PATH + "index.html")
    assert unlisted.path not in listed and soft.path in listed
    _, tree = page(server.url + unlisted.path)
    assert tree.xpath("//h1")[0].text_content() == unlisted.title  # still served
    status, _, body = fetch(server.url + soft.path)
    assert status == 200 and "已被删除" in body.decode("utf-8")
