"""DOCX text: paragraphs and table rows of word/document.xml, read with zipfile + lxml."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from crawler.exceptions import AttachmentError
from crawler.extract.attachments.lines import one_line, table_row
from crawler.extract.attachments.ooxml import (
    ZIP_ERRORS,
    check_sizes,
    local_name,
    open_zip,
    parse_xml,
)

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP_WORD = frozenset({"pPr", "rPr", "sectPr", "trPr", "tcPr", "tblPr", "tblGrid", "sdtPr"})


def _inline_text(element: etree._Element, parts: list[str]) -> None:
    for child in element:
        name = local_name(child)
        if child.tag == _MC_FALLBACK or name in _SKIP_WORD:
            continue
        if name == "t":
            parts.append(child.text or "")
        elif name == "tab":
            parts.append("\t")
        elif name in ("br", "cr"):
            parts.append("\n")
        elif name in ("p", "tbl"):  # inside a text box
            parts.append("\n")
            _inline_text(child, parts)
            parts.append("\n")
        else:
            _inline_text(child, parts)


def _shallow(element: etree._Element, wanted: str) -> Iterator[etree._Element]:
    """Descendants named `wanted`, looking through wrappers (sdt, customXml), not into matches."""
    for child in element:
        name = local_name(child)
        if name == wanted:
            yield child
        elif name not in _SKIP_WORD and name != "tbl" and child.tag != _MC_FALLBACK:
            yield from _shallow(child, wanted)


def _word_blocks(container: etree._Element, lines: list[str]) -> None:
    for child in container:
        name = local_name(child)
        if child.tag == _MC_FALLBACK or name in _SKIP_WORD:
            continue
        if name == "p":
            parts: list[str] = []
            _inline_text(child, parts)
            lines.append("".join(parts))
        elif name == "tbl":
            for tr in _shallow(child, "tr"):
                cells = []
                for tc in _shallow(tr, "tc"):
                    cell_lines: list[str] = []
                    _word_blocks(tc, cell_lines)
                    cells.append(" ".join(cell_lines))
                lines.append(table_row(cells))
        else:
            _word_blocks(child, lines)


def docx_lines(body: bytes) -> tuple[list[str], list[str]]:
    """(paragraph and table-row lines, notes) of a DOCX."""
    archive = open_zip(body, "DOCX")
    name = "word/document.xml"
    if name not in archive.namelist():
        raise AttachmentError("corrupt DOCX: no word/document.xml")
    check_sizes(archive, [name], "DOCX")
    try:
        root = parse_xml(archive.read(name))
    except ZIP_ERRORS as exc:
        raise AttachmentError(f"corrupt DOCX: {one_line(exc)}") from exc
    except etree.XMLSyntaxError as exc:
        raise AttachmentError(f"corrupt DOCX: {name} is not well-formed XML ({exc})") from exc
    lines: list[str] = []
    _word_blocks(root, lines)
    return lines, []
