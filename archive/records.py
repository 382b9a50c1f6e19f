"""Plain records the crawler hands to the archive writer (the archive never imports Scrapy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


def utcnow() -> str:
    """UTC ISO-8601 with milliseconds and a Z, the archive's one timestamp format."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class SiteRecord:
    id: str
    name: str
    adcode: str
    start_urls: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    seed_source: str = ""


@dataclass(frozen=True)
class RedirectHop:
    """One redirect on the way to a response: the request as sent and the 3xx that answered."""

    url: str  # the URL requested at this hop, as fetched
    status: int  # 301, 302, 303, 307, 308
    location: str | None  # the Location header, as sent by the server
    request_headers: dict[str, str] = field(default_factory=dict)
    response_headers: dict[str, str] = field(default_factory=dict)
    fetched_at: str = field(default_factory=utcnow)


@dataclass(frozen=True)
class FetchRecord:
    """One HTTP exchange (or a failed attempt: status None and error set)."""

    site_id: str
    url: str  # final URL after redirects
    requested_url: str
    kind: str  # list | document | attachment | robots | sitemap | page | blocked | error
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    encoding: str | None = None
    error: str | None = None
    method: str = "GET"
    fetched_at: str = field(default_factory=utcnow)
    fetched_url: str | None = None  # the URL as fetched (not canonicalised); None: url
    request_headers: dict[str, str] = field(default_factory=dict)  # as sent, for the WARC
    redirects: tuple[RedirectHop, ...] = ()  # the hops before this response, in order

    @property
    def content_type(self) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == "content-type":
                return value
        return None


# keys of a version's metadata JSON holding editorial credits ("credit:审核" -> "赵建国"), beside
# the raw labels ("发布日期") and meta tags ("meta:PubDate")
CREDIT_PREFIX = "credit:"


def credits_of(metadata: dict[str, str]) -> dict[str, str]:
    """The editorial credits in a version's metadata: {"审核": "赵建国", …}."""
    return {
        key.removeprefix(CREDIT_PREFIX): value
        for key, value in metadata.items()
        if key.startswith(CREDIT_PREFIX)
    }


@dataclass(frozen=True)
class DocumentContent:
    """What extraction and normalisation made of a document page."""

    url: str  # canonical document URL
    text: str  # original extracted text
    text_norm: str  # normalised search/dedup key
    text_hash: str  # sha256 of text_norm
    traditional: bool
    extractor_version: str
    title: str | None = None
    publish_date: str | None = None
    publish_date_raw: str | None = None
    publisher: str | None = None
    index_no: str | None = None
    doc_no: str | None = None
    category: str | None = None
    written_date: str | None = None
    validity: str | None = None
    source: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)  # raw labels, meta:*, credit:*
    attachments: tuple[dict[str, str], ...] = ()  # {"url", "name"}; body images add "kind": "image"
    title_norm: str | None = None  # the search key: spaces next to Chinese folded, simplified
    minhash: bytes | None = None  # near-duplicate signature of text_norm (None for short texts)
    minhash_bands: tuple[int, ...] = ()  # its LSH band keys


@dataclass(frozen=True)
class ColumnRef:
    """A 政务公开 column (栏目) of the catalogue tree: identified by its first list page's URL."""

    url: str
    name: str | None = None
    parent_url: str | None = None
    cms: str | None = None  # the CMS family whose strategy listed it


@dataclass(frozen=True)
class AttachmentContent:
    """Text extracted from an attachment's bytes (which are stored with the fetch)."""

    document_url: str  # the document page that linked it
    name: str | None
    kind: str  # pdf | docx | xlsx | text | unsupported
    text: str
    note: str | None = None


@dataclass(frozen=True)
class Gone:
    """Evidence that a known document was deleted or taken off its list."""

    reason: str  # e.g. "HTTP 404", "soft 404: 信息已删除", "redirected to the home page"
    status: str = "deleted"  # deleted (the page is gone) | unlisted (off its list, still served)
    evidence: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PageOutcome:
    fetch_id: int
    document: str | None = None  # new | changed | unchanged | restored | deleted | unlisted
    document_id: int | None = None
    version_no: int | None = None
    text_seen_before: bool = False  # exact duplicate of a text already archived


@dataclass(frozen=True)
class ColumnCoverage:
    """What one run could see of one column; `listed` and `archived` are counted by the writer."""

    url: str  # the column's first list page (columns.url)
    pages: int  # list pages, API answers and rendered pages read
    rendered: int = 0  # of those, pages rendered in a browser
    announced: int | None = None  # items its lists announced (recordCount, Total record, 共N条)
    render_needed: str | None = None  # why its list needed a browser that did not run
    failed: int = 0  # list pages that failed
    subcolumns: int = 0  # sub-columns it led to


@dataclass(frozen=True)
class SectionDetection:
    """The 政务公开 entry a crawl chose on a portal's home page, and why."""

    home_url: str
    entry_url: str | None
    reason: str
    cms: str | None = None
    section_prefixes: tuple[str, ...] = ()
    crawled: bool = False
