"""What checking an archive for damage costs, and what each check catches: on a ~1 GB archive.

    python benchmarks/integrity.py [--gb 1.0] [--docs 20000]

Builds a real archive (schema via archive.schema.connect; documents, versions and the search
index written as benchmarks/search.py writes them; raw bodies filling it to the size asked),
then times, with the file's pages in the page cache and evicted from it (posix_fadvise):

- header: the SQLite header and the page count against the file size (what a cheap check reads)
- counts: count(*) of every table (reads every table's b-tree, not overflow pages)
- quick_check: PRAGMA quick_check (every page; b-tree structure, not index contents)
- integrity_check: PRAGMA integrity_check (also every index against its table)

Then 8 KB of random bytes are written into the middle of a copy, and each check says whether it
noticed. zwgk runs quick_check before a crawl writes (ZWGK_CHECK_ARCHIVE): the cheaper checks
miss damage in the middle of the file.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from search import build, is_han, paragraphs  # noqa: E402 - benchmarks/search.py: documents, index

NOW = "2026-11-23T00:00:00.000Z"
BODY_BYTES = 256 * 1024


def fill_bodies(path: Path, target_bytes: int) -> None:
    """Raw bodies (incompressible, as zlib output is) until the file reaches `target_bytes`."""
    rng = random.Random(3)
    conn = sqlite3.connect(path)
    n = 0
    while path.stat().st_size < target_bytes:
        conn.execute("BEGIN")
        for _ in range(200):
            data = zlib.compress(rng.randbytes(BODY_BYTES), 1)
            conn.execute(
                "INSERT INTO bodies (sha256, size, codec, data) VALUES (?, ?, 'zlib', ?)",
                [f"{n:064x}", BODY_BYTES, data],
            )
            n += 1
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def header_check(conn: sqlite3.Connection, path: Path) -> bool:
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return pages * size == path.stat().st_size


def counts_check(conn: sqlite3.Connection, path: Path) -> bool:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
        )
    ]
    for table in tables:
        conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()
    return True


def pragma_check(name: str):
    def run(conn: sqlite3.Connection, path: Path) -> bool:
        return conn.execute(f"PRAGMA {name}").fetchone()[0] == "ok"

    return run


CHECKS = {
    "header": header_check,
    "counts": counts_check,
    "quick_check": pragma_check("quick_check"),
    "integrity_check": pragma_check("integrity_check"),
}


def evict(path: Path) -> None:
    """Drop this file's pages from the page cache (only this file's)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def timed(path: Path, check, cold: bool, repeat: int = 3) -> tuple[float, str]:
    """Median seconds of `repeat` runs of `check`, and its verdict."""
    times, verdict = [], ""
    for _ in range(repeat):
        if cold:
            evict(path)
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        started = time.perf_counter()
        try:
            verdict = "ok" if check(conn, path) else "DAMAGE FOUND"
        except sqlite3.DatabaseError as exc:
            verdict = f"DAMAGE FOUND ({exc})"
        times.append(time.perf_counter() - started)
        conn.close()
    return statistics.median(times), verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=1.0, help="archive size to build")
    parser.add_argument("--docs", type=int, default=20_000, help="documents (with search index)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "archive.db")
        started = time.perf_counter()
        pool = paragraphs()
        for _ in build(path, args.docs, pool, sorted({ch for ch in "".join(pool) if is_han(ch)})):
            pass  # build() yields at its checkpoints
        fill_bodies(path, int(args.gb * 2**30))
        print(
            f"archive                {path.stat().st_size / 2**20:,.0f} MB, {args.docs:,} documents"
        )
        print(f"built in               {time.perf_counter() - started:.0f} s")
        print(f"{'check':<16} {'warm cache':>12} {'cold cache':>12}   on 8 KB of damage mid-file")
        damaged = Path(tmp, "damaged.db")
        shutil.copyfile(path, damaged)
        with open(damaged, "r+b") as fh:
            fh.seek(damaged.stat().st_size // 2)
            fh.write(random.Random(8).randbytes(8192))
        for name, check in CHECKS.items():
            timed(path, check, cold=False, repeat=1)  # warm the cache
            warm, _ = timed(path, check, cold=False)
            cold, _ = timed(path, check, cold=True)
            _, verdict = timed(damaged, check, cold=False, repeat=1)
            print(f"{name:<16} {warm:>10.2f} s {cold:>10.2f} s   {verdict[:70]}")


if __name__ == "__main__":
    main()
