"""Chinese full-text search, reads during a crawl, and schema upgrades from every version."""

from __future__ import annotations

import sqlite3
import subprocess

import pytest
from crawl_helpers import crawl, crawl_command, write_sample_seed, zwgk

from archive import read
from archive.migrations import MIGRATION_NAMES, migrations
from archive.schema import SCHEMA_VERSION, connect
from crawler.sample_portal import expected_documents
from crawler.text.normalise import Normaliser


@pytest.fixture(scope="module")
def archive_of_sample(tmp_path_factory, make_portal_server):
    server = make_portal_server(revision=1)
    tmp = tmp_path_factory.mktemp("search")
    seeds = write_sample_seed(tmp / "seeds", server.url)
    db = tmp / "archive.db"
    crawl(seeds, db)
    return server, db


def documents_containing(server_url: str, word: str) -> set[str]:
    normaliser = Normaliser()
    found = set()
    for doc in expected_documents(1):
        text = normaliser.normalise("\n".join(doc.paragraphs), doc.title)
        title = text.title_norm or doc.title
        if word in text.text_norm.replace("\n", "") or word in title:
            found.add(server_url + doc.path)
    return found


@pytest.mark.parametrize("query", ["乡村振兴", "低保", "安全生产专项整治", "扫黑除恶"])
def test_search_finds_exactly_the_documents_that_contain_the_words(archive_of_sample, query):
    server, db = archive_of_sample
    expected = documents_containing(server.url, query)
    assert expected, f"the fixture should contain {query}"
    with read.open_archive(db) as arc:
        hits = arc.search_documents(query, limit=100)
    assert {h.url for h in hits} == expected
    assert all(
        f"[{query}" in h.snippet or f"{query}]" in h.snippet or query in h.snippet for h in hits
    )


def test_a_traditional_query_is_normalised(archive_of_sample):
    server, db = archive_of_sample
    done = zwgk("search", "鄉村振興", "--db", str(db), "--limit", "100")
    assert done.returncode == 0
    urls = {line.split()[-1] for line in done.stdout.splitlines() if line.startswith("20")}
    assert urls == documents_containing(server.url, "乡村振兴")
    assert "鄉村振興 → 乡村振兴" in done.stdout
    # the traditional page's own title is found in simplified form
    trad = next(d for d in expected_documents(1) if d.traditional)
    with read.open_archive(db) as arc:
        assert server.url + trad.path in {h.url for h in arc.search_documents("铁丝塘镇")}


def test_search_filters_by_site_and_date(archive_of_sample):
    _, db = archive_of_sample
    with read.open_archive(db) as arc:
        everything = arc.search_documents("工作", limit=100)
        recent = arc.search_documents("工作", since="2024-01-01", limit=100)
        assert recent and len(recent) < len(everything)
        assert all(h.publish_date >= "2024-01-01" for h in recent)
        assert arc.search_documents("工作", site_id="nope") == []


