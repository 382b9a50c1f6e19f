"""Hanweb / 大汉 jcms portal: /col/colN/index.html columns fed through the jpage data proxy.

Every page is 006.html (fgw.zj.gov.cn, "Produced By 大汉网络") with its header, nav and footer as
found. A column page swaps the article for the column list as jcms renders it: the first page of
records inline in <script type="text/xml"><datastore>…</datastore></script>, and a jpage init
naming /module/web/jpage/dataproxy.jsp with perpage, totalRecord, columnid, unitid, webid, path,
webname and permissiontype. Records past the first page exist only through

    POST /module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15
         col=1&appid=1&webid=3185&path=/&columnid=N&sourceContentType=1&unitid=N&webname=…&permissiontype=0

(GET with the same parameters in the query works too). Articles: /art/YYYY/M/D/art_COL_ID.html.
The section is the 政务公开 column 1599521 and its sub-columns; 动态资讯 (1599526) is news.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .base import (
    FixtureDocument,
    FixturePortal,
    Pages,
    Request,
    Response,
    body_html,
    corpus_page,
    cut,
    esc,
    html_response,
    localise,
    make_date,
    make_title,
    not_found,
    paragraphs_for,
)

OWN = ("fgw.zj.gov.cn", "www.zjdpc.gov.cn")
WEBID = "3185"
WEBNAME = "浙江省发展和改革委员会"
PROXY = "/module/web/jpage/dataproxy.jsp"
PER_PAGE = 15
REAL_TITLE = "1-10月德清县固定资产投资结构趋稳趋优"
REAL_CRUMB = (
    '<td> &gt;<a href="/col/col1599522/index.html">发展改革工作</a></td>'
    '<td> &gt;<a href="/col/col1620985/index.html">投资管理和项目推进</a></td>'
    '<td> &gt;<a href="/col/col1621004/index.html">投资运行</a></td>'
)


@dataclass(frozen=True)
class Column:
    column_id: str
    unit_id: str
    name: str
    count: int


ENTRY = Column("1599521", "4734520", "政务公开", 0)
COLUMNS = (
    Column("1599528", "4734528", "政策文件", 40),
    Column("1229015646", "4734529", "财务信息", 12),
    Column("1599529", "4734530", "人事信息", 7),
)
NEWS = Column("1599526", "4734526", "动态资讯", 5)


def col_path(column_id: str) -> str:
    return f"/col/col{column_id}/index.html"


def _docs(column: Column, offset: int) -> list[FixtureDocument]:
    found = []
    for i in range(column.count):
        date = make_date(i, "2024-05-30")
        year, month, day = (int(x) for x in date.split("-"))
        path = f"/art/{year}/{month}/{day}/art_{column.column_id}_{30_400_000 + offset + i}.html"
        county = "德清县" if column is not NEWS else "德清县新闻"
        found.append(FixtureDocument(path, make_title(county, offset + i, year), column.name, date))
    return found


def record(doc: FixtureDocument) -> str:
    """One jcms record: the <li> inside a CDATA block."""
    return (
        f'<record><![CDATA[<li><a href="{doc.path}" target="_blank" title="{esc(doc.title)}">'
        f"{esc(doc.title)}</a><span>{doc.publish_date}</span></li>]]></record>"
    )


def proxy_xml(docs: list[FixtureDocument], start: int, end: int, per_page: int) -> str:
    """What dataproxy.jsp answers for records start..end (1-based, inclusive)."""
    window = docs[max(start, 1) - 1 : max(end, 0)]
    pages = math.ceil(len(docs) / max(per_page, 1)) if docs else 0
    return (
        '<?xml version="1.0" encoding="UTF-8"?><datastore>'
        f"<totalrecord>{len(docs)}</totalrecord><totalpage>{pages}</totalpage>"
        "<recordset>" + "".join(record(d) for d in window) + "</recordset></datastore>"
    )


def _shell(title: str, crumb: str) -> str:
    text = localise(corpus_page("006"), OWN)
    text = text.replace(REAL_CRUMB, crumb)
    return text.replace(f"<title>{REAL_TITLE}", f"<title>{esc(title)}")


def crumb(column: Column) -> str:
    parent = (
        ""
        if column is ENTRY or column is NEWS
        else f'<td> &gt;<a href="{col_path(ENTRY.column_id)}">{ENTRY.name}</a></td>'
    )
    return parent + f'<td> &gt;<a href="{col_path(column.column_id)}">{column.name}</a></td>'


def column_page(
    column: Column, docs: list[FixtureDocument], subcolumns: tuple[Column, ...] = ()
) -> str:
    """The jcms column page: inline first page of records plus the jpage proxy init."""
    unit = column.unit_id
    nextgroup = (
        f"{PROXY}?page=1&amp;appid=1&amp;webid={WEBID}&amp;path=/&amp;columnid={column.column_id}"
        f"&amp;unitid={unit}&amp;webname={WEBNAME}&amp;permissiontype=0"
    )
    records = "\n".join(record(d) for d in docs[:PER_PAGE])
    subs = "".join(
        f'<li><a href="{col_path(c.column_id)}" target="_blank">{c.name}</a></li>'
        for c in subcolumns
    )
    listing = f"""
		<p class="con-title">{column.name}</p>
		<div style="height:3px; background-color:#dbdbdb;"></div>
		<ul class="lmlb">{subs}</ul>
		<div class="default_pgContainer" id="{unit}">
