"""The scheduler as the fleet's dispatcher (`zwgk schedule --redis URL --spool DIR`): a night's
due sites are queued as site jobs, not crawled by the scheduler; workers crawl them, the
ingester merges them, and the runs are recorded as the nightly ones. A queue server that is
down when the night fires is tried again until it answers; nothing is queued twice."""

from __future__ import annotations

import signal

from fleet_helpers import Watched, portal_seed, rows, run_zwgk, zwgk_command

from crawler.sample_portal import fleet

SITES = 3


def schedule_args(work, *args: str) -> list[str]:
    return [
        "schedule", "--redis", work.redis, "--spool", str(work.spool),
        "--seeds", str(work.seeds), "--db", str(work.db), *args,
    ]  # fmt: skip


def crawl_queue(work, workers: int = 2) -> str:
    """Workers until the queue is empty, then the ingester: what it printed."""
    running = [work.worker("--until-idle") for _ in range(workers)]
    for w in running:
        assert w.wait() == 0, w.output[-3000:]
    work.workers.clear()
    return work.ingest()


def nightly_runs(work) -> dict[str, tuple[str, int]]:
    found = rows(
        work.db,
        "SELECT site_id, outcome, documents_new FROM runs WHERE trigger = 'schedule' "
        "ORDER BY site_id",
    )
    return {site: (outcome, new) for site, outcome, new in found}


def test_schedule_once_queues_tonight_for_the_workers_and_crawls_nothing_itself(
    fleetwork, make_fleet
):
    portals = make_fleet(SITES)
    for index in range(SITES):
        portal_seed(fleetwork.seeds, index, portals.port)

    out = run_zwgk(*schedule_args(fleetwork, "--once")).stdout
    assert f"{SITES} sites: {SITES} queued for the fleet, 0 skipped" in out, out
    assert portals.log() == []  # the dispatcher itself fetched nothing
    assert not fleetwork.db.exists() or nightly_runs(fleetwork) == {}

    again = run_zwgk(*schedule_args(fleetwork, "--once")).stdout  # the same night, fired twice
    assert f"{SITES} sites: 0 queued for the fleet, {SITES} skipped" in again, again
    assert again.count("is queued or running") == SITES, again

    merged = crawl_queue(fleetwork)
    assert merged.count("merged ") == SITES, merged  # one job per site, not two
    runs = nightly_runs(fleetwork)
    assert runs == {f"fleet-{i}": ("finished", fleet.DOCS) for i in range(SITES)}, runs
    hosts = {e["host"] for e in portals.log()}
    assert hosts == {fleet.host(i) for i in range(SITES)}
    documents = rows(fleetwork.db, "SELECT count(*) FROM documents")[0][0]
    assert documents == SITES * fleet.DOCS


def test_a_queue_server_down_when_the_night_fires_is_tried_again_until_it_answers(
    fleetwork, valkey, make_fleet
):
    portals = make_fleet(SITES)
    for index in range(SITES):
        portal_seed(fleetwork.seeds, index, portals.port)
    valkey.kill()

    command = zwgk_command(*schedule_args(fleetwork, "--now", "--retry", "0.2", "--rescan", "3600"))
    sched = Watched(command, "scheduler")
    try:
        sched.wait_for(r"cannot reach the queue at .*; trying again in 0\.2 s")
        valkey.restart()
        sched.wait_for(rf"night: {SITES} sites: {SITES} queued for the fleet, 0 skipped")
        assert portals.log() == []  # queued, not crawled by the scheduler
        merged = crawl_queue(fleetwork)
        assert merged.count("merged ") == SITES, merged
        runs = nightly_runs(fleetwork)
        assert runs == {f"fleet-{i}": ("finished", fleet.DOCS) for i in range(SITES)}, runs
    finally:
        sched.proc.send_signal(signal.SIGTERM)
        code = sched.wait()
    assert code == 0, sched.output[-3000:]
    assert "scheduler stopped" in sched.output


def test_schedule_once_with_no_queue_server_says_so_in_one_line_and_fails(fleetwork, valkey):
    portal_seed(fleetwork.seeds, 0, 9)
    valkey.kill()
    done = Watched(zwgk_command(*schedule_args(fleetwork, "--once")), "scheduler")
    assert done.wait() == 1
    lines = [line for line in done.lines if "cannot reach the queue" in line]
    assert lines and "not queued after 1 attempt:" in done.output, done.output
