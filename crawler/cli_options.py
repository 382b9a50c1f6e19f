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
