"""Merging run shards into the archive: `zwgk ingest`, the archive's one writer in a fleet.

Each shard's journal (crawler/fleet/journal.py) is replayed through archive/writer.py — the
same calls, with the same records, in the same order as the worker's crawl made them — into
archive.db, all inside ONE transaction per shard, which also records the shard id in
`ingested_shards`. So versions, tombstones, events, near-duplicate clusters and the search index
are computed against the whole archive exactly as a local crawl computes them; a shard either is
merged entirely or not at all (an ingester killed mid-merge leaves nothing of it, and merges it
again on restart); and a shard delivered or ingested twice is merged once.

Times are the worker's: fetches carry their own, and the run's start and end, a tombstone for a
document gone from its list and a section detection take the time the journal recorded.
Shards are merged in job order (their ids begin with the enqueue time), so each site's runs
land in the order they were crawled; a shard older than one of its site already merged (a job
run twice after the queue was lost) is refused rather than merged out of order.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from archive import coverage, documents
from archive.read import Archive
from archive.records import FetchRecord, utcnow
from archive.writer import ArchiveWriter
from crawler.fleet import journal
from crawler.fleet.exceptions import FleetError
from crawler.fleet.shard import pending_shards, read_info, spool_dirs


@dataclass(frozen=True)
class Ingested:
    shard_id: str
    site_id: str
    status: str  # ingested | already (merged before: a no-op) | stale (refused, see above)
    run_id: int | None = None
    entries: int = 0


class ReplayWriter(ArchiveWriter):
    """An ArchiveWriter whose calls join one enclosing transaction: the shard's."""

    def __init__(self, path, neardup_threshold: float = 0.8) -> None:
        self._depth = 0
        super().__init__(path, neardup_threshold)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite_utils.Database]:
        if self._depth:
            yield self.db
            return
        self._depth += 1
        try:
            with super()._transaction() as db:
                yield db
        finally:
            self._depth -= 1

    def shard_transaction(self):
        """The one transaction a shard is merged in (BEGIN IMMEDIATE … COMMIT)."""
        return self._transaction()


def ingest_shard(
    archive_path: str | Path, shard_path: Path, on_begin: Callable[[str], None] | None = None
) -> Ingested:
    """Merge one shard into the archive in one transaction (see the module docstring)."""
    info = read_info(shard_path)
    shard_id, site_id = info.get("shard_id"), info.get("site_id")
    if not shard_id or not site_id:
        raise FleetError(f"{shard_path}: a run shard without its shard_id/site_id")
    writer = ReplayWriter(archive_path, float(info.get("neardup_threshold", 0.8)))
    try:
        with writer.shard_transaction() as db:
            if db.execute(
                "SELECT 1 FROM ingested_shards WHERE shard_id = ?", [shard_id]
            ).fetchone():
                return Ingested(shard_id, site_id, "already")
            later = db.execute(
                "SELECT max(shard_id) FROM ingested_shards WHERE site_id = ?", [site_id]
            ).fetchone()[0]
            if later is not None and later > shard_id:
                return Ingested(shard_id, site_id, "stale")
            if on_begin is not None:
                on_begin(shard_id)
            with Archive(shard_path) as shard:
                run_id, count = _replay(writer, db, shard)
            writer.close_stale_runs(site_id)  # a crawl that died before closing its run
            db.execute(
                """INSERT INTO ingested_shards (shard_id, site_id, run_id, worker, enqueued_at,
                       crawled_at, ingested_at, entries) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    shard_id,
                    site_id,
                    run_id,
                    info.get("worker"),
                    info.get("enqueued_at"),
                    info.get("crawl_ended"),
                    utcnow(),
                    count,
                ],
            )
        return Ingested(shard_id, site_id, "ingested", run_id, count)
    except sqlite3.DatabaseError as exc:
        raise FleetError(f"{shard_path}: cannot merge the shard ({exc})") from exc
    finally:
        writer.close()


def _replay(writer: ReplayWriter, db, shard: Archive) -> tuple[int | None, int]:
    """Every journal entry through the writer: (the archive's run id, entries replayed)."""
    runs: dict[int, int] = {}  # the shard's run id -> the archive's
    count = 0
    for entry in journal.entries(shard.conn):
        args, method, at = entry["args"], entry["method"], entry["at"]
        if args.get("run_id") is not None:
            if args["run_id"] not in runs:
                raise FleetError(
                    f"journal entry {entry['seq']} names run {args['run_id']} it never opened"
                )
            args["run_id"] = runs[args["run_id"]]
        if isinstance(args.get("fetch"), FetchRecord):
            body = shard.raw_body(entry["fetch_id"]) if entry["fetch_id"] is not None else None
            args["fetch"] = dataclasses.replace(args["fetch"], body=body)
        if method == "start_run":
            args["resumed_from"] = runs.get(args.get("resumed_from"))
            run_id = writer.start_run(**args)
            runs[entry["result"]] = run_id
            # the worker's start time; no local process owns it (closed as killed if left open)
            db.execute("UPDATE runs SET started_at = ?, pid = NULL WHERE id = ?", [at, run_id])
        elif method == "finish_run":
            writer.finish_run(**args)
            db.execute("UPDATE runs SET ended_at = ? WHERE id = ?", [at, args["run_id"]])
        elif method == "record_unlisted":
            documents.mark_gone(db, args["run_id"], args["url"], None, args["gone"], at)
        elif method == "record_detection":
            coverage.record_detection(db, args["run_id"], args["site_id"], args["found"], at)
        elif method in journal.JOURNALLED:
            getattr(writer, method)(**args)
        else:
            raise FleetError(f"journal entry {entry['seq']}: unknown writer call {method!r}")
        count += 1
    return (next(iter(runs.values())) if runs else None), count


def ingest_spool(
    archive_path: str | Path,
    spool: str | Path,
    keep: bool = False,
    on_begin: Callable[[str], None] | None = None,
    on_done: Callable[[Ingested], None] | None = None,
) -> list[Ingested]:
    """Merge every delivered shard of the spool, in job order; each merged (or already merged)
    shard then leaves shards/ (for ingested/ with `keep`) and its state snapshot is removed."""
    dirs = spool_dirs(spool)
    done = []
    for path in pending_shards(spool):
        result = ingest_shard(archive_path, path, on_begin)
        if keep:
            dirs["ingested"].mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), dirs["ingested"] / path.name)
        else:
            path.unlink()
        (dirs["state"] / path.name).unlink(missing_ok=True)
        done.append(result)
        if on_done is not None:
            on_done(result)
    return done
