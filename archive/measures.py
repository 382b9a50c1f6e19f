"""What the transparency indicators read from an archive (crawler/report/ computes them).

`Measures` is mixed into `archive.read.Archive`, so these are read-API methods like the others:
one SQL statement each over the public tables (documents, versions, events, columns, listings,
runs; texts only through the `latest_documents` view), and plain frozen records back. A LEFT
JOIN onto a view makes SQLite materialise it, texts and all: joins go to the tables. Definitions of the indicators themselves are in docs/indicators.md.

    with read.open_archive("archive.db") as arc:
        facts = arc.document_facts(site_id="sample")     # one row per document, no texts
        arc.column_activity("sample")                    # per 栏目: listed, newest 发布日期
        arc.column_volume("sample")                      # per 栏目 and month: documents first seen
        arc.recent_tombstones(per_site=10)               # latest deletions, with evidence and text
        arc.site_observations()                          # per site: first and last crawl

This module imports only the standard library.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

TOMBSTONES = ("deleted", "unlisted")


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """One document as the indicators see it: dates, 政务公开 fields, and when it went away."""

    id: int
    site_id: str
    url: str
    status: str  # live | deleted | unlisted
    first_seen: str  # first capture (UTC ISO time)
    gone_at: str | None  # start of its current tombstone (None while live)
    title: str | None
    publish_date: str | None  # 发布日期
    written_date: str | None  # 成文日期
    publisher: str | None  # 发布机构
    index_no: str | None  # 索引号
    doc_no: str | None  # 文号
    category: str | None  # 主题分类


@dataclass(frozen=True, slots=True)
class ColumnActivity:
    """A column (栏目) with what it listed and the newest 发布日期 among its documents."""

    id: int
    site_id: str
    name: str  # its name, else its URL
    url: str
    listed: int  # documents it has listed
    newest_publish_date: str | None
    last_listed: str | None  # when it first listed its most recently listed document
    last_walked: str  # when the crawler last walked it


@dataclass(frozen=True, slots=True)
class ColumnMonth:
    column_id: int
    site_id: str
    name: str
    month: str  # YYYY-MM of first capture
    documents: int


@dataclass(frozen=True, slots=True)
class Tombstone:
    """A deletion or unlisting, with its evidence and the archived text it took away."""

    document_id: int
    site_id: str
    url: str
    status: str  # the document's status now (restored documents are live again)
    at: str
    event: str  # deleted | unlisted
    reason: str | None
    evidence: dict
    title: str | None
    publish_date: str | None
    text: str  # the current (last) version's text as extracted


@dataclass(frozen=True, slots=True)
class SiteObservation:
    """When the archive looked at a site: its first run's start and its latest run's end."""

    site_id: str
    name: str
    first_run: str | None
    last_observed: str | None  # end of its latest run (its start while running or killed)


def run_failed(outcome: str, pages_fetched: int, fetches_failed: int, fetches_blocked: int) -> bool:
    """A run failed when it did not finish, or when every fetch it made failed or was blocked."""
    if outcome == "running":
        return False
    return outcome not in ("finished", "stopped_at_limit") or (
        pages_fetched > 0 and fetches_failed + fetches_blocked >= pages_fetched
    )


_SITE = "(:site IS NULL OR {col} = :site)"

# the start of each tombstoned document's current tombstone: its first deletion or unlisting
# after its latest restoration
GONE_AT = """
    SELECT e.document_id, min(e.at) AS gone_at
    FROM events e JOIN documents d ON d.id = e.document_id
    WHERE d.status IN ('deleted', 'unlisted') AND e.event IN ('deleted', 'unlisted')
      AND e.at > coalesce((SELECT max(r.at) FROM events r
                           WHERE r.document_id = e.document_id AND r.event = 'restored'), '')
    GROUP BY e.document_id
