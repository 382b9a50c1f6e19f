"""Opening an archive for writing: create or migrate it (archive/migrations.py), in WAL mode.

The database is a public interface (docs/schema.md documents every table and column); its
version is `PRAGMA user_version` = the number of migrations applied.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from archive.exceptions import ArchiveError
from archive.migrations import MIGRATION_NAMES, migrations

SCHEMA_VERSION = len(MIGRATION_NAMES)


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if absent) and migrate an archive for writing, in WAL mode.

    A file that is not a readable SQLite database is never replaced: the error names it.
    """
    path = Path(path)
    if path.exists() and path.is_dir():
        raise ArchiveError(f"{path} is a directory, not an archive file")
    try:
        conn = sqlite3.connect(str(path), timeout=30)
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA busy_timeout = 30000")
        if db.journal_mode != "wal":
            db.enable_wal()
        check_not_newer(db, path)
        # foreign keys are off while migrating: a migration may rebuild a table (SQLite's
        # create-copy-drop-rename procedure), which they would refuse midway
        db.execute("PRAGMA foreign_keys = OFF")
        migrations.apply(db)
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(
            f"{path} is not a usable zwgk archive ({exc}); zwgk will not modify it: "
            "restore it from a backup or move it aside and start a new archive"
        ) from exc
    return db


def check_not_newer(db: sqlite_utils.Database, path: Path) -> None:
    known = set(MIGRATION_NAMES)
    applied = {m.name for m in migrations.applied(db)}
    unknown = sorted(applied - known)
    if unknown:
        raise ArchiveError(
            f"{path} was written by a newer zwgk (migrations {', '.join(unknown)}); upgrade zwgk"
        )
