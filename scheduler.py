"""Nightly incremental crawls: one APScheduler cron job per seed.

Each job runs `zwgk crawl --site ID --trigger schedule` as a subprocess (a fresh Twisted reactor
per crawl; a crash in one site cannot take the scheduler down), with a time limit. Jobs get a
per-site jitter so a thousand portals do not start at once, never run twice at the same time
(`max_instances=1`), coalesce missed runs, and keep a misfire grace of hours (APScheduler
silently drops late runs otherwise). A bound on concurrent crawls is the worker pool size.
Seed files are rescanned every minute: added, changed and removed seeds take effect without a
restart. SIGTERM stops the scheduler; running crawls get SIGTERM too, finish their current
pages and record their run as interrupted.

    zwgk schedule [--seeds seeds] [--db archive.db] [--max-crawls 4]
    zwgk schedule --list
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from crawler.exceptions import SeedError
from crawler.sites.seeds import SiteConfig, load_seed, seed_paths

logger = logging.getLogger("zwgk.scheduler")
MISFIRE_GRACE_SECONDS = 6 * 3600  # a run missed by a few hours (machine asleep) still happens
CRAWL_TIME_LIMIT_SECONDS = 6 * 3600
JITTER_MINUTES = 120  # sites spread over two hours after their cron time
RESCAN_SECONDS = 60
STOP_GRACE_SECONDS = 60  # after SIGTERM, a crawl gets this long to close its run


def crawl_command(site_id: str, db_path: str, seeds_dir: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", "crawl", "--site", site_id, "--trigger", "schedule",
            "--db", db_path, "--seeds", seeds_dir]  # fmt: skip


def jitter_minutes(site_id: str, spread: int = JITTER_MINUTES) -> int:
    """A stable per-site offset (the same every day, different between sites)."""
    return int(hashlib.sha256(site_id.encode()).hexdigest(), 16) % spread if spread else 0


def trigger_for(site: SiteConfig, spread: int = JITTER_MINUTES) -> CronTrigger:
    """The seed's cron in its timezone, shifted by the site's jitter."""
    minute, hour, *rest = site.schedule.cron.split()
    if minute.isdigit() and hour.isdigit():
        total = int(hour) * 60 + int(minute) + jitter_minutes(site.id, spread)
        minute, hour = str(total % 60), str((total // 60) % 24)
    return CronTrigger.from_crontab(
        " ".join([minute, hour, *rest]), timezone=site.schedule.timezone
    )


@dataclass
class Crawls:
    """The crawl subprocesses running now, so that a shutdown can stop them cleanly."""

    running: dict[str, subprocess.Popen] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(
        self, site_id: str, db_path: str, seeds_dir: str, limit: float = CRAWL_TIME_LIMIT_SECONDS
    ) -> int:
        proc = subprocess.Popen(crawl_command(site_id, db_path, seeds_dir))
        with self.lock:
            self.running[site_id] = proc
        try:
            return proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            logger.error("crawl of %s exceeded %ss: stopping it", site_id, limit)
            return stop(proc)
        finally:
            with self.lock:
                self.running.pop(site_id, None)

    def stop_all(self) -> None:
        with self.lock:
            procs = list(self.running.values())
        for proc in procs:
            stop(proc)


def stop(proc: subprocess.Popen) -> int:
    """SIGTERM (Scrapy closes the run as interrupted), then SIGKILL if it does not end."""
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


CRAWLS = Crawls()


def run_site(site_id: str, db_path: str, seeds_dir: str) -> int:
    """The job: one scheduled crawl in a subprocess; returns its exit status."""
    status = CRAWLS.run(site_id, db_path, seeds_dir)
    if status:
        logger.warning("crawl of %s ended with status %s", site_id, status)
    return status


def build_scheduler(max_crawls: int = 4) -> BackgroundScheduler:
    return BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(max_crawls)},
        job_defaults={
            "max_instances": 1,
            "coalesce": True,
            "misfire_grace_time": MISFIRE_GRACE_SECONDS,
        },
    )


def add_jobs(
    scheduler, sites: list[SiteConfig], db_path: str, seeds_dir: str, spread: int = JITTER_MINUTES
) -> None:
    for site in sites:
        if not site.schedule.enabled:
            if scheduler.get_job(site.id):
                scheduler.remove_job(site.id)
            continue
        scheduler.add_job(
            run_site,
            trigger_for(site, spread),
            args=[site.id, db_path, seeds_dir],
            id=site.id,
            name=f"crawl {site.id}",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
            replace_existing=True,
        )


@dataclass
class SeedWatcher:
    """Keeps the jobs in step with the seed folder (files added, changed, removed)."""

    scheduler: object
    seeds_dir: str
    db_path: str
    seen: dict[str, float] = field(default_factory=dict)  # path -> mtime

    def rescan(self) -> None:
        current = {str(p): p.stat().st_mtime for p in seed_paths(Path(self.seeds_dir))}
        for path in set(self.seen) - set(current):
            site_id = Path(path).stem
            if self.scheduler.get_job(site_id):
                self.scheduler.remove_job(site_id)
                logger.info("seed removed: %s", site_id)
        changed = [p for p, mtime in current.items() if self.seen.get(p) != mtime]
        for path in changed:
            try:
                site = load_seed(Path(path))
            except SeedError as exc:
                logger.error("%s", exc)  # a bad seed is reported; the other sites go on
                continue
            add_jobs(self.scheduler, [site], self.db_path, self.seeds_dir)
            if path in self.seen:
                logger.info("seed changed: %s", site.id)
        self.seen = current


def next_runs(
    seeds_dir: str, now: datetime.datetime | None = None
) -> list[tuple[str, datetime.datetime | None]]:
    """(site id, next fire time) for every valid, enabled seed, soonest first."""
    now = now or datetime.datetime.now(datetime.UTC)
    found = []
    for path in seed_paths(Path(seeds_dir)):
        try:
            site = load_seed(path)
        except SeedError:
            continue
        if site.schedule.enabled:
            found.append((site.id, trigger_for(site).get_next_fire_time(None, now)))
    return sorted(found, key=lambda pair: (pair[1] is None, pair[1] or now))


def serve(seeds_dir: str, db_path: str, max_crawls: int = 4) -> None:
    """Run the scheduler until SIGTERM/SIGINT."""
    scheduler = build_scheduler(max_crawls)
    watcher = SeedWatcher(scheduler, seeds_dir, db_path)
    watcher.rescan()
    scheduler.add_job(
        watcher.rescan, "interval", seconds=RESCAN_SECONDS, id="_rescan_seeds", coalesce=True
    )
    stopping = threading.Event()

    def shutdown(signum, _frame) -> None:
        logger.info("signal %s: stopping the scheduler and its running crawls", signum)
        stopping.set()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    scheduler.start()
    logger.info(
        "scheduling %d sites from %s into %s", len(scheduler.get_jobs()) - 1, seeds_dir, db_path
    )
    stopping.wait()
    scheduler.shutdown(wait=False)
    CRAWLS.stop_all()
    logger.info("scheduler stopped")


def main(argv: list[str] | None = None) -> None:
    """`python scheduler.py [--seeds DIR] [--db FILE] [--max-crawls N] [--list]`, the same as
    `zwgk schedule` (the CLI imports this module; this module imports no CLI)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python scheduler.py", description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="seeds", help="folder of seed files")
    parser.add_argument("--db", default="archive.db", help="archive database file")
    parser.add_argument("--max-crawls", type=int, default=4, help="crawls running at the same time")
    parser.add_argument("--list", action="store_true", help="print each site's next run and exit")
    args = parser.parse_args(argv)
    run(args.seeds, args.db, args.max_crawls, args.list)


def run(seeds_dir: str, db_path: str, max_crawls: int = 4, list_only: bool = False) -> None:
    """Print each site's next run (`list_only`), or schedule until SIGTERM, logging to stderr."""
    if list_only:
        for site_id, when in next_runs(seeds_dir):
            print(f"{site_id:<24} {when.isoformat() if when else 'never'}")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    serve(seeds_dir, db_path, max_crawls)


if __name__ == "__main__":
    main()
