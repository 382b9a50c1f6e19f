"""The nightly run end to end: real `zwgk schedule` processes over a fleet of loopback portals
(crawler/sample_portal/fleet.py, one portal per 127.0.1.x address)."""

from __future__ import annotations

import datetime
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from fleet_server import portal_seed, write_seed

from crawler.sample_portal import fleet

ROOT = Path(__file__).resolve().parent.parent
WAIT = 120.0  # seconds: a generous bound on what each test waits for, never a sleep


def schedule(*args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "schedule", *args],
        cwd=ROOT, text=True, **popen,
    )  # fmt: skip


def runs(db: Path) -> list[dict]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM runs ORDER BY id")]
    except sqlite3.OperationalError:  # the schema is not there yet
        return []
    finally:
        conn.close()


def test_once_crawls_every_due_seed_in_batches_politely_per_host(tmp_path, make_fleet):
    portals = make_fleet(5)
    seeds = tmp_path / "seeds"
    for i in range(1, 5):
        portal_seed(seeds, i, portals.port, 0.0)
    urls = fleet.start_urls(0, portals.port)  # two counties on one host (a 集约化 platform)
    write_seed(seeds, "shared-a", urls[:10], fleet.host(0), 0.3)
    write_seed(seeds, "shared-b", urls[10:], fleet.host(0), 0.3)
    off_day = (
        datetime.datetime.now(ZoneInfo("Asia/Shanghai")) + datetime.timedelta(days=3)
    ).strftime("%a")
    portal_seed(seeds, 9, portals.port, 0.0, cron=f"0 2 * * {off_day.lower()}")  # weekly: not due
    (seeds / "broken.toml").write_text("id = 'broken'\n", encoding="utf-8")  # reported, not fatal
    db = tmp_path / "archive.db"
    args = (
        "--once",
        "--seeds",
        str(seeds),
        "--db",
        str(db),
        "--max-crawls",
        "2",
        "--batch-sites",
        "3",
    )
    done = schedule(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = done.communicate(timeout=WAIT)
    assert done.returncode == 0, err[-3000:]
    assert re.search(r"^6 sites in [23] batches", out, re.M), out
    assert "runs: 6 finished" in out and "broken.toml" in err
    crawled = runs(db)
    assert {r["site_id"] for r in crawled} >= {"fleet-1", "fleet-4", "shared-a", "shared-b"}
    assert all(r["outcome"] == "finished" and r["trigger"] == "schedule" for r in crawled)
    conn = sqlite3.connect(db)
    per_site = dict(conn.execute("SELECT site_id, count(*) FROM documents GROUP BY site_id"))
    conn.close()
    assert all(per_site[f"fleet-{i}"] == fleet.DOCS for i in range(1, 5))
    assert per_site.get("shared-a", 0) + per_site.get("shared-b", 0) == fleet.DOCS
    # the shared host saw one polite stream: no overlap, gaps of at least the delay
    shared = sorted(
        (e for e in portals.log() if e["host"] == fleet.host(0)), key=lambda e: e["started"]
    )
    halves = {int(e["path"].split("/col")[1][:2]) <= 10 for e in shared if "/col" in e["path"]}
    assert halves == {True, False} and len(shared) > 20
    for before, after in zip(shared, shared[1:], strict=False):
        assert after["started"] - before["ended"] >= 0.3 - 0.01, (before, after)


def test_a_site_over_its_time_limit_is_stopped_and_the_batch_goes_on(tmp_path, make_fleet):
    portals = make_fleet(3)
    seeds = tmp_path / "seeds"
    portal_seed(seeds, 0, portals.port, 1.0)  # ~28 requests a second apart: ~28 s
    portal_seed(seeds, 1, portals.port, 0.0)
    portal_seed(seeds, 2, portals.port, 0.0)
    db = tmp_path / "archive.db"
    args = ("--once", "--seeds", str(seeds), "--db", str(db), "--max-crawls", "1",
            "--site-time-limit", "3")  # fmt: skip
    done = schedule(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = done.communicate(timeout=WAIT)
    assert done.returncode == 0, err[-3000:]
    outcomes = {r["site_id"]: r["outcome"] for r in runs(db)}
    assert outcomes == {
        "fleet-0": "stopped_at_time_limit",
        "fleet-1": "finished",
        "fleet-2": "finished",
    }
    assert "3 sites in 1 batches" in out and "2 finished, 1 stopped_at_time_limit" in out


class Lines:
    """A process's stderr, line by line, waited on with a bound."""

    def __init__(self, stream) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=lambda: [self.lines.put(x) for x in stream], daemon=True).start()

    def wait_for(self, pattern: str, timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        for line in self.seen:
            if re.search(pattern, line):
                return line
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r}; got:\n" + "".join(self.seen[-40:]))


def wait_until(condition, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def test_the_scheduler_process_follows_seed_changes_and_stops_cleanly_on_sigterm(
    tmp_path, make_fleet
):
    portals = make_fleet(4)
    seeds = tmp_path / "seeds"
    for i in range(3):
        portal_seed(seeds, i, portals.port, 0.5)  # ~14 s a site, one site per batch
    db = tmp_path / "archive.db"
    proc = schedule(
        "--now", "--seeds", str(seeds), "--db", str(db), "--max-crawls", "1", "--batch-sites", "1",
        "--rescan", "0.2", stderr=subprocess.PIPE,
    )  # fmt: skip
    log = Lines(proc.stderr)
    try:
        log.wait_for(r"night 0 2 \* \* \*\|Asia/Shanghai: 3 sites")
        log.wait_for(r"night: 3 sites in 3 batches")
        wait_until(lambda: any(r["outcome"] == "running" for r in runs(db)))
        # while it crawls: a seed added, one changed (to another night), one removed
        portal_seed(seeds, 3, portals.port, 0.5)
        portal_seed(seeds, 1, portals.port, 0.5, cron="15 4 * * *")
        (seeds / "fleet-2.toml").unlink()
        log.wait_for("seed added: fleet-3")
        log.wait_for("seed changed: fleet-1")
        log.wait_for("seed removed: fleet-2")
        log.wait_for(r"night 0 2 \* \* \*\|Asia/Shanghai: 2 sites \(fleet-0 fleet-3\)")
        log.wait_for(r"night 15 4 \* \* \*\|Asia/Shanghai: 1 sites \(fleet-1\)")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=WAIT) == 0
        log.wait_for("scheduler stopped")
        log.wait_for(r"2 not started \(stopped\)")
    finally:
        if proc.poll() is None:
            proc.kill()
    crawled = runs(db)  # the running batch closed its run; the queued batches never started
    assert [(r["site_id"], r["outcome"]) for r in crawled] == [("fleet-0", "interrupted")]
    leftover = subprocess.run(["pgrep", "-f", str(db)], capture_output=True, text=True)
    assert leftover.stdout == ""  # no crawl process outlives the scheduler


def test_a_crashed_batch_loses_its_own_sites_only(tmp_path, make_fleet):
    portals = make_fleet(3)
    seeds = tmp_path / "seeds"
    portal_seed(seeds, 0, portals.port, 0.5)  # batch 1: ~14 s, killed while it crawls
    portal_seed(seeds, 1, portals.port, 0.0)
    portal_seed(seeds, 2, portals.port, 0.0)
    db = tmp_path / "archive.db"
    proc = schedule(
        "--once", "--seeds", str(seeds), "--db", str(db), "--max-crawls", "1", "--batch-sites", "1",
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_until(lambda: any(r["site_id"] == "fleet-0" for r in runs(db)))
        found = subprocess.run(
            ["pgrep", "-f", "--", f"crawl .*--db {db} .*--site fleet-0"],
            capture_output=True,
            text=True,
        )
        (batch,) = [int(p) for p in found.stdout.split()]
        subprocess.run(["kill", "-9", str(batch)], check=True)
        out, err = proc.communicate(timeout=WAIT)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1 and "1 batches crashed" in out, out + err[-2000:]
    outcomes = {r["site_id"]: r["outcome"] for r in runs(db)}
    assert outcomes == {"fleet-0": "running", "fleet-1": "finished", "fleet-2": "finished"}
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
