"""zwgk beside a plain spider, on the same synthetic portal, in one run: documents per second.

    python benchmarks/throughput.py [--docs 2000] [--rounds 2]

Serves the synthetic portal (crawler/sample_portal, --docs documents) on 127.0.0.1 and crawls
it, alternately, with benchmarks/plain_spider.py (Scrapy + trafilatura + sqlite-utils) and with
`zwgk crawl` (every stage on: raw capture, extraction and metadata, attachments, normalisation,
exact and near dedup, versions, the search index), both at download delay 0 and 8 requests at a
time, each into a new database. Prints each crawl's wall time and documents/s, the best of
`--rounds` for each, and zwgk's documents/s over the plain spider's.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from pipeline import SEED, start_portal  # noqa: E402


def plain(base: str, tmp: Path) -> tuple[float, int]:
    db = tmp / "plain.db"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "plain_spider.py"), f"{base}/zwgk/index.html", str(db)],
        check=True, cwd=ROOT,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    conn = sqlite3.connect(db)
    documents = conn.execute("SELECT count(*) FROM pages WHERE text IS NOT NULL").fetchone()[0]
    conn.close()
    return elapsed, documents


def zwgk(base: str, tmp: Path, settings: list[str]) -> tuple[float, int]:
    seeds = tmp / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "synthetic.toml").write_text(SEED.format(base=base), encoding="utf-8")
    db = tmp / "zwgk.db"
    started = time.perf_counter()
    command = [sys.executable, "-m", "crawler.cli", "crawl", "--site", "synthetic",
               "--seeds", str(seeds), "--db", str(db), *settings]  # fmt: skip
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    elapsed = time.perf_counter() - started
    conn = sqlite3.connect(db)
    documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    conn.close()
    return elapsed, documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--set", action="append", default=[], help="NAME=VALUE for zwgk crawl")
    args = parser.parse_args()
    settings = [arg for s in args.set for arg in ("--set", s)]
    portal, base = start_portal(args.docs)
    best = {"plain": 0.0, "zwgk": 0.0}
    try:
        for round_no in range(1, args.rounds + 1):
            for name in ("plain", "zwgk"):
                with tempfile.TemporaryDirectory(prefix=f"zwgk-{name}-") as tmp:
                    run = (
                        plain(base, Path(tmp))
                        if name == "plain"
                        else zwgk(base, Path(tmp), settings)
                    )
                elapsed, documents = run
                rate = documents / elapsed
                best[name] = max(best[name], rate)
                print(f"round {round_no}  {name:<6} {documents:>5} documents in {elapsed:6.1f} s  "
                      f"{rate:6.1f} documents/s", flush=True)  # fmt: skip
    finally:
        portal.terminate()
        portal.wait()
    print(
        f"best: plain spider {best['plain']:.1f} documents/s, zwgk {best['zwgk']:.1f} documents/s"
    )
    print(f"zwgk / plain spider: {best['zwgk'] / best['plain']:.2f}×")


if __name__ == "__main__":
    main()
