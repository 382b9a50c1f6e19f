"""Politeness across workers: two seeds on one host (a 集约化 platform hosting two counties),
crawled by whichever of three workers take their jobs: the host sees one request at a time,
and at least the seeds' delay between one answer and the next request."""

from __future__ import annotations

import sqlite3

from fleet_helpers import portal_seed, write_seed

from crawler.sample_portal import fleet

DELAY = 0.3


def test_two_seeds_on_one_host_never_overlap_whichever_workers_crawl_them(fleetwork, make_fleet):
    portals = make_fleet(3)
    urls = fleet.start_urls(0, portals.port)
    write_seed(fleetwork.seeds, "shared-a", urls[:10], fleet.host(0), DELAY)
    write_seed(fleetwork.seeds, "shared-b", urls[10:], fleet.host(0), DELAY)
    for index in (1, 2):  # other hosts keep the other workers busy meanwhile
        portal_seed(fleetwork.seeds, index, portals.port)
    fleetwork.enqueue("--all")
    workers = [fleetwork.worker("--until-idle") for _ in range(3)]
    for w in workers:
        assert w.wait() == 0, w.output[-3000:]
    out = fleetwork.ingest()
    assert out.count("merged ") == 4, out
    # a second worker was turned away from the host while the first crawled it
    assert any("hosts are busy" in w.output for w in workers), [w.output for w in workers]

    shared = sorted(
        (e for e in portals.log() if e["host"] == fleet.host(0)), key=lambda e: e["started"]
    )
    halves = {int(e["path"].split("/col")[1][:2]) <= 10 for e in shared if "/col" in e["path"]}
    assert halves == {True, False} and len(shared) > 20
    for before, after in zip(shared, shared[1:], strict=False):
        assert after["started"] - before["ended"] >= DELAY - 0.01, (before, after)
    conn = sqlite3.connect(fleetwork.db)
    crawled_by = dict(
        conn.execute("SELECT site_id, worker FROM ingested_shards WHERE site_id LIKE 'shared-%'")
    )
    outcomes = set(conn.execute("SELECT outcome FROM runs"))
    conn.close()
    assert set(crawled_by) == {"shared-a", "shared-b"} and outcomes == {("finished",)}
