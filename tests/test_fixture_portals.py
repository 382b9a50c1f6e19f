"""The fixture portals, served by real subprocesses: every document is reachable by the family's
own mechanism, pagination is real, outside pages exist, and every fault behaves as announced."""

from __future__ import annotations

import io
import json
import re
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pytest
from fixture_portals import PORTALS, attachments, faults, hanweb
from fixture_portals.server import FixtureServer

FAMILIES = ("trs", "hanweb", "ucap", "jiyue", "sitemap")
MAX_FETCHES = 1500


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, FixtureServer]]:
    started: dict[str, FixtureServer] = {}
    yield started
    for server in started.values():
        server.stop()


def serve(servers: dict[str, FixtureServer], name: str) -> FixtureServer:
    if name not in servers:
        servers[name] = FixtureServer(name)
    return servers[name]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


@dataclass
class Fetched:
    status: int
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        match = re.search(r"charset=([\w-]+)", self.headers.get("Content-Type", ""))
        return self.body.decode(match[1] if match else "utf-8", errors="replace")


def fetch(
    url: str, data: bytes | None = None, method: str | None = None, timeout: float = 10
) -> Fetched:
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return Fetched(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, dict(error.headers), error.read())


# --- a tiny family-aware walker ------------------------------------------------------------------


@dataclass
class Walk:
    statuses: dict[str, int] = field(default_factory=dict)  # path -> status of every GET
    pager_pages: set[str] = field(default_factory=set)  # list pages found by evaluating a pager
    proxy_windows: list[tuple[str, int, int]] = field(default_factory=list)  # hanweb calls


def script_pager_pages(tree: lxml.html.HtmlElement, url: str) -> list[str]:
    """Pages named by live pager scripts (comments are not scripts, so their calls are ignored)."""
    found = []
    for script in tree.iter("script"):
        text = script.text or ""
        for call in re.findall(r"createPageHTML\(([^)]*)\)", text):
            args = [a.strip().strip("'\"") for a in call.split(",")]
            if (
                len(args) == 6 and not args[0].isdigit()
            ):  # ('page_div', pages, n, stem, ext, records)
                found += [f"{args[3]}_{n}.{args[4]}" for n in range(2, int(args[1]) + 1)]
            elif len(args) == 4 and args[0].isdigit():  # (pages, current, stem, ext)
                found += [f"{args[2]}_{n}.{args[3]}" for n in range(1, int(args[0]))]
        if match := re.search(r"var countPage = (\d+)", text):
            found += [f"index_{n}.html" for n in range(1, int(match[1]))]
    return [urllib.parse.urljoin(url, page) for page in found]


def hanweb_records(text: str) -> list[str]:
    return re.findall(r'<record><!\[CDATA\[<li><a href="([^"]+)"', text)


def walk(base: str, portal_name: str, use_sitemap: bool = True) -> Walk:
    portal = PORTALS[portal_name]()
    result = Walk()
    queue = [base + p for p in portal.start_paths]
    if portal_name == "sitemap" and use_sitemap:
        robots = fetch(base + "/robots.txt").text()
        sitemaps = re.findall(r"(?im)^sitemap:\s*(\S+)", robots)
        while sitemaps:
            xml = fetch(sitemaps.pop()).body
            children = re.findall(rb"<sitemap><loc>([^<]+)</loc>", xml)
            sitemaps += [c.decode() for c in children]
            queue += [u.decode() for u in re.findall(rb"<url><loc>([^<]+)</loc>", xml)]
    section_columns = set(hanweb.SECTION_COLUMN_IDS)
    seen: set[str] = set()
    while queue and len(seen) < MAX_FETCHES:
        url = urllib.parse.urldefrag(queue.pop(0))[0]
        path = urllib.parse.urlsplit(url).path
        if url in seen or not url.startswith(base) or not portal.in_section(path):
            continue
        column = re.search(r"/(?:col/col|art_)(\d+)", path) if portal_name == "hanweb" else None
        if column and column[1] not in section_columns:
            continue
        seen.add(url)
        page = fetch(url)
        result.statuses[path] = page.status
        if page.status != 200 or "html" not in page.headers.get("Content-Type", ""):
            continue
        text = page.text()
        tree = lxml.html.fromstring(text)
        links = [urllib.parse.urljoin(url, a.get("href")) for a in tree.iter("a") if a.get("href")]
        pager = script_pager_pages(tree, url)
        result.pager_pages.update(urllib.parse.urlsplit(p).path for p in pager)
        queue += links + pager
        if portal_name == "hanweb" and 'type="text/xml"' in text:
            queue += [urllib.parse.urljoin(url, h) for h in hanweb_records(text)]
            queue += hanweb_proxy(base, text, result)
    return result


