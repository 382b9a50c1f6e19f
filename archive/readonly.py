"""Opening an archive read-only, for every reader (archive/read.py, `zwgk check`).

`mode=ro` lets readers share the file with a crawl writing it (WAL). In a read-only directory
SQLite cannot create the WAL's -shm file, so the file is opened `immutable=1` instead (nothing
can be writing there). Errors that mean damage, a lock or a failing disk become one-line
ArchiveErrors wherever a query meets them — when opening, running or fetching rows.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from archive.exceptions import ArchiveError
from archive.failures import archive_error, error_code

# errors a reader turns into an ArchiveError; others (a bad FTS query, …) reach the caller as-is
_TRANSLATED = frozenset(
    {"SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR"}
)
_NEEDS_IMMUTABLE = frozenset({"SQLITE_CANTOPEN", "SQLITE_READONLY"})
BUSY_TIMEOUT_SECONDS = 30.0


def _translate(conn: sqlite3.Connection, exc: sqlite3.DatabaseError) -> BaseException:
    if error_code(exc) in _TRANSLATED:
        return archive_error(getattr(conn, "archive_path", "archive"), exc, "read")
    return exc


class ReadCursor(sqlite3.Cursor):
    """A cursor whose damage, lock and I/O errors are ArchiveErrors naming the file."""

    def execute(self, sql, parameters=()):
        try:
            return super().execute(sql, parameters)
        except sqlite3.DatabaseError as exc:
            raise _translate(self.connection, exc) from exc

    def executemany(self, sql, seq_of_parameters):
        try:
            return super().executemany(sql, seq_of_parameters)
        except sqlite3.DatabaseError as exc:
            raise _translate(self.connection, exc) from exc

    def fetchone(self):
        try:
            return super().fetchone()
        except sqlite3.DatabaseError as exc:
            raise _translate(self.connection, exc) from exc

    def fetchmany(self, size=None):
        try:
            return super().fetchmany(self.arraysize if size is None else size)
        except sqlite3.DatabaseError as exc:
            raise _translate(self.connection, exc) from exc

    def fetchall(self):
        try:
            return super().fetchall()
        except sqlite3.DatabaseError as exc:
            raise _translate(self.connection, exc) from exc

    def __next__(self):
        try:
            return super().__next__()
        except sqlite3.DatabaseError as exc:
            raise _translate(self.connection, exc) from exc


class ReadConnection(sqlite3.Connection):
    """A read-only connection that knows its file (for messages) and hands out ReadCursors."""

    archive_path: Path
    immutable: bool = False

    def cursor(self, factory=ReadCursor):
        return super().cursor(factory)

    def execute(self, sql, parameters=()):
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters):
        return self.cursor().executemany(sql, seq_of_parameters)


def _uri(path: Path, query: str) -> str:
    return f"file:{quote(str(path.resolve()))}?{query}"


def _open(path: Path, query: str) -> ReadConnection:
    conn = sqlite3.connect(
        _uri(path, query), uri=True, timeout=BUSY_TIMEOUT_SECONDS, factory=ReadConnection
    )
    conn.archive_path = path
    conn.immutable = "immutable=1" in query
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the header now
    except BaseException:
        conn.close()
        raise
    return conn


def open_readonly(path: str | Path) -> ReadConnection:
    """The archive at `path`, read-only; ArchiveError (one line) when it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise ArchiveError(f"{path}: no archive here (run a crawl first, or pass --db)")
    try:
        try:
            return _open(path, "mode=ro")
        except sqlite3.OperationalError as exc:
            if error_code(exc) not in _NEEDS_IMMUTABLE:
                raise
            # the WAL index (-shm) cannot be created here: a read-only directory or disk
            return _open(path, "mode=ro&immutable=1")
    except ArchiveError:
        raise
    except sqlite3.DatabaseError as exc:
        raise archive_error(path, exc, "read") from exc
