"""集约化 platform portal (jyt.gansu.gov.cn style): zwgklist.shtml lists under a catalogue tree.

Every page is 016.html kept as found: <meta name="channelId">, <meta name="code">, the big left-nav
catalogue (政府信息公开目录 / 法定主动公开内容 / 年报 2008-2024) and, inside an HTML comment, the
saved item list with the original pager call createPageHTML('page_div',10, 1,'zwgklist','shtml',200)
(a trap: those ten pages and the commented items do not exist). After the comment the fixture
adds the live list and a live createPageHTML('page_div', P, n, 'zwgklist', 'shtml', N):

    /jyt/c107268/zwgk.shtml                        section entry (latest documents)
    /jyt/cNNNNNN/zwgklist.shtml, zwgklist_2.shtml  column lists, 20 a page
    /jyt/cNNNNNN/YYYYMM/NNNNNNNNN.shtml            documents
Columns of the tree without documents answer an empty list. No real article page of this
platform was saved, so an article is 016.html's shell with the list swapped for the document.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache, partial

from .base import (
    FixtureDocument,
    FixturePortal,
    Pages,
    Request,
    Response,
    corpus_page,
    esc,
    html_response,
    localise,
    make_date,
    make_title,
    not_found,
    pages_of,
    paragraphs_for,
)

OWN = ("jyt.gansu.gov.cn",)
PER_PAGE = 20
ENTRY = "/jyt/c107268/zwgk.shtml"
COMMENT_END = "-->\n\n                        </ul>"


@dataclass(frozen=True)
class Column:
    code: str
    name: str
    count: int

    @property
    def dir(self) -> str:
        return f"/jyt/{self.code}/"


COLUMNS = (
    Column("c110311", "政策法规", 45),
    Column("c240101", "重要会议", 25),
    Column("c107274", "政策解读", 12),
    Column("c250121", "2024", 1),
)
NEWS = Column("c120301", "教育要闻", 3)
NEWS_LIST = "/jyt/c120301/jytjydt_jyyw.shtml"


@cache
def tree_dirs() -> tuple[str, ...]:
    """The column folders of 016.html's catalogue tree (规章 … 依申请公开): the section."""
    text = corpus_page("016")
    start, end = text.index('<div class="dl_nav01">'), text.index('<div class="scroll_main1">')
    return tuple(
        sorted(
            set(re.findall(r'href="(?:https?://jyt\.gansu\.gov\.cn)?(/jyt/c\d+/)', text[start:end]))
        )
    )


def _docs(column: Column, offset: int) -> list[FixtureDocument]:
    found = []
    for i in range(column.count):
        date = make_date(i, "2024-06-25")
        path = f"{column.dir}{date[:7].replace('-', '')}/{174_160_000 + offset + i}.shtml"
        county = "甘肃省教育厅" if column is not NEWS else "全省教育"
        found.append(
            FixtureDocument(path, make_title(county, offset + i, int(date[:4])), column.name, date)
        )
    return found


def _shell(code: str, name: str) -> str:
    text = localise(corpus_page("016"), OWN)
    text = text.replace(
        '<meta name="code" content="c110634">', f'<meta name="code" content="{code}">'
    )
    channel = hashlib.md5(code.encode()).hexdigest()
    text = text.replace("e5eb2abb5014415399847ba2bb99b31f", channel)
    text = text.replace('content="文件通知"', f'content="{esc(name)}"')
    text = text.replace("<title>文件通知 - ", f"<title>{esc(name)} - ")
    return text.replace(
        '<a style="cursor: default;">文件通知</a>', f'<a style="cursor: default;">{esc(name)}</a>'
    )


def list_page(
    code: str, name: str, items: list[FixtureDocument], page: int, pages: int, total: int
) -> str:
    text = _shell(code, name)
    lis = "".join(
        f"""
                                <li>
                                    <a target="_blank" href="{d.path}" title="{esc(d.title)}">
                                        {esc(d.title)}
                                    </a>
                                    <b>{d.publish_date}</b>
                                </li>
"""
        for d in items
    )
    text = text.replace(COMMENT_END, "-->\n" + lis + "\n                        </ul>")
    text = text.replace(
        '<input id="page" type="hidden" value="1">',
        f'<input id="page" type="hidden" value="{page}">',
    )
    live = (
        '\n                            <script type="text/javascript" src="/jyt/xhtml/js/page.js"></script>'
        f"<script>createPageHTML('page_div',{pages}, {page},'zwgklist','shtml',{total});</script>"
        if pages
        else ""
    )
    return text.replace('<div id="page_div"></div>', '<div id="page_div"></div>' + live)