<script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{nextgroup}"></a>]]></nextgroup>
<recordset>
{records}
</recordset>
</datastore></script>
		</div>
<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script type="text/javascript">
$(document).ready(function(){{
	$('#{unit}').jpage({{
		dataStore: $('#{unit} script[type="text/xml"]').text(),
		proxyUrl: '{PROXY}',
		perPage: {PER_PAGE},
		totalRecord: {len(docs)},
		groupSize: 3,
		barPosition: 'bottom',
		ajaxParam: {{col: 1, appid: 1, webid: {WEBID}, path: '/', columnid: {column.column_id}, sourceContentType: 1, unitid: {unit}, webname: '{WEBNAME}', permissiontype: 0}},
		showMode: 'full'
	}});
}});
</script>
	</div>


    </div>
    """
    text = _shell(f"{column.name} {WEBNAME}", crumb(column))
    return cut(text, '</style>\n\n  <div class="con">', '<div class="height60"></div>', listing)


def article_page(doc: FixtureDocument, column: Column) -> str:
    text = _shell(doc.title, crumb(column))
    text = text.replace(REAL_TITLE, esc(doc.title))
    text = text.replace("2016-11-22 09:53", f"{doc.publish_date} 09:53").replace(
        "2016-11-22", doc.publish_date
    )
    text = text.replace("/art/2016/11/22/art_1621004_30332664.html", doc.path)
    text = text.replace('content="投资运行"', f'content="{column.name}"')
    text = re.sub(
        r'(<meta name="description" content=")[^"]*',
        lambda m: m[1] + esc(paragraphs_for(doc.path, 1)[0][:120]),
        text,
        count=1,
    )
    return cut(
        text,
        '<meta name="ContentStart">',
        '<meta name="ContentEnd">',
        "\n" + body_html(doc.path, 4) + "\n",
    )


def build() -> FixturePortal:
    pages = Pages()
    by_column = {c.column_id: (c, _docs(c, n * 50)) for n, c in enumerate((*COLUMNS, NEWS))}
    by_column[ENTRY.column_id] = (ENTRY, [])
    for column, docs in by_column.values():
        subs = COLUMNS if column is ENTRY else ()
        pages.add(
            col_path(column.column_id),
            lambda c=column, d=docs, s=subs: html_response(column_page(c, d, s)),
        )
        for doc in docs:
            pages.add(doc.path, lambda d=doc, c=column: html_response(article_page(d, c)))
    home = lambda: html_response(column_page(Column("0", "0", "首页", 0), [], (ENTRY, NEWS)))  # noqa: E731
    pages.add("/", home)
    pages.add("/index.html", home)
    col_re = re.compile(r"^/col/col(\d+)/index\.html$")

    def router(request: Request) -> Response | None:
        if request.path == PROXY:
            if request.method not in ("GET", "POST"):
                return Response(405, (("Allow", "GET, POST"),))
            _, docs = by_column.get(request.param("columnid"), (None, []))
            try:
                start, end = (
                    int(request.param("startrecord", "1")),
                    int(request.param("endrecord", "45")),
                )
                per_page = int(request.param("perpage", str(PER_PAGE)))
            except ValueError:
                return Response(400, (("Content-Type", "text/plain"),), b"bad paging parameters")
            body = proxy_xml(docs, start, end, per_page).encode("utf-8")
            return Response(200, (("Content-Type", "text/xml;charset=UTF-8"),), body)
        if request.method not in ("GET", "HEAD"):
            return Response(405, (("Allow", "GET, HEAD"),))
        found = pages.get(request.path)
        if found is None and (match := col_re.match(request.path)):  # nav and footer columns
            return html_response(column_page(Column(match[1], match[1], "栏目", 0), []))
        return found or not_found()

    documents = tuple(d for c in COLUMNS for d in by_column[c.column_id][1])
    news = by_column[NEWS.column_id][1]
    return FixturePortal(
        name="hanweb",
        family="Hanweb jcms (大汉)",
        start_paths=(col_path(ENTRY.column_id),),
        section_prefixes=("/col/", "/art/", "/module/web/jpage/"),
        documents=documents,
        outside_paths=("/", "/index.html", col_path(NEWS.column_id), *(d.path for d in news)),
        router=router,
        notes=f"section columns {ENTRY.column_id} (entry) and "
        + ", ".join(c.column_id for c in COLUMNS)
        + f"; news column {NEWS.column_id} is /col/ and /art/ too but outside the section: "
        "tell them apart by column id (art_<columnid>_<id>.html)",
    )


SECTION_COLUMN_IDS = (ENTRY.column_id, *(c.column_id for c in COLUMNS))
