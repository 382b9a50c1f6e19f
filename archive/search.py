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


def _fts_phrase(query: str) -> str:
    return '"' + query.replace('"', '""') + '"'


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
    filters, params = [], []
    if site_id:
        filters.append("d.site_id = ?")
        params.append(site_id)
    if since:
        filters.append("coalesce(v.publish_date, d.first_seen) >= ?")
        params.append(since)
    extra = "".join(f" AND {f}" for f in filters)
    base = """SELECT d.url, d.site_id, v.title, v.publish_date, {snippet} AS snippet, {rank} AS rank
              FROM search_index s JOIN documents d ON d.id = s.rowid
              JOIN versions v ON v.id = d.current_version_id
              WHERE {match}{extra} ORDER BY rank, v.publish_date DESC LIMIT ?"""
    if len(query) >= MIN_FTS_CHARS:
        sql = base.format(
            snippet="snippet(search_index, -1, '[', ']', '…', 24)",
            rank="bm25(search_index)",
            match="search_index MATCH ?",
            extra=extra,
        )
        rows = conn.execute(sql, [_fts_phrase(query), *params, limit]).fetchall()
    else:
        like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql = base.format(
            snippet="substr(s.body, max(instr(s.body, ?) - 24, 1), 60)",
            rank="0.0",
            match="(s.title LIKE ? ESCAPE '\\' OR s.body LIKE ? ESCAPE '\\' OR s.attachments LIKE ? ESCAPE '\\')",
            extra=extra,
        )
        rows = conn.execute(sql, [query, like, like, like, *params, limit]).fetchall()
        rows = [(*r[:4], r[4].replace(query, f"[{query}]"), r[5]) for r in rows]
    return [SearchHit(*r) for r in rows]
