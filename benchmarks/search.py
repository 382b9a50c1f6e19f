"""Search latency at scale: 1-, 2-, 4- and 8-character queries, common and rare, over N documents.

    python benchmarks/search.py [--docs 1000000] [--queries 40]

Builds a real archive file (schema via archive.schema.connect) holding N documents whose texts
recombine paragraphs of the five seed texts (so their words are common: each paragraph is in
about 1 document in 50) plus one line of 16 characters drawn at random from those texts'
characters (so its words are rare: a 4-character piece of it is in about one document). Every
document is indexed as the writer indexes it (archive.search.reindex_document), then
Archive.search_documents (limit 20, newest first) is timed on queries cut from the paragraphs
(common) and from the random lines (rare). Prints median and p95 per length and kind, the
matches a query has (counted up to 10,000), bytes per document and the build time; at 100,000,
300,000 and 1,000,000 documents on the way to N (a long build still reports what it reached).
"""

from __future__ import annotations

import argparse
import os
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
COUNT_SQL = (
    """SELECT count(*) FROM (SELECT 1 FROM search_index WHERE search_index MATCH ? LIMIT 10000)"""
)


def paragraphs() -> list[str]:
    normaliser = Normaliser()
    found = []
    for path in sorted(TEXTS.glob("*.txt")):
        text = normaliser.normalise(path.read_text("utf-8")).text_norm
        found += [line for line in text.split("\n") if len(line) >= 40]
    return found


def is_han(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


CHECKPOINTS = (100_000, 300_000, 1_000_000)


def build(path: Path, n: int, pool: list[str], alphabet: list[str]):
    """Write n documents, yielding (count, their random lines so far) at each checkpoint and at n."""
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
    rare = []
    for i in range(1, n + 1):
        line = "".join(rng.choices(alphabet, k=16))
        rare.append(line)
        text = f"第{i}号文件\n" + "\n".join(rng.sample(pool, 5)) + "\n" + line
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
            "INSERT OR IGNORE INTO texts VALUES (?, ?, NULL, 0, ?, ?)",
            [digest, text, len(text), NOW],
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
        if i % 20_000 == 0 or i == n:
            conn.execute("COMMIT")
            print(f"  {i} documents", file=sys.stderr, flush=True)
            if i in CHECKPOINTS or i == n:
                yield i, rare
            conn.execute("BEGIN")
    conn.execute("COMMIT")
    db.close()


def pick(texts: list[str], size: int, count: int, rng: random.Random, avoid: str = "") -> list[str]:
    picks: list[str] = []
    while len(picks) < count:
        text = rng.choice(texts)
        start = rng.randrange(0, len(text) - size + 1)
        piece = text[start : start + size]
        if is_han(piece) and piece not in avoid:
            picks.append(piece)
    return picks


def timed(arc: Archive, queries: list[str]) -> tuple[float, float, float]:
    times = []
    for query in queries:
        started = time.perf_counter()
        arc.search_documents(query, limit=20)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[max(0, round(len(times) * 0.95) - 1)]
    return statistics.median(times), p95, times[-1]


def matches(arc: Archive, query: str) -> int:
    """Documents holding the query's rarest bigram (an upper bound of its hits), up to 10,000."""
    from archive.bigrams import query_tokens

    found, prefix = query_tokens(query)
    counts = [
        arc.conn.execute(COUNT_SQL, ['"' + t + '"' + ("*" if prefix else "")]).fetchone()[0]
        for t in found
    ]
    return min(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=40, help="per length and kind")
    args = parser.parse_args()
    pool = paragraphs()
    joined = "\n".join(pool)
    alphabet = sorted({ch for ch in joined if is_han(ch)})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "search.db")
        started = time.perf_counter()
        for count, rare_lines in build(path, args.docs, pool, alphabet):
            report(
                path, count, time.perf_counter() - started, pool, joined, rare_lines, args.queries
            )


def report(path: Path, count: int, build_s: float, pool, joined, rare_lines, per_kind: int) -> None:
    size = sum(p.stat().st_size for p in path.parent.glob("search.db*"))
    rng = random.Random(11)
    print(f"documents              {count:,}")
    print(f"build + index          {build_s:,.0f} s ({count / build_s:,.0f} documents/s)")
    print(f"archive size           {size / 2**20:,.0f} MB = {size / count:,.0f} bytes per document")
    print(
        f"load average           {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores, shared)"
    )
    print("query        kind     median ms   p95 ms   max ms   matches (median, up to 10,000)")
    with Archive(path) as arc:
        arc.search_documents(pick(pool, 4, 1, rng)[0])  # warm the page cache
        for size_chars in (1, 2, 4, 8):
            for kind, texts, avoid in (("common", pool, ""), ("rare", rare_lines, joined)):
                if size_chars == 1 and kind == "rare":
                    continue  # every character of the random lines is common
                queries = pick(texts, size_chars, per_kind, rng, avoid if size_chars == 2 else "")
                median, p95, worst = timed(arc, queries)
                found = statistics.median(matches(arc, q) for q in queries)
                print(
                    f"{size_chars}-character  {kind:<7} {median:9.1f} {p95:8.1f} {worst:8.1f}   {found:,.0f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
