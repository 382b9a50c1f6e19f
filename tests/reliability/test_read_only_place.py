"""Case 7: an archive in a read-only place (here a real read-only filesystem: a tmpfs mounted
read-only, which stops root too). Readers open it (`mode=ro`, or `immutable=1` when SQLite
cannot create the WAL index there); a writer gets one line, not a traceback."""

from __future__ import annotations

import shutil

import pytest
from conftest import remount_read_only, tmpfs
from crawl_helpers import crawl, write_sample_seed, zwgk

from archive import read
from crawler.sample_portal import expected_documents


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, portal_server):
    tmp = tmp_path_factory.mktemp("ro-source")
    seeds = write_sample_seed(tmp / "seeds", portal_server.url)
    crawl(seeds, tmp / "archive.db")
    return seeds, tmp / "archive.db"


@pytest.mark.parametrize("how", ["the file copied there", "as a crawl there left it"])
def test_readers_read_and_a_writer_gets_one_line(tmp_path, portal_server, crawled, how):
    seeds, source = crawled
    with tmpfs(tmp_path / "ro", "64m") as place:
        db = place / "archive.db"
        if how == "the file copied there":
            shutil.copyfile(source, db)  # no -wal, no -shm: nothing can create them now
        else:
            crawl(seeds, db)  # its -wal and -shm stay behind
        remount_read_only(place)
        count = len(expected_documents(1))
        url = portal_server.url + "/zwgk/fzzf/202402/t20240227_1001.html"
        for command, expected in (
            (["stats"], f"documents            {count}"),
            (["history", url], "v1"),
            (["search", "法治政府建设"], "3 result(s)"),
            (["changes", "--since", "2020-01-01"], f"{count} new"),
            (["runs"], "finished"),
            (["check"], ": ok"),
            (["export", "--format", "jsonl", "-o", str(tmp_path / "out.jsonl")], ""),
        ):
            done = zwgk(*command, "--db", str(db))
            assert done.returncode == 0, f"{command}: {done.stderr[-1500:]}"
            assert expected in done.stdout, f"{command}: {done.stdout[-1500:]}"
        assert len((tmp_path / "out.jsonl").read_text("utf-8").splitlines()) == count
        with read.open_archive(db) as arc:
            assert len(arc.documents()) == count
        done = zwgk("crawl", "--site", "sample", "--seeds", str(seeds), "--db", str(db))
        assert done.returncode == 1
        lines = done.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr[-2000:]
        assert "read-only" in lines[0]
