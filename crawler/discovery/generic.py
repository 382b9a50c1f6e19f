"""The generic list strategy: anchors of a list page, split into documents, more pages of the
same column, sub-columns, and attachments. Every CMS family starts from this."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html

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
    tree: lxml.html.HtmlElement, page_url: str, domains: tuple[str, ...], prefixes: tuple[str, ...]
) -> Anchors:
    """Documents: inside the section and either an article URL of a known CMS, or an item of a
    dated list (an anchor whose li/tr also holds a date). Pages: pagination (下一页/尾页,
    index_N). Columns: other pages inside the section. Nothing outside the allowed domains."""
    result = Anchors({}, [], {}, {}, {})
    this_page = canonical_url(page_url)
    for anchor, raw_url in page_links(tree, page_url):
        if not in_domains(raw_url, domains):
            continue
        url = canonical_url(raw_url)
        if url == this_page:
            continue
        if is_attachment_url(url):
            result.attachments.setdefault(url, anchor_text(anchor))
            continue
        if extension(url) in NON_PAGE_EXTENSIONS or not in_section(url, prefixes):
            continue
        if reason := trap_reason(url):
            result.traps[url] = reason
            continue
        if looks_like_document(url):
            result.documents.setdefault(url, anchor_text(anchor))
        elif _is_pager_anchor(anchor, url):
            if url not in result.pages:
                result.pages.append(url)
        elif DATE_RE.search(_item_context(anchor)) and not looks_like_list(url):
            result.documents.setdefault(url, anchor_text(anchor))
        else:
            result.columns.setdefault(url, anchor_text(anchor))
    for url in result.documents:
        result.columns.pop(url, None)
    return result


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
