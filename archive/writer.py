"""Writing the archive: every fetch, every list, every attachment, and document state changes.

Each page is written in one IMMEDIATE transaction: the read of the document's current state
and the insert that depends on it cannot interleave with another writer. The document state
machine (versions, deletions, restorations) is in archive/documents.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from archive import bodies, clusters, coverage, documents
from archive.exceptions import ArchiveError
from archive.failures import ENVIRONMENT, archive_error, error_code
from archive.processes import alive
from archive.records import (
    AttachmentContent,
    ColumnCoverage,
    ColumnRef,
    DocumentContent,
    FetchRecord,
    Gone,
    PageOutcome,
    RedirectHop,
    SectionDetection,
    SiteRecord,
    utcnow,
)
from archive.reserve import Reserve
from archive.schema import connect
from archive.search import reindex_document

__all__ = [
    "ArchiveWriter",
    "AttachmentContent",
    "ColumnCoverage",
    "ColumnRef",
    "DocumentContent",
    "FetchRecord",
    "Gone",
    "PageOutcome",
    "SectionDetection",
    "RedirectHop",
    "SiteRecord",
    "utcnow",
]


def _json_or_null(headers: dict[str, str]) -> str | None:
    return json.dumps(headers, ensure_ascii=False) if headers else None


class ArchiveWriter:
    """The only writer of an archive file. Not thread-safe: one per process/reactor."""

    def __init__(
        self,
        path: str | Path,
        neardup_threshold: float = 0.8,
        check: bool = False,
        reserve: bool = False,
    ) -> None:
        """Open (create, migrate) the archive; `check` runs SQLite's quick_check first and
        refuses a damaged file (a crawl process checks once, before its writers open);
        `reserve` sets room aside to close a failed run on a full disk (archive/reserve.py)."""
        if not 0 < neardup_threshold <= 1:
            raise ArchiveError(f"near-duplicate threshold {neardup_threshold} must be in (0, 1]")
        self.path = Path(path)
        self.neardup_threshold = neardup_threshold
        self.db: sqlite_utils.Database = connect(self.path, check=check)
        # WAL with synchronous=NORMAL: every commit is atomic and survives the process being
        # killed; only a power cut can lose the last commits (never the file's consistency), and
        # their pages are fetched again by the next run. FULL costs an fsync per page (~2 ms).
        self.db.execute("PRAGMA synchronous = NORMAL")
        self.bodies = bodies.BodyStore()
        self.reserve = Reserve(self.path) if reserve else None

    def _cluster(self, db, doc: DocumentContent, now: str) -> None:
        """Near-duplicate clusters: a no-op for a text already signed or too short to sign."""
        if doc.minhash is not None:
            clusters.assign_cluster(
                db, doc.text_hash, doc.minhash, list(doc.minhash_bands), self.neardup_threshold, now
            )

    def check_neardup_scheme(self, scheme: str) -> None:
        """Refuse to mix MinHash signatures made by another scheme into this archive."""
        with self._transaction() as db:
            clusters.check_scheme(db, scheme, utcnow())

    def close(self) -> None:
        self.db.close()
        if self.reserve is not None:
            self.reserve.release()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite_utils.Database]:
        """One IMMEDIATE transaction; a failure of the file or disk becomes a typed ArchiveError
        naming its cause (disk full, I/O error, read-only, damaged archive, busy)."""
        conn = self.db.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if error_code(exc) not in ENVIRONMENT:
                raise  # a constraint or a query of ours failed: a bug to see as it is
            raise archive_error(self.path, exc, "write") from exc

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

    def start_run(
        self,
        site_id: str,
        trigger: str,
        version: str,
        full_walk: bool = True,
        resumed_from: int | None = None,
    ) -> int:
        """Open a run row; runs of the site left `running` by a process that is gone are closed
        as `killed` first (their counters derived from what they wrote)."""
        self.close_stale_runs(site_id)
        with self._transaction() as db:
            cur = db.execute(
                """INSERT INTO runs (site_id, trigger, started_at, zwgk_version, full_walk, pid, resumed_from)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [site_id, trigger, utcnow(), version, int(full_walk), os.getpid(), resumed_from],
            )
            return cur.lastrowid

    def close_stale_runs(self, site_id: str) -> list[int]:
        with self._transaction() as db:
            stale = [
                run_id
                for run_id, pid in db.execute(
                    "SELECT id, pid FROM runs WHERE site_id = ? AND outcome = 'running'", [site_id]
                ).fetchall()
                if not alive(pid)
            ]
            for run_id in stale:
                last = db.execute(
                    "SELECT max(fetched_at) FROM fetches WHERE run_id = ?", [run_id]
                ).fetchone()[0]
                db["runs"].update(
                    run_id,
                    {
                        **self._run_counts(db, run_id),
                        "outcome": "killed",
                        "ended_at": last,
                        "finish_reason": "the crawl process ended without closing its run",
                    },
                )
        return stale

    def finish_run(
        self,
        run_id: int,
        outcome: str,
        finish_reason: str | None,
        error: str | None = None,
        write_failures: int = 0,
    ) -> dict:
        """Close a run; its counters are derived from what was written, so they cannot drift,
        and `fetches_failed` adds the pages whose archive write failed (nothing of them is).

        After a failed write (a full disk, a file-size limit), the reserve is given back and the
        WAL checkpointed and truncated first, so that this last small write can still land."""
        if outcome == "failed":
            if self.reserve is not None:
                self.reserve.release()
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with self._transaction() as db:
            counts = self._run_counts(db, run_id)
            counts["fetches_failed"] += write_failures
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
                      coalesce(sum(kind NOT IN ('blocked', 'gone') AND (status IS NULL OR status >= 400)), 0),
                      coalesce(sum(kind = 'blocked'), 0),
                      coalesce(sum(status = 304), 0)
               FROM fetches WHERE run_id = ?""",
            [run_id],
        ).fetchone()
        events = dict(
            db.execute(
                "SELECT event, count(*) FROM events WHERE run_id = ? GROUP BY event", [run_id]
            ).fetchall()
        )
        docs_seen = db.execute(
            """SELECT count(DISTINCT url) FROM fetches WHERE run_id = ? AND kind = 'document'
               AND (text_hash IS NOT NULL OR status = 304)""",
            [run_id],
        ).fetchone()[0]
        new, changed = events.get("new", 0), events.get("changed", 0)
        return {
            "pages_fetched": row[0],
            "fetches_failed": row[1],
            "fetches_blocked": row[2],
            "not_modified": row[3],
            "documents_new": new,
            "documents_changed": changed,
            "documents_unchanged": max(docs_seen - new - changed, 0),
            "documents_deleted": events.get("deleted", 0) + events.get("unlisted", 0),
            "documents_restored": events.get("restored", 0),
        }

    def record_coverage(self, run_id: int, site_id: str, columns: list[ColumnCoverage]) -> None:
        """What the run saw of each column it walked (archive/coverage.py)."""
        with self._transaction() as db:
            coverage.record_coverage(db, run_id, site_id, columns)

    def record_detection(self, run_id: int | None, site_id: str, found: SectionDetection) -> int:
        """The 政务公开 entry a crawl chose on the home page, and why."""
        with self._transaction() as db:
            return coverage.record_detection(db, run_id, site_id, found, utcnow())

    def record_page(
        self,
        run_id: int | None,
        fetch: FetchRecord,
        doc: DocumentContent | None = None,
        column: ColumnRef | None = None,
        listed: tuple[str, ...] = (),
        gone: Gone | None = None,
    ) -> PageOutcome:
        """Store one fetch and, for a document, its text and (if changed) a new version; for a
        list page, its column and the URLs it listed; for a known document that disappeared
        (`gone`), a tombstone with the evidence."""
        with self._transaction() as db:
            body_sha = self.bodies.store(db, fetch.site_id, fetch.kind, fetch.body)
            text_seen = False
            if doc is not None:
                text_seen = self._store_text(db, doc, fetch.fetched_at)
                self._cluster(db, doc, fetch.fetched_at)
            fetch_id = self._insert_fetch(
                db, run_id, fetch, body_sha, doc.text_hash if doc else None
            )
            self.bodies.train_if_due(db, fetch.site_id)
            if column is not None:
                self._store_listing(db, fetch, fetch_id, column, listed)
            if gone is not None:
                state = documents.mark_gone(db, run_id, fetch.url, fetch_id, gone, fetch.fetched_at)
                if (
                    fetch.requested_url != fetch.url
                ):  # redirected away: the requested URL is the document
                    state = (
                        documents.mark_gone(
                            db, run_id, fetch.requested_url, fetch_id, gone, fetch.fetched_at
                        )
                        or state
                    )
                return PageOutcome(fetch_id, state)
            if fetch.status == 304 and fetch.kind == "document":
                return PageOutcome(
                    fetch_id, documents.mark_not_modified(db, fetch.url, fetch_id, fetch.fetched_at)
                )
            if doc is None:
                return PageOutcome(fetch_id=fetch_id)
            state, document_id, version_no = documents.store_document(
                db, run_id, fetch, fetch_id, doc
            )
            return PageOutcome(fetch_id, state, document_id, version_no, text_seen)

    def record_reextraction(self, run_id: int, fetch_id: int, doc: DocumentContent) -> str:
        """A stored capture re-read by the current extractor: a new version (change "reextract")
        only where the text, a tracked field or a credit differs; a capture whose text could not
        be read before becomes a new document, dated by the capture. Returns new/changed/
        unchanged/unknown (no such capture of the URL)."""
        now = utcnow()
        with self._transaction() as db:
            capture = db.execute(
                "SELECT site_id, fetched_at, status FROM fetches WHERE id = ? AND url = ?",
                [fetch_id, doc.url],
            ).fetchone()
            if capture is None:
                return "unknown"
            known = db.execute("SELECT 1 FROM documents WHERE url = ?", [doc.url]).fetchone()
            seen = now if known else capture[1]  # a new document is as old as its capture
            self._store_text(db, doc, now)
            self._cluster(db, doc, now)
            record = FetchRecord(capture[0], doc.url, doc.url, "document", 200, fetched_at=seen)
            state, _, _ = documents.store_document(
                db, run_id, record, fetch_id, doc, change="reextract"
            )
            return state

    def record_unlisted(self, run_id: int, url: str, gone: Gone) -> str | None:
        """Tombstone a document that vanished from its list (no fetch of it was needed)."""
        with self._transaction() as db:
            return documents.mark_gone(db, run_id, url, None, gone)

    def record_attachment(
        self, run_id: int | None, fetch: FetchRecord, content: AttachmentContent
    ) -> int:
        """Store an attachment fetch and its text, linked to the linking document's current version."""
        with self._transaction() as db:
            sha = self.bodies.store(db, fetch.site_id, fetch.kind, fetch.body)
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
                "SELECT id, current_version_id FROM documents WHERE url = ?", [content.document_url]
            ).fetchone()
            if row and row[1]:
                db.execute(
                    """INSERT OR IGNORE INTO version_attachments (version_id, url, name, sha256, fetch_id, first_seen)
                       VALUES (?, ?, ?, ?, ?, ?)""",
                    [row[1], fetch.url, content.name, sha, fetch_id, fetch.fetched_at],
                )
                reindex_document(db, row[0])  # attachment text is searchable with its document
            return fetch_id

    @staticmethod
    def _insert_fetch(
        db, run_id: int | None, fetch: FetchRecord, body_sha: str | None, text_hash: str | None
    ) -> int:
        fetch_id = db.execute(
            """INSERT INTO fetches (run_id, site_id, url, requested_url, fetched_at, method, status, kind,
                   headers, content_type, encoding, body_sha256, body_size, text_hash, error,
                   fetched_url, request_headers)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
                fetch.fetched_url,
                _json_or_null(fetch.request_headers),
            ],
        ).lastrowid
        db.conn.executemany(
            """INSERT INTO redirects (fetch_id, hop, url, status, location, request_headers,
                   response_headers, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (fetch_id, n, h.url, h.status, h.location, _json_or_null(h.request_headers),
                 _json_or_null(h.response_headers), h.fetched_at)
                for n, h in enumerate(fetch.redirects)
            ],
        )  # fmt: skip
        return fetch_id

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
    def _store_text(db: sqlite_utils.Database, doc: DocumentContent, now: str) -> bool:
        cur = db.execute(
            """INSERT OR IGNORE INTO texts (hash, text, text_norm, traditional, chars, first_seen)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [
                doc.text_hash,
                doc.text,
                None if doc.text_norm == doc.text else doc.text_norm,  # stored once when equal
                int(doc.traditional),
                len(doc.text_norm),
                now,
            ],
        )
        return cur.rowcount == 0
