"""Plain text and CSV/TSV attachments: decoded (BOM, declared charset, UTF-8, GB18030)."""

from __future__ import annotations

import csv
import io
import re

from crawler.extract.attachments.lines import table_row
from crawler.extract.attachments.sniff import extension, media_type


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


def text_lines(
    body: bytes, content_type: str | None, filename: str | None
) -> tuple[list[str], list[str]]:
    """(lines, notes) of a text file; a CSV/TSV file's rows as "a | b | c"."""
    text, note = _decode(body, content_type)
    ext = extension(filename)
    media = media_type(content_type)
    if ext in (".csv", ".tsv") or media in ("text/csv", "text/tab-separated-values"):
        first = text.split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        try:
            rows = [
                table_row(cells) for cells in csv.reader(io.StringIO(text), delimiter=delimiter)
            ]
        except csv.Error:
            rows = [text]  # not really CSV: keep the lines as they are
        return rows, [note] if note else []
    return [text], [note] if note else []