"""


class Measures:
    """Read-API methods for the indicators (mixed into `archive.read.Archive`)."""

    conn: sqlite3.Connection

    def _select(self, sql: str, site_id: str | None, **params: object) -> list[sqlite3.Row]:
        return self.conn.execute(sql, {"site": site_id, **params}).fetchall()

    def document_facts(self, site_id: str | None = None) -> list[DocumentFacts]:
        """Every document (of a site) with its current metadata and tombstone time, by id."""
        rows = self._select(
            f"""SELECT d.id, d.site_id, d.url, d.status, d.first_seen, g.gone_at, v.title,
                       v.publish_date, v.written_date, v.publisher, v.index_no, v.doc_no, v.category
                FROM documents d JOIN versions v ON v.id = d.current_version_id
                LEFT JOIN ({GONE_AT}) g ON g.document_id = d.id
                WHERE {_SITE.format(col="d.site_id")} ORDER BY d.id""",
            site_id,
        )
        return [DocumentFacts(*r) for r in rows]

    def column_activity(self, site_id: str | None = None) -> list[ColumnActivity]:
        """Every column with how many documents it listed and the newest 发布日期 among them."""
        rows = self._select(
            f"""SELECT c.id, c.site_id, coalesce(c.name, c.url) AS name, c.url,
                       count(l.url) AS listed, max(v.publish_date) AS newest_publish_date,
                       max(l.first_seen) AS last_listed, c.last_seen AS last_walked
                FROM columns c LEFT JOIN listings l ON l.column_id = c.id
                LEFT JOIN documents d ON d.url = l.url
                LEFT JOIN versions v ON v.id = d.current_version_id
                WHERE {_SITE.format(col="c.site_id")} GROUP BY c.id ORDER BY c.site_id, c.id""",
            site_id,
        )
        return [ColumnActivity(*r) for r in rows]

    def column_volume(self, site_id: str | None = None) -> list[ColumnMonth]:
        """Per column and month: documents it listed, counted in the month of their first capture."""
        rows = self._select(
            f"""SELECT c.id, c.site_id, coalesce(c.name, c.url), substr(d.first_seen, 1, 7) AS month,
                       count(DISTINCT d.id)
                FROM columns c JOIN listings l ON l.column_id = c.id
                JOIN documents d ON d.url = l.url
                WHERE {_SITE.format(col="c.site_id")}
                GROUP BY c.id, month ORDER BY c.site_id, c.id, month""",
            site_id,
        )
        return [ColumnMonth(*r) for r in rows]

    def recent_tombstones(self, site_id: str | None = None, per_site: int = 10) -> list[Tombstone]:
        """The latest deletions and unlistings of each site (newest first), with their evidence
        and the text the archive keeps of the document."""
        rows = self._select(
            f"""SELECT t.document_id, t.site_id, t.url, t.status, t.at, t.event, t.reason,
                       t.evidence, ld.title, ld.publish_date, ld.text
                FROM (SELECT e.document_id, d.site_id, d.url, d.status, e.at, e.event, e.reason,
                             e.evidence, e.id,
                             row_number() OVER (PARTITION BY d.site_id ORDER BY e.at DESC, e.id DESC) AS n
                      FROM events e JOIN documents d ON d.id = e.document_id
                      WHERE e.event IN ('deleted', 'unlisted') AND {_SITE.format(col="d.site_id")}) t
                JOIN latest_documents ld ON ld.document_id = t.document_id
                WHERE t.n <= :per_site ORDER BY t.site_id, t.at DESC, t.id DESC""",
            site_id,
            per_site=per_site,
        )
        return [
            Tombstone(**{**dict(r), "evidence": json.loads(r["evidence"] or "{}")}) for r in rows
        ]

    def site_observations(self) -> list[SiteObservation]:
        """Per site: when its first run started and when its latest run ended."""
        rows = self.conn.execute(
            """SELECT s.id, s.name, min(r.started_at),
                      (SELECT coalesce(r2.ended_at, r2.started_at) FROM runs r2
                       WHERE r2.site_id = s.id ORDER BY r2.id DESC LIMIT 1)
               FROM sites s LEFT JOIN runs r ON r.site_id = s.id GROUP BY s.id ORDER BY s.id"""
        ).fetchall()
        return [SiteObservation(*r) for r in rows]
