"""The download handler for http(s) when rendering is possible: scrapy-playwright's, started lazily.

scrapy-playwright starts Playwright's driver when the engine starts. zwgk renders only the few
list pages whose items scripts draw, so this handler starts Playwright, and the system Chromium,
on the first request that asks for the browser (meta `playwright`); a crawl that renders
nothing never starts either, and every other request goes to Scrapy's own HTTP handler.
"""

from __future__ import annotations

import asyncio

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler


class LazyRenderHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self._started = False
        self._start_lock = asyncio.Lock()

    async def _maybe_launch_in_thread(self) -> None:
        """Not at engine start: see _download_request."""

    def _engine_started(self):
        return None

    async def _download_request(self, request, spider=None):
        if not self._started:
            async with self._start_lock:
                if not self._started:
                    await self._launch()
                    self._started = True
        return await super()._download_request(request, spider)