def list_response(
    code: str, name: str, items: list[FixtureDocument], page: int, pages: int, total: int
) -> Response:
    return html_response(list_page(code, name, items, page, pages, total))


def article_page(doc: FixtureDocument, column: Column) -> str:
    text = _shell(column.code, column.name)
    start = text.index('<div class="zfxxgk_zdgkc"')
    end = text.index('<div class="clear"></div>', start)
    serial = doc.path.rsplit("/", 1)[1].removesuffix(".shtml")
    paragraphs = "\n".join(
        f'<p style="text-indent: 2em;">{esc(p)}</p>' for p in paragraphs_for(doc.path, 4)
    )
    article = f"""<div class="zfxxgk_zdgkc" style=" padding:0px 20px;">
                        <table class="xxgk_table" width="100%" cellspacing="0" cellpadding="0" border="0">
                            <tr><td class="td_lable">索&nbsp;引&nbsp;号：</td><td>11620000013897953F/{doc.publish_date[:4]}-{serial[-5:]}</td>
                                <td class="td_lable">发布机构：</td><td>甘肃省教育厅</td></tr>
                            <tr><td class="td_lable">发文日期：</td><td>{doc.publish_date}</td>
                                <td class="td_lable">主题分类：</td><td>{esc(column.name)}</td></tr>
                        </table>
                        <div class="xxgk_title"><h1>{esc(doc.title)}</h1></div>
                        <div class="notice_content" id="zoom">
{paragraphs}
                        </div>
                    </div>
                </div>
                """
    text = text[:start] + article + text[end:]
    return text.replace(f"<title>{esc(column.name)} - ", f"<title>{esc(doc.title)} - ", 1)


def build() -> FixturePortal:
    pages = Pages()
    columns = {c.code: (c, _docs(c, n * 100)) for n, c in enumerate((*COLUMNS, NEWS))}
    for column, docs in columns.values():
        for doc in docs:
            pages.add(doc.path, lambda d=doc, c=column: html_response(article_page(d, c)))
        if column is NEWS:
            pages.add(
                NEWS_LIST, partial(list_response, column.code, column.name, docs, 1, 1, len(docs))
            )
            continue
        chunks = pages_of(docs, PER_PAGE)
        for n, chunk in enumerate(chunks, start=1):
            name = "zwgklist.shtml" if n == 1 else f"zwgklist_{n}.shtml"
            pages.add(
                column.dir + name,
                partial(list_response, column.code, column.name, chunk, n, len(chunks), len(docs)),
            )
    documents = tuple(d for c in COLUMNS for d in columns[c.code][1])
    latest = sorted(documents, key=lambda d: d.publish_date, reverse=True)[:10]
    pages.add(ENTRY, partial(list_response, "c107268", "政府信息公开", latest, 0, 0, 0))
    pages.add("/", partial(list_response, "c100000", "甘肃省教育厅", [], 0, 0, 0))
    page_re = re.compile(r"^(/jyt/c\d+/)[a-z_]+\.shtml$")

    def router(request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return Response(405, (("Allow", "GET, HEAD"),))
        found = pages.get(request.path)
        match = page_re.match(request.path)
        if found is None and match and match[1] in tree_dirs():  # catalogue columns, no documents
            return list_response(match[1].strip("/").split("/")[1], "政府信息公开", [], 1, 1, 0)
        return found or not_found()

    news = columns[NEWS.code][1]
    return FixturePortal(
        name="jiyue",
        family="集约化 platform",
        start_paths=(ENTRY,),
        section_prefixes=tree_dirs(),
        documents=documents,
        outside_paths=("/", NEWS_LIST, *(d.path for d in news)),
        router=router,
        notes="live createPageHTML('page_div', P, n, 'zwgklist', 'shtml', N) after the commented-out "
        "original (10 pages that do not exist); the section is the catalogue tree's column folders",
    )
