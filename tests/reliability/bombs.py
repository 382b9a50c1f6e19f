"""Hostile attachment files, built here: decompression bombs and files that are costly to read.

- docx_bomb: a DOCX whose word/document.xml (real paragraphs, repeated) unpacks ~300 times
  (the issue's: 580 KB holding 190 MB of XML)
- docx_markup: a DOCX of ~40 MB of XML that packs like ordinary XML (random run ids, little
  text): not a bomb by its packing, so it is read — streamed
- pdf_bomb: a PDF whose content stream inflates to 1 GB (about 1 MB on the wire)
- pdf_slow: a small PDF whose page takes pdfminer far longer than a CPU limit of seconds
- xlsx_bomb: the fixture workbook with its sheet's XML (one real row, repeated) unpacking to
  190 MB from well under 1 MB
- xlsx_laughs: the fixture workbook whose shared strings declare a "billion laughs" entity
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib

from fixture_portals.attachments import _pdf, build_xlsx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEAD = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode()
TAIL = b"</w:body></w:document>"
MB = 1024 * 1024


def _stream_member(archive, name: str, head: bytes, blocks, total: int, tail: bytes) -> None:
    """Write member `name` as head, blocks (bytes, as given) until `total` is reached, tail —
    streamed, so a bomb's hundreds of megabytes are never held in memory."""
    with archive.open(name, "w", force_zip64=True) as member:
        member.write(head)
        written = 0
        for block in blocks:
            member.write(block)
            written += len(block)
            if written >= total:
                break
        member.write(tail)


def _docx(blocks, total: int) -> bytes:
    """A DOCX whose document.xml is HEAD, blocks (bytes, repeated as given) to `total`, TAIL."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        _stream_member(archive, "word/document.xml", HEAD, blocks, total, TAIL)
    return out.getvalue()


def docx_bomb(xml_bytes: int = 190 * MB) -> bytes:
    paragraph = "<w:p><w:r><w:t>关于做好2024年春耕生产工作的通知</w:t></w:r></w:p>".encode()
    block = paragraph * (MB // len(paragraph))
    return _docx(iter(lambda: block, None), xml_bytes)


def docx_markup(xml_bytes: int = 40 * MB, seed: int = 4) -> bytes:
    rng = random.Random(seed)

    def blocks():
        while True:
            ids = rng.randbytes(8 * 2000).hex()
            runs = "".join(
                f'<w:r w:rsidR="{ids[i : i + 16]}"><w:rPr><w:b/></w:rPr><w:t>{i % 10}</w:t></w:r>'
                for i in range(0, len(ids), 16)
            )
            yield f"<w:p>{runs}</w:p>".encode()

    return _docx(blocks(), xml_bytes)


def _flate(chunk: bytes, times: int) -> bytes:
    """zlib data of `chunk` repeated `times` times, built without compressing it all: one
    deflate block per chunk (each compressed alike after a full flush), and the checksum."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.flush(zlib.Z_FINISH)
    adler = 1
    for _ in range(times):
        adler = zlib.adler32(chunk, adler)
    return b"\x78\xda" + block * times + end + struct.pack(">I", adler)


def _pdf_with_stream(stream: bytes, flate: bool) -> bytes:
    filters = b" /Filter /FlateDecode" if flate else b""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            b"<< /Length %d%s >>\nstream\n" % (len(stream), filters) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def pdf_bomb(inflated: int = 1024 * MB) -> bytes:
    chunk = b" " * MB  # white space: a valid, empty content stream, a gigabyte of it
    return _pdf_with_stream(_flate(chunk, inflated // len(chunk)), flate=True)


def pdf_slow(operators: int = 400_000) -> bytes:
    """A page of `operators` text-showing operators: seconds of layout work per 10,000."""
    ops = b"BT /F1 1 Tf " + b"(zwgk) Tj 0.1 0 Td " * operators + b"ET"
    return _pdf_with_stream(_flate(ops, 1), flate=True)


SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


def _xlsx_with(member: str, blocks, total: int, head: bytes, tail: bytes) -> bytes:
    """The fixture workbook with `member` replaced by head, blocks (repeated to `total`), tail."""
    source = zipfile.ZipFile(io.BytesIO(build_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            if name != member:
                archive.writestr(name, source.read(name))
        _stream_member(archive, member, head, blocks, total, tail)
    return out.getvalue()


def xlsx_bomb(xml_bytes: int = 190 * MB) -> bytes:
    row = '<row><c t="inlineStr"><is><t>城乡居民最低生活保障</t></is></c><c><v>1024</v></c></row>'
    block = row.encode() * (MB // len(row.encode()))
    return _xlsx_with(
        "xl/worksheets/sheet1.xml", iter(lambda: block, None), xml_bytes,
        b'<?xml version="1.0" encoding="UTF-8"?>' + SHEET, b"</sheetData></worksheet>",
    )  # fmt: skip


def xlsx_laughs(levels: int = 9) -> bytes:
    """Shared strings whose one string is entity lol9: 10**9 "lol"s if an entity is expanded."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)
    )
    head = (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [{entities}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    ).encode()
    strings = "".join(f"<si><t>{i}</t></si>" for i in range(40))  # the sheet's indexes exist
    return _xlsx_with(
        "xl/sharedStrings.xml", iter([f"<si><t>&lol{levels};</t></si>{strings}".encode()]), 0,
        head, b"</sst>",
    )  # fmt: skip
