"""The generic list strategy: anchors of a list page, split into documents, more pages of the
same column, sub-columns, and attachments. Every CMS family starts from this."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html

from crawler.discovery.regions import MainList, is_chrome
from crawler.discovery.urls import (
    NON_PAGE_EXTENSIONS,
    canonical_url,
    extension,
    in_domains,
    in_section,
    is_attachment_url,
    looks_like_document,
    looks_like_list,
    trap_reason,
)
from crawler.text.normalise import fold_space

NEXT_PAGE_TEXTS = ("下一页", "下页", "后页", "尾页", "末页", "下一頁", "尾頁", "next", "last »")
DATE_RE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
INDEX_N_RE = re.compile(r"/\w*_\d+\.s?html?$")
PAGE_NUMBER_RE = re.compile(r"^\s*\[?\d{1,4}\]?\s*$")
SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "#", "data:")
PAGE_PARAM_RE = re.compile(r"^(?:p|page|pageno|pagenum|pageindex|curpage|currentpage|pn)$", re.I)


def is_first_page_of(url: str, page_url: str) -> bool:
    """`url` is `page_url` asking for its first page: the same path and query, plus one page
    parameter set to 1 (a pager drawn by script links page 1 as `index.html?page=1`)."""
    link, page = urlsplit(url), urlsplit(page_url)
    if (link.scheme, link.netloc, link.path) != (page.scheme, page.netloc, page.path):
        return False
    own = parse_qsl(page.query, keep_blank_values=True)
    extra = [pair for pair in parse_qsl(link.query, keep_blank_values=True) if pair not in own]
    if len(extra) != 1 or len(own) + 1 != len(parse_qsl(link.query, keep_blank_values=True)):
        return False
    name, value = extra[0]
    return (
        bool(PAGE_PARAM_RE.match(name))
        and value == "1"
        and not any(PAGE_PARAM_RE.match(n) for n, _ in own)
    )


@dataclass(frozen=True)
class Anchors:
    documents: dict[str, str]  # url -> link text
    pages: list[str]  # more pages of this column
    columns: dict[str, str]  # sub-column url -> name
    attachments: dict[str, str]  # url -> link text
    traps: dict[str, str]  # url -> why it was not followed


def anchor_text(anchor: lxml.html.HtmlElement) -> str:
    return fold_space(anchor.get("title") or anchor.text_content() or "")


def _item_context(anchor: lxml.html.HtmlElement) -> str:
    """Text of the list item (li/tr/dd/p) that holds an anchor, where a date often sits."""
    node = anchor
    for _ in range(4):
        node = node.getparent()
        if node is None:
            return ""
        if node.tag in ("li", "tr", "dd", "dl", "p"):
            return node.text_content()
    return ""


def _is_pager_anchor(anchor: lxml.html.HtmlElement, url: str) -> bool:
    text = anchor.text_content().strip().lower()
    if looks_like_document(url):  # t20170912_2137.htm is an article, not index_N
        return False
    if any(t in text for t in NEXT_PAGE_TEXTS) or INDEX_N_RE.search(urlsplit(url).path):
        return True
    if not PAGE_NUMBER_RE.match(text):
        return False
    names = " ".join(
        (a.get("class", "") + " " + a.get("id", "")).lower() for a in anchor.iterancestors()
    )
    return "page" in names or "fenye" in names or "pag" in names


def page_links(
    tree: lxml.html.HtmlElement, page_url: str
) -> list[tuple[lxml.html.HtmlElement, str]]:
    """(anchor, absolute URL) for every followable href on the page."""
    found = []
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(SKIPPED_SCHEMES):
            continue
        url = urljoin(page_url, href)
        if urlsplit(url).scheme in ("http", "https"):
            found.append((anchor, url))
    return found


def classify_anchors(
    tree: lxml.html.HtmlElement,
    page_url: str,
    domains: tuple[str, ...],
    prefixes: tuple[str, ...],
    main: MainList | None = None,
) -> Anchors:
    """Split a list page's links (regions.py finds its main list).

    Documents: every link of the main list's items, wherever it is filed (on the allowed
    domains). With no main list on the page, links inside the section that are either article
    URLs of a known CMS or items of a dated list, outside nav/footer chrome. Pages: pagination
    (下一页/尾页, index_N) inside the section or in the main list's own pager. Columns: other
    pages inside the section, and sub-columns in the main list's own catalogue block."""
    result = Anchors({}, [], {}, {}, {})
    this_page = canonical_url(page_url)
    listed = {id(a) for item in main.items for a in item.element.iter("a")} if main else set()
    for anchor, raw_url in page_links(tree, page_url):
        if not in_domains(raw_url, domains):
            continue
        url = canonical_url(raw_url)
        if url == this_page or is_first_page_of(url, this_page):
            continue
        if is_attachment_url(url):
            result.attachments.setdefault(url, anchor_text(anchor))
            continue
        if extension(url) in NON_PAGE_EXTENSIONS:
            continue
        in_list = id(anchor) in listed
        in_region = main is not None and main.holds(anchor)
        if not (in_list or in_region or in_section(url, prefixes)):
            continue
        if reason := trap_reason(url):
            result.traps[url] = reason
            continue
        if in_list and not looks_like_list(url):
            result.documents.setdefault(url, anchor_text(anchor))
        elif _is_pager_anchor(anchor, url):
            if url not in result.pages and not _is_site_root(url):
                result.pages.append(url)
        elif main is None and _unlisted_document(anchor, url):
            result.documents.setdefault(url, anchor_text(anchor))
        elif in_section(url, prefixes):
            if not looks_like_document(url):  # an article-like link outside the list: chrome
                result.columns.setdefault(url, anchor_text(anchor))
        elif looks_like_list(url) and not _is_site_root(url) and not _is_above(url, page_url):
            result.columns.setdefault(url, anchor_text(anchor))  # the list's own catalogue
    for url in result.documents:
        result.columns.pop(url, None)
    return result


