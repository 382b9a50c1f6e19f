"""Discovery: which links of a 政务公开 list page are documents, which are more list pages.

Plain functions over (HTML, URL, section prefixes), so every rule is testable without Scrapy.
The spider only turns their answers into requests. CMS-specific strategies (Hanweb jpage,
Ucap, 集约化 platforms) grow here as their own small functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from w3lib.url import canonicalize_url

# Article URLs of the CMS families county portals run on
DOCUMENT_URL_RES = (
    re.compile(r"/t\d{8}_\d+\.s?html?$"),  # TRS WCM: t20240227_1001.html
    re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$"),  # Hanweb jcms
    re.compile(r"/\d{6}/[0-9a-f]{32}\.s?html?$"),  # Ucap / 开普云
    re.compile(r"/(?:content|detail|article|info)[_/-]?\d+\.s?html?$", re.I),
    re.compile(r"/\d{4}-?\d{2}/\d{2}/[\w-]+\.s?html?$"),
)
ATTACHMENT_EXTENSIONS = frozenset(
    [
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".wps",
        ".et",
        ".ofd",
        ".zip",
        ".rar",
        ".7z",
        ".ppt",
        ".pptx",
        ".txt",
        ".csv",
    ]
)
NON_PAGE_EXTENSIONS = ATTACHMENT_EXTENSIONS | frozenset(
    [
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".bmp",
        ".svg",
        ".ico",
        ".css",
        ".js",
        ".mp4",
        ".mp3",
        ".flv",
        ".swf",
        ".xml",
        ".json",
    ]
)
NEXT_PAGE_TEXTS = ("下一页", "下页", "后页", "尾页", "末页", "下一頁", "尾頁")
DATE_RE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
CREATE_PAGE_RE = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]"
)
COUNT_PAGE_RE = re.compile(r"var\s+countPage\s*=\s*(\d+)")  # TRS document.write pagers
INDEX_N_RE = re.compile(r"/index_\d+\.s?html?$")
PAGE_NUMBER_RE = re.compile(r"^\s*\d{1,4}\s*$")


@dataclass(frozen=True)
class Links:
    documents: tuple[str, ...]
    lists: tuple[str, ...]  # pagination and sub-columns inside the section
    attachments: tuple[str, ...]


def canonical_url(url: str) -> str:
    """The archive's key for a URL: no fragment, sorted query, lower-case host, no default port."""
    url = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port and not (
        (parts.scheme == "http" and parts.port == 80)
        or (parts.scheme == "https" and parts.port == 443)
    ):
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


def in_domains(url: str, domains: tuple[str, ...]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def in_section(url: str, prefixes: tuple[str, ...]) -> bool:
    path = urlsplit(url).path or "/"
    return any(path.startswith(prefix) for prefix in prefixes)


def extension(url: str) -> str:
    path = urlsplit(url).path.lower()
    name = path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def looks_like_document(url: str) -> bool:
    path = urlsplit(url).path
    return any(rx.search(path) for rx in DOCUMENT_URL_RES)


def pagination_from_scripts(html: str, page_url: str) -> list[str]:
    """TRS WCM pagers: createPageHTML(total, current, "index", "html") -> index_1.html … index_{total-1}."""
    urls = []
    for match in CREATE_PAGE_RE.finditer(html):
        total, _current, stem, ext = int(match[1]), int(match[2]), match[3], match[4]
        urls.extend(urljoin(page_url, f"{stem}_{n}.{ext}") for n in range(1, min(total, 10_000)))
    if (
        not urls
        and (match := COUNT_PAGE_RE.search(html))
        and 'index"+"_"' in html.replace("'", '"')
    ):
        urls.extend(
            urljoin(page_url, f"index_{n}.html") for n in range(1, min(int(match[1]), 10_000))
        )
    return urls


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


def _is_pager_anchor(anchor: lxml.html.HtmlElement, href: str) -> bool:
    text = (anchor.text_content() or "").strip()
    if any(t in text for t in NEXT_PAGE_TEXTS) or INDEX_N_RE.search(urlsplit(href).path):
        return True
    # page-number links (1 2 3 …) inside a pager block
    return bool(PAGE_NUMBER_RE.match(text)) and "page" in " ".join(
        (a.get("class", "") + " " + a.get("id", "")).lower() for a in anchor.iterancestors()
    )


def classify_links(
    html: str, page_url: str, domains: tuple[str, ...], prefixes: tuple[str, ...]
) -> Links:
    """Split a list page's links into documents, more list pages, and attachments.

    Documents: inside the section and either an article URL of a known CMS, or an item of a
    dated list (an anchor whose li/tr also holds a date). Lists: pagination (下一页/尾页,
    index_N.html, createPageHTML) and other pages inside the section. Nothing outside the
    allowed domains is returned.
    """
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return Links((), (), ())
    documents: dict[str, None] = {}
    lists: dict[str, None] = {}
    attachments: dict[str, None] = {}
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = urljoin(page_url, href)
        if urlsplit(url).scheme not in ("http", "https") or not in_domains(url, domains):
            continue
        url = canonical_url(url)
        ext = extension(url)
        if ext in ATTACHMENT_EXTENSIONS:
            attachments[url] = None
            continue
        if ext in NON_PAGE_EXTENSIONS or not in_section(url, prefixes):
            continue
        if looks_like_document(url):
            documents[url] = None
        elif _is_pager_anchor(anchor, url):
            lists[url] = None
        elif DATE_RE.search(_item_context(anchor)) and not urlsplit(url).path.endswith("/"):
            documents[url] = None
        else:
            lists[url] = None
    for url in pagination_from_scripts(html, page_url):
        if in_domains(url, domains) and in_section(url, prefixes):
            lists[canonical_url(url)] = None
    page = canonical_url(page_url)
    lists.pop(page, None)
    return Links(
        tuple(documents), tuple(u for u in lists if u not in documents), tuple(attachments)
    )


def same_host_links(html: str, page_url: str) -> tuple[str, ...]:
    """Every page link on the page's own host (for one-off fetches with --depth)."""
    try:
        tree = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ()
    host = urlsplit(page_url).netloc
    found: dict[str, None] = {}
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = urljoin(page_url, href)
        if urlsplit(url).netloc == host and extension(url) not in NON_PAGE_EXTENSIONS:
            found[canonical_url(url)] = None
    return tuple(found)
