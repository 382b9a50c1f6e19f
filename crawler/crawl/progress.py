"""Live progress of a crawl: a status line on a terminal, plain log lines otherwise."""

from __future__ import annotations

import logging
import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger("zwgk.progress")


def progress_line(site_id: str, stats: dict, elapsed: float) -> str:
    pages = stats.get("response_received_count", 0)
    new = stats.get("zwgk/documents/new", 0)
    changed = stats.get("zwgk/documents/changed", 0)
    same = stats.get("zwgk/documents/unchanged", 0)
    errors = stats.get("zwgk/errors", 0)
    rate = pages / elapsed * 60 if elapsed > 0 else 0.0
    return (
        f"{site_id}: {pages} pages, {new + changed + same} documents ({new} new, {changed} changed), "
        f"{errors} errors, {rate:.0f} pages/min"
    )


class Progress:
    """Scrapy extension (ZWGK_PROGRESS). On a terminal the line is redrawn every second on
    stderr; when stderr is not a terminal a log line is written every ZWGK_PROGRESS_INTERVAL."""

    def __init__(self, crawler, interval: float, tty: bool) -> None:
        self.crawler = crawler
        self.interval = interval
        self.tty = tty
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler) -> Progress:
        if not crawler.settings.getbool("ZWGK_PROGRESS"):
            raise NotConfigured("ZWGK_PROGRESS is off")
        tty = sys.stderr.isatty()
        interval = 1.0 if tty else crawler.settings.getfloat("ZWGK_PROGRESS_INTERVAL")
        ext = cls(crawler, interval, tty)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider) -> None:
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.show, spider)
        self.loop.start(self.interval, now=False)

    def show(self, spider) -> None:
        line = progress_line(
            spider.site.id, self.crawler.stats.get_stats(), time.monotonic() - self.started
        )
        if self.tty:
            sys.stderr.write("\r\x1b[K" + line)
            sys.stderr.flush()
        else:
            logger.info(line)

    def closed(self, spider, reason: str) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
        self.show(spider)
        if self.tty:
            sys.stderr.write(f"  [{reason}]\n")
            sys.stderr.flush()
