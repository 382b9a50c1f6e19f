"""Raw response bodies, compressed: zstd, with a dictionary trained on each site's own pages.

A county portal's pages share most of their HTML (header, navigation, footer, scripts): a zstd
dictionary trained on a site's first TRAIN_SAMPLES document pages holds that template, so each
later page costs little more than its own text. Until a site has a dictionary its bodies are
plain zstd; when the dictionary is trained, they are recompressed with it (the bytes they decode
to never change). Bodies that do not compress (PDF, images, archives) are stored as they are.

codec `zlib` is how schema versions before 7 stored bodies; they are read as before.
"""

from __future__ import annotations

import functools
import hashlib
import zlib

from archive.records import utcnow as _utcnow

LEVEL = 9  # zstd level: ~6 ms per 100 KB portal page; 19 saves 4% more at 16 times the time
DICTIONARY_SIZE = 64 * 1024  # bytes: room for a portal's template (often 20–60 KB of HTML)
TRAIN_SAMPLES = 128  # document pages of a site before its dictionary is trained
DICTIONARY_KINDS = ("document", "list")  # fetch kinds whose bodies use the site's dictionary


def _zstd():
    import zstandard  # imported on first use: readers of text need no compression library

    return zstandard


def compress(body: bytes, dictionary: bytes | None = None) -> tuple[str, bytes]:
    """(codec, data) for a body: zstd (with the dictionary if given), or `none` when zstd does
    not make it smaller."""
    data = _compressor(dictionary).compress(body)
    if len(data) >= len(body):
        return "none", body
    return "zstd", data


def decompress(codec: str, data: bytes, dictionary: bytes | None = None) -> bytes:
    """The body's bytes exactly as received. ValueError for an unknown codec."""
    if codec == "none":
        return bytes(data)
    if codec == "zlib":
        return zlib.decompress(data)
    if codec == "zstd":
        return _decompressor(dictionary).decompress(data)
    raise ValueError(f"unknown body codec {codec!r}")


@functools.lru_cache(maxsize=8)
def _compressor(dictionary: bytes | None):
    zstd = _zstd()
    dict_data = zstd.ZstdCompressionDict(dictionary) if dictionary else None
    return zstd.ZstdCompressor(level=LEVEL, dict_data=dict_data)


@functools.lru_cache(maxsize=8)
def _decompressor(dictionary: bytes | None):
    zstd = _zstd()
    dict_data = zstd.ZstdCompressionDict(dictionary) if dictionary else None
    return zstd.ZstdDecompressor(dict_data=dict_data)


def train(samples: list[bytes]) -> bytes | None:
    """A zstd dictionary trained on a site's pages, or None when they are too few or too alike
    to train one."""
    zstd = _zstd()
    try:
        return zstd.train_dictionary(DICTIONARY_SIZE, samples, level=LEVEL).as_bytes()
    except zstd.ZstdError:
        return None


_SITE_BODIES = """SELECT DISTINCT b.sha256, b.codec, b.data FROM bodies b
    JOIN fetches f ON f.body_sha256 = b.sha256
    WHERE f.site_id = ? AND f.kind IN ({kinds}) AND b.codec = 'zstd' AND b.dictionary_id IS NULL"""


class BodyStore:
    """The writer's side of `bodies`: stores each body once, trains and caches site dictionaries.
    Runs inside the writer's transactions; one per writer (not thread-safe)."""

    def __init__(self) -> None:
        self._dictionaries: dict[str, tuple[int, bytes] | None] = {}  # site -> (id, data)
        self._untrained: dict[str, int] = {}  # site -> its document bodies without a dictionary
        self._untrainable: set[str] = set()  # sites whose pages could not train one (this run)

    def dictionary(self, db, site_id: str) -> tuple[int, bytes] | None:
        if site_id not in self._dictionaries:
            row = db.execute(
                "SELECT id, data FROM body_dictionaries WHERE site_id = ? ORDER BY id DESC LIMIT 1",
                [site_id],
            ).fetchone()
            self._dictionaries[site_id] = (row[0], row[1]) if row else None
        return self._dictionaries[site_id]

    def store(self, db, site_id: str, kind: str, body: bytes | None) -> str | None:
        """Store a body (once per content) and return its SHA-256; None when there is none."""
        if body is None:
            return None
        sha = hashlib.sha256(body).hexdigest()
        if db.execute("SELECT 1 FROM bodies WHERE sha256 = ?", [sha]).fetchone():
            return sha
        known = self.dictionary(db, site_id) if kind in DICTIONARY_KINDS else None
        codec, data = compress(body, known[1] if known else None)
        dictionary_id = known[0] if known and codec == "zstd" else None
        db.execute(
            "INSERT INTO bodies (sha256, size, codec, data, dictionary_id) VALUES (?, ?, ?, ?, ?)",
            [sha, len(body), codec, data, dictionary_id],
        )
        if kind == "document" and known is None and codec == "zstd":
            if site_id not in self._untrained:  # this body's fetch row is not written yet
                sql = _SITE_BODIES.format(kinds="'document'")
                count = db.execute(f"SELECT count(*) FROM ({sql})", [site_id]).fetchone()[0]
                self._untrained[site_id] = count
            self._untrained[site_id] += 1
        return sha

    def train_if_due(self, db, site_id: str) -> None:
        """Once a site has TRAIN_SAMPLES document bodies and no dictionary (called after their
        fetch rows are written): train one on them and recompress the site's pages with it."""
        if (
            self._untrained.get(site_id, 0) < TRAIN_SAMPLES
            or site_id in self._untrainable
            or self.dictionary(db, site_id) is not None
        ):
            return
        samples = db.execute(_SITE_BODIES.format(kinds="'document'"), [site_id]).fetchall()
        data = train([decompress(codec, blob) for _, codec, blob in samples])
        if data is None:
            self._untrainable.add(site_id)
            return
        dictionary_id = db.execute(
            "INSERT INTO body_dictionaries (site_id, created_at, samples, data) VALUES (?, ?, ?, ?)",
            [site_id, _utcnow(), len(samples), data],
        ).lastrowid
        self._dictionaries[site_id] = (dictionary_id, data)
        self._untrained[site_id] = 0
        kinds = ", ".join(f"'{k}'" for k in DICTIONARY_KINDS)
        for sha, codec, blob in db.execute(_SITE_BODIES.format(kinds=kinds), [site_id]).fetchall():
            new_codec, new_data = compress(decompress(codec, blob), data)
            if new_codec == "zstd" and len(new_data) < len(blob):
                # a new row at the table's end (REPLACE deletes the old one), not an UPDATE in
                # place: shrunk rows would leave their pages half empty (44% of the table's bytes
                # on a 300-page site), emptied pages go to the free list and are used again
                db.execute(
                    """INSERT OR REPLACE INTO bodies (sha256, size, codec, data, dictionary_id)
                       SELECT sha256, size, 'zstd', ?, ? FROM bodies WHERE sha256 = ?""",
                    [new_data, dictionary_id, sha],
                )
