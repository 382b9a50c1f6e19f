"""PDF text, with pdfminer.six: page by page, bounded in pages and characters."""

from __future__ import annotations

import io
import struct
import zlib

from crawler.exceptions import AttachmentError
from crawler.extract.attachments import limits
from crawler.extract.attachments.lines import one_line

# pdfminer raises its own PSException family and, on broken files, plain Python errors.
_PDF_ERRORS = (ValueError, TypeError, LookupError, AttributeError, AssertionError)
_PDF_ERRORS += (RecursionError, ArithmeticError, EOFError, struct.error, zlib.error)


def pdf_lines(body: bytes) -> tuple[list[str], list[str]]:
    """(text lines, notes) of a PDF; empty text with a note for an encrypted one."""
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
            if number >= limits.MAX_PDF_PAGES:
                notes.append(f"only the first {limits.MAX_PDF_PAGES} pages read")
                break
            interpreter.process_page(page)
            if out.tell() > limits.MAX_TEXT_CHARS:
                notes.append(f"truncated at {limits.MAX_TEXT_CHARS} chars")
                break
    except PDFPasswordIncorrect:
        return [], ["encrypted PDF (password required)"]
    except PDFEncryptionError as exc:
        return [], [f"encrypted PDF ({one_line(exc)})"]
    except (PSException, *_PDF_ERRORS) as exc:
        raise AttachmentError(f"corrupt PDF: {one_line(exc)}") from exc
    return [out.getvalue()], notes
