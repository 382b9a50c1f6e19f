"""Text out of downloaded attachments: PDF, DOCX, XLSX and plain text/CSV.

Plain functions over bytes. The kind is decided by magic bytes first, then the
Content-Type, then the file extension, because portals often serve a PDF as
``application/octet-stream`` or an error page under a ``.pdf`` name. DOCX and
XLSX are read with zipfile + lxml only; PDF with pdfminer.six.

Valid files of a kind we do not read (legacy OLE2 .doc/.xls/.wps/.et, OFD,
archives, images) give ``kind="unsupported"`` and a note; a corrupt file of a
kind we do read raises :class:`AttachmentError` with a one-line message.
"""

from __future__ import annotations

import csv
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from lxml import etree

from crawler.exceptions import ZwgkError

MAX_TEXT_CHARS = 2_000_000  # cap on extracted text per attachment
MAX_PDF_PAGES = 500  # pages read from one PDF
# Zip bombs: cap on the declared uncompressed size of one member, and of all members read.
MAX_MEMBER_BYTES = 200 * 1024 * 1024

KINDS = ("pdf", "docx", "xlsx", "text", "unsupported")


class AttachmentError(ZwgkError):
    """An attachment of a supported kind is corrupt and yields no text."""


@dataclass(frozen=True)
class AttachmentText:
    kind: str  # one of KINDS
    text: str  # "" for unsupported kinds; one paragraph or table row per line
    note: str | None  # why text is empty or partial


