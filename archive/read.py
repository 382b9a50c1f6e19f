"""The public read API of a zwgk archive.

Other programs (notebooks, dashboards, pipelines) read the archive through this module: it
opens the database read-only, so it is safe while a crawl is writing (WAL), and it returns
plain dataclasses. It imports only the standard library.

Example::

    from archive import read
    with read.open_archive("archive.db") as arc:
        for doc in arc.documents(site_id="sample"):
            print(doc.url, doc.title, doc.publish_date)
        for v in arc.history("http://127.0.0.1:8765/zwgk/fzzf/202402/t20240227_1001.html"):
            print(v.version_no, v.created_at, v.chars)
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archive import clusters
from archive.exceptions import ArchiveError
from archive.search import SearchHit
from archive.search import search as fts_search


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    adcode: str
    start_urls: list[str]
    allowed_domains: list[str]
    first_seen: str
    updated_at: str


@dataclass(frozen=True)
class Run:
    id: int
    site_id: str
    trigger: str
    started_at: str
    ended_at: str | None
    outcome: str
    finish_reason: str | None
    pages_fetched: int
    documents_new: int
    documents_changed: int
    documents_unchanged: int
    fetches_failed: int
    fetches_blocked: int
    error: str | None
    full_walk: int = 1
    documents_deleted: int = 0
    documents_restored: int = 0
    not_modified: int = 0
    pid: int | None = None
    resumed_from: int | None = None


@dataclass(frozen=True)
class Document:
    """A document (one canonical URL) with its current version's metadata."""

    id: int
    url: str
    site_id: str
    status: str
    first_seen: str
    last_seen: str
    version_count: int
    title: str | None
    publish_date: str | None
    publisher: str | None
    index_no: str | None
    doc_no: str | None
    text_hash: str | None


@dataclass(frozen=True)
class Version:
    """One version of a document: what the page said from `created_at` on."""

    id: int
    document_id: int
    version_no: int
    fetch_id: int
    created_at: str
    text_hash: str
    title: str | None
    publish_date: str | None
    publish_date_raw: str | None
    publisher: str | None
    index_no: str | None
    doc_no: str | None
    category: str | None
    written_date: str | None
    validity: str | None
    source: str | None
    metadata: dict[str, str]
    attachments: list[dict[str, str]]
    extractor_version: str
    change: str | None  # new | text | metadata | text+metadata | reextract
    text: str
    text_norm: str
    chars: int


@dataclass(frozen=True)
class Column:
    """A column (栏目) of a site's 政务公开 catalogue tree."""

    id: int
    site_id: str
    url: str
    name: str | None
    parent_url: str | None
    cms: str | None
    listed: int


@dataclass(frozen=True)
class AttachmentFile:
    """An attachment file linked by a document version, with its extracted text."""

    url: str
    name: str | None
    sha256: str
    size: int
    kind: str
    text: str
    note: str | None
    version_no: int


@dataclass(frozen=True)
class KnownDocument:
    """What an incremental crawl needs to know of an archived document."""

    url: str
    status: str  # live | deleted | unlisted
    etag: str | None  # validators of the last capture, for conditional requests
    last_modified: str | None
    columns: tuple[str, ...]  # URLs of the columns that listed it


@dataclass(frozen=True)
class Event:
    """A change of a document's state, with its evidence."""

    at: str
    event: str  # new | changed | deleted | unlisted | restored
    reason: str | None
    evidence: dict[str, str]
    url: str
    site_id: str
    title: str | None


_DOC_SELECT = """
    SELECT d.id, d.url, d.site_id, d.status, d.first_seen, d.last_seen, d.version_count,
           v.title, v.publish_date, v.publisher, v.index_no, v.doc_no, v.text_hash
    FROM documents d LEFT JOIN versions v ON v.id = d.current_version_id
"""
_VERSION_SELECT = """
    SELECT v.id, v.document_id, v.version_no, v.fetch_id, v.created_at, v.text_hash, v.title,
           v.publish_date, v.publish_date_raw, v.publisher, v.index_no, v.doc_no, v.category,
           v.written_date, v.validity, v.source, v.metadata, v.attachments, v.extractor_version,
           v.change, t.text, t.text_norm, t.chars
    FROM versions v JOIN texts t ON t.hash = v.text_hash
"""


class Archive:
    """A read-only view of an archive file. Use as a context manager or call close()."""

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        if not path.is_file():
            raise ArchiveError(f"{path}: no archive here (run a crawl first, or pass --db)")
        try:
            self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA query_only = ON")
            tables = {
                r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{path} is not a readable zwgk archive ({exc})") from exc
        if "documents" not in tables:
            raise ArchiveError(f"{path} is not a zwgk archive (no documents table)")
        self.path = path

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

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
            "SELECT b.codec, b.data FROM fetches f JOIN bodies b ON b.sha256 = f.body_sha256 WHERE f.id = ?",
            [fetch_id],
        )
        if not rows:
            return None
        if rows[0]["codec"] != "zlib":
            raise ArchiveError(f"fetch {fetch_id}: unknown body codec {rows[0]['codec']!r}")
        return zlib.decompress(rows[0]["data"])

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
        """URLs of documents whose current text, title or attachment text contains `query`.

        A plain substring scan over the normalised text (full-text indexing comes with the
        search schema); the query should be in simplified script.
        """
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._rows(
            """SELECT d.url FROM documents d JOIN versions v ON v.id = d.current_version_id
               JOIN texts t ON t.hash = v.text_hash
               WHERE t.text_norm LIKE :p ESCAPE '\\' OR v.title LIKE :p ESCAPE '\\'
                  OR EXISTS (SELECT 1 FROM version_attachments va JOIN attachments a ON a.sha256 = va.sha256
                             JOIN versions v2 ON v2.id = va.version_id
                             WHERE v2.document_id = d.id AND a.text LIKE :p ESCAPE '\\')
               ORDER BY v.publish_date DESC, d.url LIMIT :limit""",
            {"p": pattern, "limit": limit},
        )
        return [r[0] for r in rows]

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
                failed = r["outcome"] not in ("finished", "stopped_at_limit") or (
                    r["pages_fetched"] > 0
                    and r["fetches_failed"] + r["fetches_blocked"] >= r["pages_fetched"]
                )
                if not failed:
                    break
                streak += 1
            if streak >= runs_in_a_row:
                found[site_id] = streak
        return found

    def search_documents(
        self, query: str, site_id: str | None = None, since: str | None = None, limit: int = 50
    ) -> list[SearchHit]:
        """Full-text search (FTS5 trigram; LIKE for 1–2 characters) over current versions' simplified
        titles, texts and attachment texts. Give the query in simplified script."""
        return fts_search(self.conn, query, site_id, since, limit)

    def cluster_of(self, url: str) -> dict | None:
        """The near-duplicate cluster of the document at `url` (its current text's), with its
        members (site, URL, first seen, similarity), or None."""
        return clusters.cluster_of_document(self.conn, url)

    def duplicate_clusters(self, site_id: str | None = None) -> list[dict]:
        """Near-duplicate clusters that have a member on `site_id` (or all), with their members."""
        return clusters.clusters_of_site(self.conn, site_id)

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
