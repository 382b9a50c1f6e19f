"""Fault portal: a small plain 政务公开 list whose links lead into every trouble a crawl meets.

Good documents (to archive): six plain articles, plus one that answers 503 on its first request
and 200 after (retry), and one whose header says UTF-8 while the bytes and <meta> are GBK.
Bad URLs (`bad`, with the reason a crawler should record): always 500, a 30 s stall, a redirect
loop, a 瑞数 412 challenge, a 加速乐 521 challenge, binary garbage served as text/html, a 30 MB PDF.
Traps (`traps`, never to be followed without bound): an endless calendar, a search form disallowed
by robots.txt, session ids (;jsessionid=, ?sid=<random>), an ever-growing query string, and a
pager that keeps answering past its announced 共3页.
"""

from __future__ import annotations

import secrets
import threading
from datetime import date, timedelta

from . import attachments as files
from .base import (
    FixtureDocument,
    FixturePortal,
    Request,
    Response,
    bytes_response,
    esc,
    html_response,
    make_title,
    not_found,
    redirect,
)
from .sitemap import article_main, article_page, crumb, list_main, page, plain_pager

COLUMN = "通知公告"
ANNOUNCED_PAGES = 3
SLOW_SECONDS = 30.0
BIG_PDF = "/zwgk/files/big.pdf"


def _doc(n: int, day: str, title: str | None = None) -> FixtureDocument:
    path = f"/zwgk/{day[:7].replace('-', '')}/t{day.replace('-', '')}_{n}.html"
    return FixtureDocument(path, title or make_title("青山县", n, int(day[:4])), COLUMN, day)


GOOD = [_doc(1000 + i, (date(2024, 1, 5) + timedelta(days=7 * i)).isoformat()) for i in range(6)]
FLAKY = _doc(2002, "2024-02-02")  # 503 once, then 200
WRONG_CHARSET = _doc(2007, "2024-02-07", "青山县关于公布2024年第一批政务服务事项清单的通知")
ALWAYS_500 = _doc(2001, "2024-02-01")
SLOW = _doc(2003, "2024-02-03")
RUISHU = _doc(2004, "2024-02-04")
JIASULE = _doc(2005, "2024-02-05")
GARBAGE = _doc(2006, "2024-02-06")
LOOP = ("/zwgk/loop/a.html", "/zwgk/loop/b.html")
SESSION_PATH = GOOD[0].path + ";jsessionid=ABC123"

BAD = {
    ALWAYS_500.path: "HTTP 500",
    SLOW.path: "timeout",
    LOOP[0]: "redirect",  # the linked URL; LOOP[1] is met only as its redirect target
    RUISHU.path: "challenge",
    JIASULE.path: "challenge",
    GARBAGE.path: "binary",
    BIG_PDF: "too large",
}
TRAPS = {
    "/zwgk/calendar/": "endless calendar (?date= links the next day forever)",
    "/zwgk/search": "search results, disallowed by robots.txt, endless &page=",
    ";jsessionid=": "session id in the path (same document as without it)",
    "?sid=": "random session id on every visit",
    "?page=": "query string that grows by one &page= per link",
    "/zwgk/index_4.html": "pager past the announced 共3页 (index_4, index_5, … repeat page 3)",
    LOOP[1]: "redirect loop partner of /zwgk/loop/a.html, never linked directly",
}

RUISHU_BODY = (
    '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    '<meta id="9DhefwqGPrzGxEp9hPaoag" content="{token}" r="m">'
    "<script r='m'>$_ts=window['$_ts'];if(!$_ts)$_ts={{}};$_ts.nsd=48213;"
    '$_ts.cd="qWNqrfAlErLcDsZkDGlRHaEcqrLoDGARDqEscs3EqGqFrG9Cm1LWcqAMlAqFqrLrDpGcqrLoDGARDrlq";'
    '</script><script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/d.FxJzG50F.dfe1675.js" r=\'m\'></script>'
    "</head><body></body></html>"
)
JIASULE_BODY = (
    "<html><body><script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+"
    "('a')+('r')+('a')+('n')+('c')+('e')+('=')+(-~[]+'')+'716'+'5'+(1+[0]-(1))+'.'+(+!+[]+[])+"
    "'4|0|'+'ZHJ'+'%2F'+'kQ'+';max-age=3600;path=/';location.href=location.pathname+location.search"
    "</script></body></html>"
)


