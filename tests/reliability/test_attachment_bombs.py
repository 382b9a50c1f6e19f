"""Case 4: attachment text extraction is bounded in memory and time. A DOCX bomb is refused by
its packing before it is read, and any DOCX is streamed (memory holds a paragraph, not the
tree) with a cap on its text; a PDF is read in a child process with an address-space and a
CPU limit. A bomb is recorded as refused with its reason, the crawl goes on, and its peak RSS
stays under 500 MB (ru_maxrss of the crawl process and the readers it waited for)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from bombs import docx_bomb, docx_markup, pdf_bomb, pdf_slow, xlsx_bomb, xlsx_laughs
from conftest import hostile_seed
from crawl_helpers import crawl_command
from fixture_portals.attachments import EXPECTED_TEXT, build_docx
from hostile_portal import HostileServer

from crawler.exceptions import AttachmentError, AttachmentRefused
from crawler.extract.attachments import extract_attachment_text, limits
from crawler.extract.attachments.pdf import pdf_lines
from crawler.extract.attachments.sandbox import read_limited

PEAK_RSS_LIMIT_KB = 500 * 1024
MEASURED = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[2:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB, the largest waited-for
json.dump({"status": done.returncode, "stderr": done.stderr, "peak_kb": peak}, open(sys.argv[1], "w"))
"""


def measured(command: list[str], out) -> dict:
    """Run `command` from a fresh process that reports its peak RSS (and its children's)."""
    subprocess.run([sys.executable, "-c", MEASURED, str(out), *command], check=True, timeout=900)
    return json.loads(out.read_text())


def test_a_crawl_refuses_bombs_and_goes_on_within_500_mb(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    (files / "bomb.docx").write_bytes(docx_bomb())  # 190 MB of XML in ~680 KB
    (files / "bomb.pdf").write_bytes(pdf_bomb())  # a stream of 1 GB in ~1 MB
    (files / "bomb.xlsx").write_bytes(xlsx_bomb())  # a sheet of 190 MB of XML in ~680 KB
    (files / "laughs.xlsx").write_bytes(xlsx_laughs())  # shared strings: a billion laughs
    (files / "notice.docx").write_bytes(build_docx())  # an ordinary attachment
    server = HostileServer(files)
    try:
        seeds = hostile_seed(tmp_path / "seeds", server.url, "/files/index.html")
        db = tmp_path / "archive.db"
        result = measured(crawl_command(seeds, db, site="hostile"), tmp_path / "rss.json")
    finally:
        server.stop()
    assert result["status"] == 0, result["stderr"][-3000:]
    assert result["peak_kb"] < PEAK_RSS_LIMIT_KB, f"peak RSS {result['peak_kb'] // 1024} MB"
    conn = sqlite3.connect(db)
    rows = dict(
        ((url.rsplit("/", 1)[1]), (kind, note))
        for url, kind, note in conn.execute(
            """SELECT f.url, a.kind, a.note FROM fetches f JOIN attachments a
               ON a.sha256 = f.body_sha256 WHERE f.kind = 'attachment'"""
        )
    )
    assert rows["bomb.docx"][0] == "refused" and "decompression bomb" in rows["bomb.docx"][1]
    assert rows["bomb.pdf"][0] == "refused" and "MB of memory" in rows["bomb.pdf"][1]
    assert rows["bomb.xlsx"][0] == "refused" and "decompression bomb" in rows["bomb.xlsx"][1]
    assert rows["laughs.xlsx"][0] == "unreadable" and "corrupt XLSX" in rows["laughs.xlsx"][1]
    assert rows["notice.docx"][0] == "docx"
    text = conn.execute("SELECT text FROM attachments WHERE kind = 'docx'").fetchone()[0]
    assert all(expected in text for expected in EXPECTED_TEXT["docx"])
    documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert documents == 5  # every document archived: the crawl went on
    outcome = conn.execute("SELECT outcome FROM runs").fetchone()[0]
    assert outcome == "finished"


STREAMED = """
import resource, sys
sys.path[:0] = sys.argv[2:]
from bombs import docx_markup
from crawler.extract.attachments import extract_attachment_text
body = docx_markup(int(sys.argv[1]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = extract_attachment_text(body, None, "a.docx")
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(result.kind, len(result.text), grown)
"""


def test_a_large_docx_is_streamed_in_bounded_memory(tmp_path):
    """24 MB of ordinary-packing XML: a tree of it took ~350 MB; streamed, a few MB."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    done = subprocess.run(
        [sys.executable, "-c", STREAMED, str(24 * 1024 * 1024), str(here), str(here.parent)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    kind, chars, grown_kb = done.stdout.split()
    assert kind == "docx" and int(chars) > 300_000
    assert int(grown_kb) < 60 * 1024, f"reading grew the process by {int(grown_kb) // 1024} MB"


def test_docx_text_is_capped_while_streaming(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 10_000)
    result = extract_attachment_text(docx_markup(4 * 1024 * 1024), None, "a.docx")
    assert result.note == "truncated at 10000 chars"
    assert 0 < len(result.text) <= 10_000


def test_a_pdf_over_the_cpu_limit_is_refused():
    with pytest.raises(AttachmentRefused, match="over the 2 s CPU limit"):
        read_limited(pdf_lines, pdf_slow(), "PDF", cpu=2)


def test_xlsx_bombs_are_refused_before_openpyxl_reads_them():
    with pytest.raises(AttachmentRefused, match="sheet1.xml unpacks .* a decompression bomb"):
        extract_attachment_text(xlsx_bomb(), None, "a.xlsx")
    # entities are never expanded: the workbook is unreadable, not a billion "lol"s
    with pytest.raises(AttachmentError, match="corrupt XLSX"):
        extract_attachment_text(xlsx_laughs(), None, "a.xlsx")
