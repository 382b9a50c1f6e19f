"""A county TRS portal whose columns list what real ones list: documents filed in other folders,
article-like footer links, a 热点 widget, a 75-of-107 动静结合 list, a script-drawn pager, and a
信息公开 platform landing page whose pager lives on the home page with a query string.

Lists are 018.html (pingtan.gov.cn 工作进展情况, TRS 动静结合) and 012.html (ordos.gov.cn, table
layout, GBK); articles are 013.html (pingtan). The crawl's seed starts at the three columns below,
so its folders are theirs; every document outside them is found only through a main list.

    /zwgk/ghxx/gzjzqk/        018: 107 items, 75 in 15 static blocks of 5 (pages 1-5 of 15),
                              pages 6-8 only from GET /fjdzapp/search?…&page=N&prepage=15 (JSON);
                              items 0, 1, 3 (and 80, 95) filed two levels up, in 重点领域 and
                              部门信息公开 folders; 更多栏目 names sibling columns (empty lists)
    /zwgk/ghxx/ndjh/index[_N].html   012: 37 items, 10 a page, the pager drawn by a script from
                              `recordCount`/`pageSize` (no links, no countPage in the HTML)
    /xxgkpt/index.html        018: 最新公开, 26 items from 12 department folders (/bmxxgk/…), 10 a
                              page; its pager links /index.jsp?c=xxgkpt&page=N (the home page)
    footer: /xxgkpt/201709/t20170912_2137.htm 网站声明, …_2138.htm 联系我们 (article-like, in a
            section folder, never to be archived); 热点信息 widget: /xxgkpt/rdzt/… (same)
"""

from __future__ import annotations

import json
import math
from functools import partial

from . import trs
from .base import (
    FixtureDocument,
    FixturePortal,
    Pages,
    Request,
    Response,
    bytes_response,
    corpus_page,
    cut,
    esc,
    html_response,
    localise,
    make_date,
    make_title,
    not_found,
    pages_of,
)

COUNTY = "平潭综合实验区"
GZJZ = "/zwgk/ghxx/gzjzqk/"
NDJH = "/zwgk/ghxx/ndjh/"
PLATFORM = "/xxgkpt/"
API = "/fjdzapp/search"
STATIC_PAGES, PREPAGE, GZJZ_COUNT = 5, 15, 107
NDJH_COUNT, NDJH_PER_PAGE = 37, 10
PLATFORM_COUNT, PLATFORM_PER_PAGE = 26, 10
ZDLY = "/zwgk/zdlyxxgk/ssjygk/sjccjg/"
BMXX = "/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqjjf/fdzdgknr/gzdt/"
ELSEWHERE = {0: ZDLY, 1: BMXX, 3: BMXX, 80: ZDLY, 95: BMXX}  # item index -> folder it is filed in
DEPARTMENTS = ("fgj", "jyj", "gaj", "mzj", "czj", "rsj", "zrj", "zjj", "jtj", "nyj", "wsj", "scj")
FOOTER = {
    PLATFORM + "201709/t20170912_2137.htm": "网站声明",
    PLATFORM + "201709/t20170912_2138.htm": "联系我们",
}
HOT = tuple(f"{PLATFORM}rdzt/202406/t2024060{n}_900{n}.htm" for n in (1, 2, 3))


def _doc(index: int, folder: str, column: str, doc_id: int, county: str = COUNTY) -> trs.Doc:
    date = make_date(index)
    ym, ymd = date[:7].replace("-", ""), date.replace("-", "")
    stem = f"t{ymd}_{doc_id}"
    path = f"{folder}{ym}/{stem}.htm"
    title = make_title(county, index + doc_id % 97, int(date[:4]))
    return trs.Doc(FixtureDocument(path, title, column, date), path, "013", doc_id, stem)


def gzjz_docs() -> list[trs.Doc]:
    found = []
    for i in range(GZJZ_COUNT):
        doc = _doc(i, ELSEWHERE.get(i, GZJZ), "工作进展情况", 103_000 + i)
        href = doc.href.replace("/zwgk/", "../../", 1) if i in ELSEWHERE else "." + doc.href[17:]
        found.append(trs.Doc(doc.fixture, href, "013", doc.doc_id, doc.stem))
    return found


def platform_docs() -> list[trs.Doc]:
    return [
        _doc(i, f"/bmxxgk/{DEPARTMENTS[i % 12]}/", "最新公开", 104_000 + i, f"{COUNTY}部门")
        for i in range(PLATFORM_COUNT)
    ]


