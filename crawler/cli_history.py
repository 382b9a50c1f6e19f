"""`zwgk diff`, `changes`, `reextract` and `export`: reading and re-reading history."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from archive.read import open_archive
from crawler.cli_options import db_option
from crawler.exceptions import ZwgkError


@click.command()
@click.argument("url")
@click.option(
    "--from", "from_no", type=int, help="Older version number (default: the one before --to)."
)
@click.option("--to", "to_no", type=int, help="Newer version number (default: the latest).")
@db_option
def diff(url: str, from_no: int | None, to_no: int | None, db_path: str) -> None:
    """Show what changed between two versions of a document: metadata fields, then a line diff.

    \b
    Example:
        zwgk diff http://127.0.0.1:8765/zwgk/fzzf/202402/t20240227_1001.html --from 1 --to 2
    """
    from crawler.discovery import canonical_url
    from crawler.history import diff_versions

    with open_archive(db_path) as arc:
        versions = {v.version_no: v for v in arc.history(canonical_url(url))}
    if not versions:
        raise ZwgkError(f"{url}: not in {db_path}")
    to_no = to_no or max(versions)
    from_no = from_no or to_no - 1
    missing = [n for n in (from_no, to_no) if n not in versions]
    if missing:
        raise ZwgkError(f"{url}: no version {missing[0]} (versions 1–{max(versions)})")
    click.echo(diff_versions(versions[from_no], versions[to_no]))


@click.command()
@click.option("--since", required=True, help="ISO date or time (UTC), e.g. 2026-11-01.")
@click.option("--site", "site_id", help="Only this site.")
@db_option
def changes(since: str, site_id: str | None, db_path: str) -> None:
    """List documents that were new, changed, deleted, unlisted or restored since a date.

    \b
    Example:
        zwgk changes --since 2026-11-01 --site sample
    """
    with open_archive(db_path) as arc:
        events = arc.events(since, site_id)
    for e in events:
        why = f"  ({e.reason})" if e.reason else ""
        click.echo(f"{e.at}  {e.event:<9} {e.url}  {e.title or ''}{why}")
    counts: dict[str, int] = {}
    for e in events:
        counts[e.event] = counts.get(e.event, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "nothing"
    click.echo(f"since {since}: {summary}")


@click.command()
@click.option("--site", "site_id", help="Only this site.")
@db_option
def reextract(site_id: str | None, db_path: str) -> None:
    """Re-run extraction over stored captures; new versions only where the result differs.

    Nothing is fetched. New versions are marked `reextract` with the extractor version.

    \b
    Example:
        zwgk reextract --site sample
    """
    from crawler.reextract import reextract as run

    if not Path(db_path).is_file():
        raise ZwgkError(f"{db_path}: no archive here")
    counts = run(db_path, site_id)
    click.echo(
        ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no documents to re-extract"
    )


@click.command()
@click.option("--format", "fmt", type=click.Choice(["warc", "jsonl", "csv"]), required=True)
@click.option(
    "-o", "--output", help="Output file (default: standard output for jsonl; required for warc)."
)
@click.option("--site", "site_id", help="Only this site.")
@click.option("--since", help="Only captures (warc) or documents seen (jsonl) since this ISO date.")
@db_option
def export(
    fmt: str, output: str | None, site_id: str | None, since: str | None, db_path: str
) -> None:
    """Export raw captures as WARC/1.1, or documents with their latest version as JSON Lines or CSV.

    \b
    Example:
        zwgk export --format warc -o archive.warc.gz
        zwgk export --format jsonl --site sample > documents.jsonl
        zwgk export --format csv --since 2026-11-01 -o documents.csv
    """
    from crawler.export import export_csv, export_jsonl, export_warc

    with open_archive(db_path) as arc:
        if fmt == "warc":
            if not output:
                raise ZwgkError("--format warc needs -o FILE (e.g. archive.warc.gz)")
            count = export_warc(arc, Path(output), site_id, since)
            click.echo(f"{count} response records written to {output}", err=True)
        else:
            write = export_jsonl if fmt == "jsonl" else export_csv
            if output:
                with open(output, "w", encoding="utf-8", newline="") as fh:
                    count = write(arc, fh, site_id, since)
                click.echo(f"{count} documents written to {output}", err=True)
            else:
                write(arc, sys.stdout, site_id, since)


@click.command()
@click.option("--list", "list_only", is_flag=True, help="Print each site's next run time and exit.")
@click.option("--max-crawls", default=4, show_default=True, help="Crawls running at the same time.")
@click.option(
    "--seeds", "seeds_dir", default="seeds", show_default=True, type=click.Path(file_okay=False)
)
@db_option
def schedule(list_only: bool, max_crawls: int, seeds_dir: str, db_path: str) -> None:
    """Run the nightly crawls of every seed (APScheduler; one subprocess crawl per site).

    \b
    Example:
        zwgk schedule --list
        zwgk schedule --seeds seeds --db archive.db --max-crawls 4
    """
    import logging

    import scheduler

    if list_only:
        for site_id, when in scheduler.next_runs(seeds_dir):
            click.echo(f"{site_id:<24} {when.isoformat() if when else 'never'}")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scheduler.serve(seeds_dir, db_path, max_crawls)


@click.command()
@click.option("--site", "site_id", help="Only this site's runs.")
@click.option("--limit", default=30, show_default=True)
@db_option
def runs(site_id: str | None, limit: int, db_path: str) -> None:
    """Crawl runs as a table, newest first; flags sites whose last runs all failed.

    \b
    Example:
        zwgk runs --site sample
    """
    from crawler.cli_options import print_run_table

    with open_archive(db_path) as arc:
        print_run_table(arc.runs(site_id=site_id, limit=limit))
        for site, failures in arc.failing_sites().items():
            click.echo(f"warning: {site} failed its last {failures} runs", err=True)


@click.command()
@click.argument("query")
@click.option("--site", "site_id", help="Only this site.")
@click.option("--since", help="Only documents published (or first seen) since this ISO date.")
@click.option("--limit", default=20, show_default=True)
@db_option
def search(query: str, site_id: str | None, since: str | None, limit: int, db_path: str) -> None:
    """Full-text search of the current documents (titles, texts, attachments), best first.

    Works for Chinese: 3+ characters use the trigram index, 1–2 characters a scan; a query in
    traditional characters is searched in simplified form.

    \b
    Example:
        zwgk search 乡村振兴 --site sample
        zwgk search 低保
    """
    from crawler.normalise import Normaliser

    normalised = Normaliser().normalise_query(query)
    with open_archive(db_path) as arc:
        hits = arc.search_documents(normalised, site_id, since, limit)
    for hit in hits:
        click.echo(f"{hit.publish_date or '-':<10}  {hit.title or '(no title)'}  {hit.url}")
        click.echo(f"            {hit.snippet}")
    shown = f"{query} → {normalised}" if normalised != query else query
    click.echo(f"{len(hits)} result(s) for {shown}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, help="0 picks a free port.")
@db_option
def serve(host: str, port: int, db_path: str) -> None:
    """Browse and query the archive in Datasette: descriptions, canned queries, facets.

    \b
    Example:
        zwgk serve --db archive.db --port 8001
    """
    import importlib.util
    import subprocess
    import tempfile

    from crawler.serve import datasette_command, write_metadata

    if importlib.util.find_spec("datasette") is None:
        raise ZwgkError("Datasette is not installed: pip install 'zwgk[serve]'")
    if not Path(db_path).is_file():
        raise ZwgkError(f"{db_path}: no archive here")
    with tempfile.TemporaryDirectory() as tmp:
        meta = write_metadata(db_path, Path(tmp) / "metadata.json")
        command = datasette_command(db_path, str(meta), host, port)
        command[0:1] = [sys.executable, "-m", "datasette"]
        with contextlib.suppress(KeyboardInterrupt):
            subprocess.run(command, check=False)


@click.command()
@click.option("--site", "site_id", help="Only clusters with a member on this site.")
@db_option
def duplicates(site_id: str | None, db_path: str) -> None:
    """List clusters of near-duplicate documents (the same text republished with small edits).

    \b
    Example:
        zwgk duplicates --site sample
    """
    with open_archive(db_path) as arc:
        found = arc.duplicate_clusters(site_id)
    for cluster in found:
        click.echo(f"cluster {cluster['id']}: {cluster['size']} texts")
        for m in cluster["members"]:
            sim = "original" if m["similarity"] is None else f"J≈{m['similarity']:.2f}"
            click.echo(f"  {sim:<9} {m['site_id']:<16} {m['first_seen']}  {m['url']}")
    click.echo(f"{len(found)} cluster(s)")
