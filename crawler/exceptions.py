"""Typed errors of the crawler package; the CLI turns them into one-line messages."""


class ZwgkError(Exception):
    """Base class for errors that reach a person as one sentence."""


class SeedError(ZwgkError):
    """A seed file is missing, unreadable or invalid."""


class ExtractionError(ZwgkError):
    """A page could not be turned into text and metadata."""


class AttachmentError(ZwgkError):
    """An attachment of a supported kind is corrupt, or too costly to read, and yields no text."""


class AttachmentRefused(AttachmentError):
    """An attachment too costly to read (a decompression bomb, over the memory or CPU limit):
    refused unread, with the reason."""