def ndjh_docs() -> list[trs.Doc]:
    return [_doc(i, NDJH, "年度计划", 105_000 + i) for i in range(NDJH_COUNT)]


# --- 018 lists ----------------------------------------------------------------------------------

LIST_START = '<div ms-visible="showStatic">'
LIST_END = '\n\t\t\t\t\t\t\t</div>\n\t\t\t\t\t\t\t<div ms-visible="!showStatic">'
HOT_WIDGET = (
    '<div class="hot_list"><div class="title_base"><h3>热点信息</h3></div><ul>{items}</ul></div>'
)


def _li(doc: trs.Doc) -> str:
    f = doc.fixture
    return trs.LI.format(href=esc(doc.href), title=esc(f.title), id=doc.doc_id, date=f.publish_date)


def _chrome(text: str) -> str:
    """The 热点 widget beside the list and the article-like footer links."""
    hot = "".join(
        f'<li><a href="{p}" title="热点{n}">{COUNTY}热点关注第{n}期</a>'
        f"<span>2024-06-0{n}</span></li>"
        for n, p in enumerate(HOT, 1)
    )
    text = text.replace(
        '<div class="page_base mar_t_base"',
        HOT_WIDGET.format(items=hot) + '\n<div class="page_base mar_t_base"',
    )
    links = "".join(f'<a href="{p}" target="_blank">{name}</a> | ' for p, name in FOOTER.items())
    return text.replace(
        '<div class="copyright_info">', f'<div class="copyright_info"><p>{links}</p>'
    )


def list_018(items_html: str, name: str, records: int, pager: str = "") -> str:
    text = localise(corpus_page("018"), trs.PINGTAN)
    text = cut(text, LIST_START, LIST_END, "\n" + items_html)
    text = text.replace("recordCount:'107'", f"recordCount:'{records}'")
    text = text.replace("工作进展情况", name)
    if pager:
        text = text.replace(
            '<div class="page_base mar_t_base" ms-controller="list_pagebar" ms-include-src="pgTemp" ></div>',
            f'<div class="page_base mar_t_base">{pager}</div>',
        )
    return _chrome(text)


def gzjz_page(docs: list[trs.Doc]) -> str:
    shown = docs[: STATIC_PAGES * PREPAGE]
    blocks = "".join(
        trs.BLOCK.format(start=n * 5 + 1, lis="".join(_li(d) for d in chunk))
        for n, chunk in enumerate(pages_of(shown, 5))
    )
    return list_018(blocks, "工作进展情况", len(docs))


def platform_page(docs: list[trs.Doc], page: int, count: int) -> str:
    chunk = pages_of(docs, PLATFORM_PER_PAGE)[page - 1]
    items = trs.BLOCK.format(start=1, lis="".join(_li(d) for d in chunk))

    def link(n: int, text: str) -> str:
        href = PLATFORM + "index.html" if n == 1 else f"/index.jsp?c=xxgkpt&page={n}"
        return f'<a href="{href}">{text}</a> '

    pager = f"<span>共{count}页</span> " + link(1, "首页")
    pager += link(page - 1, "上一页") if page > 1 else ""
    pager += "".join(link(n, str(n)) if n != page else f"<b>{n}</b> " for n in range(1, count + 1))
    pager += link(page + 1, "下一页") if page < count else ""
    text = list_018(items, "最新公开", len(docs), pager)
    text = cut(text, '<ul class="dropdown_menu dropdown_menu-right">', "</ul>", "")
    # a plain static TRS list: no 动静结合 script, no search API behind it
    return cut(text, "<!--全站嵌套-结束-->", "</body>", "\n", keep_markers=True)


def empty_018(name: str) -> str:
    return list_018("", name, 0)


def api_answer(docs: list[trs.Doc], request: Request) -> Response:
    page = int(request.param("page", "1") or 1)
    size = int(request.param("prepage", str(PREPAGE)) or PREPAGE)
    if request.param("classsql") != "chnlid=1780":
        return bytes_response(b'{"data": [], "total": 0}', "application/json; charset=utf-8")
    chunk = docs[(page - 1) * size : page * size]
    data = [
        {
            "doctitle": d.fixture.title,
            "chnldocurl": d.fixture.path,
            "docreltime": d.fixture.publish_date + " 09:00:00",
        }
        for d in chunk
    ]
    body = json.dumps({"page": page, "total": len(docs), "data": data}, ensure_ascii=False)
    return bytes_response(body.encode("utf-8"), "application/json; charset=utf-8")


