"""The public read API of a zwgk archive.

Other programs (notebooks, dashboards, pipelines) read the archive through this module: it
opens the database read-only, so it is safe while a crawl is writing (WAL), and it returns
plain dataclasses. It imports only the standard library (and zstandard, when a raw body is read).

Example::

    from archive import read
    with read.open_archive("archive.db") as arc:
        for doc in arc.documents(site_id="sample"):
            print(doc.url, doc.title, doc.publish_date)
        for v in arc.history("http://127.0.0.1:8765/zwgk/fzzf/202402/t20240227_1001.html"):
            print(v.version_no, v.created_at, v.chars)
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from archive import bodies, clusters, coverage
from archive.exceptions import ArchiveError
from archive.measures import (
    ColumnActivity,
    ColumnMonth,
    DocumentFacts,
    Measures,
    SiteObservation,
    Tombstone,
    run_failed,
)
from archive.models import (
    AttachmentFile,
    Column,
    Document,
    Event,
    KnownDocument,
    Run,
    Site,
    Version,
)
from archive.readonly import open_readonly
from archive.search import SearchHit
from archive.search import search as fts_search

__all__ = [
    "Archive",
    "AttachmentFile",
    "Column",
    "ColumnActivity",
    "ColumnMonth",
    "Document",
    "DocumentFacts",
    "Event",
    "KnownDocument",
    "Run",
    "SearchHit",
    "Site",
    "SiteObservation",
    "Tombstone",
    "Version",
    "open_archive",
]


UNFINISHED = ("running", "interrupted", "killed", "failed")  # outcomes `crawl --resume` continues
_DOC_SELECT = """
    SELECT d.id, d.url, d.site_id, d.status, d.first_seen, d.last_seen, d.version_count,
           v.title, v.publish_date, v.publisher, v.index_no, v.doc_no, v.text_hash
    FROM documents d LEFT JOIN versions v ON v.id = d.current_version_id
"""
_VERSION_SELECT = """
    SELECT v.id, v.document_id, v.version_no, v.fetch_id, v.created_at, v.text_hash, v.title,
           v.publish_date, v.publish_date_raw, v.publisher, v.index_no, v.doc_no, v.category,
           v.written_date, v.validity, v.source, v.metadata, v.attachments, v.extractor_version,
           v.change, t.text, coalesce(t.text_norm, t.text) AS text_norm, t.chars
    FROM versions v JOIN texts t ON t.hash = v.text_hash
