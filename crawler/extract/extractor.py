"""Extraction stage: one fetched HTML page -> clean body text, 政务公开 metadata, attachments.

parse -> drop junk (scripts, hidden elements, extension junk) -> read metadata (meta tags and the
visible label/value lines, crawler/extract/metadata.py) -> find the body -> drop page furniture
(crawler/extract/boilerplate.py) -> body lines -> drop boilerplate lines.

The body: the content container of a known CMS (Ucap <ucapcontent>, TRS_Editor, Hanweb
ContentStart, …) is read directly; on other templates trafilatura finds the body paragraphs and the
smallest element holding them all is read. Reading the element ourselves keeps every paragraph on
its own line (short ones such as "各位代表：" too) and data-table rows as "a | b | c" lines.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from w3lib.encoding import html_to_unicode

from crawler.discovery.urls import is_attachment_url
from crawler.exceptions import ExtractionError
from crawler.extract import boilerplate, metadata
from crawler.text.normalise import fold_space

EXTRACTOR_VERSION = f"zwgk-extract/2 trafilatura/{trafilatura.__version__}"

# content containers of the CMS families seen on county portals, most specific first
CONTAINER_XPATHS = (
    "//ucapcontent",
    "//*[@id='UCAP-CONTENT']",
    "//meta[@name='ContentStart']/..",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_UEDITOR ')]",
    "//*[@id='zoom' or @id='Zoom' or @id='zoomcon' or @id='fontzoom']",
)
MIN_CONTAINER_CHARS = 20
MIN_ANCHOR_CHARS = 10
HEAD_LINE_CHARS = 60  # lines before the first longer one are title/info lines
_BLOCK_TAG_NAMES = (
    "address article aside blockquote body caption center dd div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section table "
    "tbody tfoot thead td th tr ul ucapcontent"
)
BLOCK_TAGS = frozenset(_BLOCK_TAG_NAMES.split())
_BLOCK_STYLE_RE = re.compile(r"display\s*:\s*(?:block|flex|list-item|table)", re.IGNORECASE)
_NEWLINE_IN_CJK_RE = re.compile(
    r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])[ \t\r]*\n\s*(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])"
)
_NO_SPACE_RE = re.compile(r"[\s\u00a0\u3000\\]+")
_HTML_HINT_RE = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|div|p|table|meta|title)\b", re.I)
MAX_DATA_CELL_CHARS = 300


@dataclass(frozen=True)
class Attachment:
    url: str  # absolute URL
    name: str  # link text (or file name)


@dataclass(frozen=True)
class Extracted:
    url: str
    title: str | None
    text: str  # one paragraph per line; data-table rows as "a | b | c"
    publish_date: str | None  # ISO YYYY-MM-DD
    publish_date_raw: str | None  # as on the page
    publisher: str | None  # 发布机构, else 来源
    index_no: str | None  # 索引号
    doc_no: str | None  # 文号
    category: str | None  # 主题分类
    written_date: str | None  # 成文日期, ISO
    validity: str | None  # 有效性
    source: str | None  # 来源
    metadata_raw: dict[str, str]  # visible label -> raw value; "meta:<name>" -> meta tag value
    attachments: tuple[Attachment, ...]

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["attachments"] = [{"url": a.url, "name": a.name} for a in self.attachments]
        data["metadata_raw"] = dict(self.metadata_raw)
        return data


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode raw bytes as a browser would: HTTP charset, BOM, <meta charset>, then detection.

    Returns (text, encoding name such as 'utf-8' or 'gb18030'; GBK/GB2312 pages decode as the
    gb18030 superset).
    """
    encoding, text = html_to_unicode(content_type, body)
    return text, codecs.lookup(encoding).name


