"""Faults: a worker killed with -9 mid-crawl, a shard delivered twice, the queue server killed
and restarted, the ingester killed mid-merge. Each time no job is lost, none is merged twice,
and the archive passes `zwgk check`."""

from __future__ import annotations

import os
import shutil
import signal

from archive_facts import facts
from crawl_helpers import write_sample_seed
from fleet_helpers import Watched, portal_seed, rows, run_zwgk, wait_until, zwgk_command

from crawler.sample_portal import fleet

LEASE = ("--set", "ZWGK_FLEET_LEASE=3")  # seconds: a dead worker's job is taken again soon


def requests_to(portals, index: int) -> list[dict]:
    log = [e for e in portals.log() if e["host"] == fleet.host(index)]
    return sorted(log, key=lambda e: e["started"])


def test_a_job_whose_worker_was_killed_runs_again_elsewhere_and_is_merged_once(
    fleetwork, make_fleet
):
    portals = make_fleet(2)
    portal_seed(fleetwork.seeds, 1, portals.port, delay=0.3)  # ~9 s of crawling
    fleetwork.enqueue("--all")
    first = fleetwork.worker(*LEASE)
    first.wait_for(r"crawling fleet-1")
    wait_until(lambda: len(requests_to(portals, 1)) >= 5, "the crawl under way")
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait()
    killed_at = len(requests_to(portals, 1))
    others = [fleetwork.worker(*LEASE, "--until-idle") for _ in range(2)]
    for w in others:
        assert w.wait() == 0, w.output[-3000:]
    assert sum("crawling fleet-1" in w.output for w in others) == 1
    # the killed worker's crawl ended with it: the host never saw two requests at once
    log = requests_to(portals, 1)
    assert len(log) > killed_at + 10
    for before, after in zip(log, log[1:], strict=False):
        assert after["started"] >= before["ended"], (before, after)

    out = fleetwork.ingest("--keep")
    assert out.count("merged ") == 1, out
    runs = rows(fleetwork.db, "SELECT site_id, outcome FROM runs")
    assert runs == [("fleet-1", "finished")]
    assert rows(fleetwork.db, "SELECT count(*) FROM documents") == [(fleet.DOCS,)]
    crawled_by = rows(fleetwork.db, "SELECT worker FROM ingested_shards")
    assert crawled_by[0][0].endswith(f":{others[0].proc.pid}") or crawled_by[0][0].endswith(
        f":{others[1].proc.pid}"
    )
    run_zwgk("check", "--db", str(fleetwork.db))

    # the same shard delivered again: merged before, so nothing changes
    before = facts(fleetwork.db)
    (shard,) = (fleetwork.spool / "ingested").glob("*.db")
    shutil.copy(shard, fleetwork.spool / "shards" / shard.name)
    out = fleetwork.ingest()
    assert "merged before, nothing to do" in out, out
    assert facts(fleetwork.db) == before
    assert rows(fleetwork.db, "SELECT count(*) FROM runs") == [(1,)]
    assert not list((fleetwork.spool / "shards").glob("*.db"))


def test_workers_ride_out_the_queue_server_being_killed_and_restarted(
    fleetwork, valkey, make_fleet
):
    portals = make_fleet(4)
    for index in (1, 2, 3):
        portal_seed(fleetwork.seeds, index, portals.port, delay=0.2)
    fleetwork.enqueue("--all")
    workers = [fleetwork.worker("--until-idle") for _ in range(2)]
    for w in workers:
        w.wait_for(r"crawling fleet-")
    valkey.kill()  # SIGKILL; its append-only file was fsynced at every write
    for w in workers:
        w.wait_for(r"queue unreachable")
    valkey.restart()
    for w in workers:
        assert w.wait() == 0, w.output[-3000:]
    out = fleetwork.ingest()
    assert out.count("merged ") == 3, out
    runs = rows(fleetwork.db, "SELECT site_id, outcome FROM runs ORDER BY site_id")
    assert runs == [(f"fleet-{i}", "finished") for i in (1, 2, 3)]  # no job lost, none twice
    per_site = rows(fleetwork.db, "SELECT site_id, count(*) FROM documents GROUP BY site_id")
    assert per_site == [(f"fleet-{i}", fleet.DOCS) for i in (1, 2, 3)]
    status = run_zwgk("fleet", "--redis", fleetwork.redis, "--spool", str(fleetwork.spool))
    assert "queued: 0" in status.stdout and "running: 0" in status.stdout, status.stdout


def test_an_ingester_killed_mid_merge_leaves_nothing_and_merges_on_restart(
    fleetwork, make_portal_server
):
    portal = make_portal_server(portal="synthetic", docs=300)
    write_sample_seed(fleetwork.seeds, portal.url, max_pages=5000)
    fleetwork.enqueue("--all")
    assert fleetwork.worker("--until-idle").wait() == 0
    (shard,) = (fleetwork.spool / "shards").glob("*.db")

    ingest = Watched(
        zwgk_command("ingest", "--db", str(fleetwork.db), "--spool", str(fleetwork.spool)),
        "ingest",
    )
    ingest.wait_for(r"^ingesting ")  # printed inside the shard's transaction
    os.kill(ingest.proc.pid, signal.SIGKILL)
    ingest.wait()
    assert "merged " not in ingest.output
    assert rows(fleetwork.db, "SELECT count(*) FROM ingested_shards") == [(0,)]
    assert rows(fleetwork.db, "SELECT count(*) FROM runs") == [(0,)]
    assert rows(fleetwork.db, "SELECT count(*) FROM documents") == [(0,)]
    assert shard.exists()  # still waiting to be merged
    run_zwgk("check", "--db", str(fleetwork.db))

    out = fleetwork.ingest()
    assert out.count("merged ") == 1, out
    assert rows(fleetwork.db, "SELECT outcome FROM runs") == [("finished",)]
    assert rows(fleetwork.db, "SELECT count(*) FROM documents") == [(300,)]
    assert rows(fleetwork.db, "SELECT count(*) FROM ingested_shards") == [(1,)]
    run_zwgk("check", "--db", str(fleetwork.db))
