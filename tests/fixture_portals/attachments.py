"""Small, valid attachment files built with the standard library only: PDF, DOCX, XLSX.

`build_pdf`, `build_docx`, `build_xlsx` return bytes; `EXPECTED_TEXT` holds what a text
extractor should find in each (strings that must appear). `big_pdf_chunks` streams a large PDF
without holding it in memory.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from functools import cache
from xml.sax.saxutils import escape

PDF_LINES = ("zwgk attachment PDF 2024 budget", "Revenue 1250.5 Expenditure 1190.2")
DOCX_PARAGRAPHS = (
    "关于2024年部门预算公开的说明",
    "本单位严格按照预算法要求，公开部门预算及相关报表。",
)
DOCX_TABLE = (("项目", "金额（万元）"), ("基本支出", "860.30"), ("项目支出", "329.90"))
XLSX_ROWS = (
    ("单位名称", "公开事项", "数量"),
    ("县教育局", "政策文件", "12"),
    ("县卫健委", "预算公开", "3"),
)

EXPECTED_TEXT = {
    "pdf": PDF_LINES,
    "docx": (*DOCX_PARAGRAPHS, "基本支出", "860.30"),
    "xlsx": ("单位名称", "县教育局", "预算公开"),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies (1-based), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _page_objects(lines: tuple[str, ...], extra: bytes = b"") -> list[bytes]:
    text = b"BT /F1 14 Tf 72 720 Td 18 TL " + b" ".join(
        b"(" + line.encode("ascii") + b") Tj T*" for line in lines
    )
    stream = text + b" ET" + extra
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]


@cache
def build_pdf() -> bytes:
    return _pdf(_page_objects(PDF_LINES))


def _zip(members: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():  # fixed timestamps: the same bytes in every process
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            archive.writestr(info, text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"


@cache
def build_docx() -> bytes:
    def para(text: str) -> str:
        return f"<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p>"

    rows = "".join(
        "<w:tr>" + "".join(f"<w:tc>{para(cell)}</w:tc>" for cell in row) + "</w:tr>"
        for row in DOCX_TABLE
    )
    document = (
        f'{_XML}<w:document xmlns:w="{_W}"><w:body>'
        + "".join(para(p) for p in DOCX_PARAGRAPHS)
        + '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
        + '<w:gridCol w:w="4000"/>' * len(DOCX_TABLE[0])
        + f"</w:tblGrid>{rows}</w:tbl>"
        + "<w:sectPr/></w:body></w:document>"
    )
    return _zip(
        {
            "[Content_Types].xml": f'{_XML}<Types xmlns="{_CT}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
            "_rels/.rels": f'{_XML}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
            "word/document.xml": document,
        }
    )


@cache
def build_xlsx() -> bytes:
    strings = sorted({cell for row in XLSX_ROWS for cell in row if not cell.isdigit()})
    index = {s: i for i, s in enumerate(strings)}

    def cell(ref: str, value: str) -> str:
        if value.isdigit():
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="s"><v>{index[value]}</v></c>'

    rows = "".join(
        f'<row r="{r}">' + "".join(cell(f"{'ABC'[c]}{r}", v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(XLSX_ROWS, start=1)
    )
    ss_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return _zip(
        {
            "[Content_Types].xml": f'{_XML}<Types xmlns="{_CT}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>",
            "_rels/.rels": f'{_XML}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
            "xl/workbook.xml": f'{_XML}<workbook xmlns="{ss_ns}" xmlns:r="{_REL}">'
            '<sheets><sheet name="公开统计" sheetId="1" r:id="rId1"/></sheets></workbook>',
            "xl/_rels/workbook.xml.rels": f'{_XML}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
            "xl/sharedStrings.xml": f'{_XML}<sst xmlns="{ss_ns}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">'
            + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
            + "</sst>",
            "xl/worksheets/sheet1.xml": f'{_XML}<worksheet xmlns="{ss_ns}"><sheetData>{rows}'
            "</sheetData></worksheet>",
        }
    )


BUILDERS = {"pdf": build_pdf, "docx": build_docx, "xlsx": build_xlsx}

# --- a large PDF, streamed ---------------------------------------------------------------------

BIG_PDF_SIZE = 30 * 1024 * 1024
_CHUNK = 64 * 1024


def big_pdf_chunks(size: int = BIG_PDF_SIZE) -> Iterator[bytes]:
    """`size` bytes that start like a PDF: a header, then a comment-filled body, then %%EOF.

    Generated piece by piece so the server never holds the file; it is not a parseable PDF
    (a crawler should refuse it for its size long before reading it).
    """
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    tail = b"\n%%EOF\n"
    yield head
    remaining = size - len(head) - len(tail)
    filler = (b"% zwgk padding " + b"x" * 48 + b"\n") * (_CHUNK // 64)
    while remaining > 0:
        piece = filler[: min(remaining, len(filler))]
        remaining -= len(piece)
        yield piece
    yield tail