def test_views_answer(archive_of_sample):
    _, db = archive_of_sample
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert conn.execute("SELECT count(*) FROM latest_documents").fetchone()[0] == len(
        expected_documents(1)
    )
    assert conn.execute("SELECT count(*) FROM document_history").fetchone()[0] == len(
        expected_documents(1)
    )
    assert conn.execute("SELECT count(*) FROM deleted_documents").fetchone()[0] == 0
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_reads_during_a_crawl_never_fail_or_see_half_written_versions(tmp_path, make_portal_server):
    server = make_portal_server(portal="synthetic", docs=400)
    seeds = write_sample_seed(tmp_path / "seeds", server.url, max_pages=5000)
    db = tmp_path / "archive.db"
    crawl(seeds, db)  # a first crawl, so the reader has an archive to open
    server.set_revision(2)
    proc = subprocess.Popen(
        crawl_command(seeds, db, "--full"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    reads = 0
    try:
        while proc.poll() is None or reads < 3:
            with read.open_archive(db) as arc, arc.snapshot():
                docs = arc.documents()
                for doc in docs[:: max(1, len(docs) // 20)]:
                    history = arc.history(doc.url)
                    assert (
                        len(history) == doc.version_count and history[-1].text
                    )  # never half-written
                arc.search_documents("工作动态", limit=5)
            reads += 1
    finally:
        proc.wait(timeout=300)
    assert proc.returncode == 0 and reads >= 3


def v1_archive(path):
    """An archive written by schema version 1 (before any later migration), with one document."""
    db = connect_at(path, MIGRATION_NAMES[1])
    db.executescript(
        """
        INSERT INTO sites VALUES ('s', '方城县', '411322', '[]', '[]', '', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z');
        INSERT INTO runs (id, site_id, trigger, started_at, outcome, zwgk_version) VALUES (1, 's', 'manual', '2024-01-01T00:00:00.000Z', 'finished', '0.1');
        INSERT INTO bodies VALUES ('b1', 24, 'zlib', X'789c011800e7ffe4b9a1e69d91e68cafe585b4e5b7a5e4bd9ce68aa5e5918ada4f1125');
        INSERT INTO fetches (id, run_id, site_id, url, requested_url, fetched_at, status, kind, body_sha256) VALUES (1, 1, 's', 'http://h/a', 'http://h/a', '2024-01-01T00:00:00.000Z', 200, 'document', 'b1');
        INSERT INTO texts VALUES ('h1', '乡村振兴工作报告正文', '乡村振兴工作报告正文', 0, 10, '2024-01-01T00:00:00.000Z');
        INSERT INTO texts VALUES ('h2', '鄉村振興', '乡村振兴', 1, 4, '2024-01-01T00:00:00.000Z');
        INSERT INTO documents (id, url, site_id, first_seen, last_seen, last_fetch_id) VALUES (1, 'http://h/a', 's', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', 1);
        INSERT INTO versions (id, document_id, version_no, fetch_id, run_id, created_at, text_hash, title, extractor_version) VALUES (1, 1, 1, 1, 1, '2024-01-01T00:00:00.000Z', 'h1', '报告', 'x');
        UPDATE documents SET current_version_id = 1, version_count = 1;
        """
    )
    db.close()


def connect_at(path, stop_before: str):
    import sqlite_utils

    db = sqlite_utils.Database(str(path))
    migrations.apply(db, stop_before=stop_before)
    return db


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_upgrade_from_every_earlier_schema_version(tmp_path, version):
    path = tmp_path / "old.db"
    if version == 1:
        v1_archive(path)
    else:
        v1_archive(path)
        connect_at(path, MIGRATION_NAMES[version]).close()  # stop at `version`
    applied = [m.name for m in migrations.applied(connect_at(path, MIGRATION_NAMES[version]))]
    assert applied == MIGRATION_NAMES[:version]
    db = connect(path)  # what any zwgk command does
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [m.name for m in migrations.applied(db)] == MIGRATION_NAMES
    assert db.execute("SELECT event FROM events").fetchall() == [("new",)]
    # each text once: text_norm only where it differs
    assert db.execute("SELECT hash, text_norm FROM texts ORDER BY hash").fetchall() == [
        ("h1", None),
        ("h2", "乡村振兴"),
    ]
    db.close()
    with read.open_archive(path) as arc:
        assert arc.history("http://h/a")[0].text == "乡村振兴工作报告正文"
        assert arc.history("http://h/a")[0].text_norm == "乡村振兴工作报告正文"
        for query in ("振兴工", "乡村", "报", "报告正文"):  # reindexed: every length answers
            assert arc.search(query) == ["http://h/a"], query
        assert arc.search("不在") == []
        assert arc.raw_body(1) == "乡村振兴工作报告".encode()  # bodies stored as zlib still read
        latest = arc.conn.execute("SELECT text, text_norm FROM latest_documents").fetchone()
        assert tuple(latest) == ("乡村振兴工作报告正文", "乡村振兴工作报告正文")


def test_read_api_filters_documents(archive_of_sample):
    _, db = archive_of_sample
    with read.open_archive(db) as arc:
        everything = arc.documents(site_id="sample")
        in_2024 = arc.documents(published_from="2024-01-01", published_to="2024-12-31")
        assert in_2024 and len(in_2024) < len(everything)
        assert all("2024-01-01" <= d.publish_date <= "2024-12-31" for d in in_2024)
        assert len(arc.documents(changed_since="2000-01-01")) == len(everything)
        assert arc.documents(changed_since="2999-01-01") == []
        assert arc.documents(status="deleted") == []
