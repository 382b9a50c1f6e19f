"""Discovery on fixture portals of each CMS family: a real crawl archives every document of the
section and nothing outside it; the fault portal's traps and failures are bounded and recorded."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from crawl_helpers import zwgk
from fixture_portals import PORTALS
from fixture_portals.server import FixtureServer

from archive import read

# what the recorded error says for each kind of fault the fixture portal plants
REASON_WORDS = {
    "timeout": "Timeout",
    "redirect": "redirect",
    "binary": "not an HTML",
    "too large": "too large",
}
FAMILIES = [name for name in PORTALS if name != "faults" and not name.startswith("home-")]

SEED = """
id = "{name}"
name = "{family} 测试门户"
adcode = "411322"
start_urls = {start_urls}
allowed_domains = ["127.0.0.1"]
{extra}
[politeness]
download_delay = 0.0
concurrency = 8
max_pages = {max_pages}
max_depth = 4
"""


def write_seed(folder: Path, portal, base: str, max_pages: int = 2000, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    urls = "[" + ", ".join(f'"{base}{p}"' for p in portal.start_paths) + "]"
    text = SEED.format(
        name=portal.name, family=portal.family, start_urls=urls, max_pages=max_pages, extra=extra
    )
    (folder / f"{portal.name}.toml").write_text(text, encoding="utf-8")
    return folder


def crawl_portal(tmp_path: Path, name: str, *settings: str, max_pages: int = 2000, extra: str = ""):
    portal = PORTALS[name]()
    server = FixtureServer(name)
    seeds = write_seed(tmp_path / "seeds", portal, server.url, max_pages, extra)
    db = tmp_path / "archive.db"
    args = ["crawl", "--site", name, "--seeds", str(seeds), "--db", str(db)]
    for setting in settings:
        args += ["--set", setting]
    done = zwgk(*args, timeout=600)
    return portal, server, db, done


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    """One crawl per fixture portal for the whole module: crawls(name) -> (portal, server, db, done)."""
    done: dict[str, tuple] = {}

    def get(name: str) -> tuple:
        if name not in done:
            done[name] = crawl_portal(tmp_path_factory.mktemp(name), name)
        return done[name]

    yield get
    for _, server, _, _ in done.values():
        server.stop()


@pytest.fixture(scope="module", params=FAMILIES)
def family_crawl(request, crawls):
    return crawls(request.param)


def archived_paths(db: Path, base: str) -> set[str]:
    with read.open_archive(db) as arc:
        return {d.url[len(base) :] for d in arc.documents()}


def test_every_document_of_the_family_portal_is_archived(family_crawl):
    portal, server, db, done = family_crawl
    assert done.returncode == 0, done.stderr[-3000:]
    expected = {d.path for d in portal.documents}
    archived = archived_paths(db, server.url)
    missing = expected - archived
    assert not missing, (
        f"{portal.family}: {len(missing)} of {len(expected)} documents missed, e.g. {sorted(missing)[:3]}"
    )
    assert archived == expected, (
        f"{portal.family}: archived outside the section: {sorted(archived - expected)[:5]}"
    )


def test_nothing_outside_the_section_is_fetched(family_crawl):
    portal, server, _, _ = family_crawl
    fetched = {entry["path"].split("?")[0] for entry in server.request_log()}
    assert not fetched & set(portal.outside_paths)


def test_documents_keep_the_column_they_were_listed_under(family_crawl):
    portal, server, db, _ = family_crawl
    with read.open_archive(db) as arc:
        listed = [
            d
            for d in portal.documents
            if portal.name != "sitemap" or arc.columns_of(server.url + d.path)
        ]
        named = [d for d in listed if d.column in arc.columns_of(server.url + d.path)]
    assert len(named) >= 0.9 * len(listed), (
        f"{len(named)}/{len(listed)} documents keep their column name"
    )


def test_attachments_are_stored_once_linked_and_searchable(tmp_path):
    name = next(n for n in FAMILIES if any(d.attachments for d in PORTALS[n]().documents))
    portal, server, db, done = crawl_portal(tmp_path, name)
    try:
        assert done.returncode == 0, done.stderr[-3000:]
        with_attachments = [d for d in portal.documents if d.attachments]
        with read.open_archive(db) as arc:
            for doc in with_attachments:
                files = arc.attachments(server.url + doc.path)
                assert {f.url[len(server.url) :] for f in files} == set(doc.attachments)
                assert all(f.kind in ("pdf", "docx", "xlsx") and f.text for f in files)
            stored = arc.conn.execute("SELECT count(*) FROM attachments").fetchone()[0]
            distinct = len({p for d in with_attachments for p in d.attachments})
            assert stored <= distinct  # stored once by content, however many documents link them
            docx = next(
                f
                for d in with_attachments
                for f in arc.attachments(server.url + d.path)
                if f.kind == "docx"
            )
            probe = docx.text.split("\n")[0][:6]
            hits = arc.search(probe)
        assert any(server.url + d.path in hits for d in with_attachments)
    finally:
        server.stop()


def test_fault_portal_is_bounded_recorded_and_archives_no_challenge(tmp_path):
    portal, server, db, done = crawl_portal(
        tmp_path,
        "faults",
        "DOWNLOAD_TIMEOUT=3",
        "RETRY_TIMES=1",
        "ZWGK_RETRY_BACKOFF_BASE=0.1",
        "ZWGK_ATTACHMENT_MAXSIZE=5000000",
        max_pages=300,
    )
    try:
        assert "Traceback" not in done.stdout
        archived = archived_paths(db, server.url)
        assert {d.path for d in portal.documents} <= archived, "a good document was lost"
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        fetches = conn.execute("SELECT url, kind, status, error FROM fetches").fetchall()
        assert len(fetches) <= 300
        by_path = {}
        for row in fetches:
            by_path.setdefault(row["url"][len(server.url) :], []).append(row)
        for path, reason in portal.bad.items():
            rows = by_path.get(path) or [r for r in fetches if path in (r["error"] or "")]
            assert rows, f"{path}: no fetch recorded"
            assert any(row["error"] for row in rows), f"{path}: recorded without a reason"
            words = REASON_WORDS.get(reason, reason)
            assert any(words.lower() in (row["error"] or "").lower() for row in rows), (
                path,
                reason,
                rows,
            )
        blocked = [r for r in fetches if r["kind"] == "blocked"]
        assert blocked, "no challenge page recognised"
        assert not archived & {r["url"][len(server.url) :] for r in blocked}, (
            "a challenge page was archived"
        )
        run = conn.execute("SELECT * FROM runs").fetchone()
        assert run["fetches_blocked"] == len(blocked) and run["ended_at"]
        assert "blocked by anti-bot challenges" in done.stdout
    finally:
        server.stop()


# --- the list patterns of real portals (fixture_portals/coverage.py, empire.py, jsonlist.py) ---


def coverage_rows(db: Path) -> dict[str, sqlite3.Row]:
    """The last run's column coverage, by column path."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    run = conn.execute("SELECT max(id) FROM runs").fetchone()[0]
    rows = conn.execute(
        """SELECT c.url, c.name, cc.* FROM column_coverage cc JOIN columns c ON c.id = cc.column_id
           WHERE cc.run_id = ?""",
        [run],
    ).fetchall()
    return {"/" + r["url"].split("/", 3)[3]: r for r in rows}


