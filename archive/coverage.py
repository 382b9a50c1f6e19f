"""What a run could see: per column, the items its lists announced, carried and the archive
holds (column_coverage), and the 政务公开 entry found on a home page (section_detections)."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from archive.records import ColumnCoverage, SectionDetection

if TYPE_CHECKING:
    import sqlite_utils


def coverage_flag(c: ColumnCoverage, listed: int) -> str | None:
    """Why a column may be incomplete, in words; None when its lists gave what they announced."""
    if c.render_needed:
        return f"not rendered: {c.render_needed}"
    if c.failed and not listed:
        return f"{c.failed} list page(s) failed"
    if listed == 0 and c.subcolumns == 0:
        return "its list yields nothing"
    if c.announced and listed < c.announced:
        return f"announces {c.announced} items, its lists carried {listed} (a pager not followed?)"
    return None


def record_coverage(
    db: sqlite_utils.Database, run_id: int, site_id: str, columns: list[ColumnCoverage]
) -> None:
    """One row per walked column: its items in this run's lists, and how many are archived."""
    for c in columns:
        row = db.execute(
            "SELECT id FROM columns WHERE site_id = ? AND url = ?", [site_id, c.url]
        ).fetchone()
        if row is None:
            continue  # its first page never answered: nothing was walked
        listed, archived = db.execute(
            """SELECT count(DISTINCT l.url),
                      count(DISTINCT CASE WHEN d.current_version_id IS NOT NULL THEN l.url END)
               FROM listings l JOIN fetches f ON f.id = l.last_fetch_id
               LEFT JOIN documents d ON d.url = l.url
               WHERE l.column_id = ? AND f.run_id = ?""",
            [row[0], run_id],
        ).fetchone()
        db.execute(
            """INSERT OR REPLACE INTO column_coverage
               (run_id, column_id, pages, rendered, announced, listed, archived, flag)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                run_id,
                row[0],
                c.pages,
                c.rendered,
                c.announced,
                listed,
                archived,
                coverage_flag(c, listed),
            ],
        )


def record_detection(
    db: sqlite_utils.Database, run_id: int | None, site_id: str, found: SectionDetection, at: str
) -> int:
    return db.execute(
        """INSERT INTO section_detections (site_id, run_id, detected_at, home_url, entry_url,
               reason, cms, section_prefixes, crawled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            site_id,
            run_id,
            at,
            found.home_url,
            found.entry_url,
            found.reason,
            found.cms,
            json.dumps(list(found.section_prefixes)),
            int(found.crawled),
        ],
    ).lastrowid


def coverage_rows(conn: sqlite3.Connection, run_ids: list[int]) -> list[sqlite3.Row]:
    """Per column of these runs: name, url, pages, rendered, announced, listed, archived, flag;
    flagged columns first."""
    marks = ",".join("?" * len(run_ids))
    return conn.execute(
        f"""SELECT cc.run_id, c.name, c.url, cc.pages, cc.rendered, cc.announced, cc.listed,
                   cc.archived, cc.flag
            FROM column_coverage cc JOIN columns c ON c.id = cc.column_id
            WHERE cc.run_id IN ({marks})
            ORDER BY cc.flag IS NULL, cc.run_id, c.id""",
        list(run_ids),
    ).fetchall()


def detections(conn: sqlite3.Connection, site_id: str | None = None) -> list[sqlite3.Row]:
    """Each site's latest section detection (or every detection of one site, newest first)."""
    if site_id is not None:
        return conn.execute(
            "SELECT * FROM section_detections WHERE site_id = ? ORDER BY id DESC", [site_id]
        ).fetchall()
    return conn.execute(
        """SELECT * FROM section_detections WHERE id IN
           (SELECT max(id) FROM section_detections GROUP BY site_id) ORDER BY site_id"""
    ).fetchall()
