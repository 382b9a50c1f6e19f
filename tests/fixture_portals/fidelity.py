"""Extraction-fidelity portal: the documents of tests/fidelity_pages.py inside real TRS pages.

One column, listed by 018.html (pingtan.gov.cn, static blocks), whose articles are 013.html
(TRS_Editor container, 附件下载 block) or 015.html (kepu.gov.cn, no known container: the body is
located). Every page keeps its real header and footer (网站标识码, 备案号, 主办 lines of the real
portals), which must not leak into texts, while the documents' own 网站标识码 / 主办单位 / 联系电话
lines must stay. The 图解 document's body is three PNG infographics, the attachment-only
document's body one PDF link.

    /xxgk/ghxx/tzgg/index.html                       the column (018 static blocks)
    /xxgk/ghxx/tzgg/YYYYMM/tYYYYMMDD_51NN.htm       documents
    /xxgk/ghxx/tzgg/202402/W0202402053567….png      the infographics (image/png)
    /xxgk/ghxx/tzgg/202403/P0202403015531….pdf      the attachment
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import fidelity_pages as texts

from . import attachments as files
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
    not_found,
)
from .images import build_png

COLUMN = trs.Column("tzgg", "通知公告", "/xxgk/ghxx/tzgg/", "static", 0, 0, "013")
LOCATED = ("101", "105")  # documents in the 015.html shell: no container, the body is located


@dataclass(frozen=True)
class Article:
    doc: texts.FidelityDoc
    fixture: FixtureDocument
    stem: str
    doc_id: int

    @property
    def folder(self) -> str:
        return self.fixture.path.rsplit("/", 1)[0]


def articles() -> list[Article]:
    found = []
    for n, doc in enumerate(texts.DOCS):
        ymd = doc.publish_date.replace("-", "")
        doc_id = 5101 + n
        stem = f"t{ymd}_{doc_id}"
        path = f"{COLUMN.path}{ymd[:6]}/{stem}.htm"
        attached = (
            (f"{COLUMN.path}{ymd[:6]}/{texts.ATTACHMENT_107[0]}",) if doc.key == "107" else ()
        )
        found.append(
            Article(
                doc,
                FixtureDocument(path, doc.title, COLUMN.name, doc.publish_date, attached),
                stem,
                doc_id,
            )
        )
    return found


def image_paths(article: Article) -> list[str]:
    if article.doc.key != "106":
        return []
    return [f"{article.folder}/{name}" for name, _ in texts.IMAGES_106]


def body(article: Article) -> tuple[str, str]:
    """(the body HTML, the credits line printed under it)."""
    key = article.doc.key
    if key == "106":
        return texts.media_body(article.doc, "modern", article.fixture.path)[0], ""
    if key == "107":
        return texts.media_body(article.doc, "modern", article.fixture.path)[0], ""
    lines = texts.text_lines(key)
    if key == "103":  # the 作者 credit closes the last paragraph; the others sit under the body
        under = [line for line in lines if line.startswith(("责任编辑", "校对", "审核"))]
        lines = tuple(line for line in lines if line not in under)
        return texts.paragraphs_html(lines, "modern"), "&nbsp;&nbsp;".join(map(esc, under))
    return texts.body_of(article.doc, "modern")[0], ""


def article_013(article: Article) -> str:
    text = localise(corpus_page("013"), trs.PINGTAN)
    f = article.fixture
    real = "区公安局2023年第四季度易制毒化学品企事业“双随机”抽查情况"
    inner, under = body(article)
    text = cut(text, "<div class=TRS_Editor>", "</div>\n\t\t\t\t\t\t\t\t\t</div>", inner)
    links = "".join(
        f'\n\t\t\t\t\t\t\t\t\t\t\t<li><a href="./{p.rsplit("/", 1)[1]}" target="_blank">'
        f"{esc(texts.ATTACHMENT_107[1])}</a></li>"
        for p in f.attachments
    )
    text = cut(
        text,
        '<div class="list_base primary_color list_base_date_02 mar_t_small mar_t_base0_sm">\n\t\t\t\t\t\t\t\t\t\t<ul>',
        "\n\t\t\t\t\t\t\t\t\t\t</ul>",
        links,
    )
    shown = texts.ATTACHMENT_107[1] if f.attachments else ""
    text = text.replace(f"'{real}表.XLS'!=''", f"'{shown}'!=''")
    if under:
        text = text.replace(
            '<span class="article_source">',
            f'<span class="article_editor">{under}</span>\n\t\t\t\t\t\t\t\t\t\t\t<span class="article_source">',
        )
    text = text.replace(real, esc(f.title)).replace("2023-12-19 08:51", f"{f.publish_date} 09:00")
    text = text.replace("/zwgk/ghxx/gzjzqk/202312/t20231219_83454.htm", f.path)
    text = text.replace("工作进展情况", COLUMN.name)
    return text.replace('content="83454"', f'content="{article.doc_id}"')


def article_015(article: Article) -> str:
    text = localise(corpus_page("015"), ("www.kepu.gov.cn",))
    f = article.fixture
    real = "习近平主持召开深入推进长三角一体化发展座谈会"
    inner, _ = body(article)
    text = cut(text, '<div class="detil-new-cont" id="content">', "\n        </div>", "\n" + inner)
    text = text.replace('<div style="text-align: right;">编辑：毛梦囡</div>', "")
    text = text.replace("<li>来源：新华社</li>", f"<li>来源：{esc(article.doc.publisher)}</li>")
    text = text.replace("2023-12-01 14:43", f"{f.publish_date} 09:00")
    return text.replace(real, esc(f.title))


def list_response(items: list[Article]) -> Response:
    docs = [
        trs.Doc(
            a.fixture, f"./{a.fixture.path.split('/')[-2]}/{a.stem}.htm", "013", a.doc_id, a.stem
        )
        for a in items
    ]
    text = trs.static_list_page(COLUMN, docs).replace("工作进展情况", COLUMN.name)
    return html_response(text)


def build() -> FixturePortal:
    pages = Pages()
    found = articles()
    for article in found:
        render = article_015 if article.doc.key in LOCATED else article_013
        pages.add(article.fixture.path, lambda a=article, r=render: html_response(r(a)))
        for seed, path in enumerate(image_paths(article)):
            pages.add(path, lambda s=seed: bytes_response(build_png(800, 1200, s), "image/png"))
        for path in article.fixture.attachments:
            pages.add(path, lambda: bytes_response(files.build_pdf(), files.CONTENT_TYPES["pdf"]))
    for path in (COLUMN.path, COLUMN.path + "index.html"):
        pages.add(path, lambda: list_response(found))
    other_column = re.compile(r"^/xxgk/(?:[a-z]+/){1,3}(?:index\.html)?$")

    def router(request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD"):
            return Response(405, (("Allow", "GET, HEAD"),))
        found = pages.get(request.path)
        if found is None and other_column.match(request.path):  # the shell's other columns
            return list_response([])
        return found or not_found()

    return FixturePortal(
        name="fidelity",
        family="TRS WCM (fidelity documents)",
        start_paths=(COLUMN.path + "index.html",),
        section_prefixes=(COLUMN.path,),
        documents=tuple(a.fixture for a in found),
        outside_paths=(),
        router=router,
        attachments={
            p: "\n".join(files.EXPECTED_TEXT["pdf"]) for a in found for p in a.fixture.attachments
        },
        notes="a closure notice, a disclosure guide, credits, titles with 破折号 and spaces, a 图解 "
        "page of PNG images, an attachment-only page; real TRS headers and footers around them",
    )
