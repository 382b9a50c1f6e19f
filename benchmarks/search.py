"""Search latency at scale: 2-, 4- and 8-character queries over an archive of N documents.

    python benchmarks/search.py [--docs 100000]

Builds a real archive file (schema via archive.schema.connect) holding N documents whose texts
recombine paragraphs of the five seed texts, indexes them exactly as the writer does
(archive.search.reindex_document), then times Archive.search_documents: 2-character queries go
through the LIKE fallback, 4 and 8 through the FTS5 trigram index. Prints median and p95.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.read import Archive  # noqa: E402
from archive.schema import connect  # noqa: E402
from archive.search import reindex_document  # noqa: E402
from crawler.text.normalise import Normaliser, content_hash  # noqa: E402

TEXTS = ROOT / "crawler" / "sample_portal" / "texts"
NOW = "2026-11-23T00:00:00.000Z"


def paragraphs() -> list[str]:
    normaliser = Normaliser()
    found = []
    for path in sorted(TEXTS.glob("*.txt")):
        text = normaliser.normalise(path.read_text("utf-8")).text_norm
        found += [line for line in text.split("\n") if len(line) >= 40]
    return found


def build(path: Path, n: int) -> None:
    pool = paragraphs()
    rng = random.Random(7)
    db = connect(path)
    conn = db.conn
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO sites VALUES ('bench', '基准县', '411322', '[]', '[]', '', ?, ?)", [NOW, NOW]
    )
    conn.execute(
        "INSERT INTO runs (id, site_id, trigger, started_at, outcome, zwgk_version) VALUES (1, 'bench', 'bench', ?, 'finished', 'bench')",
        [NOW],
    )
    for i in range(1, n + 1):
        text = f"第{i}号文件\n" + "\n".join(rng.sample(pool, 5))
        digest = content_hash(text)
        day = f"20{10 + i % 15:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        url = (
            f"http://bench.example/zwgk/{day[:7].replace('-', '')}/t{day.replace('-', '')}_{i}.html"
        )
        conn.execute(
            "INSERT INTO fetches (id, run_id, site_id, url, requested_url, fetched_at, status, kind) VALUES (?, 1, 'bench', ?, ?, ?, 200, 'document')",
            [i, url, url, NOW],
        )
        conn.execute(
            "INSERT OR IGNORE INTO texts VALUES (?, ?, ?, 0, ?, ?)",
            [digest, text, text, len(text), NOW],
        )
        conn.execute(
            "INSERT INTO documents (id, url, site_id, first_seen, last_seen, last_fetch_id, version_count) VALUES (?, ?, 'bench', ?, ?, ?, 1)",
            [i, url, NOW, NOW, i],
        )
        conn.execute(
            "INSERT INTO versions (id, document_id, version_no, fetch_id, run_id, created_at, text_hash, title, publish_date, extractor_version) VALUES (?, ?, 1, ?, 1, ?, ?, ?, ?, 'bench')",
            [i, i, i, NOW, digest, f"关于第{i}号文件的通知", day],
        )
        conn.execute("UPDATE documents SET current_version_id = ? WHERE id = ?", [i, i])
        reindex_document(db, i)
    conn.execute("COMMIT")
    db.close()


def timed(arc: Archive, queries: list[str]) -> tuple[float, float, float]:
    times, hits = [], 0
    for query in queries:
        started = time.perf_counter()
        hits += len(arc.search_documents(query, limit=20))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], hits / len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    args = parser.parse_args()
    pool = paragraphs()
    rng = random.Random(11)
    queries = {}
    for size in (2, 4, 8):
        picks = []
        while len(picks) < 20:
            line = rng.choice(pool)
            start = rng.randrange(0, len(line) - size)
            piece = line[start : start + size]
            if all("\u4e00" <= ch <= "\u9fff" for ch in piece):
                picks.append(piece)
        queries[size] = picks
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "search.db")
        started = time.perf_counter()
        build(path, args.docs)
        print(f"documents              {args.docs}")
        print(f"build + index          {time.perf_counter() - started:.0f} s")
        print(
            f"archive size           {sum(p.stat().st_size for p in Path(tmp).glob('search.db*')) / 2**20:.0f} MB"
        )
        with Archive(path) as arc:
            timed(arc, queries[4][:3])  # warm the page cache
            for size, picks in queries.items():
                median, p95, hits = timed(arc, picks)
                way = "LIKE scan" if size < 3 else "FTS5 trigram"
                print(
                    f"{size}-char query ({way:<12}) median {median:7.1f} ms   p95 {p95:7.1f} ms   {hits:.1f} hits (limit 20)"
                )


if __name__ == "__main__":
    main()
