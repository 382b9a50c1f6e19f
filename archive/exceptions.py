"""Typed errors of the archive package; each message is one sentence that names the file."""


class ArchiveError(Exception):
    """The archive database cannot be opened, migrated or written; the message says what to do."""


class DamagedArchive(ArchiveError):
    """The file is damaged (SQLite reports corruption, or it is not a database at all)."""


class ArchiveBusy(ArchiveError):
    """Another process held the archive locked for longer than the busy timeout."""


class ArchiveWriteError(ArchiveError):
    """A write to the archive failed; `cause` says why in a few words (disk full, I/O error,
    read-only, …)."""

    def __init__(self, message: str, cause: str) -> None:
        super().__init__(message)
        self.cause = cause
