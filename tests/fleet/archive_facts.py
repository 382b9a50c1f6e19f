"""What an archive says, without its ids and timestamps: two archives built from the same portals
by different means (a local crawl, workers + ingest) must say the same."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from pathlib import Path

from archive import read

COUNTER = re.compile("访问|浏览|点击")  # a visitor counter: it counts our own visits too
QUERIES = ("工作报告", "乡村振兴", "政府", "2023", "规划", "法治", "县人民政府", "通知")


def facts(db: Path) -> dict[str, object]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        found = {
            "documents": set(
                conn.execute("SELECT url, site_id, status, version_count FROM documents")
            ),
            "versions": set(
                map(
                    _without_counters,
                    conn.execute(
                        """SELECT d.url, v.version_no, v.text_hash, v.title, v.title_norm,
                              v.publish_date, v.publish_date_raw, v.publisher, v.index_no,
                              v.doc_no, v.category, v.written_date, v.validity, v.source,
                              v.metadata, v.attachments, v.change, v.extractor_version
                       FROM versions v JOIN documents d ON d.id = v.document_id"""
                    ),
                )
            ),
            "events": Counter(
                conn.execute(
                    """SELECT d.url, e.event, e.reason, e.evidence FROM events e
                       JOIN documents d ON d.id = e.document_id"""
                )
            ),
            "texts": set(conn.execute("SELECT hash, text, text_norm, traditional FROM texts")),
            "clusters": {
                frozenset(
                    h
                    for (h,) in conn.execute(
                        "SELECT text_hash FROM cluster_members WHERE cluster_id = ?", [cid]
                    )
                )
                for (cid,) in conn.execute("SELECT id FROM clusters")
            },  # fmt: skip
            "files": set(
                conn.execute(
                    """SELECT d.url, v.version_no, va.url, va.name, va.sha256
                       FROM version_attachments va JOIN versions v ON v.id = va.version_id
                       JOIN documents d ON d.id = v.document_id"""
                )
            ),
            "listings": set(
                conn.execute(
                    "SELECT c.site_id, c.url, c.name, l.url FROM listings l "
                    "JOIN columns c ON c.id = l.column_id"
                )
            ),
            "runs": Counter(
                conn.execute(
                    """SELECT site_id, full_walk, outcome, pages_fetched, documents_new,
                              documents_changed, documents_unchanged, documents_deleted,
                              documents_restored, not_modified, fetches_failed FROM runs"""
                )
            ),
            "coverage": Counter(
                conn.execute(
                    """SELECT c.url, cc.pages, cc.announced, cc.listed, cc.archived, cc.flag
                       FROM column_coverage cc JOIN columns c ON c.id = cc.column_id"""
                )
            ),
        }
    finally:
        conn.close()
    with read.open_archive(db) as arc:
        found["search"] = {q: set(arc.search(q, limit=1000)) for q in QUERIES}
    return found


def _without_counters(row: tuple) -> tuple:
    """A version row with the values of visitor counters left out of its raw metadata (the one
    raw label that changes between two visits; it never makes a version)."""
    metadata = {k: "…" if COUNTER.search(k) else v for k, v in json.loads(row[14]).items()}
    return (*row[:14], json.dumps(metadata, ensure_ascii=False, sort_keys=True), *row[15:])


def assert_same(left: Path, right: Path) -> dict[str, object]:
    """The facts of both archives are equal, table by table (the first difference named)."""
    a, b = facts(left), facts(right)
    for key in a:
        if a[key] != b[key]:
            only_a = a[key] - b[key] if isinstance(a[key], set | Counter) else a[key]
            only_b = b[key] - a[key] if isinstance(b[key], set | Counter) else b[key]
            raise AssertionError(
                f"{key} differ:\n only in {left.name}: {only_a}\n only in {right.name}: {only_b}"
            )
    return a
