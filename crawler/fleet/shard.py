"""Run shards: the SQLite file a fleet worker crawls one site into, and the spool they travel by.

A shard is an archive file (archive/schema.py: the same tables, created by the same
migrations) holding the site's slice of archive.db that an incremental run reads — its runs
(the last full walk), columns and listings, documents with their current versions and texts,
the fetch rows that carry their validators (ETag, Last-Modified; bodies left out), the files
linked to current versions, section detections, the site's body dictionary — plus what the
worker's crawl writes to it and the journal of those writes (crawler/fleet/journal.py). The
slice is partial by design (a version's fetch row, an old body are not in it), so foreign keys
are not enforced while it is copied; nothing in a shard is read as the archive of record.

The spool is a folder every machine sees (NFS, or synced with rsync; docs/distributed.md):

    state/<job>.db     the slice, snapshotted by `zwgk enqueue` next to archive.db
    shards/<job>.db    a worker's finished shard, renamed into place whole (never half-written)
    ingested/<job>.db  merged shards, kept by `zwgk ingest --keep`

Job ids begin with the time they were enqueued, so shards sort in the order of their jobs.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from archive.schema import connect
from crawler.fleet.exceptions import FleetError
from crawler.fleet.journal import JOURNAL_SQL

INFO_SQL = "CREATE TABLE IF NOT EXISTS shard_info (key TEXT PRIMARY KEY, value TEXT)"
CURRENT = "SELECT current_version_id FROM documents WHERE site_id = :site"
# the site's slice of the archive, table by table, in an order that suits foreign keys
SLICE: tuple[tuple[str, str], ...] = (
    ("sites", "SELECT * FROM sites WHERE id = :site"),
    ("runs", "SELECT * FROM runs WHERE site_id = :site AND outcome != 'running'"),
    ("minhash_scheme", "SELECT * FROM minhash_scheme"),
    (
        "body_dictionaries",
        "SELECT * FROM body_dictionaries WHERE site_id = :site ORDER BY id DESC LIMIT 1",
    ),
    (
        "fetches",  # the validators of each document's last answer; bodies stay in the archive
        """SELECT f.* FROM fetches f JOIN documents d ON d.last_fetch_id = f.id
           WHERE d.site_id = :site""",
    ),
    (
        "texts",
        f"SELECT t.* FROM texts t JOIN versions v ON v.text_hash = t.hash AND v.id IN ({CURRENT})",
    ),
    ("documents", "SELECT * FROM documents WHERE site_id = :site"),
    ("versions", f"SELECT * FROM versions WHERE id IN ({CURRENT})"),
    ("columns", "SELECT * FROM columns WHERE site_id = :site"),
    (
        "listings",
        "SELECT l.* FROM listings l JOIN columns c ON c.id = l.column_id WHERE c.site_id = :site",
    ),
    ("version_attachments", f"SELECT * FROM version_attachments WHERE version_id IN ({CURRENT})"),
    ("section_detections", "SELECT * FROM section_detections WHERE site_id = :site"),
)
BLANKED = {"fetches": ("body_sha256", "text_hash")}  # references the slice does not carry


def spool_dirs(spool: str | Path) -> dict[str, Path]:
    root = Path(spool)
    return {name: root / name for name in ("state", "shards", "ingested")}


def ensure_spool(spool: str | Path) -> dict[str, Path]:
    """The spool's folders, created if missing; FleetError naming the folder if it cannot be."""
    dirs = spool_dirs(spool)
    for path in dirs.values():
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FleetError(f"{path}: cannot create the spool folder ({exc.strerror})") from exc
    return dirs


def snapshot_state(archive_path: str | Path, site_id: str, path: Path, info: dict) -> dict:
    """Write the site's slice of the archive (absent: an empty archive) to a new shard file at
    `path`, with `info` in its shard_info table. Returns the rows copied per table."""
    tmp = path.with_name(f".{path.name}.part")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    db = connect(tmp)
    counts: dict[str, int] = {}
    try:
        conn = db.conn
        conn.execute("PRAGMA foreign_keys = OFF")  # a slice: some references point outside it
        conn.execute(JOURNAL_SQL)
        conn.execute(INFO_SQL)
        source = _open_source(archive_path)
        conn.execute("BEGIN IMMEDIATE")
        if source is not None:
            with source:
                source.execute("BEGIN")  # one snapshot of the archive for every table
                for table, sql in SLICE:
                    counts[table] = _copy(source, conn, table, sql, site_id)
            source.close()
        _put_info(conn, info)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to travel
    finally:
        db.close()
    os.replace(tmp, path)
    return counts


def _open_source(archive_path: str | Path) -> sqlite3.Connection | None:
    path = Path(archive_path)
    if not path.is_file():
        return None
    connect(path).close()  # migrated, so its tables are the shard's
    return sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=30)


def _copy(source, conn, table: str, sql: str, site_id: str) -> int:
    cursor = source.execute(sql, {"site": site_id})
    columns = [d[0] for d in cursor.description]
    blank = [columns.index(c) for c in BLANKED.get(table, ())]
    names = ", ".join(f"[{c}]" for c in columns)
    marks = ", ".join("?" for _ in columns)
    copied = 0
    insert = f"INSERT OR IGNORE INTO [{table}] ({names}) VALUES ({marks})"
    while rows := cursor.fetchmany(500):
        if blank:
            rows = [tuple(None if i in blank else v for i, v in enumerate(r)) for r in rows]
        conn.executemany(insert, rows)
        copied += len(rows)
    return copied


def _put_info(conn, info: dict[str, Any]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO shard_info (key, value) VALUES (?, ?)",
        [(k, json.dumps(v, ensure_ascii=False)) for k, v in info.items()],
    )


def read_info(path: str | Path) -> dict[str, Any]:
    """A shard's shard_info; FleetError if the file is not a shard."""
    try:
        conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT key, value FROM shard_info").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise FleetError(f"{path}: not a run shard ({exc})") from exc
    return {k: json.loads(v) for k, v in rows}


def set_info(path: str | Path, info: dict[str, Any]) -> None:
    conn = sqlite3.connect(str(path), timeout=30)
    try:
        with conn:
            _put_info(conn, info)
    finally:
        conn.close()


def deliver(shard: Path, spool: str | Path, shard_id: str) -> Path:
    """Copy a finished shard into the spool's shards/ folder whole: a consistent copy (SQLite's
    backup) written beside its place, then renamed into it, so the ingester never sees half a
    shard. Delivering the same shard again replaces the copy not yet ingested."""
    target = ensure_spool(spool)["shards"] / f"{shard_id}.db"
    tmp = target.with_name(f".{target.name}.part")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(str(shard), timeout=30)
    dst = sqlite3.connect(str(tmp))
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()
        src.close()
    os.replace(tmp, target)
    return target


def pending_shards(spool: str | Path) -> list[Path]:
    """Delivered shards not yet ingested, in job order (their ids start with the enqueue time)."""
    folder = spool_dirs(spool)["shards"]
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.db") if not p.name.startswith("."))
