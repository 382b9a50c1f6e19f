"""Every attachment extension zwgk knows (crawler/discovery/urls.py ATTACHMENT_EXTENSIONS) is
downloaded, stored byte for byte and listed on the version of the document that links it — the
formats it reads (PDF, DOCX, XLSX, text, CSV) with their text, the others (legacy Office and WPS
files, OFD, PPTX, archives) kept as they are, with a note saying why they were not read."""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
import subprocess
import zipfile
from urllib.parse import unquote

from conftest import hostile_seed
from crawl_helpers import crawl_command
from fixture_portals.attachments import EXPECTED_TEXT, build_docx, build_pdf, build_xlsx
from hostile_portal import HostileServer

from crawler.discovery.urls import ATTACHMENT_EXTENSIONS

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the header of .doc, .xls, .ppt, .wps, .et files
CSV_TEXT = "项目,金额（万元）\n城乡居民最低生活保障,1024\n特困人员救助供养,356\n"
TXT_TEXT = "关于公开2024年部门预算的说明\n一、收支总体情况\n"


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def sample_file(ext: str) -> bytes:
    """A file of each kind, with the bytes its format begins with (as a portal serves it)."""
    filler = os.urandom(2048)
    pptx = {"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}
    return {
        ".pdf": build_pdf,
        ".docx": build_docx,
        ".xlsx": build_xlsx,
        ".csv": lambda: CSV_TEXT.encode("gb18030"),  # portals' CSV files: GBK more often than not
        ".txt": lambda: TXT_TEXT.encode("utf-8"),
        ".zip": lambda: _zip({"附件/说明.txt": TXT_TEXT.encode()}),
        ".pptx": lambda: _zip(pptx),
        ".ofd": lambda: _zip({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<d/>"}),
        ".7z": lambda: b"7z\xbc\xaf\x27\x1c\x00\x04" + filler,
        ".rar": lambda: b"Rar!\x1a\x07\x01\x00" + filler,
    }.get(ext, lambda: OLE2 + filler)()


def test_every_attachment_extension_is_stored_and_listed_on_its_version(tmp_path):
    files = tmp_path / "files"
    files.mkdir()
    sent = {}
    for n, ext in enumerate(sorted(ATTACHMENT_EXTENSIONS)):
        name = f"附件{n:02d}{ext}"
        sent[name] = sample_file(ext)
        (files / name).write_bytes(sent[name])
    assert len(sent) == len(ATTACHMENT_EXTENSIONS) >= 15
    server = HostileServer(files)
    try:
        seeds = hostile_seed(tmp_path / "seeds", server.url, "/files/index.html")
        db = tmp_path / "archive.db"
        done = subprocess.run(
            crawl_command(seeds, db, site="hostile"), capture_output=True, text=True, timeout=600
        )
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr[-3000:]
    conn = sqlite3.connect(db)
    listed = {
        url.rsplit("/", 1)[1]: (document, sha, kind, text, note)
        for url, document, sha, kind, text, note in conn.execute(
            """SELECT va.url, d.url, a.sha256, a.kind, a.text, a.note
               FROM documents d JOIN version_attachments va ON va.version_id = d.current_version_id
               JOIN attachments a ON a.sha256 = va.sha256"""
        )
    }
    listed = {unquote(name): row for name, row in listed.items()}
    assert set(listed) == set(sent), set(sent) ^ set(listed)
    documents = {row[0] for row in listed.values()}
    assert len(documents) == len(sent)  # each file on the version of its own document
    for name, body in sent.items():
        _, sha, kind, text, note = listed[name]
        assert sha == hashlib.sha256(body).hexdigest(), name  # stored byte for byte
        stored = conn.execute("SELECT size FROM bodies WHERE sha256 = ?", [sha]).fetchone()
        assert stored == (len(body),), name
        ext = name[name.index(".") :]
        if ext in (".pdf", ".docx", ".xlsx"):
            assert kind == ext[1:] and all(e in text for e in EXPECTED_TEXT[ext[1:]]), (name, text)
        elif ext == ".csv":
            assert kind == "text" and "城乡居民最低生活保障 | 1024" in text, (name, text)
        elif ext == ".txt":
            assert kind == "text" and "一、收支总体情况" in text, (name, text)
        else:  # kept unread, and the archive says why
            assert kind in ("unsupported", "unreadable") and not text and note, (name, kind, note)
