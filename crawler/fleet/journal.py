"""A run shard's journal: every ArchiveWriter call a worker's crawl made, with its arguments.

A fleet worker crawls into a shard (crawler/fleet/shard.py), not into the archive. Its
ArchivePipeline writes through JournalWriter (ZWGK_SHARD): the call goes to a real ArchiveWriter
on the shard — so the crawl reads back what it wrote (known documents, linked images) exactly
as it would from the archive — and is then appended to the `shard_journal` table: method name,
arguments as JSON, the worker's clock. `zwgk ingest` replays the journal through the same
archive/writer.py code into archive.db (crawler/fleet/ingest.py), which is why versions,
events, clusters and the search index come out as a local crawl makes them.

Bodies are not copied into the journal: a fetch's entry names the shard's fetch row, whose body
the shard's own body store keeps (read back with `archive.read.Archive.raw_body`).
"""

from __future__ import annotations

import base64
import dataclasses
import inspect
import json
from collections.abc import Iterator
from typing import Any

from archive import records
from archive.records import utcnow
from archive.writer import ArchiveWriter

JOURNAL_TABLE = "shard_journal"
JOURNAL_SQL = f"""CREATE TABLE IF NOT EXISTS {JOURNAL_TABLE} (
    seq INTEGER PRIMARY KEY,  -- the order of the calls
    at TEXT NOT NULL,         -- the worker's clock when the call was made
    method TEXT NOT NULL,     -- an ArchiveWriter method
    args TEXT NOT NULL,       -- JSON: its arguments by name (records tagged with their type)
    result TEXT,              -- JSON: what it returned in the shard (a run id, a fetch id)
    fetch_id INTEGER          -- the shard's fetch row holding the call's body, if any
)"""
# the writer calls a crawl makes, in the order ArchivePipeline makes them
JOURNALLED = (
    "check_neardup_scheme",
    "upsert_site",
    "start_run",
    "record_detection",
    "record_page",
    "record_unlisted",
    "record_attachment",
    "record_coverage",
    "finish_run",
)
RECORD_TYPES = {
    cls.__name__: cls
    for cls in (
        records.SiteRecord,
        records.RedirectHop,
        records.FetchRecord,
        records.DocumentContent,
        records.ColumnRef,
        records.AttachmentContent,
        records.Gone,
        records.ColumnCoverage,
        records.SectionDetection,
    )
}


def encode(value: Any) -> Any:
    """A JSON-able form of a writer argument: records, tuples, dicts and bytes tagged so that
    `decode` gives back equal values (never pickle: a shard comes from another machine)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if name not in RECORD_TYPES:
            raise TypeError(f"cannot journal a {name}")
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"$record": name, "fields": fields}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"$dict": [[k, encode(v)] for k, v in value.items()]}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot journal a {type(value).__name__}")


def decode(value: Any) -> Any:
    """The inverse of `encode`; ValueError for a record type this zwgk does not know."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$tuple" in value:
        return tuple(decode(v) for v in value["$tuple"])
    if "$dict" in value:
        return {k: decode(v) for k, v in value["$dict"]}
    if "$bytes" in value:
        return base64.b64decode(value["$bytes"])
    cls = RECORD_TYPES.get(value.get("$record", ""))
    if cls is None:
        raise ValueError(f"unknown journal record {value.get('$record')!r}")
    known = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: decode(v) for k, v in value["fields"].items() if k in known})


def _journalled(name: str):
    """An ArchiveWriter method that also appends its call to the journal."""
    plain = getattr(ArchiveWriter, name)
    signature = inspect.signature(plain)

    def method(self: JournalWriter, *args, **kwargs):
        at = utcnow()
        result = plain(self, *args, **kwargs)
        bound = signature.bind(self, *args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        del arguments["self"]
        self.append(at, name, arguments, result)
        return result

    method.__name__ = name
    method.__doc__ = plain.__doc__
    return method


class JournalWriter(ArchiveWriter):
    """The archive writer of a run shard: writes the shard and journals every call."""

    def __init__(self, path, neardup_threshold: float = 0.8, check=False, reserve=False) -> None:
        super().__init__(path, neardup_threshold, check=check, reserve=reserve)
        with self._transaction() as db:
            db.execute(JOURNAL_SQL)

    def append(self, at: str, method: str, arguments: dict[str, Any], result: Any) -> None:
        fetch_id = None
        fetch = arguments.get("fetch")
        if isinstance(fetch, records.FetchRecord):
            # the body stays in the shard's body store; the entry names the fetch row holding it
            arguments["fetch"] = dataclasses.replace(fetch, body=None)
            fetch_id = result.fetch_id if isinstance(result, records.PageOutcome) else result
        if isinstance(result, records.PageOutcome):
            result = dataclasses.asdict(result)
        args = json.dumps(encode(arguments), ensure_ascii=False)
        with self._transaction() as db:
            db.execute(
                f"INSERT INTO {JOURNAL_TABLE} (at, method, args, result, fetch_id) VALUES (?, ?, ?, ?, ?)",
                [at, method, args, json.dumps(result, ensure_ascii=False), fetch_id],
            )


for _name in JOURNALLED:
    setattr(JournalWriter, _name, _journalled(_name))


def entries(conn) -> Iterator[dict[str, Any]]:
    """The journal of a shard (an open sqlite3 connection), in call order, arguments decoded."""
    rows = conn.execute(
        f"SELECT seq, at, method, args, result, fetch_id FROM {JOURNAL_TABLE} ORDER BY seq"
    )
    for seq, at, method, args, result, fetch_id in rows:
        yield {
            "seq": seq,
            "at": at,
            "method": method,
            "args": decode(json.loads(args)),
            "result": json.loads(result) if result is not None else None,
            "fetch_id": fetch_id,
        }