def _garbage() -> bytes:
    return bytes((i * 197 + 13) % 256 for i in range(6000))


def list_items(items: list[FixtureDocument]) -> list[tuple[str, str, str]]:
    return [(d.path, d.title, d.publish_date) for d in items]


LIST_PAGES = [
    GOOD[0:3] + [FLAKY, ALWAYS_500],
    GOOD[3:5] + [SLOW, RUISHU, JIASULE],
    GOOD[5:] + [GARBAGE, WRONG_CHARSET],
]


def list_page(n: int, query: str = "") -> Response:
    """List page n (1-based); n > 3 repeats page 3 while 下一页 keeps going."""
    items = list_items(LIST_PAGES[min(n, ANNOUNCED_PAGES) - 1])
    extra = ""
    if n == 1:
        grown = (query + "&" if query else "") + f"page={query.count('page=') + 1}"
        traps = [
            ("/zwgk/calendar/?date=2024-01-01", "政务日历", "2024-01-01"),
            ("/zwgk/search?q=%E6%94%BF%E7%AD%96", "站内搜索：政策", "2024-06-01"),
            (SESSION_PATH, GOOD[0].title, GOOD[0].publish_date),
            (f"/zwgk/index.html?sid={secrets.token_hex(8)}", "本栏目（会话）", "2024-06-01"),
            (f"/zwgk/index.html?{grown}", "本栏目（筛选）", "2024-06-01"),
            (LOOP[0], "县政府常务会议纪要", "2024-02-08"),
            (BIG_PDF, "2024年县级预算草案（全文PDF）", "2024-02-09"),
        ]
        items += traps
        extra = (
            '<form action="/zwgk/search" method="get"><input name="q"><button>搜索</button></form>'
        )
    pager = plain_pager(n, ANNOUNCED_PAGES, next_always=True)
    trail = crumb(("/zwgk/index.html", "政务公开"), ("", COLUMN))
    return html_response(page(COLUMN, trail, list_main(items, pager) + extra))


def calendar_page(day: str) -> Response:
    try:
        today = date.fromisoformat(day)
    except ValueError:
        return html_response(
            page("政务日历", crumb(("", "政务日历")), "<p>日期格式错误</p>"), status=400
        )
    nxt, prev = today + timedelta(days=1), today - timedelta(days=1)
    main = (
        f"<h2>{today.isoformat()} 政务日历</h2><p>当日无公开活动。</p>"
        f'<a href="/zwgk/calendar/?date={prev.isoformat()}">前一天</a> '
        f'<a href="/zwgk/calendar/?date={nxt.isoformat()}">后一天</a>'
    )
    return html_response(page("政务日历", crumb(("", "政务日历")), main))


def search_page(q: str, n: int) -> Response:
    results = list_main(list_items(GOOD))
    more = f'<a href="/zwgk/search?q={esc(q)}&amp;page={n + 1}">下一页</a>'
    return html_response(
        page(
            "搜索结果",
            crumb(("", "搜索结果")),
            f"<p>“{esc(q)}”的结果，第{n}页</p>" + results + more,
        )
    )


