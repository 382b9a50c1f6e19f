"""Running crawls: one Scrapy CrawlerProcess for one or more sites, in this process.

Twisted's reactor cannot restart, so one process runs one batch; the scheduler and the tests
start `zwgk crawl` as a subprocess for each batch.
"""

from __future__ import annotations

from scrapy.crawler import Crawler, CrawlerProcess

from crawler.crawl.settings import base_settings, for_site
from crawler.sites.seeds import SiteConfig


def run_crawls(
    sites: list[SiteConfig],
    db_path: str,
    trigger: str = "manual",
    mode: str = "section",
    depth: int = 0,
    log_level: str = "INFO",
    overrides: dict[str, str] | None = None,
    walk: str = "auto",
    resume: bool = False,
) -> list[int]:
    """Crawl the sites (concurrently, politely per host) into the archive; return run ids."""
    settings = base_settings(db_path, trigger, log_level, overrides)
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
    return [
        c.spider.zwgk_run_id
        for c in crawlers
        if c.spider is not None and hasattr(c.spider, "zwgk_run_id")
    ]
