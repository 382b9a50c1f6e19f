"""WARC/1.1 (and WACZ) export of the raw captures, for replay tools (pywb, ReplayWeb.page).

For each fetch, in the order they happened:

- every redirect hop: a `request` record (the headers as sent) and a `response` record (status
  line, headers with the Location, no body), each named by the URL requested at that hop;
- a `request` record with the request exactly as sent (method, URL, the headers after every
  downloader middleware, conditional headers included);
- a `response` record with the original status line, headers and body bytes; or, for a body
  this export already holds, a `revisit` record (profile identical-payload-digest) pointing at
  the first one; or, for a 304 answer, a `revisit` record (profile server-not-modified) pointing
  at the URL's latest capture with a body;
- a `metadata` record linking it to the archive (fetch id, kind, encoding, error).

WARC-Target-URI is the URL as fetched (not the archive's canonical form). Fetches that got no
response are `metadata` records only. Fetches archived before schema 9 kept no request headers
or hops: their request record is rebuilt from the URL and the User-Agent.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tempfile
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.read import Archive
from crawler import __version__
from crawler.crawl.settings import USER_AGENT
from crawler.exceptions import ZwgkError

# Transfer encodings were undone by the HTTP client: the stored body is the decoded entity
_HOP_HEADERS = {
    "transfer-encoding",
    "content-encoding",
    "content-length",
    "connection",
    "keep-alive",
}
NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"


def _reason(status: int) -> str:
    return HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""


def payload_digest(body: bytes) -> str:
    """WARC-Payload-Digest as warcio writes it: sha1, base32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _request_line(method: str, url: str) -> str:
    parts = urlsplit(url)
    return f"{method} {(parts.path or '/') + ('?' + parts.query if parts.query else '')} HTTP/1.1"


def _request_headers(url: str, sent: str | None) -> list[tuple[str, str]]:
    if sent:
        return list(json.loads(sent).items())
    return [("Host", urlsplit(url).netloc), ("User-Agent", USER_AGENT)]  # before schema 9


