"""The nightly run of a whole fleet on this machine: `zwgk schedule --once` over N portals.

    python benchmarks/fleet.py [--sites 1000] [--max-crawls 2] [--memory 3072]

Serves N small county portals on distinct loopback addresses (crawler/sample_portal/fleet.py:
each a night's work of 1 robots.txt, 20 column lists, the section page and 5 new documents),
each with its own politeness delay (0.5–2 s, by a stable hash), writes one seed per portal and
runs `zwgk schedule --once` on them into a new archive. Prints the wall time against the
politeness floor of the slowest site (its requests × its delay) and against the goal
(1.5 × max(floor, requests ÷ 60 req/s)), requests/s, the peak RSS of all crawl processes
together (sampled from /proc every 0.2 s), and the documents archived against those served.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.sample_portal import fleet  # noqa: E402

GOAL_RATE = 60.0  # req/s the issue sets as the machine's share of the floor


def delay_of(index: int, low: float, high: float) -> float:
    h = int(hashlib.sha256(f"fleet-{index}".encode()).hexdigest(), 16) % 1000 / 999
    return round(low + (high - low) * h, 2)


def write_seeds(folder: Path, sites: int, port: int, low: float, high: float) -> list[float]:
    folder.mkdir(parents=True)
    delays = []
    for i in range(sites):
        delay = delay_of(i, low, high)
        delays.append(delay)
        (folder / f"fleet-{i:04d}.toml").write_text(
            f'id = "fleet-{i:04d}"\nname = "基准县{i}人民政府"\nadcode = "411322"\n'
            f"start_urls = {json.dumps(fleet.start_urls(i, port))}\n"
            f'allowed_domains = ["{fleet.host(i)}"]\nsection_prefixes = ["/zwgk/"]\n\n'
            f"[politeness]\ndownload_delay = {delay}\nconcurrency = 1\nmax_pages = 500\n"
            'max_depth = 4\n\n[schedule]\ncron = "0 2 * * *"\ntimezone = "Asia/Shanghai"\n',
            encoding="utf-8",
        )
    return delays


def tree_rss_mb(pid: int) -> float:
    """RSS of `pid` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--max-crawls", type=int, default=2)
    parser.add_argument("--memory", type=float, default=3072)
    parser.add_argument("--delay-min", type=float, default=0.5)
    parser.add_argument("--delay-max", type=float, default=2.0)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "crawler.sample_portal.fleet", "--sites", str(args.sites)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    port = json.loads(server.stdout.readline())["port"]
    try:
        with tempfile.TemporaryDirectory(prefix="zwgk-fleet-") as tmp:
            delays = write_seeds(
                Path(tmp) / "seeds", args.sites, port, args.delay_min, args.delay_max
            )
            db = Path(tmp) / "archive.db"
            command = [
                sys.executable, "-m", "crawler.cli", "schedule", "--once",
                "--seeds", str(Path(tmp) / "seeds"), "--db", str(db),
                "--max-crawls", str(args.max_crawls), "--memory", str(args.memory),
            ]  # fmt: skip
            started = time.perf_counter()
            proc = subprocess.Popen(
                command, cwd=ROOT, stderr=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
            )
            peak = [0.0]

            def sample() -> None:
                while proc.poll() is None:
                    peak[0] = max(peak[0], tree_rss_mb(proc.pid))
                    time.sleep(0.2)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            summary = proc.communicate()[0]
            wall = time.perf_counter() - started
            sampler.join()
            with urllib.request.urlopen(f"http://{fleet.host(0)}:{port}/__admin/stats") as r:
                stats = json.loads(r.read())
            conn = sqlite3.connect(db)
            archived = conn.execute(
                "SELECT count(*) FROM documents WHERE status = 'live'"
            ).fetchone()[0]
            conn.close()
    finally:
        server.terminate()
        server.wait()
    floor = stats["requests"] / args.sites * max(delays)  # every site makes the same requests
    goal = 1.5 * max(floor, stats["requests"] / GOAL_RATE)
    print(summary.strip())
    print(
        f"portals {args.sites}, batch processes {args.max_crawls}, memory budget {args.memory:.0f} MB"
    )
    print(f"wall time {wall:.1f} s; politeness floor of the slowest site {floor:.1f} s; goal ≤ {goal:.0f} s "
          f"({'met' if wall <= goal else 'NOT met'})")  # fmt: skip
    print(
        f"requests {stats['requests']} ({stats['by_status']}), {stats['requests'] / wall:.1f} req/s"
    )
    print(f"peak RSS of all crawl processes together {peak[0]:.0f} MB")
    print(f"documents archived {archived} of {args.sites * fleet.DOCS} served")


if __name__ == "__main__":
    main()