"""


class Archive(Measures):
    """A read-only view of an archive file. Use as a context manager or call close().

    The indicators' reads (document_facts, column_activity, …) are in archive/measures.py."""

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        self.conn = open_readonly(path)  # mode=ro; immutable=1 in a read-only directory
        self.conn.row_factory = sqlite3.Row
        tables = {
            r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if "documents" not in tables:
            self.conn.close()
            raise ArchiveError(f"{path} is not a zwgk archive (no documents table)")
        self.path = path

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[Archive]:
        """Read as of one moment: every call inside the block sees the same state of the archive,
        whatever a crawl writes meanwhile (outside it, each call sees the latest state).

            with arc.snapshot():
                docs = arc.documents()
                history = arc.history(docs[0].url)  # consistent with docs[0].version_count
        """
        self.conn.execute("BEGIN")
        try:
            yield self
        finally:
            self.conn.execute("COMMIT")

    def _rows(self, sql: str, params: list | tuple = ()) -> list[sqlite3.Row]:
        # one statement, one implicit read transaction: no long-lived snapshot is held
        return self.conn.execute(sql, params).fetchall()

    def sites(self) -> list[Site]:
        return [
            Site(
                id=r["id"],
                name=r["name"],
                adcode=r["adcode"],
                start_urls=json.loads(r["start_urls"]),
                allowed_domains=json.loads(r["allowed_domains"]),
                first_seen=r["first_seen"],
                updated_at=r["updated_at"],
            )
            for r in self._rows("SELECT * FROM sites ORDER BY id")
        ]

    def runs(self, site_id: str | None = None, limit: int = 50) -> list[Run]:
        where, params = ("WHERE site_id = ?", [site_id]) if site_id else ("", [])
        rows = self._rows(f"SELECT * FROM runs {where} ORDER BY id DESC LIMIT ?", [*params, limit])
        return [Run(**{k: r[k] for k in Run.__dataclass_fields__}) for r in rows]

    def documents(
        self,
        site_id: str | None = None,
        published_from: str | None = None,
        published_to: str | None = None,
        changed_since: str | None = None,
        status: str | None = None,
    ) -> list[Document]:
        """Documents with their current metadata, filtered by site, 发布日期 range (ISO dates,
        inclusive), a time since which they were new or changed, and status."""
        filters, params = [], []
        for clause, value in (
            ("d.site_id = ?", site_id),
            ("v.publish_date >= ?", published_from),
            ("v.publish_date <= ?", published_to),
            (
                "d.id IN (SELECT document_id FROM events WHERE at >= ? AND event IN ('new', 'changed'))",
                changed_since,
            ),
            ("d.status = ?", status),
        ):
            if value is not None:
                filters.append(clause)
                params.append(value)
        where = "WHERE " + " AND ".join(filters) if filters else ""
        return [
            Document(**dict(r)) for r in self._rows(f"{_DOC_SELECT} {where} ORDER BY d.id", params)
        ]

    def document(self, url: str) -> Document | None:
        rows = self._rows(f"{_DOC_SELECT} WHERE d.url = ?", [url])
        return Document(**dict(rows[0])) if rows else None

    def history(self, url: str) -> list[Version]:
        """Every version of the document at `url`, oldest first (empty if unknown)."""
        rows = self._rows(
            f"{_VERSION_SELECT} JOIN documents d ON d.id = v.document_id WHERE d.url = ? ORDER BY v.version_no",
            [url],
        )
        return [_version(r) for r in rows]

    def urls_of_text(self, text_hash: str) -> list[str]:
        """Every document URL that has served this exact (normalised) text."""
        return [
            r["url"]
            for r in self._rows(
                "SELECT url FROM text_urls WHERE text_hash = ? ORDER BY url", [text_hash]
            )
        ]

    def raw_body(self, fetch_id: int) -> bytes | None:
        """The raw response body of a fetch, exactly as received."""
        rows = self._rows(
            """SELECT b.codec, b.data, bd.data AS dictionary FROM fetches f
               JOIN bodies b ON b.sha256 = f.body_sha256
               LEFT JOIN body_dictionaries bd ON bd.id = b.dictionary_id WHERE f.id = ?""",
            [fetch_id],
        )
        if not rows:
            return None
        try:
            return bodies.decompress(rows[0]["codec"], rows[0]["data"], rows[0]["dictionary"])
        except ValueError as exc:
            raise ArchiveError(f"fetch {fetch_id}: {exc}") from exc

    def fetches(self, run_id: int) -> Iterator[sqlite3.Row]:
        yield from self._rows(
            "SELECT id, url, status, kind, fetched_at, error FROM fetches WHERE run_id = ? ORDER BY id",
            [run_id],
        )

    def columns(self, site_id: str | None = None) -> list[Column]:
        """The catalogue tree's columns (栏目), with how many URLs each listed."""
        where, params = ("WHERE c.site_id = ?", [site_id]) if site_id else ("", [])
        rows = self._rows(
            f"""SELECT c.id, c.site_id, c.url, c.name, p.url AS parent_url, c.cms,
                       (SELECT count(*) FROM listings l WHERE l.column_id = c.id) AS listed
                FROM columns c LEFT JOIN columns p ON p.id = c.parent_id {where} ORDER BY c.id""",
            params,
        )
        return [Column(**dict(r)) for r in rows]

    def columns_of(self, url: str) -> list[str]:
        """Names (or URLs) of every column that listed the document at `url`."""
        rows = self._rows(
            """SELECT coalesce(c.name, c.url) FROM listings l JOIN columns c ON c.id = l.column_id
               WHERE l.url = ? ORDER BY c.id""",
            [url],
        )
        return [r[0] for r in rows]

    def linked_file_urls(self, url: str) -> set[str]:
        """URLs of the files (attachments, body images) stored and linked to the current version
        of the document at ``url``."""
        rows = self._rows(
            """SELECT va.url FROM version_attachments va
               JOIN documents d ON d.current_version_id = va.version_id
               WHERE d.url = ? AND va.sha256 IS NOT NULL""",
            [url],
        )
        return {row["url"] for row in rows}

    def attachments(self, url: str) -> list[AttachmentFile]:
        """Attachment files linked by any version of the document at `url`, oldest first."""
        rows = self._rows(
            """SELECT va.url, va.name, a.sha256, a.size, a.kind, a.text, a.note, v.version_no
               FROM version_attachments va JOIN attachments a ON a.sha256 = va.sha256
               JOIN versions v ON v.id = va.version_id JOIN documents d ON d.id = v.document_id
               WHERE d.url = ? ORDER BY va.id""",
            [url],
        )
        return [AttachmentFile(**dict(r)) for r in rows]

    def search(self, query: str, limit: int = 50) -> list[str]:
        """URLs of documents whose current text, title or attachment text contains `query`
        (simplified script), newest first: `search_documents` without the snippets."""
        return [hit.url for hit in fts_search(self.conn, query, limit=limit)]

    def known_documents(self, site_id: str) -> dict[str, KnownDocument]:
        """Every document of a site with its status, last validators and listing columns."""
        listed: dict[str, list[str]] = {}
        for r in self._rows(
            "SELECT l.url, c.url AS column FROM listings l JOIN columns c ON c.id = l.column_id WHERE c.site_id = ?",
            [site_id],
        ):
            listed.setdefault(r["url"], []).append(r["column"])
        found = {}
        for r in self._rows(
            """SELECT d.url, d.status, f.headers FROM documents d LEFT JOIN fetches f ON f.id = d.last_fetch_id
               WHERE d.site_id = ?""",
            [site_id],
        ):
            headers = {k.lower(): v for k, v in json.loads(r["headers"] or "{}").items()}
            found[r["url"]] = KnownDocument(
                r["url"],
                r["status"],
                headers.get("etag"),
                headers.get("last-modified"),
                tuple(listed.get(r["url"], ())),
            )
        return found

    def last_full_walk(self, site_id: str) -> str | None:
        """Start time of the site's latest finished full walk, if any."""
        rows = self._rows(
            """SELECT max(started_at) FROM runs WHERE site_id = ? AND full_walk = 1 AND outcome = 'finished'""",
            [site_id],
        )
        return rows[0][0]

    def events(self, since: str, site_id: str | None = None) -> list[Event]:
        """Document events (new, changed, deleted, unlisted, restored) at or after `since`."""
        where, params = ("AND d.site_id = ?", [since, site_id]) if site_id else ("", [since])
        rows = self._rows(
            f"""SELECT e.at, e.event, e.reason, e.evidence, d.url, d.site_id, v.title
                FROM events e JOIN documents d ON d.id = e.document_id
                LEFT JOIN versions v ON v.id = d.current_version_id
                WHERE e.at >= ? {where} ORDER BY e.at, e.id""",
            params,
        )
        return [Event(**{**dict(r), "evidence": json.loads(r["evidence"] or "{}")}) for r in rows]

    def failing_sites(self, runs_in_a_row: int = 3) -> dict[str, int]:
        """Sites whose last `runs_in_a_row` (or more) runs all failed: site -> failed runs in a row.

        A run failed when it did not finish, or when every fetch it made failed or was blocked."""
        found = {}
        for (site_id,) in self._rows("SELECT DISTINCT site_id FROM runs"):
            streak = 0
            for r in self._rows(
                "SELECT * FROM runs WHERE site_id = ? AND outcome != 'running' ORDER BY id DESC LIMIT 100",
                [site_id],
            ):
                if not run_failed(
                    r["outcome"], r["pages_fetched"], r["fetches_failed"], r["fetches_blocked"]
                ):
                    break
                streak += 1
            if streak >= runs_in_a_row:
                found[site_id] = streak
        return found

    def search_documents(
        self, query: str, site_id: str | None = None, since: str | None = None, limit: int = 50
    ) -> list[SearchHit]:
        """Full-text search (an FTS5 index of character bigrams, any length) over current versions'
        simplified titles, texts and attachment texts, newest first (publish date, else first
        seen). Give the query in simplified script."""
        return fts_search(self.conn, query, site_id, since, limit)

    def cluster_of(self, url: str) -> dict | None:
        """The near-duplicate cluster of the document at `url` (its current text's), with its
        members (site, URL, first seen, similarity), or None."""
        return clusters.cluster_of_document(self.conn, url)

    def duplicate_clusters(self, site_id: str | None = None) -> list[dict]:
        """Near-duplicate clusters that have a member on `site_id` (or all), with their members."""
        return clusters.clusters_of_site(self.conn, site_id)

    def run_versions(self, run_ids: list[int]) -> list[sqlite3.Row]:
        """The versions the runs made: version_no, publish_date, title, chars, url; newest first."""
        marks = ",".join("?" * len(run_ids))
        return self._rows(
            f"""SELECT v.version_no, v.publish_date, v.title, t.chars, d.url FROM versions v
                JOIN documents d ON d.id = v.document_id JOIN texts t ON t.hash = v.text_hash
                WHERE v.run_id IN ({marks}) ORDER BY v.run_id DESC, v.publish_date DESC, d.url""",
            run_ids,
        )

    def run_problems(self, run_ids: list[int]) -> list[sqlite3.Row]:
        """The runs' failed and blocked fetches (kind, url, error), blocked ones first."""
        marks = ",".join("?" * len(run_ids))
        return self._rows(
            f"""SELECT kind, url, error FROM fetches WHERE run_id IN ({marks}) AND error IS NOT NULL
                ORDER BY kind = 'blocked' DESC, id""",
            run_ids,
        )

    def archived_urls(self, run_ids: list[int]) -> set[str]:
        """URLs (as requested and as finally fetched) for which the runs stored a document text."""
        marks = ",".join("?" * len(run_ids))
        found: set[str] = set()
        for r in self._rows(
            f"""SELECT url, requested_url FROM fetches
                WHERE run_id IN ({marks}) AND text_hash IS NOT NULL""",
            run_ids,
        ):
            found.update((r["url"], r["requested_url"]))
        return found

    def latest_capture(self, url: str) -> tuple[bytes, str | None] | None:
        """(raw body, Content-Type) of the latest stored response for the canonical `url`."""
        rows = self._rows(
            """SELECT id, content_type FROM fetches WHERE url = ? AND body_sha256 IS NOT NULL
               ORDER BY id DESC LIMIT 1""",
            [url],
        )
        if not rows:
            return None
        return self.raw_body(rows[0]["id"]) or b"", rows[0]["content_type"]

    def latest_document_captures(self, site_id: str | None = None) -> list[sqlite3.Row]:
        """Per document, its latest successful capture with text (or the capture its current
        version was read from by a re-extraction): url, site_id, fetch_id, content_type (what
        re-extraction re-reads), by site."""
        where, params = ("WHERE d.site_id = ?", [site_id]) if site_id else ("", [])
        return self._rows(
            f"""SELECT d.url, d.site_id, f.id AS fetch_id, f.content_type
                FROM documents d JOIN fetches f ON f.id = (
                    SELECT max(id) FROM fetches WHERE url = d.url AND kind = 'document'
                    AND status = 200 AND body_sha256 IS NOT NULL AND (text_hash IS NOT NULL
                        OR id = (SELECT fetch_id FROM versions WHERE id = d.current_version_id)))
                {where} ORDER BY d.site_id, d.id""",
            params,
        )

    def unarchived_document_captures(self, site_id: str | None = None) -> list[sqlite3.Row]:
        """Per URL that is no document yet, its latest successful document capture whose text
        could not be read then (an image-only page before zwgk-extract/3): url, site_id,
        fetch_id, content_type — what re-extraction may now turn into a document."""
        where, params = ("AND f.site_id = ?", [site_id]) if site_id else ("", [])
        return self._rows(
            f"""SELECT f.url, f.site_id, f.id AS fetch_id, f.content_type FROM fetches f
                WHERE f.id = (SELECT max(id) FROM fetches WHERE url = f.url AND kind = 'document'
                              AND status = 200 AND body_sha256 IS NOT NULL)
                AND f.text_hash IS NULL AND f.url NOT IN (SELECT url FROM documents) {where}
                ORDER BY f.site_id, f.id""",
            params,
        )

    def captures(
        self, site_id: str | None = None, since: str | None = None
    ) -> Iterator[sqlite3.Row]:
        """Every fetch (for export), oldest first, optionally of one site and since a time."""
        where, params = [], []
        if site_id:
            where.append("f.site_id = ?")
            params.append(site_id)
        if since:
            where.append("f.fetched_at >= ?")
            params.append(since)
        yield from self.conn.execute(
            f"""SELECT f.id, f.url, f.requested_url, f.fetched_at, f.method, f.status, f.kind,
                       f.headers, f.encoding, f.error, f.body_sha256, f.run_id, f.site_id,
                       f.fetched_url, f.request_headers
                FROM fetches f {"WHERE " + " AND ".join(where) if where else ""} ORDER BY f.id""",
            params,
        )

    def redirects(self, fetch_id: int) -> list[sqlite3.Row]:
        """The redirect hops before a fetch's response, in order: url, status, location,
        request_headers and response_headers (JSON), fetched_at."""
        return self._rows("SELECT * FROM redirects WHERE fetch_id = ? ORDER BY hop", [fetch_id])

    def document_pages(self, site_id: str | None = None, since: str | None = None) -> list[dict]:
        """Each document's latest capture with a body as a page to open: url (as fetched), ts
        (capture time), title; for WACZ pages.jsonl."""
        where, params = ["f.body_sha256 IS NOT NULL"], []
        if site_id:
            where.append("d.site_id = ?")
            params.append(site_id)
        if since:
            where.append("f.fetched_at >= ?")
            params.append(since)
        rows = self._rows(
            f"""SELECT coalesce(f.fetched_url, f.url) AS url, f.fetched_at AS ts, v.title
                FROM documents d JOIN versions v ON v.id = d.current_version_id
                JOIN fetches f ON f.id = (SELECT max(id) FROM fetches WHERE url = d.url AND status = 200
                                          AND body_sha256 IS NOT NULL)
                WHERE {" AND ".join(where)} ORDER BY d.id""",
            params,
        )
        return [dict(r) for r in rows]

    def unfinished_run(self, site_id: str) -> tuple[int, set[str], bool] | None:
        """The site's latest run if it did not finish (interrupted, killed, failed, or left running):
        (run id, document URLs archived or found gone by it and by the unbroken chain of
        unfinished runs before it, whether the latest was a full walk)."""
        chain = []
        for r in self._rows(
            "SELECT id, outcome, full_walk FROM runs WHERE site_id = ? ORDER BY id DESC", [site_id]
        ):
            if r["outcome"] not in UNFINISHED:
                break
            chain.append(r)
        if not chain:
            return None
        marks = ",".join("?" * len(chain))
        done = {
            r["url"]
            for r in self._rows(
                f"""SELECT url FROM fetches WHERE run_id IN ({marks}) AND kind IN ('document', 'gone')
                    AND (text_hash IS NOT NULL OR status IN (304, 404, 410))""",
                [r["id"] for r in chain],
            )
        }
        return chain[0]["id"], done, bool(chain[0]["full_walk"])

    def column_coverage(self, run_ids: list[int]) -> list[sqlite3.Row]:
        """What these runs saw of each column: items announced, listed, archived, and a flag
        when a column may be incomplete (flagged first)."""
        return coverage.coverage_rows(self.conn, run_ids) if self._has("column_coverage") else []

    def section_detections(self, site_id: str | None = None) -> list[sqlite3.Row]:
        """The 政务公开 entry crawls chose on home pages: each site's latest (or all of one site's)."""
        return coverage.detections(self.conn, site_id) if self._has("section_detections") else []

    def _has(self, table: str) -> bool:
        return bool(
            self._rows("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table])
        )

    def stats(self) -> dict[str, int]:
        """Counts of the archive's main tables and document states."""
        one = lambda sql: self._rows(sql)[0][0]  # noqa: E731
        return {
            "sites": one("SELECT count(*) FROM sites"),
            "runs": one("SELECT count(*) FROM runs"),
            "fetches": one("SELECT count(*) FROM fetches"),
            "documents": one("SELECT count(*) FROM documents"),
            "documents_live": one("SELECT count(*) FROM documents WHERE status = 'live'"),
            "versions": one("SELECT count(*) FROM versions"),
            "texts": one("SELECT count(*) FROM texts"),
            "bodies": one("SELECT count(*) FROM bodies"),
            "columns": one("SELECT count(*) FROM columns"),
            "attachments": one("SELECT count(*) FROM attachments"),
            "body_bytes_stored": one("SELECT coalesce(sum(length(data)), 0) FROM bodies"),
        }


def _version(r: sqlite3.Row) -> Version:
    values = dict(r)
    values["metadata"] = json.loads(values["metadata"] or "{}")
    values["attachments"] = json.loads(values["attachments"] or "[]")
    return Version(**values)


def open_archive(path: str | Path) -> Archive:
    """Open an archive read-only."""
    return Archive(path)
