"""Running crawls: one Scrapy CrawlerProcess for one or more sites, in this process.

Twisted's reactor cannot restart, so one process runs one batch; the scheduler and the tests
start `zwgk crawl` as a subprocess for each batch. Before Scrapy starts, the archive is opened
for writing once — created or migrated, and checked for damage (ZWGK_CHECK_ARCHIVE) — so that
an archive nobody can write gets one line, not a crawl.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy.crawler import Crawler, CrawlerProcess

from archive.writer import ArchiveWriter
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
    the failures that stopped any of them. Raises ArchiveError (one line) when the archive
    cannot be written at all."""
    settings = base_settings(db_path, trigger, log_level, overrides)
    check = settings.getbool("ZWGK_CHECK_ARCHIVE")
    ArchiveWriter(db_path, settings.getfloat("ZWGK_NEARDUP_THRESHOLD"), check=check).close()
    process = CrawlerProcess(settings)
    spider_class = process.spider_loader.load("portal")  # spiders/portal.py, via SPIDER_MODULES
    crawlers: list[Crawler] = []
    for index, site in enumerate(sites):
        site_settings = for_site(settings, site)
        # the first crawler installs the reactor its settings name (as CrawlerProcess does)
        crawler = Crawler(spider_class, site_settings, init_reactor=index == 0)
        crawlers.append(crawler)
        process.crawl(crawler, site=site, mode=mode, depth=depth, walk=walk, resume=resume)
    process.start()
    run_ids = [
        c.spider.zwgk_run_id
        for c in crawlers
        if c.spider is not None and getattr(c.spider, "zwgk_run_id", None) is not None
    ]
    failures = [
        failure
        for c in crawlers
        if c.stats is not None and (failure := c.stats.get_value("zwgk/archive_failure"))
    ]
    return CrawlResult(run_ids, list(dict.fromkeys(failures)))
