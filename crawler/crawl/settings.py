"""Scrapy settings for every zwgk crawl: the one settings system.

Our own settings carry the ZWGK_ prefix. Per-site values from a seed's [politeness] table
are layered on top by `for_site`, at 'spider' priority.
"""

from __future__ import annotations

import json
import math

from scrapy.settings import BaseSettings, Settings

from crawler import __version__
from crawler.crawl import render
from crawler.exceptions import ZwgkError
from crawler.sites.seeds import SiteConfig

BOT_NAME = "zwgk"
# An honest User-Agent: who we are and where to read about it. ASCII only: an HTTP header is
# Latin-1 on the wire, and servers and proxies mangle anything else.
USER_AGENT = (
    f"zwgk/{__version__} (archival crawler for government information disclosure pages; "
    "+https://github.com/zwgk-archive/zwgk)"
)
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
RETRY_TIMES = 2  # on 5xx, 408, 429 and network errors, with exponential backoff:
ZWGK_RETRY_BACKOFF_BASE = 5.0  # seconds before the first retry (jittered), doubling each time
ZWGK_RETRY_BACKOFF_MAX = 120.0
DOWNLOADER_MIDDLEWARES = {
    # nothing leaves for a host outside the site's allowed_domains (before robots.txt is asked),
    # and a redirect there is not followed: the 3xx itself is recorded (crawler/crawl/offsite.py)
    "crawler.crawl.offsite.OffsiteRequestGuard": 40,
    "crawler.crawl.offsite.OffsiteRedirectGuard": 650,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.crawl.middlewares.BackoffRetryMiddleware": 550,
    # one polite stream per host when several sites of a batch share it (crawler/crawl/hostgate.py)
    "crawler.crawl.hostgate.HostGateMiddleware": 900,
    # last to see a request, first to see its response: headers as sent, redirect hops
    "crawler.crawl.capture.CaptureMiddleware": 950,
}
REDIRECT_MAX_TIMES = 10  # a redirect loop ends as a recorded failure
# TLS as county portals need it: many serve expired, self-signed or wrong-host certificates, or
# only TLS 1.0/1.1 with old ciphers. An archive must still capture what they publish, so
# certificates are not verified (the fetch is recorded either way) and OpenSSL's security level
# is lowered to allow legacy protocol versions and ciphers. docs/tls.md explains the trade-off.
DOWNLOAD_VERIFY_CERTIFICATES = False
DOWNLOAD_TLS_MIN_VERSION = "TLSv1.0"
DOWNLOADER_CLIENT_TLS_CIPHERS = "DEFAULT:@SECLEVEL=0"
COOKIES_ENABLED = True  # some portals set a session cookie before serving lists

# Every response reaches the spider, whatever its status: a 404 or 500 is evidence to record.
HTTPERROR_ALLOW_ALL = True
# Bounds per run, overridden by the seed's politeness.max_pages / max_depth.
CLOSESPIDER_PAGECOUNT = 5000
DEPTH_LIMIT = 0  # the spider counts depth in catalogue levels (seed politeness.max_depth)
DEPTH_PRIORITY = 1  # breadth-first: finish a list's pages before going deep

ITEM_PIPELINES = {
    "crawler.crawl.pipelines.ExtractPipeline": 100,
    "crawler.crawl.pipelines.AttachmentPipeline": 150,
    "crawler.crawl.pipelines.NormalisePipeline": 200,
    "crawler.crawl.pipelines.DedupPipeline": 300,
    "crawler.crawl.pipelines.ArchivePipeline": 900,
    "crawler.crawl.images.ImagePipeline": 950,
}
TELNETCONSOLE_ENABLED = False
EXTENSIONS = {
    "crawler.crawl.progress.Progress": 500,
    "crawler.crawl.timelimit.SiteTimeLimit": 510,  # ZWGK_SITE_TIME_LIMIT
}
LOGSTATS_INTERVAL = 0  # the progress extension reports instead
ZWGK_PROGRESS = True  # live progress: a status line on a terminal, log lines otherwise
ZWGK_PROGRESS_INTERVAL = 30.0  # seconds between progress log lines when not on a terminal
LOG_LEVEL = "INFO"