def hanweb_proxy(base: str, column_page: str, result: Walk) -> list[str]:
    """Call dataproxy.jsp as jpage does, 45 records (three pages of 15) per request."""
    params = dict(
        re.findall(
            r"\b(col|appid|webid|columnid|unitid|sourceContentType|permissiontype)\s*:\s*'?(\w+)",
            column_page,
        )
    )
    total = int(re.search(r"totalRecord:\s*(\d+)", column_page)[1])
    per_page = int(re.search(r"perPage:\s*(\d+)", column_page)[1])
    form = urllib.parse.urlencode(
        {**params, "path": "/", "webname": "浙江省发展和改革委员会"}
    ).encode()
    found = []
    for start in range(per_page + 1, total + 1, 45):
        end = min(start + 44, total)
        query = f"startrecord={start}&endrecord={end}&perpage={per_page}"
        reply = fetch(f"{base}{hanweb.PROXY}?{query}", data=form)
        result.proxy_windows.append((params["columnid"], start, end))
        found += [base + href for href in hanweb_records(reply.text())]
    return found


# --- every family ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FAMILIES)
def test_every_document_is_reachable_and_served(
    servers: dict[str, FixtureServer], name: str
) -> None:
    server = serve(servers, name)
    portal = PORTALS[name]()
    reached = walk(server.url, name)
    missing = [d.path for d in portal.documents if reached.statuses.get(d.path) != 200]
    assert not missing, f"{name}: {len(missing)} documents not reached, e.g. {missing[:3]}"
    assert len({d.path for d in portal.documents}) == len(portal.documents)
    assert all(portal.in_section(d.path) for d in portal.documents)


@pytest.mark.parametrize("name", FAMILIES)
def test_pagination_has_three_pages(servers: dict[str, FixtureServer], name: str) -> None:
    server = serve(servers, name)
    if name == "hanweb":
        reply = fetch(
            f"{server.url}{hanweb.PROXY}?startrecord=1&endrecord=15&perpage=15",
            data=b"columnid=1599528",
        )
        assert int(re.search(r"<totalpage>(\d+)</totalpage>", reply.text())[1]) >= 3
        return
    reached = walk(server.url, name)
    if name == "sitemap":  # plain 下一页 links
        pages = [
            p for p in reached.statuses if re.search(r"/index(_\d+)?\.html$", p) and "tzgg" in p
        ]
    else:
        pages = list(reached.pager_pages)
    by_column: dict[str, set[str]] = {}
    for page in pages:
        by_column.setdefault(page.rsplit("/", 1)[0], set()).add(page)
    assert max(len(p) + (name != "sitemap") for p in by_column.values()) >= 3, by_column
    assert all(reached.statuses.get(p) == 200 for p in reached.pager_pages), (
        "a pager named a missing page"
    )


@pytest.mark.parametrize("name", FAMILIES)
def test_outside_pages_exist_and_lie_outside_the_section(
    servers: dict[str, FixtureServer], name: str
) -> None:
    server = serve(servers, name)
    portal = PORTALS[name]()
    assert portal.outside_paths
    for path in portal.outside_paths:
        assert fetch(server.url + path).status == 200, path
        if name == "hanweb":
            assert hanweb.NEWS.column_id in path or not portal.in_section(path)
        else:
            assert not portal.in_section(path), path
    assert not set(portal.outside_paths) & {d.path for d in portal.documents}


