"""Nightly incremental crawls: one APScheduler cron job per seed.

Each job runs `zwgk crawl --site ID --trigger schedule` as a subprocess, so every crawl gets a
fresh Twisted reactor and a crash in one site cannot take the scheduler down.

    python scheduler.py --seeds seeds --db archive.db
"""

from __future__ import annotations

import argparse
import datetime
import logging
import subprocess
import sys
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from crawler.seeds import SiteConfig, load_seeds

logger = logging.getLogger("zwgk.scheduler")
MISFIRE_GRACE_SECONDS = 6 * 3600  # a run missed by a few hours (machine asleep) still happens
CRAWL_TIME_LIMIT_SECONDS = 6 * 3600


def crawl_command(site_id: str, db_path: str, seeds_dir: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "crawler.cli",
        "crawl",
        "--site",
        site_id,
        "--trigger",
        "schedule",
        "--db",
        db_path,
        "--seeds",
        seeds_dir,
    ]


def run_site(site_id: str, db_path: str, seeds_dir: str) -> int:
    """One scheduled crawl in a subprocess; returns its exit status."""
    try:
        done = subprocess.run(
            crawl_command(site_id, db_path, seeds_dir),
            timeout=CRAWL_TIME_LIMIT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        logger.error("crawl of %s exceeded %ss and was stopped", site_id, CRAWL_TIME_LIMIT_SECONDS)
        return -1
    if done.returncode:
        logger.warning("crawl of %s ended with status %s", site_id, done.returncode)
    return done.returncode


def add_jobs(scheduler, sites: list[SiteConfig], db_path: str, seeds_dir: str) -> None:
    for site in sites:
        if not site.schedule.enabled:
            continue
        scheduler.add_job(
            run_site,
            CronTrigger.from_crontab(site.schedule.cron, timezone=site.schedule.timezone),
            args=[site.id, db_path, seeds_dir],
            id=site.id,
            name=f"crawl {site.id}",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
            replace_existing=True,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="seeds")
    parser.add_argument("--db", default="archive.db")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scheduler = BlockingScheduler(job_defaults={"max_instances": 1, "coalesce": True})
    add_jobs(scheduler, load_seeds(Path(args.seeds)), args.db, args.seeds)
    for job in scheduler.get_jobs():
        now = datetime.datetime.now(job.trigger.timezone)
        logger.info("%s: next run %s", job.id, job.trigger.get_next_fire_time(None, now))
    scheduler.start()


if __name__ == "__main__":
    main()
