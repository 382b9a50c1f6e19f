"""What an SQLite error means for an archive, in words a person can act on.

SQLite names every failure (`sqlite3.Error.sqlite_errorname`: SQLITE_FULL, SQLITE_IOERR_WRITE,
SQLITE_READONLY, SQLITE_CORRUPT, SQLITE_BUSY, …); these functions turn one into a typed
ArchiveError whose one-line message names the file, the cause and what to do.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from archive.exceptions import ArchiveBusy, ArchiveError, ArchiveWriteError, DamagedArchive

# SQLite's primary result code (the name before any extended suffix) -> the cause in words
CAUSES = {
    "SQLITE_FULL": "disk full",
    "SQLITE_IOERR": "I/O error",
    "SQLITE_READONLY": "read-only",
    "SQLITE_CANTOPEN": "cannot open the file",
    "SQLITE_PERM": "permission denied",
    "SQLITE_CORRUPT": "damaged archive",
    "SQLITE_NOTADB": "damaged archive",
    "SQLITE_BUSY": "busy",
    "SQLITE_LOCKED": "busy",
}
# codes that say something about the archive's file or disk, not about the program
ENVIRONMENT = frozenset(CAUSES)
# what to do about a write that failed for each cause; {where} is the archive's folder
ADVICE = {
    "disk full": "free space on the disk holding {where}",
    "I/O error": "check the disk and the file size limit (ulimit -f)",
    "read-only": "{where} is read-only: use --db to name a writable archive",
    "cannot open the file": "check that {where} exists and is writable",
    "permission denied": "check the permissions of the archive and of {where}",
}
# when Python does not say (a wrapped error), the message SQLite gives for each
_MESSAGES = (
    ("database or disk is full", "SQLITE_FULL"),
    ("disk i/o error", "SQLITE_IOERR"),
    ("readonly database", "SQLITE_READONLY"),
    ("unable to open database file", "SQLITE_CANTOPEN"),
    ("malformed", "SQLITE_CORRUPT"),
    ("file is not a database", "SQLITE_NOTADB"),
    ("database is locked", "SQLITE_BUSY"),
    ("database table is locked", "SQLITE_LOCKED"),
)


def error_code(exc: BaseException) -> str | None:
    """SQLite's primary result code of an error (e.g. SQLITE_IOERR for SQLITE_IOERR_WRITE)."""
    name = getattr(exc, "sqlite_errorname", None)
    if name:
        for primary in CAUSES:
            if name == primary or name.startswith(primary + "_"):
                return primary
    message = str(exc).lower()
    return next((code for text, code in _MESSAGES if text in message), None)


def is_damage(exc: BaseException) -> bool:
    return error_code(exc) in ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def damaged(path: str | Path, detail: str) -> DamagedArchive:
    return DamagedArchive(
        f"{path}: damaged archive ({detail}); zwgk will not modify it: run `zwgk check --db "
        f"{path}`, then restore it from a backup or move it aside"
    )


def read_only_place(path: Path) -> bool:
    """Whether the archive's folder (or the file) cannot be written: a read-only filesystem,
    or permissions (SQLite needs to create its -wal and -shm files next to the archive)."""
    folder = path.resolve().parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))


def archive_error(path: str | Path, exc: sqlite3.Error, doing: str) -> ArchiveError:
    """A typed, one-line error for an SQLite error met while `doing` (e.g. "write", "read")."""
    code = error_code(exc)
    if code == "SQLITE_NOTADB":
        return damaged(path, f"{exc}: not an SQLite file, or its header is destroyed")
    if code == "SQLITE_CORRUPT":
        return damaged(path, str(exc))
    if code in ("SQLITE_BUSY", "SQLITE_LOCKED"):
        return ArchiveBusy(
            f"{path}: the archive is busy (another process held it locked: {exc}); "
            "try again when the other crawl has finished"
        )
    cause = CAUSES.get(code) if code else None
    if cause in ("cannot open the file", "permission denied") and read_only_place(Path(path)):
        cause = "read-only"
    if doing == "read" and cause:
        return ArchiveError(f"{path}: cannot read the archive: {cause} ({exc})")
    if cause in ADVICE:
        advice = ADVICE[cause].format(where=Path(path).resolve().parent)
        return ArchiveWriteError(
            f"{path}: cannot {doing} the archive: {cause} ({exc}); {advice}", cause
        )
    return ArchiveError(f"{path}: cannot {doing} the archive ({type(exc).__name__}: {exc})")