@pytest.mark.parametrize("name", FAMILIES)
def test_pages_keep_an_off_site_link_and_no_link_to_their_own_real_host(
    servers: dict[str, FixtureServer], name: str
) -> None:
    server = serve(servers, name)
    portal = PORTALS[name]()
    text = fetch(server.url + portal.start_paths[0]).text()
    assert re.search(r'href="https?://(?!127\.0\.0\.1)[^"]+"', text), "no off-site trap link"
    for host in (
        "ordos.gov.cn",
        "pingtan.gov.cn/",
        "fgw.zj.gov.cn",
        "wanzai.gov.cn",
        "jyt.gansu.gov.cn",
    ):
        assert f"//www.{host}" not in text and f"//{host}" not in text


def test_sitemap_holds_documents_no_list_links(servers: dict[str, FixtureServer]) -> None:
    server = serve(servers, "sitemap")
    portal = PORTALS["sitemap"]()
    without = walk(server.url, "sitemap", use_sitemap=False)
    only_in_sitemap = [d.path for d in portal.documents if d.path not in without.statuses]
    assert len(only_in_sitemap) >= 3
    index = fetch(server.url + "/sitemap.xml").text()
    assert index.count("<sitemap>") == 2 and "<sitemapindex" in index


# --- family specifics ---------------------------------------------------------------------------


def test_trs_lists_are_gbk_and_carry_three_pager_kinds(servers: dict[str, FixtureServer]) -> None:
    server = serve(servers, "trs")
    page = fetch(server.url + "/xxgk/xxgknb/index_1.html")
    assert page.headers["Content-Type"] == "text/html; charset=GBK"
    assert b"charset=gbk" in page.body and "信息公开年报".encode("gbk") in page.body
    assert "var countPage = 3//" in page.text() and '<a href="index_2.html">3</a>' in page.text()
    assert (
        'createPageHTML(3, 1, "index", "html")'
        in fetch(server.url + "/xxgk/rsxx/index_1.html").text()
    )
    raw = fetch(server.url + "/xxgk/cwgk/index.html").text()
    assert "var countPage = 3//" in raw and 'href="index_1.html"' not in raw  # script only
    static = fetch(server.url + "/xxgk/ghxx/gzjzqk/index.html").text()
    assert '.htm"' in static and '.shtml"' in static and 'href="../../zfxxgk/' in static


def test_hanweb_records_past_the_first_page_come_only_from_the_proxy(
    servers: dict[str, FixtureServer],
) -> None:
    server = serve(servers, "hanweb")
    column = hanweb.COLUMNS[0]
    docs = [d for d in PORTALS["hanweb"]().documents if d.column == column.name]
    page = fetch(server.url + hanweb.col_path(column.column_id)).text()
    inline = hanweb_records(page)
    assert inline == [d.path for d in docs[:15]]
    assert (
        docs[15].path not in page
        and "dataproxy.jsp" in page
        and f"totalRecord: {len(docs)}" in page
    )
    form = (
        f"col=1&appid=1&webid=3185&path=/&columnid={column.column_id}&sourceContentType=1"
        f"&unitid={column.unit_id}&webname=x&permissiontype=0"
    ).encode()
    window = fetch(f"{server.url}{hanweb.PROXY}?startrecord=16&endrecord=30&perpage=15", data=form)
    assert window.status == 200 and window.headers["Content-Type"].startswith("text/xml")
    assert hanweb_records(window.text()) == [d.path for d in docs[15:30]]
    assert f"<totalrecord>{len(docs)}</totalrecord><totalpage>3</totalpage>" in window.text()
    tail = fetch(
        f"{server.url}{hanweb.PROXY}?startrecord=31&endrecord=75&perpage=15&" + form.decode()
    )
    assert hanweb_records(tail.text()) == [d.path for d in docs[30:]]  # GET with query works too
    assert (
        hanweb_records(
            fetch(f"{server.url}{hanweb.PROXY}?startrecord=1&endrecord=45&perpage=15").text()
        )
        == []
    )


