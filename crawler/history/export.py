"""Exports of the archive: WARC/1.1 from the raw captures, JSON Lines of documents.

WARC: for each fetch with a body, a `request` record (as Scrapy sent it: method, URL, Host,
User-Agent), a `response` record with the original status line, headers and body bytes, and a
`metadata` record linking it to the archive (fetch id, kind, encoding, error). Fetches that got
no response are `metadata` records only. Readable by warcio and other WARC tools.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.read import Archive
from crawler import __version__
from crawler.crawl.settings import USER_AGENT

# Transfer encodings were undone by the HTTP client: the stored body is the decoded entity
_HOP_HEADERS = {
    "transfer-encoding",
    "content-encoding",
    "content-length",
    "connection",
    "keep-alive",
}


def _warc_date(iso: str) -> str:
    return iso.replace("+00:00", "Z")


def export_warc(
    arc: Archive, out: Path, site_id: str | None = None, since: str | None = None
) -> int:
    """Write a gzip-per-record WARC/1.1 file; returns the number of response records."""
    responses = 0
    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=str(out).endswith(".gz"), warc_version="WARC/1.1")
        info = writer.create_warcinfo_record(
            out.name,
            {
                "software": f"zwgk/{__version__}",
                "format": "WARC File Format 1.1",
                "isPartOf": "zwgk archive",
            },
        )
        writer.write_record(info)
        for row in arc.captures(site_id, since):
            responses += _write_fetch(writer, arc, row)
    return responses


def _write_fetch(writer: WARCWriter, arc: Archive, row) -> int:
    date = _warc_date(row["fetched_at"])
    meta = {
        "zwgk-fetch-id": str(row["id"]),
        "zwgk-kind": row["kind"],
        "zwgk-run-id": str(row["run_id"]),
    }
    if row["encoding"]:
        meta["zwgk-encoding"] = row["encoding"]
    if row["error"]:
        meta["zwgk-error"] = row["error"]
    written = 0
    body = arc.raw_body(row["id"]) if row["body_sha256"] else None
    target = row["url"]
    if row["status"] is not None and body is not None:
        headers = [
            (k, v)
            for k, v in json.loads(row["headers"] or "{}").items()
            if k.lower() not in _HOP_HEADERS
        ]
        headers.append(("Content-Length", str(len(body))))
        reason = (
            HTTPStatus(row["status"]).phrase
            if row["status"] in HTTPStatus._value2member_map_
            else ""
        )
        http_headers = StatusAndHeaders(
            f"{row['status']} {reason}".strip(), headers, protocol="HTTP/1.1"
        )
        response = writer.create_warc_record(
            target,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict={"WARC-Date": date, "Zwgk-Fetch-Id": str(row["id"])},
        )
        writer.write_record(response)
        written = 1
        host = urlsplit(target).netloc
        path = urlsplit(target).path or "/"
        if urlsplit(target).query:
            path += "?" + urlsplit(target).query
        req_headers = StatusAndHeaders(
            f"{row['method']} {path} HTTP/1.1",
            [("Host", host), ("User-Agent", USER_AGENT)],
            is_http_request=True,
        )
        request = writer.create_warc_record(
            target,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=req_headers,
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers["WARC-Record-ID"],
            },
        )
        writer.write_record(request)
    payload = "\n".join(f"{k}: {v}" for k, v in meta.items()).encode()
    metadata = writer.create_warc_record(
        target,
        "metadata",
        payload=io.BytesIO(payload),
        length=len(payload),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": date},
    )
    writer.write_record(metadata)
    return written


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
