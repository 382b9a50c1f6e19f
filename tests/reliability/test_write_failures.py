"""Case 2: the first failed archive write stops the crawl. The run is recorded `failed` with the
cause, the exit status is non-zero, one line names the cause, and the write failure counts in
the crawl's figures. Reproduced with a real file-size limit and a real full disk (a tmpfs),
where the room the writer set aside (archive/reserve.py) lets the run be closed."""

from __future__ import annotations

import re
import resource
import signal
import sqlite3
import subprocess

import pytest
from conftest import tmpfs
from crawl_helpers import crawl_command, write_sample_seed

DOCS = 300
IN_FLIGHT = 40  # requests already sent when the crawl stops (CONCURRENT_REQUESTS is 16)


@pytest.fixture(scope="module")
def portal(make_portal_server):
    return make_portal_server(portal="synthetic", docs=DOCS)


def file_size_limit(limit: int):
    def apply() -> None:  # in the crawl subprocess, before it runs
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def check_stopped(done: subprocess.CompletedProcess, db, cause: str, requests: int) -> None:
    assert done.returncode == 1
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, errors
    assert errors[0].startswith("error: the crawl stopped: ") and cause in errors[0]
    assert errors[0] == done.stderr.splitlines()[-1]
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        outcome, reason, error, pages, failed = conn.execute(
            "SELECT outcome, finish_reason, error, pages_fetched, fetches_failed FROM runs"
        ).fetchone()
        documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        conn.close()
    assert (outcome, reason) == ("failed", "archive_write_failed")
    assert cause in error
    assert failed >= 1, "the failed write is not in the run's own figures"
    assert not list(db.parent.glob("*-reserve-*"))  # the room set aside was given back
    assert documents < DOCS
    assert requests <= pages + IN_FLIGHT, "the crawl went on fetching after the write failed"
    progress = re.findall(r"(\d+) errors", done.stderr)
    assert progress and int(progress[-1]) >= 1, "the write failure is not in the crawl's figures"


def test_a_file_size_limit_stops_the_crawl_and_names_the_cause(tmp_path, portal):
    seeds = write_sample_seed(tmp_path / "seeds", portal.url, max_pages=5000)
    db = tmp_path / "archive.db"
    portal.clear_log()
    done = subprocess.run(
        crawl_command(seeds, db),
        preexec_fn=file_size_limit(3_000_000),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    check_stopped(done, db, "I/O error", len(portal.request_log()))
    # nothing archived is lost: with the limit gone, a resumed crawl completes the archive
    done = subprocess.run(
        crawl_command(seeds, db, "--resume"), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == DOCS
    assert conn.execute("SELECT max(version_count) FROM documents").fetchone()[0] == 1


def test_a_full_disk_stops_the_crawl_and_names_the_cause(tmp_path, portal):
    seeds = write_sample_seed(tmp_path / "seeds", portal.url, max_pages=5000)
    with tmpfs(tmp_path / "disk", "12m") as disk:  # 4 MB of it the crawl's reserve
        db = disk / "archive.db"
        portal.clear_log()
        done = subprocess.run(
            crawl_command(seeds, db), capture_output=True, text=True, timeout=600, check=False
        )
        check_stopped(done, db, "disk full", len(portal.request_log()))
