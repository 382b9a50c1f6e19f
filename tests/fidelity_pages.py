"""Fixture article pages for extraction fidelity: the documents an archive must not damage.

Texts are tests/data/fidelity/*.txt (written for zwgk in the genres and the style of real county
portal pages; see tests/data/PROVENANCE.md), plus two documents without text of their own. Each
becomes a page in the three layouts of tests/layouts.py, with the furniture those write:

- ``101`` a 集约化 "website closed and moved" notice: its body names the old site's 网站标识码,
  主办单位, ICP备案号 and a 联系电话, in the middle of the document, while the page footer carries
  the portal's own; its 落款 shares a paragraph with "审核：…";
- ``102`` a 政府信息公开指南 whose contact lines (办公地址, 邮政编码, 联系电话) are content, the last
  ones at the very end of the body;
- ``103`` a news item with "（作者：…）" closing its last paragraph and 责任编辑 / 校对 / 审核 credits
  under it;
- ``104`` and ``105`` titles as published: "question？——subtitle" and an internal space;
- ``106`` a 图解 page: title, date, and a body of images with alt texts only;
- ``107`` a page whose body is one attachment link.

``FidelityPage`` carries what a faithful extraction gives: the body paragraphs (lines of the text;
a credit line is found in the metadata instead), the credits, the body images. Plain values only:
nothing here imports the crawler.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import layouts
from layouts import FANGCHENG, SeedDoc, fold
from testdata import FIDELITY_TEXTS as TEXTS

CREDIT_LABELS = ("责任编辑", "编辑", "校对", "审核", "作者")


@dataclass(frozen=True)
class FidelityDoc:
    key: str
    title: str
    publish_date: str
    publisher: str
    column: str
    index_no: str
    doc_no: str | None = None


@dataclass(frozen=True)
class FidelityPage:
    name: str  # "101-modern"
    layout: str
    url: str
    html: str
    doc: SeedDoc
    paragraphs: tuple[str, ...]  # the main content, as lines (credit lines: found in metadata);
    # for the 图解 page, the text it has: its images' alt texts
    credits: dict[str, str]  # label -> value the metadata must hold
    images: tuple[str, ...]  # absolute URLs of the body images, in page order
    image_only: bool
    boilerplate: tuple[str, ...]  # the furniture the layout wrote


DOCS = (
    FidelityDoc("101", "关于方城县农业农村局网站关停整合的公告", "2024-03-15", "方城县农业农村局",
                "通知公告", "11411322005534617X/2024-00021"),
    FidelityDoc("102", "方城县农业农村局政府信息公开指南", "2024-01-10", "方城县农业农村局",
                "政府信息公开指南", "11411322005534617X/2024-00002"),
    FidelityDoc("103", "县农业农村局开展春季农业生产技术培训", "2024-03-13", "方城县农业农村局",
                "工作动态", "11411322005534617X/2024-00018"),
    FidelityDoc("104", "如何申请公开政府信息？——县政府办公室负责人就政府信息公开申请答记者问",
                "2024-04-08", "方城县人民政府办公室", "政策解读", "11411322005534588M/2024-00031"),
    FidelityDoc("105", "河南15部门联合出台实施意见 “多证合一”改革再升级", "2024-02-21",
                "方城县市场监督管理局", "政策解读", "11411322MB1563104F/2024-00009"),
    FidelityDoc("106", "图解：2024年方城县政府工作报告", "2024-02-05", "方城县人民政府办公室",
                "政策解读", "11411322005534588M/2024-00012"),
    FidelityDoc("107", "方城县农业农村局2024年部门预算公开", "2024-03-01", "方城县农业农村局",
                "财政预决算", "11411322005534617X/2024-00015"),
)  # fmt: skip
IMAGES_106 = (
    ("W020240205356712840011.png", "图解2024年方城县政府工作报告：2023年工作回顾"),
    ("W020240205356713120235.png", "图解2024年方城县政府工作报告：2024年主要预期目标"),
    ("W020240205356713352479.png", "图解2024年方城县政府工作报告：2024年重点工作"),
)
ATTACHMENT_107 = ("P020240301553123611840.pdf", "方城县农业农村局2024年部门预算.pdf")


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def text_lines(key: str) -> tuple[str, ...]:
    """A fidelity text's lines after its title line."""
    (path,) = sorted(TEXTS.glob(f"{key}_*.txt"))
    lines = [fold(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return tuple(line for line in lines[1:] if line)


def text_paths() -> list[Path]:
    paths = sorted(TEXTS.glob("*.txt"))
    assert paths, f"no fidelity texts in {TEXTS}"
    return paths


def seed_doc(doc: FidelityDoc, paragraphs: tuple[str, ...]) -> SeedDoc:
    return SeedDoc(
        key=doc.key,
        seed="",
        site=FANGCHENG,
        column=doc.column,
        title=doc.title,
        publish_date=doc.publish_date,
        publish_time="09:00",
        publisher=doc.publisher,
        source=doc.publisher,
        index_no=doc.index_no,
        doc_no=doc.doc_no,
        category=layouts.CATEGORY,
        paragraphs=paragraphs,
    )


def _p(line: str, layout: str) -> str:
    if layout == "table":
        return f"&nbsp;&nbsp;&nbsp;&nbsp;{esc(line)}<br>\n"
    indent = "　　" if layout == "pinyin" else ""
    return f'<p style="text-indent: 2em;">{indent}{esc(line)}</p>\n'


def paragraphs_html(lines: tuple[str, ...], layout: str) -> str:
    return "".join(_p(line, layout) for line in lines)


def split_credit(line: str) -> tuple[str, dict[str, str]]:
    """A line without the credit that ends it, and that credit: "…。（作者：张三）" ->
    ("…。", {"作者": "张三"}); "审核：赵建国" -> ("", {"审核": "赵建国"})."""
    for label in CREDIT_LABELS:
        for opener, closer in (("（", "）"), ("", "")):
            mark = f"{opener}{label}："
            if mark in line and line.endswith(closer):
                head, value = line.rsplit(mark, 1)
                return fold(head), {label: value.removesuffix(closer) if closer else value}
    return line, {}


def body_of(doc: FidelityDoc, layout: str) -> tuple[str, tuple[str, ...], dict[str, str]]:
    """(body HTML, expected paragraphs, expected credits) of a text document in a layout."""
    lines = text_lines(doc.key)
    credits: dict[str, str] = {}
    for line in lines:
        credits.update(split_credit(line)[1])
    if doc.key != "101":
        return paragraphs_html(lines, layout), lines, credits
    # the 落款 and the 审核 credit in one right-aligned paragraph: lines, or one line (pinyin)
    *main, issuer, day, credit = lines
    joiner = "&nbsp;&nbsp;" if layout == "pinyin" else "<br>"
    shared = joiner.join(map(esc, (issuer, day, credit)))
    body = (
        "".join(_p(line, layout) for line in main) + f'<p style="text-align: right;">{shared}</p>'
    )
    last = (f"{issuer} {day} {credit}",) if layout == "pinyin" else (issuer, day, credit)
    return body, (*main, *last), credits


def media_body(
    doc: FidelityDoc, layout: str, base: str
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(body HTML, paragraphs, image URLs) of the 图解 and the attachment-only documents."""
    folder = base.rsplit("/", 1)[0]
    if doc.key == "106":
        imgs = "".join(
            f'<p style="text-align: center;"><img src="./{name}" alt="{esc(alt)}" '
            f'width="800" border="0"></p>\n'
            for name, alt in IMAGES_106
        )
        alts = tuple(alt for _, alt in IMAGES_106)  # its text: what text it has, the alt texts
        return imgs, alts, tuple(f"{folder}/{name}" for name, _ in IMAGES_106)
    name, text = ATTACHMENT_107
    link = f'<p>附件：<a href="./{name}" target="_blank">{esc(text)}</a></p>\n'
    return link, (f"附件：{text}",), ()


@cache
def fidelity_pages() -> tuple[FidelityPage, ...]:
    """Every fidelity document in every layout: 7 documents × 3 layouts."""
    pages = []
    for layout, render in layouts.LAYOUTS.items():
        for doc in DOCS:
            url = (
                f"http://{FANGCHENG.host}/zwgk/{layout}/{doc.publish_date.replace('-', '')}"
                f"/t_{doc.key}.html"
            )
            images: tuple[str, ...] = ()
            credits: dict[str, str] = {}
            if doc.key in ("106", "107"):
                body, paragraphs, images = media_body(doc, layout, url)
            else:
                body, paragraphs, credits = body_of(doc, layout)
            seed = seed_doc(doc, paragraphs)
            page, pieces = render(seed, body)
            if doc.key == "103" and layout == "pinyin":  # credits under the body, not in it
                lines = [line for line in text_lines("103") if line[:2] in ("责任", "校对", "审核")]
                page = page.replace(body, "".join(_p(p, layout) for p in paragraphs[: -len(lines)]))
                under = "&nbsp;&nbsp;".join(map(esc, lines))
                page = page.replace(
                    '<div class="dy">', f'<div class="zrbj">{under}</div>\n<div class="dy">'
                )
            boilerplate = tuple(
                dict.fromkeys(p for p in pieces if p != doc.title and any(ch.isalnum() for ch in p))
            )
            pages.append(
                FidelityPage(
                    name=f"{doc.key}-{layout}",
                    layout=layout,
                    url=url,
                    html=page,
                    doc=seed,
                    paragraphs=paragraphs,
                    credits=credits,
                    images=images,
                    image_only=doc.key == "106",
                    boilerplate=boilerplate,
                )
            )
    return tuple(pages)
