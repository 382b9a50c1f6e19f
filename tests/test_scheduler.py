"""The nightly scheduler: fire times, one instance per site, and a job that really crawls."""

from __future__ import annotations

import datetime
import os
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MAX_INSTANCES
from apscheduler.triggers.interval import IntervalTrigger
from crawl_helpers import write_sample_seed

import scheduler
from archive import read
from crawler.sites.seeds import load_seed, load_seeds

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_one_cron_job_per_seed_with_jitter_and_safe_defaults():
    sched = scheduler.build_scheduler()
    sites = load_seeds(SEEDS)
    scheduler.add_jobs(sched, sites, "archive.db", str(SEEDS))
    jobs = {job.id: job for job in sched.get_jobs()}
    assert set(jobs) == {s.id for s in sites if s.schedule.enabled}
    job = jobs["sample"]
    assert job.max_instances == 1 and job.coalesce is True and job.misfire_grace_time >= 3600
    now = datetime.datetime(2026, 11, 22, 12, 0, tzinfo=SHANGHAI)
    jitter = scheduler.jitter_minutes("sample")
    expected = datetime.datetime(2026, 11, 23, 1, 30, tzinfo=SHANGHAI) + datetime.timedelta(
        minutes=jitter
    )
    assert job.trigger.get_next_fire_time(None, now) == expected  # seeds/sample.toml: "30 1 * * *"
    # a thousand sites on one cron line do not all start at once
    starts = {j.trigger.get_next_fire_time(None, now) for j in jobs.values()}
    assert len(starts) > 60


def test_jitter_is_stable_and_bounded():
    assert scheduler.jitter_minutes("sample") == scheduler.jitter_minutes("sample")
    assert all(
        0 <= scheduler.jitter_minutes(f"site-{i}") < scheduler.JITTER_MINUTES for i in range(200)
    )
    assert scheduler.jitter_minutes("sample", spread=0) == 0


def test_a_job_running_past_its_slot_does_not_start_a_second_instance():
    sched = scheduler.build_scheduler(max_crawls=4)
    release, running, peak, skipped = threading.Event(), [0], [0], []
    lock = threading.Lock()

    def slow_crawl():
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        release.wait(5)
        with lock:
            running[0] -= 1

    sched.add_listener(
        lambda event: skipped.append(event) or (len(skipped) >= 3 and release.set()),
        EVENT_JOB_MAX_INSTANCES,
    )
    sched.add_job(slow_crawl, IntervalTrigger(seconds=0.05), id="site", max_instances=1)
    sched.start()
    try:
        assert release.wait(10), "the scheduler never tried to start the job again"
    finally:
        sched.shutdown(wait=True)
    assert peak[0] == 1 and len(skipped) >= 3


def test_the_job_function_crawls_the_portal_and_writes_a_run_row(tmp_path, make_portal_server):
    server = make_portal_server(revision=1)
    seeds = write_sample_seed(tmp_path / "seeds", server.url)
    db = tmp_path / "archive.db"
    assert scheduler.run_site("sample", str(db), str(seeds)) == 0
    with read.open_archive(db) as arc:
        (run,) = arc.runs()
    assert run.trigger == "schedule" and run.outcome == "finished" and run.documents_new > 0


def test_seed_changes_are_picked_up_without_a_restart(tmp_path):
    folder = tmp_path / "seeds"
    write_sample_seed(folder, "http://127.0.0.1:9")
    sched = scheduler.build_scheduler()
    sched.start(paused=True)  # a running scheduler, as in `zwgk schedule`, that fires nothing here
    watcher = scheduler.SeedWatcher(sched, str(folder), "a.db")
    watcher.rescan()
    assert [j.id for j in sched.get_jobs()] == ["sample"]
    seed = folder / "sample.toml"
    seed.write_text(seed.read_text() + '\n[schedule]\ncron = "15 4 * * *"\n', encoding="utf-8")
    os.utime(seed, (seed.stat().st_atime, seed.stat().st_mtime + 5))
    watcher.rescan()
    site = load_seed(seed)
    now = datetime.datetime(2026, 11, 22, 12, 0, tzinfo=SHANGHAI)
    assert sched.get_job("sample").trigger.get_next_fire_time(None, now) == scheduler.trigger_for(
        site
    ).get_next_fire_time(None, now)
    (folder / "bad.toml").write_text("id = 'bad'\n", encoding="utf-8")  # reported, others go on
    seed.unlink()
    watcher.rescan()
    assert sched.get_jobs() == []
    sched.shutdown(wait=False)


def test_schedule_list_prints_next_run_times(tmp_path):
    from crawl_helpers import zwgk

    folder = write_sample_seed(tmp_path / "seeds", "http://127.0.0.1:9")
    done = zwgk("schedule", "--list", "--seeds", str(folder))
    assert done.returncode == 0
    site_id, when = done.stdout.split()
    assert site_id == "sample" and datetime.datetime.fromisoformat(when).tzinfo is not None
