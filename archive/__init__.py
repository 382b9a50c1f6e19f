"""zwgk's versioned archive: one SQLite file whose schema is a public interface (docs/schema.md).

    read.py        the public read API (`from archive import read`); models.py its records
    writer.py      the one writer: every fetch, list and attachment, one transaction per page
    documents.py   the document state machine: versions, tombstones, restorations, events
    clusters.py    near-duplicate clusters (persisted LSH bands)
    search.py      Chinese full-text search (FTS5 character bigrams, bigrams.py) and its one SQL
    bodies.py      raw bodies: zstd with per-site dictionaries
    schema.py      opening and migrating a file; migrations.py every numbered migration

This package imports only the standard library, sqlite-utils and (for bodies) zstandard, never
Scrapy.
"""

from archive import read
from archive.exceptions import ArchiveError

__all__ = ["ArchiveError", "read"]
