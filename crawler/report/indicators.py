"""Transparency indicators: plain functions over the read API's records (docs/indicators.md).

Each indicator is a function of plain values (DocumentFacts, ColumnActivity, Run, dates) and
returns a frozen record; `site_indicators` gathers them for one site and `fleet` for every site
of an archive, reading it once.

    with read.open_archive("archive.db") as arc:
        for site in fleet(arc):
            print(site.site_id, site.survival.gone_1y, site.annual_report.status)
"""

from __future__ import annotations

import calendar
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from archive.measures import run_failed
from archive.read import (
    Archive,
    ColumnActivity,
    ColumnMonth,
    DocumentFacts,
    Run,
    SiteObservation,
    Tombstone,
)
from crawler.report.survival import Curve, kaplan_meier, share_gone

# the five 政务公开 fields whose presence completeness counts, in the order shown
FIELDS = {
    "index_no": "索引号",
    "doc_no": "文号",
    "publisher": "发布机构",
    "written_date": "成文日期",
    "category": "主题分类",
}
SILENT_MONTHS = 6
# 政府信息公开工作年度报告 (年度 optional, 工作 optional) with its year: "方城县2024年政府信息公开工作年度报告"
ANNUAL_REPORT_RE = re.compile(r"((?:19|20)\d\d)\s*年度?.*政府信息公开(?:工作)?(?:年度)?报告")
# days; (low, high, label) with None for an open end
LAG_BINS = (
    (None, -1, "<0"),
    (0, 0, "0"),
    (1, 3, "1–3"),
    (4, 7, "4–7"),
    (8, 30, "8–30"),
    (31, 90, "31–90"),
    (91, 365, "91–365"),
    (366, None, ">365"),
)


@dataclass(frozen=True)
class ColumnVolume:
    name: str
    months: dict[str, int]  # YYYY-MM of first capture -> documents

    @property
    def total(self) -> int:
        return sum(self.months.values())


@dataclass(frozen=True)
class Volume:
    first_seen: dict[str, int]  # YYYY-MM -> documents first captured that month
    published: dict[str, int]  # YYYY-MM -> documents dated (发布日期) that month
    columns: tuple[ColumnVolume, ...]


@dataclass(frozen=True)
class Survival:
    curve: Curve
    documents: int
    gone: int  # documents whose current status is a tombstone
    gone_1y: float | None  # 1 − S(365 days); None when no document was followed that long
    gone_2y: float | None  # 1 − S(730 days)


@dataclass(frozen=True)
class Timeliness:
    written_to_published: tuple[int, ...]  # days 成文日期 → 发布日期, per document having both
    published_to_seen: tuple[int, ...]  # days 发布日期 → first capture, per document published
    # since the site's first crawl (older ones were archived as a backlog)

    @property
    def median_written_to_published(self) -> float | None:
        return median(self.written_to_published)

    @property
    def median_published_to_seen(self) -> float | None:
        return median(self.published_to_seen)


@dataclass(frozen=True)
class Completeness:
    documents: int
    shares: dict[str, float]  # field label (索引号, …) -> share of documents carrying it

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.shares.values()) if self.documents else None


@dataclass(frozen=True)
class AnnualReport:
    year: int  # the report year judged: the latest whose deadline has passed
    deadline: str  # ISO date: 31 January of the following year
    status: str  # on time | late | missing
    title: str | None = None
    url: str | None = None
    published: str | None = None  # 发布日期 (else the first capture's date)
    found: tuple[tuple[int, str], ...] = ()  # every report year found, with its earliest date


@dataclass(frozen=True)
class SilentColumn:
    name: str
    url: str
    last_activity: str  # newest 发布日期 it lists (else when it last listed something)


@dataclass(frozen=True)
class Health:
    runs: int
    runs_failed: int
    last_outcome: str | None
    blocked: int  # fetches answered with anti-bot challenge pages, over all runs
    blocked_last_run: int
    silent_columns: tuple[SilentColumn, ...]
    columns: int


