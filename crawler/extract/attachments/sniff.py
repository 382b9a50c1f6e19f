"""What kind of file an attachment is: by magic bytes first, then Content-Type, then extension,
because portals often serve a PDF as ``application/octet-stream`` or an error page under a
``.pdf`` name."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

from crawler.extract.attachments.ooxml import ZIP_ERRORS

KINDS = ("pdf", "docx", "xlsx", "text", "unsupported", "refused")

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
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_OOXML = "application/vnd.openxmlformats-officedocument."
_CONTENT_TYPES = dict.fromkeys(("text/plain", "text/csv", "text/tab-separated-values"), "text")
_CONTENT_TYPES |= {"application/pdf": "pdf", "application/x-pdf": "pdf"}
_CONTENT_TYPES |= {_OOXML + "wordprocessingml.document": "docx"}
_CONTENT_TYPES |= {_OOXML + "spreadsheetml.sheet": "xlsx"}
_EXTENSIONS = dict.fromkeys((".docx", ".docm"), "docx") | dict.fromkeys((".xlsx", ".xlsm"), "xlsx")
_EXTENSIONS |= {".pdf": "pdf"} | dict.fromkeys((".txt", ".csv", ".tsv"), "text")


def extension(filename: str | None) -> str:
    """The lower-case suffix of a file name or URL path ("" if none)."""
    if not filename:
        return ""
    path = re.split(r"[?#]", filename.replace("\\", "/"), maxsplit=1)[0]
    return PurePosixPath(path).suffix.lower()


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _sniff_zip(body: bytes, ext: str) -> tuple[str, str | None] | None:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
    except (*ZIP_ERRORS, ValueError):
        return None  # corrupt: let Content-Type / extension decide
    for member, kind, note in _ZIP_MARKERS:
        if member in names:
            return kind, note
    return "unsupported", f"zip archive ({ext or 'no extension'}) not extracted"


def sniff(body: bytes, content_type: str | None, filename: str | None) -> tuple[str, str | None]:
    """(kind, note for unsupported kinds)."""
    ext = extension(filename)
    media = media_type(content_type)
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
    return sniff(body, content_type, filename)[0]
