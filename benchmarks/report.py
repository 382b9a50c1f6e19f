"""`zwgk report` over a large archive: the time to compute every indicator and write the HTML.

    python benchmarks/report.py [--docs 100000] [--sites 200] [--db PATH]

Builds a real archive file through ArchiveWriter (record_page with each capture's time, so
first captures, tombstones and runs spread over three years), as the crawler would have written
it: N documents over S sites, each site with 6 columns, 16 nightly-style runs (one with
anti-bot challenges, some failed), ~15% of documents later deleted or unlisted with evidence,
publish and written dates spread before first capture, annual reports at some sites. Texts
recombine paragraphs of the sample portal's seed texts (no near-duplicate signatures: they are
not what the report reads). Then runs `zwgk report` in a subprocess, as a person would, and
prints its wall time. --db keeps (or reuses) the archive.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.writer import (  # noqa: E402
    ArchiveWriter,
    ColumnRef,
    DocumentContent,
    FetchRecord,
    Gone,
    SiteRecord,
)
from crawler.text.normalise import content_hash  # noqa: E402

TEXTS = ROOT / "crawler" / "sample_portal" / "texts"
START = datetime(2023, 1, 1, 2, tzinfo=UTC)
RUNS = 16  # per site, every ~10 weeks over three years
COLUMNS = ("政策文件", "通知公告", "工作动态", "财政信息", "人事信息", "规划计划")


def stamp(t: datetime) -> str:
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def paragraphs() -> list[str]:
    found = []
    for path in sorted(TEXTS.glob("*.txt")):
        found += [line.strip() for line in path.read_text("utf-8").splitlines() if len(line) >= 40]
    return found


def set_run_times(path: Path, times: dict[int, tuple[datetime, str]]) -> None:
    """Runs are stamped with the writer's clock; move each to its simulated night."""
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "UPDATE runs SET started_at = ?, ended_at = ?, outcome = ? WHERE id = ?",
            [(stamp(at), stamp(at + timedelta(minutes=40)), outcome, run_id)
             for run_id, (at, outcome) in times.items()],
        )  # fmt: skip
    conn.close()


def build(path: Path, n_docs: int, n_sites: int) -> None:
    pool = paragraphs()
    rng = random.Random(17)
    writer = ArchiveWriter(path)
    writer.db.execute("PRAGMA synchronous = OFF")  # a throwaway file: no fsync per page
    run_times: dict[int, tuple[datetime, str]] = {}
    per_site = n_docs // n_sites
    for s in range(n_sites):
        site = f"bench-{s:04d}"
        base = f"http://www.county{s}.gov.cn"
        writer.upsert_site(SiteRecord(site, f"基准{s}县人民政府", "411322", (base + "/zwgk/",), ()))
        # documents: when each is first captured (run number) and whether it goes later
        plan = sorted((rng.randrange(RUNS), i) for i in range(per_site))
        by_run: dict[int, list[int]] = {}
        for run, i in plan:
            by_run.setdefault(run, []).append(i)
        gone_in = {
            i: rng.randrange(run + 1, RUNS)
            for run, i in plan
            if run < RUNS - 1 and rng.random() < 0.15
        }
        reports = {rng.randrange(2023, 2026) for _ in range(2)} if s % 3 else set()
        for run in range(RUNS):
            at = START + timedelta(days=70 * run + rng.randrange(3))
            run_id = writer.start_run(site, "schedule", "bench")
            clock = at
            for c, name in enumerate(COLUMNS):
                listed = tuple(
                    f"{base}/zwgk/c{c}/t{i}.html" for i in by_run.get(run, []) if i % 6 == c
                )
                clock += timedelta(seconds=1)
                fetch = FetchRecord(site, f"{base}/zwgk/c{c}/index.html", f"{base}/zwgk/c{c}/index.html",
                                    "list", 200, fetched_at=stamp(clock))  # fmt: skip
                writer.record_page(run_id, fetch, column=ColumnRef(fetch.url, name), listed=listed)
            for i in by_run.get(run, []):
                clock += timedelta(seconds=1)
                published = at - timedelta(days=rng.choice((1, 2, 5, 9, 30, 200, 700)))
                year = published.year - 1
                title = (f"基准{s}县{year}年政府信息公开工作年度报告" if i == 0 and year in reports
                         else f"关于第{s}-{i}号工作的通知")  # fmt: skip
                text = f"{title}\n" + "\n".join(rng.sample(pool, 4))
                url = f"{base}/zwgk/c{i % 6}/t{i}.html"
                doc = DocumentContent(
                    url=url, text=text, text_norm=text, text_hash=content_hash(text),
                    traditional=False, extractor_version="bench", title=title,
                    publish_date=published.date().isoformat(),
                    written_date=(published - timedelta(days=rng.randrange(0, 15))).date().isoformat()
                    if rng.random() < 0.7 else None,
                    publisher=f"基准{s}县人民政府" if rng.random() < 0.9 else None,
                    index_no=f"4113{s:04d}/{i:05d}" if rng.random() < 0.6 else None,
                    doc_no=f"基政〔{published.year}〕{i}号" if rng.random() < 0.4 else None,
                    category="综合政务" if rng.random() < 0.5 else None,
                )  # fmt: skip
                fetch = FetchRecord(site, url, url, "document", 200, fetched_at=stamp(clock))
                writer.record_page(run_id, fetch, doc=doc)
            for i, went in gone_in.items():
                if went == run:
                    clock += timedelta(seconds=1)
                    url = f"{base}/zwgk/c{i % 6}/t{i}.html"
                    if i % 2:
                        fetch = FetchRecord(site, url, url, "gone", 404, error="HTTP 404",
                                            fetched_at=stamp(clock))  # fmt: skip
                        writer.record_page(
                            run_id, fetch, gone=Gone("HTTP 404", evidence={"status": "404"})
                        )
                    else:
                        writer.record_unlisted(run_id, url, Gone("removed from list", "unlisted",
                                                                 {"list": f"{base}/zwgk/"}))  # fmt: skip
            if run == RUNS - 3 and s % 5 == 0:  # an anti-bot challenge appears
                for k in range(3):
                    clock += timedelta(seconds=1)
                    url = f"{base}/zwgk/challenge{k}.html"
                    writer.record_page(run_id, FetchRecord(site, url, url, "blocked", 412,
                                       error="anti-bot challenge", fetched_at=stamp(clock)))  # fmt: skip
            writer.finish_run(run_id, "finished", "finished")
            run_times[run_id] = (at, "failed" if run % 7 == 6 and s % 4 == 0 else "finished")
    writer.close()
    set_run_times(path, run_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=200)
    parser.add_argument("--db", type=Path, help="archive to build (or reuse, if it exists)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp, "report.db")
        if not path.exists():
            started = time.perf_counter()
            build(path, args.docs, args.sites)
            print(f"build                  {time.perf_counter() - started:.0f} s")
        out = Path(tmp, "report.html")
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "report", "--db", str(path), "-o", str(out)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
        if done.returncode:
            sys.exit(done.stderr)
        print(done.stdout.strip())
        print(f"zwgk report            {elapsed:.1f} s wall (limit 60 s)")
        print(f"report size            {out.stat().st_size / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
