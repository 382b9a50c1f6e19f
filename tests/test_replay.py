"""WARC that replays (crawler/history/warc.py): the real requests, revisits for unchanged payloads
and 304s, every redirect hop; indexed and replayed by pywb on 127.0.0.1; packaged as WACZ.

pywb pins old libraries (redis 2, gevent): it lives in its own venv (.venv-replay at the
repository root, made on first use from PyPI and kept), never in zwgk's.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest
from crawl_helpers import crawl, zwgk
from warcio.archiveiterator import ArchiveIterator

from archive import read

ROOT = Path(__file__).resolve().parents[1]
REPLAY_VENV = ROOT / ".venv-replay"
SEED = """
id = "sample"
name = "方城县人民政府（示例门户）"
adcode = "411322"
start_urls = ["{base}/zwgk"]
allowed_domains = ["127.0.0.1"]

[politeness]
download_delay = 0.0
concurrency = 4
max_pages = 500
max_depth = 6
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory, make_portal_server):
    """The sample portal crawled from a start URL that redirects (/zwgk → /zwgk/), then walked
    again in full (unchanged documents answer 304), exported as WARC."""
    server = make_portal_server(revision=1)
    tmp = tmp_path_factory.mktemp("replay")
    (tmp / "seeds").mkdir()
    (tmp / "seeds" / "sample.toml").write_text(SEED.format(base=server.url), encoding="utf-8")
    db = tmp / "archive.db"
    crawl(tmp / "seeds", db)
    time.sleep(1.1)  # a second apart: pywb's timestamps have one-second resolution
    crawl(tmp / "seeds", db, "sample", "--full")
    out = tmp / "archive.warc.gz"
    done = zwgk("export", "--format", "warc", "-o", str(out), "--db", str(db))
    assert done.returncode == 0, done.stderr
    with out.open("rb") as fh:
        records = [
            (r.rec_type, dict(r.rec_headers.headers), r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(fh)
        ]
    return server, db, out, records


def test_requests_are_recorded_as_sent_with_the_url_fetched(exported):
    server, db, _, records = exported
    requests = [(h, http) for kind, h, http, _ in records if kind == "request"]
    targets = {h["WARC-Target-URI"] for h, _ in requests}
    assert f"{server.url}/zwgk" in targets  # the start URL as fetched, before its redirect
    conditional = [http for _, http in requests if http.get_header("If-None-Match")]
    assert conditional, "the full walk's conditional requests are recorded with their validators"
    for _, http in requests:
        assert http.get_header("User-Agent", "").startswith("zwgk/")
        assert http.get_header("Host") == server.url.removeprefix("http://")
        assert http.get_header("Accept-Encoding")  # added by a downloader middleware


def test_redirect_hops_unchanged_payloads_and_304s_are_records(exported):
    server, db, _, records = exported
    hops = [(h, http) for kind, h, http, _ in records
            if kind == "response" and http.get_statuscode() == "301"]  # fmt: skip
    assert {h["WARC-Target-URI"] for h, _ in hops} == {f"{server.url}/zwgk"}
    assert all(http.get_header("Location") == "/zwgk/" for _, http in hops)
    revisits = [h for kind, h, _, _ in records if kind == "revisit"]
    profiles = {h["WARC-Profile"].rsplit("/", 1)[-1] for h in revisits}
    assert profiles == {"identical-payload-digest", "server-not-modified"}
    with read.open_archive(db) as arc:
        not_modified = arc.conn.execute(
            "SELECT count(*) FROM fetches WHERE status = 304"
        ).fetchone()[0]
        assert not_modified > 0
        bodies = arc.conn.execute(  # a 304 stores its empty body, written as no response
            "SELECT count(DISTINCT body_sha256) FROM fetches WHERE status != 304"
        ).fetchone()[0]
    assert sum(h["WARC-Profile"].endswith("server-not-modified") for h in revisits) == not_modified
    responses = {
        (h["WARC-Target-URI"], h["WARC-Date"]) for kind, h, _, _ in records if kind == "response"
    }
    for h in revisits:  # each points at a response with the payload, never at another revisit
        assert (h["WARC-Refers-To-Target-URI"], h["WARC-Refers-To-Date"]) in responses
    assert sum(kind == "response" for kind, *_ in records) == bodies + len(hops)  # a body once


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def replay_tools() -> Path:
    """pywb in its own venv, made once."""
    bin_dir = REPLAY_VENV / "bin"
    if not (bin_dir / "wayback").exists():
        subprocess.run([sys.executable, "-m", "venv", str(REPLAY_VENV)], check=True)
        subprocess.run(
            [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "pywb>=2.8"],
            check=True,
            timeout=900,
        )
    return bin_dir


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture(scope="module")
def pywb(exported, tmp_path_factory):
    _, _, warc, _ = exported
    bin_dir = replay_tools()
    home = tmp_path_factory.mktemp("pywb")
    subprocess.run([str(bin_dir / "wb-manager"), "init", "zwgk"], cwd=home, check=True)
    subprocess.run([str(bin_dir / "wb-manager"), "add", "zwgk", str(warc)], cwd=home, check=True)
    port = free_port()
    proc = subprocess.Popen(
        [str(bin_dir / "wayback"), "--port", str(port), "--bind", "127.0.0.1"],
        cwd=home,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}/zwgk"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/", timeout=5)
            break
        except urllib.error.HTTPError:
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"pywb did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=30)


