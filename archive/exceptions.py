"""Typed errors of the archive package."""


class ArchiveError(Exception):
    """The archive database cannot be opened, migrated or written; the message says what to do."""
