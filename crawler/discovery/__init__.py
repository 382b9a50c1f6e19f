"""Discovery: what a 政务公开 list page leads to — documents, more pages of its column,
sub-columns of the catalogue tree — for each CMS family county portals run on.

Plain functions over (HTML, URL, site bounds); the spider only turns their answers into
requests. regions.py finds a page's main list (its items are the column's documents, wherever
they are filed) apart from its chrome; generic.py splits the links; pagers.py reads script
pagers and page counts (TRS, Ucap, 集约化, EmpireCMS); listdata.py reads lists held in scripts
(inline template JSON, the TRS 动静结合 search API) or says why a page needs a browser;
hanweb.py the jpage/dataproxy; sitemap.py sitemaps. The family is detected from the page; a
seed's `cms` key overrides detection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.etree
import lxml.html

from crawler.discovery import hanweb, jiyue, listdata, pagers, regions
from crawler.discovery.generic import (
    attachment_links,
    classify_anchors,
    is_first_page_of,
    same_host_links,
)
from crawler.discovery.sitemap import parse_sitemap, sitemaps_in_robots
from crawler.discovery.urls import (
    canonical_url,
    in_domains,
    in_section,
    looks_like_document,
    trap_reason,
)
from crawler.extract import nesting
from crawler.sites.seeds import CMS_FAMILIES, section_of
from crawler.text.normalise import fold_space

__all__ = [
    "CMS_FAMILIES",
    "ListPage",
    "attachment_links",
    "canonical_url",
    "column_key",
    "detect_cms",
    "parse_html",
    "parse_list",
    "parse_proxy",
    "parse_sitemap",
    "same_host_links",
    "sitemaps_in_robots",
    "trap_reason",
]

_JIYUE_RE = re.compile(r"<meta\s+name=[\"']channelId[\"']|/zwgklist(?:_\w+)?\.shtml", re.I)
_UCAP_RE = re.compile(r"<ucap(?:title|content)|UCAP-CONTENT|ucapcms|/ucap/", re.I)
_INDEX_RE = re.compile(r"/(?:index|default)\.\w+$")
_EMPIRE_RE = re.compile(
    r"EmpireCMS|class=[\"']epages|title=[\"']Total record|/e/search/|/e/public/", re.I
)
_TRS_RE = re.compile(r"createPageHTML|TRS_Editor|trs_|var\s+countPage|/t\d{8}_\d+\.s?html?", re.I)


@dataclass(frozen=True)
class ListPage:
    cms: str
    title: str | None
    documents: dict[str, str]  # canonical url -> link text
    pages: list[str]  # more pages of the same column
    columns: dict[str, str]  # sub-columns: url -> name
    proxy: list[hanweb.ProxyRequest] = field(default_factory=list)  # Hanweb record windows
    announced: int | None = None  # page count the list announces
    records: int | None = None  # items the column announces (recordCount, Total record, 共N条)
    api: list[listdata.ApiRequest] = field(default_factory=list)  # JSON pages of a script list
    render: str | None = None  # why the list needs a browser (its items are drawn by scripts)
    traps: dict[str, str] = field(default_factory=dict)  # url -> why it was not followed
    # columns of the CMS's 政务公开 catalogue outside the section's folders: they widen the section
    catalogue: dict[str, str] = field(default_factory=dict)


def column_key(url: str) -> str:
    """One name for a column served as a folder and as its index page: …/ndjh/index.html and
    …/ndjh/ are the same column."""
    return _INDEX_RE.sub("/", url) if "?" not in url else url


def detect_cms(html: str, url: str) -> str:
    if hanweb.is_hanweb(html, url):
        return "hanweb"
    if _JIYUE_RE.search(html) or "zwgklist" in url:
        return "jiyue"
    if _UCAP_RE.search(html):
        return "ucap"
    if _EMPIRE_RE.search(html):
        return "empire"
    if _TRS_RE.search(html):
        return "trs"
    return "generic"


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """A page's tree (None if unparseable), read however deep it nests (crawler/extract/nesting.py)."""
    parser = nesting.parser()
    try:
        return nesting.parse_nested(
            html, lambda text: lxml.html.fromstring(text, parser=parser), parser
        )
    except (lxml.etree.ParserError, ValueError):
        return None


def _title(tree: lxml.html.HtmlElement) -> str | None:
    """The page's own name: its <title> without the site's name after it (栏目_县人民政府)."""
    title = fold_space(tree.findtext(".//title") or "")
    parts = [p.strip() for p in re.split(r"\s*(?:_|\||－|——|\s-\s)\s*", title) if p.strip()]
    return parts[0] if parts else None


