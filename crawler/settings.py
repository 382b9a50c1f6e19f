"""Scrapy settings for every zwgk crawl: the one settings system.

Our own settings carry the ZWGK_ prefix. Per-site values from a seed's [politeness] table
are layered on top by `for_site`, at 'spider' priority.
"""

from __future__ import annotations

from scrapy.settings import Settings

from crawler import __version__
from crawler.seeds import SiteConfig

BOT_NAME = "zwgk"
# An honest User-Agent: who we are and where to read about it.
USER_AGENT = f"zwgk/{__version__} (archival crawler for 政务公开 pages; +https://github.com/zwgk-archive/zwgk)"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Politeness. robots.txt is always obeyed; seeds may slow a site down, never speed past these.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16  # across all sites in one process
CONCURRENT_REQUESTS_PER_DOMAIN = 1  # overridden by a seed's politeness.concurrency
DOWNLOAD_DELAY = 2.0  # overridden by a seed's politeness.download_delay
AUTOTHROTTLE_ENABLED = True  # back off when a county server slows down
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024  # bodies above this are refused (recorded as failed)
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 10  # a redirect loop ends as a recorded failure
COOKIES_ENABLED = True  # some portals set a session cookie before serving lists

# Every response reaches the spider, whatever its status: a 404 or 500 is evidence to record.
HTTPERROR_ALLOW_ALL = True
# Bounds per run, overridden by the seed's politeness.max_pages / max_depth.
CLOSESPIDER_PAGECOUNT = 5000
DEPTH_LIMIT = 8
DEPTH_PRIORITY = 1  # breadth-first: finish a list's pages before going deep

ITEM_PIPELINES = {
    "crawler.pipelines.ExtractPipeline": 100,
    "crawler.pipelines.NormalisePipeline": 200,
    "crawler.pipelines.DedupPipeline": 300,
    "crawler.pipelines.ArchivePipeline": 900,
}
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

# zwgk's own settings
ZWGK_DB_PATH = "archive.db"  # the archive file written by ArchivePipeline
ZWGK_TRIGGER = "manual"  # recorded on the run row: manual | schedule | demo | fetch


def base_settings(db_path: str, trigger: str, log_level: str = "INFO") -> Settings:
    settings = Settings()
    settings.setmodule(__name__, priority="project")
    settings.set("ZWGK_DB_PATH", db_path, priority="cmdline")
    settings.set("ZWGK_TRIGGER", trigger, priority="cmdline")
    settings.set("LOG_LEVEL", log_level, priority="cmdline")
    return settings


def for_site(settings: Settings, site: SiteConfig) -> Settings:
    """A copy of `settings` with the seed's politeness applied."""
    site_settings = settings.copy()
    p = site.politeness
    site_settings.set("DOWNLOAD_DELAY", p.download_delay, priority="spider")
    site_settings.set("AUTOTHROTTLE_START_DELAY", max(p.download_delay, 0.1), priority="spider")
    site_settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", p.concurrency, priority="spider")
    site_settings.set("AUTOTHROTTLE_TARGET_CONCURRENCY", float(p.concurrency), priority="spider")
    site_settings.set("CLOSESPIDER_PAGECOUNT", p.max_pages, priority="spider")
    site_settings.set("DEPTH_LIMIT", p.max_depth, priority="spider")
    return site_settings