# --- sniffing ---------------------------------------------------------------

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_MAGIC = (  # valid files we do not read: magic prefix → note
    (b"Rar!\x1a\x07", "RAR archive not extracted"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive not extracted"),
    (b"\x89PNG\r\n\x1a\n", "PNG image, no text layer"),
    (b"\xff\xd8\xff", "JPEG image, no text layer"),
    (b"GIF8", "GIF image, no text layer"),
    (b"{\\rtf", "RTF document not extracted"),
)
_ZIP_MARKERS = (  # member that identifies a zip-based format → kind, note
    ("word/document.xml", "docx", None),
    ("xl/workbook.xml", "xlsx", None),
    ("OFD.xml", "unsupported", "OFD document not extracted"),
    ("ppt/presentation.xml", "unsupported", "PowerPoint (.pptx) not extracted"),
)
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_OOXML = "application/vnd.openxmlformats-officedocument."
_CONTENT_TYPES = dict.fromkeys(("text/plain", "text/csv", "text/tab-separated-values"), "text")
_CONTENT_TYPES |= {"application/pdf": "pdf", "application/x-pdf": "pdf"}
_CONTENT_TYPES |= {_OOXML + "wordprocessingml.document": "docx"}
_CONTENT_TYPES |= {_OOXML + "spreadsheetml.sheet": "xlsx"}
_EXTENSIONS = dict.fromkeys((".docx", ".docm"), "docx") | dict.fromkeys((".xlsx", ".xlsm"), "xlsx")
_EXTENSIONS |= {".pdf": "pdf"} | dict.fromkeys((".txt", ".csv", ".tsv"), "text")


def _extension(filename: str | None) -> str:
    if not filename:
        return ""
    path = re.split(r"[?#]", filename.replace("\\", "/"), maxsplit=1)[0]
    return PurePosixPath(path).suffix.lower()


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _sniff_zip(body: bytes, ext: str) -> tuple[str, str | None] | None:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
    except (*_ZIP_ERRORS, ValueError):
        return None  # corrupt: let Content-Type / extension decide
    for member, kind, note in _ZIP_MARKERS:
        if member in names:
            return kind, note
    return "unsupported", f"zip archive ({ext or 'no extension'}) not extracted"


def _sniff(body: bytes, content_type: str | None, filename: str | None) -> tuple[str, str | None]:
    """(kind, note for unsupported kinds)."""
    ext = _extension(filename)
    media = _media_type(content_type)
    if not body:
        return "unsupported", "empty file"
    if b"%PDF-" in body[:1024]:
        return "pdf", None
    if body.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        zipped = _sniff_zip(body, ext)
        if zipped is not None:
            return zipped
    if body.startswith(_OLE2):
        what = f"legacy {ext}" if ext in (".doc", ".xls", ".wps", ".et", ".ppt") else "OLE2 file"
        return "unsupported", f"{what} (OLE2) not extracted"
    for magic, note in _OTHER_MAGIC:
        if body.startswith(magic):
            return "unsupported", note
    if body.startswith(_TEXT_BOMS):
        return "text", None
    html = body[:512].lstrip().lower().startswith((b"<!doctype html", b"<html"))
    if html or media in ("text/html", "application/xhtml+xml"):
        return "unsupported", "HTML page, not an attachment (error page?)"
    kind = _CONTENT_TYPES.get(media) or _EXTENSIONS.get(ext)
    if kind:
        return kind, None
    what = f"{media or 'no content type'}, {ext or 'no extension'}"
    return "unsupported", f"unrecognised file type ({what})"


def sniff_kind(body: bytes, content_type: str | None, filename: str | None) -> str:
    """Kind of an attachment: "pdf", "docx", "xlsx", "text" or "unsupported".

    By magic bytes first (%PDF-, a zip holding word/document.xml or xl/workbook.xml,
    OLE2, OFD), then the Content-Type, then the file extension.
    """
    return _sniff(body, content_type, filename)[0]


# --- text folding -----------------------------------------------------------

_INLINE_SPACE = re.compile(r"[^\S\n]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _fold(lines: Iterator[str] | list[str]) -> str:
    """Strip each line, collapse inner runs of whitespace, drop empty lines."""
    out = []
    for chunk in lines:
        for line in _CONTROL.sub(" ", chunk).split("\n"):
            line = _INLINE_SPACE.sub(" ", line).strip()
            if line:
                out.append(line)
    return "\n".join(out)


def _row(cells: list[str]) -> str:
    cells = [" ".join(cell.split()) for cell in cells]
    while cells and not cells[-1]:
        cells.pop()
    return " | ".join(cells)


# --- PDF --------------------------------------------------------------------

# pdfminer raises its own PSException family and, on broken files, plain Python errors.
_PDF_ERRORS = (ValueError, TypeError, LookupError, AttributeError, AssertionError)
_PDF_ERRORS += (RecursionError, ArithmeticError, EOFError, struct.error, zlib.error)


def _pdf_lines(body: bytes) -> tuple[list[str], list[str]]:
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.psexceptions import PSException

    notes: list[str] = []
    out = io.StringIO()
    try:
        document = PDFDocument(PDFParser(io.BytesIO(body)), password="")
        manager = PDFResourceManager(caching=True)
        interpreter = PDFPageInterpreter(manager, TextConverter(manager, out, laparams=LAParams()))
        for number, page in enumerate(PDFPage.create_pages(document)):
            if number >= MAX_PDF_PAGES:
                notes.append(f"only the first {MAX_PDF_PAGES} pages read")
                break
            interpreter.process_page(page)
            if out.tell() > MAX_TEXT_CHARS:
                notes.append(f"truncated at {MAX_TEXT_CHARS} chars")
                break
    except PDFPasswordIncorrect:
        return [], ["encrypted PDF (password required)"]
    except PDFEncryptionError as exc:
        return [], [f"encrypted PDF ({_one_line(exc)})"]
    except (PSException, *_PDF_ERRORS) as exc:
        raise AttachmentError(f"corrupt PDF: {_one_line(exc)}") from exc
    return [out.getvalue()], notes


def _one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


# --- zip members ------------------------------------------------------------


def _open_zip(body: bytes, label: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(body))
    except (*_ZIP_ERRORS, ValueError) as exc:
        raise AttachmentError(f"corrupt {label} (not a readable zip): {_one_line(exc)}") from exc


def _check_sizes(archive: zipfile.ZipFile, names: list[str], label: str) -> None:
    """Refuse zip bombs: declared uncompressed sizes over the cap (zipfile enforces them)."""
    total = 0
    for name in names:
        size = archive.getinfo(name).file_size
        total += size
        if size > MAX_MEMBER_BYTES or total > MAX_MEMBER_BYTES:
            raise AttachmentError(
                f"{label} member {name} would unpack to {size} bytes"
                f" ({total} in all), over the {MAX_MEMBER_BYTES}-byte limit"
            )


def _parse_xml(data: bytes) -> etree._Element:
    """Parse a part without entities or network (a parser per call: lxml's are not thread-safe)."""
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def _local(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


# --- DOCX -------------------------------------------------------------------

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP_WORD = frozenset({"pPr", "rPr", "sectPr", "trPr", "tcPr", "tblPr", "tblGrid", "sdtPr"})


def _inline_text(element: etree._Element, parts: list[str]) -> None:
    for child in element:
        name = _local(child)
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
        name = _local(child)
        if name == wanted:
            yield child
        elif name not in _SKIP_WORD and name != "tbl" and child.tag != _MC_FALLBACK:
            yield from _shallow(child, wanted)


def _word_blocks(container: etree._Element, lines: list[str]) -> None:
    for child in container:
        name = _local(child)
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
                lines.append(_row(cells))
        else:
            _word_blocks(child, lines)


def _docx_lines(body: bytes) -> tuple[list[str], list[str]]:
    archive = _open_zip(body, "DOCX")
    name = "word/document.xml"
    if name not in archive.namelist():
        raise AttachmentError("corrupt DOCX: no word/document.xml")
    _check_sizes(archive, [name], "DOCX")
    try:
        root = _parse_xml(archive.read(name))
    except _ZIP_ERRORS as exc:
        raise AttachmentError(f"corrupt DOCX: {_one_line(exc)}") from exc
    except etree.XMLSyntaxError as exc:
        raise AttachmentError(f"corrupt DOCX: {name} is not well-formed XML ({exc})") from exc
    lines: list[str] = []
    _word_blocks(root, lines)
    return lines, []


# --- XLSX -------------------------------------------------------------------


def _column(ref: str | None) -> int | None:
    """Zero-based column of a cell reference such as "AB12"."""
    letters = re.match(r"[A-Z]+", (ref or "").upper())
    if not letters:
        return None
    number = 0
    for letter in letters.group():
        number = number * 26 + ord(letter) - 64
    return number - 1


def _string_item(si: etree._Element) -> str:
    """Text of a shared-string or inline-string item, leaving out phonetic runs (rPh)."""
    parts = []
    for child in si:
        name = _local(child)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if _local(t) == "t")
    return "".join(parts)


def _iter_elements(archive: zipfile.ZipFile, name: str, tag: str) -> Iterator[etree._Element]:
    """Stream elements named `tag` (any namespace) from a member, freeing them as we go."""
    with archive.open(name) as stream:
        for _, element in etree.iterparse(
            stream, tag=f"{{*}}{tag}", resolve_entities=False, no_network=True
        ):
            yield element
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]


def _cell_value(cell: etree._Element, shared: list[str]) -> str:
    kind = cell.get("t", "n")
    value = next((child.text or "" for child in cell if _local(child) == "v"), "")
    if kind == "s":
        index = int(value) if value.strip().isdigit() else -1
        return shared[index] if 0 <= index < len(shared) else ""
    if kind == "inlineStr":
        return "".join(_string_item(child) for child in cell if _local(child) == "is")
    if kind == "b":
        return "TRUE" if value.strip() == "1" else "FALSE"
    return value


def _sheet_rows(archive: zipfile.ZipFile, name: str, shared: list[str]) -> Iterator[str]:
    for row in _iter_elements(archive, name, "row"):
        cells: list[str] = []
        for cell in row:
            if _local(cell) != "c":
                continue
            column = _column(cell.get("r"))
            if column is not None and column > len(cells):
                cells.extend([""] * (column - len(cells)))
            cells.append(_cell_value(cell, shared))
        line = _row(cells)
        if line.replace("|", "").strip():
            yield line


def _workbook_sheets(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, member path) of each worksheet, in workbook order."""
    try:
        workbook = _parse_xml(archive.read("xl/workbook.xml"))
        rels = _parse_xml(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError as exc:
        raise AttachmentError(f"corrupt XLSX: missing {exc}") from exc
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter("{*}Relationship")}
    members = set(archive.namelist())
    sheets = []
    for sheet in workbook.iter("{*}sheet"):
        rel_id = next((v for k, v in sheet.attrib.items() if etree.QName(k).localname == "id"), "")
        target = targets.get(rel_id, "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
        if path in members:
            sheets.append((sheet.get("name", ""), path))
    return sheets


def _xlsx_lines(body: bytes) -> tuple[list[str], list[str]]:
    archive = _open_zip(body, "XLSX")
    lines: list[str] = []
    notes: list[str] = []
    size = 0
    try:
        sheets = _workbook_sheets(archive)
        shared_names = [n for n in archive.namelist() if n == "xl/sharedStrings.xml"]
        _check_sizes(archive, shared_names + [path for _, path in sheets], "XLSX")
        shared = [_string_item(si) for n in shared_names for si in _iter_elements(archive, n, "si")]
        for sheet_name, path in sheets:
            lines.append(sheet_name)
            for line in _sheet_rows(archive, path, shared):
                lines.append(line)
                size += len(line) + 1
                if size > MAX_TEXT_CHARS:
                    return lines, [f"truncated at {MAX_TEXT_CHARS} chars"]
    except _ZIP_ERRORS as exc:
        raise AttachmentError(f"corrupt XLSX: {_one_line(exc)}") from exc
    except etree.XMLSyntaxError as exc:
        raise AttachmentError(f"corrupt XLSX: not well-formed XML ({exc})") from exc
    return lines, notes


# --- text / CSV -------------------------------------------------------------


def _decode(body: bytes, content_type: str | None) -> tuple[str, str | None]:
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace"), None
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        return body.decode("utf-16", errors="replace"), None
    declared = re.search(r"charset=[\"']?([\w-]+)", content_type or "", re.IGNORECASE)
    for encoding in ("utf-8", declared.group(1) if declared else "utf-8", "gb18030"):
        try:
            return body.decode(encoding), None
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("utf-8", errors="replace"), "undecodable bytes replaced"


def _text_lines(
    body: bytes, content_type: str | None, filename: str | None
) -> tuple[list[str], list[str]]:
    text, note = _decode(body, content_type)
    ext = _extension(filename)
    media = _media_type(content_type)
    if ext in (".csv", ".tsv") or media in ("text/csv", "text/tab-separated-values"):
        first = text.split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        try:
            rows = [_row(cells) for cells in csv.reader(io.StringIO(text), delimiter=delimiter)]
        except csv.Error:
            rows = [text]  # not really CSV: keep the lines as they are
        return rows, [note] if note else []
    return [text], [note] if note else []


# --- entry point ------------------------------------------------------------


def extract_attachment_text(
    body: bytes, content_type: str | None = None, filename: str | None = None
) -> AttachmentText:
    """Searchable text of an attachment's bytes.

    Never raises for valid files of a kind we do not read: those give
    kind="unsupported", text="" and a note. Raises AttachmentError (one-line
    message) for a corrupt PDF, DOCX or XLSX, or a zip member over the size cap.
    """
    kind, note = _sniff(body, content_type, filename)
    if kind == "unsupported":
        return AttachmentText(kind, "", note)
    if kind == "pdf":
        lines, notes = _pdf_lines(body)
    elif kind == "docx":
        lines, notes = _docx_lines(body)
    elif kind == "xlsx":
        lines, notes = _xlsx_lines(body)
    else:
        lines, notes = _text_lines(body, content_type, filename)
    text = _fold(lines)
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS].rstrip()
        notes = [n for n in notes if not n.startswith("truncated")]
        notes.append(f"truncated at {MAX_TEXT_CHARS} chars")
    if not text and not notes:
        notes.append("no text layer (scanned PDF?)" if kind == "pdf" else "no text found")
    return AttachmentText(kind, text, "; ".join(notes) or None)
