"""`zwgk enqueue`, `zwgk worker`, `zwgk ingest`, `zwgk fleet`: distributed mode (crawler/fleet/,
docs/distributed.md)."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from crawler.cli.options import db_option, overrides_dict, seeds_option, set_option
from crawler.cli.options import verbose_option as verbose

redis_option = click.option(
    "--redis",
    "redis_url",
    envvar="ZWGK_REDIS_URL",
    default="redis://127.0.0.1:6379/0",
    show_default=True,
    help="The Redis/Valkey server holding the queue (or $ZWGK_REDIS_URL).",
)
spool_option = click.option(
    "--spool",
    default="spool",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder every machine sees (NFS or rsync): state snapshots and delivered shards.",
)


def _settings(overrides: tuple[str, ...]):
    from crawler.crawl.settings import base_settings

    return base_settings("archive.db", "fleet", overrides=overrides_dict(overrides))


def _stop_on_sigterm(stop) -> None:
    signal.signal(signal.SIGTERM, lambda *_: stop())


@click.command()
@click.option("--site", "site_ids", multiple=True, metavar="ID", help="Site to queue (repeatable).")
@click.option("--all", "all_sites", is_flag=True, help="Queue every seeded site.")
@click.option("--full", is_flag=True, help="Full walks (default: incremental, full when due).")
@click.option(
    "--missing-since",
    metavar="DATE",
    help="Only sites with no run started since DATE (rebuilding a lost queue from the run log).",
)
@click.option("--trigger", default="fleet", show_default=True, help="Recorded on the runs.")
@redis_option
@spool_option
@seeds_option
@db_option
@set_option
def enqueue(site_ids, all_sites, full, missing_since, trigger, redis_url, spool, seeds_dir,
            db_path, overrides) -> None:  # fmt: skip
    """Queue site jobs for the fleet's workers, snapshotting each site's state from the archive.

    A site whose job is queued or running, or whose shard awaits ingest, is not queued again;
    after losing the queue server, running this again rebuilds the queue.

    \b
    Example:
        zwgk enqueue --all --redis redis://queue:6379/0 --spool /srv/zwgk/spool
        zwgk enqueue --site sample --full
    """
    from crawler.fleet.dispatch import enqueue_sites
    from crawler.sites.seeds import find_site, load_seeds

    if all_sites == bool(site_ids):
        raise click.UsageError("give --site ID (one or more) or --all")
    folder = Path(seeds_dir)
    sites = load_seeds(folder) if all_sites else [find_site(folder, s) for s in site_ids]
    prefix = _settings(overrides).get("ZWGK_FLEET_PREFIX")
    result = enqueue_sites(
        redis_url, sites, db_path, spool, full, trigger, prefix, missing_since=missing_since
    )
    for job in result.jobs:
        click.echo(f"queued  {job.site_id:<20} job {job.id}  ({job.walk} walk)")
    for site_id, why in result.skipped.items():
        click.echo(f"skipped {site_id:<20} {why}")
    click.echo(f"{len(result.jobs)} queued, {len(result.skipped)} skipped")


@click.command()
@redis_option
@spool_option
@click.option(
    "--workdir",
    default="zwgk-work",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Local folder for the shards being crawled and the crawls' logs (not on NFS).",
)
@click.option("--until-idle", is_flag=True, help="Exit once nothing is queued or running.")
@set_option
@verbose
def worker(redis_url, spool, workdir, until_idle, overrides, verbose) -> None:
    """Take site jobs from the queue, crawl each into a run shard, deliver it to the spool.

    One host is never crawled by two workers at once (a lease per host, renewed while
    crawling); a job whose worker died is taken again once its lease (ZWGK_FLEET_LEASE) runs
    out. Run one worker per core or two on each machine; they need the spool, not the archive.

    \b
    Example:
        zwgk worker --redis redis://queue:6379/0 --spool /srv/zwgk/spool
    """
    from crawler.fleet.worker import Worker, WorkerConfig

    settings = _settings(overrides)
    config = WorkerConfig(
        redis_url=redis_url,
        spool=Path(spool),
        workdir=Path(workdir),
        lease_seconds=settings.getfloat("ZWGK_FLEET_LEASE"),
        prefix=settings.get("ZWGK_FLEET_PREFIX"),
        neardup_threshold=settings.getfloat("ZWGK_NEARDUP_THRESHOLD"),
        overrides=overrides_dict(overrides),
        until_idle=until_idle,
        log_level="DEBUG" if verbose else "INFO",
    )
    runner = Worker(config, say=lambda line: click.echo(line) or sys.stdout.flush())
    _stop_on_sigterm(runner.stop)
    runner.run()


@click.command()
@spool_option
@db_option
@click.option(
    "--watch",
    type=float,
    metavar="SECONDS",
    help="Keep going: look for new shards every SECONDS (until SIGTERM or Ctrl-C).",
)
@click.option("--keep", is_flag=True, help="Keep merged shards in SPOOL/ingested/.")
def ingest(spool, db_path, watch, keep) -> None:
    """Merge the shards workers delivered into the archive, in job order, one transaction each.

    Every shard's recorded archive writes are replayed through the archive writer, so versions,
    events, clusters and the search index come out as a local crawl makes them. A shard merged
    before is skipped; an ingest killed mid-merge leaves nothing of that shard and merges it on
    the next run.

    \b
    Example:
        zwgk ingest --db archive.db --spool /srv/zwgk/spool
        zwgk ingest --watch 30
    """
    import threading

    from crawler.cli.options import print_runs
    from crawler.fleet.ingest import ingest_spool

    stopping = threading.Event()
    _stop_on_sigterm(stopping.set)

    def begin(shard_id: str) -> None:
        click.echo(f"ingesting {shard_id}")
        sys.stdout.flush()

    def done(result) -> None:
        if result.status == "ingested":
            click.echo(f"merged {result.shard_id}: run {result.run_id}, {result.entries} writes")
        elif result.status == "already":
            click.echo(f"{result.shard_id}: merged before, nothing to do")
        else:
            click.echo(f"{result.shard_id}: refused, a later shard of {result.site_id} is merged")
        sys.stdout.flush()

    while True:
        results = ingest_spool(db_path, spool, keep, begin, done)
        run_ids = [r.run_id for r in results if r.run_id is not None]
        if run_ids:
            print_runs(db_path, run_ids)
        elif watch is None:
            click.echo("no shard to merge")
        if watch is None or stopping.wait(watch):
            return


@click.command()
@redis_option
@spool_option
@set_option
def fleet(redis_url, spool, overrides) -> None:
    """Show the fleet: jobs queued and running, host leases, worker heartbeats, ingest backlog.

    \b
    Example:
        zwgk fleet --redis redis://queue:6379/0 --spool /srv/zwgk/spool
    """
    from crawler.fleet.status import fleet_status

    status = fleet_status(redis_url, spool, _settings(overrides).get("ZWGK_FLEET_PREFIX"))
    click.echo(f"queued: {len(status.queued)}")
    for job in status.queued[:20]:
        click.echo(f"  {job.site_id:<20} {job.id}  ({job.walk} walk)")
    click.echo(f"running: {len(status.running)}")
    for job, worker_id, idle in status.running:
        click.echo(f"  {job.site_id:<20} {job.id}  on {worker_id}, touched {idle / 1000:.1f} s ago")
    click.echo(f"leases: {len(status.leases)}")
    for host, (holder, left) in sorted(status.leases.items()):
        click.echo(f"  {host:<24} {holder}  ({left / 1000:.1f} s left)")
    click.echo(f"workers: {len(status.workers)}")
    for worker_id, beat in sorted(status.workers.items()):
        doing = f"{beat.get('site')} ({beat.get('job')})" if beat.get("job") else ""
        click.echo(
            f"  {worker_id:<24} {beat.get('state', '?'):<9} {doing}  seen {beat.get('seen_at')}, "
            f"{beat.get('jobs_done', 0)} jobs done"
        )
    total = sum(size for _, _, size in status.backlog)
    click.echo(f"ingest backlog: {len(status.backlog)} shards, {total / 1e6:.1f} MB")
    for shard_id, site_id, size in status.backlog[:20]:
        click.echo(f"  {site_id:<20} {shard_id}  {size / 1e6:.1f} MB")


COMMANDS = [enqueue, worker, ingest, fleet]
