"""Exports of the archive's documents: JSON Lines and CSV, one row per document with its latest
version. The raw captures are exported as WARC or WACZ by crawler/history/warc.py."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from archive.read import Archive


def _document_rows(arc: Archive, site_id: str | None, since: str | None) -> Iterator:
    where, params = [], []
    if site_id:
        where.append("d.site_id = ?")
        params.append(site_id)
    if since:
        where.append("d.last_seen >= ?")
        params.append(since)
    sql = f"""SELECT d.url, d.site_id, d.status, d.first_seen, d.last_seen, d.version_count,
                     v.version_no, v.created_at, v.title, v.publish_date, v.publisher, v.index_no, v.doc_no,
                     v.category, v.written_date, v.validity, v.source, v.metadata, v.attachments, t.text
              FROM documents d JOIN versions v ON v.id = d.current_version_id JOIN texts t ON t.hash = v.text_hash
              {"WHERE " + " AND ".join(where) if where else ""} ORDER BY d.id"""
    yield from arc.conn.execute(sql, params)


def export_jsonl(arc: Archive, out, site_id: str | None = None, since: str | None = None) -> int:
    """One JSON object per document with its latest version, streamed; returns the count."""
    count = 0
    for row in _document_rows(arc, site_id, since):
        record = dict(row)
        record["metadata"] = json.loads(record["metadata"] or "{}")
        record["attachments"] = json.loads(record["attachments"] or "[]")
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def export_csv(arc: Archive, out, site_id: str | None = None, since: str | None = None) -> int:
    """One CSV row per document with its latest version (metadata/attachments as JSON), streamed."""
    writer = None
    count = 0
    for row in _document_rows(arc, site_id, since):
        if writer is None:
            writer = csv.writer(out)
            writer.writerow(row.keys())
        writer.writerow(list(row))
        count += 1
    return count
