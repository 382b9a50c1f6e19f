"""`zwgk demo`, `crawl`, `fetch` and `schedule`: running crawls."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archive.exceptions import ArchiveError
from archive.read import open_archive
from crawler.cli.options import (
    db_option,
    log_level,
    overrides_dict,
    print_runs,
    seeds_option,
    set_option,
    verbose_option,
)
from crawler.exceptions import ZwgkError

if TYPE_CHECKING:
    from crawler.crawl.runner import CrawlResult


def report(db_path: str, result: CrawlResult, list_documents: bool = False) -> bool:
    """Print the runs; True when every run finished. A crawl stopped by a failed archive write
    ends the command instead: its runs where the archive can still be read, then one line
    naming the cause (exit status 1)."""
    if result.failures:
        if result.run_ids:
            with contextlib.suppress(ArchiveError):
                print_runs(db_path, result.run_ids, list_documents)
        raise ZwgkError(f"the crawl stopped: {result.failures[0]}")
    return print_runs(db_path, result.run_ids, list_documents)


@click.command()
@db_option
@click.option(
    "--revision", default=1, show_default=True, help="Revision of the sample portal to serve."
)
@verbose_option
def demo(db_path: str, revision: int, verbose: bool) -> None:
    """Serve the bundled sample county portal on 127.0.0.1, crawl it, print what was archived.

    \b
    Example:
        zwgk demo --db /tmp/demo.db
    """
    from crawler.crawl.runner import run_crawls
    from crawler.sample_portal import SEED_FILE, start_server
    from crawler.sites.seeds import load_seed

    with resources.as_file(resources.files("crawler.sample_portal") / SEED_FILE) as path:
        site = load_seed(path)
    try:  # the seed's own port, so that repeated demos re-crawl the same URLs
        server, base_url = start_server(
            revision=revision, port=int(site.start_urls[0].split(":")[2].split("/")[0])
        )
    except OSError:
        server, base_url = start_server(revision=revision)
    try:
        click.echo(f"serving the sample portal at {base_url} (revision {revision})")
        level = "DEBUG" if verbose else "WARNING"  # the demo prints its own summary
        result = run_crawls(
            [site.rebased(base_url)], db_path, trigger="demo", log_level=level, walk="full"
        )
    finally:
        server.shutdown()
    report(db_path, result, list_documents=True)


@click.command()
@click.option("--site", "site_ids", multiple=True, help="Site id (repeatable).")
@click.option("--all", "all_sites", is_flag=True, help="Crawl every seeded site.")
@click.option(
    "--trigger",
    default="manual",
    show_default=True,
    help="Recorded on the run: manual, schedule, …",
)
@click.option(
    "--full/--incremental",
    "full",
    default=None,
    help="Revisit every list page and known document (conditional requests), or stop paging at "
    "known items. Default: a full walk on the site's own day of the week (ZWGK_FULL_WALK_DAYS: "
    "7), or when a week passed without one.",
)
@click.option("--resume", is_flag=True, help="Continue the site's last interrupted or killed run.")
@seeds_option
@db_option
@set_option
@verbose_option
def crawl(
    site_ids: tuple[str, ...],
    all_sites: bool,
    trigger: str,
    full: bool | None,
    resume: bool,
    seeds_dir: str,
    db_path: str,
    overrides: tuple[str, ...],
    verbose: bool,
) -> None:
    """Crawl seeded portals' 政务公开 sections into the archive.

    \b
    Example:
        zwgk crawl --site sample --db archive.db
        zwgk crawl --all
    """
    from crawler.crawl.runner import run_crawls
    from crawler.sites.seeds import find_site, load_seeds

    if all_sites == bool(site_ids):
        raise click.UsageError("give --site ID (one or more) or --all")
    folder = Path(seeds_dir)
    sites = load_seeds(folder) if all_sites else [find_site(folder, s) for s in site_ids]
    walk = "auto" if full is None else "full" if full else "incremental"
    result = run_crawls(
        sites,
        db_path,
        trigger=trigger,
        log_level=log_level(verbose),
        overrides=overrides_dict(overrides),
        walk=walk,
        resume=resume,
    )
    if not report(db_path, result):
        sys.exit(1)


@click.command()
@click.argument("urls", nargs=-1, required=True)
@click.option(
    "--depth",
    default=0,
    show_default=True,
    help="Also archive pages linked from it on its host, N hops deep.",
)
@seeds_option
@db_option
@set_option
@verbose_option
def fetch(
    urls: tuple[str, ...],
    depth: int,
    seeds_dir: str,
    db_path: str,
    overrides: tuple[str, ...],
    verbose: bool,
) -> None:
    """Fetch pages now and archive each as a document (robots.txt still applies).

    \b
    Example:
        zwgk fetch http://127.0.0.1:8765/zwgk/fzzf/202402/t20240227_1001.html
    """
    from crawler.crawl.runner import run_crawls
    from crawler.discovery import canonical_url
    from crawler.sites.seeds import SiteConfig, adhoc_site, load_seeds, site_for_url

    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise ZwgkError(f"{url!r} is not an http(s) URL")
    seeded = load_seeds(Path(seeds_dir)) if Path(seeds_dir).is_dir() else []
    groups: dict[str, tuple[SiteConfig, list[str]]] = {}
    for url in urls:
        site = site_for_url(url, seeded) or adhoc_site(url)
        groups.setdefault(site.id, (site, []))[1].append(url)
    fetch_sites = [
        dataclasses.replace(site, start_urls=tuple(site_urls))
        for site, site_urls in groups.values()
    ]
    result = run_crawls(
        fetch_sites,
        db_path,
        trigger="fetch",
        mode="fetch",
        depth=depth,
        log_level=log_level(verbose),
        overrides=overrides_dict(overrides),
    )
    finished = report(db_path, result, list_documents=True)
    with open_archive(db_path) as arc:
        done = arc.archived_urls(result.run_ids)
    missing = [u for u in urls if u not in done and canonical_url(u) not in done]
    for url in missing:
        click.echo(f"not archived: {url}", err=True)
    if missing or not finished:
        sys.exit(1)


@click.command()
@click.option("--list", "list_only", is_flag=True, help="Print each site's next run time and exit.")
@click.option(
    "--once", "once_only", is_flag=True,
    help="Run tonight's job for every due seed now (no waiting), print a summary and exit.",
)  # fmt: skip
@click.option("--now", is_flag=True, help="Also run every night once when the scheduler starts.")
@click.option(
    "--max-crawls", default=2, show_default=True, help="Batch crawl processes at the same time."
)
@click.option(
    "--memory", "memory_mb", default=3072.0, show_default=True,
    help="MB all crawl processes may use together; sizes how many sites each crawls at once.",
)  # fmt: skip
@click.option(
    "--batch-sites", default=500, show_default=True,
    help="Sites per batch process (what one crashed process can lose).",
)  # fmt: skip
@click.option(
    "--site-time-limit", default=7200.0, show_default=True,
    help="Seconds one site's crawl may take; then it stops (recorded) and the batch goes on.",
)  # fmt: skip
@click.option(
    "--rescan", default=60.0, show_default=True, help="Seconds between rescans of the seed folder."
)
@click.option(
    "--redis", "redis_url", metavar="URL",
    help="Be the fleet's dispatcher: queue each night's sites on this Redis/Valkey for "
    "`zwgk worker`s instead of crawling them here.",
)  # fmt: skip
@click.option(
    "--spool", default="spool", show_default=True, type=click.Path(file_okay=False),
    help="With --redis: the fleet's spool folder (state snapshots, delivered shards).",
)  # fmt: skip
@click.option(
    "--retry", default=60.0, show_default=True,
    help="With --redis: seconds between attempts to reach a queue server that is down.",
)  # fmt: skip
@seeds_option
@db_option
@set_option
def schedule(
    list_only: bool,
    once_only: bool,
    now: bool,
    max_crawls: int,
    memory_mb: float,
    batch_sites: int,
    site_time_limit: float,
    rescan: float,
    redis_url: str | None,
    spool: str,
    retry: float,
    seeds_dir: str,
    db_path: str,
    overrides: tuple[str, ...],
) -> None:
    """Run the nightly crawls of every seed (APScheduler; sites in multi-site batch processes).

    \b
    Example:
        zwgk schedule --list
        zwgk schedule --once --seeds seeds --db archive.db
        zwgk schedule --seeds seeds --db archive.db --max-crawls 2 --memory 3072
        zwgk schedule --redis redis://queue:6379/0 --spool /srv/zwgk/spool   # the fleet's
    """
    import scheduler

    if not Path(seeds_dir).is_dir():
        raise ZwgkError(f"{seeds_dir}: no such seed folder")
    try:
        status = scheduler.run(
            seeds_dir, db_path, max_crawls, list_only, once_only, memory_mb, batch_sites,
            site_time_limit, now, rescan, overrides, redis_url, spool, retry,
            overrides_dict(overrides).get("ZWGK_FLEET_PREFIX"),
        )  # fmt: skip
    except ValueError as exc:
        raise ZwgkError(str(exc)) from None
    if status:
        sys.exit(status)


COMMANDS = (demo, crawl, fetch, schedule)
