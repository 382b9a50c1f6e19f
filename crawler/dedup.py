"""Exact deduplication: one text stored once, every URL that served it recorded.

The archive stores texts keyed by the hash of their normalised form, so storage is deduplicated
by construction; this module answers "which other URLs already served this text?" so a crawl
can report republished documents. Near-duplicate (MinHash) clustering builds on it later.
"""

from __future__ import annotations

from collections.abc import Callable


class ExactDeduper:
    """Looks up a content hash among texts already archived, and among this run's."""

    def __init__(self, lookup: Callable[[str], list[str]]) -> None:
        self._lookup = lookup  # content hash -> URLs already archived with that text
        self._seen: dict[str, list[str]] = {}

    def other_urls(self, content_hash: str, url: str) -> tuple[str, ...]:
        urls = self._seen.get(content_hash)
        if urls is None:
            urls = self._seen[content_hash] = list(self._lookup(content_hash))
        others = tuple(u for u in urls if u != url)
        if url not in urls:
            urls.append(url)
        return others
