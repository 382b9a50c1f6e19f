"""The CLI as a person meets it: JSON out of `extract`, one-line errors, no tracebacks."""

from __future__ import annotations

import json

import pytest
from crawl_helpers import zwgk
from testdata import CORPUS, PAGES

MANIFEST = {m["file"]: m for m in json.loads((CORPUS / "manifest.json").read_text("utf-8"))}
FIELDS = {
    "url",
    "title",
    "publish_date",
    "publisher",
    "index_no",
    "doc_no",
    "category",
    "text",
    "attachments",
}


def test_extract_prints_json_for_every_corpus_page():
    # one process for all pages would be faster; the CLI is what people run, so run it per page
    pages = sorted(PAGES.glob("*.html"))
    assert pages, f"no corpus pages in {PAGES}"
    for page in pages:
        url = MANIFEST[page.name].get("url")  # some saved pages have no known URL
        done = zwgk("extract", str(page), *(["--url", url] if url else []), "--json")
        assert done.returncode == 0, f"{page.name}: {done.stderr}"
        result = json.loads(done.stdout)
        assert set(result) >= FIELDS, page.name
        assert result["url"] == (url or page.resolve().as_uri())


def assert_one_line_error(done, *needles):
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    message = done.stderr.strip()
    assert len(message.splitlines()) == 1, message
    for needle in needles:
        assert needle in message


def test_bad_seed_file_is_a_one_line_error(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "bad.toml").write_text(
        'id = "bad"\nname = "x"\nadcode = "12"\nstart_urls = ["http://a/"]\n', "utf-8"
    )
    assert_one_line_error(
        zwgk("crawl", "--site", "bad", "--seeds", str(seeds), "--db", str(tmp_path / "a.db")),
        "bad.toml",
        "adcode",
    )
    done = zwgk("sites", "--seeds", str(seeds))
    assert done.returncode != 0 and "bad.toml" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["crawl", "--site", "nope"], "no seed for site 'nope'"),
        (["history", "http://127.0.0.1:1/none.html"], "no archive here"),
        (["extract", "/nonexistent/page.html"], "cannot read"),
        (["fetch", "not-a-url"], "not an http(s) URL"),
    ],
)
def test_errors_are_one_line(tmp_path, args, needle):
    assert_one_line_error(zwgk(*args, "--db", str(tmp_path / "a.db")), needle)


def test_damaged_archive_is_reported_and_left_alone(tmp_path):
    db = tmp_path / "archive.db"
    db.write_bytes(b"garbage" * 1000)
    done = zwgk("stats", "--db", str(db))
    assert_one_line_error(done, str(db))
    assert db.read_bytes() == b"garbage" * 1000


def test_demo_archives_every_sample_document(tmp_path):
    from crawler.sample_portal import expected_documents

    db = tmp_path / "demo.db"
    done = zwgk("demo", "--db", str(db))
    assert done.returncode == 0, done.stderr[-2000:]
    new_lines = [line for line in done.stdout.splitlines() if line.strip().startswith("new ")]
    assert len(new_lines) == len(expected_documents(1))
    assert "finished" in done.stdout


def test_fetch_history_and_stats(tmp_path, make_portal_server):
    from crawler.sample_portal import expected_documents

    server = make_portal_server(revision=1)
    db = str(tmp_path / "a.db")
    doc = expected_documents(1)[0]
    url = server.url + doc.path
    done = zwgk("fetch", url, "--db", db, "--seeds", str(tmp_path / "no-seeds"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert doc.title in done.stdout
    server.set_revision(2)  # the first document's text changes in revision 2
    assert zwgk("fetch", url, "--db", db, "--seeds", str(tmp_path / "no-seeds")).returncode == 0

    history = zwgk("history", url, "--db", db)
    assert history.returncode == 0
    assert [line.split()[0] for line in history.stdout.splitlines()[1:]] == ["v1", "v2"]

    stats = zwgk("stats", "--db", db)
    assert stats.returncode == 0
    assert "documents            1" in stats.stdout and "versions             2" in stats.stdout
    assert "adhoc-127-0-0-1" in stats.stdout  # no seed covered the host: an ad-hoc site


def test_fetch_depth_follows_links_on_the_host(tmp_path, make_portal_server):
    server = make_portal_server(revision=1)
    db = str(tmp_path / "a.db")
    done = zwgk(
        "fetch",
        server.url + "/zwgk/gzbg/",
        "--depth",
        "1",
        "--db",
        db,
        "--seeds",
        str(tmp_path / "none"),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    paths = [entry["path"] for entry in server.request_log()]
    assert "/zwgk/gzbg/" in paths and len(set(paths)) > 3
    assert not any(p.startswith("/admin/") for p in paths)  # robots.txt still applies
