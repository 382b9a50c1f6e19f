"""Full-text search that works for Chinese: one FTS5 index of character bigrams, newest first.

The index (`search_index`, contentless: it keeps no copy of any text) holds, per document, the
bigram tokens (archive/bigrams.py) of its current version's simplified title and normalised
text and of its attachments' text. `search_rows` says which document each index row is and
what was indexed, so that a row can be deleted (a contentless row is deleted by giving FTS5
its tokens again, rebuilt here from immutable rows: versions, texts, attachments).

Row ids order documents by date: `day * DAY + n`, where day is the Julian day number of the
publish date (else of the day the document was first seen) and n counts that day's rows. DAY
is small (4,096) because FTS5 stores each posting's row id as a varint delta: ids far apart
would cost bytes in every posting. A
query walks the index from the newest row and stops at `limit` hits, however common the word:
no scan, no sort. One character is a prefix query; two are one bigram; longer queries are the
AND of their bigrams (the index keeps neither positions nor columns, detail=none: only which
rows hold a token), each hit checked against the text.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from dataclasses import dataclass
from datetime import date

from archive.bigrams import tokens

DAY = 1 << 12  # row ids per day: a row id delta between days fits two varint bytes
SPILL_DAYS = 366  # a day with more than DAY rows lends from the days after it
_JULIAN_OFFSET = 1721424  # date.toordinal() + this = SQLite's julianday() at noon, truncated


@dataclass(frozen=True)
class SearchHit:
    url: str
    site_id: str
    title: str | None
    publish_date: str | None
    snippet: str  # the matching passage with the hit in [brackets]
    rank: float  # always 0.0: hits come newest first, not by relevance (docs/schema.md)


def day_number(iso: str | None) -> int:
    """Julian day number of an ISO date or timestamp (what SQL's julianday() truncates to); 0
    when it is not one."""
    try:
        return date.fromisoformat((iso or "")[:10]).toordinal() + _JULIAN_OFFSET
    except ValueError:
        return 0


def _attachments(db, document_id: int) -> list[str]:
    """SHA-256 of the attachment files with text linked by any version of the document, first
    linked first."""
    return [
        r[0]
        for r in db.execute(
            """SELECT a.sha256 FROM version_attachments va JOIN attachments a ON a.sha256 = va.sha256
               JOIN versions v ON v.id = va.version_id WHERE v.document_id = ? AND a.text != ''
               GROUP BY a.sha256 ORDER BY min(va.id)""",
            [document_id],
        )
    ]


def _tokens(db, version_id: int, shas: list[str]) -> tuple[str, str, str]:
    title, body = db.execute(
        """SELECT coalesce(v.title_norm, v.title, ''), coalesce(t.text_norm, t.text)
           FROM versions v JOIN texts t ON t.hash = v.text_hash WHERE v.id = ?""",
        [version_id],
    ).fetchone()
    texts = dict(
        db.execute(
            f"SELECT sha256, text FROM attachments WHERE sha256 IN ({','.join('?' * len(shas))})",
            shas,
        ).fetchall()
    )
    return tokens(title), tokens(body), tokens("\n".join(texts[sha] for sha in shas))


def _new_rowid(db, day: int) -> int:
    """The next free row id of the day; when the day is full, of the next day that is not (the
    row then sorts a little too new, never too old: a `since` bound still finds it)."""
    for spill in range(SPILL_DAYS):
        low = (day + spill) * DAY
        last = db.execute(
            "SELECT max(id) FROM search_rows WHERE id BETWEEN ? AND ?", [low, low + DAY - 1]
        ).fetchone()[0]
        if last is None:
            return low
        if last + 1 < low + DAY:
            return last + 1
    return db.execute("SELECT max(id) + 1 FROM search_rows").fetchone()[0]


def reindex_document(db, document_id: int) -> None:
    """Put a document's current version (and its attachments' text) into the search index,
    replacing what was indexed for it before; a no-op when nothing indexed has changed."""
    old = db.execute(
        "SELECT id, version_id, attachments FROM search_rows WHERE document_id = ?", [document_id]
    ).fetchone()
    row = db.execute(
        """SELECT d.current_version_id, coalesce(v.publish_date, d.first_seen) FROM documents d
           LEFT JOIN versions v ON v.id = d.current_version_id WHERE d.id = ?""",
        [document_id],
    ).fetchone()
    version_id, when = row if row else (None, None)
    shas = _attachments(db, document_id) if version_id else []
    if old is not None:
        if old[1] == version_id and json.loads(old[2]) == shas:
            return
        title, body, attachments = _tokens(db, old[1], json.loads(old[2]))
        db.execute(
            """INSERT INTO search_index (search_index, rowid, title, body, attachments)
               VALUES ('delete', ?, ?, ?, ?)""",
            [old[0], title, body, attachments],
        )
        db.execute("DELETE FROM search_rows WHERE id = ?", [old[0]])
    if version_id is None:
        return
    rowid = _new_rowid(db, day_number(when))
    db.execute(
        "INSERT INTO search_rows (id, document_id, version_id, attachments) VALUES (?, ?, ?, ?)",
        [rowid, document_id, version_id, json.dumps(shas)],
    )
    db.execute(
        "INSERT INTO search_index (rowid, title, body, attachments) VALUES (?, ?, ?, ?)",
        [rowid, *_tokens(db, version_id, shas)],
    )


# One definition of the search SQL, used by `search()` below and by `zwgk serve`'s canned
# queries. Named parameters: :q (the query, simplified script), :site and :since (optional: NULL
# or '' means any), :limit. The query's tokens are built in SQL (as archive/bigrams.py builds
# the text's), so the same SQL answers in Datasette or the sqlite3 shell.
_SQL = """
WITH RECURSIVE
  units(i, c) AS (SELECT 1, substr(:q, 1, 1) WHERE length(:q) > 0
                  UNION ALL SELECT i + 1, substr(:q, i + 1, 1) FROM units WHERE i < length(:q)),
  escaped(i, u) AS (SELECT i, CASE WHEN unicode(c) > 127 OR c GLOB '[0-9A-Za-z]' THEN c
                                   ELSE '_' || hex(c) END FROM units),
  pattern(m) AS (SELECT CASE length(:q) WHEN 0 THEN '"_"'
                   WHEN 1 THEN (SELECT '"' || u || '"*' FROM escaped)
                   ELSE (SELECT group_concat('"' || a.u || b.u || '"', ' AND ')
                         FROM escaped a JOIN escaped b ON b.i = a.i + 1) END)
