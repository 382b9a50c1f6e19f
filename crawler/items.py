"""The item every response becomes: a capture, enriched stage by stage by the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.extraction import Extracted
    from crawler.normalise import Normalised


@dataclass
class PageItem:
    site_id: str
    kind: str  # list | document | page | blocked | error
    url: str  # canonical URL of the response (after redirects)
    requested_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    encoding: str | None = None
    html: str | None = None  # decoded body, for documents
    error: str | None = None  # why the fetch or a later stage failed
    # filled in by pipelines
    extracted: Extracted | None = None
    normalised: Normalised | None = None
    duplicate_of: tuple[str, ...] = ()
    outcome: str | None = None  # new | changed | unchanged (documents)
