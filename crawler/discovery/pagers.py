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
from dataclasses import dataclass
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


# --- page counts from script state and pager text ------------------------------------------------

_NUM = r"\s*[:=]\s*['\"]?(\d+)"
RECORD_COUNT_RES = tuple(
    re.compile(rf"\b{key}{_NUM}", re.I)
    for key in ("recordCount", "totalRecords?", "totalCount", "totalNum", "total_count", "rowCount")
)
PAGE_SIZE_RES = tuple(
    re.compile(rf"\b{key}{_NUM}", re.I)
    for key in ("pageSize", "perPage", "prepage", "page_size", "pagesize", "perpage")
)
PAGE_COUNT_RES = tuple(
    re.compile(rf"\b{key}{_NUM}", re.I) for key in ("countPage", "pageCount", "totalPages?")
)
RECORD_TEXT_RES = (
    re.compile(
        r"Total\s+record\D{0,40}?(\d+)", re.I
    ),  # EmpireCMS: <a title="Total record"><b>356</b>
    re.compile(r"共\s*(\d+)\s*条"),
    re.compile(r"(\d+)\s*条记录"),
)
PAGE_SIZE_TEXT_RE = re.compile(r"每页\s*(\d+)\s*条")


@dataclass(frozen=True)
class ListState:
    """What a list page says about its column's size, in its scripts or pager text."""

    records: int | None = None  # items the column holds
    page_size: int | None = None  # items per page
    pages: int | None = None  # page count, stated or computed

    def page_count(self, items_on_page: int) -> int | None:
        if self.pages:
            return min(self.pages, MAX_PAGES)
        size = self.page_size or items_on_page
        if self.records and size:
            return min(-(-self.records // size), MAX_PAGES)
        return None


def _first(patterns, texts: list[str]) -> int | None:
    for text in texts:
        for rx in patterns:
            if match := rx.search(text):
                return int(match[1])
    return None


def list_state(tree: lxml.html.HtmlElement) -> ListState:
    """Record count, page size and page count a list states in its live scripts (recordCount,
    pageSize/prepage, countPage) or its pager text ("Total record 356", "共107条", "每页15条")."""
    scripts = script_texts(tree)
    visible = " ".join(tree.xpath("//body//text()[not(ancestor::script)]"))
    empire = re.search(r"\d+", " ".join(tree.xpath("//a[@title='Total record']//text()")))
    records = _first(RECORD_COUNT_RES, scripts)
    if records is None:
        records = int(empire[0]) if empire else _first(RECORD_TEXT_RES, [visible])
    size = _first(PAGE_SIZE_RES, scripts) or _first((PAGE_SIZE_TEXT_RE,), [visible])
    pages = _first(PAGE_COUNT_RES, scripts)
    if pages is None and (match := TOTAL_PAGES_TEXT_RE.search(visible)):
        pages = int(match[1])
    return ListState(records, size, pages)


def numbered_pages(page_url: str, count: int, first: int) -> list[str]:
    """index_<first>.ext … index_<last> beside a column's first page: TRS counts from
    index_1 (its second page), EmpireCMS and the 6-argument pagers from index_2."""
    name = page_url.split("?")[0].rsplit("/", 1)[-1] or "index.html"
    stem, _, ext = name.partition(".")
    if not ext or re.search(r"_\d+$", stem):
        return []  # not a column's first page: its pages are named from there
    last = count - 1 if first == 1 else count
    return [urljoin(page_url, f"{stem}_{n}.{ext}") for n in range(first, last + 1)]
