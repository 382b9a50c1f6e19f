"""What the fleet is doing, for `zwgk fleet`: jobs queued and running, host leases, worker
heartbeats, and the shards waiting for `zwgk ingest`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crawler.fleet.dispatch import shard_site
from crawler.fleet.lease import HostLeases
from crawler.fleet.queue import CONNECTION_ERRORS, Job, JobQueue, connect, unreachable
from crawler.fleet.shard import pending_shards


@dataclass
class FleetStatus:
    queued: list[Job] = field(default_factory=list)
    running: list[tuple[Job, str, int]] = field(default_factory=list)  # job, worker, idle ms
    leases: dict[str, tuple[str, int]] = field(default_factory=dict)  # host -> holder, ms left
    workers: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> heartbeat fields
    backlog: list[tuple[str, str, int]] = field(default_factory=list)  # shard id, site, bytes


def fleet_status(redis_url: str, spool: str | Path | None, prefix: str = "zwgk") -> FleetStatus:
    """The fleet now; FleetError when the queue cannot be reached."""
    client = connect(redis_url)
    queue = JobQueue(client, prefix)
    status = FleetStatus()
    try:
        status.running = queue.running()
        status.queued = queue.queued()
        status.leases = HostLeases(client, prefix).all()
        start = len(prefix) + len(":worker:")
        for key in client.scan_iter(f"{prefix}:worker:*"):
            beat = {k.decode(): v.decode() for k, v in client.hgetall(key).items()}
            if beat:
                status.workers[key.decode()[start:]] = beat
    except CONNECTION_ERRORS as exc:
        raise unreachable(redis_url, exc) from exc
    if spool is not None:
        status.backlog = [
            (p.stem, shard_site(p.name), p.stat().st_size) for p in pending_shards(spool)
        ]
    return status
