"""`zwgk serve` shows the indicators: each canned query `indicator_*` gives the values of
crawler/report/indicators.py on the fixture archives, and the dashboard draws the report's
charts in headless Chromium with nothing fetched from outside 127.0.0.1."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
from report_archives import needs_faketime
from test_report import BROWSER_ARGS, CHROMIUM, needs_chromium

from archive import read
from crawler.report.charts import PUBLISHED_TO_SEEN, WRITTEN_TO_PUBLISHED
from crawler.report.indicators import fleet, lag_histogram

pytestmark = needs_faketime


@pytest.fixture(scope="module", params=["timeline", "fleet"])
def served(request, timeline_archive, fleet_archive):
    db = {"timeline": timeline_archive.db, "fleet": fleet_archive.db}[request.param]
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "serve", "--db", str(db), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = None
    for line in proc.stdout:  # Uvicorn names the port it bound once it is ready
        if match := re.search(r"Uvicorn running on (http://127\.0\.0\.1:\d+)", line):
            url = match[1]
            break
    assert url, "datasette did not start"
    with read.open_archive(db) as arc:
        sites = {s.site_id: s for s in fleet(arc)}
    yield url, sites
    proc.terminate()
    proc.wait(timeout=30)


def rows(url: str, query: str, site: str = "") -> list[dict]:
    target = f"{url}/archive/{query}.json?_shape=array&site={urllib.parse.quote(site)}"
    with urllib.request.urlopen(target, timeout=60) as response:
        return json.loads(response.read())


def test_survival_queries_match_the_indicators(served):
    url, sites = served
    shares = {r["site_id"]: r for r in rows(url, "indicator_survival_shares")}
    curve = rows(url, "indicator_survival")
    for site_id, site in sites.items():
        if not site.documents:
            continue
        row = shares[site_id]
        assert (row["documents"], row["gone"]) == (site.documents, site.survival.gone)
        assert row["longest_followup_days"] == site.survival.curve.followup
        for column, value in (("gone_within_1_year", site.survival.gone_1y),
                              ("gone_within_2_years", site.survival.gone_2y)):  # fmt: skip
            assert row[column] == (None if value is None else pytest.approx(value, abs=1e-6))
        steps = {(r["days"], r["survival"]) for r in curve if r["site_id"] == site_id}
        for step in site.survival.curve.steps:
            assert (step.time, round(step.survival, 6)) in steps


def test_volume_timeliness_completeness_match(served):
    url, sites = served
    volume, timeliness = rows(url, "indicator_volume"), rows(url, "indicator_timeliness")
    completeness = rows(url, "indicator_completeness")
    for site_id, site in sites.items():
        for series, counts in (("first seen", site.volume.first_seen),
                               ("published", site.volume.published)):  # fmt: skip
            found = {r["month"][:7]: r["documents"] for r in volume
                     if r["site_id"] == site_id and r["series"] == series}  # fmt: skip
            assert found == counts, (site_id, series)
        for measure, values in ((WRITTEN_TO_PUBLISHED, site.timeliness.written_to_published),
                                (PUBLISHED_TO_SEEN, site.timeliness.published_to_seen)):  # fmt: skip
            found = {r["days"]: r["documents"] for r in timeliness
                     if r["site_id"] == site_id and r["measure"] == measure}  # fmt: skip
            assert found == (dict(lag_histogram(values)) if site.documents else {}), measure
        found = {r["field"]: r["share"] for r in completeness if r["site_id"] == site_id}
        expected = site.completeness.shares if site.documents else {}
        assert found == pytest.approx(expected, abs=1e-6), site_id


def test_annual_report_and_health_match(served):
    url, sites = served
    reports = {r["site_id"]: r for r in rows(url, "indicator_annual_report")}
    health = {r["site_id"]: r for r in rows(url, "indicator_health")}
    silent = rows(url, "indicator_silent_columns")
    for site_id, site in sites.items():
        a, r = site.annual_report, reports[site_id]
        assert (r["year"], r["status"], r["published"], r["url"]) == (
            a.year, a.status, a.published, a.url)  # fmt: skip
        h = health[site_id]
        assert (h["runs"], h["runs_failed"], h["blocked_pages"], h["silent_columns"]) == (
            site.health.runs, site.health.runs_failed, site.health.blocked,
            len(site.health.silent_columns))  # fmt: skip
        assert {c["url"] for c in silent if c["site_id"] == site_id} == {
            c.url for c in site.health.silent_columns
        }
    one = next(iter(sites))
    assert {r["site_id"] for r in rows(url, "indicator_health", one)} == {one}


def test_deletions_query_carries_evidence_and_text(served):
    url, sites = served
    found = rows(url, "indicator_deletions")
    expected = [d for s in sites.values() for d in s.deletions]
    assert len(found) == len(expected)
    for row in found:
        assert row["reason"] and json.loads(row["evidence"]) and row["archived_text"]


@needs_chromium
def test_dashboard_draws_the_charts_offline(served):
    from playwright.sync_api import sync_playwright

    url, sites = served
    site = max(sites.values(), key=lambda s: s.documents)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors, requests = [], []
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(f"{url}/-/dashboards/indicators?site={urllib.parse.quote(site.site_id)}")
            charts = ("volume", "survival", "timeliness", "completeness")
            page.wait_for_function(
                "names => names.every(n => document.querySelectorAll(`#chart-${n} svg path`).length)",
                arg=list(charts),
                timeout=60_000,
            )
            for name in charts:
                paths = page.eval_on_selector_all(
                    f"#chart-{name} svg path",
                    "ps => ps.filter(p => (p.getAttribute('d') || '').length > 4).length",
                )
                assert paths > 0, name
            assert not errors, errors
            assert all(u.startswith(url) for u in requests), [
                u for u in requests if not u.startswith(url)
            ]
        finally:
            browser.close()
