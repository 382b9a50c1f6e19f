"""`zwgk report` on the fixture archives: one self-contained HTML file, opened in headless
Chromium (Debian's, driven by playwright) with every chart drawn as SVG and no script errors."""

from __future__ import annotations

import io
import os
import re
import shutil
from html import escape

import pytest
from crawl_helpers import zwgk
from report_archives import needs_faketime

from archive import read
from crawler.crawl.render import BROWSER_ARGS  # the one list of Chromium's flags
from crawler.report.indicators import fleet

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="chromium is installed by `make test` (Debian package)",
)
pytestmark = needs_faketime


@pytest.fixture(scope="module")
def reports(fleet_archive, timeline_archive, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    made = {}
    for name, db in (("fleet", fleet_archive.db), ("timeline", timeline_archive.db)):
        out = tmp / f"{name}.html"
        done = zwgk("report", "--db", str(db), "-o", str(out))
        assert done.returncode == 0, done.stderr[-3000:]
        assert str(out) in done.stdout
        made[name] = out
    return made


def test_the_report_is_one_file_with_nothing_to_fetch(reports, fleet_archive):
    html = reports["fleet"].read_text("utf-8")
    assert all("src=" not in tag for tag in re.findall(r"<script\b[^>]*>", html))
    markup = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.S)
    assert not re.search(r"<(link|img|iframe|object|embed)\b", markup)
    assert "vegaEmbed" in html  # the Vega bundle is inline
    with read.open_archive(fleet_archive.db) as arc:
        sites = fleet(arc)
    for site in sites:
        assert f'id="site-{site.site_id}"' in html
        charts = ("volume", "survival", "timeliness", "completeness", "spark")
        drawn = [c for c in charts if f'data-chart="{c}-{site.site_id}"' in html]
        assert drawn == (list(charts) if site.documents else ["spark"]), site.site_id
    assert "no documents archived" in html  # the site that is down
    trs = next(s for s in sites if s.site_id == "trs")
    assert f"{trs.annual_report.year}: on time" in html
    assert "pages blocked by anti-bot challenges: <b>2</b>" in html


def test_deletions_show_evidence_and_link_to_the_archived_text(reports, timeline_archive):
    html = reports["timeline"].read_text("utf-8")
    with read.open_archive(timeline_archive.db) as arc:
        (site,) = fleet(arc)
    assert len(site.deletions) == 3
    for tombstone in site.deletions:
        anchor = f"text-{tombstone.document_id}"
        assert f'href="#{anchor}"' in html and f'<details id="{anchor}">' in html
        assert escape(tombstone.reason) in html
        details = html[html.index(f'<details id="{anchor}">') :]
        assert tombstone.text.splitlines()[0] in details[: details.index("</details>")]
    assert "soft 404" in html and "HTTP 404" in html and "removed from its list" in html


def test_only_the_sites_asked_for_and_errors_are_one_line(fleet_archive, tmp_path):
    out = tmp_path / "one.html"
    done = zwgk("report", "--db", str(fleet_archive.db), "--site", "faults", "-o", str(out))
    assert done.returncode == 0, done.stderr
    html = out.read_text("utf-8")
    assert 'id="site-faults"' in html and 'id="site-trs"' not in html
    bad = zwgk("report", "--db", str(fleet_archive.db), "--site", "nowhere", "-o", str(out))
    assert bad.returncode == 1
    assert bad.stderr.strip().count("\n") == 0 and "no site nowhere" in bad.stderr
    missing = zwgk("report", "--db", str(tmp_path / "none.db"), "-o", str(out))
    assert missing.returncode == 1 and "no archive here" in missing.stderr
    assert "Traceback" not in bad.stderr + missing.stderr


@needs_chromium
def test_headless_chromium_draws_every_chart(reports, tmp_path):
    from PIL import Image
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            for name, path in reports.items():
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                problems, requests = [], []
                page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))  # noqa: B023, E501 # fmt: skip
                page.on("pageerror", lambda e: problems.append(str(e)))  # noqa: B023
                page.on("request", lambda r: requests.append(r.url))  # noqa: B023
                page.goto(path.as_uri())
                assert page.evaluate("window.zwgkDrawAll().then(() => true)")
                drawn = page.evaluate(
                    """Array.from(document.querySelectorAll('[data-chart]')).map(el => [
                        el.dataset.chart,
                        Array.from(el.querySelectorAll('svg path'))
                             .filter(p => (p.getAttribute('d') || '').length > 4).length])"""
                )
                assert drawn and all(paths > 0 for _, paths in drawn), drawn
                assert not problems, problems
                assert all(url.startswith(("file:", "data:", "blob:")) for url in requests), (
                    requests
                )
                # the pictures themselves: each chart's pixels are not all one colour
                for key in ("volume", "survival", "timeliness", "completeness"):
                    element = page.locator(f'[data-chart^="{key}-"]').first
                    image = Image.open(io.BytesIO(element.screenshot())).convert("L")
                    dark = sum(image.histogram()[:200])  # pixels darker than the background
                    assert dark > 200, (name, key, dark)
                page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
                page.close()
        finally:
            browser.close()


@needs_chromium
def test_the_fleet_table_sorts_by_a_column(reports):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page()
            page.goto(reports["fleet"].as_uri())
            order = lambda: page.eval_on_selector_all(  # noqa: E731
                "#fleet + table tbody tr", "rows => rows.map(r => r.cells[1].dataset.value)"
            )
            page.click("#fleet + table th:nth-child(2)")
            up = [int(v) for v in order()]
            assert up == sorted(up) and len(set(up)) > 1
            page.click("#fleet + table th:nth-child(2)")
            assert [int(v) for v in order()] == sorted(up, reverse=True)
        finally:
            browser.close()