class Extractor:
    """Turns HTML into Extracted. Build once and reuse: the parser and trafilatura's options are
    made here, with a config of our own (never trafilatura's module-wide one) and dedup off."""

    def __init__(self) -> None:
        self._parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
        config = trafilatura.settings.use_config()  # a fresh ConfigParser, not DEFAULT_CONFIG
        config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
        self._options = trafilatura.settings.Extractor(
            config=config,
            output_format="python",
            comments=False,
            tables=True,
            dedup=False,
            with_metadata=False,
        )

    def extract(self, html: str, url: str) -> Extracted:
        """Extract one page; raises ExtractionError for non-HTML, empty or unparseable input."""
        tree = self._parse(html)
        try:
            return self._extract(tree, url)
        except RecursionError as exc:
            raise ExtractionError("page too deeply nested to read") from exc

    def _parse(self, html: str) -> HtmlElement:
        if not isinstance(html, str) or not html.strip():
            raise ExtractionError("empty document")
        if html.lstrip().startswith("%PDF") or not _HTML_HINT_RE.search(html[:20000]):
            raise ExtractionError("not an HTML document")
        try:
            tree = lxml.html.document_fromstring(
                html.encode("utf-8", "replace"), parser=self._parser
            )
        except (etree.ParserError, ValueError) as exc:
            raise ExtractionError(f"unparseable HTML ({exc})") from exc
        if tree is None or tree.find("body") is None:
            raise ExtractionError("HTML without a body")
        return tree

    def _extract(self, tree: HtmlElement, url: str) -> Extracted:
        boilerplate.drop_junk(tree)
        meta = metadata.meta_tags(tree)
        body = tree.find("body")
        container = find_container(tree)
        page_lines = tree_lines(body, skip=container)
        labels = metadata.parse_labels(page_lines)
        fields = metadata.fields_from_labels(labels)
        title = metadata.find_title(tree, meta)

        raw: dict[str, str] = dict(labels)
        used_meta = [
            metadata.meta_value(meta, names)
            for names in (
                metadata.META_TITLE_NAMES,
                metadata.META_DATE_NAMES,
                metadata.META_SOURCE_NAMES,
            )
        ]
        for hit in used_meta:
            if hit:
                raw[f"meta:{hit[0]}"] = hit[1]
        date_raw = fields["publish_date"] or metadata.date_after_title(page_lines, title)
        if date_raw is None and used_meta[1]:
            date_raw = used_meta[1][1]
        source = fields["source"] or (used_meta[2][1] if used_meta[2] else None)

        boilerplate.drop_furniture(tree, keep=container)
        attachments = find_attachments(tree, base_url(tree, url))
        if container is not None:
            lines = tree_lines(container)
        else:
            lines = self._located_body_lines(tree, title)
        lines = _without_leading_title(boilerplate.filter_lines(lines), title)
        return Extracted(
            url=url,
            title=title,
            text="\n".join(lines),
            publish_date=metadata.normalise_date(date_raw),
            publish_date_raw=date_raw,
            publisher=fields["publisher"] or source,
            index_no=fields["index_no"],
            doc_no=fields["doc_no"],
            category=fields["category"],
            written_date=metadata.normalise_date(fields["written_date"]),
            validity=fields["validity"],
            source=source,
            metadata_raw=raw,
            attachments=attachments,
        )

    def _located_body_lines(self, tree: HtmlElement, title: str | None) -> list[str]:
        """Body lines of a page without a known container: trafilatura picks the paragraphs, we
        read the smallest element holding them all (or trafilatura's own text, failing that)."""
        document = trafilatura.bare_extraction(tree, options=self._options)
        if document is None or not document.text:
            return []
        text_lines = [fold_space(line) for line in document.text.split("\n")]
        pieces = (piece.strip() for line in text_lines for piece in line.split("|"))
        anchors = [
            piece
            for piece in pieces
            if len(piece) >= MIN_ANCHOR_CHARS
            and piece != title
            and not metadata.is_metadata_line(piece)
            and not boilerplate.is_boilerplate_line(piece)
        ]
        holder = _common_holder(tree, anchors)
        if holder is not None and holder.tag not in ("body", "html"):
            lines = tree_lines(holder)
        else:
            lines = [
                _markdown_row(line) for line in text_lines if line and not _RULE_RE.match(line)
            ]
        return _strip_metadata_edges(lines)


_RULE_RE = re.compile(r"^\|?\s*:?-{3,}")


def _without_leading_title(lines: list[str], title: str | None) -> list[str]:
    """Without the title heading where it was read with the body (title is a field of its own)."""
    start = 0
    while title and start < len(lines) and metadata.clean_title(lines[start]) == title:
        start += 1
    return lines[start:]


def _markdown_row(line: str) -> str:
    if line.startswith("|") and line.endswith("|"):
        return " | ".join(cell.strip() for cell in line.strip("|").split("|"))
    return line


def _strip_metadata_edges(lines: list[str]) -> list[str]:
    """Without the label/value lines around the body (the short lines before the first
    paragraph, the lines after the last one)."""
    end = len(lines)
    while end > 0 and metadata.is_metadata_line(lines[end - 1]):
        end -= 1
    head = 0
    while head < end and len(lines[head]) <= HEAD_LINE_CHARS:
        head += 1
    return [
        line
        for i, line in enumerate(lines[:end])
        if i >= head or not metadata.is_metadata_line(line)
    ]