# --- the script-drawn pager (012) -------------------------------------------------------------------

DRAWN_PAGER = """<div id="pager"></div>
<script type="text/javascript">
var recordCount = {records};
var pageSize = {size};
var currentPage = {current};
function drawPager(box, records, size, current) {{
  var pages = Math.ceil(records / size), html = "共" + records + "条 ";
  for (var i = 0; i < pages; i++) {{
    var name = i == 0 ? "index.html" : "index_" + i + ".html";
    html += i == current ? "<b>" + (i + 1) + "</b> " : "<a href='" + name + "'>" + (i + 1) + "</a> ";
  }}
  box.innerHTML = html;
}}
drawPager(document.getElementById("pager"), recordCount, pageSize, currentPage);
</script>"""

NDJH_COLUMN = trs.Column("ndjh", "年度计划", NDJH, "none", NDJH_PER_PAGE, NDJH_COUNT, "013")


def ndjh_page(items: list[trs.Doc], current: int) -> Response:
    text = trs.list_page(NDJH_COLUMN, items, current, 1, "none")
    pager = DRAWN_PAGER.format(records=NDJH_COUNT, size=NDJH_PER_PAGE, current=current)
    text = text.replace('<td height="572" class="page">', f'<td height="572">{pager}', 1)
    return html_response(text, "gbk")


# --- the portal ------------------------------------------------------------------------------------


def build() -> FixturePortal:
    pages = Pages()
    gzjz, platform, ndjh = gzjz_docs(), platform_docs(), ndjh_docs()
    for doc in [*gzjz, *platform, *ndjh]:
        pages.add(doc.fixture.path, lambda d=doc: html_response(trs.article_013(d)))
    traps = [
        trs.Doc(FixtureDocument(p, name, "", "2017-09-12"), p, "013", 2137 + n, p[-18:-4])
        for n, (p, name) in enumerate(FOOTER.items())
    ]
    traps += [
        trs.Doc(
            FixtureDocument(p, f"{COUNTY}热点关注第{n}期", "", f"2024-06-0{n}"),
            p,
            "013",
            9000 + n,
            p[-19:-4],
        )
        for n, p in enumerate(HOT, 1)
    ]
    for doc in traps:
        pages.add(doc.fixture.path, lambda d=doc: html_response(trs.article_013(d)))
    for path in (GZJZ, GZJZ + "index.html"):
        pages.add(path, lambda: html_response(gzjz_page(gzjz)))
    count = math.ceil(PLATFORM_COUNT / PLATFORM_PER_PAGE)
    for path in (PLATFORM, PLATFORM + "index.html"):
        pages.add(path, partial(lambda: html_response(platform_page(platform, 1, count))))
    for n, chunk in enumerate(pages_of(ndjh, NDJH_PER_PAGE)):
        page = partial(ndjh_page, chunk, n)
        pages.add(NDJH + (f"index_{n}.html" if n else "index.html"), page)
        if n == 0:
            pages.add(NDJH, page)

    def router(request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return Response(405, (("Allow", "GET, HEAD"),))
        if request.path == API:
            return api_answer(gzjz, request)
        if request.path == "/index.jsp" and request.param("c") == "xxgkpt":
            page = int(request.param("page", "1") or 1)
            return html_response(platform_page(platform, page, count)) if page <= count else None
        found = pages.get(request.path)
        if (
            found is None
            and request.path.startswith("/zwgk/ghxx/")
            and request.path.endswith(("/", "/index.html"))
        ):  # the other columns of 更多栏目 and the nav: nothing listed yet
            return html_response(empty_018("规划信息"))
        return found or not_found()

    documents = tuple(d.fixture for d in [*gzjz, *platform, *ndjh])
    return FixturePortal(
        name="coverage",
        family="TRS 动静结合 county portal",
        start_paths=(GZJZ + "index.html", NDJH + "index.html", PLATFORM + "index.html"),
        section_prefixes=(GZJZ, NDJH, PLATFORM),
        documents=documents,
        outside_paths=("/", "/index.html", *FOOTER, *HOT),
        router=router,
        notes="documents filed in other folders; article-like footer links and a 热点 widget; "
        "75 of 107 items static, the rest from the TRS search API; a script-drawn pager; "
        "a landing page paged through the home page's query string",
    )
