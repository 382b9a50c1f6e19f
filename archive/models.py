"""The plain records the read API returns (frozen dataclasses; field names are column names).

They are part of the public interface, with `archive.read`: other programs may import them.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive.records import credits_of


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    adcode: str
    start_urls: list[str]
    allowed_domains: list[str]
    first_seen: str
    updated_at: str


@dataclass(frozen=True)
class Run:
    id: int
    site_id: str
    trigger: str
    started_at: str
    ended_at: str | None
    outcome: str
    finish_reason: str | None
    pages_fetched: int
    documents_new: int
    documents_changed: int
    documents_unchanged: int
    fetches_failed: int
    fetches_blocked: int
    error: str | None
    full_walk: int = 1
    documents_deleted: int = 0
    documents_restored: int = 0
    not_modified: int = 0
    pid: int | None = None
    resumed_from: int | None = None


@dataclass(frozen=True)
class Document:
    """A document (one canonical URL) with its current version's metadata."""

    id: int
    url: str
    site_id: str
    status: str
    first_seen: str
    last_seen: str
    version_count: int
    title: str | None
    publish_date: str | None
    publisher: str | None
    index_no: str | None
    doc_no: str | None
    text_hash: str | None


@dataclass(frozen=True)
class Version:
    """One version of a document: what the page said from `created_at` on."""

    id: int
    document_id: int
    version_no: int
    fetch_id: int
    created_at: str
    text_hash: str
    title: str | None
    publish_date: str | None
    publish_date_raw: str | None
    publisher: str | None
    index_no: str | None
    doc_no: str | None
    category: str | None
    written_date: str | None
    validity: str | None
    source: str | None
    metadata: dict[str, str]
    attachments: list[dict[str, str]]
    extractor_version: str
    change: str | None  # new | text | metadata | text+metadata | reextract
    text: str
    text_norm: str
    chars: int

    @property
    def credits(self) -> dict[str, str]:
        """Editorial credits of this version (责任编辑, 审核, 作者, …), from its metadata."""
        return credits_of(self.metadata)

    @property
    def images(self) -> list[dict[str, str]]:
        """The body's images ({"url", "name", "kind": "image"}), listed with the attachments."""
        return [a for a in self.attachments if a.get("kind") == "image"]


@dataclass(frozen=True)
class Column:
    """A column (栏目) of a site's 政务公开 catalogue tree."""

    id: int
    site_id: str
    url: str
    name: str | None
    parent_url: str | None
    cms: str | None
    listed: int


@dataclass(frozen=True)
class AttachmentFile:
    """An attachment file linked by a document version, with its extracted text."""

    url: str
    name: str | None
    sha256: str
    size: int
    kind: str
    text: str
    note: str | None
    version_no: int


@dataclass(frozen=True)
class KnownDocument:
    """What an incremental crawl needs to know of an archived document."""

    url: str
    status: str  # live | deleted | unlisted
    etag: str | None  # validators of the last capture, for conditional requests
    last_modified: str | None
    columns: tuple[str, ...]  # URLs of the columns that listed it


@dataclass(frozen=True)
class Event:
    """A change of a document's state, with its evidence."""

    at: str
    event: str  # new | changed | deleted | unlisted | restored
    reason: str | None
    evidence: dict[str, str]
    url: str
    site_id: str
    title: str | None
