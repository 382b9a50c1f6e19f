"""Site jobs on a Redis/Valkey stream with a consumer group: the fleet's queue.

Keys (prefix ZWGK_FLEET_PREFIX, default `zwgk`):

    zwgk:jobs            stream of jobs, consumer group `workers`: XREADGROUP hands each entry
                         to one worker; it stays in that worker's pending list until XACK
    zwgk:sites           hash site id -> its outstanding job id (one job per site at a time)
    zwgk:done:<job id>   set for a week once the job's shard is delivered

A worker holding a job touches its entry (XCLAIM to itself, which resets the entry's idle
time) each time it renews its host lease; an entry idle longer than the lease belongs to a
worker that died, and XAUTOCLAIM hands it to another. Entries are deleted once acknowledged,
so the stream holds exactly the jobs queued or running. Redis holds coordination only: the
archive, seeds and shards are files; losing Redis loses the queue, which `zwgk enqueue`
rebuilds (crawler/fleet/dispatch.py).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace

import valkey
from valkey.exceptions import ResponseError

from crawler.fleet.exceptions import FleetError

GROUP = "workers"
DONE_SECONDS = 7 * 24 * 3600
CONNECTION_ERRORS = (valkey.exceptions.ConnectionError, valkey.exceptions.TimeoutError)

# HSETNX the site's outstanding job, and only then XADD it: a site is never queued twice
_ADD = """
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return false end
return redis.call('XADD', KEYS[1], '*', 'job', ARGV[3])
"""
# the job is delivered: acknowledge and delete its entry, free its site, remember it is done
_FINISH = """
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
if redis.call('HGET', KEYS[2], ARGV[3]) == ARGV[4] then redis.call('HDEL', KEYS[2], ARGV[3]) end
redis.call('SET', KEYS[3], '1', 'EX', ARGV[5])
return 1
"""
# back to the end of the queue (its host is busy): a new entry first, then the old one goes
_REQUEUE = """
local id = redis.call('XADD', KEYS[1], '*', 'job', ARGV[3])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
redis.call('XDEL', KEYS[1], ARGV[2])
return id
"""


@dataclass(frozen=True)
class Job:
    """One site to crawl once: the seed as the dispatcher read it, and how to walk it."""

    id: str  # <enqueued at, compact UTC>-<site id>-<random>: the shard id; sorts by enqueue time
    site_id: str
    seed: str  # the seed file's TOML text
    seed_source: str  # the seed file's path on the dispatcher (recorded as the site's source)
    hosts: tuple[str, ...]  # the hosts the crawl is bound to: each gets a lease
    delay: float  # the seed's download delay: the cool-down of its hosts after the crawl
    walk: str = "auto"  # auto | full | incremental
    trigger: str = "fleet"
    enqueued_at: str = ""
    entry: str | None = field(default=None, compare=False)  # its stream entry, when read
    deliveries: int = field(default=0, compare=False)  # times the stream handed it out

    def to_json(self) -> str:
        data = asdict(self)
        del data["entry"], data["deliveries"]
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_entry(cls, entry: str, fields: dict) -> Job:
        data = json.loads(_text(fields.get(b"job") or fields.get("job")))
        data["hosts"] = tuple(data["hosts"])
        return cls(**data, entry=_text(entry))


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def connect(url: str, timeout: float = 10.0) -> valkey.Valkey:
    """A client of the Redis/Valkey server at `url` (redis://host:port/db); it connects on
    first use and again after the server went away."""
    try:
        return valkey.Valkey.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=min(timeout, 5.0)
        )
    except ValueError as exc:
        raise FleetError(f"--redis {url!r}: {exc}") from exc


def unreachable(url: str, exc: BaseException) -> FleetError:
    return FleetError(f"cannot reach the queue at {url} ({exc}); is Redis/Valkey running there?")


class JobQueue:
    def __init__(self, client: valkey.Valkey, prefix: str = "zwgk") -> None:
        self.client = client
        self.prefix = prefix
        self.stream = f"{prefix}:jobs"
        self.sites = f"{prefix}:sites"
        self._add = client.register_script(_ADD)
        self._finish = client.register_script(_FINISH)
        self._requeue = client.register_script(_REQUEUE)
        self._group_ready = False
        self._cursor = "0-0"  # where the next XAUTOCLAIM goes on

    def _done_key(self, job_id: str) -> str:
        return f"{self.prefix}:done:{job_id}"

    def ensure_group(self) -> None:
        try:
            self.client.xgroup_create(self.stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    def add(self, job: Job) -> str | None:
        """Queue a job; None (nothing queued) when its site already has one outstanding."""
        self.ensure_group()
        entry = self._add(keys=[self.stream, self.sites], args=[job.site_id, job.id, job.to_json()])
        return _text(entry) if entry else None

    def outstanding(self) -> dict[str, str]:
        """Site id -> its job queued or running."""
        return {_text(k): _text(v) for k, v in self.client.hgetall(self.sites).items()}

    def _call(self, fn):
        """Run `fn`; a server that lost the group (restarted without its data) gets it again."""
        if not self._group_ready:
            self.ensure_group()
        try:
            return fn()
        except ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            self.ensure_group()
            return fn()

    def take(self, consumer: str, block_ms: int) -> Job | None:
        """The next queued job, handed to `consumer` (waits up to block_ms for one)."""
        found = self._call(
            lambda: self.client.xreadgroup(
                GROUP, consumer, {self.stream: ">"}, count=1, block=block_ms
            )
        )
        for _stream, messages in found or ():
            for entry, fields in messages:
                if fields:
                    return replace(Job.from_entry(entry, fields), deliveries=1)
        return None

    def reclaim(self, consumer: str, min_idle_ms: int) -> Job | None:
        """A job whose worker stopped touching it for min_idle_ms (it died): now `consumer`'s."""
        answer = self._call(
            lambda: self.client.xautoclaim(
                self.stream, GROUP, consumer, min_idle_ms, start_id=self._cursor, count=1
            )
        )
        # XAUTOCLAIM looks at a few pending entries per call: go on from where it stopped, so
        # that a long pending list is walked whole over successive calls
        self._cursor = _text(answer[0]) if answer and answer[0] else "0-0"
        messages = answer[1] if len(answer) > 1 else []
        deleted = answer[2] if len(answer) > 2 else []
        if deleted:
            self.client.xack(self.stream, GROUP, *deleted)
        for entry, fields in messages:
            if fields:
                return replace(Job.from_entry(entry, fields), deliveries=2)
        return None

    def touch(self, consumer: str, job: Job) -> bool:
        """Reset the job's idle time (it is being worked on); False if it is no longer ours."""
        claimed = self._call(
            lambda: self.client.xclaim(self.stream, GROUP, consumer, 0, [job.entry], justid=True)
        )
        return bool(claimed)

    def requeue(self, job: Job) -> Job:
        entry = self._requeue(keys=[self.stream], args=[GROUP, job.entry, job.to_json()])
        return replace(job, entry=_text(entry))

    def finish(self, job: Job) -> None:
        """The job's shard is delivered: acknowledge it, free its site."""
        self._finish(
            keys=[self.stream, self.sites, self._done_key(job.id)],
            args=[GROUP, job.entry, job.site_id, job.id, DONE_SECONDS],
        )

    def is_done(self, job: Job) -> bool:
        return bool(self.client.exists(self._done_key(job.id)))

    def drop(self, job: Job) -> None:
        """Acknowledge and delete an entry whose job is done already (a duplicate)."""
        self.client.xack(self.stream, GROUP, job.entry)
        self.client.xdel(self.stream, job.entry)

    def counts(self) -> tuple[int, int]:
        """(jobs queued, jobs running): entries not yet handed out, and handed out not acked."""
        self.ensure_group()
        for group in self.client.xinfo_groups(self.stream):
            if _text(group.get("name")) == GROUP:
                lag = group.get("lag")
                pending = int(group.get("pending") or 0)
                queued = int(lag) if lag is not None else self.client.xlen(self.stream) - pending
                return max(queued, 0), pending
        return 0, 0

    def running(self) -> list[tuple[Job, str, int]]:
        """Jobs handed out and not acknowledged: (job, worker, ms since it was last touched)."""
        self.ensure_group()
        found = []
        for p in self.client.xpending_range(self.stream, GROUP, "-", "+", 1000):
            entry = _text(p["message_id"])
            rows = self.client.xrange(self.stream, entry, entry)
            if rows and rows[0][1]:
                job = Job.from_entry(entry, rows[0][1])
                found.append((job, _text(p["consumer"]), int(p["time_since_delivered"])))
        return found

    def queued(self, limit: int = 1000) -> list[Job]:
        """Jobs not handed out yet, oldest first."""
        running = {job.entry for job, _, _ in self.running()}
        return [
            Job.from_entry(entry, fields)
            for entry, fields in self.client.xrange(self.stream, "-", "+", count=limit)
            if fields and _text(entry) not in running
        ]
