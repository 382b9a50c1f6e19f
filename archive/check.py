"""Is an archive sound? SQLite's own checks, then what zwgk promises about its tables.

`quick_check` is what a writer runs before writing (archive/schema.py `connect(check=True)`):
SQLite's `PRAGMA quick_check`, which reads every page of the file and so finds damage anywhere
in it (benchmarks/integrity.py measures its cost). `check_archive` is `zwgk check`: the full
`PRAGMA integrity_check` (indexes against their tables too), the foreign keys, and the archive's
own invariants — version numbers without gaps, each document's current version its latest,
the search index in step with the documents.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive.exceptions import DamagedArchive
from archive.failures import is_damage
from archive.migrations import MIGRATION_NAMES

MAX_REPORTED = 20  # problems listed per check


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's quick_check: [] when the file is sound, else the problems found."""
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA quick_check({MAX_REPORTED})").fetchall()]
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return [str(exc)]
        raise
    return [] if rows == ["ok"] else rows


# The archive's invariants: (what must hold, SQL counting the rows that break it)
INVARIANTS = (
    (
        "each document's version_count equals its number of versions",
        """SELECT count(*) FROM documents d
           WHERE d.version_count != (SELECT count(*) FROM versions v WHERE v.document_id = d.id)""",
    ),
    (
        "versions are numbered 1, 2, … without gaps",
        """SELECT count(*) FROM (SELECT document_id FROM versions GROUP BY document_id
           HAVING max(version_no) != count(*) OR min(version_no) != 1)""",
    ),
    (
        "each document's current version is its latest",
        """SELECT count(*) FROM documents d WHERE d.version_count > 0 AND d.current_version_id IS NOT
           (SELECT v.id FROM versions v WHERE v.document_id = d.id ORDER BY v.version_no DESC LIMIT 1)""",
    ),
    (
        "each document with a version is in the search index with its current version",
        """SELECT count(*) FROM documents d LEFT JOIN search_rows r ON r.document_id = d.id
           WHERE d.current_version_id IS NOT NULL
             AND (r.id IS NULL OR r.version_id IS NOT d.current_version_id)""",
    ),
    (
        "the search index holds only documents with a version",
        """SELECT count(*) FROM search_rows r JOIN documents d ON d.id = r.document_id
           WHERE d.current_version_id IS NULL""",
    ),
    (
        "each search row is in the full-text index, and the index holds nothing else",
        """SELECT (SELECT count(*) FROM search_rows r
                   WHERE NOT EXISTS (SELECT 1 FROM search_index s WHERE s.rowid = r.id))
                + abs((SELECT count(*) FROM search_index) - (SELECT count(*) FROM search_rows))""",
    ),
    (
        "each version's fetch is a capture of its document",
        """SELECT count(*) FROM versions v JOIN fetches f ON f.id = v.fetch_id
           WHERE f.text_hash IS NULL AND v.change IS NOT 'reextract'""",
    ),
)


@dataclass
class CheckReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    facts: dict[str, int | str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def check_archive(conn: sqlite3.Connection, path: Path) -> CheckReport:
    """The full check of `zwgk check` over a read-only connection."""
    started = time.perf_counter()
    report = CheckReport(path)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    report.facts["schema version"] = version
    report.facts["pages"] = conn.execute("PRAGMA page_count").fetchone()[0]
    if version > len(MIGRATION_NAMES):
        report.problems.append(
            f"schema version {version} is newer than this zwgk knows ({len(MIGRATION_NAMES)})"
        )
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA integrity_check({MAX_REPORTED})").fetchall()]
    except (sqlite3.DatabaseError, DamagedArchive) as exc:
        rows = [f"stopped: {exc.__cause__ or exc}"]  # damage so bad it cannot even go on
    if rows != ["ok"]:
        report.problems += [f"integrity_check: {row}" for row in rows]
        report.seconds = time.perf_counter() - started
        return report  # the tables cannot be trusted: the checks below would only add noise
    broken: dict[tuple[str, str], int] = {}
    for row in conn.execute("PRAGMA foreign_key_check").fetchall():
        broken[(row[0], row[2])] = broken.get((row[0], row[2]), 0) + 1
    report.problems += [
        f"foreign keys: {n} row(s) of {table} refer to missing {parent} rows"
        for (table, parent), n in sorted(broken.items())
    ]
    if version == len(MIGRATION_NAMES):
        for rule, sql in INVARIANTS:
            count = conn.execute(sql).fetchone()[0]
            if count:
                report.problems.append(f"{count} row(s) break the rule: {rule}")
        for table in ("documents", "versions", "fetches"):
            report.facts[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        running = conn.execute("SELECT count(*) FROM runs WHERE outcome = 'running'").fetchone()[0]
        report.facts["runs still marked running"] = running
    report.seconds = time.perf_counter() - started
    return report
