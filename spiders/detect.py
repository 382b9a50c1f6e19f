"""The spider of `zwgk sites detect URL`: a portal's home page, then the entry it names.

Two requests, through Scrapy (robots.txt, the User-Agent, timeouts and retries apply); nothing
is archived. The answer (crawler/sites/detect.py decides) is left in the `found` dict it is given.
"""

from __future__ import annotations

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler import discovery
from crawler.sites import detect


class DetectSpider(scrapy.Spider):
    name = "detect"
    custom_settings = {"ITEM_PIPELINES": {}, "ZWGK_PROGRESS": False, "CLOSESPIDER_PAGECOUNT": 10}

    def __init__(self, home_url: str, found: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.home_url = home_url
        self.found = found

    async def start(self):
        yield scrapy.Request(self.home_url, callback=self.home, errback=self.failed)

    def home(self, response: Response):
        if response.status >= 400 or not isinstance(response, TextResponse):
            self.found["error"] = f"{response.url}: HTTP {response.status}, not a home page"
            return
        tree = discovery.parse_html(response.text)
        title = tree.findtext(".//title") if tree is not None else None
        entry = detect.choose(detect.candidates(response.text, response.url), response.url)
        self.found.update(home=response.url, title=(title or "").strip(), entry=entry)
        if entry.url:
            yield scrapy.Request(
                entry.url, callback=self.entry, errback=self.failed, dont_filter=True
            )

    def entry(self, response: Response):
        if response.status < 400 and isinstance(response, TextResponse):
            self.found["cms"] = discovery.detect_cms(response.text, response.url)
        else:
            self.found["entry_error"] = f"HTTP {response.status}"

    def failed(self, failure: Failure):
        key = "error" if "home" not in self.found else "entry_error"
        self.found[key] = f"{failure.request.url}: {failure.getErrorMessage()}"
