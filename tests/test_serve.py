"""The archive in Datasette: descriptions from docs/schema.md, canned queries, facets, and a real
headless Chromium opening the search canned query."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
from crawl_helpers import crawl, write_sample_seed

from crawler.sample_portal import expected_documents

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def datasette(tmp_path_factory, make_portal_server):
    server = make_portal_server(revision=1)
    tmp = tmp_path_factory.mktemp("serve")
    seeds = write_sample_seed(tmp / "seeds", server.url)
    db = tmp / "archive.db"
    crawl(seeds, db)
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
    yield url, server, tmp
    proc.terminate()
    proc.wait(timeout=30)


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def test_tables_carry_the_schema_descriptions(datasette):
    url, _, _ = datasette
    meta = get_json(f"{url}/-/metadata.json")
    tables = meta["databases"]["archive"]["tables"]
    assert "canonical URL" in tables["documents"]["columns"]["url"]
    assert tables["versions"]["description"]


def test_facets_and_canned_queries(datasette):
    url, _, _ = datasette
    data = get_json(f"{url}/archive/latest_documents.json?_shape=objects")
    assert len(data["rows"]) == len(expected_documents(1))
    assert {f for f in data["facet_results"]} >= {"site_id", "publisher", "category"}
    rows = get_json(f"{url}/archive/latest_of_site.json?site=sample&_shape=objects")["rows"]
    assert len(rows) == len(expected_documents(1))
    short = get_json(
        f"{url}/archive/search_short.json?q=" + urllib.parse.quote("低保") + "&_shape=objects"
    )
    assert short["rows"]


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="chromium is installed by `make test` (Debian package)",
)
def test_headless_chromium_shows_the_search_result(datasette, tmp_path):
    url, server, _ = datasette
    target = f"{url}/archive/search?q=" + urllib.parse.quote("法治政府建设")
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", target],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    expected = next(d for d in expected_documents(1) if d.title == "2023年法治政府工作报告")
    assert expected.title in dom
    assert server.url + expected.path in dom
    assert "[法治政府建设]" in dom  # the highlighted snippet
