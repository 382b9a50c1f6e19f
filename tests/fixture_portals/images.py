"""Valid PNG images built with the standard library only: the infographics of a 图解 page.

`build_png(width, height, seed)` gives a real, decodable PNG (8-bit RGB, zlib-compressed rows
with filter 0, correct CRCs): horizontal bands of colour like an infographic's sections.
"""

from __future__ import annotations

import struct
import zlib
from functools import cache

PALETTE = ((200, 30, 40), (250, 240, 230), (30, 90, 170), (255, 255, 255), (240, 180, 40))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


@cache
def build_png(width: int = 800, height: int = 1200, seed: int = 0) -> bytes:
    rows = []
    band = max(height // 12, 1)
    for y in range(height):
        r, g, b = PALETTE[(y // band + seed) % len(PALETTE)]
        rows.append(b"\x00" + bytes((r, g, b)) * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )
