"""Nightly incremental crawls of every seed, in multi-site batches (crawler/nightly/).

Seeds that share a cron line and timezone make one night (nearly all seeds: "0 2 * * *"). When
a night fires, its seeds — read from the folder then, so seeds added, changed and removed take
effect — are grouped by host and packed into batches sized by a memory budget; each batch is
one `zwgk crawl` subprocess crawling many sites concurrently (a rolling window, so a thousand
portals never start at once), `--max-crawls` batches at a time, each site within its own time
limit. One night runs at a time (`max_instances=1`), missed nights coalesce and keep a misfire
grace of hours. Seeds are rescanned every minute on their own executor, so a rescan never waits
for crawls. A site's weekly full walk falls on its own weekday (crawler/history/walk.py).
SIGTERM stops the scheduler: no queued batch starts, running batches get SIGTERM (their runs are
closed as interrupted), and the process exits.

With `--redis URL --spool DIR` the scheduler is the fleet's dispatcher instead (docs/
distributed.md): a night's due sites are queued as site jobs for `zwgk worker`s on any number
of machines (crawler/nightly/dispatch.py), nothing is crawled here, and `zwgk ingest --watch`
beside the archive merges what the workers deliver.

    zwgk schedule [--seeds seeds] [--db archive.db] [--max-crawls 2] [--memory 3072]
    zwgk schedule --once     # tonight's job for every due seed, now; exits with a summary
    zwgk schedule --list     # each site's next run
    zwgk schedule --redis redis://queue:6379/0 --spool /srv/zwgk/spool   # dispatch to the fleet
"""

from __future__ import annotations

import argparse
import datetime
import logging
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from crawler.exceptions import SeedError
from crawler.nightly.batches import Sizing, cron_trigger, due_tonight, plan_batches
from crawler.nightly.dispatch import RETRY_SECONDS, Dispatch, enqueue_night
from crawler.nightly.run import (
    BATCH_TIME_LIMIT_SECONDS,
    SITE_TIME_LIMIT_SECONDS,
    Night,
    NightPlan,
    NightSummary,
)
from crawler.sites.seeds import SiteConfig, load_seed, seed_paths

logger = logging.getLogger("zwgk.scheduler")
MISFIRE_GRACE_SECONDS = 6 * 3600  # a night missed by a few hours (machine asleep) still happens
RESCAN_SECONDS = 60.0
MEMORY_MB = 3072  # all crawl processes together
MAX_CRAWLS = 2  # batch processes at once: one per core of the machines zwgk is sized for
BATCH_SITES = 500  # sites per batch: what one crashed process can lose


def night_key(site: SiteConfig) -> str:
    return f"{site.schedule.cron}|{site.schedule.timezone}"


def load_valid(seeds_dir: str) -> tuple[list[SiteConfig], dict[str, float]]:
    """The valid seeds of the folder (a bad one is logged; the others go on), and every seed
    file's mtime."""
    sites, mtimes = [], {}
    for path in seed_paths(Path(seeds_dir)):
        mtimes[str(path)] = path.stat().st_mtime
        try:
            sites.append(load_seed(path))
        except SeedError as exc:
            logger.error("%s", exc)
    return sites, mtimes


def run_night(plan: NightPlan, sites: list[SiteConfig], night: Night | None = None) -> NightSummary:
    """Crawl `sites` now, in batches; the summary is logged and returned."""
    sizing = plan.sizing
    batches = plan_batches(sites, sizing.max_sites, sizing.processes)
    logger.info(
        "night: %d sites in %d batches (%d processes, %d sites at once each)",
        len(sites), len(batches), sizing.processes, sizing.sites_at_once,
    )  # fmt: skip
    summary = (night or Night(plan)).run(batches)
    for line in summary.lines():
        logger.info("night: %s", line)
    return summary