@dataclass(frozen=True)
class SiteIndicators:
    site_id: str
    name: str
    as_of: str  # the end of the site's latest run: what the archive knows of it
    documents: int
    live: int
    volume: Volume
    survival: Survival
    timeliness: Timeliness
    completeness: Completeness
    annual_report: AnnualReport
    health: Health
    deletions: tuple[Tombstone, ...]


# --- plain functions ------------------------------------------------------------------------


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def median(values: Sequence[int]) -> float | None:
    return statistics.median(values) if values else None


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to that month's last day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def volume(facts: Iterable[DocumentFacts], column_months: Iterable[ColumnMonth]) -> Volume:
    """Documents first captured per month, documents published (发布日期) per month, and per
    column the documents it listed by month of first capture."""
    first_seen: Counter[str] = Counter()
    published: Counter[str] = Counter()
    for f in facts:
        first_seen[f.first_seen[:7]] += 1
        if parse_day(f.publish_date):
            published[f.publish_date[:7]] += 1
    columns: dict[int, tuple[str, dict[str, int]]] = {}
    for c in column_months:
        columns.setdefault(c.column_id, (c.name, {}))[1][c.month] = c.documents
    return Volume(
        dict(sorted(first_seen.items())),
        dict(sorted(published.items())),
        tuple(ColumnVolume(name, months) for name, months in columns.values()),
    )


def survival(facts: Iterable[DocumentFacts], observed_until: str) -> Survival:
    """Kaplan–Meier over first capture → current tombstone, in whole days (UTC calendar days);
    live documents censored at `observed_until` (the end of the site's latest run)."""
    end = parse_day(observed_until)
    observations = []
    for f in facts:
        start = parse_day(f.first_seen)
        gone = f.gone_at is not None and f.status != "live"
        stop = parse_day(f.gone_at) if gone else end
        observations.append((max(0, (stop - start).days), gone))
    curve = kaplan_meier(observations)
    return Survival(
        curve, curve.subjects, curve.events, share_gone(curve, 365), share_gone(curve, 730)
    )


def timeliness(facts: Iterable[DocumentFacts], first_run: str | None) -> Timeliness:
    """Days 成文日期 → 发布日期; days 发布日期 → first capture for documents published on or
    after the day of the site's first run."""
    since = parse_day(first_run)
    written, seen = [], []
    for f in facts:
        published = parse_day(f.publish_date)
        if published is None:
            continue
        if (w := parse_day(f.written_date)) is not None:
            written.append((published - w).days)
        if since is not None and published >= since:
            seen.append((parse_day(f.first_seen) - published).days)
    return Timeliness(tuple(written), tuple(seen))


def lag_histogram(days: Iterable[int]) -> list[tuple[str, int]]:
    """Counts of lags in the bins of LAG_BINS, in order."""
    counts = Counter()
    for value in days:
        for low, high, label in LAG_BINS:
            if (low is None or value >= low) and (high is None or value <= high):
                counts[label] += 1
                break
    return [(label, counts[label]) for _, _, label in LAG_BINS]


def completeness(facts: Sequence[DocumentFacts]) -> Completeness:
    """Share of documents whose current version carries each of the five fields (non-blank)."""
    n = len(facts)
    shares = {
        label: (sum(1 for f in facts if (getattr(f, name) or "").strip()) / n if n else 0.0)
        for name, label in FIELDS.items()
    }
    return Completeness(n, shares)


def report_year(as_of: date) -> int:
    """The latest year whose annual report was due (31 January of the next year) by `as_of`."""
    return as_of.year - 1 if as_of > date(as_of.year, 1, 31) else as_of.year - 2


def annual_report(facts: Iterable[DocumentFacts], as_of: date) -> AnnualReport:
    """Whether the 政府信息公开工作年度报告 of the latest due year was published by its deadline,
    found by title; its date is the 发布日期 (else the first capture's date)."""
    earliest: dict[int, tuple[str, DocumentFacts]] = {}
    for f in facts:
        match = ANNUAL_REPORT_RE.search(f.title or "")
        if not match:
            continue
        day = (parse_day(f.publish_date) or parse_day(f.first_seen)).isoformat()
        year = int(match[1])
        if year not in earliest or day < earliest[year][0]:
            earliest[year] = (day, f)
    year = report_year(as_of)
    deadline = date(year + 1, 1, 31).isoformat()
    found = tuple(sorted((y, day) for y, (day, _) in earliest.items()))
    if year not in earliest:
        return AnnualReport(year, deadline, "missing", found=found)
    day, f = earliest[year]
    status = "on time" if day <= deadline else "late"
    return AnnualReport(year, deadline, status, f.title, f.url, day, found)


