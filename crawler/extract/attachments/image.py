"""Images of a document's body (a 图解 page's infographics): recognised by their bytes, measured,
kept as files. No text is read from them (no OCR): their text is the alt text or caption the
page gives, recorded as the link's name."""

from __future__ import annotations

import re
import struct

from crawler.exceptions import AttachmentError

_JPEG_SOF = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)
_SVG_RE = re.compile(rb"<svg[\s>]", re.IGNORECASE)


def _jpeg_size(body: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(body):
        if body[i] != 0xFF:
            return None
        marker = body[i + 1]
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", body[i + 5 : i + 9])
            return width, height
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", body[i + 2 : i + 4])
        i += 2 + length
    return None


def image_format(body: bytes) -> tuple[str, tuple[int, int] | None] | None:
    """(format, (width, height) if the header gives it) of image bytes, None for anything else."""
    if body.startswith(b"\x89PNG\r\n\x1a\n") and len(body) >= 24:
        return "PNG", struct.unpack(">II", body[16:24])
    if body.startswith(b"\xff\xd8\xff"):
        return "JPEG", _jpeg_size(body)
    if body.startswith((b"GIF87a", b"GIF89a")) and len(body) >= 10:
        return "GIF", struct.unpack("<HH", body[6:10])
    if body.startswith(b"RIFF") and body[8:12] == b"WEBP":
        return "WebP", None
    if body.startswith(b"BM") and len(body) >= 26:
        width, height = struct.unpack("<ii", body[18:26])
        return "BMP", (width, abs(height))
    head = body[:1024].lstrip()
    if head.startswith((b"<?xml", b"<svg")) and _SVG_RE.search(head):
        return "SVG", None
    return None


def image_note(body: bytes) -> str:
    """What the file is, e.g. "PNG image, 1080×3200 px"; raises AttachmentError (one line) when
    the bytes are not an image (an error page served where an image was linked)."""
    found = image_format(body)
    if found is None:
        start = body[:40].decode("latin-1", "replace").strip() or "empty"
        raise AttachmentError(f"not an image (starts with {start[:24]!r})")
    kind, size = found
    return f"{kind} image, {size[0]}×{size[1]} px" if size else f"{kind} image"
