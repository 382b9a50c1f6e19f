"""`zwgk report`: the transparency indicators of every site as one self-contained HTML file."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import click

from archive.read import open_archive
from crawler.cli.options import db_option
from crawler.exceptions import ZwgkError


@click.command()
@click.option(
    "--site", "site_ids", multiple=True, metavar="ID", help="Only these sites (repeatable)."
)
@click.option(
    "-o",
    "--output",
    default="report.html",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The HTML file to write.",
)
@click.option("--deletions", default=10, show_default=True, help="Recent deletions shown per site.")
@db_option
def report(site_ids: tuple[str, ...], output: str, deletions: int, db_path: str) -> None:
    """Write the transparency indicators as one HTML file: a sortable fleet table with
    sparklines, then per site volume, survival, timeliness, completeness, the annual report,
    health and recent deletions with their evidence. Opens offline (charts inlined).

    Definitions: docs/indicators.md.

    \b
    Example:
        zwgk report --db archive.db -o report.html
        zwgk report --site sample --site 411322-fangcheng -o two.html
    """
    from crawler.report.bundle import vega_bundle
    from crawler.report.indicators import fleet
    from crawler.report.page import render_report

    started = time.perf_counter()
    with open_archive(db_path) as arc:
        known = {s.id for s in arc.sites()}
        unknown = [s for s in site_ids if s not in known]
        if unknown:
            raise ZwgkError(f"no site {', '.join(unknown)} in {db_path} (zwgk stats lists them)")
        sites = fleet(arc, list(site_ids) or None, deletions_per_site=deletions)
    generated = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    html = render_report(sites, Path(db_path).name, generated, vega_bundle()).encode("utf-8")
    try:
        Path(output).write_bytes(html)
    except OSError as exc:
        raise ZwgkError(f"{output}: cannot write ({exc.strerror})") from exc
    documents = sum(s.documents for s in sites)
    click.echo(
        f"{output}: {len(sites)} sites, {documents} documents, "
        f"{len(html) / 2**20:.1f} MB, {time.perf_counter() - started:.1f} s"
    )


COMMANDS = (report,)
