"""Opening an archive for writing: create or migrate it (archive/migrations.py), in WAL mode.

The database is a public interface (docs/schema.md documents every table and column); its
version is `PRAGMA user_version` = the number of migrations applied.

Opening refuses, before anything is written: a file made by a newer zwgk (a higher
user_version or migrations this code does not know), and — when asked to `check` — a damaged
file (archive/check.py). Migrations run inside one `BEGIN IMMEDIATE` transaction and are
looked up again once the lock is held, so two crawls starting at once on a new archive apply
them once; the one that waits sees them done.
"""

from __future__ import annotations

import datetime
import sqlite3
import time
from pathlib import Path

import sqlite_utils

from archive.check import quick_check
from archive.exceptions import ArchiveError, ArchiveWriteError
from archive.failures import archive_error, damaged, error_code, read_only_place
from archive.migrations import MIGRATION_NAMES, migrations

SCHEMA_VERSION = len(MIGRATION_NAMES)
BUSY_TIMEOUT_SECONDS = 30.0  # how long a writer waits for another one's lock


class ArchiveDatabase(sqlite_utils.Database):
    """sqlite-utils' Database whose `executescript` keeps an open transaction open.

    Python's `executescript` commits first; migrations run inside the lock-holding
    transaction, so their scripts are run one statement at a time instead."""

    def executescript(self, sql: str) -> sqlite3.Cursor:
        if not self.conn.in_transaction:
            return super().executescript(sql)
        cursor = self.conn.cursor()
        for statement in split_statements(sql):
            cursor.execute(statement)
        return cursor


def split_statements(script: str) -> list[str]:
    """The complete SQL statements of a script (triggers' BEGIN … END bodies kept whole)."""
    found, pending = [], ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\n;"):
                found.append(pending.strip())
            pending = ""
    if pending.strip(" \t\n;"):
        found.append(pending.strip())
    return found


def connect(path: str | Path, check: bool = False) -> ArchiveDatabase:
    """Open (creating if absent) and migrate an archive for writing, in WAL mode.

    Refused with a one-line ArchiveError, the file untouched: a directory, a file a newer zwgk
    wrote, a file that is not a readable SQLite database or (with `check`) fails SQLite's
    quick_check. A lock held by another writer is waited for (BUSY_TIMEOUT_SECONDS), and is
    reported as busy, never as an unusable archive.
    """
    path = Path(path)
    if path.exists() and path.is_dir():
        raise ArchiveError(f"{path} is a directory, not an archive file")
    if read_only_place(path):  # SQLite would open it read-only, and fail at the first write
        raise ArchiveWriteError(
            f"{path}: cannot write the archive: read-only ({path.resolve().parent} or the file "
            "cannot be written); use --db to name a writable archive, or read it where it is",
            "read-only",
        )
    conn = None
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        refuse_newer(conn, path)
        if check:
            problems = quick_check(conn)
            if problems:
                raise damaged(path, f"quick_check: {problems[0]}")
        db = ArchiveDatabase(conn)
        _enable_wal(db)
        _migrate(db, path)
        db.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise archive_error(path, exc, "write") from exc
    except ArchiveError:
        if conn is not None:
            conn.close()
        raise
    return db


def refuse_newer(conn: sqlite3.Connection, path: Path) -> None:
    """ArchiveError if a newer zwgk wrote the file (reads only; nothing is written)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ArchiveError(
            f"{path} has schema version {version}, newer than this zwgk knows ({SCHEMA_VERSION}): "
            "upgrade zwgk; nothing was written"
        )
    table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
        [migrations.migrations_table],
    ).fetchone()
    if table is None:
        return
    applied = {
        row[0]
        for row in conn.execute(
            f"SELECT name FROM [{migrations.migrations_table}] WHERE migration_set = ?",
            [migrations.name],
        )
    }
    unknown = sorted(applied - set(MIGRATION_NAMES))
    if unknown:
        raise ArchiveError(
            f"{path} was written by a newer zwgk (migrations {', '.join(unknown)}); "
            "upgrade zwgk; nothing was written"
        )


def _enable_wal(db: sqlite_utils.Database) -> None:
    """WAL mode; changing the journal mode does not wait on the busy handler, so retry."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while db.journal_mode != "wal":
        try:
            db.enable_wal()
        except sqlite3.OperationalError as exc:
            if error_code(exc) not in ("SQLITE_BUSY", "SQLITE_LOCKED"):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _pending(db: sqlite_utils.Database) -> list[str]:
    table = migrations.migrations_table
    if not db[table].exists():
        return list(MIGRATION_NAMES)
    done = {
        r[0]
        for r in db.execute(
            f"SELECT name FROM [{table}] WHERE migration_set = ?", [migrations.name]
        ).fetchall()
    }
    return [name for name in MIGRATION_NAMES if name not in done]


def _migrate(db: ArchiveDatabase, path: Path) -> None:
    """Apply pending migrations inside one BEGIN IMMEDIATE, deciding what is pending again
    once the write lock is held (another process may have migrated meanwhile)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION and not _pending(db):
        return
    conn = db.conn
    # foreign keys are off while migrating (a pragma that only takes effect outside a
    # transaction): a migration may rebuild a table by SQLite's create-copy-drop-rename
    # procedure, which they would refuse midway
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN IMMEDIATE")
    try:
        refuse_newer(conn, path)
        pending = _pending(db)
        if pending:
            migrations.ensure_migrations_table(db)
        by_name = {m.name: m for m in migrations.pending(db)}
        for name in pending:
            by_name[name].fn(db)
            db.execute(
                f"INSERT INTO [{migrations.migrations_table}] (migration_set, name, applied_at) "
                "VALUES (?, ?, ?)",
                [migrations.name, name, str(datetime.datetime.now(datetime.UTC))],
            )
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
