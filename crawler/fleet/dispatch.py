"""Putting site jobs on the queue: `zwgk enqueue`, and the function a scheduler calls.

The dispatcher runs next to archive.db. For each site it snapshots the site's slice of the
archive into the spool (crawler/fleet/shard.py) — the state the worker's incremental run reads —
and queues a job carrying the seed itself. A site gets no second job while one is queued or
running (the queue's site map) or while its delivered shard waits for `zwgk ingest`: each
site's runs then reach the archive in the order they were crawled, each from the state the
previous one left.

Rebuilding a lost queue is enqueueing again: the seeds say what to crawl and the run log what
was crawled already (`missing_since`: only sites with no run started since then).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from archive.read import Archive
from archive.records import utcnow
from crawler.crawl.hostgate import site_hosts
from crawler.fleet.exceptions import FleetError
from crawler.fleet.queue import CONNECTION_ERRORS, Job, JobQueue, connect, unreachable
from crawler.fleet.shard import ensure_spool, pending_shards, snapshot_state
from crawler.sites.seeds import SiteConfig


@dataclass
class Enqueued:
    jobs: list[Job] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # site id -> why not queued


def job_id(site_id: str, now: datetime | None = None) -> str:
    """<UTC time to the millisecond>-<site>-<random>: ids sort in the order jobs were made."""
    now = now or datetime.now(UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 1000:03d}Z"
    return f"{stamp}-{site_id}-{secrets.token_hex(3)}"


def shard_site(name: str) -> str:
    """The site id inside a job id or shard file name (site ids may hold '-')."""
    return name.removesuffix(".db").split("-", 1)[1].rsplit("-", 1)[0]


def make_job(site: SiteConfig, full: bool, trigger: str) -> Job:
    try:
        seed = Path(site.source).read_text("utf-8-sig")
    except OSError as exc:
        raise FleetError(
            f"{site.source}: cannot read the seed of {site.id} ({exc.strerror})"
        ) from exc
    return Job(
        id=job_id(site.id),
        site_id=site.id,
        seed=seed,
        seed_source=site.source,
        hosts=tuple(sorted(site_hosts(site))),
        delay=site.politeness.download_delay,
        walk="full" if full else "auto",
        trigger=trigger,
        enqueued_at=utcnow(),
    )


def _last_runs(db_path: str | Path) -> dict[str, str]:
    if not Path(db_path).is_file():
        return {}
    with Archive(db_path) as arc:
        rows = arc.conn.execute("SELECT site_id, max(started_at) FROM runs GROUP BY site_id")
        return {site: started for site, started in rows}


def enqueue_sites(
    redis_url: str,
    sites: list[SiteConfig],
    db_path: str | Path,
    spool: str | Path,
    full: bool = False,
    trigger: str = "fleet",
    prefix: str = "zwgk",
    missing_since: str | None = None,
) -> Enqueued:
    """Queue one job per site (see the module docstring); FleetError when the queue cannot be
    reached or the spool written."""
    dirs = ensure_spool(spool)
    queue = JobQueue(connect(redis_url), prefix)
    result = Enqueued()
    try:
        outstanding = queue.outstanding()
    except CONNECTION_ERRORS as exc:
        raise unreachable(redis_url, exc) from exc
    waiting = {shard_site(p.name): p.stem for p in pending_shards(spool)}
    last_run = _last_runs(db_path) if missing_since else {}
    for site in sites:
        if site.id in outstanding:
            result.skipped[site.id] = f"job {outstanding[site.id]} is queued or running"
            continue
        if site.id in waiting:
            result.skipped[site.id] = f"shard {waiting[site.id]} awaits zwgk ingest"
            continue
        if missing_since and (last_run.get(site.id) or "") >= missing_since:
            result.skipped[site.id] = f"crawled since {missing_since} ({last_run[site.id]})"
            continue
        job = make_job(site, full, trigger)
        state = dirs["state"] / f"{job.id}.db"
        info = {"shard_id": job.id, "site_id": site.id, "enqueued_at": job.enqueued_at}
        snapshot_state(db_path, site.id, state, info)
        try:
            entry = queue.add(job)
        except CONNECTION_ERRORS as exc:
            state.unlink(missing_ok=True)
            raise unreachable(redis_url, exc) from exc
        if entry is None:  # another dispatcher queued it meanwhile
            state.unlink(missing_ok=True)
            result.skipped[site.id] = "queued meanwhile by another dispatcher"
            continue
        result.jobs.append(job)
    return result
