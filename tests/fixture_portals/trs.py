"""TRS WCM portal: the 信息公开 section of a county-level zone, from real TRS pages.

Lists come from 012.html (ordos.gov.cn, table layout, GB-era markup), served GBK as old TRS sites
are, with three pager kinds: the document.write pager as the DOM-saved page has it (script plus
its rendered links), the same script alone (raw server HTML: pages exist only in `countPage`),
and the 4-argument createPageHTML(total, current, "index", "html") whose function 007.html
carries. A fourth column is 018.html (pingtan.gov.cn, 动静结合 static blocks) with .htm and .shtml
items and cross-column ../../zfxxgk/… links. Articles are 007.html, 008.html and 013.html (the
last with its 附件下载 block, where two documents link a PDF, a DOCX and an XLSX).

    /xxgk/index.html                section entry        /                home (outside)
    /xxgk/xxgknb/index[_N].html     document.write pager  /zjegb/index.html news (outside)
    /xxgk/cwgk/index[_N].html       document.write, script only
    /xxgk/rsxx/index[_N].html       createPageHTML(3, N, "index", "html")
    /xxgk/ghxx/gzjzqk/index.html    018 static blocks
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

from . import attachments as files
from .base import (
    FixtureDocument,
    FixturePortal,
    Pages,
    Request,
    Response,
    body_html,
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
    rebase,
)

COUNTY = "恩格贝示范区"
SECTION = "/xxgk/"
ORDOS = ("www.ordos.gov.cn", "was.ordos.gov.cn")
PINGTAN = ("www.pingtan.gov.cn",)
LIST_AT = "/xxgk/xxgknb/index.html"  # where 012.html sits: its relative links assume this depth


@dataclass(frozen=True)
class Column:
    slug: str
    name: str
    path: str
    pager: str  # "rendered" | "docwrite" | "create" | "static" | "none"
    per_page: int
    count: int
    article: str  # corpus page of its articles


COLUMNS = (
    Column("xxgknb", "信息公开年报", "/xxgk/xxgknb/", "rendered", 10, 25, "007"),
    Column("cwgk", "财务公开", "/xxgk/cwgk/", "docwrite", 5, 12, "007"),
    Column("rsxx", "人事信息", "/xxgk/rsxx/", "create", 8, 20, "008"),
    Column("gzjzqk", "工作进展情况", "/xxgk/ghxx/gzjzqk/", "static", 0, 12, "013"),
)
NEWS = Column("zjegb", "走进恩格贝", "/zjegb/", "none", 10, 3, "007")


@dataclass(frozen=True)
class Doc:
    fixture: FixtureDocument
    href: str  # as written in the list
    template: str
    doc_id: int
    stem: str  # tYYYYMMDD_ID


def _docs(column: Column, first_id: int) -> list[Doc]:
    found = []
    for i in range(column.count):
        date = make_date(i + first_id % 7)
        ym, ymd, doc_id = date[:7].replace("-", ""), date.replace("-", ""), first_id + i
        stem = f"t{ymd}_{doc_id}"
        ext = "htm" if column.pager == "static" else "html"
        if column.pager == "static" and i in (3, 7):
            ext = "shtml"
        href = f"./{ym}/{stem}.{ext}"
        path = f"{column.path}{ym}/{stem}.{ext}"
        if column.pager == "static" and i in (1, 5):  # listed here, filed under another column
            href = f"../../zfxxgk/fdzdgknr/gzdt/{ym}/{stem}.htm"
            path = f"/xxgk/zfxxgk/fdzdgknr/gzdt/{ym}/{stem}.htm"
        attached: tuple[str, ...] = ()
        if column.pager == "static" and i in (0, 2):
            kinds = ("pdf", "docx", "xlsx") if i == 0 else ("pdf", "xlsx")
            base = path.rsplit("/", 1)[0]
            attached = tuple(f"{base}/P0{ymd}{doc_id}{n}.{k}" for n, k in enumerate(kinds))
        offset = (first_id // 100) % 10 * 40
        title = make_title(
            COUNTY if column is not NEWS else "示范区新闻", i + offset, int(date[:4])
        )
        fixture = FixtureDocument(path, title, column.name, date, attached)
        found.append(Doc(fixture, href, column.article, doc_id, stem))
    return found


# --- lists (012.html) ----------------------------------------------------------------------

ROW = (
    "\n"
    '\t\t\t  <tr valign="top" style="padding-bottom:10px;">\n'
    '\t\t\t\t<td width="25" style="padding-top:10px;"><img src="../../images/ico2.jpg"></td>\n'
    '\t\t\t\t<td width="550">\n'
    '\t\t\t\t\t<a href="{href}">{title}</a>\n'
    "\t\t\t\t</td>\n"
    "\t\t\t\t<td>\n"
    "\t\t\t\t\t{date}\n"
    "\t\t\t\t</td>\n"
    "\t\t\t  </tr>\n"
    "\n"
    ""
)


def docwrite_rendered(current: int, count: int) -> str:
    """What 012.html's document.write pager writes, as the saved DOM shows it."""
    out = f'共计&nbsp;<font style="color:#FF8008">{count}&nbsp;</font>页'
    out += '&nbsp;<a href="index.html">首页</a>&nbsp;|'
    if count > 1 and current not in (0, 1):
        out += f'<a href="index_{current - 1}.html"><span class="greyfont">上一页</span></a>&nbsp;'
    elif count > 1 and current == 1:
        out += '<a href="index.html">&nbsp;<span class="greyfont">上一页</span></a>&nbsp;'
    else:
        out += "&nbsp;上一页&nbsp;"
    if current <= 3:
        shown = range(min(7, count))
    elif current > count - 3:
        shown = range(count - 6, count)
    else:
        shown = range(current - 3, min(current + 4, count))
    for i in shown:
        if i == current:
            out += f'&nbsp;<font style="color:#FF8008">{i + 1}</font>&nbsp;|'
        elif i == 0:
            out += '&nbsp;<a href="index.html">1</a>&nbsp;|'
        elif i > 0:
            out += f'&nbsp;<a href="index_{i}.html">{i + 1}</a>&nbsp;|'
    if count > 1 and current != count - 1:
        out += f'&nbsp;<a href="index_{current + 1}.html">&nbsp;<span class="greyfont">下一页</span>&nbsp;</a>&nbsp;'
    else:
        out += "&nbsp;下一页&nbsp;"
    out += (
        f'&nbsp;<a href="index_{count - 1}.html">尾页</a>&nbsp;'
        if count != 1
        else "&nbsp;尾页&nbsp;"
    )
    return (
        out + ' 转到 <input type="text" id="itemNum" size="5" style="height:15px; width:33px">'
        '&nbsp;<input type="button" style="background-color:#333333; border-color:#006633; '
        'height:20px; width:28px; color:#FFFFFF; font-weight:bold" value="GO" onclick="goto();">'
    )