def _common_holder(tree: HtmlElement, anchors: list[str]) -> HtmlElement | None:
    """The deepest element that holds every anchor paragraph."""
    leaves = [
        (el, _NO_SPACE_RE.sub("", el.text_content()))
        for el in tree.iter()
        if isinstance(el.tag, str) and el.tag in BLOCK_TAGS and not _has_block_child(el)
    ]
    paths: list[list[HtmlElement]] = []
    cursor = 0
    for anchor in anchors:
        snippet = _NO_SPACE_RE.sub("", anchor)[:60]
        order = list(range(cursor, len(leaves))) + list(range(cursor))
        for index in order:
            if snippet in leaves[index][1]:
                cursor = index
                el = leaves[index][0]
                paths.append([*reversed(list(el.iterancestors())), el])
                break
    if not paths:
        return None
    common = paths[0]
    for path in paths[1:]:
        depth = 0
        while depth < min(len(common), len(path)) and common[depth] is path[depth]:
            depth += 1
        common = common[:depth]
    return common[-1] if common else None


def _has_block_child(el: HtmlElement) -> bool:
    return any(
        isinstance(child.tag, str) and child.tag in BLOCK_TAGS for child in el.iterdescendants()
    )


def base_url(tree: HtmlElement, url: str) -> str:
    base = tree.find(".//base[@href]")
    return urljoin(url, base.get("href").strip()) if base is not None else url


def find_container(tree: HtmlElement) -> HtmlElement | None:
    """The body container of a known CMS template, if the page has one with text in it."""
    for xpath in CONTAINER_XPATHS:
        candidates = [(len(el.text_content().strip()), el) for el in tree.xpath(xpath)]
        if candidates:
            size, best = max(candidates, key=lambda pair: pair[0])
            if size >= MIN_CONTAINER_CHARS:
                return best
    return None


def find_attachments(tree: HtmlElement, base: str) -> tuple[Attachment, ...]:
    """Links to document files (discovery.urls.is_attachment_url) left on the cleaned page."""
    found: dict[str, Attachment] = {}
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
            continue
        if not is_attachment_url(href):
            continue
        parts = urlsplit(href)
        absolute = urljoin(base, href)
        name = fold_space(link.text_content()) or unquote(parts.path.rsplit("/", 1)[-1])
        found.setdefault(absolute, Attachment(url=absolute, name=name))
    return tuple(found.values())


def tree_lines(root: HtmlElement, skip: HtmlElement | None = None) -> list[str]:
    """The visible text under ``root`` as lines: one per block element or <br>, data-table rows
    as cells joined with " | "; ``skip`` (and what is under it) is left out."""
    parts: list[str] = []
    _walk(root, parts, skip)
    lines = (fold_space(line) for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


def _inline(text: str) -> str:
    return _NEWLINE_IN_CJK_RE.sub("", text).replace("\n", " ")


def _walk(el: HtmlElement, parts: list[str], skip: HtmlElement | None) -> None:
    if el is skip or not isinstance(el.tag, str):
        return
    tag = el.tag
    if tag == "br":
        parts.append("\n")
        return
    if tag == "table" and _is_data_table(el):
        parts.append("\n")
        for row in _rows(el):
            cells = [" ".join(tree_lines(cell, skip)) for cell in row if cell.tag in ("td", "th")]
            if any(cells):
                parts.append(metadata.CELL_SEP.join(cells) + "\n")
        return
    block = tag in BLOCK_TAGS or bool(_BLOCK_STYLE_RE.search(el.get("style") or ""))
    if block:
        parts.append("\n")
    if el.text:
        parts.append(_inline(el.text))
    for child in el:
        _walk(child, parts, skip)
        if child.tail:
            parts.append(_inline(child.tail))
    if block:
        parts.append("\n")


def _rows(table: HtmlElement) -> list[HtmlElement]:
    return [row for row in table.iter("tr") if next(row.iterancestors("table"), None) is table]


def _is_data_table(table: HtmlElement) -> bool:
    """A table of data (kept as rows), not a layout table holding paragraphs (read as blocks)."""
    rows = _rows(table)
    if not rows or any(inner is not table for inner in table.iter("table")):
        return False
    if max(sum(1 for cell in row if cell.tag in ("td", "th")) for row in rows) < 2:
        return False
    for cell in table.iter("td", "th"):
        if len(cell.text_content()) > MAX_DATA_CELL_CHARS:
            return False
        if sum(1 for _ in cell.iter("p", "div", "br", "li")) > 2:
            return False
    return True
