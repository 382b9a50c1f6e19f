"""Rendering benchmark: list pages drawn by scripts, rendered in the system Chromium.

    python benchmarks/render.py [--pages 20]

Serves the jsonlist fixture portal (tests/fixture_portals/jsonlist.py: a 开普云 template list
filled from an API only a browser sees) on 127.0.0.1 with a script-filled column of PAGES list
pages, crawls it with `zwgk crawl` (the browser started by scrapy-playwright on the first page
that needs it), and prints: list pages rendered, rendered pages per minute (from the first to
the last rendered fetch), the browser's peak memory (the summed PSS of the Chromium processes
under the crawl, sampled every 0.1 s) and the crawl process's own peak RSS.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fixture_portals.server import FixtureServer  # noqa: E402

SEED = """
id = "jsonlist"
name = "江西省生态环境厅（渲染基准）"
adcode = "360000"
start_urls = ["{base}/jxssthjt/col/col42149/index.html"]
allowed_domains = ["127.0.0.1"]

[politeness]
download_delay = 0.0
concurrency = 4
max_pages = 100000
"""


def _pss(pid: int) -> int:
    """Proportional set size (shared pages divided among the processes sharing them), bytes."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(root: int) -> tuple[int, int]:
    """(PSS of the Chromium processes under `root`, RSS of root itself), in bytes."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/comm") as fh:
                names[int(entry)] = fh.read().strip()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    browser, stack = 0, list(children.get(root, []))
    while stack:
        pid = stack.pop()
        stack += children.get(pid, [])
        if "chrom" in names.get(pid, ""):
            browser += _pss(pid)
    return browser, rss.get(root, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20, help="script-filled list pages")
    args = parser.parse_args()
    env = {"ZWGK_FIXTURE_JSONLIST_ITEMS": str(args.pages * 15)}
    with FixtureServer("jsonlist", env=env) as server, tempfile.TemporaryDirectory() as tmp:
        seeds = Path(tmp) / "seeds"
        seeds.mkdir()
        (seeds / "jsonlist.toml").write_text(SEED.format(base=server.url), encoding="utf-8")
        db = Path(tmp) / "bench.db"
        command = [sys.executable, "-m", "crawler.cli", "crawl", "--site", "jsonlist"]
        command += ["--seeds", str(seeds), "--db", str(db), "--set", "ZWGK_ATTACHMENTS_ENABLED=0"]
        started = time.monotonic()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak_browser = peak_crawl = 0
        while proc.poll() is None:
            browser, crawl = tree_rss(proc.pid)
            peak_browser, peak_crawl = max(peak_browser, browser), max(peak_crawl, crawl)
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        times = [
            datetime.fromisoformat(t.replace("Z", "+00:00"))
            for (t,) in sqlite3.connect(db).execute(
                "SELECT fetched_at FROM fetches WHERE kind = 'rendered' ORDER BY id"
            )
        ]
    rendered = len(times)
    span = (times[-1] - times[0]).total_seconds() if rendered > 1 else 0.0
    print(f"list pages rendered:        {rendered} (of a {args.pages}-page script-filled column)")
    if span:
        print(f"rendered pages per minute:  {(rendered - 1) / span * 60:.0f}")
    print(f"browser peak memory:        {peak_browser / 2**20:.0f} MiB (Chromium processes, PSS)")
    print(f"crawl process peak memory:  {peak_crawl / 2**20:.0f} MiB (RSS)")
    print(f"whole crawl:                {elapsed:.1f} s")


if __name__ == "__main__":
    main()
