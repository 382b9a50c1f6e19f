"""Downloader middlewares: retries that back off instead of hammering a struggling county server.
(The capture of each exchange as sent, for the WARC export, is crawler/crawl/capture.py.)"""

from __future__ import annotations

import random
import time

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

NOT_BEFORE = "zwgk_not_before"


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with full jitter: attempt 1 waits up to base, 2 up to 2·base, …"""
    return random.uniform(0, min(cap, base * 2 ** (attempt - 1)))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry rules (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS), with each retry
    held back by ZWGK_RETRY_BACKOFF_BASE·2^(n-1) seconds (jittered, at most ZWGK_RETRY_BACKOFF_MAX)."""

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("ZWGK_RETRY_BACKOFF_BASE")
        self.cap = settings.getfloat("ZWGK_RETRY_BACKOFF_MAX")

    def _retry(self, request: Request, reason) -> Request | None:
        retry = super()._retry(request, reason)
        if retry is not None:
            delay = backoff_delay(retry.meta.get("retry_times", 1), self.base, self.cap)
            retry.meta[NOT_BEFORE] = time.monotonic() + delay
        return retry

    async def process_request(self, request: Request, spider=None) -> None:
        wait = request.meta.get(NOT_BEFORE, 0) - time.monotonic()
        if wait > 0:
            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return None