def test_jiyue_keeps_the_commented_pager_trap(servers: dict[str, FixtureServer]) -> None:
    server = serve(servers, "jiyue")
    text = fetch(server.url + "/jyt/c110311/zwgklist.shtml").text()
    assert "createPageHTML('page_div',10, 1,'zwgklist','shtml',200);</script>-->" in text
    assert "createPageHTML('page_div',3, 1,'zwgklist','shtml',45)" in text
    assert '<meta name="code" content="c110311">' in text and "政府信息<br>公开年报" in text
    assert fetch(server.url + "/jyt/c110311/zwgklist_4.shtml").status == 404
    assert fetch(server.url + "/jyt/c110634/202511/174240943.shtml").status == 404  # commented item


# --- attachments ----------------------------------------------------------------------------------


def test_attachments_are_valid_files(servers: dict[str, FixtureServer]) -> None:
    pdf = attachments.build_pdf()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    offset = int(re.search(rb"startxref\n(\d+)\n", pdf)[1])
    assert pdf[offset:].startswith(b"xref\n0 6\n")
    for number, entry in enumerate(re.findall(rb"(\d{10}) 00000 n ", pdf), start=1):
        assert pdf[int(entry) :].startswith(b"%d 0 obj" % number)
    with zipfile.ZipFile(io.BytesIO(attachments.build_docx())) as docx:
        document = docx.read("word/document.xml").decode()
        assert (
            all(t in document for t in attachments.EXPECTED_TEXT["docx"]) and "<w:tbl>" in document
        )
    with zipfile.ZipFile(io.BytesIO(attachments.build_xlsx())) as xlsx:
        strings = xlsx.read("xl/sharedStrings.xml").decode()
        assert all(t in strings for t in attachments.EXPECTED_TEXT["xlsx"])
    server = serve(servers, "trs")
    portal = PORTALS["trs"]()
    attached = [d for d in portal.documents if d.attachments]
    assert len(attached) == 2 and {
        p.rsplit(".", 1)[1] for d in attached for p in d.attachments
    } == {"pdf", "docx", "xlsx"}
    for doc in attached:
        page = fetch(server.url + doc.path).text()
        for path in doc.attachments:
            assert f'href="./{path.rsplit("/", 1)[1]}"' in page
            served = fetch(server.url + path)
            kind = path.rsplit(".", 1)[1]
            assert served.body == attachments.BUILDERS[kind]()
            assert served.headers["Content-Type"] == attachments.CONTENT_TYPES[kind]


def test_attachments_open_in_office_libraries() -> None:
    openpyxl = pytest.importorskip("openpyxl")
    docx = pytest.importorskip("docx")
    sheet = openpyxl.load_workbook(io.BytesIO(attachments.build_xlsx())).active
    assert sheet["A2"].value == "县教育局" and sheet["C2"].value == 12
    document = docx.Document(io.BytesIO(attachments.build_docx()))
    assert document.paragraphs[0].text == attachments.DOCX_PARAGRAPHS[0]
    assert document.tables[0].cell(1, 1).text == "860.30"


# --- the fault portal -------------------------------------------------------------------------------