def create_page_script(current: int, count: int) -> str:
    """007.html's createPageHTML function, named for a column list, and its call."""
    page = corpus_page("007")
    i = page.index("<script>\nfunction createPageHTML")
    script = page[i : page.index("</script>", i) + len("</script>")]
    script = script.replace('createPageHTML(1,0,"t20190918_693227","shtml");', "")
    script = script.replace("t20190918_693227", "index").replace("shtml", "html")
    call = f'<script>createPageHTML({count}, {current}, "index", "html");</script>'
    return script + "\n" + call


def list_page(column: Column, items: list[Doc], current: int, count: int, pager: str) -> str:
    text = localise(corpus_page("012"), ORDOS).replace("charset=utf-8", "charset=gbk", 1)
    rows = "".join(
        ROW.format(href=esc(d.href), title=esc(d.fixture.title), date=d.fixture.publish_date)
        for d in items
    )
    text = cut(text, 'class="gl_list">', "</tbody></table>", "\n\n\t\t\t  <tbody>" + rows)
    text = text.replace("var currentPage = 0;", f"var currentPage = {current};")
    text = text.replace("var countPage = 2//", f"var countPage = {count}//")
    text = text.replace('"2"+"&nbsp;', f'"{count}"+"&nbsp;')
    text = text.replace('title="信息公开年报"', f'title="{column.name}"')
    text = text.replace('class="CurrChnlCls">信息公开年报', f'class="CurrChnlCls">{column.name}')
    text = text.replace(
        "<title>鄂尔多斯恩格贝生态示范区", f"<title>{column.name}_鄂尔多斯恩格贝生态示范区"
    )
    if column.slug != "xxgknb":  # the left nav marks the current column with ./
        text = text.replace(
            'href="./" target="_self">信息公开年报', 'href="../xxgknb/" target="_self">信息公开年报'
        )
        text = text.replace(f'href="../{column.slug}/" target="_self"', 'href="./" target="_self"')
    start = text.index('<script language="JavaScript" type="text/javascript">\nvar currentPage')
    end = text.index("\n                </td>", start)
    script = text[start : text.index("</script>", start) + len("</script>")]
    if pager == "rendered":
        text = text[:start] + script + docwrite_rendered(current, count) + text[end:]
    elif pager == "docwrite":
        text = text[:start] + script + text[end:]
    else:
        text = (
            text[:start]
            + (create_page_script(current, count) if pager == "create" else "")
            + text[end:]
        )
    return text


