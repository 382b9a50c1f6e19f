"""A night's batches as `zwgk crawl` subprocesses, a few at a time, and what they archived.

Each batch is one `zwgk crawl --site A --site B … --trigger schedule` process (a fresh Twisted
reactor; a crash loses that batch only), crawling ZWGK_SITES_AT_ONCE of its sites at a time, each
within ZWGK_SITE_TIME_LIMIT. `stop()` (SIGTERM to the scheduler) starts no further batch, sends
SIGTERM to the running ones (Scrapy closes their runs as interrupted, starts no further site) and
kills what has not ended after a grace period.
"""

from __future__ import annotations

import datetime
import logging
import signal
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from archive.exceptions import ArchiveError
from archive.read import open_archive
from crawler.nightly.batches import Sizing

logger = logging.getLogger("zwgk.scheduler")
SITE_TIME_LIMIT_SECONDS = 2 * 3600  # one site's share of a night
BATCH_TIME_LIMIT_SECONDS = 12 * 3600  # a batch process that hangs is killed after this
STOP_GRACE_SECONDS = 60  # after SIGTERM, a batch gets this long to close its runs


@dataclass(frozen=True)
class NightPlan:
    db_path: str
    seeds_dir: str
    sizing: Sizing
    site_time_limit: float = SITE_TIME_LIMIT_SECONDS
    batch_time_limit: float = BATCH_TIME_LIMIT_SECONDS
    overrides: tuple[str, ...] = ()  # NAME=VALUE settings for every batch (`--set`)

    def command(self, site_ids: list[str]) -> list[str]:
        settings = (
            f"ZWGK_SITES_AT_ONCE={self.sizing.sites_at_once}",
            f"ZWGK_SITE_TIME_LIMIT={self.site_time_limit:g}",
            *self.overrides,
        )
        return [
            sys.executable, "-m", "crawler.cli", "crawl", "--trigger", "schedule",
            "--db", self.db_path, "--seeds", self.seeds_dir,
            *(arg for s in site_ids for arg in ("--site", s)),
            *(arg for s in settings for arg in ("--set", s)),
        ]  # fmt: skip


@dataclass
class NightSummary:
    batches: int = 0
    batches_failed: int = 0  # exit status other than 0 or 1 (1: some run did not finish)
    batches_skipped: int = 0  # not started: the scheduler was stopped
    sites: int = 0
    outcomes: Counter = field(default_factory=Counter)
    pages: int = 0
    documents_new: int = 0
    documents_changed: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        outcomes = ", ".join(f"{n} {o}" for o, n in sorted(self.outcomes.items())) or "none"
        return [
            f"{self.sites} sites in {self.batches} batches, {self.seconds:.0f} s"
            + (f"; {self.batches_failed} batches crashed" if self.batches_failed else "")
            + (f"; {self.batches_skipped} not started (stopped)" if self.batches_skipped else ""),
            f"runs: {outcomes}",
            f"pages fetched {self.pages}, documents new {self.documents_new}, "
            f"changed {self.documents_changed}",
        ]


class Night:
    """Runs one night's batches, `sizing.processes` at a time; `stop()` from any thread."""

    def __init__(self, plan: NightPlan) -> None:
        self.plan = plan
        self.stopping = threading.Event()
        self.running: dict[int, subprocess.Popen] = {}
        self.lock = threading.Lock()

    def run(self, batches: list[list[str]]) -> NightSummary:
        started = datetime.datetime.now(datetime.UTC)
        summary = NightSummary(batches=len(batches), sites=sum(len(b) for b in batches))
        with ThreadPoolExecutor(self.plan.sizing.processes, thread_name_prefix="batch") as pool:
            statuses = list(pool.map(self._run_batch, range(len(batches)), batches))
        summary.batches_skipped = statuses.count(None)
        summary.batches_failed = sum(1 for s in statuses if s not in (None, 0, 1))
        summary.seconds = (datetime.datetime.now(datetime.UTC) - started).total_seconds()
        self._count_runs(summary, started, {s for b in batches for s in b})
        return summary

    def _run_batch(self, number: int, site_ids: list[str]) -> int | None:
        with self.lock:
            if self.stopping.is_set():
                return None
            # the batch's log goes to stderr with the scheduler's; its run table is not printed
            proc = subprocess.Popen(self.plan.command(site_ids), stdout=subprocess.DEVNULL)
            self.running[number] = proc
        logger.info("batch %d: %d sites (pid %d)", number + 1, len(site_ids), proc.pid)
        try:
            status = proc.wait(timeout=self.plan.batch_time_limit)
        except subprocess.TimeoutExpired:
            logger.error(
                "batch %d exceeded %ss: stopping it", number + 1, self.plan.batch_time_limit
            )
            status = _stop(proc)
        finally:
            with self.lock:
                self.running.pop(number, None)
        if status not in (0, 1):
            logger.error("batch %d ended with status %s: its sites' runs are closed as killed "
                         "by their next run", number + 1, status)  # fmt: skip
        return status

    def stop(self) -> None:
        """No further batch starts; running ones get SIGTERM, then SIGKILL after the grace."""
        with self.lock:
            self.stopping.set()
            procs = list(self.running.values())
        threads = [threading.Thread(target=_stop, args=(p,)) for p in procs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _count_runs(self, summary: NightSummary, since: datetime.datetime, sites: set[str]) -> None:
        stamp = since.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        try:
            with open_archive(self.plan.db_path) as arc:
                runs = [
                    r
                    for r in arc.runs(limit=4 * len(sites) + 10)
                    if r.trigger == "schedule" and r.started_at >= stamp and r.site_id in sites
                ]
        except ArchiveError as exc:
            logger.error("the night's runs could not be read: %s", exc)
            return
        for r in runs:
            summary.outcomes[r.outcome] += 1
            summary.pages += r.pages_fetched
            summary.documents_new += r.documents_new
            summary.documents_changed += r.documents_changed


def _stop(proc: subprocess.Popen) -> int:
    if proc.poll() is not None:
        return proc.returncode
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()
