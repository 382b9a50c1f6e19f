"""Indicator values on fixture archives crawled at known dates (tests/report_archives.py),
expected values computed from the portals' own data; then the plain functions on plain values
for the cases the portals do not have (a late report, a January deadline, blank fields)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from fixture_portals import PORTALS
from fixture_portals.faults import BAD
from report_archives import FLEET_DAY, TIMELINE, needs_faketime

from archive import read
from archive.read import ColumnActivity, DocumentFacts, Run
from crawler.report.indicators import (
    FIELDS,
    annual_report,
    completeness,
    fleet,
    health,
    lag_histogram,
    months_before,
    report_year,
)
from crawler.sample_portal import expected_documents
from crawler.sample_portal.site import COLUMNS, TOPICS, build_site

pytestmark = needs_faketime
DAY = {revision: date.fromisoformat(day) for revision, day in TIMELINE.items()}


def indicators(db, site_id):
    with read.open_archive(db) as arc:
        (found,) = fleet(arc, [site_id])
    return found


def sample_docs():
    """Every document the sample portal ever served (revisions 1–3), by path, and the revision
    that first served it."""
    docs, first = {}, {}
    for revision in TIMELINE:
        for doc in build_site(revision).served:
            docs.setdefault(doc.path, doc)
            first.setdefault(doc.path, revision)
    return docs, first


# --- the sample portal through its revisions -----------------------------------------------


def test_survival_counts_the_tombstones_the_portal_made(timeline_archive):
    docs, first = sample_docs()
    final = {d.path: d for d in expected_documents(3)}
    gone = {p for p, d in final.items() if not d.listed or d.soft_deleted}  # the 404 came back
    site = indicators(timeline_archive.db, "sample")
    base = timeline_archive.base_url
    with read.open_archive(timeline_archive.db) as arc:
        facts = {f.url[len(base) :]: f for f in arc.document_facts("sample")}
    assert {p for p, f in facts.items() if f.status != "live"} == gone
    assert {f.gone_at[:10] for p, f in facts.items() if p in gone} == {TIMELINE[2]}
    # every document is still followed when the two go (the added one from revision 2 too)
    went = (DAY[2] - DAY[1]).days
    followed = {p: (DAY[3] - DAY[first[p]]).days for p in docs if p not in gone}
    assert min(followed.values()) >= went
    expected = 1 - len(gone) / len(docs)
    curve = site.survival.curve
    assert curve.at(went - 1) == 1.0
    assert curve.at(went) == pytest.approx(expected)
    assert curve.followup == (DAY[3] - DAY[1]).days and curve.events == len(gone)
    assert site.survival.gone_1y == pytest.approx(1 - expected)
    assert site.survival.gone_2y == pytest.approx(1 - expected)  # followed 761 days ≥ 730
    assert site.documents == len(docs) and site.live == len(docs) - len(gone)


def test_timeliness_from_the_portals_dates(timeline_archive):
    docs, first = sample_docs()
    site = indicators(timeline_archive.db, "sample")
    written = sorted(
        (date.fromisoformat(d.publish_date) - date.fromisoformat(d.written_date)).days
        for d in docs.values()
    )
    assert sorted(site.timeliness.written_to_published) == written
    # only documents published after the first crawl count: older ones were a backlog
    seen = sorted(
        (DAY[first[p]] - date.fromisoformat(d.publish_date)).days
        for p, d in docs.items()
        if d.publish_date >= TIMELINE[1]
    )
    assert seen and sorted(site.timeliness.published_to_seen) == seen


def test_completeness_and_volume_from_the_portals_documents(timeline_archive):
    docs, first = sample_docs()
    site = indicators(timeline_archive.db, "sample")
    carried = {
        "索引号": [d.index_no for d in docs.values()],
        "文号": [d.doc_no for d in docs.values()],
        "发布机构": [d.publisher for d in docs.values()],
        "成文日期": [d.written_date for d in docs.values()],
        "主题分类": [TOPICS[d.column] for d in docs.values()],
    }
    assert set(carried) == set(FIELDS.values())
    for label, values in carried.items():
        assert site.completeness.shares[label] == sum(map(bool, values)) / len(docs), label
    assert site.volume.first_seen == dict(
        sorted(Counter(TIMELINE[first[p]][:7] for p in docs).items())
    )
    assert site.volume.published == dict(
        sorted(Counter(d.publish_date[:7] for d in docs.values()).items())
    )
    per_column = {c.name: c.total for c in site.volume.columns}
    for slug, name in COLUMNS.items():
        assert per_column[name] == sum(d.column == slug for d in docs.values()), name


def test_recent_deletions_carry_their_evidence_and_text(timeline_archive):
    site = indicators(timeline_archive.db, "sample")
    rev1 = {d.path for d in expected_documents(1)}
    rev2 = {d.path: d for d in expected_documents(2)}
    base = timeline_archive.base_url
    by_path = {d.url[len(base) :]: d for d in site.deletions}
    (deleted,) = rev1 - rev2.keys()
    (unlisted,) = [p for p, d in rev2.items() if not d.listed]
    (soft,) = [p for p, d in rev2.items() if d.soft_deleted]
    assert set(by_path) == {deleted, unlisted, soft}
    assert by_path[deleted].reason == "HTTP 404" and by_path[deleted].status == "live"  # restored
    assert by_path[unlisted].event == "unlisted" and by_path[unlisted].evidence["list"]
    assert by_path[soft].reason.startswith("soft 404")
    paragraphs = {d.path: d.paragraphs for d in expected_documents(1)}
    for path, tombstone in by_path.items():
        assert paragraphs[path][0] in tombstone.text


def test_sample_has_no_annual_report_and_all_columns_fell_silent(timeline_archive):
    docs, _ = sample_docs()
    site = indicators(timeline_archive.db, "sample")
    assert site.annual_report.year == DAY[3].year - 1
    assert site.annual_report.status == "missing"
    newest = max(d.publish_date for d in docs.values())
    assert newest < months_before(DAY[3], 6).isoformat()
    assert len(site.health.silent_columns) == site.health.columns == 1 + len(COLUMNS)
    assert (site.health.runs, site.health.runs_failed, site.health.blocked) == (3, 0, 0)


# --- the fleet: a TRS portal, the fault portal, a portal that is down ----------------------


def test_annual_report_found_by_title(fleet_archive):
    year = report_year(date.fromisoformat(FLEET_DAY))
    dates = [
        d.publish_date
        for d in PORTALS["trs"]().documents
        if f"{year}年政府信息公开工作年度报告" in d.title
    ]
    assert dates, "the TRS fixture portal has an annual report of that year"
    trs = indicators(fleet_archive.db, "trs")
    report = trs.annual_report
    assert (report.year, report.published) == (year, min(dates))
    assert report.status == ("on time" if min(dates) <= f"{year + 1}-01-31" else "late")
    assert f"{year}年政府信息公开工作年度报告" in report.title
    for site_id in ("faults", "down"):
        assert indicators(fleet_archive.db, site_id).annual_report.status == "missing"


def test_health_blocked_failed_and_silent(fleet_archive):
    cutoff = months_before(date.fromisoformat(FLEET_DAY), 6).isoformat()
    faults = indicators(fleet_archive.db, "faults")
    challenges = sum(reason == "challenge" for reason in BAD.values())
    assert challenges == 2
    assert (faults.health.blocked, faults.health.runs_failed) == (challenges, 0)
    newest_fault = max(d.publish_date for d in PORTALS["faults"]().documents)
    assert newest_fault < cutoff  # every column of the fault portal fell silent
    assert faults.health.silent_columns
    assert {c.last_activity for c in faults.health.silent_columns} <= {
        d.publish_date for d in PORTALS["faults"]().documents
    }
    down = indicators(fleet_archive.db, "down")
    assert (down.health.runs, down.health.runs_failed, down.documents) == (1, 1, 0)
    trs = indicators(fleet_archive.db, "trs")
    newest = {}
    for d in PORTALS["trs"]().documents:
        newest[d.column] = max(newest.get(d.column, ""), d.publish_date)
    silent = {c.name for c in trs.health.silent_columns}
    for column, day in newest.items():
        assert (column in silent) == (day < cutoff), column
    assert trs.health.runs_failed == 0 and trs.documents == len(PORTALS["trs"]().documents)


# --- plain functions on plain values ---------------------------------------------------------


def fact(
    n: int, title: str = "通知", publish: str | None = "2024-05-01", **fields
) -> DocumentFacts:
    values = dict(publisher=None, index_no=None, doc_no=None, category=None, written_date=None)
    values.update(fields)
    return DocumentFacts(n, "s", f"http://x/{n}", "live", "2024-06-01T00:00:00.000Z", None,
                         title, publish, **values)  # fmt: skip


def test_a_report_published_after_31_january_is_late():
    facts = [
        fact(1, "某县2024年政府信息公开工作年度报告", "2025-02-10"),
        fact(2, "某县2023年度政府信息公开工作年度报告", "2024-01-20"),
        fact(3, "关于2024年政府信息公开工作的通知", "2025-01-05"),  # not a report
    ]
    late = annual_report(facts, date(2025, 3, 1))
    assert (late.year, late.status, late.published) == (2024, "late", "2025-02-10")
    assert late.found == ((2023, "2024-01-20"), (2024, "2025-02-10"))
    # before 31 January the previous year's report is not due yet: the year before is judged
    assert report_year(date(2025, 1, 31)) == 2023 and report_year(date(2025, 2, 1)) == 2024
    assert annual_report(facts, date(2025, 1, 15)).status == "on time"


def test_completeness_ignores_blank_fields_and_histogram_bins():
    facts = [fact(1, index_no="A-1", doc_no="  "), fact(2, index_no="A-2"), fact(3)]
    shares = completeness(facts).shares
    assert shares["索引号"] == pytest.approx(2 / 3) and shares["文号"] == 0
    assert dict(lag_histogram([-2, 0, 3, 4, 30, 31, 365, 366, 9000])) == {
        "<0": 1, "0": 1, "1–3": 1, "4–7": 1, "8–30": 1, "31–90": 1, "91–365": 1, ">365": 2,
    }  # fmt: skip
    assert months_before(date(2024, 8, 31), 6) == date(2024, 2, 29)


def test_health_counts_runs_that_failed_and_ignores_empty_columns():
    def run(n, outcome, pages, failed, blocked=0):
        return Run(n, "s", "manual", f"2024-0{n}-01", None, outcome, None, pages, 0, 0, 0, failed,
                   blocked, None)  # fmt: skip

    def column(name, newest, listed=1):
        return ColumnActivity(1, "s", name, f"http://x/{name}", listed, newest, None, "")

    runs = [run(1, "finished", 10, 1), run(2, "failed", 0, 0), run(3, "finished", 4, 2, 2),
            run(4, "running", 0, 0)]  # fmt: skip
    columns = [column("old", "2023-12-31"), column("new", "2024-06-01"), column("nav", None, 0)]
    found = health(runs, columns, date(2024, 7, 1))
    assert (found.runs, found.runs_failed, found.blocked) == (4, 2, 2)
    assert [c.name for c in found.silent_columns] == ["old"]