@dataclass
class Scheduler:
    """APScheduler with one job per night (cron + timezone) and a seed rescan of its own."""

    seeds_dir: str
    plan: NightPlan
    rescan_seconds: float = RESCAN_SECONDS
    seen: dict[str, float] = field(default_factory=dict)  # seed path -> mtime
    nights: dict[str, list[str]] = field(default_factory=dict)  # night key -> site ids
    dispatch: Dispatch | None = None  # queue the nights for the fleet instead of crawling here
    current: Night | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopped: bool = False
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.aps = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(1), "rescan": ThreadPoolExecutor(1)},
            job_defaults={
                "max_instances": 1,
                "coalesce": True,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            },
        )

    def start(self, now: bool = False) -> None:
        """Rescan, schedule, start; with `now`, every night also runs once at once."""
        self.rescan()
        self.aps.add_job(
            self.rescan, "interval", seconds=self.rescan_seconds, id="_rescan_seeds",
            executor="rescan", coalesce=True,
        )  # fmt: skip
        if now:
            for key in self.nights:
                self.aps.add_job(self.fire, args=[key], id=f"now:{key}", name=f"night {key} now")
        self.aps.start()

    def rescan(self) -> None:
        """Bring the night jobs in step with the seed folder."""
        sites, mtimes = load_valid(self.seeds_dir)
        for path in set(self.seen) - set(mtimes):
            logger.info("seed removed: %s", Path(path).stem)
        for path, mtime in mtimes.items():
            if path in self.seen and self.seen[path] != mtime:
                logger.info("seed changed: %s", Path(path).stem)
            elif self.seen and path not in self.seen:
                logger.info("seed added: %s", Path(path).stem)
        self.seen = mtimes
        nights: dict[str, list[SiteConfig]] = {}
        for site in sites:
            if site.schedule.enabled:
                nights.setdefault(night_key(site), []).append(site)
        with self.lock:
            if self.stopped:
                return
            for key in set(self.nights) - set(nights):
                if self.aps.get_job(f"night:{key}"):
                    self.aps.remove_job(f"night:{key}")
            for key, members in nights.items():
                if key not in self.nights:
                    self.aps.add_job(
                        self.fire, cron_trigger(members[0]), args=[key], id=f"night:{key}",
                        name=f"night {key}", replace_existing=True,
                    )  # fmt: skip
            changed = {k: [s.id for s in v] for k, v in nights.items()} != self.nights
            self.nights = {k: [s.id for s in v] for k, v in nights.items()}
        if changed:
            for key, members in nights.items():
                job = self.aps.get_job(f"night:{key}")
                when = getattr(job, "next_run_time", None) if job else None
                logger.info(
                    "night %s: %d sites (%s), next %s", key, len(members),
                    " ".join(sorted(s.id for s in members)[:8])
                    + (" …" if len(members) > 8 else ""),
                    when.isoformat() if when else "when the scheduler starts",
                )  # fmt: skip

    def fire(self, key: str) -> None:
        """A night's job: its seeds as the folder holds them now."""
        sites = [
            s for s in load_valid(self.seeds_dir)[0] if s.schedule.enabled and night_key(s) == key
        ]
        if self.dispatch is not None:
            if sites and not self.stopping.is_set():
                done = enqueue_night(self.dispatch, self.plan.db_path, sites, self.stopping)
                for line in done.lines():
                    logger.info("night: %s", line)
            return
        with self.lock:
            if self.stopped or not sites:
                return
            self.current = Night(self.plan)
        try:
            run_night(self.plan, sites, self.current)
        finally:
            with self.lock:
                self.current = None

    def stop(self) -> None:
        """No night starts again; the running one stops its batches."""
        with self.lock:
            self.stopped = True
            night = self.current
        self.stopping.set()
        self.aps.shutdown(wait=False)
        if night is not None:
            night.stop()


def next_runs(
    seeds_dir: str, now: datetime.datetime | None = None
) -> list[tuple[str, datetime.datetime | None]]:
    """(site id, next night it is crawled) for every valid, enabled seed, soonest first."""
    now = now or datetime.datetime.now(datetime.UTC)
    found = []
    for path in seed_paths(Path(seeds_dir)):
        try:
            site = load_seed(path)
        except SeedError:
            continue
        if site.schedule.enabled:
            found.append((site.id, cron_trigger(site).get_next_fire_time(None, now)))
    return sorted(found, key=lambda pair: (pair[1] is None, pair[1] or now))


def on_signals(handler) -> None:
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def serve(
    seeds_dir: str,
    plan: NightPlan,
    now: bool = False,
    rescan: float = RESCAN_SECONDS,
    dispatch: Dispatch | None = None,
) -> None:
    """Schedule nights until SIGTERM/SIGINT, then stop the running one and return."""
    sched = Scheduler(seeds_dir, plan, rescan, dispatch=dispatch)
    stopping = threading.Event()

    def shutdown(signum, _frame) -> None:
        logger.info("signal %s: stopping the scheduler and its running crawls", signum)
        stopping.set()

    on_signals(shutdown)
    sched.start(now)
    where = f"the fleet at {dispatch.redis_url}" if dispatch else plan.db_path
    logger.info("scheduling %s into %s", seeds_dir, where)
    stopping.wait()
    sched.stop()
    logger.info("scheduler stopped")


