"""`zwgk history`, `diff`, `changes`, `search`, `stats`, `runs`, `duplicates`, `extract`,
`reextract` and `export`: reading (and re-reading) the archive through `archive.read`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from archive.read import open_archive
from crawler.cli.options import ISO_TIME, db_option, print_run_table
from crawler.exceptions import ZwgkError


@click.command()
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
    from crawler.extract.decoding import decode_html
    from crawler.extract.extractor import Extractor

    if source.startswith(("http://", "https://")):
        from crawler.discovery import canonical_url

        with open_archive(db_path) as arc:
            capture = arc.latest_capture(canonical_url(source))
        if capture is None:
            raise ZwgkError(f"{source}: no capture in {db_path}")
        body, content_type = capture
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


@click.command()
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
            if v.credits:
                click.echo("      " + "  ".join(f"{k}：{value}" for k, value in v.credits.items()))


@click.command()
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
        found = arc.section_detections(site_id)
        if found:
            click.echo("\nsections detected on home pages (detect seeds):")
        for r in found[: 1 if site_id else 50]:
            entry = r["entry_url"] or "none found"
            walked = "" if r["crawled"] else " (not crawled)"
            click.echo(f"  {r['site_id']:<20} {r['detected_at']}  {entry}{walked}  {r['reason']}")


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
    from crawler.history.diff import diff_versions

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
@click.option(
    "--since", required=True, type=ISO_TIME, help="ISO date or time (UTC), e.g. 2026-11-01."
)
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
    from crawler.history.reextract import reextract as run

    if not Path(db_path).is_file():
        raise ZwgkError(f"{db_path}: no archive here")
    counts = run(db_path, site_id)
    click.echo(
        ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no documents to re-extract"
    )


@click.command()
@click.option("--format", "fmt", type=click.Choice(["warc", "wacz", "jsonl", "csv"]), required=True)
@click.option(
    "-o",
    "--output",
    help="Output file (default: standard output for jsonl; required for warc, wacz).",
)
@click.option("--site", "site_id", help="Only this site.")
@click.option(
    "--since",
    type=ISO_TIME,
    help="Only captures (warc) or documents seen (jsonl) since this ISO date.",
)
@db_option
def export(
    fmt: str, output: str | None, site_id: str | None, since: str | None, db_path: str
) -> None:
    """Export raw captures as WARC/1.1 or WACZ (for pywb, ReplayWeb.page), or documents with their
    latest version as JSON Lines or CSV.

    \b
    Example:
        zwgk export --format warc -o archive.warc.gz
        zwgk export --format wacz -o archive.wacz     # needs pip install 'zwgk[warc]'
        zwgk export --format jsonl --site sample > documents.jsonl
        zwgk export --format csv --since 2026-11-01 -o documents.csv
    """
    from crawler.history.export import export_csv, export_jsonl
    from crawler.history.warc import export_wacz, export_warc

    with open_archive(db_path) as arc:
        if fmt in ("warc", "wacz"):
            if not output:
                raise ZwgkError(
                    f"--format {fmt} needs -o FILE (e.g. archive.{fmt}{'.gz' if fmt == 'warc' else ''})"
                )
            write = export_warc if fmt == "warc" else export_wacz
            count = write(arc, Path(output), site_id, since)
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
@click.option("--site", "site_id", help="Only this site's runs.")
@click.option("--limit", default=30, show_default=True)
@db_option
def runs(site_id: str | None, limit: int, db_path: str) -> None:
    """Crawl runs as a table, newest first; flags sites whose last runs all failed.

    \b
    Example:
        zwgk runs --site sample
    """
    from crawler.cli.options import print_run_table

    with open_archive(db_path) as arc:
        print_run_table(arc.runs(site_id=site_id, limit=limit))
        for site, failures in arc.failing_sites().items():
            click.echo(f"warning: {site} failed its last {failures} runs", err=True)


@click.command()
@click.argument("query")
@click.option("--site", "site_id", help="Only this site.")
@click.option(
    "--since", type=ISO_TIME, help="Only documents published (or first seen) since this ISO date."
)
@click.option("--limit", default=20, show_default=True)
@db_option
def search(query: str, site_id: str | None, since: str | None, limit: int, db_path: str) -> None:
    """Full-text search of the current documents (titles, texts, attachments), newest first.

    Works for Chinese, at any length (低保, 乡村振兴), from a character-bigram index; a query in
    traditional characters is searched in simplified form.

    \b
    Example:
        zwgk search 乡村振兴 --site sample
        zwgk search 低保
    """
    from crawler.text.normalise import Normaliser

    normalised = Normaliser().normalise_query(query)
    with open_archive(db_path) as arc:
        hits = arc.search_documents(normalised, site_id, since, limit)
    for hit in hits:
        click.echo(f"{hit.publish_date or '-':<10}  {hit.title or '(no title)'}  {hit.url}")
        click.echo(f"            {hit.snippet}")
    shown = f"{query} → {normalised}" if normalised != query else query
    click.echo(f"{len(hits)} result(s) for {shown}")


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


COMMANDS = (history, diff, changes, search, stats, runs, duplicates, extract, reextract, export)
