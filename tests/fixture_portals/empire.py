"""An EmpireCMS (帝国CMS) county portal: lists index.html, then index_2.html … (no index_1),
the `epages` pager announcing "Total record N", and articles under /<column>/YYYY-MM-DD/ID.html.

No EmpireCMS page was saved in the corpus, so the pages are 012.html's county shell (table
layout, GBK) with EmpireCMS's own pager markup and URL scheme, as its default templates write them:

    <div class="epages"><a title="Total record">&nbsp;<b>47</b> </a>&nbsp;&nbsp;&nbsp;<b>1</b>
    &nbsp;<a href="/xxgk/tzgg/index_2.html">2</a>… <a href="/xxgk/tzgg/index_2.html">下一页</a>
    &nbsp;<a href="/xxgk/tzgg/index_5.html">尾页</a></div>

    /xxgk/tzgg/index[_N].html   通知公告: 47 items, 10 a page, the full pager (2…5, 下一页, 尾页)
    /xxgk/zcwj/index[_N].html   政策文件: 23 items, 10 a page, a pager drawn by script: the HTML
                                holds only "Total record 23" (no page links at all)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from . import trs
from .base import (
    FixtureDocument,
    FixturePortal,
    Pages,
    Request,
    Response,
    html_response,
    make_date,
    make_title,
    not_found,
    pages_of,
)

COUNTY = "某某县"
PER_PAGE = 10


@dataclass(frozen=True)
class Column:
    slug: str
    name: str
    count: int
    links: bool  # whether the pager has page links

    @property
    def path(self) -> str:
        return f"/xxgk/{self.slug}/"


COLUMNS = (Column("tzgg", "通知公告", 47, True), Column("zcwj", "政策文件", 23, False))


def docs_of(column: Column, first_id: int) -> list[trs.Doc]:
    found = []
    for i in range(column.count):
        date = make_date(i + first_id % 5)
        doc_id = first_id + i
        path = f"{column.path}{date}/{doc_id}.html"
        title = make_title(COUNTY, i + first_id % 13, int(date[:4]))
        fixture = FixtureDocument(path, title, column.name, date)
        found.append(trs.Doc(fixture, path, "007", doc_id, f"{doc_id}"))
    return found


def epages(column: Column, current: int, count: int) -> str:
    """EmpireCMS's pager (current is 1-based)."""
    out = f'<div class="epages"><a title="Total record">&nbsp;<b>{column.count}</b> </a>&nbsp;&nbsp;&nbsp;'
    if not column.links:
        return out + f"<b>{current}</b></div>"

    def href(n: int) -> str:
        return f"{column.path}index.html" if n == 1 else f"{column.path}index_{n}.html"

    if current > 1:
        out += f'<a href="{href(1)}">首页</a>&nbsp;<a href="{href(current - 1)}">上一页</a>&nbsp;'
    for n in range(1, count + 1):
        out += f"<b>{n}</b>&nbsp;" if n == current else f'<a href="{href(n)}">{n}</a>&nbsp;'
    if current < count:
        out += f'<a href="{href(current + 1)}">下一页</a>&nbsp;<a href="{href(count)}">尾页</a>'
    return out + "</div>"


def list_response(column: Column, items: list[trs.Doc], current: int, count: int) -> Response:
    shell = trs.Column(column.slug, column.name, column.path, "none", PER_PAGE, column.count, "007")
    text = trs.list_page(shell, items, current - 1, 1, "none")
    text = text.replace(
        '<td height="572" class="page">', f'<td height="572">{epages(column, current, count)}', 1
    )
    text = text.replace("鄂尔多斯恩格贝生态示范区", f"{COUNTY}人民政府")
    return html_response(text, "gbk")


def build() -> FixturePortal:
    pages = Pages()
    columns = {c.slug: docs_of(c, 60_000 + n * 1000) for n, c in enumerate(COLUMNS)}
    for docs in columns.values():
        for doc in docs:
            pages.add(doc.fixture.path, lambda d=doc: html_response(trs.article_007(d)))
    for column in COLUMNS:
        chunks = pages_of(columns[column.slug], PER_PAGE)
        for n, chunk in enumerate(chunks, 1):
            page = partial(list_response, column, chunk, n, len(chunks))
            pages.add(column.path + ("index.html" if n == 1 else f"index_{n}.html"), page)
            if n == 1:
                pages.add(column.path, page)

    def router(request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return Response(405, (("Allow", "GET, HEAD"),))
        return pages.get(request.path) or not_found()

    return FixturePortal(
        name="empire",
        family="EmpireCMS",
        start_paths=tuple(c.path + "index.html" for c in COLUMNS),
        section_prefixes=tuple(c.path for c in COLUMNS),
        documents=tuple(d.fixture for docs in columns.values() for d in docs),
        outside_paths=("/", "/index.html", *(c.path + "index_1.html" for c in COLUMNS)),
        router=router,
        notes="index.html then index_2.html (no index_1); Total record N; one pager without links",
    )
