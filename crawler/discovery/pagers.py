"""Script pagers: pages a list announces in JavaScript instead of links.

TRS WCM: createPageHTML(total, current, "index", "html") -> index.html, index_1.html … index_{total-1}
Ucap / 集约化: createPageHTML('page_div', total, current, 'zwgklist', 'shtml', records)
    -> zwgklist.shtml, zwgklist_2.shtml … zwgklist_{total}
TRS document.write pagers: var countPage = N with "index"+"_"+i+".html" links.
Only live <script> elements are read: a pager call left inside an HTML comment (as on real
集约化 pages) announces pages that do not exist.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import lxml.html

MAX_PAGES = 2000  # a pager announcing more is not believed beyond this
_ARG = r"\s*['\"]?([\w-]*)['\"]?\s*"
CREATE_PAGE_RE = re.compile(r"createPageHTML\(([^)]*)\)")
COUNT_PAGE_RE = re.compile(r"var\s+countPage\s*=\s*(\d+)")
TOTAL_PAGES_TEXT_RE = re.compile(r"共\s*(\d+)\s*页")


def _args(call: str) -> list[str]:
    return [a.strip().strip("'\"") for a in call.split(",")]


def script_texts(tree: lxml.html.HtmlElement) -> list[str]:
    return [s.text for s in tree.iter("script") if s.text]


def script_pages(tree: lxml.html.HtmlElement, page_url: str) -> tuple[list[str], int | None]:
    """(page URLs, announced page count) from the list page's live scripts."""
    urls: list[str] = []
    announced: int | None = None
    for text in script_texts(tree):
        for match in CREATE_PAGE_RE.finditer(text):
            args = _args(match[1])
            if (
                len(args) >= 5 and not args[0].isdigit()
            ):  # ('page_div', total, current, stem, ext, records)
                total, stem, ext = int(args[1] or 0), args[3], args[4]
                urls += [
                    urljoin(page_url, f"{stem}_{n}.{ext}")
                    for n in range(2, min(total, MAX_PAGES) + 1)
                ]
            elif len(args) >= 4 and args[0].isdigit():  # (total, current, stem, ext)
                total, stem, ext = int(args[0]), args[2], args[3]
                urls += [
                    urljoin(page_url, f"{stem}_{n}.{ext}") for n in range(1, min(total, MAX_PAGES))
                ]
            else:
                continue
            announced = max(announced or 0, total)
        if (match := COUNT_PAGE_RE.search(text)) and re.search(r"index\W+_", text):
            total = int(match[1])
            ext = "shtml" if "shtml" in text else "html"
            urls += [urljoin(page_url, f"index_{n}.{ext}") for n in range(1, min(total, MAX_PAGES))]
            announced = max(announced or 0, total)
    return urls, announced


def announced_pages(tree: lxml.html.HtmlElement) -> int | None:
    """'共3页' in the visible pager text, if any."""
    text = " ".join(tree.xpath("//body//text()[not(ancestor::script)]"))
    match = TOTAL_PAGES_TEXT_RE.search(text)
    return int(match[1]) if match else None


def page_number(url: str) -> int | None:
    """1-based page number of index_N-style pagination URLs, None for other URLs."""
    match = re.search(r"_(\d+)\.s?html?$", url)
    return int(match[1]) if match else None
