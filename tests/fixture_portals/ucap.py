"""Ucap / 开普云 portal: a county's 政务公开 columns with the 6-argument createPageHTML pager.

Articles are 001.html (wanzai.gov.cn, 部门信息公开 with the meta-data dl block), 002.html (the
older column template, <publishtime>) and 004.html (yichun.gov.cn), each keeping <ucaptitle>,
<ucapcontent>, header, crumb and footer. No real Ucap list page was saved, so lists are 001.html's
shell (header, crumb, footer) with a Ucap list and pager in place of the article:

    /wzxrmzf/zwgk/zwgk.shtml                       section entry (links the columns)
    /wzxrmzf/zwgk/<col>/index.shtml, index_2.shtml createPageHTML('page_div', P, n, 'index', 'shtml', N)
    /wzxrmzf/zwgk/<col>/YYYYMM/<32 hex>.shtml      documents
    /wzxrmzf/index.shtml (005.html home), /wzxrmzf/xwzx/…  outside the section
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import partial

from .base import (
    FixtureDocument,
    FixturePortal,
    Pages,
    Request,
    Response,
    body_html,
    corpus_page,
    esc,
    html_response,
    localise,
    make_date,
    make_title,
    not_found,
    pages_of,
    redirect,
)

OWN = ("www.wanzai.gov.cn", "www.yichun.gov.cn")
SITE = "/wzxrmzf/"
SECTION = "/wzxrmzf/zwgk/"
ENTRY = SECTION + "zwgk.shtml"
PER_PAGE = 15
REAL = {
    "001": ("万载县2022年国民经济和社会发展统计公报", ("2023-08-16", "2023-05-11")),
    "002": ("万载县2015年国民经济和社会发展统计公报", ("2022-04-24", "2017-05-15")),
    "004": ("江西省2022年国民经济和社会发展统计公报", ("2023-05-16", "2023-03-31")),
}


@dataclass(frozen=True)
class Column:
    slug: str
    name: str
    count: int
    article: str

    @property
    def path(self) -> str:
        return f"{SECTION}{self.slug}/" if self.slug != "xwzx" else f"{SITE}xwzx/"


COLUMNS = (
    Column("tjsj", "统计数据", 32, "001"),
    Column("tjgb", "统计公报", 8, "002"),
    Column("zcwj", "政策文件", 20, "004"),
)
NEWS = Column("xwzx", "新闻中心", 3, "002")


def _docs(column: Column, offset: int) -> list[FixtureDocument]:
    found = []
    for i in range(column.count):
        date = make_date(i, "2024-06-20")
        digest = hashlib.md5(f"ucap/{column.slug}/{i}".encode()).hexdigest()
        path = f"{column.path}{date[:7].replace('-', '')}/{digest}.shtml"
        county = "万载县" if column is not NEWS else "万载县新闻"
        found.append(
            FixtureDocument(path, make_title(county, offset + i, int(date[:4])), column.name, date)
        )
    return found


def _crumb(text: str, trail: list[tuple[str, str]]) -> str:
    links = "&gt;".join(f'<a href="{href}" target="_self">{name}</a>' for href, name in trail)
    return re.sub(
        r"(您当前所在位置：\n).*?(\n\n?\s*</h2>)",
        lambda m: m[1] + links + m[2],
        text,
        count=1,
        flags=re.S,
    )


def _trail(column: Column | None) -> list[tuple[str, str]]:
    trail = [(SITE + "index.shtml", "首页"), (ENTRY, "政务公开")]
    if column is NEWS:
        return [trail[0], (column.path + "index.shtml", column.name)]
    return trail + ([(column.path + "index.shtml", column.name)] if column else [])


def list_page(
    column: Column | None, items: list[tuple[str, str, str]], page: int, pages: int, total: int
) -> str:
    """001.html's shell with a Ucap list: items are (href, title, date)."""
    text = _crumb(localise(corpus_page("001"), OWN), _trail(column))
    name = column.name if column else "政务公开"
    lis = "".join(
        f'\n          <li><a href="{esc(href)}" target="_blank" title="{esc(title)}">{esc(title)}</a>'
        f'<span class="date">{date}</span></li>'
        for href, title, date in items
    )
    pager = (
        f"""
        <div id="page_div" class="page"></div>
        <script type="text/javascript" src="/wzxrmzf/xhtml/js/page.js"></script>
        <script type="text/javascript">createPageHTML('page_div', {pages}, {page}, 'index', 'shtml', {total});</script>"""
        if column
        else ""
    )
    listing = f"""<div class="xxgk-container">
      <div class="xxgk-list clearfix">
        <div class="xxgk-list-title"><h3>{name}</h3></div>
        <ul class="xxgk-list-ul">{lis}
        </ul>{pager}
      </div>
    </div>

    """
    start = text.index('<div class="xxgk-container">\n      <div class="xxgk-detail clearfix">')
    text = text[:start] + listing + text[text.index("<!--footer Start-->") :]
    text = re.sub(r'<meta name="ArticleTitle" content="[^"]*">\n', "", text)
    return text.replace(f"<title>{REAL['001'][0]}", f"<title>{name}")