def test_columns_list_documents_filed_in_other_folders_and_footer_links_stay_out(crawls):
    portal, server, db, done = crawls("coverage")
    from fixture_portals import coverage

    fetched = [entry["path"] for entry in server.request_log()]
    assert not set(fetched) & {*coverage.FOOTER, *coverage.HOT}
    elsewhere = [d for d in portal.documents if not portal.in_section(d.path)]
    assert len(elsewhere) == 5 + coverage.PLATFORM_COUNT  # 工作进展情况's and every 最新公开 item
    with read.open_archive(db) as arc:
        for doc in elsewhere:
            assert doc.column in arc.columns_of(server.url + doc.path)
    # the 动静结合 list: 75 items in the HTML, the rest from its search API, pages 6 to 8
    api = sorted(e["path"] for e in server.request_log() if e["path"].startswith(coverage.API))
    assert sorted(parse_qs(urlsplit(p).query)["page"][0] for p in api) == ["6", "7", "8"]
    # the landing page's pager on the home page, with a query string
    assert "/index.jsp?c=xxgkpt&page=3" in fetched and "/" not in fetched
    rows = coverage_rows(db)
    gzjz = rows[coverage.GZJZ + "index.html"]
    assert (gzjz["announced"], gzjz["listed"], gzjz["archived"], gzjz["flag"]) == (
        107,
        107,
        107,
        None,
    )
    ndjh = rows[coverage.NDJH + "index.html"]  # pages named by recordCount/pageSize alone
    assert (ndjh["announced"], ndjh["listed"], ndjh["pages"]) == (37, 37, 4)
    assert rows[coverage.PLATFORM + "index.html"]["listed"] == coverage.PLATFORM_COUNT
    assert not any(r["flag"] for r in rows.values())
    siblings = [r for path, r in rows.items() if path.endswith("/")]  # 更多栏目: empty columns
    assert len(siblings) == 4 and all((r["announced"], r["listed"]) == (0, 0) for r in siblings)
    assert "107 /  107 /  107" in done.stdout
    assert (
        sqlite3.connect(db)
        .execute("SELECT count(*) FROM fetches WHERE kind = 'rendered'")
        .fetchone()[0]
        == 0
    )


