"""Body images kept as files: recognised by their bytes and measured, never read as text."""

import struct

import pytest
from fixture_portals.images import build_png

from crawler.exceptions import AttachmentError
from crawler.extract.attachments import image_file
from crawler.extract.attachments.image import image_format, image_note


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def test_png_and_jpeg_are_measured():
    assert image_file(build_png(800, 1200)).note == "PNG image, 800×1200 px"
    assert image_file(build_png(800, 1200)).kind == "image"
    assert image_note(jpeg(1080, 3200)) == "JPEG image, 1080×3200 px"
    assert image_format(b"GIF89a" + struct.pack("<HH", 20, 10) + b"\x00" * 6) == ("GIF", (20, 10))
    assert image_note(b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>') == (
        "SVG image"
    )


@pytest.mark.parametrize("body", [b"", b"<!DOCTYPE html><html>404</html>", b"%PDF-1.4"])
def test_anything_else_is_not_an_image(body):
    with pytest.raises(AttachmentError, match="^not an image"):
        image_file(body)