def once(seeds_dir: str, plan: NightPlan, dispatch: Dispatch | None = None) -> int:
    """Tonight's job for every due seed, now, as the nightly run does it; the summary on stdout.
    Exit status 0 when every batch ended and every run finished (or stopped at a limit); with
    `dispatch`, when the sites were queued (one attempt)."""
    sites, _ = load_valid(seeds_dir)
    due = due_tonight(sites, datetime.datetime.now(datetime.UTC))
    if dispatch is not None:
        done = enqueue_night(dispatch, plan.db_path, due, once=True)
        for line in done.lines():
            print(line, flush=True)
        return 1 if done.error else 0
    night = Night(plan)
    on_signals(lambda *_: threading.Thread(target=night.stop, daemon=True).start())
    summary = run_night(plan, due, night)
    for line in summary.lines():
        print(line, flush=True)
    ok = ("finished", "stopped_at_limit", "stopped_at_time_limit")
    bad = sum(n for o, n in summary.outcomes.items() if o not in ok)
    return 0 if not (bad or summary.batches_failed or summary.batches_skipped) else 1


def run(
    seeds_dir: str,
    db_path: str,
    max_crawls: int = MAX_CRAWLS,
    list_only: bool = False,
    once_only: bool = False,
    memory_mb: float = MEMORY_MB,
    batch_sites: int = BATCH_SITES,
    site_time_limit: float = SITE_TIME_LIMIT_SECONDS,
    now: bool = False,
    rescan: float = RESCAN_SECONDS,
    overrides: tuple[str, ...] = (),
    redis_url: str | None = None,
    spool: str = "spool",
    retry: float = RETRY_SECONDS,
    prefix: str | None = None,  # the fleet's Redis key prefix (ZWGK_FLEET_PREFIX)
) -> int:
    """`zwgk schedule`: list, run tonight once, or schedule until SIGTERM (logging to stderr);
    with `redis_url`, nights are queued for the fleet's workers rather than crawled here."""
    if list_only:
        for site_id, when in next_runs(seeds_dir):
            print(f"{site_id:<24} {when.isoformat() if when else 'never'}")
        return 0
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    plan = NightPlan(
        db_path, seeds_dir, Sizing.for_budget(memory_mb, max_crawls, batch_sites),
        site_time_limit, max(BATCH_TIME_LIMIT_SECONDS, 2 * site_time_limit), overrides,
    )  # fmt: skip
    dispatch = None
    if redis_url:
        from crawler.crawl.settings import ZWGK_FLEET_PREFIX

        dispatch = Dispatch(redis_url, spool, prefix or ZWGK_FLEET_PREFIX, retry)
    if once_only:
        return once(seeds_dir, plan, dispatch)
    serve(seeds_dir, plan, now, rescan, dispatch)
    return 0


def main(argv: list[str] | None = None) -> None:
    """`python scheduler.py …`, the same as `zwgk schedule …` (the CLI imports this module;
    this module imports no CLI)."""
    parser = argparse.ArgumentParser(prog="python scheduler.py", description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="seeds", help="folder of seed files")
    parser.add_argument("--db", default="archive.db", help="archive database file")
    parser.add_argument(
        "--max-crawls", type=int, default=MAX_CRAWLS, help="batch processes at once"
    )
    parser.add_argument(
        "--memory", type=float, default=MEMORY_MB, help="MB for all crawl processes"
    )
    parser.add_argument("--batch-sites", type=int, default=BATCH_SITES, help="sites per batch")
    parser.add_argument("--site-time-limit", type=float, default=SITE_TIME_LIMIT_SECONDS)
    parser.add_argument("--once", action="store_true", help="run tonight's job now and exit")
    parser.add_argument("--now", action="store_true", help="also run every night once at start")
    parser.add_argument("--list", action="store_true", help="print each site's next run and exit")
    parser.add_argument("--redis", help="queue the nights for the fleet on this Redis/Valkey")
    parser.add_argument("--spool", default="spool", help="the fleet's spool folder")
    parser.add_argument("--retry", type=float, default=RETRY_SECONDS, help="seconds between tries")
    args = parser.parse_args(argv)
    sys.exit(
        run(args.seeds, args.db, args.max_crawls, args.list, args.once, args.memory,
            args.batch_sites, args.site_time_limit, args.now, redis_url=args.redis,
            spool=args.spool, retry=args.retry)
    )  # fmt: skip


if __name__ == "__main__":
    main()