SELECT d.url, d.site_id, v.title, v.publish_date, d.status,
       (SELECT CASE WHEN p = 0 THEN substr(x, 1, 60)
               ELSE (CASE WHEN p > 25 THEN '…' ELSE '' END) || substr(x, max(p - 24, 1), p - max(p - 24, 1))
                    || '[' || substr(x, p, length(:q)) || ']' || substr(x, p + length(:q), 36) END
        FROM (SELECT x, instr(lower(x), lower(:q)) AS p FROM (SELECT {passage} AS x))) AS snippet,
       0.0 AS rank
FROM {rows} s JOIN search_rows r ON r.id = s.rowid JOIN documents d ON d.id = r.document_id
JOIN versions v ON v.id = r.version_id JOIN texts t ON t.hash = v.text_hash
WHERE {match}
  AND s.rowid >= coalesce(CAST(julianday(substr(nullif(:since, ''), 1, 10)) AS INTEGER) * {day}, 0)
  AND (nullif(:site, '') IS NULL OR d.site_id = :site)
  AND (nullif(:since, '') IS NULL OR coalesce(v.publish_date, d.first_seen) >= :since)
  AND ({unchecked}instr(lower(coalesce(t.text_norm, t.text)), lower(:q))
       OR instr(lower(coalesce(v.title_norm, v.title, '')), lower(:q)) OR {in_attachments} IS NOT NULL)
ORDER BY s.rowid DESC LIMIT {limit}
"""
# the text of the first attachment of the document that contains the query
_IN_ATTACHMENTS = """(SELECT a.text FROM versions av JOIN version_attachments va ON va.version_id = av.id
    JOIN attachments a ON a.sha256 = va.sha256
    WHERE av.document_id = d.id AND instr(lower(a.text), lower(:q)) LIMIT 1)"""
_PASSAGE = f"""CASE WHEN instr(lower(coalesce(t.text_norm, t.text)), lower(:q)) THEN coalesce(t.text_norm, t.text)
    WHEN instr(lower(coalesce(v.title_norm, v.title, '')), lower(:q)) THEN coalesce(v.title_norm, v.title)
    ELSE coalesce({_IN_ATTACHMENTS}, coalesce(t.text_norm, t.text)) END"""


def search_sql(limit: str = ":limit") -> str:
    """The SQL that answers a query of any length; `limit` is a parameter name or a number."""
    return _SQL.format(
        rows="search_index", match="search_index MATCH (SELECT m FROM pattern)",
        unchecked="length(:q) < 3 OR ",  # a one- or two-character match needs no check
        passage=_PASSAGE, in_attachments=_IN_ATTACHMENTS, day=DAY, limit=limit,
    )  # fmt: skip


PROBE_ROWS = 400  # a one-character query first reads this many of the newest indexed documents


@functools.cache
def probe_sql(rows: int) -> str:
    """The search SQL over the `rows` newest index rows, each checked against its text, with no
    index lookup: where that finds `limit` hits they are the answer (every newer row was read).
    A common character is in nearly every document, and its prefix query would merge the
    postings of every bigram that starts with it (0.9 s at a million documents)."""
    return _SQL.format(
        rows=f"(SELECT id AS rowid FROM search_rows ORDER BY id DESC LIMIT {int(rows)})",
        match="1", unchecked="", passage=_PASSAGE, in_attachments=_IN_ATTACHMENTS, day=DAY,
        limit=":limit",
    )  # fmt: skip


def search(
    conn: sqlite3.Connection,
    query: str,
    site_id: str | None = None,
    since: str | None = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Documents whose current title, text or attachment text contains `query` (simplified
    script; ASCII letters in any case), newest first (publish date, else first seen)."""
    query = " ".join(query.split())
    if not query:
        return []
    params = {"q": query, "site": site_id, "since": since, "limit": limit}
    cur = None
    if len(query) == 1 and limit <= PROBE_ROWS:
        cur = conn.execute(probe_sql(PROBE_ROWS), params)
        rows = cur.fetchall()
    if cur is None or len(rows) < limit:
        cur = conn.execute(search_sql(), params)
        rows = cur.fetchall()
    names = [c[0] for c in cur.description]
    return [
        SearchHit(**{k: v for k, v in zip(names, row, strict=True) if k != "status"})
        for row in rows
    ]
