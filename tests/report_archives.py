"""Fixture archives for the indicator tests, built by real crawls at known dates.

The crawler runs under libfaketime (Debian's `faketime`, installed by `make test`): its clock
starts at the date given and runs on, so first captures, tombstones and runs carry those
dates while the portals answer as usual.

- `timeline_archive`: the sample portal through its revisions, revision 1 crawled on
  2024-03-01, revision 2 (one edited, one added, one deleted, one unlisted, one soft-deleted)
  on 2024-11-01, revision 3 (the deleted one back) on 2026-04-01.
- `fleet_archive`: the TRS fixture portal, the fault portal (two anti-bot challenges) and a
  portal whose server is down (its run fails), each crawled once on 2024-09-01.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from crawl_helpers import write_sample_seed
from fixture_portals import PORTALS
from fixture_portals.server import FixtureServer
from portal_server import PortalProcess

FAKETIME = shutil.which("faketime")
needs_faketime = pytest.mark.skipif(
    FAKETIME is None and not os.environ.get("CI"),
    reason="faketime is installed by `make test` (Debian package)",
)
TIMELINE = {1: "2024-03-01", 2: "2024-11-01", 3: "2026-04-01"}
FLEET_DAY = "2024-09-01"
FLEET_SEED = """
id = "{id}"
name = "{name}"
adcode = "411322"
start_urls = {start_urls}
allowed_domains = ["127.0.0.1"]

[politeness]
download_delay = 0.0
concurrency = 8
max_pages = 2000
max_depth = 4
"""


def crawl_on(day: str, seeds: Path, db: Path, site: str, *args: str) -> None:
    """`zwgk crawl` with the clock starting at 08:00 UTC on `day`."""
    command = [FAKETIME or "faketime", f"{day} 08:00:00", sys.executable, "-m", "crawler.cli"]
    command += ["crawl", "--site", site, "--seeds", str(seeds), "--db", str(db), *args]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "TZ": "UTC"},
    )
    assert done.returncode in (0, 1), done.stderr[-3000:]  # 1: a run that did not finish


@dataclass
class TimelineArchive:
    db: Path
    base_url: str


@dataclass
class FleetArchive:
    db: Path
    urls: dict[str, str]  # site id -> base URL


@pytest.fixture(scope="session")
def timeline_archive(tmp_path_factory) -> TimelineArchive:
    if FAKETIME is None:
        pytest.fail("faketime is missing: apt-get install faketime (make test installs it)")
    server = PortalProcess(revision=1)
    try:
        tmp = tmp_path_factory.mktemp("timeline")
        seeds = write_sample_seed(tmp / "seeds", server.url)
        db = tmp / "archive.db"
        for revision, day in TIMELINE.items():
            server.set_revision(revision)
            crawl_on(day, seeds, db, "sample", *(["--full"] if revision > 1 else []))
    finally:
        server.stop()
    return TimelineArchive(db, server.url)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def fleet_archive(tmp_path_factory) -> FleetArchive:
    if FAKETIME is None:
        pytest.fail("faketime is missing: apt-get install faketime (make test installs it)")
    tmp = tmp_path_factory.mktemp("fleet")
    seeds, db = tmp / "seeds", tmp / "archive.db"
    seeds.mkdir()
    urls = {}
    for name in ("trs", "faults"):
        portal = PORTALS[name]()
        server = FixtureServer(name)
        try:
            starts = "[" + ", ".join(f'"{server.url}{p}"' for p in portal.start_paths) + "]"
            seed = FLEET_SEED.format(id=name, name=f"{portal.family} 测试门户", start_urls=starts)
            (seeds / f"{name}.toml").write_text(seed, encoding="utf-8")
            settings = ["DOWNLOAD_TIMEOUT=3", "RETRY_TIMES=1", "ZWGK_RETRY_BACKOFF_BASE=0.1"]
            crawl_on(FLEET_DAY, seeds, db, name, *(a for s in settings for a in ("--set", s)))
            urls[name] = server.url
        finally:
            server.stop()
    down = f"http://127.0.0.1:{closed_port()}"
    seed = FLEET_SEED.format(
        id="down", name="停机县人民政府", start_urls=f'["{down}/zwgk/index.html"]'
    )
    (seeds / "down.toml").write_text(seed, encoding="utf-8")
    crawl_on(FLEET_DAY, seeds, db, "down", "--set", "RETRY_TIMES=0")
    urls["down"] = down
    return FleetArchive(db, urls)