def _unlisted_document(anchor: lxml.html.HtmlElement, url: str) -> bool:
    """On a page without a main list: an article URL or a dated item, outside the chrome."""
    if is_chrome(anchor):
        return False
    return looks_like_document(url) or (
        bool(DATE_RE.search(_item_context(anchor))) and not looks_like_list(url)
    )


def _is_site_root(url: str) -> bool:
    path = urlsplit(url).path
    return not urlsplit(url).query and (path == "/" or bool(re.fullmatch(r"/index\.\w+", path)))


def _is_above(url: str, page_url: str) -> bool:
    """A folder that holds the page (a breadcrumb back up), not a column beside or below it."""
    folder = urlsplit(url).path.rsplit("/", 1)[0] + "/"
    return (
        urlsplit(page_url).path.startswith(folder)
        and folder != urlsplit(page_url).path.rsplit("/", 1)[0] + "/"
    )


def attachment_links(
    tree: lxml.html.HtmlElement, page_url: str, domains: tuple[str, ...]
) -> dict[str, str]:
    """Attachment files linked from a document page, on the site's domains: url -> link text."""
    found: dict[str, str] = {}
    for anchor, raw_url in page_links(tree, page_url):
        if in_domains(raw_url, domains) and is_attachment_url(raw_url):
            found.setdefault(canonical_url(raw_url), anchor_text(anchor))
    return found


def same_host_links(tree: lxml.html.HtmlElement, page_url: str) -> list[str]:
    """Every page link on the page's own host (for one-off fetches with --depth)."""
    host = urlsplit(page_url).netloc
    found: dict[str, None] = {}
    for _anchor, url in page_links(tree, page_url):
        if (
            urlsplit(url).netloc == host
            and extension(url) not in NON_PAGE_EXTENSIONS
            and not trap_reason(url)
        ):
            found[canonical_url(url)] = None
    return list(found)
