"""Item pipelines: thin adapters from Scrapy to the plain functions of each stage.

extract (crawler/extract/extractor.py) -> normalise (crawler/text/normalise.py) -> dedup (crawler/text/dedup.py)
-> archive (archive/writer.py) -> images (images.py: the archived document's body images
requested like its attachments). A stage that fails on one page records why on the item; the page is still archived
as a fetch and the crawl goes on.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from archive.exceptions import ArchiveError
from archive.writer import (
    ArchiveWriter,
    AttachmentContent,
    DocumentContent,
    FetchRecord,
    Gone,
    SiteRecord,
)
from crawler import __version__
from crawler.crawl.items import PageItem
from crawler.discovery import parse_html
from crawler.exceptions import ExtractionError
from crawler.extract.attachments import (
    AttachmentError,
    AttachmentRefused,
    AttachmentText,
    extract_attachment_text,
    image_file,
)
from crawler.extract.extractor import Extractor
from crawler.history.deletion import gone_evidence
from crawler.text import dedup
from crawler.text.dedup import ExactDeduper, document_content
from crawler.text.normalise import Normaliser

logger = logging.getLogger(__name__)
# Scrapy's close reason -> the run's outcome
RUN_OUTCOMES = {
    "finished": "finished",
    "closespider_pagecount": "stopped_at_limit",
    "closespider_timeout": "stopped_at_time_limit",  # the site's ZWGK_SITE_TIME_LIMIT ran out
    "shutdown": "interrupted",
}
WRITE_FAILED = "archive_write_failed"  # the close reason when an archive write failed


class ExtractPipeline:
    """Extraction (and normalisation) of document pages, in the process's ExtractionPool when
    the runner started one (crawler/crawl/offload.py), else here."""

    def __init__(self, pool=None, crawler: Crawler | None = None) -> None:
        self.pool = pool
        self.crawler = crawler
        self.extractor = None if pool else Extractor()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler.settings.get("ZWGK_EXTRACT_POOL"), crawler)

    async def process_item(self, item: PageItem, spider=None) -> PageItem:
        if item.kind != "document" or item.html is None:
            return item
        try:
            if self.pool is not None:
                # its attachments may reach the archive first: they wait for it (ArchivePipeline)
                in_pipelines(self.crawler).add(item.url)
                item.extracted, item.normalised = await self.pool.extract(item.html, item.url)
            else:
                item.extracted = self.extractor.extract(item.html, item.url)
        except ExtractionError as exc:
            item.error = f"extraction failed: {exc}"
            logger.warning("%s: %s", item.url, item.error)
        return item


class NormalisePipeline:
    def __init__(self) -> None:
        self.normaliser = Normaliser()

    def process_item(self, item: PageItem, spider=None) -> PageItem:
        if item.extracted is None:
            return item
        normalised = item.normalised or self.normaliser.normalise(
            item.extracted.text, item.extracted.title
        )
        if not normalised.text_norm:
            item.error = "no body text extracted"
            item.normalised = None
            logger.warning("%s: %s", item.url, item.error)
            return item
        item.normalised = normalised
        return item


class AttachmentPipeline:
    """Text out of downloaded attachments (PDF, DOCX, XLSX, …), for search. Parsing a large PDF
    is CPU work, so it runs in a worker thread, off the reactor."""

    async def process_item(self, item: PageItem, spider=None) -> PageItem:
        if item.kind != "attachment" or not item.body:
            return item
        if item.attachment_media == "image":  # recognised and measured, not read: no thread
            try:
                item.attachment = image_file(item.body)
            except AttachmentError as exc:
                item.error = f"image: {exc}"
                logger.warning("%s: %s", item.url, item.error)
            return item
        try:
            item.attachment = await maybe_deferred_to_future(
                deferToThread(
                    extract_attachment_text, item.body, _content_type(item.headers), item.url
                )
            )
        except AttachmentRefused as exc:  # a bomb: recorded as refused, with the reason
            item.attachment = AttachmentText("refused", "", str(exc))
            item.error = f"attachment refused: {exc}"
            logger.warning("%s: %s", item.url, item.error)
        except AttachmentError as exc:
            item.error = f"attachment text: {exc}"
            logger.warning("%s: %s", item.url, item.error)
        return item


def _content_type(headers: dict[str, str]) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == "content-type"), None)


class ArchivePipeline:
    """Writes every item to the archive, one transaction per page, and keeps the run row.

    The first write that fails (disk full, I/O error, read-only, damage) stops the crawl: its
    cause goes into the crawl's stats (`zwgk/archive_failure`, read by crawler/crawl/runner.py)
    and, where the disk still allows it, into the run row, which is closed as `failed`."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.db_path = settings.get("ZWGK_DB_PATH")
        self.trigger = settings.get("ZWGK_TRIGGER")
        self.writer: ArchiveWriter | None = None
        self.run_id: int | None = None
        self.failure: str | None = None
        self.waiting: dict[str, list[PageItem]] = {}  # attachments whose document is in the pool
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        spider = spider or self.crawler.spider
        site = spider.site
        writer_class = ArchiveWriter
        if self.crawler.settings.getbool("ZWGK_SHARD"):  # a fleet worker's run shard
            from crawler.fleet.journal import JournalWriter as writer_class
        try:
            self.writer = writer_class(
                self.db_path,
                self.crawler.settings.getfloat("ZWGK_NEARDUP_THRESHOLD"),
                reserve=True,  # room to close the run `failed` should the disk fill up
            )
            self.writer.check_neardup_scheme(dedup.SCHEME)
            self.writer.upsert_site(
                SiteRecord(
                    site.id,
                    site.name,
                    site.adcode,
                    site.start_urls,
                    site.allowed_domains,
                    site.source,
                )
            )
            self.run_id = self.writer.start_run(
                site.id,
                self.trigger,
                __version__,
                spider.full_walk,
                getattr(spider, "resumed_from", None),
            )
        except (ArchiveError, sqlite3.Error) as exc:
            self._failed(exc)
            raise CloseSpider(WRITE_FAILED) from exc
        self.known = spider.state.known
        spider.zwgk_run_id = self.run_id

    def _failed(self, exc: BaseException) -> None:
        """Remember the first failed write, count it, and ask the engine to stop."""
        if self.failure is not None:
            return
        if isinstance(exc, ArchiveError):
            self.failure = str(exc)
        else:
            self.failure = f"{self.db_path}: archive write failed ({type(exc).__name__}: {exc})"
        stats = self.crawler.stats
        stats.set_value("zwgk/archive_failure", self.failure)
        stats.inc_value("zwgk/write_failures")
        stats.inc_value("zwgk/errors")
        logger.error("%s; stopping the crawl", self.failure)

    def process_item(self, item: PageItem, spider=None) -> PageItem:
        if self.failure is not None or self.writer is None:
            return item  # the crawl is stopping: nothing more is written
        waiting_for = in_pipelines(self.crawler)
        if item.kind == "attachment" and item.attachment_of in waiting_for:
            self.waiting.setdefault(item.attachment_of, []).append(item)  # linked to its version
            return item
        try:
            self._write(item)
            if item.url in waiting_for:
                waiting_for.discard(item.url)
                for attachment in self.waiting.pop(item.url, []):
                    self._write(attachment)
            return item
        except (ArchiveError, sqlite3.Error) as exc:
            self._failed(exc)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=WRITE_FAILED))
            return item

    def _write(self, item: PageItem) -> PageItem:
        assert self.writer is not None
        gone = _gone(item) if item.expected == "document" else None
        known = gone is not None and (item.url in self.known or item.requested_url in self.known)
        fetch = FetchRecord(
            site_id=item.site_id,
            url=item.url,
            requested_url=item.requested_url,
            kind="gone" if known else "rendered" if item.rendered else item.kind,
            status=item.status,
            headers=item.headers,
            body=item.body,
            encoding=item.encoding,
            error=item.error,
            fetched_url=item.fetched_url,
            request_headers=item.request_headers,
            redirects=item.redirects,
        )
        stats = self.crawler.stats
        if item.kind == "attachment":
            text = item.attachment
            content = AttachmentContent(
                document_url=item.attachment_of or "",
                name=item.attachment_name,
                kind=text.kind if text else "unreadable",
                text=text.text if text else "",
                note=(text.note if text else item.error),
            )
            self.writer.record_attachment(self.run_id, fetch, content)
            stats.inc_value(
                "zwgk/images" if item.attachment_media == "image" else "zwgk/attachments"
            )
            return item
        outcome = self.writer.record_page(
            self.run_id, fetch, None if gone else _document(item), item.column, item.listed, gone
        )
        if item.detection is not None:
            self.writer.record_detection(self.run_id, item.site_id, item.detection)
        if item.recheck_column and gone is None and item.status and item.status < 400:
            unlisted = Gone(
                f"removed from its list (the page still answers {item.status})",
                "unlisted",
                {"list": item.recheck_column, "status": str(item.status)},
            )
            outcome = dataclasses.replace(
                outcome,
                document=self.writer.record_unlisted(self.run_id, item.url, unlisted)
                or outcome.document,
            )
        item.outcome = outcome.document
        stats.inc_value(f"zwgk/pages/{item.kind}")
        if item.error:
            stats.inc_value("zwgk/errors")
        if outcome.document:
            stats.inc_value(f"zwgk/documents/{outcome.document}")
            logger.info("%s document %s (v%s)", outcome.document, item.url, outcome.version_no)
        return item

    def spider_closed(self, spider, reason: str) -> None:
        if self.writer is None:
            return
        try:
            for attachments in self.waiting.values():  # their document never reached the archive
                for attachment in attachments if self.failure is None else ():
                    self._write(attachment)
            if self.run_id is not None:
                coverage = getattr(spider, "coverage", None)
                if coverage is not None and self.failure is None:
                    self.writer.record_coverage(self.run_id, spider.site.id, coverage.records())
                outcome = "failed" if self.failure else RUN_OUTCOMES.get(reason, "failed")
                self.writer.finish_run(
                    self.run_id, outcome, reason, self.failure,
                    self.crawler.stats.get_value("zwgk/write_failures", 0),
                )  # fmt: skip
        except (ArchiveError, sqlite3.Error) as exc:
            logger.error("the run's end could not be recorded: %s", exc)
        finally:
            self.writer.close()


