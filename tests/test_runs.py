"""Runs people can rely on: SIGTERM closes the run cleanly, a killed crawl resumes without
duplicates, a terminal shows live progress and a summary."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import time

from crawl_helpers import crawl_command, write_sample_seed, zwgk

from archive import read


def start_crawl(seeds, db, *args) -> subprocess.Popen:
    return subprocess.Popen(
        crawl_command(seeds, db, *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_documents(proc: subprocess.Popen, count: int, timeout: float = 120) -> None:
    """Read the crawl's log until it has archived `count` documents."""
    deadline, seen = time.monotonic() + timeout, 0
    while seen < count:
        assert time.monotonic() < deadline, "the crawl archived too little"
        line = proc.stderr.readline()
        assert line, "the crawl ended early"
        seen += "new document" in line


def test_sigterm_leaves_a_sound_archive_and_an_interrupted_run(tmp_path, make_portal_server):
    server = make_portal_server(portal="synthetic", docs=600)
    seeds = write_sample_seed(tmp_path / "seeds", server.url, max_pages=5000)
    db = tmp_path / "archive.db"
    proc = start_crawl(seeds, db, "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    wait_for_documents(proc, 20)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=120)
    assert proc.returncode == 1  # did not finish
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    outcome, reason, ended = conn.execute(
        "SELECT outcome, finish_reason, ended_at FROM runs"
    ).fetchone()
    assert (outcome, reason) == ("interrupted", "shutdown") and ended
    versions = conn.execute("SELECT count(*) FROM versions").fetchone()[0]
    assert 20 <= versions < 600


def test_a_killed_crawl_resumes_without_refetching_or_duplicating(tmp_path, make_portal_server):
    server = make_portal_server(portal="synthetic", docs=300)
    seeds = write_sample_seed(tmp_path / "seeds", server.url, max_pages=5000)
    db = tmp_path / "archive.db"
    proc = start_crawl(seeds, db, "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    wait_for_documents(proc, 30)
    proc.kill()  # no chance to close its run
    proc.communicate(timeout=60)
    conn = sqlite3.connect(db)
    archived = {r[0] for r in conn.execute("SELECT url FROM documents")}
    assert conn.execute("SELECT outcome FROM runs").fetchone()[0] == "running"
    server.clear_log()
    done = zwgk("crawl", "--site", "sample", "--seeds", str(seeds), "--db", str(db), "--resume")
    assert done.returncode == 0, done.stderr[-2000:]
    refetched = {server.url + e["path"] for e in server.request_log()} & archived
    assert not refetched, f"{len(refetched)} already archived documents fetched again"
    assert conn.execute("SELECT count(*) FROM versions").fetchone()[0] == 300
    assert conn.execute("SELECT max(version_count) FROM documents").fetchone()[0] == 1
    with read.open_archive(db) as arc:
        first, second = sorted(arc.runs(), key=lambda r: r.id)
    assert (
        first.outcome == "killed"
        and second.resumed_from == first.id
        and second.outcome == "finished"
    )


def test_a_terminal_shows_live_progress_and_a_summary(tmp_path, make_portal_server):
    server = make_portal_server(portal="synthetic", docs=200)
    seeds = write_sample_seed(tmp_path / "seeds", server.url, max_pages=5000)
    db = tmp_path / "archive.db"
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        crawl_command(seeds, db, "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1"),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
    )
    os.close(slave)
    screen = b""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    os.close(master)
    text = screen.decode("utf-8", "replace")
    redraws = re.findall(r"\r\x1b\[Ksample: (\d+) pages, (\d+) documents", text)
    assert len(redraws) >= 2, text[-2000:]  # redrawn in place while crawling
    assert int(redraws[-1][1]) == 200
    assert "[finished]" in text
    assert re.search(r"finished\s+\d+\s+200\s", text)  # the summary table: 200 new documents
    assert "INFO" not in text  # no log noise on a terminal
    assert proc.returncode == 0
