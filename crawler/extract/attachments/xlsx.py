"""XLSX text with openpyxl (read-only, cached values): each sheet's name, then its rows as
"a | b | c", every cell shown as the sheet shows it — dates as dates, percentages as
percentages — so that a search for what a reader sees finds it.

The zip-bomb check (declared member sizes) runs before openpyxl opens the file; openpyxl parses
with entities off (lxml) and defusedxml's iterparse.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from crawler.exceptions import AttachmentError
from crawler.extract.attachments import limits
from crawler.extract.attachments.lines import one_line, table_row
from crawler.extract.attachments.ooxml import ZIP_ERRORS, check_sizes, open_zip

_TOKEN_RE = re.compile(r'"([^"]*)"|\\(.)|\[[^\]]*\]|_.|\*.')  # literals, [colours], padding
_CJK_DATE_RE = re.compile(r"[年月日]")
_TIME_RE = re.compile(r"[hs]|AM/PM", re.I)


def _section(number_format: str | None, value: float) -> tuple[str, float]:
    """The part of a number format that shows `value` (positive;negative;zero;text), and the
    value it shows: a negative section carries its own sign or brackets."""
    sections = (number_format or "General").split(";")
    if value < 0 and len(sections) > 1:
        return sections[1], -value
    if value == 0 and len(sections) > 2:
        return sections[2], value
    return sections[0], value


def _literal(text: str) -> str:
    """Format text as shown: "quoted" and \\escaped literals kept, [colours] and fills dropped."""
    return _TOKEN_RE.sub(lambda m: m[1] or m[2] or (" " if m[0][0] == "_" else ""), text)


def format_number(value: float, number_format: str | None) -> str:
    """A number as its cell format shows it: literals, percent, decimals, thousands, scientific."""
    section, shown = _section(number_format, value)
    masked = _TOKEN_RE.sub(lambda m: "\0" * len(m[0]), section)  # literals cannot match
    digits = re.search(r"[#0?][#0?,.]*(?:[eE][+-][#0?]+)?", masked)
    if digits is None:  # General, @, or a format without digit placeholders
        if isinstance(shown, float) and shown.is_integer() and abs(shown) < 1e15:
            return str(int(shown))
        return f"{shown:.15g}" if isinstance(shown, float) else str(shown)
    placeholder = digits[0]
    decimals = len(re.search(r"\.([#0?]*)", placeholder)[1]) if "." in placeholder else 0
    if "%" in masked:
        shown = shown * 100
    if re.search(r"[eE][+-]", placeholder):
        number = f"{shown:.{decimals}E}"
    elif "," in placeholder:
        number = f"{shown:,.{decimals}f}"
    else:
        number = f"{shown:.{decimals}f}"
    return _literal(section[: digits.start()]) + number + _literal(section[digits.end() :])


def format_datetime(value: dt.datetime | dt.date | dt.time, number_format: str | None) -> str:
    """A date as its format shows it: 2024年1月29日 for Chinese formats, else ISO."""
    fmt = _literal(number_format or "")
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    has_time = isinstance(value, dt.datetime) and (
        _TIME_RE.search(_TOKEN_RE.sub("", number_format or "")) or value.time() != dt.time()
    )
    day = value.date() if isinstance(value, dt.datetime) else value
    if _CJK_DATE_RE.search(fmt):
        text = f"{day.year}年{day.month}月" + (f"{day.day}日" if "日" in fmt else "")
    else:
        text = day.isoformat()
    if has_time:
        text += " " + value.time().isoformat(timespec="seconds")
    return text


def cell_text(value: object, number_format: str | None) -> str:
    """One cell's value as the sheet displays it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return format_datetime(value, number_format)
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, int | float):
        return format_number(value, number_format)
    return str(value)


def _members(archive: zipfile.ZipFile) -> list[str]:
    """The parts openpyxl will unpack: worksheets and shared strings."""
    return [
        n
        for n in archive.namelist()
        if n == "xl/sharedStrings.xml" or (n.startswith("xl/worksheets/") and n.endswith(".xml"))
    ]


def xlsx_lines(body: bytes) -> tuple[list[str], list[str]]:
    """(lines, notes) of a workbook: per sheet its name, then its non-empty rows."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    archive = open_zip(body, "XLSX")
    if "xl/workbook.xml" not in archive.namelist():
        raise AttachmentError("corrupt XLSX: missing 'xl/workbook.xml'")
    check_sizes(archive, _members(archive), "XLSX")
    lines: list[str] = []
    size = 0
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                lines.append(sheet.title)
                if hasattr(sheet, "reset_dimensions"):
                    sheet.reset_dimensions()  # portals' files often declare wrong dimensions
                for row in sheet.iter_rows():
                    cells = [cell_text(c.value, getattr(c, "number_format", None)) for c in row]
                    line = table_row(cells)
                    if not line.replace("|", "").strip():
                        continue
                    lines.append(line)
                    size += len(line) + 1
                    if size > limits.MAX_TEXT_CHARS:
                        return lines, [f"truncated at {limits.MAX_TEXT_CHARS} chars"]
        finally:
            workbook.close()
    except AttachmentError:
        raise
    except (*ZIP_ERRORS, InvalidFileException, KeyError, ValueError, TypeError, AttributeError,
            IndexError, SyntaxError) as exc:  # fmt: skip
        raise AttachmentError(f"corrupt XLSX: {one_line(exc)}") from exc
    return lines, []
