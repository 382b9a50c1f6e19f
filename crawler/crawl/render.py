"""Rendering list pages whose items are drawn by JavaScript, in a real headless Chromium.

Only list pages that discovery flags (crawler/discovery/listdata.py `render_reason`), or every
list page of a seed with `render = "lists"`, go through the browser: scrapy-playwright's download
handler sends a request to the browser only when its meta says `playwright`, and hands every
other request to Scrapy's own HTTP handler. The browser is the system's Chromium
(ZWGK_RENDER_BROWSER, Debian's /usr/bin/chromium); zwgk never downloads one. It is started on
the first page that needs it, and inside it every request to a host outside the site's allowed
domains, and every image, font and media file, is aborted.
"""

from __future__ import annotations

import shutil
from urllib.parse import urlsplit

from scrapy.settings import Settings

HANDLER = "crawler.crawl.render_handler.LazyRenderHandler"
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SKIPPED_RESOURCES = frozenset({"image", "media", "font"})


def browser_path(settings: Settings) -> str | None:
    """The Chromium to render with, if it is installed."""
    path = settings.get("ZWGK_RENDER_BROWSER") or ""
    return shutil.which(path) if path else None


class AbortOutside:
    """PLAYWRIGHT_ABORT_REQUEST: what the browser must not fetch for a rendered page."""

    def __init__(self, domains: tuple[str, ...]) -> None:
        self.domains = domains

    def __call__(self, request) -> bool:
        if request.resource_type in SKIPPED_RESOURCES:
            return True
        host = (urlsplit(request.url).hostname or "").lower()
        if urlsplit(request.url).scheme in ("data", "blob", "about"):
            return False
        return not any(host == d or host.endswith("." + d) for d in self.domains)


def enable(settings: Settings, domains: tuple[str, ...], mode: str) -> bool:
    """Install the browser handler in a site's settings; False when rendering is off (the seed
    forbids it, ZWGK_RENDER is off, or no browser is installed)."""
    if mode == "never" or not settings.getbool("ZWGK_RENDER"):
        return False
    path = browser_path(settings)
    if path is None:
        return False
    settings.set("DOWNLOAD_HANDLERS", {"http": HANDLER, "https": HANDLER}, priority="spider")
    settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", priority="spider")
    settings.set(
        "PLAYWRIGHT_LAUNCH_OPTIONS",
        {"executable_path": path, "headless": True, "args": BROWSER_ARGS},
        priority="spider",
    )
    settings.set("PLAYWRIGHT_MAX_CONTEXTS", 1, priority="spider")
    settings.set(
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", settings.getint("ZWGK_RENDER_PAGES"), priority="spider"
    )
    timeout = settings.getfloat("ZWGK_RENDER_TIMEOUT") * 1000
    settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", timeout, priority="spider")
    settings.set("PLAYWRIGHT_ABORT_REQUEST", AbortOutside(domains), priority="spider")
    return True


def render_meta() -> dict:
    """Request meta that sends a list page through the browser and waits for its scripts."""
    from scrapy_playwright.page import PageMethod

    return {
        "playwright": True,
        "playwright_page_methods": [PageMethod("wait_for_load_state", "networkidle")],
    }