# --- the 018 static-block column -----------------------------------------------------------------

T = "\t"
LI = (
    f"\n{T * 10}  <li>\n"
    f'{T * 11}<a href="{{href}}" target="_blank" title="{{title}}">{{title}}</a>\n'
    f'{T * 11}<em id="rel_{{id}}"></em>\n'
    f'{T * 11}<span class="bf-pass">{{date}}</span>\n'
    f"{T * 10}  </li>\n{T * 10}"
)
BLOCK = (
    f'\n{T * 9}<div ms-visible="$showStatic({{start}})">\n{T * 9}  <ul>\n{T * 10}{{lis}}\n'
    f"{T * 9}  </ul>\n"
    f'{T * 9}  <div class="border_b_dashed border_b_solid_03_sm mar_t_small mar_t_base0_sm '
    f'mar_b_small mar_b_base0_sm"></div>\n{T * 9}</div>\n{T * 8}  '
)


def static_list_page(column: Column, items: list[Doc]) -> str:
    text = localise(corpus_page("018"), PINGTAN)
    blocks = []
    for n, chunk in enumerate(pages_of(items, 5)):
        lis = "".join(
            LI.format(
                href=esc(d.href),
                title=esc(d.fixture.title),
                id=d.doc_id,
                date=d.fixture.publish_date,
            )
            for d in chunk
        )
        blocks.append(BLOCK.format(start=n * 5 + 1, lis=lis))
    text = cut(
        text,
        '<div ms-visible="showStatic">',
        '\n\t\t\t\t\t\t\t</div>\n\t\t\t\t\t\t\t<div ms-visible="!showStatic">',
        "\n\t\t\t\t\t\t\t\t" + "".join(blocks),
    )
    return text.replace("recordCount:'107'", f"recordCount:'{len(items)}'")


# --- articles ------------------------------------------------------------------------------------


def article_007(doc: Doc) -> str:
    text = localise(corpus_page("007"), ("www.shanxi.gov.cn",))
    f = doc.fixture
    text = cut(
        text,
        '<div class="article-body oflow-hd"><div class="TRS_Editor">',
        "</div></div>\n                    <!-- /Main text -->",
        body_html(f.path, 5).replace("<p>", "<div>　　").replace("</p>", "</div>"),
    )
    text = text.replace("山西品牌丝路行（南美站）正式启动", esc(f.title))
    text = text.replace("<h3>成功举办中国（山西）－巴西双向经贸投资推介会</h3>", "<h3></h3>")
    text = text.replace("2019-09-18 06:23", f"{f.publish_date} 09:30")
    text = text.replace('content="山西要闻"', f'content="{esc(f.column)}"')
    ext = doc.fixture.path.rsplit(".", 1)[1]
    return text.replace('"t20190918_693227","shtml"', f'"{doc.stem}","{ext}"').replace(
        "t20190918_693227", doc.stem
    )


def article_008(doc: Doc) -> str:
    text = corpus_page("008")  # www.gov.cn links stay: they are off-site for this portal
    f = doc.fixture
    real = "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007{}年末国债余额限额的决议"
    text = cut(
        text,
        '<div class="pages_content" id="UCAP-CONTENT">',
        '\n                    <div style="display:none">',
        f'\n                    <p align="center"><strong>{esc(f.title)}</strong></p>\n'
        + body_html(f.path, 3),
    )
    for variant in (real.format("\u3000"), real.format("<br>\u3000"), real.format("")):
        text = text.replace(variant, esc(f.title))
    text = text.replace("2007年第23号国务院公报", f"{COUNTY}{f.column}")
    return text.replace("2007-08-20-23:59:59", f"{f.publish_date}-10:00:00").replace(
        "711039", str(doc.doc_id)
    )


ATTACHMENT_NAMES = {"pdf": "预算公开说明", "docx": "部门预算说明", "xlsx": "公开事项统计表"}


