import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler

import scheduler
from crawler.seeds import load_seeds

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_one_cron_job_per_seed_with_safe_defaults():
    sched = BackgroundScheduler()
    sites = load_seeds(SEEDS)
    scheduler.add_jobs(sched, sites, "archive.db", str(SEEDS))
    jobs = {job.id: job for job in sched.get_jobs()}
    assert set(jobs) == {s.id for s in sites if s.schedule.enabled}
    job = jobs["sample"]
    assert job.max_instances == 1 and job.coalesce is True
    assert job.misfire_grace_time >= 3600
    shanghai = ZoneInfo("Asia/Shanghai")
    now = datetime.datetime(2026, 11, 22, 12, 0, tzinfo=shanghai)
    assert job.trigger.get_next_fire_time(None, now) == datetime.datetime(
        2026, 11, 23, 1, 30, tzinfo=shanghai
    )


def test_job_runs_zwgk_crawl_for_its_site():
    cmd = scheduler.crawl_command("sample", "a.db", "seeds")
    assert cmd[1:] == [
        "-m",
        "crawler.cli",
        "crawl",
        "--site",
        "sample",
        "--trigger",
        "schedule",
        "--db",
        "a.db",
        "--seeds",
        "seeds",
    ]