def timestamp(iso: str) -> str:
    return "".join(ch for ch in iso[:19] if ch.isdigit())


def test_pywb_replays_the_archived_documents_revisits_and_redirects(exported, pywb):
    server, db, _, _ = exported
    with read.open_archive(db) as arc:
        captures = arc.conn.execute(
            """SELECT id, fetched_url, fetched_at, url FROM fetches WHERE kind = 'document'
               AND status = 200 AND body_sha256 IS NOT NULL ORDER BY id"""
        ).fetchall()
        assert captures
        for fetch_id, url, fetched_at, _ in captures:
            status, _, body = get(f"{pywb}/{timestamp(fetched_at)}id_/{url}")
            assert status == 200 and body == arc.raw_body(fetch_id), url
        # an unchanged payload fetched again (robots.txt) is a revisit: pywb finds the original
        fetch_id, url, fetched_at = arc.conn.execute(
            """SELECT id, fetched_url, fetched_at FROM fetches WHERE kind = 'robots'
               ORDER BY id DESC LIMIT 1"""
        ).fetchone()
        assert (
            fetch_id
            != arc.conn.execute("SELECT min(id) FROM fetches WHERE kind = 'robots'").fetchone()[0]
        )
        status, _, body = get(f"{pywb}/{timestamp(fetched_at)}id_/{url}")
        assert status == 200 and body == arc.raw_body(fetch_id) and b"Disallow" in body
        # a 304 of the second walk replays as the server answered (a server-not-modified revisit)
        url, fetched_at = arc.conn.execute(
            "SELECT fetched_url, fetched_at FROM fetches WHERE status = 304 ORDER BY id LIMIT 1"
        ).fetchone()
        status, _, body = get(f"{pywb}/{timestamp(fetched_at)}id_/{url}")
        assert status == 304 and body == b""
        (list_id,) = arc.conn.execute(
            "SELECT min(id) FROM fetches WHERE fetched_url LIKE '%/zwgk/'"
        ).fetchone()
        list_body = arc.raw_body(list_id)
    # the redirect hop is in pywb's index as the 301 it was, under the URL as fetched; replaying
    # that URL leads to the list page it redirected to (pywb skips a redirect to the same
    # canonical URL, /zwgk → /zwgk/, by sending the reader straight to the target's capture)
    start = f"{server.url}/zwgk"
    _, _, cdx = get(f"{pywb}/cdx?output=json&url={urllib.parse.quote(start)}")
    index = [json.loads(line) for line in cdx.splitlines()]
    assert {(c["url"], c["status"]) for c in index} >= {(start, "301"), (start + "/", "200")}
    status, headers, _ = get(f"{pywb}/{index[0]['timestamp']}id_/{start}")
    assert status in (301, 307) and headers["Location"].endswith("/zwgk/")
    status, _, body = get(headers["Location"])
    assert status == 200 and body == list_body


def test_wacz_packages_the_export_for_replayweb_page(exported, tmp_path):
    _, db, _, records = exported
    out = tmp_path / "archive.wacz"
    done = zwgk("export", "--format", "wacz", "-o", str(out), "--db", str(db))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out) as wacz:
        names = set(wacz.namelist())
        assert {"datapackage.json", "pages/pages.jsonl"} <= names
        assert any(n.startswith("archive/") and n.endswith(".warc.gz") for n in names)
        assert any(n.startswith("indexes/") for n in names)
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()[1:]]
    with read.open_archive(db) as arc:
        assert len(pages) == len(arc.documents()) and all(
            p["url"].startswith("http") for p in pages
        )
    validate = subprocess.run(
        [str(Path(sys.executable).parent / "wacz"), "validate", "-f", str(out)],
        capture_output=True,
        text=True,
    )
    assert validate.returncode == 0, validate.stdout + validate.stderr