def article_013(doc: Doc) -> str:
    text = localise(corpus_page("013"), PINGTAN)
    f = doc.fixture
    real = "区公安局2023年第四季度易制毒化学品企事业“双随机”抽查情况"
    style = "text-align: left; text-indent: 2em;"
    text = cut(
        text,
        "<div class=TRS_Editor>",
        "</div>\n\t\t\t\t\t\t\t\t\t</div>",
        body_html(f.path, 4, style),
    )
    links = "".join(
        f'\n\t\t\t\t\t\t\t\t\t\t\t<li><a href="./{p.rsplit("/", 1)[1]}" target="_blank">'
        f"{ATTACHMENT_NAMES[p.rsplit('.', 1)[1]]}.{p.rsplit('.', 1)[1]}</a></li>"
        for p in f.attachments
    )
    text = cut(
        text,
        '<div class="list_base primary_color list_base_date_02 mar_t_small mar_t_base0_sm">\n\t\t\t\t\t\t\t\t\t\t<ul>',
        "\n\t\t\t\t\t\t\t\t\t\t</ul>",
        links,
    )
    shown = f"{ATTACHMENT_NAMES['pdf']}.pdf" if f.attachments else ""
    text = text.replace(f"'{real}表.XLS'!=''", f"'{shown}'!=''")
    text = text.replace(real, esc(f.title)).replace("2023-12-19 08:51", f"{f.publish_date} 08:51")
    text = text.replace("/zwgk/ghxx/gzjzqk/202312/t20231219_83454.htm", f.path)
    return text.replace('content="83454"', f'content="{doc.doc_id}"')


ARTICLES = {"007": article_007, "008": article_008, "013": article_013}


def static_response(column: Column, docs: list[Doc]) -> Response:
    return html_response(static_list_page(column, docs))


def list_response(column: Column, items: list[Doc], current: int, count: int) -> Response:
    return html_response(list_page(column, items, current, count, column.pager), "gbk")


# --- the portal ------------------------------------------------------------------------------------


def build() -> FixturePortal:
    pages = Pages()
    columns = {c.slug: _docs(c, 2_748_000 + n * 100) for n, c in enumerate(COLUMNS)}
    news = _docs(NEWS, 3_100_000)
    everything = [d for docs in columns.values() for d in docs] + news
    for doc in everything:
        pages.add(doc.fixture.path, lambda d=doc: html_response(ARTICLES[d.template](d)))
    attachments: dict[str, str] = {}
    for doc in everything:
        for path in doc.fixture.attachments:
            kind = path.rsplit(".", 1)[1]
            attachments[path] = "\n".join(files.EXPECTED_TEXT[kind])
            pages.add(
                path, lambda k=kind: bytes_response(files.BUILDERS[k](), files.CONTENT_TYPES[k])
            )
    for column in COLUMNS:
        docs = columns[column.slug]
        if column.pager == "static":
            for path in (column.path, column.path + "index.html"):
                pages.add(path, partial(static_response, column, docs))
            continue
        chunks = pages_of(docs, column.per_page)
        for n, chunk in enumerate(chunks):
            page = partial(list_response, column, chunk, n, len(chunks))
            pages.add(column.path + (f"index_{n}.html" if n else "index.html"), page)
            if n == 0:
                pages.add(column.path, page)

    def rebased(column: Column, items: list[Doc]) -> Response:
        return html_response(rebase(list_page(column, items, 0, 1, "none"), LIST_AT), "gbk")

    def link(path: str, name: str, date: str) -> Doc:
        return Doc(FixtureDocument(path, name, "", date), path, "", 0, "")

    entry = [link(c.path, c.name, columns[c.slug][0].fixture.publish_date) for c in COLUMNS]
    news_items = [link(d.fixture.path, d.fixture.title, d.fixture.publish_date) for d in news]
    section = Column("xxgk", "信息公开", SECTION, "none", 0, 0, "")
    home = Column("home", "首页", "/", "none", 0, 0, "")
    for paths, column, items in (
        ((SECTION, SECTION + "index.html"), section, entry),
        (("/", "/index.html"), home, [link(SECTION, "信息公开", "2024-06-28"), *news_items]),
        ((NEWS.path, NEWS.path + "index.html"), NEWS, news_items),
    ):
        for path in paths:
            pages.add(path, partial(rebased, column, items))

    empty_column = re.compile(r"^/xxgk/(?:[a-z]+/){1,4}(?:index\.html)?$")

    def router(request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return Response(405, (("Allow", "GET, HEAD"),))
        found = pages.get(request.path)
        if found is None and empty_column.match(request.path):  # other nav columns: no items
            return rebased(Column("x", "信息公开目录", request.path, "rendered", 0, 0, ""), [])
        return found or not_found()

    documents = tuple(d.fixture for docs in columns.values() for d in docs)
    outside = ("/", "/index.html", NEWS.path + "index.html", *(d.fixture.path for d in news))
    return FixturePortal(
        name="trs",
        family="TRS WCM",
        start_paths=(SECTION + "index.html",),
        section_prefixes=(SECTION,),
        documents=documents,
        outside_paths=outside,
        router=router,
        attachments=attachments,
        notes="lists GBK; pagers: document.write (rendered and script-only), createPageHTML; "
        "018 static blocks with .htm/.shtml and cross-column links",
    )
