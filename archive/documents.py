"""The document state machine: new, changed, unchanged, deleted, unlisted, restored.

A document is one canonical URL. It gets a new version when its normalised text, one of its
政务公开 metadata fields or its editorial credits change (never for footer noise: the extractor
drops counters and the rest of the raw metadata dict is not compared). It gets a tombstone (status `deleted` or `unlisted`, and an
event with the evidence) when it disappears; a page that comes back is `restored`. Every state
change is an append-only row of `events`. These functions run inside the writer's transaction.
"""

from __future__ import annotations

import json

import sqlite_utils

from archive.records import DocumentContent, FetchRecord, Gone, credits_of, utcnow
from archive.search import reindex_document

# the fields whose change makes a new version (with the text and the credits, "credit:*" keys of
# the metadata JSON); other raw label/value pairs and attachments lists are kept on the version
# but do not by themselves make one
TRACKED_FIELDS = (
    "title",
    "publish_date",
    "publisher",
    "index_no",
    "doc_no",
    "category",
    "written_date",
    "validity",
    "source",
)
Db = sqlite_utils.Database


def add_event(
    db: Db, document_id: int, run_id, fetch_id, at: str, event: str, reason=None, evidence=None
) -> None:
    db.execute(
        "INSERT INTO events (document_id, run_id, fetch_id, at, event, reason, evidence) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            document_id,
            run_id,
            fetch_id,
            at,
            event,
            reason,
            json.dumps(evidence or {}, ensure_ascii=False),
        ],
    )


def _current(db: Db, url: str):
    cols = ", ".join(f"v.{f}" for f in TRACKED_FIELDS)
    return db.execute(
        f"""SELECT d.id, d.version_count, d.status, v.text_hash, {cols}, v.metadata FROM documents d
            LEFT JOIN versions v ON v.id = d.current_version_id WHERE d.url = ?""",
        [url],
    ).fetchone()


def change_of(row, doc: DocumentContent) -> str | None:
    """What changed between the current version (a _current row) and a new extraction."""
    text = row[3] != doc.text_hash
    metadata = any(row[4 + i] != getattr(doc, f) for i, f in enumerate(TRACKED_FIELDS))
    stored = json.loads(row[4 + len(TRACKED_FIELDS)] or "{}")
    metadata = metadata or credits_of(stored) != credits_of(doc.metadata)
    if text and metadata:
        return "text+metadata"
    return "text" if text else "metadata" if metadata else None


def store_document(
    db: Db,
    run_id,
    fetch: FetchRecord,
    fetch_id: int,
    doc: DocumentContent,
    change: str | None = None,
) -> tuple[str, int, int]:
    """Record a successful capture of a document: (state, document id, version number).

    `change` forces the recorded change kind (re-extraction passes "reextract")."""
    row = _current(db, doc.url)
    now = fetch.fetched_at
    if row is None:
        document_id = db.execute(
            """INSERT INTO documents (url, site_id, status, first_seen, last_seen, last_fetch_id)
               VALUES (?, ?, 'live', ?, ?, ?)""",
            [doc.url, fetch.site_id, now, now, fetch_id],
        ).lastrowid
        count, status, what = 0, "live", "new"
    else:
        document_id, count, status = row[0], row[1], row[2]
        what = change_of(row, doc)
    sighting = change != "reextract"  # re-reading an old capture is not a new sighting
    restored = sighting and status != "live"
    if restored:
        add_event(
            db, document_id, run_id, fetch_id, now, "restored", f"answered {fetch.status} again"
        )
    if what is None:
        if sighting:
            db.execute(
                "UPDATE documents SET last_seen = ?, last_fetch_id = ?, status = 'live' WHERE id = ?",
                [now, fetch_id, document_id],
            )
        return ("restored" if restored else "unchanged"), document_id, count
    version_no = count + 1
    version_id = insert_version(
        db, document_id, version_no, fetch_id, run_id, now, doc, change or what
    )
    if sighting:
        db.execute(
            """UPDATE documents SET last_seen = ?, last_fetch_id = ?, status = 'live',
                   current_version_id = ?, version_count = ? WHERE id = ?""",
            [now, fetch_id, version_id, version_no, document_id],
        )
    else:
        db.execute(
            "UPDATE documents SET current_version_id = ?, version_count = ? WHERE id = ?",
            [version_id, version_no, document_id],
        )
    reindex_document(db, document_id)
    event = "new" if version_no == 1 else "changed"
    add_event(db, document_id, run_id, fetch_id, now, event, change or what)
    return ("restored" if restored else event), document_id, version_no


def insert_version(
    db: Db, document_id, version_no, fetch_id, run_id, now, doc: DocumentContent, change
) -> int:
    return db.execute(
        """INSERT INTO versions (document_id, version_no, fetch_id, run_id, created_at, text_hash, title,
               publish_date, publish_date_raw, publisher, index_no, doc_no, category, written_date,
               validity, source, metadata, attachments, extractor_version, change, title_norm)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
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
            change,
            doc.title_norm,
        ],
    ).lastrowid


def mark_not_modified(db: Db, url: str, fetch_id: int, now: str) -> str | None:
    """A 304 answer to a conditional request: the document was seen, unchanged."""
    row = db.execute("SELECT id, status FROM documents WHERE url = ?", [url]).fetchone()
    if row is None:
        return None
    db.execute(
        "UPDATE documents SET last_seen = ?, last_fetch_id = ? WHERE id = ?",
        [now, fetch_id, row[0]],
    )
    return "unchanged"


def mark_gone(
    db: Db, run_id, url: str, fetch_id: int | None, gone: Gone, now: str | None = None
) -> str | None:
    """Tombstone a known document; its versions stay. None when the URL is not a known live document."""
    row = db.execute("SELECT id, status FROM documents WHERE url = ?", [url]).fetchone()
    if row is None or row[1] == gone.status or row[1] == "deleted":
        return None
    now = now or utcnow()
    db.execute("UPDATE documents SET status = ? WHERE id = ?", [gone.status, row[0]])
    add_event(db, row[0], run_id, fetch_id, now, gone.status, gone.reason, gone.evidence)
    return gone.status