class DedupPipeline:
    """Exact and near duplicates (crawler/text/): which other URLs already served the same
    normalised text, and the text's MinHash sketch, by which the archive writer puts it in a
    near-duplicate cluster. The text itself is stored once by its hash."""

    def __init__(self, crawler: Crawler) -> None:
        self.db_path = crawler.settings.get("ZWGK_DB_PATH")
        self.deduper: ExactDeduper | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        from archive.read import Archive
        from archive.schema import connect

        connect(self.db_path).close()  # create/migrate so the read-only view can open it
        self.archive = Archive(self.db_path)
        self.deduper = ExactDeduper(self.archive.urls_of_text)

    def close_spider(self, spider=None) -> None:
        self.archive.close()

    def process_item(self, item: PageItem, spider=None) -> PageItem:
        if item.normalised is None or self.deduper is None:
            return item
        item.duplicate_of = self.deduper.other_urls(item.normalised.content_hash, item.url)
        if item.duplicate_of:
            logger.info("%s has the same text as %s", item.url, ", ".join(item.duplicate_of[:3]))
        item.sketch = dedup.sketch(item.normalised.text_norm)
        return item


def in_pipelines(crawler: Crawler) -> set[str]:
    """Document URLs being extracted in the pool now (shared by the crawler's pipelines)."""
    if not hasattr(crawler, "zwgk_documents_in_pipelines"):
        crawler.zwgk_documents_in_pipelines = set()
    return crawler.zwgk_documents_in_pipelines


def _gone(item: PageItem) -> Gone | None:
    """Deletion evidence in a response to a document request (crawler/history/deletion.py)."""
    if item.redirect_to is not None:  # redirected off the site, not followed
        return gone_evidence(item.status, item.requested_url, item.redirect_to, offsite=True)
    if item.extracted is not None:
        text, title = item.extracted.text, item.extracted.title
    elif item.html is not None:
        tree = parse_html(item.html)
        text, title = (tree.text_content() if tree is not None else ""), None
    else:
        text = title = None
    return gone_evidence(item.status, item.requested_url, item.url, text, title)


def _document(item: PageItem) -> DocumentContent | None:
    if item.extracted is None or item.normalised is None:
        return None
    return document_content(item.url, item.extracted, item.normalised, item.sketch)
