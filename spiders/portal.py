"""The generic portal spider: a seed's 政务公开 section, its list pages and their documents.

Discovery rules live in crawler/discovery.py; this spider only turns them into requests and
every response (or failure) into a PageItem for the pipelines.
"""

from __future__ import annotations

from collections.abc import Iterator

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.challenge import detect_challenge
from crawler.discovery import canonical_url, classify_links, same_host_links
from crawler.items import PageItem
from crawler.seeds import SiteConfig


def _headers(response: Response) -> dict[str, str]:
    return {
        k.decode("latin-1"): b", ".join(v).decode("latin-1", "replace")
        for k, v in response.headers.items()
    }


class PortalSpider(scrapy.Spider):
    """Crawl one site. mode='section' walks the 政务公开 section; mode='fetch' archives the
    start URLs themselves as documents and, with depth > 0, the pages they link on their host."""

    name = "portal"

    def __init__(self, site: SiteConfig, mode: str = "section", depth: int = 0, **kwargs) -> None:
        super().__init__(name=f"portal:{site.id}", **kwargs)
        self.site = site
        self.mode = mode
        self.depth = depth
        self.allowed_domains = list(site.allowed_domains)
        self.sections = site.sections()

    async def start(self):
        kind = "document" if self.mode == "fetch" else "list"
        for url in self.site.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed, meta={"kind": kind})

    def parse(self, response: Response) -> Iterator[PageItem | scrapy.Request]:
        kind = response.meta.get("kind", "list")
        item = self._capture(response, kind)
        yield item
        if item.kind != kind or not isinstance(response, TextResponse):
            return  # errors and non-HTML bodies end here
        if self.mode == "fetch":
            if response.meta.get("depth", 0) < self.depth:
                for url in same_host_links(response.text, response.url):
                    yield self._request(url, "document")
            return
        if kind == "list":
            links = classify_links(
                response.text, response.url, self.site.allowed_domains, self.sections
            )
            for url in links.documents:
                yield self._request(url, "document")
            for url in links.lists:
                yield self._request(url, "list")

    def _request(self, url: str, kind: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse, errback=self.failed, meta={"kind": kind})

    def _capture(self, response: Response, kind: str) -> PageItem:
        requested = (response.meta.get("redirect_urls") or [response.request.url])[0]
        status = response.status
        challenge = detect_challenge(status, response.body)
        if challenge:
            kind, error = "blocked", challenge
            self.logger.warning(
                "blocked by an anti-bot challenge: %s (%s)", response.url, challenge
            )
        elif status >= 400:
            kind, error = "error", f"HTTP {status}"
        elif not isinstance(response, TextResponse):
            kind, error = "page", None  # a binary body: kept raw, not extracted (yet)
        else:
            error = None
        return PageItem(
            site_id=self.site.id,
            kind=kind,
            url=canonical_url(response.url),
            requested_url=requested,
            status=status,
            headers=_headers(response),
            body=response.body,
            encoding=getattr(response, "encoding", None),
            html=response.text if kind == "document" else None,
            error=error,
        )

    def failed(self, failure: Failure) -> Iterator[PageItem]:
        """A request that produced no response (timeout, refused, redirect loop, too large)."""
        request = failure.request
        self.logger.warning("fetch failed: %s (%s)", request.url, failure.getErrorMessage())
        yield PageItem(
            site_id=self.site.id,
            kind="error",
            url=canonical_url(request.url),
            requested_url=request.url,
            error=f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500],
        )
