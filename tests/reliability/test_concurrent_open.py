"""Case 5: crawls started at once on a new archive (`zwgk schedule`'s first night). Migrations
apply inside one BEGIN IMMEDIATE, decided again once the lock is held; a busy or locked
database is reported as busy, never as "not a usable archive"."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

import pytest
from crawl_helpers import crawl_command, write_sample_seed

from archive import schema
from archive.exceptions import ArchiveBusy
from archive.migrations import MIGRATION_NAMES
from archive.writer import ArchiveWriter

OPEN_AT = """
import sys, time
from archive.schema import connect
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))  # all processes start together
connect(sys.argv[1]).close()
"""
PROCESSES, ROUNDS = 6, 5


def test_processes_opening_a_new_archive_at_once_all_succeed(tmp_path):
    for n in range(ROUNDS):
        path = tmp_path / f"round-{n}.db"
        start = f"{time.time() + 2.0:.3f}"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_AT, str(path), start],
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(PROCESSES)
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, f"round {n}: {err[-1500:]}"
        conn = sqlite3.connect(path)
        applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
        assert applied == MIGRATION_NAMES, f"round {n}: migrations applied {applied}"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATION_NAMES)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()


SECOND_SEED = """
id = "synthetic"
name = "合成县人民政府"
adcode = "411323"
start_urls = ["{base}/zwgk/index.html"]
allowed_domains = ["127.0.0.1"]

[politeness]
download_delay = 0.0
concurrency = 4
"""


def test_two_crawls_started_at_once_on_a_new_archive(tmp_path, portal_server, make_portal_server):
    other = make_portal_server(portal="synthetic", docs=40)
    seeds = write_sample_seed(tmp_path / "seeds", portal_server.url)
    (seeds / "synthetic.toml").write_text(SECOND_SEED.format(base=other.url), encoding="utf-8")
    for n in range(3):
        db = tmp_path / f"archive-{n}.db"
        procs = [
            subprocess.Popen(
                crawl_command(seeds, db, site=site), stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for site in ("sample", "synthetic")
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=300)
            text = err.decode("utf-8", "replace")
            assert proc.returncode == 0, f"round {n}: {text[-1500:]}"
            assert "not a usable" not in text
        conn = sqlite3.connect(db)
        outcomes = conn.execute("SELECT site_id, outcome FROM runs ORDER BY site_id").fetchall()
        assert outcomes == [("sample", "finished"), ("synthetic", "finished")]
        conn.close()


@pytest.mark.parametrize("fresh", [True, False], ids=["new archive", "migrated archive"])
def test_a_locked_archive_is_reported_as_busy(tmp_path, monkeypatch, fresh):
    path = tmp_path / "archive.db"
    if not fresh:
        schema.connect(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = wal")
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    monkeypatch.setattr(schema, "BUSY_TIMEOUT_SECONDS", 0.3)
    try:
        with pytest.raises(ArchiveBusy) as caught:
            writer = ArchiveWriter(path)  # a new archive: the migrations wait for the lock
            writer.start_run("s", "manual", "t")  # a migrated one: the first write does
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = str(caught.value)
    assert "busy" in message and "not a usable" not in message and "\n" not in message