class _Export:
    def __init__(self, writer: WARCWriter, arc: Archive) -> None:
        self.writer = writer
        self.arc = arc
        self.first_of_payload: dict[str, tuple[str, str]] = {}  # body sha256 -> (uri, date)
        self.last_capture: dict[str, tuple[str, str]] = {}  # canonical url -> (uri, date)
        self.responses = 0

    def write(self, record) -> None:
        self.writer.write_record(record)

    def request(self, url: str, method: str, sent: str | None, date: str, concurrent_to: str):
        headers = StatusAndHeaders(
            _request_line(method, url), _request_headers(url, sent), is_http_request=True
        )
        self.write(
            self.writer.create_warc_record(
                url, "request", payload=io.BytesIO(b""), length=0, http_headers=headers,
                warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": concurrent_to},
            )
        )  # fmt: skip

    def hop(self, row) -> None:
        """A redirect hop: its 3xx response (no body kept) and its request."""
        headers = [(k, v) for k, v in json.loads(row["response_headers"] or "{}").items()
                   if k.lower() not in _HOP_HEADERS] + [("Content-Length", "0")]  # fmt: skip
        http = StatusAndHeaders(
            f"{row['status']} {_reason(row['status'])}".strip(), headers, "HTTP/1.1"
        )
        record = self.writer.create_warc_record(
            row["url"], "response", payload=io.BytesIO(b""), length=0, http_headers=http,
            warc_headers_dict={"WARC-Date": row["fetched_at"]},
        )  # fmt: skip
        self.write(record)
        self.request(
            row["url"],
            "GET",
            row["request_headers"],
            row["fetched_at"],
            record.rec_headers["WARC-Record-ID"],
        )

    def fetch(self, row) -> None:
        date = row["fetched_at"]
        for hop in self.arc.redirects(row["id"]):
            self.hop(hop)
        target = row["fetched_url"] or row["url"]
        body = self.arc.raw_body(row["id"]) if row["body_sha256"] else None
        record = None
        if row["status"] is not None and (body is not None or row["status"] == 304):
            headers = [(k, v) for k, v in json.loads(row["headers"] or "{}").items()
                       if k.lower() not in _HOP_HEADERS]  # fmt: skip
            status_line = f"{row['status']} {_reason(row['status'])}".strip()
            meta = {"WARC-Date": date, "Zwgk-Fetch-Id": str(row["id"])}
            if row["status"] == 304:
                record = self.not_modified(target, row["url"], status_line, headers, meta)
            elif row["body_sha256"] in self.first_of_payload:
                first_uri, first_date = self.first_of_payload[row["body_sha256"]]
                http = StatusAndHeaders(status_line, headers, protocol="HTTP/1.1")
                record = self.writer.create_revisit_record(
                    target, payload_digest(body), first_uri, first_date, http_headers=http,
                    warc_headers_dict=meta,
                )  # fmt: skip
            else:
                http = StatusAndHeaders(status_line, [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")  # fmt: skip
                record = self.writer.create_warc_record(
                    target, "response", payload=io.BytesIO(body), length=len(body),
                    http_headers=http, warc_headers_dict=meta,
                )  # fmt: skip
                self.first_of_payload[row["body_sha256"]] = (target, date)
                self.responses += 1
            if row["status"] != 304:  # what a later 304 for this URL confirms
                self.last_capture[row["url"]] = (target, date)
            self.write(record)
            self.request(
                target,
                row["method"],
                row["request_headers"],
                date,
                record.rec_headers["WARC-Record-ID"],
            )
        self.metadata(row, target, date)

    def not_modified(self, target, url, status_line, headers, meta):
        http = StatusAndHeaders(status_line, headers, protocol="HTTP/1.1")
        record = self.writer.create_warc_record(
            target, "revisit", http_headers=http, warc_headers_dict=meta
        )
        record.rec_headers.add_header("WARC-Profile", NOT_MODIFIED)
        if url in self.last_capture:
            refers_uri, refers_date = self.last_capture[url]
            record.rec_headers.add_header("WARC-Refers-To-Target-URI", refers_uri)
            record.rec_headers.add_header("WARC-Refers-To-Date", refers_date)
        return record

    def metadata(self, row, target: str, date: str) -> None:
        meta = {
            "zwgk-fetch-id": str(row["id"]),
            "zwgk-kind": row["kind"],
            "zwgk-run-id": str(row["run_id"]),
        }
        if row["encoding"]:
            meta["zwgk-encoding"] = row["encoding"]
        if row["error"]:
            meta["zwgk-error"] = row["error"]
        payload = "\n".join(f"{k}: {v}" for k, v in meta.items()).encode()
        self.write(
            self.writer.create_warc_record(
                target, "metadata", payload=io.BytesIO(payload), length=len(payload),
                warc_content_type="application/warc-fields", warc_headers_dict={"WARC-Date": date},
            )
        )  # fmt: skip


def export_warc(
    arc: Archive, out: Path, site_id: str | None = None, since: str | None = None
) -> int:
    """Write a WARC/1.1 file (gzip per record when the name ends .gz); returns the number of
    response records (bodies written in full)."""
    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=str(out).endswith(".gz"), warc_version="WARC/1.1")
        info = {
            "software": f"zwgk/{__version__}",
            "format": "WARC File Format 1.1",
            "isPartOf": "zwgk archive",
        }
        writer.write_record(writer.create_warcinfo_record(out.name, info))
        export = _Export(writer, arc)
        for row in arc.captures(site_id, since):
            export.fetch(row)
    return export.responses


def export_wacz(
    arc: Archive, out: Path, site_id: str | None = None, since: str | None = None
) -> int:
    """A WACZ package (py-wacz) of the WARC export, with the archived documents as its pages,
    for ReplayWeb.page; returns the number of response records."""
    try:
        from wacz.main import main as wacz_main
    except ImportError as exc:
        raise ZwgkError("--format wacz needs py-wacz: pip install 'zwgk[warc]'") from exc
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp, "zwgk.warc.gz")
        responses = export_warc(arc, warc, site_id, since)
        pages = Path(tmp, "pages.jsonl")
        with pages.open("w", encoding="utf-8") as fh:
            fh.write(
                json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Documents"}) + "\n"
            )
            for page in arc.document_pages(site_id, since):
                fh.write(json.dumps(page, ensure_ascii=False) + "\n")
        if wacz_main(
            ["create", "-o", str(out), "-p", str(pages), "--title", "zwgk archive", str(warc)]
        ):
            raise ZwgkError(f"py-wacz could not package {out}")
    return responses
