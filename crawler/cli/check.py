"""`zwgk check`: is the archive sound? (archive/check.py: SQLite's full integrity check, the
foreign keys, and the archive's own invariants.)"""

from __future__ import annotations

import sys

import click

from crawler.cli.options import db_option


@click.command()
@db_option
def check(db_path: str) -> None:
    """Run the full integrity check of the archive (read-only) and report what is wrong.

    SQLite's integrity_check reads every page; then the foreign keys, the version numbering,
    the current versions and the search index are checked. Exit status 1 when anything is wrong.

    \b
    Example:
        zwgk check --db archive.db
    """
    from archive.check import check_archive
    from archive.readonly import open_readonly

    conn = open_readonly(db_path)
    report_path = conn.archive_path
    try:
        report = check_archive(conn, report_path)
    finally:
        conn.close()
    facts = ", ".join(
        f"{name} {value}" if name.startswith("schema") else f"{value:,} {name}"
        for name, value in report.facts.items()
    )
    if report.ok:
        click.echo(f"{report_path}: ok ({facts}; checked in {report.seconds:.1f} s)")
        return
    click.echo(f"{report_path}: {len(report.problems)} problem(s) found ({facts})")
    for problem in report.problems:
        click.echo(f"  {problem}")
    click.echo(
        "restore the archive from a backup, or move it aside and start a new one "
        "(zwgk will not write to a damaged archive)",
        err=True,
    )
    sys.exit(1)


COMMANDS = (check,)