def parse_list(
    html: str,
    url: str,
    domains: tuple[str, ...],
    prefixes: tuple[str, ...],
    cms: str | None = None,
    column_url: str | None = None,
) -> ListPage:
    """What one list page of a column leads to."""
    tree = parse_html(html)
    if tree is None:
        return ListPage(cms or "generic", None, {}, [], {})
    cms = cms or detect_cms(html, url)
    main = regions.main_list(tree, url)
    anchors = classify_anchors(tree, url, domains, prefixes, main)
    documents = dict(anchors.documents)
    inline = listdata.inline_json_items(tree, url) or None  # an empty array: the data is elsewhere
    for raw, name in (inline or {}).items():
        doc = canonical_url(raw)
        if in_domains(doc, domains) and not trap_reason(doc):
            documents.setdefault(doc, name)
    api = [r for r in listdata.trs_api_requests(tree, url) if in_domains(r.url, domains)]
    this = canonical_url(url)
    first_page = column_url is None or canonical_url(column_url) == this
    first = canonical_url(column_url) if column_url else this  # the column's first page
    state = pagers.list_state(tree)
    script_urls, announced = pagers.script_pages(tree, url)
    listed = len(main.items) if main else 0
    announced = announced or pagers.announced_pages(tree) or state.page_count(listed)
    if announced and first_page and not (api or inline or anchors.pages or script_urls):
        numbering = _numbering(cms, [*anchors.pages, *script_urls])
        if numbering:  # no pager links needed: the page count names the pages
            script_urls += pagers.numbered_pages(url, announced, numbering)
    pages = list(anchors.pages)
    folder = section_of(url)
    for raw in script_urls:
        page = canonical_url(raw)
        same_column = in_section(page, prefixes) or section_of(page) == folder
        if in_domains(page, domains) and same_column and page not in pages:
            pages.append(page)
    proxy: list[hanweb.ProxyRequest] = []
    catalogue: dict[str, str]
    render = None
    if cms == "hanweb":
        documents.update(_hanweb_documents(html, url, domains, column_url))
        proxy = hanweb.proxy_requests(html, url)
        catalogue = hanweb.subcolumns(tree, url)
    else:
        catalogue = jiyue.catalogue(tree, url) if cms == "jiyue" else {}
        if not api and inline is None:
            render = listdata.render_reason(tree, listed, state, first_page)
    tree_columns = {}
    for raw, name in catalogue.items():
        sub = canonical_url(raw)
        if in_domains(sub, domains) and sub not in documents and not trap_reason(sub):
            tree_columns[sub] = name
    if announced:
        pages = [p for p in pages if (pagers.page_number(p) or 0) <= announced]
    this_folder = canonical_url(urljoin(url, "./")) if _INDEX_RE.search(url) else this
    columns = {
        u: n for u, n in anchors.columns.items() if u not in pages and u not in (this, this_folder)
    }
    tree_columns = {
        u: n
        for u, n in tree_columns.items()
        if u not in pages and u not in (this, this_folder) and u not in columns
    }
    return ListPage(
        cms,
        _title(tree),
        documents,
        [p for p in pages if p != this and not is_first_page_of(p, first)],  # page 1 again
        columns,
        proxy=proxy,
        announced=announced,
        traps=anchors.traps,
        catalogue=tree_columns,
        records=state.records,
        api=api,
        render=render,
    )


def _numbering(cms: str, found: list[str]) -> int | None:
    """The number of a column's second page: index_1 (TRS) or index_2 (EmpireCMS, Ucap, 集约化);
    for other lists, what its pager links show; None when nothing tells."""
    if cms == "trs":
        return 1
    if cms in ("empire", "ucap", "jiyue"):
        return 2
    numbers = [n for n in (pagers.page_number(u) for u in found) if n]
    return (1 if min(numbers) == 1 else 2) if numbers else None


def _hanweb_documents(text, url, domains, column_url) -> dict[str, str]:
    """A jcms column's records: its main list, wherever each article is filed."""
    found = {}
    for raw, name in hanweb.records(text, url).items():
        doc = canonical_url(raw)
        if in_domains(doc, domains) and not trap_reason(doc):
            found[doc] = name
    return found


def parse_proxy(
    text: str, url: str, domains: tuple[str, ...], prefixes: tuple[str, ...], column_url: str | None
) -> dict[str, str]:
    """Documents in a Hanweb dataproxy.jsp answer."""
    return _hanweb_documents(text, url, domains, column_url)


def parse_api(text: str, url: str, domains: tuple[str, ...]) -> dict[str, str]:
    """Documents in a list API's JSON answer (TRS search API and the like)."""
    found = {}
    for raw, name in listdata.parse_json(text, url).items():
        doc = canonical_url(raw)
        if in_domains(doc, domains) and not trap_reason(doc):
            found[doc] = name
    return found


def sitemap_documents(
    urls: list[str], domains: tuple[str, ...], prefixes: tuple[str, ...]
) -> list[str]:
    """Sitemap entries that are documents of the section."""
    found = []
    for raw in urls:
        doc = canonical_url(raw)
        if in_domains(doc, domains) and in_section(doc, prefixes) and looks_like_document(doc):
            found.append(doc)
    return found
