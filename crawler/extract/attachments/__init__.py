"""Text out of downloaded attachments, one module per format: PDF (pdf.py, pdfminer.six), DOCX
(docx.py, zipfile + lxml), XLSX (xlsx.py, openpyxl) and plain text/CSV (plain.py); the images of
a document's body are recognised and measured, not read (image.py).

Plain functions over bytes. The kind is decided by sniff.py (magic bytes first, then the
Content-Type, then the file extension). Valid files of a kind we do not read (legacy OLE2
.doc/.xls/.wps/.et, OFD, archives, images) give ``kind="unsupported"`` and a note; a corrupt
file of a kind we do read raises :class:`AttachmentError` with a one-line message, and a file
too costly to read (a decompression bomb; a PDF over the memory or CPU limit of the child
process that reads it, sandbox.py) raises :class:`AttachmentRefused`. The bounds on what one
file may cost are in limits.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.exceptions import AttachmentError, AttachmentRefused
from crawler.extract.attachments import limits
from crawler.extract.attachments.docx import docx_lines
from crawler.extract.attachments.image import image_note
from crawler.extract.attachments.limits import MAX_MEMBER_BYTES
from crawler.extract.attachments.lines import fold_lines
from crawler.extract.attachments.pdf import pdf_lines
from crawler.extract.attachments.plain import text_lines
from crawler.extract.attachments.sandbox import read_limited
from crawler.extract.attachments.sniff import KINDS, sniff, sniff_kind
from crawler.extract.attachments.xlsx import xlsx_lines

__all__ = [
    "KINDS",
    "MAX_MEMBER_BYTES",
    "AttachmentError",
    "AttachmentRefused",
    "AttachmentText",
    "extract_attachment_text",
    "image_file",
    "sniff_kind",
]


@dataclass(frozen=True)
class AttachmentText:
    kind: str  # one of KINDS, or "image" for a body image
    text: str  # "" for unsupported kinds; one paragraph or table row per line
    note: str | None  # why text is empty or partial


def extract_attachment_text(
    body: bytes, content_type: str | None = None, filename: str | None = None
) -> AttachmentText:
    """Searchable text of an attachment's bytes.

    Never raises for valid files of a kind we do not read: those give
    kind="unsupported", text="" and a note. Raises AttachmentError (one-line
    message) for a corrupt PDF, DOCX or XLSX, and AttachmentRefused for a bomb
    (a zip member over the size or packing-ratio cap, a PDF over the child's
    memory or CPU limit).
    """
    kind, note = sniff(body, content_type, filename)
    if kind == "unsupported":
        return AttachmentText(kind, "", note)
    if kind == "pdf":  # in a child process with memory and CPU limits: sandbox.py
        lines, notes = read_limited(pdf_lines, body, "PDF")
    elif kind == "docx":
        lines, notes = docx_lines(body)
    elif kind == "xlsx":
        lines, notes = xlsx_lines(body)
    else:
        lines, notes = text_lines(body, content_type, filename)
    text = fold_lines(lines)
    if len(text) > limits.MAX_TEXT_CHARS:
        text = text[: limits.MAX_TEXT_CHARS].rstrip()
        notes = [n for n in notes if not n.startswith("truncated")]
        notes.append(f"truncated at {limits.MAX_TEXT_CHARS} chars")
    if not text and not notes:
        notes.append("no text layer (scanned PDF?)" if kind == "pdf" else "no text found")
    return AttachmentText(kind, text, "; ".join(notes) or None)


def image_file(body: bytes) -> AttachmentText:
    """A body image: kind "image", no text, a note saying what it is ("PNG image, 800×600 px").
    Raises AttachmentError (one-line message) when the bytes are not an image."""
    return AttachmentText("image", "", image_note(body))
