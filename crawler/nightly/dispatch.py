"""A night handed to the fleet: the due sites queued for `zwgk worker`s instead of crawled here.

With `zwgk schedule --redis URL --spool DIR`, the scheduler is the fleet's dispatcher
(docs/distributed.md): when a night fires, its seeds go through crawler.fleet.dispatch.
enqueue_sites — one job per site, each with its state snapshot in the spool — and the workers
crawl them; `zwgk ingest --watch` beside the archive merges what they deliver. A site whose job
is still queued or running, or whose shard awaits ingest, is not queued twice.

A queue server that cannot be reached does not lose the night: the dispatcher tries again every
`retry_seconds` until `give_up_after`, and each attempt queues only the sites with no job
outstanding and no run started since the night fired — so a server that came back empty (the
queue lost) is refilled from the seeds and the run log, and one that kept its jobs gets no
second copy.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from archive.records import utcnow
from crawler.sites.seeds import SiteConfig

logger = logging.getLogger("zwgk.scheduler")
RETRY_SECONDS = 60.0
GIVE_UP_AFTER_SECONDS = 6 * 3600  # as long as a missed night may still run (misfire grace)


@dataclass(frozen=True)
class Dispatch:
    redis_url: str
    spool: str
    prefix: str = "zwgk"
    retry_seconds: float = RETRY_SECONDS
    give_up_after: float = GIVE_UP_AFTER_SECONDS


@dataclass
class Dispatched:
    sites: int = 0
    queued: int = 0
    skipped: dict[str, str] = field(default_factory=dict)  # site id -> why not queued
    attempts: int = 0
    error: str = ""  # the last failure when the night could not be queued

    def lines(self) -> list[str]:
        if self.error:
            tries = f"{self.attempts} attempt" + ("s" if self.attempts != 1 else "")
            return [f"{self.sites} sites: not queued after {tries}: {self.error}"]
        found = [f"{self.sites} sites: {self.queued} queued for the fleet, "
                 f"{len(self.skipped)} skipped"]  # fmt: skip
        found += [f"skipped {site}: {why}" for site, why in sorted(self.skipped.items())]
        return found


def enqueue_night(
    dispatch: Dispatch,
    db_path: str,
    sites: list[SiteConfig],
    stopping: threading.Event | None = None,
    once: bool = False,
) -> Dispatched:
    """Queue the night's sites; with `once`, a single attempt. Never raises for the queue."""
    from crawler.fleet.dispatch import enqueue_sites
    from crawler.fleet.exceptions import FleetError

    stopping = stopping or threading.Event()
    fired = utcnow()
    deadline = time.monotonic() + dispatch.give_up_after
    done = Dispatched(sites=len(sites))
    while True:
        done.attempts += 1
        try:
            result = enqueue_sites(
                dispatch.redis_url, sites, db_path, dispatch.spool, full=False,
                trigger="schedule", prefix=dispatch.prefix, missing_since=fired,
            )  # fmt: skip
        except FleetError as exc:
            done.error = str(exc)
            if once or time.monotonic() >= deadline:
                logger.error("night: %s; the night's sites are not queued", exc)
                return done
            logger.error("night: %s; trying again in %g s", exc, dispatch.retry_seconds)
            if stopping.wait(dispatch.retry_seconds):
                return done
            continue
        done.error, done.queued, done.skipped = "", len(result.jobs), result.skipped
        for job in result.jobs:
            logger.info("queued %s: job %s (%s walk)", job.site_id, job.id, job.walk)
        return done
