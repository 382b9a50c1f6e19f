"""Attachment text extraction on real files generated here: PDF, DOCX, XLSX, text, CSV."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from crawler.extract.attachments import (
    MAX_MEMBER_BYTES,
    AttachmentError,
    extract_attachment_text,
    limits,
    sniff_kind,
)

OLE2_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def make_pdf(encrypt: str | None = None) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    pdf.setFont("STSong-Light", 14)
    pdf.drawString(72, 750, "2024年部门预算公开")
    pdf.drawString(72, 720, "一般公共预算收入4717万元")
    pdf.setFont("Helvetica", 12)
    pdf.drawString(72, 690, "Budget table 1: revenue and expenditure")
    pdf.showPage()
    pdf.setFont("STSong-Light", 14)
    pdf.drawString(72, 750, "第二页：政府性基金预算")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("乾安县人民政府办公室关于2024年预算公开的说明")
    document.add_paragraph("一、收支总体情况：  收入合计 4717 万元。")
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([("项目", "预算数", "决算数"), ("一般公共预算", "4717", "4650.5")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("")  # an empty paragraph leaves no blank line
    document.add_paragraph("附件：预算表")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    income = book.active
    income.title = "收入预算"
    income.append(["科目", "金额（万元）", "占比"])
    income.append(["税收收入", 4717, 0.62])
    income.append(["非税收入", 2890.5, None])
    spending = book.create_sheet("支出预算")
    spending.append(["功能分类", "金额"])
    spending["A3"] = "教育支出"  # row 2 left empty, column B empty
    spending["C3"] = 1200
    spending["A4"] = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_declared_size(body: bytes, member: str, size: int) -> bytes:
    """The zip with `member`'s uncompressed size in the central directory rewritten to `size`."""
    name = member.encode()
    at = body.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack_from("<H", body, at + 28)[0]
        if body[at + 46 : at + 46 + name_length] == name:
            break
        at = body.index(b"PK\x01\x02", at + 4)
    return body[: at + 24] + struct.pack("<I", size) + body[at + 28 :]


# --- PDF ----------------------------------------------------------------------


def test_pdf_with_chinese_text():
    result = extract_attachment_text(make_pdf(), "application/pdf", "2024年部门预算.pdf")
    assert result.kind == "pdf"
    lines = result.text.split("\n")
    assert "2024年部门预算公开" in lines
    assert "一般公共预算收入4717万元" in lines
    assert "Budget table 1: revenue and expenditure" in lines
    assert "第二页：政府性基金预算" in lines
    assert result.note is None


def test_encrypted_pdf_gives_empty_text_and_a_note():
    result = extract_attachment_text(make_pdf(encrypt="secret"), "application/pdf", "a.pdf")
    assert (result.kind, result.text) == ("pdf", "")
    assert result.note == "encrypted PDF (password required)"


