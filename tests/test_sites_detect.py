"""Finding a portal's 政务公开 section from its home page: `zwgk sites detect URL` and seeds with
`detect = true`, on 005.html (a real home page) in the shapes real ones have."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from crawl_helpers import zwgk
from fixture_portals import PORTALS, homes, jiyue
from fixture_portals.server import FixtureServer

from archive import read
from crawler.sites import detect

HOME = "http://127.0.0.1:8000/"

SEED = """
id = "{name}"
name = "测试县人民政府"
adcode = "411322"
start_urls = ["{base}/"]
allowed_domains = ["127.0.0.1"]
detect = true

[politeness]
download_delay = 0.0
concurrency = 8
max_pages = 500
"""


@pytest.mark.parametrize("shape", ["nav", "img", "guide"])
def test_the_entry_is_found_in_each_shape(shape):
    entry = detect.choose(detect.candidates(homes.home_page(shape), HOME), HOME)
    assert entry.url == HOME.rstrip("/") + homes.ENTRY
    assert entry.section_prefixes == ("/wzxrmzf/zwgk/",) and not entry.other_host
    words = {
        "nav": "“政务公开” in the site's nav",
        "img": "“政务公开”",
        "guide": "“政府信息公开目录”",
    }
    assert words[shape] in entry.reason


def test_links_about_the_section_are_not_entries_and_nothing_is_said_plainly():
    html = """<html><body><div class="nav"><a href="/zwgk/myd.html">政务公开满意度调查</a>
    <a href="/gkr/">5.15政务公开日专题</a></div><p><a href="/zfxxgk/">区政府信息公开</a></p></body></html>"""
    entry = detect.choose(detect.candidates(html, HOME), HOME)
    assert entry.url == "http://127.0.0.1:8000/zfxxgk/" and "区政府信息公开" in entry.reason
    none = detect.choose(
        detect.candidates("<html><body><a href='/a'>首页</a></body></html>", HOME), HOME
    )
    assert none.url is None and "no 政务公开" in none.reason


def test_an_entry_on_another_domain_is_a_platform_and_a_subdomain_is_the_county():
    found = [detect.Candidate("http://xxgk.fangcheng.gov.cn/", "政府信息公开", "nav", 14)]
    home = "http://www.fangcheng.gov.cn/"
    assert not detect.choose(found, home).other_host
    found = [detect.Candidate("http://www.nanyang.gov.cn/xxgk/fc/", "政务公开", "nav", 14)]
    entry = detect.choose(found, home)
    assert entry.other_host and "www.nanyang.gov.cn" in entry.reason


def write_seed(folder: Path, name: str, base: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.toml").write_text(SEED.format(name=name, base=base), encoding="utf-8")
    return folder


@pytest.mark.parametrize("shape", ["nav", "img", "guide"])
def test_a_detect_seed_crawls_the_section_it_finds_and_records_why(tmp_path, shape):
    name = f"home-{shape}"
    portal = PORTALS[name]()
    with FixtureServer(name) as server:
        seeds = write_seed(tmp_path / "seeds", name, server.url)
        db = tmp_path / "archive.db"
        done = zwgk("crawl", "--site", name, "--seeds", str(seeds), "--db", str(db), timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        with read.open_archive(db) as arc:
            archived = {d.url[len(server.url) :] for d in arc.documents()}
            found = arc.section_detections(name)
        assert archived == {d.path for d in portal.documents}
        assert len(found) == 1 and found[0]["crawled"] == 1 and found[0]["cms"]
        assert found[0]["entry_url"] == server.url + homes.ENTRY
        fetched = {e["path"] for e in server.request_log()}
        assert not fetched & set(portal.outside_paths)
        listing = zwgk("sites", "--seeds", str(seeds), "--db", str(db))
        assert f"section: {server.url}{homes.ENTRY}" in listing.stdout
        assert server.url + homes.ENTRY in zwgk("stats", "--db", str(db)).stdout
        if shape == "nav":  # the next run starts at the entry it recorded: no home page again
            server.clear_log()
            again = zwgk("crawl", "--site", name, "--seeds", str(seeds), "--db", str(db))
            assert again.returncode == 0, again.stderr[-3000:]
            paths = [e["path"] for e in server.request_log()]
            assert "/" not in paths and homes.ENTRY in paths
            conn = sqlite3.connect(db)
            assert conn.execute("SELECT count(*) FROM section_detections").fetchone()[0] == 1


@pytest.fixture(scope="module")
def platform_and_home():
    platform = FixtureServer("jiyue", host="127.0.0.2")
    home = FixtureServer("home-jyh", env={"ZWGK_FIXTURE_PLATFORM": platform.url})
    yield platform, home
    home.stop()
    platform.stop()


def test_sites_detect_prints_a_seed_for_the_entry_on_a_platform(platform_and_home):
    platform, home = platform_and_home
    done = zwgk("sites", "detect", home.url + "/", "--adcode", "411322", "--id", "jyh")
    assert done.returncode == 0, done.stderr[-3000:]
    assert f'start_urls = ["{platform.url}{jiyue.ENTRY}"]' in done.stdout
    assert 'allowed_domains = ["127.0.0.1", "127.0.0.2"]' in done.stdout
    assert 'cms = "jiyue"' in done.stdout and "集约化" in done.stdout + done.stderr


def test_sites_detect_on_the_nav_shape_and_on_a_missing_home_page(tmp_path):
    with FixtureServer("home-nav") as server:
        done = zwgk("sites", "detect", server.url + "/", "--adcode", "411322")
        assert done.returncode == 0, done.stderr[-3000:]
        assert f'start_urls = ["{server.url}{homes.ENTRY}"]' in done.stdout
        assert 'adcode = "411322"' in done.stdout and "“政务公开” in the site's nav" in done.stdout
        bad = zwgk("sites", "detect", server.url + "/no/such/home/", "--adcode", "411322")
        assert (
            bad.returncode == 1
            and bad.stderr.startswith("error: ")
            and "Traceback" not in bad.stderr
        )


def test_a_crawl_never_contacts_a_platform_outside_its_allowed_domains(tmp_path, platform_and_home):
    platform, home = platform_and_home
    platform.clear_log()
    seeds = write_seed(tmp_path / "seeds", "home-jyh", home.url)
    db = tmp_path / "archive.db"
    done = zwgk("crawl", "--site", "home-jyh", "--seeds", str(seeds), "--db", str(db))
    assert done.returncode == 0, done.stderr[-3000:]
    assert platform.request_log() == []
    with read.open_archive(db) as arc:
        (found,) = arc.section_detections("home-jyh")
        assert arc.documents() == []
    assert found["crawled"] == 0 and found["entry_url"] == platform.url + jiyue.ENTRY
    assert "not crawled: outside allowed_domains" in found["reason"]
    listing = zwgk("sites", "--seeds", str(seeds), "--db", str(db))
    assert "(not crawled)" in listing.stdout
