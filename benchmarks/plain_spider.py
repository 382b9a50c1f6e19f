"""The yardstick: a plain Scrapy + trafilatura + sqlite-utils spider, as a one-off gov-policy
script would be written, for benchmarks/throughput.py to run beside zwgk.

    python benchmarks/plain_spider.py START_URL DB [--concurrency 8]

Follows every link under the start URL's folder, runs trafilatura on pages whose URL looks like
a TRS article (tYYYYMMDD_N.html) and inserts url, title, date and text into one sqlite-utils
table, one row per page. No raw capture, metadata rules, normalisation, dedup, versions, history
or search index: a fraction of zwgk's work.
"""

from __future__ import annotations

import argparse
import re
from urllib.parse import urlsplit

import scrapy
import sqlite_utils
import trafilatura
from scrapy.crawler import CrawlerProcess

ARTICLE = re.compile(r"/t\d{8}_\d+\.html$")


class PlainSpider(scrapy.Spider):
    name = "plain"

    def __init__(self, start: str, db: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start]
        parts = urlsplit(start)
        self.host, self.folder = parts.netloc, parts.path.rsplit("/", 1)[0] + "/"
        self.table = sqlite_utils.Database(db)["pages"]

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            parts = urlsplit(url)
            if parts.netloc != self.host or not parts.path.startswith(self.folder):
                continue
            yield scrapy.Request(
                url, callback=self.parse_article if ARTICLE.search(parts.path) else self.parse
            )

    def parse_article(self, response):
        text = trafilatura.extract(response.text, include_tables=True)
        meta = trafilatura.extract_metadata(response.text)
        self.table.insert(
            {"url": response.url, "title": meta.title if meta else None,
             "date": meta.date if meta else None, "text": text},
            pk="url", replace=True,
        )  # fmt: skip
        yield from self.parse(response)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("start")
    parser.add_argument("db")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    process = CrawlerProcess(
        {
            "ROBOTSTXT_OBEY": True,
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
            "LOG_LEVEL": "WARNING",
            "TELNETCONSOLE_ENABLED": False,
        }
    )
    process.crawl(PlainSpider, start=args.start, db=args.db)
    process.start()


if __name__ == "__main__":
    main()
