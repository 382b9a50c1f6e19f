"""`zwgk sites` and `sites import`: the seed files, one per portal (crawler/sites/)."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.options import db_option, seeds_option
from crawler.exceptions import SeedError, ZwgkError


@click.group(invoke_without_command=True)
@seeds_option
@db_option
@click.pass_context
def sites(ctx: click.Context, seeds_dir: str, db_path: str) -> None:
    """List and validate the seed files (exits non-zero if any is invalid), with the 政务公开
    entry crawls detected for `detect` seeds; `sites import` makes seeds from the county portal
    list; `sites detect URL` finds a portal's section from its home page.

    \b
    Example:
        zwgk sites --seeds seeds/ --db archive.db
        zwgk sites import --seeds seeds/
        zwgk sites detect http://www.fangcheng.gov.cn/
    """
    from crawler.sites.seeds import load_seed, seed_paths

    if ctx.invoked_subcommand is not None:
        return
    detections = _detections(db_path)
    bad = 0
    for path in seed_paths(Path(seeds_dir)):
        try:
            site = load_seed(path)
        except SeedError as exc:
            bad += 1
            click.echo(f"INVALID {exc}", err=True)
            continue
        click.echo(f"{site.id:<24} {site.adcode}  {site.name}  {' '.join(site.start_urls)}")
        if site.detect:
            found = detections.get(site.id)
            if found is None:
                click.echo("    section: found by the first crawl (detect = true)")
            else:
                entry = found["entry_url"] or "none found"
                walked = "" if found["crawled"] else " (not crawled)"
                click.echo(
                    f"    section: {entry}{walked}: {found['reason']} [{found['detected_at']}]"
                )
    if bad:
        raise ZwgkError(f"{bad} invalid seed file(s) in {seeds_dir}")


def _detections(db_path: str) -> dict:
    """Each site's latest section detection in the archive, if there is one."""
    from archive.read import open_archive

    if not Path(db_path).is_file():
        return {}
    with open_archive(db_path) as arc:
        return {row["site_id"]: dict(row) for row in arc.section_detections()}


@sites.command("detect")
@click.argument("url")
@click.option("--adcode", help="行政区划代码 (default: from the bundled county list, by host).")
@click.option("--id", "site_id", help="Seed id (default: <adcode>-<host label>).")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
def sites_detect(url: str, adcode: str | None, site_id: str | None, verbose: bool) -> None:
    """Find a portal's 政务公开 entry from its home page and print a seed for it.

    Reads the home page and the entry page (robots.txt obeyed); prints the seed on standard
    output and why this entry on standard error.

    \b
    Example:
        zwgk sites detect http://www.fangcheng.gov.cn/ > seeds/411322-fangcheng.toml
    """
    from scrapy.crawler import CrawlerProcess

    from archive.records import utcnow
    from crawler.crawl.settings import base_settings
    from crawler.sites import detect
    from crawler.sites.importer import row_for_url, site_id_for

    if not url.startswith(("http://", "https://")):
        raise ZwgkError(f"{url!r} is not an http(s) URL")
    found: dict = {}
    process = CrawlerProcess(base_settings("", "detect", "DEBUG" if verbose else "ERROR"))
    process.crawl(process.spider_loader.load("detect"), home_url=url, found=found)
    process.start()
    if "error" in found or "entry" not in found:
        raise ZwgkError(f"cannot read the home page: {found.get('error', url)}")
    entry = found["entry"]
    if entry.url is None:
        raise ZwgkError(f"{url}: {entry.reason}")
    row = row_for_url(url) or {}
    adcode = adcode or row.get("adcode")
    if not adcode:
        raise ZwgkError(f"{url} is not in the county list: give its 行政区划代码 with --adcode")
    name = "".join(row.get(k, "") for k in ("province", "city", "county"))
    name = name + "人民政府" if name else found.get("title") or url
    try:
        text = detect.detected_seed(
            found["home"],
            entry,
            found.get("cms"),
            site_id or site_id_for(adcode, url),
            name,
            adcode,
            utcnow()[:10],
        )
    except SeedError as exc:
        raise ZwgkError(f"the detected seed does not validate: {exc}") from exc
    click.echo(f"entry: {entry.url} ({entry.reason})", err=True)
    if "entry_error" in found:
        click.echo(f"warning: the entry page did not answer: {found['entry_error']}", err=True)
    click.echo(text, nl=False)


@sites.command("import")
@click.argument("csv_path", required=False, type=click.Path(exists=True, dir_okay=False))
@seeds_option
@click.option("--overwrite", is_flag=True, help="Replace seed files that already exist.")
def sites_import(csv_path: str | None, seeds_dir: str, overwrite: bool) -> None:
    """Write a seed for every county in the county portal list (the bundled one, or a file of
    the same columns): at its 政务公开 URL, or at its home page marked `detect = true`.

    Rows that do not validate are reported, one line each, and skipped.

    \b
    Example:
        zwgk sites import --seeds seeds/
        zwgk sites import county_portals.csv --seeds seeds/ --overwrite
    """
    from crawler.sites.importer import bundled_csv, import_rows

    csv_path = csv_path or str(bundled_csv())
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
