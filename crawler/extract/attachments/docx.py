"""DOCX text: paragraphs and table rows of word/document.xml, read with zipfile + lxml.

The XML is streamed (iterparse over the zip member, each element cleared once read), so memory
holds one paragraph's text, not the document's tree; reading stops once the text reaches
limits.MAX_TEXT_CHARS. A packed bomb is refused before reading (ooxml.check_sizes).

What makes a line: a paragraph (runs' text, tabs, breaks; a text box's paragraphs and tables
inside it each on a line of their own within it); a table row as "a | b | c", each cell its
paragraphs joined by spaces (a table inside a cell: its rows, in the cell). Wrappers (sdt,
customXml, …) are looked through; properties and mc:Fallback copies are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from crawler.exceptions import AttachmentError
from crawler.extract.attachments import limits
from crawler.extract.attachments.lines import one_line, table_row
from crawler.extract.attachments.ooxml import ZIP_ERRORS, check_sizes, open_zip

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SKIP_WORD = frozenset({"pPr", "rPr", "sectPr", "trPr", "tcPr", "tblPr", "tblGrid", "sdtPr"})
# the elements the reader acts on, by tag: blocks, rows, cells, text, and what to skip
_NAMES = {_W + n: n for n in ("p", "tbl", "tr", "tc", "t", "tab", "br", "cr", *_SKIP_WORD)}
_NAMES[_MC_FALLBACK] = "Fallback"
DOCUMENT = "word/document.xml"


@dataclass
class _Lines:  # the body, or a table cell: lines of blocks
    lines: list[str] = field(default_factory=list)


@dataclass
class _Paragraph:  # a paragraph being read: its text pieces
    parts: list[str] = field(default_factory=list)


@dataclass
class _Table:  # a table: its rows go to `into`
    into: list[str]


@dataclass
class _Row:
    cells: list[str] = field(default_factory=list)


@dataclass
class _Inline:  # a paragraph or table inside a paragraph (a text box): text on its own line
    paragraph: _Paragraph


class _Reader:
    """A stack machine over iterparse events, equivalent to walking the tree."""

    def __init__(self) -> None:
        self.body = _Lines()
        self.stack: list[tuple[object, object]] = [(None, self.body)]  # (element, collector)
        self.skipping: object = None  # the element whose subtree is skipped
        self.chars = 0

    def paragraph(self) -> _Paragraph | None:
        top = self.stack[-1][1]
        if isinstance(top, _Paragraph):
            return top
        return top.paragraph if isinstance(top, _Inline) else None

    def start(self, element: etree._Element, name: str) -> None:
        if self.skipping is not None:
            return
        if element.tag == _MC_FALLBACK or name in _SKIP_WORD:
            self.skipping = element
            return
        top = self.stack[-1][1]
        paragraph = self.paragraph()
        if paragraph is not None:
            if name in ("p", "tbl"):
                paragraph.parts.append("\n")
                self.stack.append((element, _Inline(paragraph)))
            elif name == "tab":
                paragraph.parts.append("\t")
            elif name in ("br", "cr"):
                paragraph.parts.append("\n")
        elif isinstance(top, _Lines):
            if name == "p":
                self.stack.append((element, _Paragraph()))
            elif name == "tbl":
                self.stack.append((element, _Table(top.lines)))
        elif isinstance(top, _Table):
            if name == "tr":
                self.stack.append((element, _Row()))
            elif name == "tbl":
                self.skipping = element  # a table directly in a table: not a row of it
        elif isinstance(top, _Row):
            if name == "tc":
                self.stack.append((element, _Lines()))
            elif name == "tbl":
                self.skipping = element

    def end(self, element: etree._Element, name: str) -> None:
        if self.skipping is not None:
            if element is self.skipping:
                self.skipping = None
            return
        if name == "t":
            paragraph = self.paragraph()
            if paragraph is not None:
                text = element.text or ""
                paragraph.parts.append(text)
                self.chars += len(text)
        if self.stack[-1][0] is not element:
            return
        _, done = self.stack.pop()
        parent = self.stack[-1][1]
        if isinstance(done, _Paragraph):
            parent.lines.append("".join(done.parts))
        elif isinstance(done, _Inline):
            done.paragraph.parts.append("\n")
        elif isinstance(done, _Row):
            parent.into.append(table_row(done.cells))
        elif isinstance(done, _Lines):  # a cell
            parent.cells.append(" ".join(done.lines))


def docx_lines(body: bytes) -> tuple[list[str], list[str]]:
    """(paragraph and table-row lines, notes) of a DOCX."""
    archive = open_zip(body, "DOCX")
    if DOCUMENT not in archive.namelist():
        raise AttachmentError("corrupt DOCX: no word/document.xml")
    check_sizes(archive, [DOCUMENT], "DOCX")
    reader = _Reader()
    notes: list[str] = []
    try:
        with archive.open(DOCUMENT) as stream:
            events = etree.iterparse(
                stream,
                events=("start", "end"),
                tag=list(_NAMES),  # only what the reader acts on: a few events per run
                resolve_entities=False,
                no_network=True,
            )
            for event, element in events:
                name = _NAMES[element.tag]
                if event == "start":
                    reader.start(element, name)
                    continue
                reader.end(element, name)
                element.clear(keep_tail=True)  # read: free it (and the siblings before it)
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
                if reader.chars > limits.MAX_TEXT_CHARS:
                    notes.append(f"truncated at {limits.MAX_TEXT_CHARS} chars")
                    break
    except ZIP_ERRORS as exc:
        raise AttachmentError(f"corrupt DOCX: {one_line(exc)}") from exc
    except etree.XMLSyntaxError as exc:
        raise AttachmentError(f"corrupt DOCX: {DOCUMENT} is not well-formed XML ({exc})") from exc
    lines = reader.body.lines
    for _, open_collector in reversed(reader.stack[1:]):  # stopped early: keep what was read
        if isinstance(open_collector, _Paragraph):
            lines.append("".join(open_collector.parts))
    return lines, notes
