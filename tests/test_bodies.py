"""Raw bodies (archive/bodies.py): zstd with a dictionary trained on each site's pages, stored
once, read back byte for byte; what does not compress is kept as it came."""

from __future__ import annotations

import hashlib
import os
import random
import zlib

from testdata import PAGES, SEED_TEXTS

from archive import bodies, read
from archive.writer import ArchiveWriter, FetchRecord, SiteRecord


def test_codecs_round_trip():
    page = (PAGES / "001.html").read_bytes()
    codec, data = bodies.compress(page)
    assert codec == "zstd" and len(data) < len(zlib.compress(page, 6))
    assert bodies.decompress(codec, data) == page
    noise = os.urandom(5000)  # like a PDF's compressed streams: kept as received
    assert bodies.compress(noise) == ("none", noise)
    assert bodies.decompress("zlib", zlib.compress(page)) == page  # bodies of schema < 7


def template_page(i: int, paragraphs: list[str], template: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in random.Random(i).sample(paragraphs, 3))
    return template.replace("{body}", f"<h1>第{i}号</h1>{body}").encode()


def test_a_site_dictionary_is_trained_and_every_body_reads_back_exactly(tmp_path):
    paragraphs = [
        line
        for path in sorted(SEED_TEXTS.glob("*.txt"))
        for line in path.read_text("utf-8").splitlines()
        if len(line) > 30
    ]
    assert len(paragraphs) > 100  # the seed texts are there
    # a portal's template: a real page's markup around each document
    real = (PAGES / "002.html").read_text("utf-8", errors="replace")
    template = real[: len(real) // 2] + "{body}" + real[len(real) // 2 :]
    w = ArchiveWriter(tmp_path / "archive.db")
    w.upsert_site(SiteRecord("s", "县", "411322", (), ()))
    run_id = w.start_run("s", "manual", "test")
    sent = {}
    for i in range(bodies.TRAIN_SAMPLES + 40):
        page = template_page(i, paragraphs, template)
        url = f"http://h/{i}.html"
        sent[
            w.record_page(run_id, FetchRecord("s", url, url, "document", 200, body=page)).fetch_id
        ] = page
    pdf = os.urandom(3000)
    fetch = FetchRecord("s", "http://h/a.pdf", "http://h/a.pdf", "attachment", 200, body=pdf)
    sent[w.record_page(run_id, fetch).fetch_id] = pdf
    w.finish_run(run_id, "finished", "finished")
    db = w.db
    assert db.execute("SELECT count(*), max(samples) FROM body_dictionaries").fetchone() == (
        1,
        bodies.TRAIN_SAMPLES,
    )
    by_codec = dict(
        db.execute(
            "SELECT codec || (dictionary_id IS NOT NULL), count(*) FROM bodies GROUP BY 1"
        ).fetchall()
    )
    assert by_codec == {"zstd1": bodies.TRAIN_SAMPLES + 40, "none0": 1}  # earlier ones recompressed
    stored, raw = db.execute(
        "SELECT sum(length(data)), sum(size) FROM bodies WHERE codec = 'zstd'"
    ).fetchone()
    plain = sum(len(zlib.compress(p, 6)) for p in sent.values() if p is not pdf)
    print(f"zstd + dictionary {stored:,} bytes, zlib {plain:,}, raw {raw:,}")
    assert stored < plain / 4
    # the recompressed rows were written anew, not shrunk in place: the table's pages stay full
    pages, unused = db.execute(
        "SELECT sum(pgsize), sum(unused) FROM dbstat WHERE name = 'bodies'"
    ).fetchone()
    assert unused < 0.15 * pages, (unused, pages)  # 20% when they were UPDATEd in place
    w.close()
    with read.open_archive(tmp_path / "archive.db") as arc:
        for fetch_id, page in sent.items():
            assert arc.raw_body(fetch_id) == page
        sha = arc.conn.execute(
            "SELECT body_sha256 FROM fetches WHERE id = ?", [fetch_id]
        ).fetchone()[0]
        assert sha == hashlib.sha256(page).hexdigest()
