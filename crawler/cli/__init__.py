"""The `zwgk` command line: every command has help text with an example; errors are one line.

    crawl.py   demo, crawl, fetch, schedule      — running crawls (crawler/crawl/, scheduler.py)
    read.py    history, diff, changes, search, stats, runs, duplicates, extract, reextract, export
    sites.py   sites, sites import                — the seed files (crawler/sites/)
    report.py  report                             — transparency indicators as HTML (crawler/report/)
    serve.py   serve                              — the archive in Datasette
    check.py   check                              — the archive's full integrity check
    fleet.py   enqueue, worker, ingest, fleet     — distributed mode (crawler/fleet/)

Commands turn typed errors (ZwgkError, SeedError, ArchiveError, …) into one line on stderr and a
non-zero exit, never a traceback. Reads go through the public read API (`archive.read`).
"""

from __future__ import annotations

import sys

import click

from archive.exceptions import ArchiveError
from crawler import __version__
from crawler.cli import check, crawl, fleet, read, report, serve, sites
from crawler.exceptions import ExtractionError, ZwgkError


@click.group()
@click.version_option(__version__, prog_name="zwgk")
def cli() -> None:
    """zwgk: archive the 政务公开 sections of Chinese county government portals.

    \b
    Example:
        zwgk demo                    # crawl the bundled sample portal into ./archive.db
        zwgk crawl --site fangcheng  # crawl one seeded portal
    """


for _module in (crawl, read, report, sites, serve, check, fleet):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    """Entry point: known errors become one line on stderr and exit status 1."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        command = exc.ctx.command_path if getattr(exc, "ctx", None) else "zwgk"
        click.echo(f"error: {exc.format_message()} (see: {command} --help)", err=True)
        sys.exit(exc.exit_code)
    except (ZwgkError, ArchiveError, ExtractionError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: a sentence, not a traceback
        click.echo(f"error: unexpected {type(exc).__name__}: {exc} (please report this)", err=True)
        sys.exit(2)
