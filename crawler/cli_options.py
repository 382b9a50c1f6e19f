"""Options shared by the `zwgk` commands."""

from __future__ import annotations

import click

from crawler.exceptions import ZwgkError

DEFAULT_DB = "archive.db"
DEFAULT_SEEDS = "seeds"

db_option = click.option(
    "--db",
    "db_path",
    default=DEFAULT_DB,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Archive database file.",
)
seeds_option = click.option(
    "--seeds",
    "seeds_dir",
    default=DEFAULT_SEEDS,
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder of seed files (one <site_id>.toml per portal).",
)
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's debug log.")
set_option = click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy or ZWGK_* setting (repeatable), e.g. --set DOWNLOAD_TIMEOUT=30.",
)


def overrides_dict(pairs: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ZwgkError(f"--set {pair!r}: expected NAME=VALUE")
        found[name.strip()] = value
    return found


def print_run_table(runs) -> None:
    """Runs as a table: what each fetched, found, changed, lost and failed."""
    click.echo(
        f"{'run':>4}  {'site':<16} {'trigger':<9} {'started':<24} {'walk':<5} {'outcome':<16} "
        "pages  new  chg  same  del  304  failed  blocked"
    )
    for r in runs:
        walk = "full" if r.full_walk else "incr"
        click.echo(
            f"{r.id:>4}  {r.site_id:<16} {r.trigger:<9} {r.started_at:<24} {walk:<5} {r.outcome:<16} "
            f"{r.pages_fetched:>5} {r.documents_new:>4} {r.documents_changed:>4} {r.documents_unchanged:>5} "
            f"{r.documents_deleted:>4} {r.not_modified:>4} {r.fetches_failed:>7} {r.fetches_blocked:>8}"
        )
