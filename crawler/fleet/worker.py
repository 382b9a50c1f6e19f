"""`zwgk worker`: take site jobs from the queue, crawl each into a run shard, deliver it.

For each job the worker: leases the job's hosts (crawler/fleet/lease.py; a busy host sends the
job back to the end of the queue); copies the job's state snapshot from the spool into a local
shard (SQLite never runs over NFS); crawls it in a child process (crawler/fleet/job.py) while
renewing the leases, touching the job's stream entry and heartbeating every third of the lease;
then delivers the shard to the spool, acknowledges the job and gives the hosts back as a
cool-down of the seed's delay. A job whose worker died is taken by another once its lease ran
out (XAUTOCLAIM), and crawled again from the same snapshot.

When the queue server goes away the worker keeps crawling what it has, retries (up to 5 s
apart) and carries on where it was once the server is back: a delivered shard is acknowledged
then, a lease is renewed or taken again. A lease found held by another worker stops the crawl
at once (that worker owns the host and the job now).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from archive.records import utcnow
from crawler.fleet.lease import HostLeases
from crawler.fleet.queue import CONNECTION_ERRORS, Job, JobQueue, connect
from crawler.fleet.shard import deliver, ensure_spool, set_info

HEARTBEAT_KEEP = 3  # a heartbeat lives this many renewal periods


@dataclass
class WorkerConfig:
    redis_url: str
    spool: Path
    workdir: Path
    lease_seconds: float = 60.0
    prefix: str = "zwgk"
    neardup_threshold: float = 0.8
    overrides: dict[str, str] = field(default_factory=dict)  # --set, passed to every crawl
    until_idle: bool = False  # exit once nothing is queued or running anywhere
    log_level: str = "INFO"


class Worker:
    def __init__(self, config: WorkerConfig, say: Callable[[str], None] = print) -> None:
        self.config = config
        self.id = f"{socket.gethostname()}:{os.getpid()}"
        self.client = connect(config.redis_url)
        self.queue = JobQueue(self.client, config.prefix)
        self.leases = HostLeases(self.client, config.prefix)
        self.lease_ms = max(1, int(config.lease_seconds * 1000))
        self.renew_seconds = config.lease_seconds / 3
        self.stopping = threading.Event()
        self.jobs_done = 0
        self._say = say
        self.dirs = ensure_spool(config.spool)
        config.workdir.mkdir(parents=True, exist_ok=True)

    def say(self, line: str) -> None:
        self._say(f"{utcnow()} worker {self.id}: {line}")

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> int:
        """Work until stopped (or, with until_idle, until the fleet has nothing left); returns
        the jobs this worker delivered."""
        self.say(
            f"taking jobs from {self.config.redis_url} (lease {self.config.lease_seconds:g} s)"
        )
        backoff = 0.5
        while not self.stopping.is_set():
            try:
                self.heartbeat("idle")
                job = self.queue.reclaim(self.id, self.lease_ms) or self.queue.take(
                    self.id, block_ms=int(min(1.0, self.renew_seconds) * 1000)
                )
                if job is None:
                    if self.config.until_idle and self.queue.counts() == (0, 0):
                        break
                    continue
                self.handle(job)
                backoff = 0.5
            except CONNECTION_ERRORS as exc:
                self.say(f"queue unreachable ({exc}); retrying in {backoff:g} s")
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, 5.0)
        with contextlib.suppress(*CONNECTION_ERRORS):
            self.client.delete(self._heartbeat_key())
        self.say(f"stopped after {self.jobs_done} jobs")
        return self.jobs_done

    def _heartbeat_key(self) -> str:
        return f"{self.config.prefix}:worker:{self.id}"

    def heartbeat(self, state: str, job: Job | None = None) -> None:
        key = self._heartbeat_key()
        fields = {
            "state": state,
            "job": job.id if job else "",
            "site": job.site_id if job else "",
            "seen_at": utcnow(),
            "jobs_done": self.jobs_done,
        }
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(key, mapping=fields)
        pipe.pexpire(key, int(self.lease_ms * HEARTBEAT_KEEP / 3) + 5000)
        pipe.execute()

    def handle(self, job: Job) -> None:
        if self.queue.is_done(job):
            self.queue.drop(job)  # a duplicate entry of a job already delivered
            return
        if (self.dirs["shards"] / f"{job.id}.db").exists():
            self.queue.finish(job)  # delivered by a worker that died before acknowledging it
            return
        owner = f"{self.id} {job.id}"
        if not self.leases.take(job.hosts, owner, self.lease_ms):
            holders = self.leases.holders(job.hosts)
            if any(holder.endswith(f" {job.id}") for holder, _ in holders.values()):
                return  # its worker lives and renews: it takes the entry back on its next touch
            self.queue.requeue(job)
            busy = ", ".join(f"{h} ({holder})" for h, (holder, _) in sorted(holders.items()))
            self.say(f"job {job.id}: {job.site_id}'s hosts are busy: {busy}; back in the queue")
            wait = min([left for _, left in holders.values() if left > 0] + [1000])
            self.stopping.wait(wait / 1000)
            return
        self.say(
            f"job {job.id}: crawling {job.site_id} ({job.walk} walk, hosts {', '.join(job.hosts)})"
        )
        outcome = None
        try:
            outcome = self.crawl(job, owner)
        finally:
            if outcome is None:  # given up: the hosts are free again (only ours are given back)
                with contextlib.suppress(*CONNECTION_ERRORS):
                    self.leases.release(job.hosts, owner, int(job.delay * 1000))
        if outcome is None:
            return
        self._until_reachable(lambda: self.queue.finish(job))
        self._until_reachable(lambda: self.leases.release(job.hosts, owner, int(job.delay * 1000)))
        self.jobs_done += 1
        self.say(f"job {job.id}: delivered {outcome} and acknowledged")

    def crawl(self, job: Job, owner: str) -> Path | None:
        """Crawl the job into a local shard and deliver it: the delivered path, or None when the
        crawl was given up (lease lost, worker stopping)."""
        work = self.config.workdir
        shard, spec_path, log_path = (work / f"{job.id}{ext}" for ext in (".db", ".json", ".log"))
        for stale in (shard, Path(f"{shard}-wal"), Path(f"{shard}-shm")):
            stale.unlink(missing_ok=True)
        state = self.dirs["state"] / f"{job.id}.db"
        if state.exists():
            shutil.copyfile(state, shard)
        else:
            self.say(f"job {job.id}: no state snapshot at {state}: crawling it as a first run")
        started = time.monotonic()
        set_info(
            shard,
            {
                "shard_id": job.id,
                "site_id": job.site_id,
                "enqueued_at": job.enqueued_at,
                "worker": self.id,
                "crawl_started": utcnow(),
                "neardup_threshold": self.config.neardup_threshold,
            },
        )
        spec = {
            "parent": os.getpid(),
            "shard": str(shard),
            "seed": job.seed,
            "seed_source": job.seed_source,
            "walk": job.walk,
            "trigger": job.trigger,
            "overrides": self.config.overrides,
            "log_level": self.config.log_level,
        }
        spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        with open(log_path, "ab") as log:
            child = subprocess.Popen(
                [sys.executable, "-m", "crawler.fleet.job", str(spec_path)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        code = self._watch(job, owner, child)
        if code is None:
            return None
        set_info(shard, {"crawl_ended": utcnow(), "exit_code": code})
        delivered = deliver(shard, self.config.spool, job.id)
        self.say(f"job {job.id}: crawl ended ({code}) after {time.monotonic() - started:.1f} s")
        for done in (shard, Path(f"{shard}-wal"), Path(f"{shard}-shm"), spec_path):
            done.unlink(missing_ok=True)
        return delivered

    def _watch(self, job: Job, owner: str, child: subprocess.Popen) -> int | None:
        """Renew, touch and heartbeat until the child ends: its exit code, or None when the
        crawl was stopped (lease lost, or this worker asked to stop)."""
        while True:
            try:
                return child.wait(timeout=self.renew_seconds)
            except subprocess.TimeoutExpired:
                pass
            if self.stopping.is_set():
                self.say(f"job {job.id}: stopping; the job goes to another worker")
                _end(child)
                return None
            try:
                if not self.leases.renew(job.hosts, owner, self.lease_ms):
                    holders = self.leases.holders(job.hosts)
                    self.say(
                        f"job {job.id}: lost the lease of its hosts ({holders}); crawl stopped"
                    )
                    _end(child)
                    return None
                self.queue.touch(self.id, job)
                self.heartbeat("crawling", job)
            except CONNECTION_ERRORS as exc:
                self.say(f"job {job.id}: queue unreachable ({exc}); the crawl goes on")

    def _until_reachable(self, call: Callable[[], object]) -> None:
        """Retry a queue call until the server answers (a delivered shard must be acknowledged)."""
        backoff = 0.5
        while True:
            try:
                call()
                return
            except CONNECTION_ERRORS as exc:
                self.say(f"queue unreachable ({exc}); retrying in {backoff:g} s")
                time.sleep(backoff)
                backoff = min(backoff * 2, 5.0)


def _end(child: subprocess.Popen) -> None:
    child.terminate()
    try:
        child.wait(timeout=30)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