def list_response(
    column: Column | None, items: list[tuple[str, str, str]], page: int, pages: int, total: int
) -> Response:
    return html_response(list_page(column, items, page, pages, total))


def article_page(doc: FixtureDocument, column: Column) -> str:
    page = column.article
    title, dates = REAL[page]
    text = localise(corpus_page(page), OWN)
    text = _crumb(text, _trail(column))
    text = re.sub(
        r"(<ucaptitle[^>]*>).*?(</ucaptitle>)",
        lambda m: m[1] + esc(doc.title) + m[2],
        text,
        flags=re.S,
    )
    style = "text-indent: 2em; line-height: 1.5; font-size: 14pt;"
    body = body_html(doc.path, 5, style)
    text = re.sub(
        r"(<ucapcontent[^>]*>).*?(</ucapcontent>)", lambda m: m[1] + body + m[2], text, flags=re.S
    )
    text = text.replace(title, esc(doc.title))
    for real in dates:
        text = text.replace(real, doc.publish_date)
    serial = int(hashlib.md5(doc.path.encode()).hexdigest()[:6], 16) % 10_000_000
    text = text.replace(
        "014742224A/2023-0043406", f"014742224A/{doc.publish_date[:4]}-{serial:07d}"
    )
    return text.replace(
        "014717475N/2023-0032866", f"014717475N/{doc.publish_date[:4]}-{serial:07d}"
    )


def build() -> FixturePortal:
    pages = Pages()
    columns = {c.slug: (c, _docs(c, n * 40)) for n, c in enumerate((*COLUMNS, NEWS))}
    for column, docs in columns.values():
        for doc in docs:
            pages.add(doc.path, lambda d=doc, c=column: html_response(article_page(d, c)))
        chunks = pages_of(docs, PER_PAGE)
        for n, chunk in enumerate(chunks, start=1):
            items = [
                ("./" + d.path.removeprefix(column.path), d.title, d.publish_date) for d in chunk
            ]
            name = "index.shtml" if n == 1 else f"index_{n}.shtml"
            builder = partial(list_response, column, items, n, len(chunks), len(docs))
            pages.add(column.path + name, builder)
            if n == 1:
                pages.add(column.path, builder)
    entry_items = [
        (c.path + "index.shtml", c.name, columns[c.slug][1][0].publish_date) for c in COLUMNS
    ]
    pages.add(ENTRY, partial(list_response, None, entry_items, 1, 1, len(COLUMNS)))
    home = localise(corpus_page("005"), OWN)
    pages.add(SITE + "index.shtml", lambda: html_response(home))

    def router(request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return Response(405, (("Allow", "GET, HEAD"),))
        if request.path in ("/", "/index.html", "/index.shtml"):
            return redirect(SITE + "index.shtml")
        return pages.get(request.path) or not_found()

    documents = tuple(d for c in COLUMNS for d in columns[c.slug][1])
    news = columns[NEWS.slug][1]
    return FixturePortal(
        name="ucap",
        family="Ucap (开普云)",
        start_paths=(ENTRY,),
        section_prefixes=(SECTION,),
        documents=documents,
        outside_paths=(SITE + "index.shtml", NEWS.path + "index.shtml", *(d.path for d in news)),
        router=router,
        notes="6-argument createPageHTML, page n>=2 is index_n.shtml; the home page is 005.html",
    )
