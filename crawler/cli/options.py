"""What the `zwgk` commands share: options, the run table, the end-of-run report."""

from __future__ import annotations

import datetime as dt
import sys

import click

from archive.read import Archive, Run, open_archive
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


class IsoTime(click.ParamType):
    """An ISO date (2026-11-01) or date and time (2026-11-01T08:00:00+08:00). A date stays a
    date; a time becomes UTC in the archive's form (2026-11-01T00:00:00.000Z), so that it
    compares right with the archive's timestamps."""

    name = "DATE"

    def convert(self, value, param, ctx) -> str:
        text = str(value).strip()
        try:
            if len(text) <= 10:
                return dt.date.fromisoformat(text).isoformat()
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"{value!r} is not an ISO date such as 2026-11-01", param, ctx)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        utc = moment.astimezone(dt.UTC)
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


ISO_TIME = IsoTime()


def overrides_dict(pairs: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ZwgkError(f"--set {pair!r}: expected NAME=VALUE")
        found[name.strip()] = value
    return found


def log_level(verbose: bool) -> str:
    """Debug with -v; on a terminal only warnings (the progress line shows the rest)."""
    if verbose:
        return "DEBUG"
    return "WARNING" if sys.stderr.isatty() else "INFO"


def print_run_table(runs: list[Run]) -> None:
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


def print_runs(db_path: str, run_ids: list[int], list_documents: bool = False) -> bool:
    """Summarise the runs just made; True when every run finished."""
    if not run_ids:
        raise ZwgkError("no crawl ran (see the log above)")
    with open_archive(db_path) as arc:
        runs = [r for r in arc.runs(limit=1_000_000) if r.id in run_ids]
        if list_documents:
            for r in arc.run_versions(run_ids):
                tag = "new" if r["version_no"] == 1 else f"v{r['version_no']}"
                click.echo(
                    f"  {tag:<4} {r['publish_date'] or '-':<10} {r['chars']:>6} chars  {r['title'] or '(no title)'}  {r['url']}"
                )
        print_run_table(runs)
        print_coverage(arc, run_ids)
        print_problems(arc, run_ids)
    click.echo(f"archive: {db_path}")
    return all(r.outcome in ("finished", "stopped_at_limit") for r in runs)


def print_problems(arc: Archive, run_ids: list[int], limit: int = 20) -> None:
    """The end-of-run report of blocked and failed fetches, with their reasons."""
    rows = arc.run_problems(run_ids)
    if not rows:
        return
    blocked = sum(r["kind"] == "blocked" for r in rows)
    click.echo(f"{blocked} blocked by anti-bot challenges, {len(rows) - blocked} failed:")
    for r in rows[:limit]:
        click.echo(f"  {r['kind']:<8} {r['url']}  {r['error']}")
    if len(rows) > limit:
        click.echo(f"  … and {len(rows) - limit} more (zwgk stats, or the fetches table)")


def print_coverage(arc: Archive, run_ids: list[int], limit: int = 40) -> None:
    """Per column: the items its lists announced, carried and the archive holds; flagged
    columns (a list that yields nothing, a script shell not rendered, a pager not followed)
    first."""
    rows = arc.column_coverage(run_ids)
    if not rows:
        return
    flagged = sum(r["flag"] is not None for r in rows)
    click.echo(f"columns: {len(rows)} walked, {flagged} flagged (announced / listed / archived)")
    for r in rows[:limit]:
        announced = "-" if r["announced"] is None else str(r["announced"])
        name = (r["name"] or "")[:18]
        counts = f"{announced:>5} /{r['listed']:>5} /{r['archived']:>5}"
        flag = f"  ! {r['flag']}" if r["flag"] else ""
        rendered = f"  ({r['rendered']} rendered)" if r["rendered"] else ""
        click.echo(f"  {counts}  {name:<18} {r['url']}{rendered}{flag}")
    if len(rows) > limit:
        click.echo(f"  … and {len(rows) - limit} more columns (the column_coverage table)")