def test_truncated_pdf_raises_one_line_error():
    body = make_pdf()
    with pytest.raises(AttachmentError) as caught:
        extract_attachment_text(body[: len(body) // 2], "application/pdf", "a.pdf")
    message = str(caught.value)
    assert message.startswith("corrupt PDF") and "\n" not in message


def test_pdf_page_limit_is_noted(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 1)
    result = extract_attachment_text(make_pdf(), "application/pdf", "a.pdf")
    assert "一般公共预算收入4717万元" in result.text and "第二页" not in result.text
    assert result.note == "only the first 1 pages read"


def test_long_text_is_truncated_with_a_note(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 30)
    body = ("第一行政务公开内容\n" * 20).encode("utf-8")
    result = extract_attachment_text(body, "text/plain", "a.txt")
    assert len(result.text) <= 30 and result.text.startswith("第一行政务公开内容\n")
    assert result.note == "truncated at 30 chars"
    sheet = extract_attachment_text(make_xlsx(), None, "a.xlsx")
    assert sheet.note == "truncated at 30 chars" and "支出预算" not in sheet.text


# --- DOCX ---------------------------------------------------------------------


def test_docx_paragraphs_and_table_rows():
    result = extract_attachment_text(make_docx(), None, "说明.docx")
    assert result.kind == "docx"
    assert result.text.split("\n") == [
        "乾安县人民政府办公室关于2024年预算公开的说明",
        "一、收支总体情况： 收入合计 4717 万元。",
        "项目 | 预算数 | 决算数",
        "一般公共预算 | 4717 | 4650.5",
        "附件：预算表",
    ]
    assert result.note is None


def test_corrupt_docx_zip_raises_one_line_error():
    body = make_docx()
    with pytest.raises(AttachmentError) as caught:
        extract_attachment_text(body[: len(body) // 2], None, "说明.docx")
    assert "DOCX" in str(caught.value) and "\n" not in str(caught.value)


def test_zip_member_claiming_huge_size_is_refused():
    body = with_declared_size(make_docx(), "word/document.xml", MAX_MEMBER_BYTES + 1)
    assert sniff_kind(body, None, "a.docx") == "docx"
    with pytest.raises(AttachmentError, match="over the .*-byte limit"):
        extract_attachment_text(body, None, "a.docx")


def test_docx_member_larger_than_it_claims_is_corrupt():
    body = with_declared_size(make_docx(), "word/document.xml", 100)
    with pytest.raises(AttachmentError, match="corrupt DOCX"):
        extract_attachment_text(body, None, "a.docx")


# --- XLSX ---------------------------------------------------------------------


def test_xlsx_sheets_and_rows():
    result = extract_attachment_text(make_xlsx(), None, "预算表.xlsx")
    assert result.kind == "xlsx"
    assert result.text.split("\n") == [
        "收入预算",
        "科目 | 金额（万元） | 占比",
        "税收收入 | 4717 | 0.62",
        "非税收入 | 2890.5",
        "支出预算",
        "功能分类 | 金额",
        "教育支出 | | 1200",
        "TRUE",
    ]


def test_xlsx_with_inline_strings():
    body = make_xlsx()
    source = zipfile.ZipFile(io.BytesIO(body))
    inline = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="B1" t="inlineStr"><is><t>内联文本</t></is></c>'
        '<c r="C1" t="str"><f>1+1</f><v>公式结果</v></c></row></sheetData></worksheet>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = inline.encode()
            target.writestr(info, data)
    text = extract_attachment_text(out.getvalue(), None, "a.xlsx").text
    assert text.split("\n")[-2:] == ["支出预算", "| 内联文本 | 公式结果"]


def test_xlsx_cells_read_as_the_sheet_shows_them():
    """Dates, percentages, money and merged cells, saved by a real spreadsheet library: the text
    holds what a reader sees (a search for 2024-01-29 or 25% finds it), not serial numbers."""
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "执行情况"
    sheet.append(["2023年预算执行情况", None, None, None])
    sheet.merge_cells("A1:D1")  # a merged title row
    sheet.append(["项目", "日期", "完成率", "金额（元）"])
    sheet.append(["乡村振兴", dt.date(2024, 1, 29), 0.25, 1234567.891])
    sheet.append(["低保", dt.datetime(2024, 3, 5, 14, 30), 1.0, -42])
    sheet.append(["年报", dt.date(2024, 2, 1), 0.0625, 3])
    sheet["B3"].number_format = "yyyy-mm-dd"
    sheet["B4"].number_format = "yyyy-mm-dd hh:mm"
    sheet["B5"].number_format = 'yyyy"年"m"月"d"日"'
    sheet["C3"].number_format = "0%"
    sheet["C4"].number_format = "0.0%"
    sheet["C5"].number_format = "0.00%"
    sheet["D3"].number_format = "#,##0.00"
    sheet["D4"].number_format = "0.00;(0.00)"
    sheet.merge_cells("A6:B6")
    sheet["A6"] = "合计"
    sheet["C6"] = 12
    buffer = io.BytesIO()
    book.save(buffer)
    result = extract_attachment_text(buffer.getvalue(), None, "执行情况.xlsx")
    assert result.kind == "xlsx" and result.note is None
    assert result.text.split("\n") == [
        "执行情况",
        "2023年预算执行情况",
        "项目 | 日期 | 完成率 | 金额（元）",
        "乡村振兴 | 2024-01-29 | 25% | 1,234,567.89",
        "低保 | 2024-03-05 14:30:00 | 100.0% | (42.00)",
        "年报 | 2024年2月1日 | 6.25% | 3",
        "合计 | | 12",
    ]
    assert "45320" not in result.text and "0.25" not in result.text


# --- text and CSV -------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_text_files_in_chinese_encodings(encoding):
    source = "关于公开2024年部门预算的说明\r\n\r\n   一般公共预算收入４７１７万元。\u3000\n"
    result = extract_attachment_text(source.encode(encoding), "text/plain", "说明.txt")
    assert result.kind == "text"
    assert result.text == "关于公开2024年部门预算的说明\n一般公共预算收入４７１７万元。"
    assert result.note is None


def test_csv_rows_joined_with_bars():
    source = '科目,金额\n税收收入,4717\n"非税收入,其他",2890.5\n'
    result = extract_attachment_text(source.encode("gb18030"), "text/csv; charset=gbk", "a.csv")
    assert result.text.split("\n") == ["科目 | 金额", "税收收入 | 4717", "非税收入,其他 | 2890.5"]


# --- sniffing -----------------------------------------------------------------


def test_magic_bytes_beat_lying_content_type_and_extension():
    assert sniff_kind(make_pdf(), "text/html", "附件.doc") == "pdf"
    assert sniff_kind(make_docx(), "application/pdf", "附件.xlsx") == "docx"
    assert sniff_kind(make_xlsx(), "application/octet-stream", "附件.pdf") == "xlsx"
    assert sniff_kind(OLE2_HEADER + bytes(504), "application/pdf", "a.pdf") == "unsupported"
    result = extract_attachment_text(make_docx(), "application/pdf", "附件.pdf")
    assert result.kind == "docx" and "项目 | 预算数 | 决算数" in result.text


def test_content_type_then_extension_decide_without_magic():
    assert sniff_kind(b"plain words", "text/plain", None) == "text"
    assert sniff_kind(b"plain words", "application/octet-stream", "notes.TXT?v=2") == "text"
    assert sniff_kind(b"garbage", "application/octet-stream", "a.bin") == "unsupported"


def test_html_error_page_behind_an_attachment_link_is_unsupported():
    body = b"<!DOCTYPE html><html><body>404 \xe6\x96\x87\xe4\xbb\xb6\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8"
    result = extract_attachment_text(body, "application/pdf", "a.pdf")
    assert result.kind == "unsupported" and result.text == ""
    assert "HTML" in (result.note or "")


@pytest.mark.parametrize("filename", ["旧表.doc", "旧表.xls", "旧表.wps", "旧表.et"])
def test_legacy_ole2_files_are_unsupported_with_a_note(filename):
    result = extract_attachment_text(OLE2_HEADER + bytes(504), None, filename)
    assert (result.kind, result.text) == ("unsupported", "")
    assert result.note == f"legacy {filename[2:]} (OLE2) not extracted"


def test_ofd_and_plain_zip_are_unsupported_with_a_note():
    def zipped(name: str) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            target.writestr(name, "<ofd:OFD/>")
        return out.getvalue()

    ofd = extract_attachment_text(zipped("OFD.xml"), "application/ofd", "a.ofd")
    assert (ofd.kind, ofd.note) == ("unsupported", "OFD document not extracted")
    archive = extract_attachment_text(zipped("附件/说明.txt"), "application/zip", "a.zip")
    assert archive.kind == "unsupported" and "zip archive" in (archive.note or "")


def test_empty_body_is_unsupported():
    result = extract_attachment_text(b"", "application/pdf", "a.pdf")
    assert (result.kind, result.note) == ("unsupported", "empty file")
