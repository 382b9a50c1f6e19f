"""A parsed page as text lines: one per block element or <br>, data-table rows as "a | b | c".

Reading the element ourselves (rather than taking trafilatura's text) keeps every paragraph on
its own line, short ones such as "各位代表：" too, and keeps data tables as rows.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extract import metadata
from crawler.text.normalise import fold_space

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
MAX_DATA_CELL_CHARS = 300


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