def build() -> FixturePortal:
    counts: dict[str, int] = {}
    lock = threading.Lock()
    good_pages = {d.path: d for d in (*GOOD, FLAKY)}
    # GOOD[2] links big.pdf from its body; the PDF is not one of its expected attachments
    big_attached = GOOD[2].path

    def visits(path: str) -> int:
        with lock:
            counts[path] = counts.get(path, 0) + 1
            return counts[path]

    def router(request: Request) -> Response | None:
        path, query = request.path, request.query
        if request.method not in ("GET", "HEAD"):
            return Response(405, (("Allow", "GET, HEAD"),))
        if path == "/robots.txt":
            return bytes_response(b"User-agent: *\nDisallow: /zwgk/search\n", "text/plain")
        if path in ("/zwgk/", "/zwgk/index.html"):
            raw = "&".join(f"{k}={v}" for k in query for v in query[k] if k == "page")
            return list_page(1, raw)
        if path.startswith("/zwgk/index_") and path.endswith(".html"):
            number = path.removeprefix("/zwgk/index_").removesuffix(".html")
            return list_page(int(number)) if number.isdigit() and int(number) >= 2 else not_found()
        if path == "/zwgk/calendar/":
            return calendar_page(query.get("date", ["2024-01-01"])[0])
        if path == "/zwgk/search":
            page_no = query.get("page", ["1"])[0]
            return search_page(query.get("q", [""])[0], int(page_no) if page_no.isdigit() else 1)
        if path.endswith(";jsessionid=ABC123"):
            path = path.split(";", 1)[0]
        if path == FLAKY.path and visits(path) == 1:
            return html_response(
                "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", status=503
            )
        if path in good_pages:
            doc = good_pages[path]
            text = article_page(doc, "/zwgk/index.html")
            if path == big_attached:
                link = f'<p>附件：<a href="{BIG_PDF}">2024年县级预算草案.pdf</a></p>'
                text = text.replace('<div class="info">', link + '<div class="info">', 1)
            return html_response(text)
        if path == WRONG_CHARSET.path:
            text = article_page(WRONG_CHARSET, "/zwgk/index.html", charset="gbk")
            body = text.encode("gbk", errors="xmlcharrefreplace")
            return Response(200, (("Content-Type", "text/html; charset=UTF-8"),), body)
        if path == ALWAYS_500.path:
            return html_response(
                "<html><body><h1>500 Internal Server Error</h1></body></html>", status=500
            )
        if path == SLOW.path:
            slow = html_response(page(SLOW.title, "", article_main(SLOW)))
            return Response(slow.status, slow.headers, slow.body, stall=SLOW_SECONDS)
        if path in LOOP:
            return redirect(LOOP[1] if path == LOOP[0] else LOOP[0])
        if path == RUISHU.path:
            body = RUISHU_BODY.format(token=secrets.token_hex(16)).encode()
            return Response(
                412,
                (
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Set-Cookie", f"FSSBBIl1UgzbN7N80S={secrets.token_hex(12)}; Path=/"),
                ),
                body,
            )
        if path == JIASULE.path:
            return Response(
                521,
                (
                    ("Content-Type", "text/html"),
                    ("Set-Cookie", f"__jsluid_h={secrets.token_hex(16)}; path=/"),
                ),
                JIASULE_BODY.encode(),
            )
        if path == GARBAGE.path:
            return bytes_response(_garbage(), "text/html")
        if path == BIG_PDF:
            size = str(files.BIG_PDF_SIZE)
            return Response(
                200,
                (("Content-Type", "application/pdf"), ("Content-Length", size)),
                stream=files.big_pdf_chunks,
            )
        if path in ("/", "/index.html"):
            return html_response(
                page("首页", "首页", list_main([("/zwgk/index.html", "政务公开", "2024-06-01")]))
            )
        return not_found()

    return FixturePortal(
        name="faults",
        family="fault portal (plain list)",
        start_paths=("/zwgk/index.html",),
        section_prefixes=("/zwgk/",),
        documents=(*GOOD, FLAKY, WRONG_CHARSET),
        outside_paths=("/", "/index.html"),
        router=router,
        bad=dict(BAD),
        traps=dict(TRAPS),
        notes=f"{FLAKY.path} answers 503 once then 200 (per-URL counter, per server); "
        f"{WRONG_CHARSET.path} is GBK bytes under a UTF-8 header with <meta charset=gbk>; "
        f"{big_attached} links {BIG_PDF} (30 MB, expected to be refused as too large)",
    )