def test_empire_pages_count_from_index_2_and_from_the_record_count_alone(crawls):
    portal, server, db, _ = crawls("empire")
    fetched = {entry["path"] for entry in server.request_log()}
    assert {f"/xxgk/tzgg/index_{n}.html" for n in (2, 3, 4, 5)} <= fetched
    assert {"/xxgk/zcwj/index_2.html", "/xxgk/zcwj/index_3.html"} <= fetched
    assert not any(p.endswith("index_1.html") or p.endswith("index_6.html") for p in fetched)
    rows = coverage_rows(db)
    assert rows["/xxgk/zcwj/index.html"]["announced"] == 23
    assert rows["/xxgk/zcwj/index.html"]["archived"] == 23


def test_only_the_script_filled_list_is_rendered_in_the_browser(crawls):
    portal, server, db, _ = crawls("jsonlist")
    conn = sqlite3.connect(db)
    rendered = [u for (u,) in conn.execute("SELECT url FROM fetches WHERE kind = 'rendered'")]
    assert sorted(u[len(server.url) :] for u in rendered) == [
        "/jxssthjt/col/col42149/index.html",  # its pager's link to ?page=1 is this page: not again
        "/jxssthjt/col/col42149/index.html?page=2",
        "/jxssthjt/col/col42149/index.html?page=3",
    ]
    rows = coverage_rows(db)
    inline, shell = (
        rows["/jxssthjt/col/col42150/index.html"],
        rows["/jxssthjt/col/col42149/index.html"],
    )
    assert (inline["rendered"], inline["listed"], inline["archived"]) == (0, 23, 23)
    counts = (shell["rendered"], shell["listed"], shell["archived"], shell["flag"])
    assert counts == (3, 34, 34, None)
    # the browser fetched the page's scripts and its API on 127.0.0.1, and nothing else
    assert any(e["path"].startswith("/jxssthjt/api/pagedata") for e in server.request_log())


@pytest.mark.parametrize("mode", ["never", "lists"])
def test_a_seed_forbids_or_forces_rendering(tmp_path, mode):
    portal, server, db, done = crawl_portal(tmp_path, "jsonlist", extra=f'render = "{mode}"')
    try:
        assert done.returncode == 0, done.stderr[-3000:]
        archived = archived_paths(db, server.url)
        shell = {d.path for d in portal.documents if "/col42149/" in d.path}
        rows = coverage_rows(db)
        row = rows["/jxssthjt/col/col42149/index.html"]
        if mode == "never":
            assert archived == {d.path for d in portal.documents} - shell
            assert row["listed"] == 0 and row["flag"].startswith("not rendered: its list is empty")
            assert "not rendered" in done.stdout
            assert not any(e["path"].startswith("/jxssthjt/api/") for e in server.request_log())
        else:
            assert archived == {d.path for d in portal.documents}
            assert rows["/jxssthjt/col/col42150/index.html"]["rendered"] >= 1
            assert row["rendered"] == 3
    finally:
        server.stop()
