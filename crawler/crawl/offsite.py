"""Downloader middlewares that keep a crawl inside its site's allowed domains, whatever a
request's `dont_filter` says and wherever a redirect points.

Scrapy's OffsiteMiddleware lets `dont_filter` requests through (the spider sets it on
documents and attachments, so that redirect loops are recorded), and its RedirectMiddleware
follows a 3xx anywhere. Here:

- OffsiteRequestGuard (first on the way out, before robots.txt is asked) refuses any request
  for a host outside `allowed_domains`: it never leaves, and its errback records why;
- OffsiteRedirectGuard (before RedirectMiddleware on the way back) stops a redirect that
  points outside: the 3xx response itself reaches the spider, Location and all, and is recorded
  as the fetch (for a known document, evidence under crawler/history/deletion.py).
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from w3lib.url import safe_url_string

from crawler.sites.seeds import host_allowed

logger = logging.getLogger(__name__)
REDIRECT_OFFSITE = "zwgk_offsite_redirect"  # request meta: where a refused redirect pointed


class OffsiteRefused(IgnoreRequest):
    """A request for a host outside the site's allowed domains was not sent."""


def _domains(crawler) -> tuple[str, ...]:
    spider = crawler.spider
    return tuple(getattr(spider, "allowed_domains", None) or ())


def offsite_host(url: str, domains: tuple[str, ...]) -> str | None:
    """The URL's host when it lies outside `domains` (None when inside, or when no domains are
    set, or for a non-HTTP URL that no request is made for)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not domains:
        return None
    host = (parts.hostname or "").lower()
    return None if host_allowed(host, domains) else host or "(no host)"


class OffsiteRequestGuard:
    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> OffsiteRequestGuard:
        return cls(crawler)

    def process_request(self, request: Request, spider=None) -> None:
        host = offsite_host(request.url, _domains(self.crawler))
        if host is not None:
            self.crawler.stats.inc_value("zwgk/offsite_refused")
            raise OffsiteRefused(f"not requested: {host} is outside allowed_domains")


class OffsiteRedirectGuard:
    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> OffsiteRedirectGuard:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        location = response.headers.get(b"Location")
        if not (300 <= response.status < 400) or not location:
            return response
        target = safe_url_string(urljoin(request.url, location.decode("latin-1")), encoding="utf-8")
        host = offsite_host(target, _domains(self.crawler))
        if host is not None:
            request.meta["dont_redirect"] = True  # RedirectMiddleware leaves it be
            request.meta[REDIRECT_OFFSITE] = target
            self.crawler.stats.inc_value("zwgk/offsite_redirects")
            logger.info("not following %s -> %s (outside allowed_domains)", request.url, target)
        return response
