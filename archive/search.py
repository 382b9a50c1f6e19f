"""Full-text search that works for Chinese: SQLite FTS5 with the trigram tokenizer.

The index holds, per document (rowid = documents.id), the simplified title, the normalised text
and the attachment text of its current version. Trigrams need three characters: shorter
queries (乡村, 低保) fall back to a LIKE scan of the same columns, so they still answer.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

MIN_FTS_CHARS = 3


@dataclass(frozen=True)
class SearchHit:
    url: str
    site_id: str
    title: str | None
    publish_date: str | None
    snippet: str  # the matching passage with the hit in [brackets]
    rank: float


def reindex_document(db, document_id: int) -> None:
    """Put a document's current version into the search index (rowid = document id). The title
    is indexed simplified where the text was traditional; attachment text as extracted."""
    row = db.execute(
        """SELECT coalesce(v.title_norm, v.title), t.text_norm FROM documents d
           JOIN versions v ON v.id = d.current_version_id JOIN texts t ON t.hash = v.text_hash WHERE d.id = ?""",
        [document_id],
    ).fetchone()
    db.execute("DELETE FROM search_index WHERE rowid = ?", [document_id])
    if row is None:
        return
    attachments = "\n".join(
        r[0]
        for r in db.execute(
            """SELECT DISTINCT a.text FROM version_attachments va JOIN attachments a ON a.sha256 = va.sha256
               JOIN versions v ON v.id = va.version_id WHERE v.document_id = ? AND a.text != ''""",
            [document_id],
        )
    )
    db.execute(
        "INSERT INTO search_index (rowid, title, body, attachments) VALUES (?, ?, ?, ?)",
        [document_id, row[0] or "", row[1], attachments],
    )


# One definition of the search SQL, used by `search()` below and by `zwgk serve`'s canned
# queries. Named parameters: :q (the query, simplified script), :site and :since (optional: NULL
# or '' means any), :limit. Quoting and LIKE escaping happen in SQL, so a query holding '"', '%'
# or '_' means itself wherever it is run.
_FILTERS = """(nullif(:site, '') IS NULL OR d.site_id = :site)
    AND (nullif(:since, '') IS NULL OR coalesce(v.publish_date, d.first_seen) >= :since)"""
_FTS_SQL = """
SELECT d.url, d.site_id, v.title, v.publish_date, d.status,
       snippet(search_index, -1, '[', ']', '…', 24) AS snippet, bm25(search_index) AS rank
FROM search_index s JOIN documents d ON d.id = s.rowid JOIN versions v ON v.id = d.current_version_id
WHERE search_index MATCH '"' || replace(:q, '"', '""') || '"' AND {filters}
ORDER BY rank, v.publish_date DESC LIMIT {limit}
"""
_LIKE = """'%' || replace(replace(replace(:q, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'"""
_SCAN_SQL = """
SELECT d.url, d.site_id, v.title, v.publish_date, d.status,
       replace(substr(s.body, max(instr(s.body, :q) - 24, 1), 60), :q, '[' || :q || ']') AS snippet,
       0.0 AS rank
FROM search_index s JOIN documents d ON d.id = s.rowid JOIN versions v ON v.id = d.current_version_id
WHERE (s.title LIKE {like} ESCAPE '\\' OR s.body LIKE {like} ESCAPE '\\'
       OR s.attachments LIKE {like} ESCAPE '\\') AND {filters}
ORDER BY v.publish_date DESC LIMIT {limit}
"""


def search_sql(query_chars: int, limit: str = ":limit") -> str:
    """The SQL that answers a query of `query_chars` characters (trigram index from 3, a scan
    below); `limit` is a parameter name or a number."""
    if query_chars >= MIN_FTS_CHARS:
        return _FTS_SQL.format(filters=_FILTERS, limit=limit)
    return _SCAN_SQL.format(like=_LIKE, filters=_FILTERS, limit=limit)


def search(
    conn: sqlite3.Connection,
    query: str,
    site_id: str | None = None,
    since: str | None = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Documents matching `query` (simplified script), by relevance then newest publish date."""
    query = " ".join(query.split())
    if not query:
        return []
    params = {"q": query, "site": site_id, "since": since, "limit": limit}
    cur = conn.execute(search_sql(len(query)), params)
    names = [c[0] for c in cur.description]
    return [
        SearchHit(**{k: v for k, v in zip(names, row, strict=True) if k != "status"})
        for row in cur.fetchall()
    ]
