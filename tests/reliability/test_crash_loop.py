"""The crash test: SIGKILL a crawl at 10 random moments in a row (each time resumed), then the
archive must be sound (`zwgk check`: SQLite's integrity check, foreign keys, version numbering,
search index in step with the documents), hold no duplicate or partial version, and end with
exactly what a clean crawl of the same portal archives."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import threading

from crawl_helpers import crawl, crawl_command, write_sample_seed, zwgk

DOCS = 150
KILLS = 10


def urls(db) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT url FROM documents")}
    finally:
        conn.close()


def test_ten_sigkills_leave_a_sound_archive_equal_to_a_clean_crawl(tmp_path, make_portal_server):
    server = make_portal_server(portal="synthetic", docs=DOCS)
    seeds = write_sample_seed(tmp_path / "seeds", server.url, max_pages=5000)
    clean = tmp_path / "clean.db"
    crawl(seeds, clean)
    expected = urls(clean)
    assert len(expected) == DOCS

    db = tmp_path / "archive.db"
    rng = random.Random(20261202)
    moments = []
    for n in range(KILLS):
        args = ["--resume"] if n else []
        proc = subprocess.Popen(
            # a small delay keeps the crawl going past the kills (~170 pages: ~14 s)
            crawl_command(
                seeds,
                db,
                *args,
                "--set",
                "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                "--set",
                "DOWNLOAD_DELAY=0.08",
                "--set",
                "AUTOTHROTTLE_ENABLED=false",
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        crawling = threading.Event()

        def watch(stream=proc.stderr, crawling=crawling) -> None:
            for line in stream:  # drained to the end, so the crawl never blocks on its log
                if "Spider opened" in line:
                    crawling.set()

        reader = threading.Thread(target=watch, daemon=True)
        reader.start()
        moment = rng.uniform(0.3, 4.0)  # a random moment once the crawl is crawling
        crawling.wait(timeout=120)
        killed = False
        try:
            proc.wait(timeout=moment)  # finished before its moment: nothing to kill
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
            killed = True
        reader.join(timeout=60)
        proc.stderr.close()
        moments.append((round(moment, 2), len(urls(db)), killed))
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", moments
        conn.close()
    mid_crawl = [count for _, count, killed in moments if killed and count < DOCS]
    assert len(mid_crawl) >= 8, f"kills mostly after the crawl: {moments}"
    assert len(set(mid_crawl)) >= 4, f"the kills did not land as documents were archived: {moments}"

    done = zwgk("crawl", "--site", "sample", "--seeds", str(seeds), "--db", str(db), "--resume")
    assert done.returncode == 0, done.stderr[-2000:]
    checked = zwgk("check", "--db", str(db))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert urls(db) == expected, f"kills at (seconds, documents): {moments}"
    print("kills at (seconds, documents archived):", moments)
    conn = sqlite3.connect(db)
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    assert one("SELECT count(*) FROM versions") == DOCS  # no duplicate version
    assert one("SELECT max(version_count) FROM documents") == 1
    partial = one(
        """SELECT count(*) FROM versions v LEFT JOIN texts t ON t.hash = v.text_hash
           LEFT JOIN fetches f ON f.id = v.fetch_id
           WHERE t.hash IS NULL OR f.id IS NULL OR f.text_hash IS NOT v.text_hash"""
    )
    assert partial == 0
    assert one("SELECT count(*) FROM search_index") == DOCS
    assert one("SELECT count(*) FROM documents WHERE current_version_id IS NULL") == 0
    outcomes = [r[0] for r in conn.execute("SELECT outcome FROM runs ORDER BY id")]
    assert outcomes[-1] == "finished" and "running" not in outcomes
