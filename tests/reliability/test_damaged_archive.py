"""Cases 3 and 12: a damaged archive, and one written by a newer zwgk.

A writer checks the archive before writing (SQLite's quick_check: benchmarks/integrity.py says
why not a cheaper check) and refuses a damaged or newer file with one line, the file untouched;
readers say "damaged archive" in one line; `zwgk check` runs the full check and reports."""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from crawl_helpers import crawl, write_sample_seed, zwgk

from archive import read
from archive.exceptions import DamagedArchive
from archive.schema import SCHEMA_VERSION

DAMAGE_BYTES = 8192


@pytest.fixture(scope="module")
def healthy(tmp_path_factory, portal_server) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("damage")
    seeds = write_sample_seed(tmp / "seeds", portal_server.url)
    db = tmp / "archive.db"
    crawl(seeds, db)
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # everything is in the main file
    return seeds, db


def copy_of(db: Path, to: Path) -> Path:
    shutil.copyfile(db, to)
    return to


def damage(path: Path, offset: int, seed: int = 12) -> None:
    """8 KB of random bytes written over the file at `offset`."""
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(random.Random(seed).randbytes(DAMAGE_BYTES))


def used_page_mid_file(path: Path) -> int:
    """The offset of the page in use (a table's or an index's, not a free one: damage there
    would harm nothing) nearest the middle of the file."""
    conn = sqlite3.connect(path)
    try:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        middle = conn.execute("PRAGMA page_count").fetchone()[0] // 2
        try:
            used = [r[0] for r in conn.execute("SELECT pageno FROM dbstat")]
        except sqlite3.OperationalError:  # an SQLite built without the dbstat table
            used = [r[0] for r in conn.execute("SELECT rootpage FROM sqlite_master")]
    finally:
        conn.close()
    page = min((p for p in used if p), key=lambda p: abs(p - middle))
    return (page - 1) * size


def page_of_table(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    root, size = conn.execute(
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = ?",
        [table],
    ).fetchone()
    conn.close()
    return (root - 1) * size


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_error_line(stderr: str, phrase: str) -> str:
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr[-2000:]
    assert phrase in errors[0], errors[0]
    assert "Traceback" not in stderr and "please report" not in stderr
    return errors[0]


def runs_in(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM runs").fetchone()[0]
    finally:
        conn.close()


def test_a_crawl_refuses_an_archive_damaged_mid_file(tmp_path, healthy):
    seeds, db = healthy
    broken = copy_of(db, tmp_path / "archive.db")
    damage(broken, used_page_mid_file(broken))
    before, runs = digest(broken), runs_in(broken)
    done = zwgk("crawl", "--site", "sample", "--seeds", str(seeds), "--db", str(broken))
    assert done.returncode == 1
    one_error_line(done.stderr, "damaged archive")
    assert digest(broken) == before and runs_in(broken) == runs  # nothing was written
    checked = zwgk("check", "--db", str(broken))
    assert checked.returncode == 1
    assert "problem(s) found" in checked.stdout and "integrity_check" in checked.stdout


def test_readers_say_damaged_archive_in_one_line(tmp_path, healthy, portal_server):
    _, db = healthy
    broken = copy_of(db, tmp_path / "archive.db")
    damage(broken, page_of_table(broken, "documents"))
    url = portal_server.url + "/zwgk/fzzf/202402/t20240227_1001.html"
    for command in (
        ["stats"],
        ["export", "--format", "jsonl"],
        ["history", url],
        ["search", "法治政府建设"],
        ["changes", "--since", "2020-01-01"],
    ):
        done = zwgk(*command, "--db", str(broken))
        assert done.returncode == 1, command
        one_error_line(done.stderr, "damaged archive")
    with pytest.raises(DamagedArchive, match="damaged archive"), read.open_archive(broken) as arc:
        arc.documents()


def test_check_passes_a_sound_archive(healthy):
    _, db = healthy
    done = zwgk("check", "--db", str(db))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"{db}: ok") and "8 documents" in done.stdout


def test_an_archive_from_a_newer_zwgk_is_refused_before_anything_is_written(tmp_path, healthy):
    seeds, db = healthy
    for n, newer in enumerate(("user_version", "migration")):
        path = copy_of(db, tmp_path / f"newer-{n}.db")
        conn = sqlite3.connect(path)
        if newer == "user_version":
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        else:
            conn.execute(
                "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                "VALUES ('zwgk', 'm999_from_the_future', '2030-01-01')"
            )
        conn.commit()
        conn.close()
        before = digest(path)
        done = zwgk("crawl", "--site", "sample", "--seeds", str(seeds), "--db", str(path))
        assert done.returncode == 1
        line = one_error_line(done.stderr, "newer")
        assert "nothing was written" in line
        assert digest(path) == before
        conn = sqlite3.connect(path)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        assert version == (SCHEMA_VERSION + 1 if newer == "user_version" else SCHEMA_VERSION)
        conn.close()
