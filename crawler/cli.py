"""The `zwgk` command line. Every command has help text with an example; errors are one line."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import click

from archive.exceptions import ArchiveError
from archive.read import Archive, open_archive
from crawler import __version__
from crawler.cli_history import (
    changes,
    diff,
    duplicates,
    export,
    reextract,
    runs,
    schedule,
    search,
    serve,
)
from crawler.cli_options import (
    db_option,
    overrides_dict,
    print_run_table,
    seeds_option,
    set_option,
    verbose_option,
)
from crawler.exceptions import ExtractionError, SeedError, ZwgkError


@click.group()
@click.version_option(__version__, prog_name="zwgk")
def cli() -> None:
    """zwgk: archive the 政务公开 sections of Chinese county government portals.

    \b
    Example:
        zwgk demo                    # crawl the bundled sample portal into ./archive.db
        zwgk crawl --site fangcheng  # crawl one seeded portal
    """


@cli.command()
@db_option
@click.option(
    "--revision", default=1, show_default=True, help="Revision of the sample portal to serve."
)
@verbose_option
def demo(db_path: str, revision: int, verbose: bool) -> None:
    """Serve the bundled sample county portal on 127.0.0.1, crawl it, print what was archived.

    \b
    Example:
        zwgk demo --db /tmp/demo.db
    """
    from crawler.runner import run_crawls
    from crawler.sample_portal import start_server
    from crawler.seeds import load_seed

    site = load_seed(_bundled_sample_seed())
    try:  # the seed's own port, so that repeated demos re-crawl the same URLs
        server, base_url = start_server(
            revision=revision, port=int(site.start_urls[0].split(":")[2].split("/")[0])
        )
    except OSError:
        server, base_url = start_server(revision=revision)
    try:
        click.echo(f"serving the sample portal at {base_url} (revision {revision})")
        level = "DEBUG" if verbose else "WARNING"  # the demo prints its own summary
        run_ids = run_crawls(
            [site.rebased(base_url)], db_path, trigger="demo", log_level=level, walk="full"
        )
    finally:
        server.shutdown()
    _print_runs(db_path, run_ids, list_documents=True)


def _bundled_sample_seed() -> Path:
    path = Path(__file__).resolve().parent.parent / "seeds" / "sample.toml"
    if not path.exists():
        raise SeedError(f"{path}: the sample portal's seed is missing from this checkout")
    return path


@cli.command()
@click.option("--site", "site_ids", multiple=True, help="Site id (repeatable).")
@click.option("--all", "all_sites", is_flag=True, help="Crawl every seeded site.")
@click.option(
    "--trigger",
    default="manual",
    show_default=True,
    help="Recorded on the run: manual, schedule, …",
)
@click.option(
    "--full/--incremental",
    "full",
    default=None,
    help="Revisit every list page and known document (conditional requests), or stop paging at "
    "known items. Default: a full walk when none finished in ZWGK_FULL_WALK_DAYS (7).",
)
@click.option("--resume", is_flag=True, help="Continue the site's last interrupted or killed run.")
@seeds_option
@db_option
@set_option
@verbose_option
def crawl(
    site_ids: tuple[str, ...],
    all_sites: bool,
    trigger: str,
    full: bool | None,
    resume: bool,
    seeds_dir: str,
    db_path: str,
    overrides: tuple[str, ...],
    verbose: bool,
) -> None:
    """Crawl seeded portals' 政务公开 sections into the archive.

    \b
    Example:
        zwgk crawl --site sample --db archive.db
        zwgk crawl --all
    """
    from crawler.runner import run_crawls
    from crawler.seeds import find_site, load_seeds

    if all_sites == bool(site_ids):
        raise click.UsageError("give --site ID (one or more) or --all")
    folder = Path(seeds_dir)
    sites = load_seeds(folder) if all_sites else [find_site(folder, s) for s in site_ids]
    walk = "auto" if full is None else "full" if full else "incremental"
    run_ids = run_crawls(
        sites,
        db_path,
        trigger=trigger,
        log_level=_log_level(verbose),
        overrides=overrides_dict(overrides),
        walk=walk,
        resume=resume,
    )
    if not _print_runs(db_path, run_ids):
        sys.exit(1)


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option(
    "--depth",
    default=0,
    show_default=True,
    help="Also archive pages linked from it on its host, N hops deep.",
)
@seeds_option
@db_option
@set_option
@verbose_option
def fetch(
    urls: tuple[str, ...],
    depth: int,
    seeds_dir: str,
    db_path: str,
    overrides: tuple[str, ...],
    verbose: bool,
) -> None:
    """Fetch pages now and archive each as a document (robots.txt still applies).

    \b
    Example:
        zwgk fetch http://127.0.0.1:8765/zwgk/fzzf/202402/t20240227_1001.html
    """
    from crawler.runner import run_crawls
    from crawler.seeds import SiteConfig, adhoc_site, load_seeds, site_for_url

    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise ZwgkError(f"{url!r} is not an http(s) URL")
    seeded = load_seeds(Path(seeds_dir)) if Path(seeds_dir).is_dir() else []
    groups: dict[str, tuple[SiteConfig, list[str]]] = {}
    for url in urls:
        site = site_for_url(url, seeded) or adhoc_site(url)
        groups.setdefault(site.id, (site, []))[1].append(url)
    fetch_sites = [
        dataclasses.replace(site, start_urls=tuple(site_urls))
        for site, site_urls in groups.values()
    ]
    run_ids = run_crawls(
        fetch_sites,
        db_path,
        trigger="fetch",
        mode="fetch",
        depth=depth,
        log_level=_log_level(verbose),
        overrides=overrides_dict(overrides),
    )
    finished = _print_runs(db_path, run_ids, list_documents=True)
    missing = _not_archived(db_path, run_ids, urls)
    for url in missing:
        click.echo(f"not archived: {url}", err=True)
    if missing or not finished:
        sys.exit(1)


def _not_archived(db_path: str, run_ids: list[int], urls: tuple[str, ...]) -> list[str]:
    """The requested URLs for which the runs archived no document text."""
    from crawler.discovery import canonical_url

    marks = ",".join("?" * len(run_ids))
    with open_archive(db_path) as arc:
        done = {
            r[0]
            for r in arc.conn.execute(
                f"SELECT requested_url FROM fetches WHERE run_id IN ({marks}) AND text_hash IS NOT NULL",
                run_ids,
            )
        } | {
            r[0]
            for r in arc.conn.execute(
                f"SELECT url FROM fetches WHERE run_id IN ({marks}) AND text_hash IS NOT NULL",
                run_ids,
            )
        }
    return [u for u in urls if u not in done and canonical_url(u) not in done]


@cli.command()
@click.argument("source")
@click.option("--url", help="The page's original URL (for resolving links), when SOURCE is a file.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@db_option
def extract(source: str, url: str | None, as_json: bool, db_path: str) -> None:
    """Extract text and metadata from a saved page (a file, or the latest capture of a URL in the archive).

    Nothing is fetched.

    \b
    Example:
        zwgk extract page.html --url http://www.example.gov.cn/zwgk/t20240227_1.html --json
    """
    from crawler.extraction import Extractor, decode_html

    if source.startswith(("http://", "https://")):
        body, content_type = _latest_capture(db_path, source)
        url = url or source
    else:
        path = Path(source)
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise ZwgkError(f"{source}: cannot read ({exc.strerror})") from exc
        content_type = None
        url = url or path.resolve().as_uri()
    html, _encoding = decode_html(body, content_type)
    result = Extractor().extract(html, url).to_dict()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    for key, value in result.items():
        if key != "text":
            click.echo(f"{key}: {value}")
    click.echo("")
    click.echo(result["text"])


def _latest_capture(db_path: str, url: str) -> tuple[bytes, str | None]:
    from crawler.discovery import canonical_url

    with open_archive(db_path) as arc:
        row = arc.conn.execute(
            "SELECT id, content_type FROM fetches WHERE url = ? AND body_sha256 IS NOT NULL ORDER BY id DESC LIMIT 1",
            [canonical_url(url)],
        ).fetchone()
        if row is None:
            raise ZwgkError(f"{url}: no capture in {db_path}")
        return arc.raw_body(row["id"]) or b"", row["content_type"]


@cli.group(invoke_without_command=True)
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
    from crawler.seeds import load_seed, seed_paths

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
    from crawler.seed_import import import_rows

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


@cli.command()
@click.argument("url")
@db_option
def history(url: str, db_path: str) -> None:
    """List the archived versions of a document.

    \b
    Example:
        zwgk history http://127.0.0.1:8765/zwgk/fzzf/202402/t20240227_1001.html
    """
    from crawler.discovery import canonical_url

    with open_archive(db_path) as arc:
        doc = arc.document(canonical_url(url))
        if doc is None:
            raise ZwgkError(f"{url}: not in {db_path}")
        click.echo(
            f"{doc.url}  [{doc.status}]  first seen {doc.first_seen}, last seen {doc.last_seen}"
        )
        for v in arc.history(doc.url):
            click.echo(
                f"  v{v.version_no}  {v.created_at}  {v.chars:>7} chars  {v.publish_date or '-':<10}  {v.title or ''}"
            )


@cli.command()
@click.option("--site", "site_id", help="Only this site's runs.")
@db_option
def stats(site_id: str | None, db_path: str) -> None:
    """Print archive totals and the latest crawl runs.

    \b
    Example:
        zwgk stats --site sample
    """
    with open_archive(db_path) as arc:
        for key, value in arc.stats().items():
            click.echo(f"{key:<20} {value}")
        click.echo("")
        print_run_table(arc.runs(site_id=site_id, limit=20))


def _print_runs(db_path: str, run_ids: list[int], list_documents: bool = False) -> bool:
    """Summarise the runs just made; True when every run finished."""
    if not run_ids:
        raise ZwgkError("no crawl ran (see the log above)")
    with open_archive(db_path) as arc:
        runs = [r for r in arc.runs(limit=1_000_000) if r.id in run_ids]
        if list_documents:
            for run in runs:
                rows = arc.conn.execute(
                    """SELECT v.version_no, v.publish_date, v.title, t.chars, d.url FROM versions v
                       JOIN documents d ON d.id = v.document_id JOIN texts t ON t.hash = v.text_hash
                       WHERE v.run_id = ? ORDER BY v.publish_date DESC, d.url""",
                    [run.id],
                ).fetchall()
                for r in rows:
                    tag = "new" if r["version_no"] == 1 else f"v{r['version_no']}"
                    click.echo(
                        f"  {tag:<4} {r['publish_date'] or '-':<10} {r['chars']:>6} chars  {r['title'] or '(no title)'}  {r['url']}"
                    )
        print_run_table(runs)
        _print_problems(arc, run_ids)
    click.echo(f"archive: {db_path}")
    return all(r.outcome in ("finished", "stopped_at_limit") for r in runs)


def _print_problems(arc: Archive, run_ids: list[int], limit: int = 20) -> None:
    """The end-of-run report of blocked and failed fetches, with their reasons."""
    marks = ",".join("?" * len(run_ids))
    rows = arc.conn.execute(
        f"""SELECT kind, url, error FROM fetches WHERE run_id IN ({marks}) AND error IS NOT NULL
            ORDER BY kind = 'blocked' DESC, id""",
        run_ids,
    ).fetchall()
    if not rows:
        return
    blocked = sum(r["kind"] == "blocked" for r in rows)
    click.echo(f"{blocked} blocked by anti-bot challenges, {len(rows) - blocked} failed:")
    for r in rows[:limit]:
        click.echo(f"  {r['kind']:<8} {r['url']}  {r['error']}")
    if len(rows) > limit:
        click.echo(f"  … and {len(rows) - limit} more (zwgk stats, or the fetches table)")


def _log_level(verbose: bool) -> str:
    """Debug with -v; on a terminal only warnings (the progress line shows the rest)."""
    if verbose:
        return "DEBUG"
    return "WARNING" if sys.stderr.isatty() else "INFO"


for _command in (diff, changes, reextract, export, runs, schedule, search, serve, duplicates):
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


if __name__ == "__main__":
    main()
