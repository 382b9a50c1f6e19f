"""Every schema migration of the archive, in order: m<NNN>_<what>, never edited once released.

The database is a public interface (docs/schema.md documents every table and column). Later
changes are new migrations appended here; tests/test_archive.py upgrades a database made by
every earlier version. archive/schema.py opens a file and applies them.
"""

from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from archive.bigrams import TOKENIZE
from archive.search import reindex_document

migrations = Migrations("zwgk")
MIGRATION_NAMES: list[str] = []  # in order; SCHEMA_VERSION is their count


def migration(fn):
    """Register a schema migration; names are m<NNN>_<what> and never change once released."""
    MIGRATION_NAMES.append(fn.__name__)
    return migrations()(fn)


@migration
def m001_initial(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE sites (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            adcode TEXT NOT NULL,
            start_urls TEXT NOT NULL,        -- JSON list
            allowed_domains TEXT NOT NULL,   -- JSON list
            seed_source TEXT,
            first_seen TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            site_id TEXT NOT NULL REFERENCES sites(id),
            trigger TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            outcome TEXT NOT NULL DEFAULT 'running',
            finish_reason TEXT,
            pages_fetched INTEGER NOT NULL DEFAULT 0,
            documents_new INTEGER NOT NULL DEFAULT 0,
            documents_changed INTEGER NOT NULL DEFAULT 0,
            documents_unchanged INTEGER NOT NULL DEFAULT 0,
            fetches_failed INTEGER NOT NULL DEFAULT 0,
            fetches_blocked INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            zwgk_version TEXT NOT NULL
        );
        CREATE INDEX runs_site ON runs(site_id, started_at);
        CREATE TABLE bodies (
            sha256 TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            codec TEXT NOT NULL,
            data BLOB NOT NULL
        );
        CREATE TABLE fetches (
            id INTEGER PRIMARY KEY,
            run_id INTEGER REFERENCES runs(id),
            site_id TEXT NOT NULL REFERENCES sites(id),
            url TEXT NOT NULL,
            requested_url TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            method TEXT NOT NULL DEFAULT 'GET',
            status INTEGER,
            kind TEXT NOT NULL,
            headers TEXT,                    -- JSON object of response headers
            content_type TEXT,
            encoding TEXT,
            body_sha256 TEXT REFERENCES bodies(sha256),
            body_size INTEGER,
            text_hash TEXT REFERENCES texts(hash),
            error TEXT
        );
        CREATE INDEX fetches_url ON fetches(url, fetched_at);
        CREATE INDEX fetches_run ON fetches(run_id);
        CREATE TABLE texts (
            hash TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            text_norm TEXT NOT NULL,
            traditional INTEGER NOT NULL,
            chars INTEGER NOT NULL,
            first_seen TEXT NOT NULL
        );
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            site_id TEXT NOT NULL REFERENCES sites(id),
            status TEXT NOT NULL DEFAULT 'live',
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            last_fetch_id INTEGER REFERENCES fetches(id),
            current_version_id INTEGER REFERENCES versions(id),
            version_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX documents_site ON documents(site_id);
        CREATE TABLE versions (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id),
            version_no INTEGER NOT NULL,
            fetch_id INTEGER NOT NULL REFERENCES fetches(id),
            run_id INTEGER REFERENCES runs(id),
            created_at TEXT NOT NULL,
            text_hash TEXT NOT NULL REFERENCES texts(hash),
            title TEXT,
            publish_date TEXT,
            publish_date_raw TEXT,
            publisher TEXT,
            index_no TEXT,
            doc_no TEXT,
            category TEXT,
            written_date TEXT,
            validity TEXT,
            source TEXT,
            metadata TEXT,                   -- JSON: every raw label/value found on the page
            attachments TEXT,                -- JSON list of {"url","name"}
            extractor_version TEXT NOT NULL,
            UNIQUE (document_id, version_no)
        );
        CREATE INDEX versions_text ON versions(text_hash);
        CREATE TRIGGER versions_append_only_u BEFORE UPDATE ON versions
            BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END;
        CREATE TRIGGER versions_append_only_d BEFORE DELETE ON versions
            BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END;
        CREATE TRIGGER texts_immutable BEFORE UPDATE ON texts
            BEGIN SELECT RAISE(ABORT, 'texts are immutable'); END;
        CREATE VIEW text_urls AS
            SELECT DISTINCT v.text_hash, d.url, d.site_id
            FROM versions v JOIN documents d ON d.id = v.document_id;
        """
    )


@migration
def m002_catalogue_and_attachments(db: sqlite_utils.Database) -> None:
    """The 政务公开 catalogue tree (columns, and which column listed which URL) and attachments
    with their extracted text, linked to the document version that linked them."""
    db.executescript(
        """
        CREATE TABLE columns (
            id INTEGER PRIMARY KEY,
            site_id TEXT NOT NULL REFERENCES sites(id),
            url TEXT NOT NULL,
            name TEXT,
            parent_id INTEGER REFERENCES columns(id),
            cms TEXT,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            UNIQUE (site_id, url)
        );
        CREATE TABLE listings (
            column_id INTEGER NOT NULL REFERENCES columns(id),
            url TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            last_fetch_id INTEGER REFERENCES fetches(id),
            PRIMARY KEY (column_id, url)
        );
        CREATE INDEX listings_url ON listings(url);
        CREATE TABLE attachments (
            sha256 TEXT PRIMARY KEY REFERENCES bodies(sha256),
            size INTEGER NOT NULL,
            content_type TEXT,
            kind TEXT NOT NULL,
            text TEXT NOT NULL,
            note TEXT,
            extracted_at TEXT NOT NULL
        );
        CREATE TABLE version_attachments (
            id INTEGER PRIMARY KEY,
            version_id INTEGER NOT NULL REFERENCES versions(id),
            url TEXT NOT NULL,
            name TEXT,
            sha256 TEXT NOT NULL REFERENCES attachments(sha256),
            fetch_id INTEGER NOT NULL REFERENCES fetches(id),
            first_seen TEXT NOT NULL,
            UNIQUE (version_id, url, sha256)
        );
        CREATE INDEX version_attachments_sha ON version_attachments(sha256);
        """
    )


@migration
def m003_history(db: sqlite_utils.Database) -> None:
    """History made first-class: what changed in each version, document events (new, changed,
    deleted, unlisted, restored) with their evidence, and incremental-run counters."""
    db.executescript(
        """
        ALTER TABLE versions ADD COLUMN change TEXT;
        ALTER TABLE runs ADD COLUMN full_walk INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE runs ADD COLUMN documents_deleted INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN documents_restored INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN not_modified INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id),
            run_id INTEGER REFERENCES runs(id),
            fetch_id INTEGER REFERENCES fetches(id),
            at TEXT NOT NULL,
            event TEXT NOT NULL,
            reason TEXT,
            evidence TEXT
        );
        CREATE INDEX events_at ON events(at);
        CREATE INDEX events_document ON events(document_id, at);
        CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_append_only_d BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        INSERT INTO events (document_id, run_id, fetch_id, at, event, reason, evidence)
            SELECT document_id, run_id, fetch_id, created_at,
                   CASE WHEN version_no = 1 THEN 'new' ELSE 'changed' END, 'text', '{}'
            FROM versions ORDER BY id;
        """
    )


@migration
def m004_run_processes(db: sqlite_utils.Database) -> None:
    """Runs remember their process (so a killed crawl's run can be closed as `killed`) and the
    run a `--resume` continued."""
    db.executescript(
        """
        ALTER TABLE runs ADD COLUMN pid INTEGER;
        ALTER TABLE runs ADD COLUMN resumed_from INTEGER REFERENCES runs(id);
        """
    )


@migration
def m005_search_and_views(db: sqlite_utils.Database) -> None:
    """Chinese full-text search (FTS5 trigram over the simplified title, text and attachment
    text of each document's current version) and stable views for readers."""
    db.executescript(
        """
        ALTER TABLE versions ADD COLUMN title_norm TEXT;
        CREATE VIRTUAL TABLE search_index USING fts5(title, body, attachments, tokenize = 'trigram');
        CREATE VIEW latest_documents AS
            SELECT d.id AS document_id, d.url, d.site_id, s.name AS site_name, d.status, d.first_seen, d.last_seen,
                   d.version_count, v.version_no, v.created_at AS version_created_at, v.title, v.publish_date,
                   v.publisher, v.index_no, v.doc_no, v.category, v.written_date, v.validity, v.source,
                   v.attachments, t.text, t.text_norm, t.chars
            FROM documents d JOIN sites s ON s.id = d.site_id
            JOIN versions v ON v.id = d.current_version_id JOIN texts t ON t.hash = v.text_hash;
        CREATE VIEW document_history AS
            SELECT d.url, d.site_id, v.version_no, v.created_at, v.change, v.title, v.publish_date,
                   v.publisher, v.index_no, v.doc_no, v.extractor_version, t.chars, t.text, f.fetched_at AS captured_at
            FROM versions v JOIN documents d ON d.id = v.document_id JOIN texts t ON t.hash = v.text_hash
            JOIN fetches f ON f.id = v.fetch_id;
        CREATE VIEW deleted_documents AS
            SELECT d.url, d.site_id, d.status, e.at AS deleted_at, e.reason, e.evidence, v.title, v.publish_date
            FROM documents d
            JOIN events e ON e.id = (SELECT max(id) FROM events WHERE document_id = d.id
                                     AND event IN ('deleted', 'unlisted'))
            LEFT JOIN versions v ON v.id = d.current_version_id
            WHERE d.status IN ('deleted', 'unlisted');
        CREATE VIEW attachments_text AS
            SELECT d.url AS document_url, d.site_id, va.url, va.name, a.kind, a.size, a.text, a.note, v.version_no
            FROM version_attachments va JOIN attachments a ON a.sha256 = va.sha256
            JOIN versions v ON v.id = va.version_id JOIN documents d ON d.id = v.document_id;
        """
    )
    _m005_index(db)


def _m005_index(db: sqlite_utils.Database) -> None:
    """m005's trigram index of every document, as it was released (m007 replaces it)."""
    db.execute(
        """INSERT INTO search_index (rowid, title, body, attachments)
           SELECT d.id, coalesce(coalesce(v.title_norm, v.title), ''), t.text_norm,
                  coalesce((SELECT group_concat(text, char(10)) FROM (
                      SELECT DISTINCT a.text FROM version_attachments va
                      JOIN attachments a ON a.sha256 = va.sha256 JOIN versions av ON av.id = va.version_id
                      WHERE av.document_id = d.id AND a.text != '')), '')
           FROM documents d JOIN versions v ON v.id = d.current_version_id
           JOIN texts t ON t.hash = v.text_hash"""
    )


@migration
def m006_near_duplicates(db: sqlite_utils.Database) -> None:
    """Near-duplicate clusters (archive/clusters.py): MinHash signatures, their persisted LSH
    bands, clusters of texts and their members with the similarity that made them join."""
    db.executescript(
        """
        CREATE TABLE minhash_scheme (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            scheme TEXT NOT NULL,            -- how signatures were made (crawler/text/dedup.py SCHEME)
            since TEXT NOT NULL
        );
        CREATE TABLE minhash_signatures (
            id INTEGER PRIMARY KEY,          -- compact reference for minhash_bands
            text_hash TEXT NOT NULL UNIQUE REFERENCES texts(hash),
            signature BLOB NOT NULL          -- little-endian uint32 MinHash values
        );
        CREATE TABLE minhash_bands (
            band INTEGER NOT NULL,
            key INTEGER NOT NULL,            -- 64-bit hash of the band's rows
            signature_id INTEGER NOT NULL REFERENCES minhash_signatures(id),
            PRIMARY KEY (band, key, signature_id)
        ) WITHOUT ROWID;
        CREATE TABLE clusters (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            representative TEXT NOT NULL REFERENCES texts(hash),  -- the earliest text
            size INTEGER NOT NULL            -- number of member texts
        );
        CREATE TABLE cluster_members (
            text_hash TEXT PRIMARY KEY REFERENCES texts(hash),
            cluster_id INTEGER NOT NULL REFERENCES clusters(id),
            similarity REAL,                 -- estimated Jaccard with `matched`; NULL for the representative
            matched TEXT REFERENCES texts(hash),  -- the member it was found similar to
            joined_at TEXT NOT NULL
        );
        CREATE INDEX cluster_members_cluster ON cluster_members(cluster_id);
        """
    )


@migration
def m007_compact_storage(db: sqlite_utils.Database) -> None:
    """Each text stored once: `texts.text_norm` is NULL where it equals `text`; the search index
    becomes a contentless FTS5 table of character bigrams (no copy of any text) ordered by date,
    with `search_rows` saying what each row indexes; bodies are compressed with zstd and per-site
    dictionaries (`body_dictionaries`); views read `coalesce(text_norm, text)`.

    Needs foreign keys off (archive/schema.py applies migrations so): `texts` is rebuilt to
    drop its NOT NULL, by SQLite's create-copy-drop-rename procedure."""
    db.executescript(
        """
        DROP VIEW latest_documents;
        DROP VIEW document_history;
        CREATE TABLE texts_new (
            hash TEXT PRIMARY KEY,
            text TEXT NOT NULL,
            text_norm TEXT,                  -- NULL: the same as text
            traditional INTEGER NOT NULL,
            chars INTEGER NOT NULL,
            first_seen TEXT NOT NULL
        );
        INSERT INTO texts_new (rowid, hash, text, text_norm, traditional, chars, first_seen)
            SELECT rowid, hash, text, nullif(text_norm, text), traditional, chars, first_seen FROM texts;
        DROP TABLE texts;
        ALTER TABLE texts_new RENAME TO texts;
        CREATE TRIGGER texts_immutable BEFORE UPDATE ON texts
            BEGIN SELECT RAISE(ABORT, 'texts are immutable'); END;
        DROP TABLE search_index;
        CREATE TABLE search_rows (
            id INTEGER PRIMARY KEY,          -- the search_index rowid: day * 4096 + n
            document_id INTEGER NOT NULL UNIQUE REFERENCES documents(id),
            version_id INTEGER NOT NULL REFERENCES versions(id),
            attachments TEXT NOT NULL        -- JSON list of the attachments.sha256 indexed, in order
        );
        CREATE TABLE body_dictionaries (
            id INTEGER PRIMARY KEY,
            site_id TEXT NOT NULL REFERENCES sites(id),
            created_at TEXT NOT NULL,
            samples INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        ALTER TABLE bodies ADD COLUMN dictionary_id INTEGER REFERENCES body_dictionaries(id);
        """
    )
    db.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5(title, body, attachments, content = '', "
        f'tokenize = "{TOKENIZE}", detail = none)'
    )
    db.executescript(
        """
        CREATE VIEW latest_documents AS
            SELECT d.id AS document_id, d.url, d.site_id, s.name AS site_name, d.status, d.first_seen, d.last_seen,
                   d.version_count, v.version_no, v.created_at AS version_created_at, v.title, v.publish_date,
                   v.publisher, v.index_no, v.doc_no, v.category, v.written_date, v.validity, v.source,
                   v.attachments, t.text, coalesce(t.text_norm, t.text) AS text_norm, t.chars
            FROM documents d JOIN sites s ON s.id = d.site_id
            JOIN versions v ON v.id = d.current_version_id JOIN texts t ON t.hash = v.text_hash;
        CREATE VIEW document_history AS
            SELECT d.url, d.site_id, v.version_no, v.created_at, v.change, v.title, v.publish_date,
                   v.publisher, v.index_no, v.doc_no, v.extractor_version, t.chars, t.text, f.fetched_at AS captured_at
            FROM versions v JOIN documents d ON d.id = v.document_id JOIN texts t ON t.hash = v.text_hash
            JOIN fetches f ON f.id = v.fetch_id;
        """
    )
    for (document_id,) in db.execute("SELECT id FROM documents ORDER BY id").fetchall():
        reindex_document(db, document_id)


@migration
def m008_coverage(db: sqlite_utils.Database) -> None:
    """What each run could see of each column (items announced, listed, archived, and why a
    column may be incomplete), and the 政务公开 entry a crawl found on a portal's home page."""
    db.executescript(
        """
        CREATE TABLE column_coverage (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            column_id INTEGER NOT NULL REFERENCES columns(id),
            pages INTEGER NOT NULL,          -- list pages, API answers and rendered pages read
            rendered INTEGER NOT NULL,       -- of those, pages rendered in a browser
            announced INTEGER,               -- items the column's lists announced; NULL if unsaid
            listed INTEGER NOT NULL,         -- distinct items its lists carried in the run
            archived INTEGER NOT NULL,       -- of those, documents the archive holds
            flag TEXT,                       -- why the column may be incomplete
            PRIMARY KEY (run_id, column_id)
        );
        CREATE TABLE section_detections (
            id INTEGER PRIMARY KEY,
            site_id TEXT NOT NULL REFERENCES sites(id),
            run_id INTEGER REFERENCES runs(id),
            detected_at TEXT NOT NULL,
            home_url TEXT NOT NULL,
            entry_url TEXT,                  -- NULL when no entry was found
            reason TEXT NOT NULL,            -- why this entry, or why none
            cms TEXT,
            section_prefixes TEXT,           -- JSON list of the folders the crawl stays inside
            crawled INTEGER NOT NULL         -- 1 when the entry is on the allowed domains and was walked
        );
        CREATE INDEX section_detections_site ON section_detections(site_id, detected_at);
        """
    )


@migration
def m009_replayable_captures(db: sqlite_utils.Database) -> None:
    """What a WARC replay needs: the URL as fetched, the request headers as sent, and every
    redirect hop (its request, status, Location and headers)."""
    db.executescript(
        """
        ALTER TABLE fetches ADD COLUMN fetched_url TEXT;
        ALTER TABLE fetches ADD COLUMN request_headers TEXT;
        CREATE TABLE redirects (
            id INTEGER PRIMARY KEY,
            fetch_id INTEGER NOT NULL REFERENCES fetches(id),
            hop INTEGER NOT NULL,            -- 0: the first request
            url TEXT NOT NULL,               -- the URL requested at this hop, as fetched
            status INTEGER NOT NULL,
            location TEXT,                   -- the Location header as the server sent it
            request_headers TEXT,            -- JSON, as sent
            response_headers TEXT,           -- JSON
            fetched_at TEXT NOT NULL,
            UNIQUE (fetch_id, hop)
        );
        """
    )


@migration
def m010_ingested_shards(db: sqlite_utils.Database) -> None:
    """Run shards merged from fleet workers (crawler/fleet/ingest.py): one row per shard id, so
    that a shard delivered or ingested twice is merged once."""
    db.executescript(
        """
        CREATE TABLE ingested_shards (
            shard_id TEXT PRIMARY KEY,       -- the job id the shard was crawled for
            site_id TEXT NOT NULL,           -- its site (a crawl that died at once opened none)
            run_id INTEGER REFERENCES runs(id),
            worker TEXT,                     -- the worker that crawled it
            enqueued_at TEXT,
            crawled_at TEXT,                 -- when the worker's crawl ended
            ingested_at TEXT NOT NULL,
            entries INTEGER NOT NULL         -- journal entries replayed
        );
        CREATE INDEX ingested_shards_site ON ingested_shards(site_id, ingested_at);
        """
    )
