"""The item every response becomes: a capture, enriched stage by stage by the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from archive.writer import ColumnRef, RedirectHop, SectionDetection

if TYPE_CHECKING:
    from crawler.extract.attachments import AttachmentText
    from crawler.extract.extractor import Extracted
    from crawler.text.dedup import Sketch
    from crawler.text.normalise import Normalised


@dataclass
class PageItem:
    site_id: str
    kind: str  # list | document | attachment | robots | sitemap | page | blocked | error
    url: str  # canonical URL of the response (after redirects)
    requested_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    encoding: str | None = None
    html: str | None = None  # decoded body, for documents
    error: str | None = None  # why the fetch or a later stage failed
    column: ColumnRef | None = None  # list pages: the catalogue column they belong to
    listed: tuple[str, ...] = ()  # list pages: the document URLs they list
    rendered: bool = False  # list pages: the DOM after a browser ran the page's scripts
    detection: SectionDetection | None = None  # the 政务公开 entry found on a home page
    attachment_of: str | None = None  # attachments: the document page that linked them
    attachment_name: str | None = None
    attachment_media: str | None = None  # "image": a body image, fetched like an attachment
    expected: str | None = (
        None  # the kind the request was made for (a 404 "error" may be a deleted document)
    )
    recheck_column: str | None = None  # a document rechecked because this column no longer lists it
    redirect_to: str | None = None  # a redirect off the site, not followed: where it pointed
    fetched_url: str | None = None  # the URL as fetched (response.url), not canonicalised
    request_headers: dict[str, str] = field(default_factory=dict)  # as sent
    redirects: tuple[RedirectHop, ...] = ()  # the redirect hops before the response
    # filled in by pipelines
    extracted: Extracted | None = None
    normalised: Normalised | None = None
    duplicate_of: tuple[str, ...] = ()  # other URLs that served the same text (exact duplicates)
    sketch: Sketch | None = None  # near-duplicate signature (None: too short to cluster)
    attachment: AttachmentText | None = None
    outcome: str | None = None  # new | changed | unchanged (documents)
