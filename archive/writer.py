"""Writing the archive: every fetch, and a new version only when a document's text changes.

Each page is written in one IMMEDIATE transaction: the read of the document's current state
and the insert that depends on it cannot interleave with another writer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from archive.schema import connect

BODY_CODEC = "zlib"


def utcnow() -> str:
    """UTC ISO-8601 with milliseconds and a Z, the archive's one timestamp format."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class SiteRecord:
    id: str
    name: str
    adcode: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    seed_source: str = ""


@dataclass(frozen=True)
class FetchRecord:
    """One HTTP exchange (or a failed attempt: status None and error set)."""

    site_id: str
    url: str  # final URL after redirects
    requested_url: str
    kind: str  # list | document | page | blocked | error
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    encoding: str | None = None
    error: str | None = None
    method: str = "GET"
    fetched_at: str = field(default_factory=utcnow)

    @property
    def content_type(self) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == "content-type":
                return value
        return None


@dataclass(frozen=True)
class DocumentContent:
    """What extraction and normalisation made of a document page."""

    url: str  # canonical document URL
    text: str  # original extracted text
    text_norm: str  # normalised search/dedup key
    text_hash: str  # sha256 of text_norm
    traditional: bool
    extractor_version: str
    title: str | None = None
    publish_date: str | None = None
    publish_date_raw: str | None = None
    publisher: str | None = None
    index_no: str | None = None
    doc_no: str | None = None
    category: str | None = None
    written_date: str | None = None
    validity: str | None = None
    source: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    attachments: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True)
class ColumnRef:
    """A 政务公开 column (栏目) of the catalogue tree: identified by its first list page's URL."""

    url: str
    name: str | None = None
    parent_url: str | None = None
    cms: str | None = None  # the CMS family whose strategy listed it


@dataclass(frozen=True)
class AttachmentContent:
    """Text extracted from an attachment's bytes (which are stored with the fetch)."""

    document_url: str  # the document page that linked it
    name: str | None
    kind: str  # pdf | docx | xlsx | text | unsupported
    text: str
    note: str | None = None


@dataclass(frozen=True)
class PageOutcome:
    fetch_id: int
    document: str | None = None  # new | changed | unchanged, or None for non-documents
    document_id: int | None = None
    version_no: int | None = None
    text_seen_before: bool = False  # exact duplicate of a text already archived


