"""Equivalence: three workers and the ingester build the archive one local `zwgk crawl` builds
from the same portals — on a first crawl, and again after the portals changed (the sample
portal's revision 2: changed documents, deleted and unlisted ones)."""

from __future__ import annotations

from archive_facts import assert_same
from crawl_helpers import write_sample_seed
from fleet_helpers import portal_seed, run_zwgk


def local_crawl(work, db, *args: str) -> None:
    sites = [p.stem for p in sorted(work.seeds.glob("*.toml"))]
    site_args = [a for s in sites for a in ("--site", s)]
    run_zwgk("crawl", *site_args, "--seeds", str(work.seeds), "--db", str(db), *args)


def fleet_crawl(work, *args: str) -> str:
    queued = work.enqueue("--all", *args)
    workers = [work.worker("--until-idle") for _ in range(3)]
    for w in workers:
        assert w.wait() == 0, w.output[-3000:]
    work.workers.clear()
    return queued + work.ingest()


def test_workers_and_ingest_build_the_archive_a_local_crawl_builds(
    fleetwork, make_portal_server, make_fleet, tmp_path
):
    sample = make_portal_server()
    portals = make_fleet(4)
    write_sample_seed(fleetwork.seeds, sample.url)
    for index in (1, 2, 3):
        portal_seed(fleetwork.seeds, index, portals.port)
    local = tmp_path / "local.db"

    local_crawl(fleetwork, local)
    out = fleet_crawl(fleetwork)
    assert out.count("queued  ") == 4 and out.count("merged ") == 4, out
    first = assert_same(local, fleetwork.db)
    assert len(first["documents"]) > 20 and first["clusters"] and first["search"]["工作报告"]

    sample.set_revision(2)  # documents changed, one deleted, one off its list
    local_crawl(fleetwork, local, "--full")
    out = fleet_crawl(fleetwork, "--full")
    assert out.count("merged ") == 4, out
    second = assert_same(local, fleetwork.db)
    events = {event for (_, event, _, _) in second["events"]}
    assert {"new", "changed", "deleted"} <= events, events
    assert any(v[1] == 2 for v in second["versions"])  # second versions were made
    assert run_zwgk("check", "--db", str(fleetwork.db)).returncode == 0
