"""The nightly scheduler: one job per night, one night at a time, batches that really crawl."""

from __future__ import annotations

import datetime
import os
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MAX_INSTANCES
from apscheduler.triggers.interval import IntervalTrigger
from crawl_helpers import write_sample_seed, zwgk

import scheduler
from archive import read
from crawler.nightly.batches import Sizing
from crawler.nightly.run import NightPlan
from crawler.sites.seeds import load_seeds

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def plan(db: Path, seeds: Path, **sizing) -> NightPlan:
    return NightPlan(str(db), str(seeds), Sizing.for_budget(1024, **({"processes": 1} | sizing)))


def test_one_job_per_night_not_per_seed(tmp_path):
    sched = scheduler.Scheduler(str(SEEDS), plan(tmp_path / "a.db", SEEDS))
    sched.aps.start(paused=True)
    try:
        sched.rescan()
        sites = [s for s in load_seeds(SEEDS) if s.schedule.enabled]
        jobs = {j.id: j for j in sched.aps.get_jobs()}
        keys = {scheduler.night_key(s) for s in sites}
        assert set(jobs) == {f"night:{k}" for k in keys}
        assert sum(len(v) for v in sched.nights.values()) == len(sites) > 2000
        job = jobs["night:30 1 * * *|Asia/Shanghai"]  # seeds/sample.toml
        assert job.max_instances == 1 and job.coalesce is True and job.misfire_grace_time >= 3600
        now = datetime.datetime(2026, 11, 22, 12, 0, tzinfo=SHANGHAI)
        assert job.trigger.get_next_fire_time(None, now) == datetime.datetime(
            2026, 11, 23, 1, 30, tzinfo=SHANGHAI
        )
        assert sched.aps.get_job("night:0 2 * * *|Asia/Shanghai").executor == "default"
    finally:
        sched.aps.shutdown(wait=False)


def test_a_night_running_past_its_slot_does_not_start_a_second_one(tmp_path):
    sched = scheduler.Scheduler(str(SEEDS), plan(tmp_path / "a.db", SEEDS))
    release, running, peak, skipped = threading.Event(), [0], [0], []
    lock = threading.Lock()

    def slow_night():
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        release.wait(5)
        with lock:
            running[0] -= 1

    sched.aps.add_listener(
        lambda event: skipped.append(event) or (len(skipped) >= 3 and release.set()),
        EVENT_JOB_MAX_INSTANCES,
    )
    sched.aps.add_job(slow_night, IntervalTrigger(seconds=0.05), id="night")
    sched.aps.start()
    try:
        assert release.wait(10), "the scheduler never tried to start the night again"
    finally:
        sched.aps.shutdown(wait=True)
    assert peak[0] == 1 and len(skipped) >= 3


def test_the_rescan_runs_on_its_own_executor_while_a_night_runs(tmp_path):
    folder = write_sample_seed(tmp_path / "seeds", "http://127.0.0.1:9")
    sched = scheduler.Scheduler(str(folder), plan(tmp_path / "a.db", folder), rescan_seconds=0.05)
    busy, rescanned = threading.Event(), threading.Event()
    real_rescan = sched.rescan

    def rescan():
        real_rescan()
        if busy.is_set():
            rescanned.set()

    sched.rescan = rescan
    sched.aps.add_job(lambda: busy.set() or rescanned.wait(10), id="night-busy")
    sched.start()
    try:
        assert rescanned.wait(10), "no rescan while the night's executor was busy"
    finally:
        sched.aps.shutdown(wait=False)


def test_run_night_crawls_the_portal_and_writes_a_run_row(tmp_path, make_portal_server):
    server = make_portal_server(revision=1)
    seeds = write_sample_seed(tmp_path / "seeds", server.url)
    db = tmp_path / "archive.db"
    summary = scheduler.run_night(plan(db, seeds), load_seeds(seeds))
    with read.open_archive(db) as arc:
        (run,) = arc.runs()
    assert run.trigger == "schedule" and run.outcome == "finished" and run.documents_new > 0
    assert summary.outcomes == {"finished": 1} and summary.documents_new == run.documents_new
    assert summary.batches == 1 and summary.batches_failed == 0


def test_seed_changes_are_picked_up_without_a_restart(tmp_path):
    folder = write_sample_seed(tmp_path / "seeds", "http://127.0.0.1:9")
    sched = scheduler.Scheduler(str(folder), plan(tmp_path / "a.db", folder))
    sched.aps.start(paused=True)  # a running scheduler that fires nothing here
    sched.rescan()
    assert [j.id for j in sched.aps.get_jobs()] == ["night:0 2 * * *|Asia/Shanghai"]
    seed = folder / "sample.toml"
    seed.write_text(seed.read_text() + '\n[schedule]\ncron = "15 4 * * *"\n', encoding="utf-8")
    os.utime(seed, (seed.stat().st_atime, seed.stat().st_mtime + 5))
    sched.rescan()
    assert [j.id for j in sched.aps.get_jobs()] == ["night:15 4 * * *|Asia/Shanghai"]
    (folder / "bad.toml").write_text("id = 'bad'\n", encoding="utf-8")  # reported, others go on
    seed.unlink()
    sched.rescan()
    assert sched.aps.get_jobs() == [] and sched.nights == {}
    sched.aps.shutdown(wait=False)


def test_schedule_list_prints_next_run_times(tmp_path):
    folder = write_sample_seed(tmp_path / "seeds", "http://127.0.0.1:9")
    done = zwgk("schedule", "--list", "--seeds", str(folder))
    assert done.returncode == 0
    site_id, when = done.stdout.split()
    assert site_id == "sample" and datetime.datetime.fromisoformat(when).tzinfo is not None


def test_a_memory_budget_too_small_for_one_process_is_one_line(tmp_path):
    folder = write_sample_seed(tmp_path / "seeds", "http://127.0.0.1:9")
    done = zwgk("schedule", "--once", "--seeds", str(folder), "--memory", "100")
    assert done.returncode == 1 and "memory budget of 100 MB" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
