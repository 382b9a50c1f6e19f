"""A site's own time budget inside a batch (ZWGK_SITE_TIME_LIMIT).

Scrapy's CLOSESPIDER_TIMEOUT closes a spider, but the close waits for every request already
handed to the downloader — with a polite delay, the sixteen queued ones of a slow county server
take minutes more. When the budget runs out this extension drops those queued requests (they
were never sent: nothing is recorded as a failed fetch, they are counted as
`zwgk/not_fetched_time_limit`), lets the transfers in flight finish, and closes the spider with
reason `closespider_timeout`: the run's outcome is `stopped_at_time_limit`, and the batch's other
sites go on.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)
REASON = "closespider_timeout"


class SiteTimeUp(IgnoreRequest):
    """A request dropped unsent because its site's time budget ran out."""


class SiteTimeLimit:
    def __init__(self, crawler, limit: float) -> None:
        self.crawler = crawler
        self.limit = limit
        self.call = None

    @classmethod
    def from_crawler(cls, crawler) -> SiteTimeLimit:
        limit = crawler.settings.getfloat("ZWGK_SITE_TIME_LIMIT")
        if limit <= 0:
            raise NotConfigured("no site time limit")
        ext = cls(crawler, limit)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider) -> None:
        from twisted.internet import reactor  # imported late: Scrapy installs it

        self.call = reactor.callLater(self.limit, self.expire, spider)

    def closed(self, spider) -> None:
        if self.call is not None and self.call.active():
            self.call.cancel()

    def expire(self, spider) -> None:
        spider.zwgk_time_up = True
        dropped = 0
        for slot in self.crawler.engine.downloader.slots.values():
            while slot.queue:
                request, deferred = slot.queue.popleft()
                deferred.errback(SiteTimeUp(f"the site's {self.limit:g} s time limit ran out"))
                dropped += 1
        self.crawler.stats.inc_value("zwgk/not_fetched_time_limit", dropped)
        logger.warning(
            "%s: the site's time limit (%g s) ran out: stopping it (%d queued requests dropped)",
            spider.site.id, self.limit, dropped,
        )  # fmt: skip
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=REASON))
