"""Near-duplicate clusters: the same document republished with small edits, across sites.

Texts are stored once by hash, so clusters are of texts: a document's cluster is the cluster
of its current version's text. The crawler signs a new text (crawler/text/dedup.py: a MinHash
signature and its LSH band keys); `assign_cluster` runs inside the writer's transaction:
it finds candidates through the persisted band table (`minhash_bands`, so lookups stay fast
at millions of texts and survive restarts), keeps those whose estimated Jaccard reaches the
threshold, and joins the best one's cluster (or forms a new cluster of two). Clusters never
merge: a text joins one cluster, once. Texts too short to sign are never clustered.

This module imports only the standard library at run time (archive.read may use it).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from archive.exceptions import ArchiveError

if TYPE_CHECKING:
    import sqlite3

    import sqlite_utils

    Db = sqlite_utils.Database | sqlite3.Connection

MAX_CANDIDATES = 50  # verified per new text, those sharing the most bands first


def _conn(db: Db) -> sqlite3.Connection:
    return getattr(db, "conn", db)  # a sqlite_utils.Database or a sqlite3.Connection


def check_scheme(db: Db, scheme: str, now: str) -> None:
    """Record the signature scheme on first use; refuse to mix signatures of another one."""
    db = _conn(db)
    row = db.execute("SELECT scheme FROM minhash_scheme WHERE id = 1").fetchone()
    if row is None:
        db.execute("INSERT INTO minhash_scheme (id, scheme, since) VALUES (1, ?, ?)", [scheme, now])
    elif row[0] != scheme:
        raise ArchiveError(
            f"the archive's near-duplicate signatures were made as {row[0]!r}, this zwgk makes "
            f"{scheme!r}: install the zwgk version that matches, or rebuild the signatures"
        )


def pack(signature: bytes | Sequence[int]) -> bytes:
    """A signature as stored (`minhash_signatures.signature`): little-endian uint32 values
    (bytes pass through). The one definition; crawler/text/dedup.py signs with it."""
    if isinstance(signature, bytes | bytearray | memoryview):
        return bytes(signature)
    return struct.pack(f"<{len(signature)}I", *signature)


def similarity(a: bytes | Sequence[int], b: bytes | Sequence[int]) -> float:
    """Estimated Jaccard of two signatures (packed or as values): the share of equal values."""
    a, b = pack(a), pack(b)
    if len(a) != len(b) or not a:
        raise ValueError("near-duplicate signatures of different lengths cannot be compared")
    va, vb = memoryview(a).cast("I"), memoryview(b).cast("I")  # equality ignores byte order
    return sum(x == y for x, y in zip(va, vb, strict=True)) / len(va)


def assign_cluster(
    db: Db,
    text_hash: str,
    signature: bytes | Sequence[int],
    band_keys: Sequence[int],
    threshold: float,
    now: str,
) -> tuple[int | None, float | None]:
    """Sign a new text and put it in a cluster: (cluster id, similarity) or (None, None).

    Runs inside the writer's open transaction, after the text row is stored. A text signed
    before is a no-op returning its recorded membership."""
    db = _conn(db)
    row = db.execute(
        """SELECT m.cluster_id, m.similarity FROM minhash_signatures s
           LEFT JOIN cluster_members m ON m.text_hash = s.text_hash WHERE s.text_hash = ?""",
        [text_hash],
    ).fetchone()
    if row is not None:
        return row[0], row[1]
    sig = pack(signature)
    best_hash, best_sim = _best_candidate(db, sig, band_keys)
    signature_id = db.execute(
        "INSERT INTO minhash_signatures (text_hash, signature) VALUES (?, ?)", [text_hash, sig]
    ).lastrowid
    db.executemany(
        "INSERT OR IGNORE INTO minhash_bands (band, key, signature_id) VALUES (?, ?, ?)",
        [(band, key, signature_id) for band, key in enumerate(band_keys)],
    )
    if best_hash is None or best_sim < threshold:
        return None, None
    found = db.execute(
        "SELECT cluster_id FROM cluster_members WHERE text_hash = ?", [best_hash]
    ).fetchone()
    if found is None:
        cluster_id = db.execute(
            "INSERT INTO clusters (created_at, representative, size) VALUES (?, ?, 1)",
            [now, best_hash],
        ).lastrowid
        db.execute(
            """INSERT INTO cluster_members (text_hash, cluster_id, similarity, matched, joined_at)
               VALUES (?, ?, NULL, NULL, ?)""",
            [best_hash, cluster_id, now],
        )
    else:
        cluster_id = found[0]
    db.execute(
        """INSERT INTO cluster_members (text_hash, cluster_id, similarity, matched, joined_at)
           VALUES (?, ?, ?, ?, ?)""",
        [text_hash, cluster_id, best_sim, best_hash, now],
    )
    db.execute("UPDATE clusters SET size = size + 1 WHERE id = ?", [cluster_id])
    return cluster_id, best_sim


def _best_candidate(
    db: sqlite3.Connection, sig: bytes, band_keys: Sequence[int]
) -> tuple[str | None, float | None]:
    """The most similar signed text sharing a band bucket (those sharing most bands first)."""
    if not band_keys:
        return None, None
    values = ", ".join("(?, ?)" for _ in band_keys)
    params = [v for band, key in enumerate(band_keys) for v in (band, key)]
    rows = db.execute(
        f"""WITH probe(band, key) AS (VALUES {values})
            SELECT s.text_hash, s.signature FROM (
                SELECT b.signature_id, count(*) AS shared FROM probe
                JOIN minhash_bands b ON b.band = probe.band AND b.key = probe.key
                GROUP BY b.signature_id ORDER BY shared DESC, b.signature_id LIMIT ?
            ) c JOIN minhash_signatures s ON s.id = c.signature_id""",
        [*params, MAX_CANDIDATES],
    ).fetchall()
    best: tuple[str | None, float | None] = (None, None)
    for text_hash, other in rows:
        sim = similarity(sig, other)
        if best[1] is None or sim > best[1]:
            best = (text_hash, sim)
    return best


_MEMBERS_SQL = """
    SELECT c.id AS cluster_id, c.created_at, c.representative, c.size,
           m.text_hash, m.similarity, m.matched, m.joined_at,
           d.site_id, d.url, min(v.created_at) AS first_seen,
           coalesce(max(v.id = d.current_version_id), 0) AS current
    FROM clusters c
    JOIN cluster_members m ON m.cluster_id = c.id
    LEFT JOIN versions v ON v.text_hash = m.text_hash
    LEFT JOIN documents d ON d.id = v.document_id
    WHERE {where}
    GROUP BY c.id, m.text_hash, d.id
    ORDER BY c.id, m.joined_at, m.similarity IS NOT NULL, first_seen, d.url
