"""Near-duplicate clusters in a real archive file (archive/clusters.py).

Documents are written with the real ArchiveWriter, then each new text is signed
(crawler/text/dedup.py) and assigned inside an IMMEDIATE transaction, as the writer does.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest
from test_neardup import labelled_set, precision_recall  # tests/ is on sys.path

from archive import clusters
from archive.exceptions import ArchiveError
from archive.writer import ArchiveWriter, DocumentContent, FetchRecord, SiteRecord
from crawler.text import dedup
from crawler.text.normalise import content_hash

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-01-05T01:00:00.000Z"


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[ArchiveWriter]:
    w = open_writer(tmp_path / "archive.db")
    yield w
    w.close()


def open_writer(path: Path) -> ArchiveWriter:
    return ArchiveWriter(path)


def url_of(site: str, name: str) -> str:
    return f"http://{site}.example.gov.cn/zwgk/{name}.html"


def write_document(w: ArchiveWriter, site: str, name: str, text_norm: str) -> str:
    """Store a document page whose text is `text_norm`; returns its URL."""
    url = url_of(site, name)
    w.upsert_site(
        SiteRecord(site, f"{site}人民政府", "000000", (url,), (f"{site}.example.gov.cn",))
    )
    run_id = w.start_run(site, "manual", "test")
    fetch = FetchRecord(site, url, url, "document", 200, body=text_norm.encode(), fetched_at=NOW)
    doc = DocumentContent(url, text_norm, text_norm, content_hash(text_norm), False, "test")
    w.record_page(run_id, fetch, doc)
    w.finish_run(run_id, "finished", "finished")
    return url


def sign(w: ArchiveWriter, text_norm: str, threshold: float = dedup.THRESHOLD):
    """What the writer does for a new text: sketch it (None for a short text) and assign it."""
    sketch = dedup.sketch(text_norm)
    if sketch is None:
        return None, None
    conn = w.db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        clusters.check_scheme(w.db, dedup.SCHEME, NOW)
        result = clusters.assign_cluster(
            w.db, content_hash(text_norm), sketch.signature, sketch.band_keys, threshold, NOW
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def counts(w: ArchiveWriter) -> dict[str, int]:
    tables = ("minhash_signatures", "minhash_bands", "clusters", "cluster_members")
    sizes = w.db.execute("SELECT coalesce(sum(size), 0) FROM clusters").fetchone()[0]
    return {t: w.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables} | {
        "sizes": sizes
    }


@pytest.mark.parametrize("order", ["originals_first", "shuffled"])
def test_copies_cluster_with_their_original_and_reports_stay_apart(
    writer: ArchiveWriter, order: str
) -> None:
    items = list(labelled_set())
    if order == "shuffled":
        random.Random(6).shuffle(items)
    else:
        items.sort(key=lambda item: item[1] != "original")
    urls = []
    for report, edit, text in items:
        site = "county" if edit == "original" else f"town-{edit.replace('_', '-')}"
        urls.append(write_document(writer, site, report, text))
        sign(writer, text)
    found = {url: clusters.cluster_of_document(writer.db, url) for url in urls}
    cluster_ids = [found[url]["id"] if found[url] else None for url in urls]
    labels = [report for report, _, _ in items]
    same = {
        (i, j)
        for i, j in combinations(range(len(items)), 2)
        if cluster_ids[i] is not None and cluster_ids[i] == cluster_ids[j]
    }
    precision, recall = precision_recall(same, labels)
    original = {
        report: cluster_ids[i] for i, (report, edit, _) in enumerate(items) if edit == "original"
    }
    copies = [
        (report, cluster_ids[i]) for i, (report, edit, _) in enumerate(items) if edit != "original"
    ]
    copy_recall = sum(cid is not None and cid == original[r] for r, cid in copies) / len(copies)
    print(
        f"\nclusters ({order}): copy->original recall {copy_recall:.3f}, "
        f"pairwise precision {precision:.3f} recall {recall:.3f}"
    )
    assert copy_recall == 1.0
    assert precision == 1.0  # zero false merges
    assert len(set(original.values())) == 7
    by_id = {c["id"]: c for c in clusters.clusters_of_site(writer.db)}
    assert len(by_id) == 7
    for report, cid in original.items():
        distinct_texts = {text for r, _, text in items if r == report}
        assert by_id[cid]["size"] == len(distinct_texts)
        assert len({m["text_hash"] for m in by_id[cid]["members"]}) == len(distinct_texts)
        assert {m["url"] for m in by_id[cid]["members"]} == {
            urls[i] for i, (r, _, _) in enumerate(items) if r == report
        }


def test_one_line_notices_never_cluster(writer: ArchiveWriter) -> None:
    for month in range(1, 13):
        notice = f"关于做好2024年{month}月份安全生产工作的通知。各村（社区）：请认真做好本月安全生产工作。"
        write_document(writer, "county", f"notice{month}", notice)
        write_document(writer, "town", f"notice{month}", notice + "\n附件：通知.pdf")
        assert sign(writer, notice) == (None, None)
        assert sign(writer, notice + "\n附件：通知.pdf") == (None, None)
    assert counts(writer) == dict.fromkeys(
        ("minhash_signatures", "minhash_bands", "clusters", "cluster_members", "sizes"), 0
    )


def test_bands_survive_closing_and_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    items = {(report, edit): text for report, edit, text in labelled_set()}
    original, copy = items[("002", "original")], items[("002", "combined")]
    w = open_writer(path)
    write_document(w, "county", "002", original)
    assert sign(w, original) == (None, None)  # alone: signed, not clustered
    write_document(w, "town", "002", copy)
    w.close()
    # a new process (another hash seed) opens the file and signs the copy: it finds the
    # original through the persisted bands
    code = (
        "import sys; sys.path.insert(0, 'tests'); import test_clusters as t; "
        "from pathlib import Path; w = t.open_writer(Path(sys.argv[1])); "
        "print(t.sign(w, sys.stdin.read())[0]); w.close()"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        input=copy,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PYTHONHASHSEED": "4242", "PATH": ""},
    )
    cluster_id = int(out.stdout.strip())
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    found = clusters.cluster_of_document(conn, url_of("town", "002"))
    assert found["id"] == cluster_id
    assert [m["url"] for m in found["members"]] == [url_of("county", "002"), url_of("town", "002")]
    conn.close()


def test_assign_cluster_is_idempotent(writer: ArchiveWriter) -> None:
    items = {(report, edit): text for report, edit, text in labelled_set()}
    original, copy = items[("003", "original")], items[("003", "paragraph_added")]
    for name, text in (("a", original), ("b", copy)):
        write_document(writer, "county", name, text)
    sign(writer, original)
    first = sign(writer, copy)
    assert first[0] is not None and first[1] >= dedup.THRESHOLD
    before = counts(writer)
    assert before["clusters"] == 1 and before["sizes"] == 2 == before["cluster_members"]
    assert before["minhash_bands"] == 2 * dedup.BANDS
    assert sign(writer, copy) == first
    assert sign(writer, original) == (first[0], None)  # the representative has no similarity
    sig = dedup.signature(copy)  # a list of ints is accepted as well as packed bytes
    again = clusters.assign_cluster(
        writer.db, content_hash(copy), sig, dedup.band_keys(sig), 0.8, NOW
    )
    assert again == first
    assert counts(writer) == before


def test_a_copy_below_the_threshold_is_signed_but_not_clustered(writer: ArchiveWriter) -> None:
    items = {(report, edit): text for report, edit, text in labelled_set()}
    original, copy = items[("001b", "original")], items[("001b", "paragraph_removed")]
    write_document(writer, "county", "a", original)
    write_document(writer, "town", "a", copy)
    sign(writer, original)
    assert sign(writer, copy, threshold=0.999) == (None, None)
    assert counts(writer)["minhash_signatures"] == 2 and counts(writer)["clusters"] == 0
    assert clusters.cluster_of_document(writer.db, url_of("town", "a")) is None


def test_read_helpers(writer: ArchiveWriter) -> None:
    items = {(report, edit): text for report, edit, text in labelled_set()}
    write_document(writer, "county", "000", items[("000", "original")])
    write_document(writer, "town", "000", items[("000", "header")])
    write_document(writer, "village", "000", items[("000", "footer")])
    write_document(writer, "other", "004", items[("004", "original")])
    for key in (("000", "original"), ("000", "header"), ("000", "footer"), ("004", "original")):
        sign(writer, items[key])
    assert clusters.clusters_of_site(writer.db, "other") == []
    assert clusters.cluster_of_document(writer.db, url_of("other", "004")) is None
    assert clusters.cluster_of_document(writer.db, "http://nowhere.example/x.html") is None
    (cluster,) = clusters.clusters_of_site(writer.db, "village")
    assert cluster == clusters.cluster_of_document(writer.db, url_of("county", "000"))
    assert cluster["representative"] == content_hash(items[("000", "original")])
    assert cluster["size"] == 3
    first, *others = cluster["members"]
    assert (first["site_id"], first["similarity"], first["matched"]) == ("county", None, None)
    assert [m["site_id"] for m in others] == ["town", "village"]
    assert all(dedup.THRESHOLD <= m["similarity"] <= 1 for m in others)
    assert all(m["first_seen"] == NOW and m["current"] for m in cluster["members"])


def test_signatures_of_another_scheme_are_refused(writer: ArchiveWriter) -> None:
    clusters.check_scheme(writer.db, dedup.SCHEME, NOW)
    clusters.check_scheme(writer.db, dedup.SCHEME, NOW)
    with pytest.raises(ArchiveError, match="near-duplicate signatures were made as"):
        clusters.check_scheme(writer.db, "datasketch/k4/p256", NOW)