# zwgk's own settings
ZWGK_DB_PATH = "archive.db"  # the archive file written by ArchivePipeline
ZWGK_TRIGGER = "manual"  # recorded on the run row: manual | schedule | demo | fetch
ZWGK_NEARDUP_THRESHOLD = (
    0.8  # estimated Jaccard at or above which a new text joins a near-duplicate
)
# cluster; the LSH bands suit 0.75–0.9 (crawler/text/dedup.py)
ZWGK_FULL_WALK_DAYS = (
    7.0  # an automatic run is a full walk when none finished within this many days
)
ZWGK_SITE_TIME_LIMIT = 0.0  # seconds a site's crawl may take, then it stops and is recorded
# (outcome stopped_at_time_limit) while the batch's other sites go on; 0: no limit. The nightly
# scheduler sets it (ZWGK_NIGHTLY_SITE_TIME_LIMIT).
ZWGK_SITES_AT_ONCE = 0  # sites one crawl process crawls at the same time, the next starting as
# one ends (a rolling window over a batch: memory stays flat however large it is); 0: all at once
# Responses waiting in the pipelines (extraction in the worker, the archive write) hold back the
# downloader past this many bytes per site: the archive never lags far behind the fetching (a
# failed write stops a crawl within a few pages) and a batch's memory stays bounded.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 1_000_000
ZWGK_EXTRACT_WORKERS = 1  # worker processes extracting document pages (crawler/crawl/offload.py),
# shared by all sites of a crawl process: the second core works while the reactor crawls; 0: none
ZWGK_MAX_PAGES_PER_COLUMN = 1000  # pagination bound per column, against endless pagers
ZWGK_ATTACHMENTS_ENABLED = True  # download files linked from documents (PDF, DOCX, XLSX, …)
ZWGK_ATTACHMENT_MAXSIZE = 20 * 1024 * 1024  # larger attachments are refused and recorded
ZWGK_IMAGES_ENABLED = True  # download the images of archived documents' bodies (a 图解 page's)
ZWGK_IMAGE_MAXSIZE = 10 * 1024 * 1024  # larger images are refused and recorded
# Before a crawl writes, SQLite's quick_check reads the whole archive and refuses a damaged one
# (benchmarks/integrity.py, 1 GB: 0.4 s from the page cache, 3.5 s from disk; 4 s and 16 s on a busy
# machine). A cheaper check (header, page count, table counts) misses damage inside the file.
ZWGK_CHECK_ARCHIVE = True

# Rendering (crawler/crawl/render.py): list pages whose items scripts draw, in headless Chromium
ZWGK_RENDER = True  # render list pages that need it (a seed's `render` can force or forbid it)
ZWGK_RENDER_BROWSER = "/usr/bin/chromium"  # the system's Chromium; never downloaded by zwgk
ZWGK_RENDER_PAGES = 2  # browser tabs open at once
ZWGK_RENDER_TIMEOUT = 30.0  # seconds for a page to load and its scripts to settle

# Distributed mode (crawler/fleet/, docs/distributed.md): site jobs on Redis/Valkey, run shards
ZWGK_SHARD = False  # write through a journal (crawler/fleet/journal.py): a fleet worker's crawl
ZWGK_GATE_EVERY_HOST = False  # the host gate on every host of a crawl, not only shared ones:
# the delay counts from the last answer (a fleet worker's crawl, so hosts see what a batch gives)
ZWGK_FLEET_LEASE = 60.0  # seconds a worker's host lease and job claim last unless renewed (a
# third of it between renewals); a dead worker's job is taken again after this
ZWGK_FLEET_PREFIX = "zwgk"  # the prefix of every Redis key of the fleet


def base_settings(
    db_path: str,
    trigger: str,
    log_level: str = "INFO",
    overrides: dict[str, object] | None = None,
) -> Settings:
    """The project's settings, then the caller's: the archive path, trigger, log level and any
    NAME=VALUE overrides given with `--set` (they win over seeds' politeness). Overrides given
    as text are checked against each setting's default type (ZwgkError when they do not fit)."""
    settings = Settings()
    settings.setmodule(__name__, priority="project")
    settings.setdict(typed_overrides(settings, overrides or {}), priority="cmdline")
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
    active = render.enable(site_settings, site.allowed_domains, site.render)
    site_settings.set("ZWGK_RENDER_ACTIVE", active, priority="spider")
    return site_settings


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def typed_overrides(defaults: Settings, overrides: dict[str, object]) -> dict[str, object]:
    """`--set` values converted to the type of each setting's default (a number for a number,
    true/false for a flag, JSON for a table); ZwgkError naming the setting when one does not
    fit or the name is not a setting at all."""
    typed = {}
    for name, value in overrides.items():
        if name not in defaults:
            raise ZwgkError(f"--set {name}: no such Scrapy or zwgk setting")
        typed[name] = value if not isinstance(value, str) else _typed(name, value, defaults[name])
    return typed


def _typed(name: str, text: str, default: object) -> object:
    """`text` as a value of the default's type; ZwgkError when it is not one."""
    word = text.strip().lower()
    if isinstance(default, bool):
        if word in _TRUE | _FALSE:
            return word in _TRUE
        expected = "true or false"
    elif isinstance(default, int | float):
        try:
            number = float(word)
        except ValueError:
            number = math.nan
        if math.isfinite(number):
            return int(number) if isinstance(default, int) and number.is_integer() else number
        expected = "a number"
    elif isinstance(default, list | tuple):
        try:
            value = json.loads(text)
        except ValueError:
            return [part.strip() for part in text.split(",") if part.strip()]
        if isinstance(value, list):
            return value
        expected = "a list (JSON, or comma-separated)"
    elif isinstance(default, BaseSettings | dict):
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if isinstance(value, dict):
            return value
        expected = "a JSON object"
    else:
        return text
    shown = default.copy_to_dict() if isinstance(default, BaseSettings) else default
    raise ZwgkError(f"--set {name}={text!r}: expected {expected} (its default is {shown!r})")
