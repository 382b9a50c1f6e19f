"""Zip members of Office Open XML files (DOCX, XLSX), read safely: zip bombs refused by their
declared sizes, XML parsed without entities or network access."""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from crawler.exceptions import AttachmentError, AttachmentRefused
from crawler.extract.attachments import limits
from crawler.extract.attachments.lines import one_line

ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


def open_zip(body: bytes, label: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(body))
    except (*ZIP_ERRORS, ValueError) as exc:
        raise AttachmentError(f"corrupt {label} (not a readable zip): {one_line(exc)}") from exc


def check_sizes(archive: zipfile.ZipFile, names: list[str], label: str) -> None:
    """Refuse zip bombs by their declared sizes (zipfile enforces them while reading): a member
    or all of them over the size cap, or a member packed far tighter than text packs."""
    total = 0
    for name in names:
        info = archive.getinfo(name)
        size = info.file_size
        total += size
        if size > limits.MAX_MEMBER_BYTES or total > limits.MAX_MEMBER_BYTES:
            raise AttachmentRefused(
                f"{label} refused: member {name} would unpack to {size:,} bytes"
                f" ({total:,} in all), over the {limits.MAX_MEMBER_BYTES:,}-byte limit"
            )
        ratio = size / max(info.compress_size, 1)
        if size > limits.BOMB_MIN_BYTES and ratio > limits.MAX_PACK_RATIO:
            raise AttachmentRefused(
                f"{label} refused: member {name} unpacks {info.compress_size:,} bytes to "
                f"{size:,} ({ratio:,.0f} times; a decompression bomb)"
            )


def parse_xml(data: bytes) -> etree._Element:
    """Parse a part without entities or network (a parser per call: lxml's are not thread-safe)."""
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))


def local_name(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""