class ArchiveWriter:
    """The only writer of an archive file. Not thread-safe: one per process/reactor."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.db: sqlite_utils.Database = connect(self.path)

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite_utils.Database]:
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def upsert_site(self, site: SiteRecord) -> None:
        now = utcnow()
        with self._transaction() as db:
            row = {
                "id": site.id,
                "name": site.name,
                "adcode": site.adcode,
                "start_urls": json.dumps(list(site.start_urls), ensure_ascii=False),
                "allowed_domains": json.dumps(list(site.allowed_domains), ensure_ascii=False),
                "seed_source": site.seed_source,
                "updated_at": now,
            }
            if db.execute("SELECT 1 FROM sites WHERE id = ?", [site.id]).fetchone():
                db["sites"].update(site.id, row)
            else:
                db["sites"].insert({**row, "first_seen": now})

    def start_run(self, site_id: str, trigger: str, version: str) -> int:
        with self._transaction() as db:
            cur = db.execute(
                "INSERT INTO runs (site_id, trigger, started_at, zwgk_version) VALUES (?, ?, ?, ?)",
                [site_id, trigger, utcnow(), version],
            )
            return cur.lastrowid

    def finish_run(
        self, run_id: int, outcome: str, finish_reason: str | None, error: str | None = None
    ) -> dict:
        """Close a run; its counters are derived from what was written, so they cannot drift."""
        with self._transaction() as db:
            counts = self._run_counts(db, run_id)
            db["runs"].update(
                run_id,
                {
                    **counts,
                    "ended_at": utcnow(),
                    "outcome": outcome,
                    "finish_reason": finish_reason,
                    "error": error,
                },
            )
        return counts

    @staticmethod
    def _run_counts(db: sqlite_utils.Database, run_id: int) -> dict[str, int]:
        row = db.execute(
            """SELECT count(*) AS pages,
                      coalesce(sum(kind != 'blocked' AND (status IS NULL OR status >= 400)), 0) AS failed,
                      coalesce(sum(kind = 'blocked'), 0) AS blocked
               FROM fetches WHERE run_id = ?""",
            [run_id],
        ).fetchone()
        new, changed = db.execute(
            """SELECT coalesce(sum(version_no = 1), 0), coalesce(sum(version_no > 1), 0)
               FROM versions WHERE run_id = ?""",
            [run_id],
        ).fetchone()
        docs_seen = db.execute(
            "SELECT count(DISTINCT url) FROM fetches WHERE run_id = ? AND kind = 'document' AND text_hash IS NOT NULL",
            [run_id],
        ).fetchone()[0]
        return {
            "pages_fetched": row[0],
            "fetches_failed": row[1],
            "fetches_blocked": row[2],
            "documents_new": new,
            "documents_changed": changed,
            "documents_unchanged": max(docs_seen - new - changed, 0),
        }

    def record_page(
        self,
        run_id: int | None,
        fetch: FetchRecord,
        doc: DocumentContent | None = None,
        column: ColumnRef | None = None,
        listed: tuple[str, ...] = (),
    ) -> PageOutcome:
        """Store one fetch and, for a document, its text and (if changed) a new version; for a
        list page, its column and the URLs it listed."""
        with self._transaction() as db:
            body_sha = self._store_body(db, fetch.body)
            text_seen = False
            if doc is not None:
                text_seen = self._store_text(db, doc, fetch.fetched_at)
            fetch_id = self._insert_fetch(
                db, run_id, fetch, body_sha, doc.text_hash if doc else None
            )
            if column is not None:
                self._store_listing(db, fetch, fetch_id, column, listed)
            if doc is None:
                return PageOutcome(fetch_id=fetch_id)
            state, document_id, version_no = self._store_document(db, run_id, fetch, fetch_id, doc)
            return PageOutcome(fetch_id, state, document_id, version_no, text_seen)

    def record_attachment(
        self, run_id: int | None, fetch: FetchRecord, content: AttachmentContent
    ) -> int:
        """Store an attachment fetch and its text, linked to the linking document's current version."""
        with self._transaction() as db:
            sha = self._store_body(db, fetch.body)
            fetch_id = self._insert_fetch(db, run_id, fetch, sha, None)
            if sha is None:
                return fetch_id
            db.execute(
                """INSERT OR IGNORE INTO attachments (sha256, size, content_type, kind, text, note, extracted_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [
                    sha,
                    len(fetch.body or b""),
                    fetch.content_type,
                    content.kind,
                    content.text,
                    content.note,
                    utcnow(),
                ],
            )
            row = db.execute(
                "SELECT current_version_id FROM documents WHERE url = ?", [content.document_url]
            ).fetchone()
            if row and row[0]:
                db.execute(
                    """INSERT OR IGNORE INTO version_attachments (version_id, url, name, sha256, fetch_id, first_seen)
                       VALUES (?, ?, ?, ?, ?, ?)""",
                    [row[0], fetch.url, content.name, sha, fetch_id, fetch.fetched_at],
                )
            return fetch_id

    @staticmethod
    def _insert_fetch(
        db, run_id: int | None, fetch: FetchRecord, body_sha: str | None, text_hash: str | None
    ) -> int:
        return db.execute(
            """INSERT INTO fetches (run_id, site_id, url, requested_url, fetched_at, method, status, kind,
                   headers, content_type, encoding, body_sha256, body_size, text_hash, error)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                run_id,
                fetch.site_id,
                fetch.url,
                fetch.requested_url,
                fetch.fetched_at,
                fetch.method,
                fetch.status,
                fetch.kind,
                json.dumps(fetch.headers, ensure_ascii=False),
                fetch.content_type,
                fetch.encoding,
                body_sha,
                None if fetch.body is None else len(fetch.body),
                text_hash,
                fetch.error,
            ],
        ).lastrowid

    @staticmethod
    def _store_listing(
        db, fetch: FetchRecord, fetch_id: int, column: ColumnRef, listed: tuple[str, ...]
    ) -> None:
        now = fetch.fetched_at
        parent_id = None
        if column.parent_url:
            row = db.execute(
                "SELECT id FROM columns WHERE site_id = ? AND url = ?",
                [fetch.site_id, column.parent_url],
            ).fetchone()
            parent_id = row[0] if row else None
        db.execute(
            """INSERT INTO columns (site_id, url, name, parent_id, cms, first_seen, last_seen)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (site_id, url) DO UPDATE SET last_seen = excluded.last_seen,
                   name = coalesce(columns.name, excluded.name),
                   parent_id = coalesce(columns.parent_id, excluded.parent_id),
                   cms = coalesce(excluded.cms, columns.cms)""",
            [fetch.site_id, column.url, column.name, parent_id, column.cms, now, now],
        )
        column_id = db.execute(
            "SELECT id FROM columns WHERE site_id = ? AND url = ?", [fetch.site_id, column.url]
        ).fetchone()[0]
        db.conn.executemany(
            """INSERT INTO listings (column_id, url, first_seen, last_seen, last_fetch_id) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (column_id, url) DO UPDATE SET last_seen = excluded.last_seen,
                   last_fetch_id = excluded.last_fetch_id""",
            [(column_id, url, now, now, fetch_id) for url in listed],
        )

    @staticmethod
    def _store_body(db: sqlite_utils.Database, body: bytes | None) -> str | None:
        if body is None:
            return None
        sha = hashlib.sha256(body).hexdigest()
        db.execute(
            "INSERT OR IGNORE INTO bodies (sha256, size, codec, data) VALUES (?, ?, ?, ?)",
            [sha, len(body), BODY_CODEC, zlib.compress(body, 6)],
        )
        return sha

    @staticmethod
    def _store_text(db: sqlite_utils.Database, doc: DocumentContent, now: str) -> bool:
        cur = db.execute(
            """INSERT OR IGNORE INTO texts (hash, text, text_norm, traditional, chars, first_seen)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [doc.text_hash, doc.text, doc.text_norm, int(doc.traditional), len(doc.text_norm), now],
        )
        return cur.rowcount == 0

    @staticmethod
    def _store_document(db, run_id, fetch, fetch_id, doc) -> tuple[str, int, int]:
        row = db.execute(
            """SELECT d.id, d.version_count, v.text_hash FROM documents d
               LEFT JOIN versions v ON v.id = d.current_version_id WHERE d.url = ?""",
            [doc.url],
        ).fetchone()
        now = fetch.fetched_at
        if row is None:
            document_id = db.execute(
                """INSERT INTO documents (url, site_id, status, first_seen, last_seen, last_fetch_id)
                   VALUES (?, ?, 'live', ?, ?, ?)""",
                [doc.url, fetch.site_id, now, now, fetch_id],
            ).lastrowid
            count, current_hash = 0, None
        else:
            document_id, count, current_hash = row
        if current_hash == doc.text_hash:
            db.execute(
                "UPDATE documents SET last_seen = ?, last_fetch_id = ?, status = 'live' WHERE id = ?",
                [now, fetch_id, document_id],
            )
            return "unchanged", document_id, count
        version_no = count + 1
        version_id = db.execute(
            """INSERT INTO versions (document_id, version_no, fetch_id, run_id, created_at, text_hash, title,
                   publish_date, publish_date_raw, publisher, index_no, doc_no, category, written_date,
                   validity, source, metadata, attachments, extractor_version)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                document_id,
                version_no,
                fetch_id,
                run_id,
                now,
                doc.text_hash,
                doc.title,
                doc.publish_date,
                doc.publish_date_raw,
                doc.publisher,
                doc.index_no,
                doc.doc_no,
                doc.category,
                doc.written_date,
                doc.validity,
                doc.source,
                json.dumps(doc.metadata, ensure_ascii=False),
                json.dumps(list(doc.attachments), ensure_ascii=False),
                doc.extractor_version,
            ],
        ).lastrowid
        db.execute(
            """UPDATE documents SET last_seen = ?, last_fetch_id = ?, status = 'live',
                   current_version_id = ?, version_count = ? WHERE id = ?""",
            [now, fetch_id, version_id, version_no, document_id],
        )
        return ("new" if version_no == 1 else "changed"), document_id, version_no