def test_fault_portal_good_documents_and_bad_urls(servers: dict[str, FixtureServer]) -> None:
    server = serve(servers, "faults")
    url = server.url
    portal = PORTALS["faults"]()
    flaky = faults.FLAKY.path
    assert [fetch(url + flaky).status, fetch(url + flaky).status] == [503, 200]
    for doc in portal.documents:
        page = fetch(url + doc.path)
        assert page.status == 200
        if doc is faults.WRONG_CHARSET or doc.path == faults.WRONG_CHARSET.path:
            assert page.headers["Content-Type"] == "text/html; charset=UTF-8"
            assert b'<meta charset="gbk">' in page.body and doc.title in page.body.decode("gbk")
        else:
            assert doc.title in page.text()
    assert fetch(url + faults.SESSION_PATH).status == 200
    assert (
        fetch(url + faults.ALWAYS_500.path).status == 500
        and fetch(url + faults.ALWAYS_500.path).status == 500
    )
    a, b = faults.LOOP
    assert fetch(url + a).headers["Location"] == b and fetch(url + b).headers["Location"] == a
    ruishu = fetch(url + faults.RUISHU.path)
    assert (
        ruishu.status == 412 and b"$_ts=window['$_ts']" in ruishu.body and b'r="m"' in ruishu.body
    )
    visible = re.sub(rb"<script.*?</script>|<[^>]+>", b"", ruishu.body, flags=re.S).strip()
    assert visible == b""
    jsl = fetch(url + faults.JIASULE.path)
    assert jsl.status == 521 and b"document.cookie" in jsl.body
    garbage = fetch(url + faults.GARBAGE.path)
    assert garbage.headers["Content-Type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        garbage.body.decode("utf-8")
    assert set(portal.bad.values()) >= {"HTTP 500", "timeout", "redirect", "challenge", "too large"}
    linked = fetch(url + "/zwgk/index.html").text() + fetch(url + "/zwgk/index_2.html").text()
    linked += fetch(url + "/zwgk/index_3.html").text() + fetch(url + faults.GOOD[2].path).text()
    assert all(path in linked for path in portal.bad)
    assert all(doc.path in linked for doc in portal.documents)


def test_fault_portal_traps(servers: dict[str, FixtureServer]) -> None:
    url = serve(servers, "faults").url
    for n in (4, 9):
        page = fetch(f"{url}/zwgk/index_{n}.html").text()
        assert "共3页" in page and f'href="index_{n + 1}.html">下一页' in page
        assert faults.GOOD[5].path in page  # repeats the last items
    assert (
        'href="/zwgk/calendar/?date=2024-03-02"'
        in fetch(f"{url}/zwgk/calendar/?date=2024-03-01").text()
    )
    sids = [re.search(r"\?sid=(\w+)", fetch(f"{url}/zwgk/index.html").text())[1] for _ in range(2)]
    assert sids[0] != sids[1]
    grown = fetch(f"{url}/zwgk/index.html?page=1&page=2").text()
    assert "?page=1&amp;page=2&amp;page=3" in grown
    assert "Disallow: /zwgk/search" in fetch(f"{url}/robots.txt").text()
    assert "page=2" in fetch(f"{url}/zwgk/search?q=x").text()


def test_big_pdf_streams_30_mb_without_being_held(servers: dict[str, FixtureServer]) -> None:
    server = serve(servers, "faults")
    pid = server.proc.pid

    def peak_rss_kb() -> int:
        status = Path(f"/proc/{pid}/status").read_text()
        return int(re.search(r"VmHWM:\s*(\d+)", status)[1])

    head = fetch(server.url + faults.BIG_PDF, method="HEAD")
    assert head.headers["Content-Length"] == str(30 * 1024 * 1024)
    assert head.headers["Content-Type"] == "application/pdf"
    before = peak_rss_kb()
    total, first = 0, b""
    with urllib.request.urlopen(server.url + faults.BIG_PDF, timeout=30) as response:
        while chunk := response.read(1 << 20):
            first = first or chunk
            total += len(chunk)
    assert total == 30 * 1024 * 1024 and first.startswith(b"%PDF-")
    assert peak_rss_kb() - before < 8 * 1024, "the server held the file in memory"


def test_slow_document_does_not_block_other_requests(servers: dict[str, FixtureServer]) -> None:
    server = serve(servers, "faults")
    host, port = server.url.removeprefix("http://").split(":")
    slow = socket.create_connection((host, int(port)), timeout=10)
    try:
        slow.sendall(f"GET {faults.SLOW.path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        done = threading.Event()
        answers: list[int] = []

        def other() -> None:
            answers.append(fetch(server.url + faults.GOOD[0].path, timeout=5).status)
            done.set()

        threading.Thread(target=other, daemon=True).start()
        assert done.wait(timeout=10) and answers == [200]
        slow.settimeout(0.5)
        with pytest.raises(TimeoutError):
            slow.recv(1)  # still nothing from the slow document
    finally:
        slow.close()
    log = server.request_log()
    assert any(entry["path"] == faults.SLOW.path for entry in log)
    assert json.dumps(log)  # the admin log is plain JSON
