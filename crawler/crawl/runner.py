"""Running crawls: one Scrapy CrawlerProcess for one or more sites, in this process.

Twisted's reactor cannot restart, so one process runs one batch (ZWGK_SITES_AT_ONCE of its sites
at a time; hosts several of its sites share get one HostGate; its document pages are extracted in
one ExtractionPool of worker processes); the scheduler and the tests
start `zwgk crawl` as a subprocess for each batch. Before Scrapy starts, the archive is opened
for writing once — created or migrated, and checked for damage (ZWGK_CHECK_ARCHIVE) — so that
an archive nobody can write gets one line, not a crawl.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy.crawler import Crawler, CrawlerProcess

from archive.writer import ArchiveWriter
from crawler.crawl.hostgate import HostGate
from crawler.crawl.offload import ExtractionPool
from crawler.crawl.settings import base_settings, for_site
from crawler.sites.seeds import SiteConfig


@dataclass(frozen=True)
class CrawlResult:
    run_ids: list[int]
    failures: list[str] = field(default_factory=list)  # why a crawl stopped (an archive write)


def run_crawls(
    sites: list[SiteConfig],
    db_path: str,
    trigger: str = "manual",
    mode: str = "section",
    depth: int = 0,
    log_level: str = "INFO",
    overrides: dict[str, object] | None = None,
    walk: str = "auto",
    resume: bool = False,
) -> CrawlResult:
    """Crawl the sites (concurrently, politely per host) into the archive: their run ids, and
    the failures that stopped any of them. With ZWGK_SITES_AT_ONCE, at most that many sites
    crawl at the same time, the next starting as one ends. Raises ArchiveError (one line) when
    the archive cannot be written at all."""
    settings = base_settings(db_path, trigger, log_level, overrides)
    check = settings.getbool("ZWGK_CHECK_ARCHIVE")
    ArchiveWriter(db_path, settings.getfloat("ZWGK_NEARDUP_THRESHOLD"), check=check).close()
    process = CrawlerProcess(settings)
    spider_class = process.spider_loader.load("portal")  # spiders/portal.py, via SPIDER_MODULES
    gate = HostGate.for_sites(sites, every_host=settings.getbool("ZWGK_GATE_EVERY_HOST"))
    workers = settings.getint("ZWGK_EXTRACT_WORKERS")
    pool = ExtractionPool(workers) if workers > 0 else None
    run_ids: list[int] = []
    failures: list[str] = []
    waiting = list(reversed(sites))
    started = [0]

    def start_next(_result=None):
        if not waiting:
            return _result
        site = waiting.pop()
        site_settings = for_site(settings, site)
        if gate:
            site_settings.set("ZWGK_HOST_GATE", gate, priority="spider")
        if pool is not None:
            site_settings.set("ZWGK_EXTRACT_POOL", pool, priority="spider")
        # the first crawler installs the reactor its settings name (as CrawlerProcess does)
        crawler = Crawler(spider_class, site_settings, init_reactor=started[0] == 0)
        started[0] += 1
        done = process.crawl(crawler, site=site, mode=mode, depth=depth, walk=walk, resume=resume)
        done.addBoth(collect, crawler)
        done.addBoth(start_next)  # a finished crawler is dropped: memory stays flat
        return _result

    def collect(result, crawler: Crawler):
        spider = crawler.spider
        if spider is not None and getattr(spider, "zwgk_run_id", None) is not None:
            run_ids.append(spider.zwgk_run_id)
        if crawler.stats is not None and (
            failure := crawler.stats.get_value("zwgk/archive_failure")
        ):
            failures.append(failure)
        if crawler.stats is not None and crawler.stats.get_value("finish_reason") == "shutdown":
            waiting.clear()  # SIGTERM/Ctrl-C: the sites not started yet are not started
        return result

    at_once = settings.getint("ZWGK_SITES_AT_ONCE") or len(sites)
    for _ in range(min(at_once, len(sites))):
        start_next()
    if pool is not None:
        pool.ready()
    try:
        process.start()
    finally:
        if pool is not None:
            pool.close()
    return CrawlResult(run_ids, list(dict.fromkeys(failures)))
