"""The portal spider: a seed's 政务公开 section, its catalogue of columns, their list pages,
their documents and the documents' attachments.

Discovery rules live in crawler/discovery/ (one module per CMS strategy); this spider only
turns their answers into requests, and every response or failure into a PageItem.
Depth is counted in catalogue levels (column -> sub-column), not in pagination hops: a column
with 300 pages of 下一页 is one level deep.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from archive.writer import ColumnRef, SectionDetection
from crawler import discovery
from crawler.crawl import render
from crawler.crawl.capture import SENT, header_dict, hops_before, sent_headers
from crawler.crawl.challenge import detect_challenge
from crawler.crawl.coverage import Coverage
from crawler.crawl.items import PageItem
from crawler.crawl.offsite import REDIRECT_OFFSITE, OffsiteRefused
from crawler.crawl.timelimit import SiteTimeUp
from crawler.discovery import canonical_url, column_key
from crawler.extract.decoding import decode_response
from crawler.history import walk
from crawler.sites import detect
from crawler.sites.seeds import SiteConfig, section_of

ATTACHMENT_HTML_TYPES = ("text/html", "application/xhtml")


class PortalSpider(scrapy.Spider):
    """Crawl one site. mode='section' walks the 政务公开 section; mode='fetch' archives the
    start URLs themselves as documents and, with depth > 0, the pages they link on their host."""

    name = "portal"

    def __init__(
        self,
        site: SiteConfig,
        mode: str = "section",
        depth: int = 0,
        walk: str = "auto",
        resume: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(name=f"portal:{site.id}", **kwargs)
        self.site = site
        self.mode = mode
        self.walk = walk
        self.resume = resume
        self.resumed_from: int | None = None
        self.max_depth = depth if mode == "fetch" else site.politeness.max_depth
        self.allowed_domains = list(site.allowed_domains)
        self.sections = site.sections()
        self.pages_per_column: Counter[str] = Counter()
        self.coverage = Coverage()
        self.column_keys: set[str] = set()  # columns requested, by column_key
        self.detected: tuple[str, tuple[str, ...]] | None = None  # a former run's entry, folders
        self.pending_detection: SectionDetection | None = None
        # Scrapy caches "is this callback a generator with a return value" (an inspect.getsource
        # and ast.parse, ~1.5 ms) in a weak-keyed cache: a bound method nobody holds drops out
        # at once, so the spider holds its callbacks.
        self.callbacks = (self.parse, self.failed)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_list_pages = crawler.settings.getint("ZWGK_MAX_PAGES_PER_COLUMN")
        spider.attachment_maxsize = crawler.settings.getint("ZWGK_ATTACHMENT_MAXSIZE")
        spider.fetch_attachments = crawler.settings.getbool("ZWGK_ATTACHMENTS_ENABLED")
        spider.can_render = crawler.settings.getbool("ZWGK_RENDER_ACTIVE")
        spider.image_maxsize = crawler.settings.getint("ZWGK_IMAGE_MAXSIZE")
        known, last_full = walk.load_known(crawler.settings.get("ZWGK_DB_PATH"), spider.site.id)
        every = crawler.settings.getfloat("ZWGK_FULL_WALK_DAYS")
        db_path = crawler.settings.get("ZWGK_DB_PATH")
        full = spider.mode == "fetch" or walk.full_walk_due(
            spider.walk,
            last_full,
            every,
            site_id=spider.site.id,
            timezone=spider.site.schedule.timezone,
        )
        done: set[str] = set()
        if spider.resume:  # continue the last unfinished run: what it archived is not fetched again
            spider.resumed_from, done, full = walk.load_resume(db_path, spider.site.id)
        spider.state = walk.WalkState(known=known, full_walk=full, done=done)
        if spider.site.detect:
            spider.detected = walk.load_detection(db_path, spider.site.id)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    @property
    def full_walk(self) -> bool:
        return self.state.full_walk

    def idle(self) -> None:
        """After a full walk's lists: recheck documents that vanished from them, for evidence."""
        if self.state.rechecked:
            return
        self.state.rechecked = True
        vanished = self.state.vanished()
        for url, column in vanished.items():
            self.crawler.engine.crawl(self._request(url, "document", recheck=column))
        if vanished:
            self.logger.info("rechecking %d documents no list carries any more", len(vanished))
            raise DontCloseSpider

    async def start(self):
        if self.mode == "fetch":
            for url in self.site.start_urls:
                yield self._request(url, "document", level=0)
            return
        starts = self.site.start_urls
        if self.site.detect:  # a home page: find the section first (crawler/sites/detect.py)
            if self.detected is None:
                for url in starts:
                    yield self._request(url, "home")
                starts = ()
            else:
                starts, self.sections = (self.detected[0],), self.detected[1]
        for url in starts:
            self._new_column(canonical_url(url))
            column = ColumnRef(url=canonical_url(url))
            yield self._request(url, "list", column=column, level=0)
        # robots.txt is archived too (provenance), and its Sitemap: lines are followed
        for root in dict.fromkeys(
            urlsplit(u)._replace(path="/robots.txt", query="", fragment="").geturl()
            for u in self.site.start_urls
        ):
            yield self._request(root, "robots")

    def _request(
        self, url: str, kind: str, callback=None, headers=None, again=False, **meta
    ) -> scrapy.Request:
        meta["kind"] = kind
        if kind == "attachment":
            meta.setdefault("download_maxsize", self.attachment_maxsize)
        forced = (
            self.site.render == "lists" and not meta.get("dataproxy") and not meta.get("listapi")
        )
        if kind == "list" and self.can_render and (meta.pop("render", False) or forced):
            meta.update(render.render_meta())
        # documents and attachments are deduplicated by the walk state; exempting them from the
        # dupefilter lets a redirect loop run into REDIRECT_MAX_TIMES and be recorded, not dropped
        return scrapy.Request(
            url,
            callback=callback or self.parse,
            errback=self.failed,
            meta=meta,
            headers=headers,
            dont_filter=again or kind in ("document", "attachment"),
        )

    def parse(self, response: Response) -> Iterator[PageItem | scrapy.Request]:
        meta = response.meta
        item = self._capture(response, meta["kind"])
        if item.kind != meta["kind"] or (
            not isinstance(response, TextResponse) and item.kind != "sitemap"
        ):
            if meta.get("entry") and self.pending_detection:  # the entry did not answer a list
                item.detection = dataclasses.replace(
                    self.pending_detection,
                    crawled=False,
                    reason=self.pending_detection.reason
                    + f"; the entry answered {item.error or item.kind}",
                )
            yield item  # an error, a challenge, or a body we do not parse
            return
        if item.kind == "list":
            yield from self._list(response, item)
        elif item.kind == "document":
            yield item
            yield from self._document_links(response)
        elif item.kind == "home":
            yield from self._home(response, item)
        elif item.kind == "robots":
            yield item
            for url in discovery.sitemaps_in_robots(response.text):
                yield self._request(url, "sitemap")
        elif item.kind == "sitemap":
            yield item
            children, pages = discovery.parse_sitemap(response.body)
            for url in children:
                yield self._request(url, "sitemap")
            documents = discovery.sitemap_documents(pages, self.site.allowed_domains, self.sections)
            yield from self._documents(documents, None)
        else:
            yield item

    def _home(self, response: TextResponse, item: PageItem) -> Iterator[PageItem | scrapy.Request]:
        """A portal's home page: its 政务公开 entry, walked when it is on the allowed domains."""
        entry = detect.choose(detect.candidates(response.text, response.url), response.url)
        found = SectionDetection(
            response.url, entry.url, entry.reason, None, entry.section_prefixes, False
        )
        if entry.url and discovery.in_domains(entry.url, self.site.allowed_domains):
            self.pending_detection = dataclasses.replace(found, crawled=True)
            self.sections = entry.section_prefixes
            self._new_column(entry.url)
            column = ColumnRef(url=entry.url)
            yield item
            yield self._request(entry.url, "list", column=column, level=0, entry=True)
            return
        if entry.url:
            found = dataclasses.replace(
                found, reason=found.reason + "; not crawled: outside allowed_domains"
            )
            self.logger.warning(
                "%s: section entry %s is not on the allowed domains", self.site.id, entry.url
            )
        item.detection = found
        yield item

    def _list(self, response: TextResponse, item: PageItem) -> Iterator[PageItem | scrapy.Request]:
        meta = response.meta
        column: ColumnRef = meta["column"]
        level: int = meta.get("level", 0)
        if meta.get("dataproxy") or meta.get("listapi"):  # records only (Hanweb proxy, JSON API)
            if meta.get("dataproxy"):
                documents = discovery.parse_proxy(
                    response.text,
                    response.url,
                    self.site.allowed_domains,
                    self.sections,
                    column.url,
                )
            else:
                documents = discovery.parse_api(
                    response.text, response.url, self.site.allowed_domains
                )
            item.column, item.listed = column, tuple(documents)
            self.coverage.page(column.url)
            yield item
            yield from self._documents(documents, column)
            return
        rendered = bool(meta.get("playwright"))
        page = discovery.parse_list(
            response.text,
            response.url,
            self.site.allowed_domains,
            self.sections,
            self.site.cms,
            column.url,
        )
        if column.name is None and meta.get("level", 0) == 0:
            column = dataclasses.replace(column, name=page.title)
        item.column = dataclasses.replace(column, cms=page.cms)
        item.listed = tuple(page.documents)
        if meta.get("entry") and self.pending_detection:
            item.detection = dataclasses.replace(self.pending_detection, cms=page.cms)
        item.rendered = rendered
        for url, reason in page.traps.items():
            self.logger.debug("not following %s (%s)", url, reason)
        yield item
        subs = [*page.columns, *page.catalogue] if level < self.max_depth else []
        self.coverage.page(column.url, page.records, rendered, subs)
        if page.render and not rendered:
            if self.can_render:  # the same page again, through the browser
                yield self._request(
                    response.url, "list", column=column, level=level, render=True, again=True
                )
            else:
                self.coverage.unrendered(column.url, page.render)
                self.logger.warning("%s: %s; not rendered", response.url, page.render)
        for api in page.api:
            yield self._request(api.url, "list", column=column, level=level, listapi=True)
        self.state.walked_columns.add(column.url)
        fetch, fresh, unknown = self.state.to_fetch(page.documents)
        yield from self._document_requests(fetch, column)
        for proxy in page.proxy:
            yield scrapy.FormRequest(
                proxy.url,
                formdata=proxy.formdata,
                callback=self.parse,
                errback=self.failed,
                meta={"kind": "list", "column": column, "level": level, "dataproxy": True},
            )
        # more pages of this column; a page past the first that lists nothing new ends the walk
        if self.state.follow_pages(fresh, unknown, bool(meta.get("paginated"))):
            for url in page.pages:
                self.pages_per_column[column.url] += 1
                if self.pages_per_column[column.url] > self.max_list_pages:
                    self.logger.warning(
                        "column %s: stopping after %d pages", column.url, self.max_list_pages
                    )
                    break
                yield self._request(url, "list", column=column, level=level, paginated=True)
        if level < self.max_depth:
            for url, name in page.columns.items():
                if not self._new_column(url):
                    continue
                sub = ColumnRef(url=url, name=name or None, parent_url=column.url)
                yield self._request(url, "list", column=sub, level=level + 1)
            for url, name in page.catalogue.items():
                if not self._new_column(url):
                    continue
                # a catalogue column of the CMS lives in its own folder: the section grows by it
                folder = section_of(url)
                if folder not in self.sections:
                    self.sections = (*self.sections, folder)
                sub = ColumnRef(url=url, name=name or None, parent_url=column.url)
                yield self._request(url, "list", column=sub, level=level + 1)

    def _new_column(self, url: str) -> bool:
        """A column not walked yet under any of its names (…/ndjh/ and …/ndjh/index.html)."""
        key = column_key(url)
        if key in self.column_keys:
            return False
        self.column_keys.add(key)
        return True

    def _documents(self, documents, column: ColumnRef | None) -> Iterator[scrapy.Request]:
        fetch, _, _ = self.state.to_fetch(documents)
        yield from self._document_requests(fetch, column)

    def _document_requests(
        self, urls: list[str], column: ColumnRef | None
    ) -> Iterator[scrapy.Request]:
        for url in urls:
            headers = walk.conditional_headers(self.state.known.get(url))
            yield self._request(url, "document", headers=headers, column=column)

    def _document_links(self, response: TextResponse) -> Iterator[scrapy.Request]:
        tree = discovery.parse_html(response.text)
        if tree is None:
            return
        if self.fetch_attachments:
            for url, name in discovery.attachment_links(
                tree, response.url, self.site.allowed_domains
            ).items():
                yield self._request(
                    url, "attachment", document_url=canonical_url(response.url), name=name
                )
        if self.mode == "fetch" and response.meta.get("level", 0) < self.max_depth:
            for url in discovery.same_host_links(tree, response.url):
                yield self._request(url, "document", level=response.meta.get("level", 0) + 1)

    def image_requests(
        self, document_url: str, images: list[tuple[str, str]]
    ) -> Iterator[scrapy.Request]:
        """Requests for the body images (url, alt text) of an archived document, on the site's
        domains, fetched and stored like its attachments (kind "image", size-limited)."""
        for url, name in images:
            if discovery.in_domains(url, self.site.allowed_domains):
                yield self._request(
                    url,
                    "attachment",
                    document_url=document_url,
                    name=name or None,
                    media="image",
                    download_maxsize=self.image_maxsize,
                )

    def _capture(self, response: Response, kind: str) -> PageItem:
        requested = (response.meta.get("redirect_urls") or [response.request.url])[0]
        status = response.status
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        error = None
        offsite = response.meta.get(REDIRECT_OFFSITE)
        challenge = detect_challenge(status, response.body) if kind != "attachment" else None
        if offsite:  # a redirect out of allowed_domains: recorded with its Location, not followed
            kind, error = "error", f"redirected off the site to {offsite} (not followed)"
        elif challenge:
            kind, error = "blocked", challenge
            self.logger.warning(
                "blocked by an anti-bot challenge: %s (%s)", response.url, challenge
            )
        elif status >= 400 and not (
            kind == "robots" and status in (404, 410)
        ):  # no robots.txt: fine
            kind, error = "error", f"HTTP {status}"
        elif status == 304:
            pass  # not modified since the last capture: no body to read
        elif kind == "attachment" and content_type.startswith(ATTACHMENT_HTML_TYPES):
            what = response.meta.get("media") or "attachment"
            kind, error = "error", f"{what} URL answered with an HTML page"
        elif kind in ("list", "document") and not isinstance(response, TextResponse):
            kind = "page"  # a binary body where a page was expected: kept raw, not parsed
        item = PageItem(
            site_id=self.site.id,
            kind=kind,
            url=canonical_url(response.url),
            requested_url=requested,
            status=status,
            headers=header_dict(response.headers),
            body=response.body,
            encoding=decode_response(response)[1] if isinstance(response, TextResponse) else None,
            error=error,
            expected=response.meta["kind"],
            recheck_column=response.meta.get("recheck"),
            redirect_to=offsite,
            fetched_url=response.url,
            request_headers=response.meta.get(SENT) or sent_headers(response.request),
            redirects=hops_before(response.meta, response.url, status),
        )
        if kind != item.expected and item.expected == "list" and response.meta.get("column"):
            self.state.failed_columns.add(response.meta["column"].url)
            self.coverage.failed(response.meta["column"].url)
        if kind == "document" and status != 304:
            item.html = decode_response(response)[0]  # as `zwgk extract` reads a file
        elif kind == "attachment":
            item.attachment_of = response.meta["document_url"]
            item.attachment_name = response.meta.get("name")
            item.attachment_media = response.meta.get("media")
        return item

    def failed(self, failure: Failure) -> Iterator[PageItem]:
        """A request that produced no response (timeout, refused, redirect loop, too large)."""
        if failure.check(SiteTimeUp):
            return  # never sent: the site's time limit ran out (crawler/crawl/timelimit.py)
        request = failure.request
        if request.meta.get("kind") == "list" and request.meta.get("column"):
            column_url = request.meta["column"].url
            self.state.failed_columns.add(column_url)
            if request.meta.get("playwright"):
                self.coverage.unrendered(
                    column_url, f"the browser failed ({failure.type.__name__})"
                )
            else:
                self.coverage.failed(column_url)
        chain = list(dict.fromkeys(request.meta.get("redirect_urls") or ()))
        url, redirect_to = request.url, None
        if failure.check(OffsiteRefused) and chain:  # e.g. a <meta refresh> off the site
            url, redirect_to = chain[0], request.url
            reason = f"redirected off the site to {request.url} (not followed)"
        elif failure.check(OffsiteRefused):
            reason = failure.getErrorMessage()
        elif "download_maxsize" in request.meta and "max size" in failure.getErrorMessage():
            reason = f"too large: over the {request.meta['download_maxsize']:,}-byte limit"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
            if chain:
                reason += " (redirected via " + " → ".join(urlsplit(u).path for u in chain) + ")"
            reason = reason[:1000]
        self.logger.warning("fetch failed: %s (%s)", request.url, reason)
        detection = None
        if request.meta.get("entry") and self.pending_detection:
            detection = dataclasses.replace(
                self.pending_detection,
                crawled=False,
                reason=self.pending_detection.reason + f"; the entry failed: {reason[:200]}",
            )
        yield PageItem(
            detection=detection,
            site_id=self.site.id,
            kind="error",
            url=canonical_url(url),
            requested_url=url,
            error=reason,
            expected=request.meta.get("kind"),
            redirect_to=redirect_to,
            fetched_url=request.url,
            request_headers=request.meta.get(SENT, {}),  # none when it never reached the wire
            redirects=hops_before(request.meta),
        )
