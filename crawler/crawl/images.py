"""The last item pipeline: the images of an archived document's body, requested like its
attachments (crawler/crawl/pipelines.py runs the stages before it)."""

from __future__ import annotations

from scrapy.crawler import Crawler

from crawler.crawl.items import PageItem
from crawler.discovery import canonical_url


class ImagePipeline:
    """Once a document is archived, the images of its body (a 图解 page's infographics, a news
    item's photos) are requested through the spider like its attachments: downloaded politely,
    size-limited, stored once by content and linked to the version. Images already linked to the
    current version are not fetched again."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db_path = crawler.settings.get("ZWGK_DB_PATH")
        self.enabled = crawler.settings.getbool("ZWGK_IMAGES_ENABLED")
        self.archive = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ImagePipeline:
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        from archive.read import Archive

        if self.enabled:
            self.archive = Archive(self.db_path)  # read-only; the archive pipeline created it

    def close_spider(self, spider=None) -> None:
        if self.archive is not None:
            self.archive.close()

    def process_item(self, item: PageItem, spider=None) -> PageItem:
        archived = item.outcome in ("new", "changed", "unchanged", "restored")
        if self.archive is None or not archived or not (item.extracted and item.extracted.images):
            return item
        linked = self.archive.linked_file_urls(item.url)
        wanted = [
            (image.url, image.name)
            for image in item.extracted.images
            if canonical_url(image.url) not in linked
        ]
        for request in self.crawler.spider.image_requests(item.url, wanted):
            self.crawler.engine.crawl(request)
        return item