def health(runs: Iterable[Run], columns: Iterable[ColumnActivity], as_of: date) -> Health:
    """Runs failed, pages blocked by anti-bot challenges, and columns whose newest document is
    more than six months older than `as_of` (columns that never listed a document, such as
    catalogue pages that only link to sub-columns, are not judged)."""
    runs = sorted(runs, key=lambda r: r.id)
    failed = [
        r
        for r in runs
        if run_failed(r.outcome, r.pages_fetched, r.fetches_failed, r.fetches_blocked)
    ]
    cutoff = months_before(as_of, SILENT_MONTHS)
    columns = list(columns)
    silent = []
    for c in columns:
        activity = parse_day(c.newest_publish_date) or parse_day(c.last_listed)
        if activity is not None and activity < cutoff:  # a column that never listed is navigation
            silent.append(SilentColumn(c.name, c.url, activity.isoformat()))
    return Health(
        runs=len(runs),
        runs_failed=len(failed),
        last_outcome=runs[-1].outcome if runs else None,
        blocked=sum(r.fetches_blocked for r in runs),
        blocked_last_run=runs[-1].fetches_blocked if runs else 0,
        silent_columns=tuple(silent),
        columns=len(columns),
    )


# --- one site, every site -------------------------------------------------------------------


def site_indicators(
    observation: SiteObservation,
    facts: Sequence[DocumentFacts],
    column_months: Sequence[ColumnMonth],
    columns: Sequence[ColumnActivity],
    runs: Sequence[Run],
    deletions: Sequence[Tombstone],
) -> SiteIndicators:
    """Every indicator of one site from its records."""
    as_of = observation.last_observed or datetime.now(UTC).isoformat().replace("+00:00", "Z")
    as_of_day = parse_day(as_of)
    return SiteIndicators(
        site_id=observation.site_id,
        name=observation.name,
        as_of=as_of,
        documents=len(facts),
        live=sum(1 for f in facts if f.status == "live"),
        volume=volume(facts, column_months),
        survival=survival(facts, as_of),
        timeliness=timeliness(facts, observation.first_run),
        completeness=completeness(facts),
        annual_report=annual_report(facts, as_of_day),
        health=health(runs, columns, as_of_day),
        deletions=tuple(deletions),
    )


def fleet(
    arc: Archive, site_ids: Sequence[str] | None = None, deletions_per_site: int = 10
) -> list[SiteIndicators]:
    """The indicators of every site (or of `site_ids`), reading the archive once per record kind
    inside one snapshot."""
    wanted = set(site_ids) if site_ids else None

    def grouped(records: Iterable, key: str = "site_id") -> dict[str, list]:
        found: dict[str, list] = defaultdict(list)
        for r in records:
            if wanted is None or getattr(r, key) in wanted:
                found[getattr(r, key)].append(r)
        return found

    one = site_ids[0] if site_ids and len(site_ids) == 1 else None
    with arc.snapshot():
        observations = [o for o in arc.site_observations() if wanted is None or o.site_id in wanted]
        facts = grouped(arc.document_facts(one))
        months = grouped(arc.column_volume(one))
        columns = grouped(arc.column_activity(one))
        runs = grouped(arc.runs(one, limit=10_000_000))
        deletions = grouped(arc.recent_tombstones(one, per_site=deletions_per_site))
    return [
        site_indicators(
            o,
            facts.get(o.site_id, []),
            months.get(o.site_id, []),
            columns.get(o.site_id, []),
            runs.get(o.site_id, []),
            deletions.get(o.site_id, []),
        )
        for o in observations
    ]
