"""集约化 (provincial intensive) platforms: <meta name="channelId">, zwgklist.shtml lists, and the
政务公开 catalogue as a side-menu tree whose entries are <li id="erji_cNNN"> items.

Each catalogue column lives in its own folder (/jyt/cNNNNNN/), outside the entry page's folder,
so the catalogue's columns widen the section the crawl stays in.
"""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.html

from crawler.text.normalise import fold_space

CATALOGUE_XPATH = "//li[starts-with(@id, 'erji_')]//a | //*[contains(@class, 'sideMenu')]//a"


def catalogue(tree: lxml.html.HtmlElement, page_url: str) -> dict[str, str]:
    """url -> name of the catalogue tree's columns (the side menu, not the top nav)."""
    found: dict[str, str] = {}
    for anchor in tree.xpath(CATALOGUE_XPATH):
        href = (anchor.get("href") or "").strip()
        if href and not href.lower().startswith(("javascript:", "#")):
            found.setdefault(urljoin(page_url, href), fold_space(anchor.text_content()))
    return found
