"""What a crawl must fetch, given what the archive already holds.

A nightly run is incremental: it pages through each column only until a page lists nothing it
does not know, and fetches only documents it does not hold (or holds as deleted). A full walk,
due once every ZWGK_FULL_WALK_DAYS on the site's own day (walk_day) or asked for, revisits every list page and every known document
with conditional requests (an unchanged page costs a 304), and afterwards rechecks documents
that vanished from lists it walked completely — the evidence for their tombstones.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from archive.exceptions import ArchiveError
from archive.read import Archive, KnownDocument

EPOCH_ORDINAL = datetime(1970, 1, 1).date().toordinal()


def load_known(db_path: str, site_id: str) -> tuple[dict[str, KnownDocument], str | None]:
    """(known documents, start of the last finished full walk) of a site; empty for a new archive."""
    if not Path(db_path).is_file():
        return {}, None
    try:
        with Archive(db_path) as arc:
            return arc.known_documents(site_id), arc.last_full_walk(site_id)
    except ArchiveError:
        return {}, None  # the writer reports an unusable archive with its own message


def load_resume(db_path: str, site_id: str) -> tuple[int | None, set[str], bool]:
    """The site's latest unfinished run (interrupted, killed, or left running), the document
    URLs it already archived, and whether it was a full walk. (None, set(), True) if none."""
    if not Path(db_path).is_file():
        return None, set(), True
    with Archive(db_path) as arc:
        found = arc.unfinished_run(site_id)
    return found if found is not None else (None, set(), True)


def load_detection(db_path: str, site_id: str) -> tuple[str, tuple[str, ...]] | None:
    """The 政务公开 entry and folders a former run of a `detect` seed found and walked, if any."""
    if not Path(db_path).is_file():
        return None
    try:
        with Archive(db_path) as arc:
            rows = arc.section_detections(site_id)
    except ArchiveError:
        return None
    for row in rows:
        if row["crawled"] and row["entry_url"]:
            return row["entry_url"], tuple(json.loads(row["section_prefixes"] or "[]"))
    return None


def walk_day(site_id: str, period: int) -> int:
    """The day of each `period`-day cycle on which the site's full walk falls (a stable hash of
    its id): with weekly walks each site has its own weekday, so no night carries them all."""
    return int(hashlib.sha256(site_id.encode()).hexdigest(), 16) % max(1, period)


def local_day(moment: datetime, timezone: str) -> int:
    """Days since 1970-01-01 of `moment` in `timezone` (days are counted where the site is)."""
    return moment.astimezone(ZoneInfo(timezone)).date().toordinal() - EPOCH_ORDINAL


def full_walk_due(
    walk: str,
    last_full_walk: str | None,
    every_days: float,
    now: datetime | None = None,
    site_id: str = "",
    timezone: str = "Asia/Shanghai",
) -> bool:
    """walk is 'full', 'incremental' or 'auto'. Auto: a full walk on the first run, then on the
    site's own day of every `every_days`-day cycle (walk_day; the local calendar day, once
    that day), and on any day after a cycle passed without one (a missed walk day)."""
    if walk in ("full", "incremental"):
        return walk == "full"
    if last_full_walk is None:
        return True
    period = max(1, round(every_days))
    now = now or datetime.now(UTC)
    last = datetime.fromisoformat(last_full_walk.replace("Z", "+00:00"))
    today, last_day = local_day(now, timezone), local_day(last, timezone)
    if today - last_day > period:
        return True
    return today % period == walk_day(site_id, period) and last_day < today


def conditional_headers(known: KnownDocument | None) -> dict[str, str]:
    if known is None or known.status != "live":
        return {}
    headers = {}
    if known.etag:
        headers["If-None-Match"] = known.etag
    if known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers


@dataclass
class WalkState:
    known: dict[str, KnownDocument]
    full_walk: bool
    seen: set[str] = field(default_factory=set)  # documents requested in this run
    done: set[str] = field(default_factory=set)  # archived by the run being resumed: not refetched
    listed: set[str] = field(default_factory=set)  # documents some list page carried in this run
    walked_columns: set[str] = field(default_factory=set)
    failed_columns: set[str] = field(default_factory=set)
    rechecked: bool = False

    def is_live(self, url: str) -> bool:
        known = self.known.get(url)
        return known is not None and known.status == "live"

    def to_fetch(self, urls) -> tuple[list[str], list[str], list[str]]:
        """Among a list's items: (documents to request now, items not yet seen in this run,
        items new to the archive)."""
        fetch, fresh, unknown = [], [], []
        for url in urls:
            self.listed.add(url)
            if url in self.seen:
                continue
            self.seen.add(url)
            fresh.append(url)
            if url in self.done:
                continue
            if not self.is_live(url):
                unknown.append(url)
                fetch.append(url)
            elif self.full_walk:
                fetch.append(url)
        return fetch, fresh, unknown

    def follow_pages(self, fresh: list[str], unknown: list[str], paginated: bool) -> bool:
        """Whether to go on to a column's next pages after this one."""
        if self.full_walk:
            return bool(fresh) or not paginated  # a later page repeating known items: endless pager
        return bool(unknown)  # incremental: stop at the first page of known items

    def vanished(self) -> dict[str, str]:
        """Live documents that a completely walked column listed before but no list carries now:
        url -> the column that used to list it. Only after a full walk."""
        if not self.full_walk:
            return {}
        complete = self.walked_columns - self.failed_columns
        found = {}
        for url, known in self.known.items():
            if known.status != "live" or url in self.listed:
                continue
            columns = [c for c in known.columns if c in complete]
            if columns:
                found[url] = columns[0]
        return found