"""


def _clusters(db: Db, where: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cur = _conn(db).execute(_MEMBERS_SQL.format(where=where), list(params))
    names = [col[0] for col in cur.description]
    out: list[dict[str, Any]] = []
    for values in cur.fetchall():
        row = dict(zip(names, values, strict=True))
        if not out or out[-1]["id"] != row["cluster_id"]:
            out.append(
                {
                    "id": row["cluster_id"],
                    "created_at": row["created_at"],
                    "representative": row["representative"],
                    "size": row["size"],
                    "members": [],
                }
            )
        out[-1]["members"].append(
            {
                "text_hash": row["text_hash"],
                "similarity": row["similarity"],
                "matched": row["matched"],
                "joined_at": row["joined_at"],
                "site_id": row["site_id"],
                "url": row["url"],
                "first_seen": row["first_seen"],
                "current": bool(row["current"]),
            }
        )
    return out


def clusters_of_site(db: Db, site_id: str | None = None) -> list[dict[str, Any]]:
    """Clusters with their members, one member row per (text, URL that served it).

    With `site_id`, the clusters having a member served by that site, with all their members
    (the copies on other sites are the point). Each cluster is a dict: id, created_at,
    representative (text hash), size (texts), members: text_hash, similarity (estimated
    Jaccard with `matched`, None for the representative), matched, joined_at, site_id, url,
    first_seen (when that URL first served the text), current (it is the URL's current text).
    """
    if site_id is None:
        return _clusters(db, "1", [])
    return _clusters(
        db,
        """c.id IN (SELECT m2.cluster_id FROM cluster_members m2
                    JOIN versions v2 ON v2.text_hash = m2.text_hash
                    JOIN documents d2 ON d2.id = v2.document_id WHERE d2.site_id = ?)""",
        [site_id],
    )


def cluster_of_document(db: Db, url: str) -> dict[str, Any] | None:
    """The cluster of a document's current text (shaped as in `clusters_of_site`), or None."""
    found = _clusters(
        db,
        """c.id = (SELECT m2.cluster_id FROM documents d2
                   JOIN versions v2 ON v2.id = d2.current_version_id
                   JOIN cluster_members m2 ON m2.text_hash = v2.text_hash WHERE d2.url = ?)""",
        [url],
    )
    return found[0] if found else None
