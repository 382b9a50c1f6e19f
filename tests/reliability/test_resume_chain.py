"""Case 6: `crawl --resume` skips everything fetched by the unbroken chain of unfinished runs
before it, so a crawl killed again and again still makes progress and ends complete."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time

from crawl_helpers import crawl_command, write_sample_seed

DOCS = 200
PER_ROUND = 35  # new documents a crawl archives before it is killed
MAX_ROUNDS = 12


def archived(db) -> set[str]:
    if not db.exists():
        return set()
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT url FROM documents")}
    finally:
        conn.close()


def crawl_until_killed(seeds, db, resume: bool) -> bool:
    """Start a crawl; SIGKILL it once it has archived PER_ROUND new documents. True if it
    finished by itself first."""
    args = ["--resume"] if resume else []
    proc = subprocess.Popen(
        crawl_command(seeds, db, *args, "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen, deadline = 0, time.monotonic() + 300
    for line in proc.stderr:
        seen += "new document" in line
        if seen >= PER_ROUND:
            proc.send_signal(signal.SIGKILL)
            break
        assert time.monotonic() < deadline, "the crawl archived too little"
    proc.stderr.close()
    proc.wait(timeout=60)
    return proc.returncode == 0


def test_a_crawl_killed_again_and_again_still_makes_progress(tmp_path, make_portal_server):
    server = make_portal_server(portal="synthetic", docs=DOCS)
    seeds = write_sample_seed(tmp_path / "seeds", server.url, max_pages=5000)
    db = tmp_path / "archive.db"
    counts = []
    for n in range(MAX_ROUNDS):
        before = archived(db)
        server.clear_log()
        finished = crawl_until_killed(seeds, db, resume=n > 0)
        refetched = {server.url + e["path"] for e in server.request_log()} & before
        assert not refetched, f"round {n}: {len(refetched)} documents of earlier runs refetched"
        counts.append(len(archived(db)))
        if finished:
            break
        if n > 0:
            assert counts[-1] > counts[-2], f"no progress after kill {n}: {counts}"
    else:
        raise AssertionError(f"never finished in {MAX_ROUNDS} rounds: {counts}")
    assert counts[-1] == DOCS
    assert len(counts) >= 4, f"too few kills to test the chain: {counts}"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT max(version_count) FROM documents").fetchone()[0] == 1
    outcomes = [r[0] for r in conn.execute("SELECT outcome FROM runs ORDER BY id")]
    assert outcomes[-1] == "finished" and set(outcomes[:-1]) == {"killed"}
    resumed = [r[0] for r in conn.execute("SELECT resumed_from FROM runs ORDER BY id")]
    assert resumed[1:] == list(range(1, len(resumed)))
