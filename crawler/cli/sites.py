"""`zwgk sites` and `sites import`: the seed files, one per portal (crawler/sites/)."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.options import seeds_option
from crawler.exceptions import SeedError, ZwgkError


@click.group(invoke_without_command=True)
@seeds_option
@click.pass_context
def sites(ctx: click.Context, seeds_dir: str) -> None:
    """List and validate the seed files (exits non-zero if any is invalid); `sites import`
    makes seeds from a county portal list.

    \b
    Example:
        zwgk sites --seeds seeds/
        zwgk sites import ../shared/data/county_portals.csv --seeds seeds/
    """
    from crawler.sites.seeds import load_seed, seed_paths

    if ctx.invoked_subcommand is not None:
        return
    bad = 0
    for path in seed_paths(Path(seeds_dir)):
        try:
            site = load_seed(path)
        except SeedError as exc:
            bad += 1
            click.echo(f"INVALID {exc}", err=True)
            continue
        click.echo(f"{site.id:<24} {site.adcode}  {site.name}  {' '.join(site.start_urls)}")
    if bad:
        raise ZwgkError(f"{bad} invalid seed file(s) in {seeds_dir}")


@sites.command("import")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False))
@seeds_option
@click.option("--overwrite", is_flag=True, help="Replace seed files that already exist.")
def sites_import(csv_path: str, seeds_dir: str, overwrite: bool) -> None:
    """Write a seed for every county with a 政务公开 URL in a county_portals.csv-style file.

    Rows that do not validate are reported, one line each, and skipped.

    \b
    Example:
        zwgk sites import ../shared/data/county_portals.csv --seeds seeds/
    """
    from crawler.sites.importer import import_rows

    folder = Path(seeds_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = kept = bad = 0
    for result in import_rows(Path(csv_path)):
        if isinstance(result, SeedError):
            bad += 1
            click.echo(f"skipped: {result}", err=True)
            continue
        site_id, text = result
        path = folder / f"{site_id}.toml"
        if path.exists() and not overwrite:
            kept += 1
            continue
        path.write_text(text, encoding="utf-8")
        written += 1
    click.echo(
        f"{written} seed(s) written, {kept} existing kept, {bad} row(s) skipped, in {folder}"
    )


COMMANDS = (sites,)
