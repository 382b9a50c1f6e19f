"""Extraction stage: one fetched HTML page -> body text, 政务公开 metadata, credits, files.

parse -> drop junk (scripts, hidden elements, extension junk) -> read metadata (meta tags and the
visible label/value lines, metadata.py) and the title (titles.py) -> find the body (body.py) ->
drop page furniture (boilerplate.py) -> body lines (lines.py) -> editorial credits at the body's
edges into metadata (credits.py) -> chrome lines at the body's edges dropped (boilerplate.py).
Nothing inside the body is dropped because of a word it contains. A body of images only (a 图解
page) keeps what text it has: captions, alt texts, else its title; its images are listed
(images.py) so the crawl can download them like attachments.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from crawler.discovery.urls import is_attachment_url
from crawler.exceptions import ExtractionError
from crawler.extract import body, boilerplate, credits, images, metadata, nesting, titles
from crawler.extract.lines import tree_lines
from crawler.text.normalise import fold_space

EXTRACTOR_VERSION = f"zwgk-extract/3 trafilatura/{trafilatura.__version__}"

MIN_ANCHOR_CHARS = 10
HEAD_LINE_CHARS = 60  # lines before the first longer one are title/info lines
_HTML_HINT_RE = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|div|p|table|meta|title)\b", re.I)


@dataclass(frozen=True)
class Attachment:
    url: str  # absolute URL
    name: str  # link text (or file name); for an image, its alt text or caption


@dataclass(frozen=True)
class Extracted:
    url: str
    title: str | None  # as published: its words and (single) spaces
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
    credits: dict[str, str] = field(default_factory=dict)  # 责任编辑/审核/作者/… -> name(s)
    images: tuple[Attachment, ...] = ()  # the body's images, in page order

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["attachments"] = [{"url": a.url, "name": a.name} for a in self.attachments]
        data["images"] = [{"url": a.url, "name": a.name} for a in self.images]
        data["metadata_raw"] = dict(self.metadata_raw)
        data["credits"] = dict(self.credits)
        return data


class Extractor:
    """Turns HTML into Extracted. Build once and reuse: the parser and trafilatura's options are
    made here, with a config of our own (never trafilatura's module-wide one) and dedup off."""

    def __init__(self) -> None:
        self._parser = nesting.parser(encoding="utf-8", remove_comments=True, remove_pis=True)
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
        try:  # pages nested past the parser's depth limit: crawler/extract/nesting.py
            tree = nesting.parse_nested(
                html,
                lambda text: lxml.html.document_fromstring(
                    text.encode("utf-8", "replace"), parser=self._parser
                ),
                self._parser,
            )
        except (etree.ParserError, ValueError) as exc:
            raise ExtractionError(f"unparseable HTML ({exc})") from exc
        if tree is None:
            raise ExtractionError(
                f"page nested deeper than the parser reads ({nesting.PARSER_LIMIT:,} levels) "
                "even without its wrapper tags"
            )
        if tree.find("body") is None:
            raise ExtractionError("HTML without a body")
        return tree

    def _extract(self, tree: HtmlElement, url: str) -> Extracted:
        boilerplate.drop_junk(tree)
        meta = metadata.meta_tags(tree)
        base = base_url(tree, url)
        container = body.find_container(tree, base)
        page_lines = tree_lines(tree.find("body"), skip=container)
        labels = metadata.parse_labels(page_lines)
        fields = metadata.fields_from_labels(labels)
        title = titles.find_title(tree, meta)

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

        heading = titles.title_element(tree, title)
        boilerplate.drop_furniture(tree, keep=container)
        attachments = find_attachments(tree, base)
        holder, lines = container, []
        if holder is None:
            holder, lines = self._locate_body(tree, title)
        lines, found = _body_lines(holder, lines, title, located=container is None)
        if not lines and container is None:  # no paragraphs: a body of images or files only
            media = body.media_holder(heading, base)
            if media is not None:
                holder = media
                lines, found = _body_lines(holder, [], title, located=True)
        pictures = images.body_images(holder, base) if holder is not None else ()
        if not lines and title and date_raw and (pictures or attachments):
            lines = images.image_lines(pictures) or [title]  # a 图解 page: what text it has
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
            credits=credits.merge(found, credits.credits_in_labels(labels)),
            images=tuple(Attachment(p.url, p.name) for p in pictures),
        )

    def _locate_body(
        self, tree: HtmlElement, title: str | None
    ) -> tuple[HtmlElement | None, list[str]]:
        """The body of a page without a known container: trafilatura picks the paragraphs and
        the smallest element holding them all is read (or trafilatura's own text, failing that)."""
        document = trafilatura.bare_extraction(tree, options=self._options)
        if document is None or not document.text:
            return None, []
        text_lines = [fold_space(line) for line in document.text.split("\n")]
        pieces = (piece.strip() for line in text_lines for piece in line.split("|"))
        anchors = [
            piece
            for piece in pieces
            if len(piece) >= MIN_ANCHOR_CHARS
            and not titles.same_title(piece, title)
            and not metadata.is_metadata_line(piece)
            and not boilerplate.is_chrome_line(piece)
        ]
        holder = body.common_holder(tree, anchors)
        if holder is not None and holder.tag not in ("body", "html"):
            return holder, []
        lines = [_markdown_row(line) for line in text_lines if line and not _RULE_RE.match(line)]
        return None, lines


def _body_lines(
    holder: HtmlElement | None, lines: list[str], title: str | None, located: bool
) -> tuple[list[str], dict[str, str]]:
    """The document's lines (from ``holder``, else ``lines``) and the credits at their edges;
    without the title heading, the label/value lines around a located body and the chrome at
    the body's edges."""
    if holder is not None:
        lines = tree_lines(holder)
    lines, found = credits.take_credits(lines)
    if located:
        lines = _strip_metadata_edges(lines)
    return _without_leading_title(boilerplate.trim_chrome(lines), title), found


_RULE_RE = re.compile(r"^\|?\s*:?-{3,}")


def _without_leading_title(lines: list[str], title: str | None) -> list[str]:
    """Without the title heading where it was read with the body (title is a field of its own)."""
    start = 0
    while title and start < len(lines) and titles.same_title(lines[start], title):
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


def base_url(tree: HtmlElement, url: str) -> str:
    base = tree.find(".//base[@href]")
    return urljoin(url, base.get("href").strip()) if base is not None else url


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
